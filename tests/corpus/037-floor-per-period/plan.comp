# A floor per period: when the component earns less than 500 in a month, a top-up line
# (deal null, the component's name) brings it to 500.
plan "Floor per period" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
    floor per period at 500
  }
}
