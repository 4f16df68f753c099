# P23: marginal (graduated) commission per pay cycle: 25% to 500, 30% to 3,000, 40% above.
# Each month is a cycle that starts again from zero.
plan "P23 marginal per cycle" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate graduated by amount {
      [0, 500)        25%
      [500, 3_000)    30%
      [3_000, ..)     40%
    }
  }
}
