//! A payee's statement in Markdown, built only from the results and their traces, so it says
//! exactly what the engine did.

use super::numbers::{group_digits, percent};
use crate::results::{Line, LineKind, Results};
use std::fmt::Write as _;

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
                LineKind::Assignment => "(assignment)".to_string(),
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
