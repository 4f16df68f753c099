# A decelerator: below 50% attainment for the quarter, every line pays half.
plan "Decelerator" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    quota: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate 10%
    multiply 0.5 when attainment < 50%
  }
}
