# P08: a base rate of 5%, multiplied by 1.5 for contracts longer than 12 months (7.5%).
plan "P08 term multiplier" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    term_months: integer
  }

  component core {
    commission on credit.amount
    rate 5%
    multiply 1.5 when deal.term_months > 12
  }
}
