# SMB account executive with a mid-year plan change, on a fiscal year starting in February.
#
# Both versions are the same plan; their effective ranges do not overlap. Each period is
# evaluated under the version in force on its first day: FY2026-Q1 (Feb-Apr) and FY2026-Q2
# (May-Jul) under version 1, FY2026-Q3 and FY2026-Q4 under version 2.
#
#   deals:  id, payee, date, amount, product, term_months
#   payees: id, manager, start, end, quarterly_quota
#
# With a quarterly quota of 200,000.00: FY2026-Q1 deals of 100,000.00 (12 months) and
# 100,000.00 (24 months) pay 8,000.00 + 12,000.00. FY2026-Q3 deals of 150,000.00, 60,000.00
# and 40,000.00 (Analytics, in the SPIFF window) reach 125%: every line at 10% x 1.5, so
# 22,500.00 + 9,000.00 + 6,000.00, plus 300.00 + 300.00 of SPIFF = 38,100.00.
plan "SMB Account Executive" version 1 {
  currency USD
  period quarter fiscal year starts february
  effective 2026-02-01 to 2026-07-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, term_months: integer }
  input payee { quarterly_quota: money }

  component core {
    commission on credit.amount
    rate 8%
    multiply by 1.5 when deal.term_months > 12  # multi-year contracts: 8% x 1.5 = 12%
  }
}

plan "SMB Account Executive" version 2 {
  currency USD
  period quarter fiscal year starts february
  effective 2026-08-01 to 2027-01-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, term_months: integer }
  input payee { quarterly_quota: money }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quarterly_quota

  # Retroactive: the whole quarter is paid at the rate of the band attainment ends in.
  # One line per payee and quarter.
  component core {
    commission on credit.amount
    rate retroactive by attainment at period end {
      [0%,   80%)  5%
      [80%,  100%) 8%
      [100%, ..)   10%
    }
    multiply by 1.5 when attainment >= 100% and bookings >= 250000
  }

  # A SPIFF for the analytics launch: deals dated 2026-09-01 to 2026-10-31 (both included).
  component analytics_launch {
    pay 300 per deal when deal.product = "Analytics"
    during 2026-09-01 to 2026-10-31
  }

  cap total per period at 60000
}
