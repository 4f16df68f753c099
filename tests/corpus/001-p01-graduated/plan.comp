# P01: graduated tiers on the amount, 5% / 7% / 10%.
plan "P01 graduated" {
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
      [0, 50_000)        5%
      [50_000, 100_000)  7%
      [100_000, ..)     10%
    }
  }
}
