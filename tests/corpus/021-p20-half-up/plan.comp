# P20: per-line rounding mode half_up on raw lines 2.675, 1.005 and 0.125 (50% of 5.35, 2.01, 0.25).
plan "P20 half_up" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_up 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 50%
  }
}
