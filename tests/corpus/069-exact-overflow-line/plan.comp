# A rate on the largest amount a decimal holds: the exact line does not fit in 96 bits.
plan "Overflow on a line" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
  }
}
