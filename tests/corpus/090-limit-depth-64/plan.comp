plan "Nesting depth" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, units: integer }

  # Nesting depth 64: the braces of the plan and of the component (2), then
  # 31 levels of `(if ...`, each one bracket and one `if` (62).
  component tiered {
    commission on credit.amount
    rate (if deal.units >= 31 then 31% else (if deal.units >= 30 then 30% else (if deal.units >= 29 then 29% else (if deal.units >= 28 then 28% else (if deal.units >= 27 then 27% else (if deal.units >= 26 then 26% else (if deal.units >= 25 then 25% else (if deal.units >= 24 then 24% else (if deal.units >= 23 then 23% else (if deal.units >= 22 then 22% else (if deal.units >= 21 then 21% else (if deal.units >= 20 then 20% else (if deal.units >= 19 then 19% else (if deal.units >= 18 then 18% else (if deal.units >= 17 then 17% else (if deal.units >= 16 then 16% else (if deal.units >= 15 then 15% else (if deal.units >= 14 then 14% else (if deal.units >= 13 then 13% else (if deal.units >= 12 then 12% else (if deal.units >= 11 then 11% else (if deal.units >= 10 then 10% else (if deal.units >= 9 then 9% else (if deal.units >= 8 then 8% else (if deal.units >= 7 then 7% else (if deal.units >= 6 then 6% else (if deal.units >= 5 then 5% else (if deal.units >= 4 then 4% else (if deal.units >= 3 then 3% else (if deal.units >= 2 then 2% else (if deal.units >= 1 then 1% else 0%)))))))))))))))))))))))))))))))
  }
}
