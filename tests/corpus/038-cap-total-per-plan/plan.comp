# A cap on everything the plan pays a payee over its whole effective range, carried across
# quarters in line order.
plan "Cap total per plan" {
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
  }

  cap total per plan at 10_000
}
