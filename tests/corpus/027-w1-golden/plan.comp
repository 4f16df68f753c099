# W1, the reference plan of the peer benchmark (benches/README.md), on its golden data.
# Columns keep the benchmark's names; the benchmark's splits table is the credits table.
plan "W1 reference" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal (id = deal_id, payee = rep_id, date = close_date) {
    amount: money
    product: text
    is_new_logo: bool
  }
  input payee (id = rep_id) {
    quarterly_quota: money
    target_incentive: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quarterly_quota

  component core {
    commission on credit.amount
    rate graduated by attainment running {
      [0%, 50%)      2%
      [50%, 100%)    8%
      [100%, 150%)  12%
      [150%, ..)    16%
    }
    multiply 1.2 when deal.is_new_logo
  }

  component platform_spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100_000
  }

  cap total per period at round(payee.target_incentive * 2 / 4, 2, half_even)
}
