plan "AE" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  measure bookings = sum(credit.amount)
  component kicker { pay 500 once when bookings >= 2_000 }
}
