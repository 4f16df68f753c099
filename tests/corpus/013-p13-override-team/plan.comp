# P13: reps earn 10% of their own sales; their manager earns an override of 3% of the team's
# sales (every direct and indirect report), paid once per quarter.
plan "P13 override" {
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
    pay 3% of team_sales once when team_sales > 0
  }
}
