# P21: commission = 5% of the line, plus 10% of that (x 1.1); a refund is a negative line.
plan "P21 refund" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
    multiply by 1.1
  }
}
