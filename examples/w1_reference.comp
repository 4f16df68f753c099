# W1: the reference plan of the peer benchmark (described in benches/README.md), in Commissio.
#
# Data (SPEC section 1), with the column names of the benchmark files:
#   deals:   deal_id, rep_id, close_date, amount, margin_pct, product, is_new_logo
#   payees:  rep_id, team_id, manager_id, quarterly_quota, target_incentive
#   credits: the benchmark's splits table (deal_id, rep_id, share) with its columns named
#            deal, payee, share. A deal without split rows is credited 100% to its rep.
# margin_pct, team_id and manager_id are not used by W1 and need not be declared.
plan "W1 reference" {
  currency USD
  period quarter  # calendar quarters; each stands alone
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line  # each line rounded once, after the multiplier

  input deal (id = deal_id, payee = rep_id, date = close_date) {
    amount: money
    product: text
    is_new_logo: bool
  }
  input payee (id = rep_id) {
    quarterly_quota: money
    target_incentive: money  # annual
  }

  measure bookings = sum(credit.amount)
  # A ratio measure: tier bounds are converted to currency (bound x quota), so every tier
  # test is exact; no rounded attainment exists anywhere.
  measure attainment = bookings / payee.quarterly_quota

  # Marginal rates, deal by deal against the running quarter-to-date credit, in
  # (close_date, deal_id) order. A line that crosses a boundary is cut there.
  component core {
    commission on credit.amount
    rate graduated by attainment running {
      [0%,   50%)  2%
      [50%,  100%) 8%
      [100%, 150%) 12%
      [150%, ..)   16%
    }
    multiply by 1.2 when deal.is_new_logo  # on every credited rep's line; never on the SPIFF
  }

  # 250.00 per qualifying deal, times the credit share (a 40% share earns 100.00). The test
  # reads the full deal amount, not the credited share; >= is inclusive.
  component platform_spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100000
  }

  # The cap covers both components, per rep and quarter, allocated in line order: the line
  # that crosses it is cut, later lines pay 0.00. The cap value is rounded once, half-even.
  cap total per period at round(payee.target_incentive * 2 / 4, 2, half_even)
}
