# P02: four graduated tiers on the amount, deal by deal against the running quarter total.
plan "P02 graduated running" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate graduated by amount running {
      [0, 75_000)          5%
      [75_000, 150_000)    7%
      [150_000, 300_000)  10%
      [300_000, ..)       12%
    }
  }
}
