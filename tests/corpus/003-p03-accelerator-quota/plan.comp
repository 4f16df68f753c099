# P03: 5% up to quota, 8% above, graduated on attainment; the quota comes from the quotas table.
plan "P03 accelerator" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / quota

  component core {
    commission on credit.amount
    rate graduated by attainment {
      [0%, 100%)  5%
      [100%, ..)  8%
    }
  }
}
