# Account executive: quota tiers with accelerators, a new-logo kicker, a SPIFF and caps.
plan "Account Executive FY2026" {
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

  component platform_spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100000
    during 2026-02-01 to 2026-03-31
  }

  component kicker {
    pay 2000 once when attainment >= 120%
  }

  cap total per period at payee.target_incentive
}
