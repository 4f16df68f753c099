plan "Sequential ifs" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, units: integer, won: bool }

  # 70 `if`s one after another, more than the depth limit (64) in number: each
  # ends where its row or argument does, so none encloses the next.
  component rows {
    commission on credit.amount
    rate graduated by amount per deal {
      [0, 100) if deal.won then 2% else 1%
      [100, 200) if deal.won then 2% else 1%
      [200, 300) if deal.won then 2% else 1%
      [300, 400) if deal.won then 2% else 1%
      [400, 500) if deal.won then 2% else 1%
      [500, 600) if deal.won then 2% else 1%
      [600, 700) if deal.won then 2% else 1%
      [700, 800) if deal.won then 2% else 1%
      [800, 900) if deal.won then 2% else 1%
      [900, 1000) if deal.won then 2% else 1%
      [1000, 1100) if deal.won then 2% else 1%
      [1100, 1200) if deal.won then 2% else 1%
      [1200, 1300) if deal.won then 2% else 1%
      [1300, 1400) if deal.won then 2% else 1%
      [1400, 1500) if deal.won then 2% else 1%
      [1500, 1600) if deal.won then 2% else 1%
      [1600, 1700) if deal.won then 2% else 1%
      [1700, 1800) if deal.won then 2% else 1%
      [1800, 1900) if deal.won then 2% else 1%
      [1900, 2000) if deal.won then 2% else 1%
      [2000, 2100) if deal.won then 2% else 1%
      [2100, 2200) if deal.won then 2% else 1%
      [2200, 2300) if deal.won then 2% else 1%
      [2300, 2400) if deal.won then 2% else 1%
      [2400, 2500) if deal.won then 2% else 1%
      [2500, 2600) if deal.won then 2% else 1%
      [2600, 2700) if deal.won then 2% else 1%
      [2700, 2800) if deal.won then 2% else 1%
      [2800, 2900) if deal.won then 2% else 1%
      [2900, 3000) if deal.won then 2% else 1%
      [3000, 3100) if deal.won then 2% else 1%
      [3100, 3200) if deal.won then 2% else 1%
      [3200, 3300) if deal.won then 2% else 1%
      [3300, 3400) if deal.won then 2% else 1%
      [3400, 3500) if deal.won then 2% else 1%
      [3500, 3600) if deal.won then 2% else 1%
      [3600, 3700) if deal.won then 2% else 1%
      [3700, 3800) if deal.won then 2% else 1%
      [3800, 3900) if deal.won then 2% else 1%
      [3900, 4000) if deal.won then 2% else 1%
      [4000, 4100) if deal.won then 2% else 1%
      [4100, 4200) if deal.won then 2% else 1%
      [4200, 4300) if deal.won then 2% else 1%
      [4300, 4400) if deal.won then 2% else 1%
      [4400, 4500) if deal.won then 2% else 1%
      [4500, 4600) if deal.won then 2% else 1%
      [4600, 4700) if deal.won then 2% else 1%
      [4700, 4800) if deal.won then 2% else 1%
      [4800, 4900) if deal.won then 2% else 1%
      [4900, 5000) if deal.won then 2% else 1%
      [5000, 5100) if deal.won then 2% else 1%
      [5100, 5200) if deal.won then 2% else 1%
      [5200, 5300) if deal.won then 2% else 1%
      [5300, 5400) if deal.won then 2% else 1%
      [5400, 5500) if deal.won then 2% else 1%
      [5500, 5600) if deal.won then 2% else 1%
      [5600, 5700) if deal.won then 2% else 1%
      [5700, 5800) if deal.won then 2% else 1%
      [5800, 5900) if deal.won then 2% else 1%
      [5900, 6000) if deal.won then 2% else 1%
      [6000, 6100) if deal.won then 2% else 1%
      [6100, 6200) if deal.won then 2% else 1%
      [6200, 6300) if deal.won then 2% else 1%
      [6300, 6400) if deal.won then 2% else 1%
      [6400, 6500) if deal.won then 2% else 1%
      [6500, 6600) if deal.won then 2% else 1%
      [6600, 6700) if deal.won then 2% else 1%
      [6700, 6800) if deal.won then 2% else 1%
      [6800, 6900) if deal.won then 2% else 1%
      [6900, ..) if deal.won then 2% else 1%
    }
  }

  component args {
    commission on credit.amount
    rate max(if deal.units >= 1 then 1% else 0%, if deal.units >= 2 then 2% else 0%, if deal.units >= 3 then 3% else 0%, if deal.units >= 4 then 4% else 0%, if deal.units >= 5 then 5% else 0%, if deal.units >= 6 then 6% else 0%, if deal.units >= 7 then 7% else 0%, if deal.units >= 8 then 8% else 0%, if deal.units >= 9 then 9% else 0%, if deal.units >= 10 then 10% else 0%, if deal.units >= 11 then 11% else 0%, if deal.units >= 12 then 12% else 0%, if deal.units >= 13 then 13% else 0%, if deal.units >= 14 then 14% else 0%, if deal.units >= 15 then 15% else 0%, if deal.units >= 16 then 16% else 0%, if deal.units >= 17 then 17% else 0%, if deal.units >= 18 then 18% else 0%, if deal.units >= 19 then 19% else 0%, if deal.units >= 20 then 20% else 0%, if deal.units >= 21 then 21% else 0%, if deal.units >= 22 then 22% else 0%, if deal.units >= 23 then 23% else 0%, if deal.units >= 24 then 24% else 0%, if deal.units >= 25 then 25% else 0%, if deal.units >= 26 then 26% else 0%, if deal.units >= 27 then 27% else 0%, if deal.units >= 28 then 28% else 0%, if deal.units >= 29 then 29% else 0%, if deal.units >= 30 then 30% else 0%, if deal.units >= 31 then 31% else 0%, if deal.units >= 32 then 32% else 0%, if deal.units >= 33 then 33% else 0%, if deal.units >= 34 then 34% else 0%, if deal.units >= 35 then 35% else 0%, if deal.units >= 36 then 36% else 0%, if deal.units >= 37 then 37% else 0%, if deal.units >= 38 then 38% else 0%, if deal.units >= 39 then 39% else 0%, if deal.units >= 40 then 40% else 0%, if deal.units >= 41 then 41% else 0%, if deal.units >= 42 then 42% else 0%, if deal.units >= 43 then 43% else 0%, if deal.units >= 44 then 44% else 0%, if deal.units >= 45 then 45% else 0%, if deal.units >= 46 then 46% else 0%, if deal.units >= 47 then 47% else 0%, if deal.units >= 48 then 48% else 0%, if deal.units >= 49 then 49% else 0%, if deal.units >= 50 then 50% else 0%, if deal.units >= 51 then 51% else 0%, if deal.units >= 52 then 52% else 0%, if deal.units >= 53 then 53% else 0%, if deal.units >= 54 then 54% else 0%, if deal.units >= 55 then 55% else 0%, if deal.units >= 56 then 56% else 0%, if deal.units >= 57 then 57% else 0%, if deal.units >= 58 then 58% else 0%, if deal.units >= 59 then 59% else 0%, if deal.units >= 60 then 60% else 0%, if deal.units >= 61 then 61% else 0%, if deal.units >= 62 then 62% else 0%, if deal.units >= 63 then 63% else 0%, if deal.units >= 64 then 64% else 0%, if deal.units >= 65 then 65% else 0%, if deal.units >= 66 then 66% else 0%, if deal.units >= 67 then 67% else 0%, if deal.units >= 68 then 68% else 0%, if deal.units >= 69 then 69% else 0%, if deal.units >= 70 then 70% else 0%)
  }
}
