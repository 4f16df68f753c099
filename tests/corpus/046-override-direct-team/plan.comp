# Manager overrides through a two-level hierarchy: 2% of direct reports' credited sales and 1%
# of the whole team's (direct and indirect reports). A manager's own deals are not team sales.
plan "Override direct and team" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure direct_sales = direct sum(credit.amount)
  measure team_sales = team sum(credit.amount)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component direct_override {
    pay 2% of direct_sales once when direct_sales > 0
  }

  component team_override {
    pay 1% of team_sales once when team_sales > 0
  }
}
