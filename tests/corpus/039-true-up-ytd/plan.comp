# A year-to-date true-up: the component is computed over the fiscal year to date, and the
# period pays that result minus what earlier periods of the year paid for it. With a
# retroactive rate, crossing the threshold re-rates earlier quarters' bookings.
plan "True-up YTD" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate retroactive by amount {
      [0, 100_000)    5%
      [100_000, ..)   8%
    }
    true_up ytd
  }
}
