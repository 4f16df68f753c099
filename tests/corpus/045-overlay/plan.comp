# Overlay credit: a specialist is credited on top of the account executive, so a deal's shares
# may sum to more than 100%.
plan "Overlay" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  credit overlay

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 5%
  }
}
