# Channel partner: paid a share of the gross margin on the deals it resells, by quarter.
#
# The basis is the partner's credited margin: the credited amount times the deal's margin
# percentage (money x percent = money). The share depends on region and product; the most
# specific row of the table that matches a deal wins.
#
#   deals:  order_no, partner_id, invoiced_on, net_amount, margin_pct, region, product
#   payees: partner_id, tier
#
# Orders of 100,000.00 at 30% margin (basis 30,000.00) for a gold partner:
#   EMEA Hardware  8% x 1.25 = 3,000.00      EMEA Software  12% x 1.25 = 4,500.00
# and for a silver partner (no multiplier), 25% margin for APAC, 40% otherwise:
#   APAC Hardware  6% of 25,000.00 = 1,500.00 (the product row beats the region row)
#   EMEA Services  20% of 40,000.00 = 8,000.00     NA Software  default 10% = 4,000.00
# A gold APAC Services order of 1,000,000.00 at 50%: 22% x 1.25 = 137,500.00, capped at
# 25,000.00.
plan "Channel Partner Margin FY2026" {
  currency EUR
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal (id = order_no, payee = partner_id, date = invoiced_on) {
    amount: money from net_amount
    margin: percent from margin_pct  # data "32.5%" or "0.325"
    region: text
    product: text
  }
  input payee (id = partner_id) {
    tier: text  # "gold" or "silver"
  }

  component margin_share {
    commission on credit.amount * deal.margin
    # Keys are listed general -> specific: region, then product. A row with a concrete value
    # in a later key position beats a wildcard there, so (_, "Hardware") beats ("EMEA", _).
    rate table by deal.region, deal.product {
      default            => 10%
      "EMEA", _          => 12%
      "APAC", _          => 11%
      _,      "Hardware" => 6%
      _,      "Services" => 20%
      "EMEA", "Hardware" => 8%
      "APAC", "Services" => 22%
    }
    # Gold partners get a quarter more on every line.
    multiply by 1.25 when payee.tier = "gold"
    # No single order pays more than 25,000.00.
    cap per line at 25000
  }
}
