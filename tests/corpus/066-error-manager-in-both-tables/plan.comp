# A manager override on team sales; the managers table of this case is refused before evaluation.
plan "Hierarchy data check" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_sales = team sum(credit.amount)

  component override {
    pay 1% of team_sales once when team_sales > 0
  }
}
