# P06: step rates applied to each transaction on its own (no running total).
plan "P06 per transaction" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate graduated by amount per deal {
      [0, 1_000)         1%
      [1_000, 3_000)     2%
      [3_000, 8_000)     3%
      [8_000, 20_000)    5%
    }
  }
}
