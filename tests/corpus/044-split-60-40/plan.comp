# A 60/40 split: each credited payee is paid on its share of the deal, each line rounded.
plan "Split 60/40" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
  }
}
