//! The plain-text story of a payout (`explain`): each step of a line's computation in order,
//! built only from the results and their traces, so it says exactly what the engine did.

use super::numbers::{group_digits, percent};
use crate::money::RoundingStage;
use crate::plan::LimitLevel;
use crate::results::{Line, LineKind, Results, PLAN_COMPONENT};
use rust_decimal::Decimal;
use std::fmt::Write as _;

fn level_text(level: LimitLevel) -> &'static str {
    match level {
        LimitLevel::Line => "per line",
        LimitLevel::Period => "per period",
        LimitLevel::TotalPeriod => "total per period",
        LimitLevel::TotalPlan => "total per plan",
    }
}

/// The explanation of one line, several lines of text, each step of the computation in order.
pub fn explain_line(r: &Results, line: &Line) -> String {
    let v = r.view(line);
    let mut out = String::new();
    let what = match (line.kind, v.deal) {
        (LineKind::Deal, Some(d)) => format!("deal {d}"),
        (LineKind::Period, _) => "paid once for the period".to_string(),
        (LineKind::TrueUp, _) => "year-to-date true-up".to_string(),
        (LineKind::FloorTopUp, _) => "top-up to the floor".to_string(),
        (LineKind::Rounding, _) => "rounding difference".to_string(),
        (LineKind::Assignment, _) => "share of the period on this plan".to_string(),
        (_, None) => "period line".to_string(),
    };
    let _ = writeln!(
        out,
        "{} · {} · {} · {}: {}",
        v.payee,
        v.period,
        v.component,
        what,
        group_digits(line.amount)
    );
    let t = r.trace(line);
    if line.deal.is_some() && line.share != Decimal::ONE {
        let _ = writeln!(out, "  credit share {}", percent(line.share));
    }
    for team in &t.team {
        let parts: Vec<String> = team
            .reports
            .iter()
            .map(|x| {
                format!(
                    "{} {}",
                    r.payee_ids
                        .get(x.payee as usize)
                        .map(String::as_str)
                        .unwrap_or(""),
                    group_digits(x.amount)
                )
            })
            .collect();
        let from = if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        };
        let _ = writeln!(out, "  team commission {}{from}", group_digits(team.value));
    }
    if let Some(b) = t.basis {
        let _ = writeln!(out, "  basis {}", group_digits(b));
    }
    if !t.slices.is_empty() {
        for s in &t.slices {
            if s.flat {
                let _ = writeln!(
                    out,
                    "  tier {}: flat {}",
                    s.band + 1,
                    group_digits(s.amount)
                );
            } else {
                let _ = writeln!(
                    out,
                    "  tier {} slice {} to {}: {} × {} = {}",
                    s.band + 1,
                    group_digits(s.lo),
                    group_digits(s.hi),
                    group_digits(s.hi - s.lo),
                    percent(s.rate),
                    group_digits(s.amount)
                );
            }
        }
    } else if let Some(rate) = t.rate {
        let mut why = String::new();
        if let Some(b) = t.band {
            why = format!(" (tier {})", b + 1);
        } else if let Some(row) = t.row {
            why = if row == u32::MAX {
                " (table default)".to_string()
            } else {
                format!(" (table row {})", row + 1)
            };
        }
        let _ = writeln!(out, "  rate {}{why}", percent(rate));
    }
    if let Some(c) = t.interpolation {
        // Rates read as percents, amounts as money.
        let shown = |v: Decimal| {
            if t.rate.is_some() {
                percent(v)
            } else {
                group_digits(v)
            }
        };
        if c.lower == c.upper {
            let _ = writeln!(
                out,
                "  curve read at {}: the end anchor {} => {}",
                group_digits(c.key),
                group_digits(c.lower.at),
                shown(c.lower.value)
            );
        } else {
            let _ = writeln!(
                out,
                "  curve read at {} between {} => {} and {} => {}",
                group_digits(c.key),
                group_digits(c.lower.at),
                shown(c.lower.value),
                group_digits(c.upper.at),
                shown(c.upper.value)
            );
        }
    }
    if let Some(a) = t.assignment {
        let rows: Vec<String> = r
            .assignments
            .get(a.first as usize..(a.first as usize).saturating_add(a.count as usize))
            .unwrap_or(&[])
            .iter()
            .map(|x| {
                let to =
                    x.to.map(|d| d.to_string())
                        .unwrap_or_else(|| "no end".into());
                let weight = x
                    .weight
                    .map(|w| format!(" at {}", percent(w)))
                    .unwrap_or_default();
                format!("row {} ({} to {to}{weight})", x.row, x.from)
            })
            .collect();
        let _ = writeln!(
            out,
            "  on this plan {} of {} days by assignments {}: share {}",
            a.assigned_days.normalize(),
            a.of_days,
            rows.join(", "),
            a.fraction.normalize()
        );
        let _ = writeln!(
            out,
            "  the period's lines {} × {} = {}, less the lines = {}",
            group_digits(a.full),
            a.fraction.normalize(),
            group_digits(t.unrounded),
            group_digits(line.amount)
        );
    }
    if let Some(u) = t.true_up {
        let _ = writeln!(
            out,
            "  year to date {} − earlier periods {} − this period's lines {} = {}",
            group_digits(u.year_to_date),
            group_digits(u.earlier),
            group_digits(u.this_period),
            group_digits(t.unrounded)
        );
    }
    for m in &t.multipliers {
        let _ = writeln!(out, "  multiplied by {}", m.factor.normalize());
    }
    for g in &t.gates {
        let _ = writeln!(
            out,
            "  gate {} {}",
            g.gate + 1,
            if g.pass {
                "passed"
            } else {
                "FAILED: the component pays 0 this period"
            }
        );
    }
    match t.rounding {
        Some(rule) => {
            let _ = writeln!(
                out,
                "  unrounded {} → rounded {} to {} places: {}",
                t.unrounded,
                rule.mode.keyword(),
                rule.scale,
                group_digits(t.rounded)
            );
        }
        None if t.unrounded != line.amount || line.kind == LineKind::Deal => {
            let _ = writeln!(out, "  amount {}", t.unrounded);
        }
        None => {}
    }
    for step in &t.limits {
        let Some(info) = r.limits.get(step.limit as usize) else {
            continue;
        };
        let kind = if info.is_cap { "cap" } else { "floor" };
        let owner = if info.component == PLAN_COMPONENT {
            "plan".to_string()
        } else {
            r.component_name(info.component).to_string()
        };
        if step.before != step.after {
            // A limit over a sequence of lines: what the lines before this one came to.
            let before_it = match step.accrued {
                Some(a) => format!(
                    " (earlier lines {}, {} of it paid)",
                    group_digits(a.total),
                    group_digits(a.paid)
                ),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {kind} {} ({owner}) at {}: {} → {}{before_it}",
                level_text(info.level),
                group_digits(step.value),
                group_digits(step.before),
                group_digits(step.after)
            );
        }
    }
    let _ = writeln!(out, "  paid {}", group_digits(line.amount));
    out
}

