//! Trace replay: every line's amount recomputed from its decoded [`Trace`] alone.
//!
//! The trace store leaves out what follows from the rest and trusts the evaluator's word for
//! it (`rounded_by_rule`, `unrounded_follows`, `slice_amounts_follow` in [`crate::tape`]). A
//! wrong word gives a wrong explanation that neither the lines nor the totals show. The replay
//! reads a line's trace as a recipe and cooks it again with the engine's exact arithmetic
//! ([`crate::exact`]): each slice as its rate × width (its amount when flat), the slices added
//! up or the basis × the rate, each multiplier's factor in turn, the gates, the rounding rule
//! the trace names, each cap and floor step, and the plan's scale a line is shown at. Every
//! value the trace records on the way must be the one the replay reaches, and the end must be
//! the line's amount to the last digit (same mantissa, scale and sign).
//!
//! What the replay takes as given, because the trace holds it as an input rather than a
//! result: a value no slice, basis or rate explains (a fixed amount, a flat table pay, an
//! interpolated money amount: the trace's unrounded value), the total a rounding line rounds,
//! a true-up's adjustment, a cap's or floor's value, and where a cap or floor over a sequence
//! of lines (a period or plan limit) stood before the line.

use crate::exact;
use crate::money::{Rounding, RoundingStage};
use crate::plan::LimitLevel;
use crate::results::{LimitStep, Line, LineKind, Results, Trace};
use rust_decimal::Decimal;
use std::fmt;

/// Why a line's trace could not be replayed to an amount.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayError {
    /// There is no line at that index.
    NoLine(usize),
    /// The line was evaluated without tracing.
    NoTrace,
    /// A step of the replay cannot be held exactly (the evaluator would have refused it too).
    Overflow(&'static str),
    /// The trace records a value its own inputs do not give.
    Inconsistent {
        /// Which value: `slice 2 amount`, `unrounded`, `rounded`, `limit step 1 after`, ...
        what: String,
        /// What the trace records.
        recorded: Decimal,
        /// What the replay computed.
        replayed: Decimal,
    },
    /// A limit step names a limit the results do not declare.
    UnknownLimit(u32),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::NoLine(i) => write!(f, "no line {i}"),
            ReplayError::NoTrace => write!(f, "the line has no trace (evaluated without tracing)"),
            ReplayError::Overflow(step) => write!(f, "{step} cannot be held exactly"),
            ReplayError::Inconsistent {
                what,
                recorded,
                replayed,
            } => write!(
                f,
                "{what}: the trace records {recorded}, its inputs give {replayed}"
            ),
            ReplayError::UnknownLimit(l) => write!(f, "limit step names unknown limit {l}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// The first line whose trace does not replay to its amount ([`Results::verify_traces`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayMismatch {
    /// Index of the line (in [`Results::lines`] order).
    pub index: usize,
    /// Payee id.
    pub payee: String,
    /// Period label.
    pub period: String,
    /// Component name (`(plan)` for plan-level lines).
    pub component: String,
    /// Deal id, for deal lines.
    pub deal: Option<String>,
    /// What produced the line.
    pub kind: LineKind,
    /// The line's amount.
    pub amount: Decimal,
    /// What the replay of its trace gave, or why it gave nothing.
    pub replayed: Result<Decimal, ReplayError>,
}

impl fmt::Display for ReplayMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {} (payee {}, period {}, component {}",
            self.index, self.payee, self.period, self.component
        )?;
        if let Some(d) = &self.deal {
            write!(f, ", deal {d}")?;
        }
        write!(f, ") pays {}", self.amount)?;
        match &self.replayed {
            Ok(v) => write!(f, " but its trace replays to {v}"),
            Err(e) => write!(f, " but its trace does not replay: {e}"),
        }
    }
}

impl std::error::Error for ReplayMismatch {}

/// Same mantissa, scale and sign: `2.5` is not `2.50`, `-0.00` is not `0.00`.
fn identical(a: Decimal, b: Decimal) -> bool {
    a.serialize() == b.serialize()
}

