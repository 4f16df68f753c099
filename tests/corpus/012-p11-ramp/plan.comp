# P11: a quota ramp over the first five months of tenure, made visible as a monthly bonus of
# 1% of the ramped quota.
plan "P11 ramp" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  ramp [0%, 25%, 50%, 75%, 100%]

  input deal {
    amount: money
  }
  input payee {
    monthly_quota: money
  }

  component ramp_bonus {
    pay 1% of ramp(payee.monthly_quota) once
  }
}
