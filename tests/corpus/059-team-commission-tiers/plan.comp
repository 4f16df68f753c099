# A manager override on what all reports (direct and indirect) earned in `rep` and `spiff`,
# graduated with a threshold: nothing on the first 10,000 of team commission, 5% up to 20,000,
# 8% above. The override itself is never counted in team commission.
plan "Override on team commission, tiered" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_pay = team commission(rep, spiff)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component spiff {
    pay 100 per deal when deal.amount >= 50000
  }

  component team_override {
    commission on credit.amount
    rate graduated by team_pay at period end {
      [0, 10000)      0%
      [10000, 20000)  5%
      [20000, ..)     8%
    }
  }
}
