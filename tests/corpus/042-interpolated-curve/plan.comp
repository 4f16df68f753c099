# An interpolated pay curve: the rate is linear between anchor points of quarterly attainment
# (clamped outside them), read at period end and applied to every line of the quarter.
plan "Interpolated curve" {
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
    rate interpolated by attainment at period end {
      0%    => 0%
      50%   => 2%
      100%  => 10%
      150%  => 15%
    }
  }
}
