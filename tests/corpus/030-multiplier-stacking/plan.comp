# Two multipliers on one component: both apply, in order, to the unrounded line; the line is
# rounded once after them.
plan "Multiplier stacking" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    new_logo: bool
    term_months: integer
  }

  component core {
    commission on credit.amount
    rate 5%
    multiply 1.2 when deal.new_logo
    multiply 1.5 when deal.term_months > 12
  }
}
