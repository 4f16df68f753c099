# P22: a price per unit by count tiers with closed integer bounds (units 1-5, 6-10, 11 and up),
# retroactive, each deal on its own.
plan "P22 units retroactive" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    units: integer
  }

  component usage {
    commission on deal.units
    rate retroactive by amount per deal {
      [1, 5]      7
      [6, 10]     6.5
      [11, ..)    6
    }
  }
}
