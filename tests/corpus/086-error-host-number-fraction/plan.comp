# A 4% commission; the data of this case is refused before evaluation.
plan "Host numbers refused" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 4%
  }
}
