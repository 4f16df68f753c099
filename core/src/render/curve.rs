//! Pay curves: what a payee would earn at each level of attainment, and an SVG chart of it.
//!
//! A point is computed by evaluating the plan for one payee and one period on a single
//! synthetic deal whose credited amount is `attainment × denominator`, where the denominator
//! is that of the ratio measure the plan's tiers are keyed on (e.g. `attainment = bookings /
//! payee.quota`). The evaluation is the real one, so caps, gates, multipliers and rounding all
//! show in the curve.

use super::numbers::{group_digits, percent};
use crate::dataset::{Column, Dataset, Deals, Payees, Quota};
use crate::eval::evaluate;
use crate::period::Period;
use crate::plan::SourceRef;
use crate::plan::{Builtin, Expr, MeasureKind, Plan, PlanVersion, Rate, TierKey};
use crate::results::EvalError;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;

/// One point of a pay curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CurvePoint {
    /// Attainment (1 = 100%).
    pub attainment: Decimal,
    /// Credited amount that attainment stands for.
    pub credited: Decimal,
    /// What the plan pays for the period at that credited amount.
    pub payout: Decimal,
}

/// Most points a curve may have.
pub const MAX_POINTS: usize = 1000;

fn err(code: &str, msg: &str) -> EvalError {
    EvalError::new(code, msg, SourceRef::default())
}

/// The deal field summed by the attainment measure and the denominator expression, from the
/// first tier table keyed by a ratio measure.
fn attainment_shape(v: &PlanVersion) -> Option<(usize, Expr)> {
    for c in &v.components {
        let crate::plan::Payout::Commission {
            rate: Rate::Tiers(t),
            ..
        } = &c.payout
        else {
            continue;
        };
        let TierKey::Measure {
            measure,
            denominator: Some(den),
        } = &t.key
        else {
            continue;
        };
        let MeasureKind::Scalar(Expr::Binary(_, num, _, _)) = &v.measures.get(*measure)?.kind
        else {
            continue;
        };
        let Expr::Measure(n) = **num else { continue };
        if let MeasureKind::Aggregate {
            arg: Some(Expr::CreditField(f) | Expr::DealField(f)),
            ..
        } = &v.measures.get(n)?.kind
        {
            return Some((*f, den.clone()));
        }
    }
    None
}

fn denominator_value(
    v: &PlanVersion,
    data: &Dataset,
    payee: u32,
    period: Period,
    den: &Expr,
) -> Option<Decimal> {
    match den {
        Expr::PayeeField(i) => match data.payees.attrs.get(*i)? {
            Column::Decimal(col) => col.get(payee as usize).copied(),
            _ => None,
        },
        Expr::Builtin(Builtin::Quota) => Some(
            data.quotas
                .iter()
                .filter(|q| q.payee == payee && q.period == period)
                .fold(Decimal::ZERO, |a, q| a + q.amount),
        ),
        Expr::Lit(crate::plan::Literal::Decimal(d)) => Some(*d),
        _ => {
            let _ = v;
            None
        }
    }
}

/// The pay curve of `payee` (a payee row) in `period`, at each attainment in `points`.
pub fn pay_curve(
    plan: &Plan,
    data: &Dataset,
    payee: u32,
    period: Period,
    points: &[Decimal],
) -> Result<Vec<CurvePoint>, EvalError> {
    if points.len() > MAX_POINTS {
        return Err(err(
            "R0301",
            &format!("a curve has at most {MAX_POINTS} points"),
        ));
    }
    let range = period.range();
    let v = plan
        .versions
        .iter()
        .find(|v| v.effective.contains(range.start))
        .ok_or_else(|| {
            err(
                "R0302",
                "no plan version is in force at the start of this period",
            )
        })?;
    let (field, den) = attainment_shape(v)
        .ok_or_else(|| err("R0303", "the plan has no tiers keyed by a ratio measure such as `attainment = bookings / payee.quota`"))?;
    let p = payee as usize;
    if p >= data.payees.id.len() {
        return Err(err("R0304", "unknown payee"));
    }
    let d = denominator_value(v, data, payee, period, &den)
        .ok_or_else(|| err("R0303", "the curve needs the attainment denominator to be a payee field, the quota or a constant"))?;

    // One payee (no manager), one synthetic deal it owns, without credit rows: credited 100%
    // to its owner.
    let mut base = Dataset {
        texts: data.texts.clone(),
        ..Dataset::default()
    };
    let pick = |c: &Column| -> Column {
        match c {
            Column::Decimal(v) => Column::Decimal(v.get(p).copied().into_iter().collect()),
            Column::Bool(v) => Column::Bool(v.get(p).copied().into_iter().collect()),
            Column::Text(v) => Column::Text(v.get(p).copied().into_iter().collect()),
            Column::Date(v) => Column::Date(v.get(p).copied().into_iter().collect()),
        }
    };
    base.payees = Payees {
        id: vec![data.payees.id[p]],
        manager: vec![None],
        start: vec![data.payees.start.get(p).copied().flatten()],
        end: vec![data.payees.end.get(p).copied().flatten()],
        attrs: data.payees.attrs.iter().map(pick).collect(),
    };
    base.quotas = data
        .quotas
        .iter()
        .filter(|q| q.payee == payee)
        .map(|q| Quota {
            payee: 0,
            ..q.clone()
        })
        .collect();
    let deal_sym = base.texts.intern("(curve)");
    let empty_sym = base.texts.intern("");
    let mut out = Vec::with_capacity(points.len());
    for &a in points {
        let credited = a
            .checked_mul(d)
            .ok_or_else(|| err("R0102", "curve amount overflows"))?;
        let attrs = v
            .schema
            .deal
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| match f.ty {
                crate::plan::FieldType::Bool => Column::Bool(vec![false]),
                crate::plan::FieldType::Text => Column::Text(vec![empty_sym]),
                crate::plan::FieldType::Date => Column::Date(vec![range.start]),
                _ => Column::Decimal(vec![if i == field { credited } else { Decimal::ZERO }]),
            })
            .collect();
        let mut ds = base.clone();
        ds.deals = Deals {
            id: vec![deal_sym],
            owner: vec![0],
            date: vec![range.start],
            attrs,
        };
        let r = evaluate(plan, &ds, period, period)?;
        let payout = r.totals.iter().fold(Decimal::ZERO, |s, t| s + t.amount);
        out.push(CurvePoint {
            attainment: a,
            credited,
            payout,
        });
    }
    Ok(out)
}

