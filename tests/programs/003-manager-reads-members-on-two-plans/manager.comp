plan "Manager" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  measure team_bookings = team sum(credit.amount)
  component override { pay 1% of team_bookings once }
}
