# A 4% commission and a per-unit kicker; the deal amounts and unit counts of this case are
# handed over as each host's native number (a safe integer), not as text.
plan "Host numbers" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    units: integer
  }

  component core {
    commission on credit.amount
    rate 4%
  }

  component per_unit {
    pay 2.50 per unit of deal.units
  }
}
