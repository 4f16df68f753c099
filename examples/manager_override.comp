# Sales manager override: a share of the team's credited bookings, by quarter.
#
# The team is every payee below the manager in the `manager` hierarchy (direct and indirect
# reports; the manager's own deals are not team credit). The override pays 3% of team
# bookings above 225,000 per quarter: a graduated table read once at period end, keyed on the
# team measure, with a 0% band below the threshold. With reps selling 75,000 / 60,000 /
# 67,500 / 52,500 / 45,000 (team bookings 300,000) it pays 3% x 75,000 = 2,250.00 (worked
# example P13).
#
#   deals:  id, payee, date, amount
#   payees: id, manager, start, end, team_quota
plan "Sales Manager Override FY2026" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money }
  input payee {
    team_quota: money  # 0 for payees who manage nobody
  }

  measure team_bookings = team sum(credit.amount)
  measure direct_deals = direct count()  # credit lines of direct reports

  # Read `at period end` by a measure, a graduated table slices the measure's value and pays
  # one line per payee and quarter, whether or not the manager has deals of their own.
  # `commission on` names the units (money); the manager's own lines are not the key.
  component override {
    commission on credit.amount
    rate graduated by team_bookings at period end {
      [0,      225000) 0%
      [225000, ..)     3%
    }
    # Paid only when the team reached half its quota; `if` keeps payees without a team
    # quota out.
    gate if payee.team_quota > 0 then team_bookings >= 50% of payee.team_quota else false
    cap per period at 15000
  }

  # A quarterly bonus when the manager's direct reports closed at least 20 deals.
  component coaching_bonus {
    pay 1000 once when direct_deals >= 20
  }

  # All components together pay at most 20,000.00 per quarter.
  cap total per period at 20000
}