/// Attainment points from `from` to `to` (inclusive) in steps of `step`.
pub fn points(from: Decimal, to: Decimal, step: Decimal) -> Result<Vec<Decimal>, EvalError> {
    if step <= Decimal::ZERO {
        return Err(err("R0301", "the curve step must be above zero"));
    }
    if to < from {
        return Err(err(
            "R0301",
            "the curve must go from a lower to a higher attainment",
        ));
    }
    let mut out = Vec::new();
    let mut a = from;
    while a <= to {
        if out.len() >= MAX_POINTS {
            return Err(err(
                "R0301",
                &format!("a curve has at most {MAX_POINTS} points; use a larger step"),
            ));
        }
        out.push(a);
        a = a
            .checked_add(step)
            .ok_or_else(|| err("R0102", "curve overflows"))?;
    }
    Ok(out)
}

/// An SVG line chart of a pay curve: attainment on x, payout on y, gridlines and labels.
/// Coordinates are computed with exact decimals and printed with two decimals.
pub fn svg(points: &[CurvePoint], title: &str) -> String {
    let (w, h) = (Decimal::from(640), Decimal::from(400));
    let (left, right, top, bottom) = (
        Decimal::from(70),
        Decimal::from(20),
        Decimal::from(40),
        Decimal::from(50),
    );
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max_x = points
        .iter()
        .map(|p| p.attainment)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::new(1, 2));
    let min_x = points
        .iter()
        .map(|p| p.attainment)
        .min()
        .unwrap_or(Decimal::ZERO)
        .min(Decimal::ZERO);
    let max_y = points
        .iter()
        .map(|p| p.payout)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let span_x = (max_x - min_x).max(Decimal::new(1, 2));
    let x = |a: Decimal| (left + (a - min_x) * plot_w / span_x).round_dp(2);
    let y = |v: Decimal| (top + plot_h - v.max(Decimal::ZERO) * plot_h / max_y).round_dp(2);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        left,
        esc(title)
    );
    // Gridlines: 5 horizontal, one vertical per 50% of attainment.
    for i in 0..=5 {
        let v = max_y * Decimal::from(i) / Decimal::from(5);
        let yy = y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"#e0e0e0\"/>",
            w - right
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - Decimal::from(6),
            yy + Decimal::from(4),
            group_digits(v.round_dp(0))
        );
    }
    let mut tick = (min_x * Decimal::from(2)).floor() / Decimal::from(2);
    while tick <= max_x {
        if tick >= min_x {
            let xx = x(tick);
            let _ = writeln!(
                s,
                "<line x1=\"{xx}\" y1=\"{top}\" x2=\"{xx}\" y2=\"{}\" stroke=\"#f0f0f0\"/>",
                h - bottom
            );
            let _ = writeln!(
                s,
                "<text x=\"{xx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                h - bottom + Decimal::from(16),
                percent(tick)
            );
        }
        tick += Decimal::new(5, 1);
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">attainment</text>",
        left + plot_w / Decimal::from(2),
        h - Decimal::from(12)
    );
    let path: Vec<String> = points
        .iter()
        .map(|p| format!("{},{}", x(p.attainment), y(p.payout)))
        .collect();
    let _ = writeln!(
        s,
        "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2.5\" points=\"{}\"/>",
        path.join(" ")
    );
    for p in points {
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#1f6feb\"><title>{}: {}</title></circle>",
            x(p.attainment),
            y(p.payout),
            percent(p.attainment),
            group_digits(p.payout)
        );
    }
    s.push_str("</svg>\n");
    s
}
