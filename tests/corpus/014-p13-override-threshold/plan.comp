# P13, threshold variant: the manager's override is 3% of team sales above 225,000.
plan "P13 override threshold" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_sales = team sum(credit.amount)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component override {
    pay 3% of max(team_sales - 225_000, 0) once when team_sales > 0
  }
}
