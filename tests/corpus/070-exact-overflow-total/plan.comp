# Each line fits in 96 bits at two places; their sum does not.
plan "Overflow on a total" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 100%
  }
}
