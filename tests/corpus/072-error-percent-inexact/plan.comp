# A percent whose value / 100 needs 30 decimal places cannot be held exactly.
plan "Inexact percent" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 10 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 0.0000000000000000000000000001%
  }
}
