# Rounding at the component stage: lines keep full precision; each component's payee-period
# total is rounded once, and the difference is output as a rounding line (deal null).
plan "Rounding per component" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per component

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate 3%
  }
}
