# P09: 3% of sales, capped at 10,000 per month.
plan "P09 capped" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 3%
    cap per period at 10_000
  }
}
