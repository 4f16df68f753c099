# Commission on attainment of the payee's quota (the `quotas` table); the data of this case is
# refused before evaluation.
plan "Quota check" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure attainment = sum(credit.amount) / quota

  component core {
    commission on credit.amount
    rate 5%
    gate attainment >= 50%
  }
}
