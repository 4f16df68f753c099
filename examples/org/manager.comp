# The organisation's managers (examples/org/README.md): 0.2% of their team's bookings, whatever
# plan the members are on (AEs and SDRs alike), at most their target incentive a quarter.
plan "Sales Manager" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money }
  input payee { target_incentive: money }

  measure team_bookings = team sum(credit.amount)

  component override {
    pay 0.2% of team_bookings once
  }

  cap total per period at payee.target_incentive
}
