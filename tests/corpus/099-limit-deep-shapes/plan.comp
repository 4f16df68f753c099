plan "Deep shapes" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, units: integer, won: bool }

  # Every other way to nest, each at a limit (docs/language.md §14): 63 `if`s in a
  # measure, 256 `not`s, 256 unary minus signs, 62 nested calls.
  measure one = if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else if true then 1 else 1

  component nots {
    commission on credit.amount
    rate 5%
    eligible when not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not deal.won
  }

  component negs {
    commission on credit.amount
    rate table by deal.units {
      default => - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 2%
    }
  }

  component calls {
    commission on credit.amount
    rate max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, max(0%, 3%))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
    multiply by one
  }
}
