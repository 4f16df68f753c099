# P14 (a): graduated 5% to 100,000, 7% to 250,000, 9% above.
plan "P14a graduated" {
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
      [0, 100_000)         5%
      [100_000, 250_000)   7%
      [250_000, ..)        9%
    }
  }
}
