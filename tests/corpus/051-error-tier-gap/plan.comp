# Plan error: the tiers leave 50,000..60,000 uncovered.
plan "Tier gap" {
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
      [0, 50_000)         5%
      [60_000, ..)        7%
    }
  }
}
