# A cap per line: no single credit line pays more than 1,000.
plan "Cap per line" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 10%
    cap per line at 1_000
  }
}
