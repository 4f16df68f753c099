# Line eligibility: only EMEA deals pay; other deals make no line at all.
plan "Eligible when" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    region: text
  }

  component emea {
    commission on credit.amount
    rate 5%
    eligible when deal.region = "EMEA"
  }
}
