# A manager override on what the direct reports earned: 5% of their `rep` commission, after
# the reports' own period cap and line rounding. Overrides are not counted again one level up.
plan "Override on direct-team commission" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure direct_pay = direct commission(rep)

  component rep {
    commission on credit.amount
    rate 10%
    cap per period at 9000
  }

  component override {
    pay 5% of direct_pay once when direct_pay > 0
  }
}
