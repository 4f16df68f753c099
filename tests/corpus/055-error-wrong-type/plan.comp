# A 5% commission with a new-logo kicker; the data of this case is refused before evaluation.
plan "Data type check" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    new_logo: bool
  }

  component core {
    commission on credit.amount
    rate 5%
    multiply 1.2 when deal.new_logo
  }
}
