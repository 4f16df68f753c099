# Conditions on deal fields: text compared with = and !=, money with every comparison, a
# boolean field alone, and/or/not, and a text literal no deal has. Each component pays a
# different fixed amount per qualifying deal, so every line says which condition held.
plan "Conditions on deal fields" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
    product: text
    is_new_logo: bool
  }

  component text_eq {
    pay 1 per deal when deal.product = "Platform"
  }
  component text_ne {
    pay 2 per deal when deal.product != "Platform"
  }
  component money_ge {
    pay 3 per deal when deal.amount >= 100000
  }
  component money_gt {
    pay 4 per deal when deal.amount > 100000
  }
  component money_le {
    pay 5 per deal when deal.amount <= 500
  }
  component money_lt {
    pay 6 per deal when deal.amount < 100000
  }
  component money_eq {
    pay 7 per deal when deal.amount = 100000
  }
  component money_ne {
    pay 8 per deal when deal.amount != 100000
  }
  component flag {
    pay 9 per deal when deal.is_new_logo
  }
  component not_flag {
    pay 10 per deal when not deal.is_new_logo
  }
  component and_or {
    pay 11 per deal when deal.product = "Core" or (deal.is_new_logo and deal.amount < 100000.01)
  }
  component unknown_text {
    pay 12 per deal when deal.product = "Nothing"
  }
  component not_unknown_text {
    pay 13 per deal when deal.product != "Nothing"
  }
}
