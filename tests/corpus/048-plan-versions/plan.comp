# Two effective-dated versions of one plan: 5% in the first half of 2026, 6% in the second.
# Each period is evaluated under the version in force on its first day.
plan "Versioned AE" version 1 {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-06-30
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
  }
}

plan "Versioned AE" version 2 {
  currency USD
  period quarter
  effective 2026-07-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 6%
  }
}
