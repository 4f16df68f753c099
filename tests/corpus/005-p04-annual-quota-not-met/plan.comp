# P04: quarterly graduated tiers whose accelerated rates apply only when the annual quota is
# met. Two components with opposite gates on the whole fiscal year's bookings.
plan "P04 annual gate" {
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

  # The whole fiscal year containing the period, including deals after the period.
  measure annual_bookings = year sum(credit.amount)

  component accelerated {
    commission on credit.amount
    rate graduated by amount {
      [0, 100_000)         5%
      [100_000, 125_000)   6%
      [125_000, ..)        7%
    }
    gate annual_bookings >= payee.annual_quota
  }

  component base {
    commission on credit.amount
    rate 5%
    gate annual_bookings < payee.annual_quota
  }
}
