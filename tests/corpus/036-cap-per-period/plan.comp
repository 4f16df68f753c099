# A cap per period on one component, allocated in line order (deal date, then deal id, numeric
# when both ids are all digits): the crossing line is cut, later lines pay 0.00.
plan "Cap per period" {
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
    cap per period at 5_000
  }
}
