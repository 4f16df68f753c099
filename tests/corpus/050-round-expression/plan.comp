# round() inside an expression, with its own mode, next to the plan's per-line rounding.
plan "Round in an expression" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }
  input payee {
    pool: money
  }

  # Half the pool, rounded half-up explicitly before the line rounding sees it.
  component explicit_half {
    pay round(payee.pool / 2, 2, half_up) once
  }

  # The other half, left to the plan's half-even line rounding.
  component plain_half {
    pay payee.pool / 2 once
  }
}
