# P05, graduated mode: each slice of the quarter's running total at its own band's rate.
plan "P05 graduated" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate graduated by amount {
      [0, 10_000)        3%
      [10_000, 25_000)   5%
      [25_000, ..)       7%
    }
  }
}
