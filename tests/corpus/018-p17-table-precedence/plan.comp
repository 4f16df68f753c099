# P17: a partner-level rate and a product-level rate; the most specific row wins. Keys are
# listed general -> specific, so a concrete product beats a wildcard product.
plan "P17 rate precedence" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    product: text
  }
  input payee {
    partner_group: text
  }

  component core {
    commission on credit.amount
    rate table by payee.partner_group, deal.product {
      "reseller", _   => 10%
      _, "B"          => 50%
    }
  }
}
