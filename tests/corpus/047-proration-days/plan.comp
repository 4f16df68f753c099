# Proration by days: a monthly base amount paid in proportion to the days the payee is active
# in the month (actual day count; start and end days included).
plan "Proration" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  proration actual

  input deal {
    amount: money
  }
  input payee {
    monthly_base: money
  }

  component base_pay {
    pay prorate(payee.monthly_base) once
  }
}
