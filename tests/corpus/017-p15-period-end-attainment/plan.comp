# P15: graduated on quarterly attainment, evaluated once at period end (one period line).
plan "P15 attainment tiers" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    quarterly_quota: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quarterly_quota

  component core {
    commission on credit.amount
    rate graduated by attainment at period end {
      [0%, 100%)     6%
      [100%, 125%)   8%
      [125%, 150%)  10%
      [150%, ..)    12%
    }
  }
}
