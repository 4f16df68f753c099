# Lines and a total at the largest mantissa a decimal holds at two places: exact.
plan "At the limit" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 100%
  }
}
