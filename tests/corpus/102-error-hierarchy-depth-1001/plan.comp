plan "Deep hierarchy" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money }

  # 1% of the whole team's bookings to every manager above a deal, at any depth.
  measure team_sales = team sum(credit.amount)
  component override {
    pay 1% of team_sales once when team_sales > 0
  }
}