/// `recorded` when it is `replayed` to the last digit, else the inconsistency.
fn check(
    what: impl FnOnce() -> String,
    recorded: Decimal,
    replayed: Decimal,
) -> Result<(), ReplayError> {
    if identical(recorded, replayed) {
        Ok(())
    } else {
        Err(ReplayError::Inconsistent {
            what: what(),
            recorded,
            replayed,
        })
    }
}

fn add(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ReplayError> {
    exact::add(a, b).ok_or(ReplayError::Overflow(step))
}

fn sub(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ReplayError> {
    exact::sub(a, b).ok_or(ReplayError::Overflow(step))
}

fn mul(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ReplayError> {
    exact::mul(a, b).ok_or(ReplayError::Overflow(step))
}

fn round(rule: Rounding, v: Decimal) -> Result<Decimal, ReplayError> {
    rule.apply(v).ok_or(ReplayError::Overflow("rounding"))
}

/// `after` with at least the scale of `before`: a limit never shows a line with fewer places
/// than it had (only zeros are added).
pub(crate) fn keep_scale(mut after: Decimal, before: Decimal) -> Decimal {
    if after.scale() < before.scale() {
        after.rescale(before.scale());
    }
    after
}

/// `v` written with exactly `scale` places when that loses no digit, otherwise unchanged:
/// how a plan rounding per line shows every line (a capped `50% of target` line of four
/// places, a floor top-up of `967`). `None` when the padding does not fit in 96 bits.
pub(crate) fn at_scale_if_exact(mut v: Decimal, scale: u32) -> Option<Decimal> {
    if v.scale() != scale && v.round_dp(scale) == v {
        v.rescale(scale);
        if v.scale() != scale {
            return None;
        }
    }
    Some(v)
}

/// The line's value before rounding, from its slices (each rate × width, or its flat amount,
/// added in order; negated for a negative basis, whose interval the slices cover backwards)
/// or its basis × rate, then times each multiplier's factor in turn. `None` when the trace
/// holds no slices and no rate: the value is then an input (a fixed or flat amount).
fn unrounded(t: &Trace) -> Result<Option<Decimal>, ReplayError> {
    let raw = if !t.slices.is_empty() {
        let backwards = t.basis.is_some_and(|b| exact::lt(b, Decimal::ZERO));
        let mut total = Decimal::ZERO;
        for (k, s) in t.slices.iter().enumerate() {
            let amount = if s.flat {
                s.rate
            } else {
                mul(s.rate, sub(s.hi, s.lo, "slice width")?, "slice amount")?
            };
            let shown = if backwards { -amount } else { amount };
            check(|| format!("slice {k} amount"), s.amount, shown)?;
            total = add(total, amount, "slices' sum")?;
        }
        if backwards {
            -total
        } else {
            total
        }
    } else {
        match (t.basis, t.rate) {
            (Some(b), Some(r)) => mul(b, r, "basis × rate")?,
            _ => return Ok(None),
        }
    };
    let mut v = raw;
    for m in &t.multipliers {
        v = mul(v, m.factor, "multiplier")?;
    }
    Ok(Some(v))
}

impl Results {
    /// Line `i`'s amount recomputed from its decoded trace alone (module docs of
    /// [`crate::replay`]): an error when the trace is missing, names what the results do not
    /// declare, or records a value its own inputs do not give.
    pub fn replay_line(&self, i: usize) -> Result<Decimal, ReplayError> {
        let line = self.line(i).ok_or(ReplayError::NoLine(i))?;
        self.replay(&line)
    }

    /// Replays every traced line ([`Results::replay_line`]) and compares it with the line's
    /// amount, digit for digit: the number of lines verified (lines evaluated without
    /// tracing have nothing to replay and are not counted), or the first line that differs.
    pub fn verify_traces(&self) -> Result<usize, ReplayMismatch> {
        let mut verified = 0;
        for (index, line) in self.lines().enumerate() {
            if !self.has_trace(&line) {
                continue;
            }
            let replayed = self.replay(&line);
            if !matches!(&replayed, Ok(v) if identical(*v, line.amount)) {
                return Err(ReplayMismatch {
                    index,
                    payee: self.payee_id(&line).to_string(),
                    period: self.period_label(&line),
                    component: self.component_name(line.component).to_string(),
                    deal: self.deal_id(&line).map(str::to_string),
                    kind: line.kind,
                    amount: line.amount,
                    replayed,
                });
            }
            verified += 1;
        }
        Ok(verified)
    }

    fn replay(&self, line: &Line) -> Result<Decimal, ReplayError> {
        if !self.has_trace(line) {
            return Err(ReplayError::NoTrace);
        }
        let t = self.trace(line);
        let plan_rule = self.facts.get(line.component as usize).map(|f| f.rounding);
        let mut v = match line.kind {
            LineKind::Deal | LineKind::Period => {
                let unrounded = match unrounded(&t)? {
                    Some(u) => {
                        check(|| "unrounded".into(), t.unrounded, u)?;
                        u
                    }
                    None => t.unrounded,
                };
                // A failed gate pays 0, at the rule's scale when the line is rounded.
                let paid = if t.gates.iter().all(|g| g.pass) {
                    unrounded
                } else {
                    Decimal::ZERO
                };
                let rounded = match t.rounding {
                    Some(rule) => round(rule, paid)?,
                    None => paid,
                };
                check(|| "rounded".into(), t.rounded, rounded)?;
                rounded
            }
            LineKind::Rounding => {
                let rule = t.rounding.ok_or(ReplayError::Inconsistent {
                    what: "rounding line without a rule".into(),
                    recorded: t.rounded,
                    replayed: t.unrounded,
                })?;
                let rounded = round(rule, t.unrounded)?;
                check(|| "rounded".into(), t.rounded, rounded)?;
                sub(rounded, t.unrounded, "rounding difference")?
            }
            LineKind::TrueUp | LineKind::FloorTopUp => {
                check(|| "rounded".into(), t.rounded, t.unrounded)?;
                t.unrounded
            }
        };
        for (k, step) in t.limits.iter().enumerate() {
            v = self.limit_step(k, step, line.kind, v)?;
        }
        if let Some(rule) = plan_rule.filter(|r| r.stage == RoundingStage::Line) {
            v = at_scale_if_exact(v, rule.scale).ok_or(ReplayError::Overflow("plan scale"))?;
        }
        Ok(v)
    }

    /// One cap or floor step applied to `v`, the line's value before it.
    fn limit_step(
        &self,
        k: usize,
        step: &LimitStep,
        kind: LineKind,
        v: Decimal,
    ) -> Result<Decimal, ReplayError> {
        let info = self
            .limits
            .get(step.limit as usize)
            .ok_or(ReplayError::UnknownLimit(step.limit))?;
        // A floor top-up's first step is the floor that made it: the line pays what the
        // floor's sequence lacked.
        if kind == LineKind::FloorTopUp && k == 0 && !info.is_cap {
            if info.level == LimitLevel::Period {
                // The component's total (`before`) lifted to the floor (`after`).
                check(|| format!("limit step {k} after"), step.after, step.value)?;
                let top = sub(step.value, step.before, "floor top-up")?;
                check(|| "floor top-up".into(), v, top)?;
                return Ok(top);
            }
            check(|| format!("limit step {k} after"), step.after, v)?;
            return Ok(v);
        }
        check(|| format!("limit step {k} before"), step.before, v)?;
        let after = match info.level {
            LimitLevel::Line => keep_scale(
                if info.is_cap {
                    exact::min(v, step.value)
                } else {
                    exact::max(v, step.value)
                },
                v,
            ),
            // Where the sequence stood before this line is not in the trace yet.
            _ => step.after,
        };
        check(|| format!("limit step {k} after"), step.after, after)?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn a_value_is_shown_at_the_plan_scale_only_when_no_digit_is_lost() {
        assert_eq!(
            at_scale_if_exact(d("12.5000"), 2).map(|v| v.to_string()),
            Some("12.50".into())
        );
        assert_eq!(
            at_scale_if_exact(d("967"), 2).map(|v| v.to_string()),
            Some("967.00".into())
        );
        assert_eq!(
            at_scale_if_exact(d("1.005"), 2).map(|v| v.to_string()),
            Some("1.005".into())
        );
        assert_eq!(keep_scale(d("0"), d("1.25")).to_string(), "0.00");
        assert_eq!(keep_scale(d("1.250"), d("1.2")).to_string(), "1.250");
    }
}
