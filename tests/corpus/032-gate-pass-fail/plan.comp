# A gate: the component pays only in quarters where attainment reaches 50%. When the gate
# fails, the component's lines are still output, paying 0.00.
plan "Gate" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    quota: money
  }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate 8%
    gate attainment >= 50%
  }
}
