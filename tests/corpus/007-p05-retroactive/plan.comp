# P05, retroactive mode: every line at the rate of the band the quarter's total ends in.
plan "P05 retroactive" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate retroactive by amount {
      [0, 10_000)        3%
      [10_000, 25_000)   5%
      [25_000, ..)       7%
    }
  }
}
