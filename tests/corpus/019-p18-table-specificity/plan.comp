# P18: commission rules by product category, product and variant. The most specific rule that
# matches wins: variant > product > category > global (the default). A flat amount is paid
# once per line (times the credit share), not per unit.
plan "P18 rule specificity" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    category: text
    product: text
    variant: text
  }

  component core {
    commission on credit.amount
    rate table by deal.category, deal.product, deal.variant {
      default                        => flat 10
      "Desks", _, _                  => flat 20
      _, "Standing Desk", _          => 5%
      _, _, "Standing Desk Oak"      => 15%
    }
  }
}
