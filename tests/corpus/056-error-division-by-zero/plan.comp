# Evaluation error: attainment divides by the payee's quota, which is zero in this case's data.
plan "Division by zero" {
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
    rate 5%
    gate attainment >= 50%
  }
}
