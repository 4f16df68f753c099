//! Human renderings of results: the plain-text story of a payout (`explain`) and a payee's
//! statement in Markdown. Both are built only from the results and their traces, so they say
//! exactly what the engine did.

use crate::money::RoundingStage;
use crate::plan::LimitLevel;
use crate::results::{Line, LineKind, Results, PLAN_COMPONENT};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// `1234567.5` → `1,234,567.50`: digits grouped by thousands, at least two decimals, zeros
/// beyond two decimals dropped (`5495.1600` → `5,495.16`), never a significant digit.
pub fn group_digits(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    let text = value.to_string();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.as_str()),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A rate as a percentage: `0.08` → `8%`, `0.125` → `12.5%`. A rate too large to show
/// ×100 (near the 96-bit limit, which a plan may write) is shown as the plain number.
pub fn percent(rate: Decimal) -> String {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => rate.normalize().to_string(),
    }
}

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
            let _ = writeln!(
                out,
                "  {kind} {} ({owner}) at {}: {} → {}",
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

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A payee's statement in Markdown: per period, a table of lines (component, deal, share,
/// basis, rate, amount, explanation summary), component subtotals and the period total.
/// `None` when the payee has no lines.
pub fn statement_markdown(
    r: &Results,
    payee: &str,
    plan_name: &str,
    currency: &str,
) -> Option<String> {
    let lines: Vec<Line> = r.lines().filter(|l| r.payee_id(l) == payee).collect();
    if lines.is_empty() {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(out, "# Commission statement: {}\n", md_escape(payee));
    let _ = writeln!(
        out,
        "Plan: {} · Currency: {currency}\n",
        md_escape(plan_name)
    );
    let mut periods: Vec<u32> = lines.iter().map(|l| l.period).collect();
    periods.dedup();
    for p in periods {
        let label = r
            .periods
            .get(p as usize)
            .map(|x| x.label())
            .unwrap_or_default();
        let _ = writeln!(out, "## {label}\n");
        let _ = writeln!(
            out,
            "| Component | Deal | Share | Basis | Rate | Amount | How |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|");
        for l in lines.iter().filter(|l| l.period == p) {
            let v = r.view(l);
            let deal = match l.kind {
                LineKind::Deal => v.deal.unwrap_or("").to_string(),
                LineKind::Period => "(period)".to_string(),
                LineKind::TrueUp => "(true-up)".to_string(),
                LineKind::FloorTopUp => "(floor top-up)".to_string(),
                LineKind::Rounding => "(rounding)".to_string(),
            };
            let t = &v.trace.trace;
            let basis = t.basis.map(group_digits).unwrap_or_default();
            let rate = match (t.rate, t.slices.len()) {
                (_, n) if n > 1 => "tiers".to_string(),
                (Some(rate), _) => percent(rate),
                (None, 1) => t
                    .slices
                    .first()
                    .map(|s| percent(s.rate))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let mut how: Vec<String> = Vec::new();
            for s in &t.slices {
                if !s.flat {
                    how.push(format!(
                        "{} × {}",
                        group_digits(s.hi - s.lo),
                        percent(s.rate)
                    ));
                }
            }
            for m in &t.multipliers {
                how.push(format!("× {}", m.factor.normalize()));
            }
            if t.gates.iter().any(|g| !g.pass) {
                how.push("gate not met".to_string());
            }
            for step in &t.limits {
                if step.before != step.after {
                    let kind = r
                        .limits
                        .get(step.limit as usize)
                        .map(|i| if i.is_cap { "capped" } else { "floored" })
                        .unwrap_or("limited");
                    how.push(format!(
                        "{kind} {} → {}",
                        group_digits(step.before),
                        group_digits(step.after)
                    ));
                }
            }
            let share = if l.kind == LineKind::Deal {
                percent(l.share)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {share} | {basis} | {rate} | {} | {} |",
                md_escape(v.component),
                md_escape(&deal),
                group_digits(l.amount),
                md_escape(&how.join("; "))
            );
        }
        let _ = writeln!(out);
        for ct in r.component_totals.iter().filter(|c| {
            c.period == p && r.payee_ids.get(c.payee as usize).map(String::as_str) == Some(payee)
        }) {
            let _ = writeln!(
                out,
                "- {}: {}",
                md_escape(r.component_name(ct.component)),
                group_digits(ct.amount)
            );
        }
        if let Some(t) = r.totals.iter().find(|t| {
            t.period == p && r.payee_ids.get(t.payee as usize).map(String::as_str) == Some(payee)
        }) {
            let _ = writeln!(
                out,
                "\n**Total {label}: {} {currency}**\n",
                group_digits(t.amount)
            );
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn grouping() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(group_digits(d("1234567.50")), "1,234,567.50");
        assert_eq!(group_digits(d("-1000")), "-1,000.00");
        assert_eq!(group_digits(d("999.9")), "999.90");
        assert_eq!(group_digits(d("5495.1600")), "5,495.16");
        assert_eq!(group_digits(d("48.204800")), "48.2048");
        assert_eq!(percent(d("0.125")), "12.5%");
        assert_eq!(percent(d("0.08")), "8%");
        assert_eq!(
            percent(Decimal::MAX),
            "79228162514264337593543950335",
            "no overflow panic"
        );
    }
}
