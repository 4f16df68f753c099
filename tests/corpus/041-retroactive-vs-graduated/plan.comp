# The same tier table read two ways on the same deals: graduated against the running total
# (marginal) and retroactive at period end (volume).
plan "Retroactive vs graduated" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component marginal {
    commission on credit.amount
    rate graduated by amount running {
      [0, 50_000)          5%
      [50_000, 100_000)    8%
      [100_000, ..)       10%
    }
  }

  component volume {
    commission on credit.amount
    rate retroactive by amount at period end {
      [0, 50_000)          5%
      [50_000, 100_000)    8%
      [100_000, ..)       10%
    }
  }
}
