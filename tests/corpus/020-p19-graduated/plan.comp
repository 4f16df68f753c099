# P19: graduated 5% to 10,000, 7% to 25,000, 10% above.
plan "P19 graduated" {
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
      [0, 10_000)        5%
      [10_000, 25_000)   7%
      [25_000, ..)      10%
    }
  }
}
