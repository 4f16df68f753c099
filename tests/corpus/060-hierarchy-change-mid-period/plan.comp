# Team credit rolls up through the manager hierarchy as of each deal's date; team commission
# uses the hierarchy of the period's last day. The hierarchy comes from a managers table with
# effective dates (R1 moves from M1 to M2 on 2026-02-15; M2 joins VP's org on 2026-03-15).
plan "Hierarchy change mid-period" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_sales = team sum(credit.amount)
  measure direct_pay = direct commission(rep)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component sales_override {
    pay 2% of team_sales once when team_sales > 0
  }

  component pay_override {
    pay 10% of direct_pay once when direct_pay > 0
  }
}
