plan "AE" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  input payee (id = rep_id) { }
  component base { commission on credit.amount  rate 10% }
}
