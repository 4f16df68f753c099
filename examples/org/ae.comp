# The organisation's account executives (examples/org/README.md): quota tiers with
# accelerators, a new-logo kicker and caps, as examples/ae_quota_tiers.comp.
plan "Account Executive" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, new_logo: bool }
  input payee { quota: money, target_incentive: money }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate graduated by attainment {
      [0%,   50%)  2%
      [50%,  100%) 8%
      [100%, 150%) 12%  # accelerator
      [150%, ..)   16%
    }
    multiply by 1.2 when deal.new_logo
    gate attainment >= 25%
    cap per period at 50% of payee.target_incentive
  }

  component kicker {
    pay 2000 once when attainment >= 120%
  }

  cap total per period at payee.target_incentive
}
