# A rate expression: services pay 10%, everything else 5%.
plan "Rate expression" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    product: text
  }

  component core {
    commission on credit.amount
    rate if deal.product = "Services" then 10% else 5%
  }
}
