# Sales development rep (SDR): paid per qualified meeting held, by the month.
#
# Data: one deal record per meeting slot the SDR booked and that was held, with the number of
# meetings in it (usually 1) and whether the account executive accepted it as qualified.
# Meeting records are not split: leave the credits table empty for them, so each record is
# credited 100% to its SDR.
#
#   deals:  meeting_id, sdr_id, held_on, meetings, qualified, segment
#   payees: id
plan "SDR Meetings FY2026" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal (id = meeting_id, payee = sdr_id, date = held_on) {
    meetings: integer
    qualified: bool
    segment: text  # SMB, MM or ENT
  }

  # Qualified meetings held in the month: the tier key and the bonus condition.
  measure qualified_meetings = sum(deal.meetings where deal.qualified)

  # A price per meeting. Retroactive: every meeting of the month is paid at the price of the
  # band the month's count ends in (a month of 11 pays 11 x 60 = 660.00, not 10 x 50 + 60).
  # Closed integer bounds count whole meetings: [1, 10] is the 1st to the 10th meeting.
  component meetings {
    commission on deal.meetings
    eligible when deal.qualified
    rate retroactive by qualified_meetings at period end {
      [1,  10] 50
      [11, 20] 60
      [21, ..) 75
    }
  }

  # Enterprise meetings are worth more: 25 extra per qualified ENT meeting, paid meeting by
  # meeting, not tiered.
  component enterprise_kicker {
    pay 25 per unit of deal.meetings when deal.qualified and deal.segment = "ENT"
  }

  # A bonus paid once in any month with at least 25 qualified meetings.
  component monthly_bonus {
    pay 500 once when qualified_meetings >= 25
  }

  # Nobody earns more than 3,000.00 in a month from this plan.
  cap total per period at 3000
}
