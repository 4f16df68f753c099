# A year-to-date measure: a bonus paid in every quarter whose year-to-date bookings have
# reached 100,000, next to a 2% core commission.
plan "YTD measure" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure ytd_bookings = ytd sum(credit.amount)

  component core {
    commission on credit.amount
    rate 2%
  }

  component ytd_bonus {
    pay 1_000 once when ytd_bookings >= 100_000
  }
}
