# A cap of 50% of a two-decimal target has four decimals; a line it cuts is shown at the plan's
# scale (5000.00). A payee with no deals in the period gets no zero line from a period-end table,
# and so no total row.
plan "Scale" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money }
  input payee { target: money }

  measure bookings = sum(credit.amount)

  component core {
    commission on credit.amount
    rate 10%
    cap per period at 50% of payee.target
  }

  component accelerator {
    commission on credit.amount
    rate graduated by bookings at period end {
      [0,      100000) 0%
      [100000, ..)     1%
    }
  }
}
