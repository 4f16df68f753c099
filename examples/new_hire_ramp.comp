# New-hire account executive: a quota that ramps up over the first months and is prorated for
# the days a rep is active in a month.
#
# The ramp is by tenure month: the month containing the payee's `start` is month 1, the next
# month 2, and so on; the last factor repeats. Proration uses actual days: a rep who starts on
# 2026-01-17 is active 15 of January's 31 days.
#
#   deals:  id, payee, date, amount
#   payees: id, manager, start, end, monthly_quota
plan "New Hire AE FY2026" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  proration actual
  ramp [25%, 50%, 75%, 100%]  # month 1: 25% of quota, month 4 onwards: 100%

  input deal { amount: money }
  input payee {
    monthly_quota: money  # the fully ramped quota
  }

  measure bookings = sum(credit.amount)
  # Ramped and prorated quota, rounded once to cents: proration divides by the days in the
  # month, so the value is rounded explicitly before anything uses it.
  # Starting 2026-01-17 with a monthly quota of 50,000.00:
  #   January  round(50,000 x 25% x 15/31, 2) = 6,048.39;  February 25,000.00 (month 2);
  #   March 37,500.00;  April on 50,000.00.
  measure ramped_quota = round(prorate(ramp(payee.monthly_quota)), 2, half_even)
  measure attainment = bookings / ramped_quota

  component core {
    commission on credit.amount
    rate graduated by attainment running {
      [0%,   100%) 6%
      [100%, ..)   9%
    }
  }
}