/// The story of a payee's payouts: every line (or only the lines of one deal) explained, then
/// the totals per period. `None` when the payee has no lines.
pub fn explain_payee(r: &Results, payee: &str, deal: Option<&str>) -> Option<String> {
    let lines: Vec<Line> = r
        .lines()
        .filter(|l| r.payee_id(l) == payee && deal.is_none_or(|d| r.deal_id(l) == Some(d)))
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut out = String::new();
    for l in &lines {
        out.push_str(&explain_line(r, l));
    }
    if deal.is_none() {
        for t in r
            .totals
            .iter()
            .filter(|t| r.payee_ids.get(t.payee as usize).map(String::as_str) == Some(payee))
        {
            let label = r
                .periods
                .get(t.period as usize)
                .map(|p| p.label())
                .unwrap_or_default();
            let _ = writeln!(out, "total {payee} {label}: {}", group_digits(t.amount));
        }
    }
    Some(out)
}

/// Whether results carry rounding lines (component or payout stage); used by renderers to say
/// where rounding happened.
pub fn rounding_stage_note(stage: RoundingStage) -> &'static str {
    match stage {
        RoundingStage::Line => "each line is rounded once",
        RoundingStage::Component => "each component total is rounded once",
        RoundingStage::Payout => "each payout is rounded once",
    }
}
