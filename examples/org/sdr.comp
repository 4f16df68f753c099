# The organisation's sales development reps (examples/org/README.md): a flat 1% on the
# bookings they source, and a 500 bonus for a quarter of 100,000 or more.
plan "Sales Development" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money }

  measure sourced = sum(credit.amount)

  component sourced_bookings {
    commission on credit.amount
    rate 1%
  }

  component quarter_bonus {
    pay 500 once when sourced >= 100000
  }
}
