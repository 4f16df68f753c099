# P14 (b): a base rate of 6%, multiplied by 1.25 once year-to-date attainment exceeds 100%.
plan "P14b YTD accelerator" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    annual_quota: money
  }

  # From the start of the fiscal year through the end of the period being evaluated.
  measure ytd_bookings = ytd sum(credit.amount)
  measure ytd_attainment = ytd_bookings / payee.annual_quota

  component core {
    commission on credit.amount
    rate 6%
    multiply 1.25 when ytd_attainment > 100%
  }
}
