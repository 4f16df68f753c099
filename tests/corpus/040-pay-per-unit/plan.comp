# A fixed amount per unit: 25 per seat sold, times the credit share.
plan "Pay per unit" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    seats: integer
  }

  component seats {
    pay 25 per unit of deal.seats
  }
}
