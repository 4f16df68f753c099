# A SPIFF with a date window: 500 per deal dated in February (both ends included), on top of a
# 1% core commission on every deal.
plan "SPIFF window" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 1%
  }

  component february_spiff {
    pay 500 per deal
    during 2026-02-01 to 2026-02-28
  }
}
