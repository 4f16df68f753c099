# P10: a 30% commission on a deal split 50/50 between two payees.
plan "P10 split" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 30%
  }
}
