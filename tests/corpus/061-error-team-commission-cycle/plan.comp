# Team commission may not count a component that reads team commission itself: the override
# would depend on the overrides of the reports. E0209 at the component named in the measure.
plan "Team commission cycle" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_pay = team commission(rep, override)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component override {
    pay 5% of team_pay once
  }
}
