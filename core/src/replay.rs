//! Trace replay: every line's amount recomputed from its decoded [`Trace`] alone.
//!
//! The trace store leaves out what follows from the rest and trusts the evaluator's word for
//! it (`rounded_by_rule`, `unrounded_follows`, `slice_amounts_follow` in the trace store, `tape.rs`). A
//! wrong word gives a wrong explanation that neither the lines nor the totals show. The replay
//! reads a line's trace as a recipe and cooks it again with the engine's exact arithmetic
//! ([`crate::exact`]): each slice as its rate × width (its amount when flat), the slices added
//! up or the basis × the rate (an interpolated rate or amount read again between its
//! anchors), each multiplier's factor in turn, the gates, the rounding rule the trace names,
//! each cap and floor step, and the plan's scale a line is shown at. Every value the trace
//! records on the way must be the one the replay reaches, and the end must be the line's
//! amount to the last digit (same mantissa, scale and sign).
//!
//! What the replay takes as given, because the trace holds it as an input rather than a
//! result: a value no slice, rate or interpolation explains (a fixed amount, a flat table or
//! tier pay: the trace's unrounded value), the key and the anchors an interpolated table was
//! read between, the total a rounding line rounds, a true-up's year-to-date, earlier and
//! this-period amounts, a cap's or floor's value, and where a cap or floor over a sequence of
//! lines (a period or plan limit) stood before the line ([`crate::results::Accrued`]).

use crate::eval::compiled::CPlan;
use crate::eval::tiers::between;
use crate::exact;
use crate::money::{Rounding, RoundingStage};
use crate::plan::{LimitLevel, SourceRef};
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
    /// The trace lacks an input its line needs: where a sequence limit stood
    /// ([`crate::results::Accrued`]), a true-up's inputs ([`crate::results::TrueUp`]).
    Missing(String),
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
            ReplayError::Missing(what) => write!(f, "the trace lacks {what}"),
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
    } else if let Some(c) = t.interpolation {
        // The table's value at the key, between the two anchors: the rate times the basis,
        // or the amount itself.
        let v = between(
            (c.lower.at, c.lower.value),
            (c.upper.at, c.upper.value),
            c.key,
            SourceRef::default(),
        )
        .map_err(|_| ReplayError::Overflow("interpolation"))?;
        match (t.basis, t.rate) {
            (Some(b), Some(r)) => {
                check(|| "interpolated rate".into(), r, v)?;
                mul(b, r, "basis × rate")?
            }
            _ => v,
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

/// The rounding rule of the plan version of each plan-level limit, by limit index
/// ([`Results`]' `plan_limit_rules`).
pub(crate) fn plan_limit_rules(plan: &CPlan) -> Vec<Option<Rounding>> {
    let mut rules = vec![None; plan.limits.len()];
    for v in &plan.versions {
        for l in v.total_period.iter().chain(&v.total_plan) {
            if let Some(r) = rules.get_mut(l.id as usize) {
                *r = Some(v.rounding);
            }
        }
    }
    rules
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
        // The rule of the line's plan version: its component's, or for a plan-level line
        // (a plan floor's top-up) that of the limit that made it.
        let plan_rule = match self.facts.get(line.component as usize) {
            Some(f) => Some(f.rounding),
            None => t.limits.first().and_then(|s| {
                self.plan_limit_rules
                    .get(s.limit as usize)
                    .copied()
                    .flatten()
            }),
        };
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
            LineKind::TrueUp => {
                let u = t
                    .true_up
                    .ok_or(ReplayError::Missing("true-up inputs".into()))?;
                let payout = sub(u.year_to_date, u.earlier, "true-up payout")?;
                let adjustment = sub(payout, u.this_period, "true-up adjustment")?;
                check(|| "unrounded".into(), t.unrounded, adjustment)?;
                check(|| "rounded".into(), t.rounded, adjustment)?;
                adjustment
            }
            LineKind::FloorTopUp => {
                check(|| "rounded".into(), t.rounded, t.unrounded)?;
                t.unrounded
            }
            LineKind::Assignment => {
                let a = t
                    .assignment
                    .ok_or(ReplayError::Missing("assignment share".into()))?;
                let fraction = exact::div(a.assigned_days, Decimal::from(a.of_days))
                    .ok_or(ReplayError::Overflow("assignment share"))?;
                check(|| "assignment share".into(), a.fraction, fraction)?;
                let unrounded = exact::mul(a.full, fraction)
                    .ok_or(ReplayError::Overflow("assignment share of the period"))?;
                check(|| "unrounded".into(), t.unrounded, unrounded)?;
                let rule = t
                    .rounding
                    .ok_or(ReplayError::Missing("assignment rounding".into()))?;
                let rounded = round(rule, unrounded)?;
                check(|| "rounded".into(), t.rounded, rounded)?;
                sub(rounded, a.full, "assignment difference")?
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
            // A plan floor tops up what the payee-period (the plan) paid to its value.
            let accrued = step
                .accrued
                .ok_or_else(|| ReplayError::Missing(format!("limit step {k}'s accrual")))?;
            let top = sub(step.value, accrued.paid, "floor top-up")?;
            check(|| "floor top-up".into(), v, top)?;
            check(|| format!("limit step {k} after"), step.after, top)?;
            return Ok(top);
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
            // A cap over a sequence lets through what the line adds under its value.
            _ if info.is_cap => {
                let accrued = step
                    .accrued
                    .ok_or_else(|| ReplayError::Missing(format!("limit step {k}'s accrual")))?;
                let total = add(accrued.total, v, "cap total")?;
                keep_scale(
                    sub(exact::min(total, step.value), accrued.paid, "cap room")?,
                    v,
                )
            }
            // Floors over a sequence only top up (their own lines, above).
            _ => v,
        };
        check(|| format!("limit step {k} after"), step.after, after)?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundingMode;
    use crate::results::{Accrued, ComponentInfo, LimitInfo, MultiplierStep, Slice};
    use crate::tape::{encode, Facts, TraceParts};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    const RULE: Rounding = Rounding {
        mode: RoundingMode::HalfEven,
        scale: 2,
        stage: RoundingStage::Line,
    };

    fn parts<'a>(
        facts: &'a Facts,
        slices: &'a [Slice],
        mults: &'a [MultiplierStep],
        limits: &'a [LimitStep],
    ) -> TraceParts<'a> {
        TraceParts {
            facts: Some(facts),
            basis: Some(d("1000.00")),
            rate: None,
            row: None,
            band: None,
            slices,
            slices_cut: false,
            slice_amounts_follow: false,
            multipliers: mults,
            gates: &[],
            unrounded: d("0"),
            rounded: d("0"),
            rounding: Some(RULE),
            rounded_by_rule: false,
            unrounded_follows: false,
            limits,
            accrued_paid_follows: false,
            team: &[],
            team_reports: &[],
            true_up: None,
            interpolation: None,
            share: None,
        }
    }

    fn facts() -> Facts {
        Facts {
            rounding: RULE,
            mults: Vec::new(),
            gates: Vec::new(),
            bands: Vec::new(),
            per_deal: None,
        }
    }

    /// Results of one deal line paying `amount`, with the trace `parts` give; a line cap
    /// (limit 0) and a period cap (limit 1) declared.
    fn one_line(amount: &str, parts: &TraceParts) -> Results {
        let mut r = Results {
            facts: vec![facts()],
            components: vec![ComponentInfo {
                name: "core".into(),
                version: 0,
                index: 0,
            }],
            payee_ids: vec!["A".into()],
            limits: vec![
                LimitInfo {
                    is_cap: true,
                    level: LimitLevel::Line,
                    component: 0,
                    source: Default::default(),
                },
                LimitInfo {
                    is_cap: true,
                    level: LimitLevel::Period,
                    component: 0,
                    source: Default::default(),
                },
            ],
            ..Results::default()
        };
        encode(&mut r.traces, parts);
        r.lines.push(&Line {
            payee: 0,
            period: 0,
            component: 0,
            deal: None,
            kind: LineKind::Deal,
            share: Decimal::ONE,
            amount: d(amount),
            trace_at: 0,
        });
        r
    }

    fn slice(lo: &str, hi: &str, rate: &str, amount: &str) -> Slice {
        Slice {
            band: 0,
            lo: d(lo),
            hi: d(hi),
            rate: d(rate),
            flat: false,
            amount: d(amount),
        }
    }

    #[test]
    fn a_true_trace_replays_to_the_line_amount() {
        let f = facts();
        // 2% of 500 + 8% of 500.00 = 10.00 + 40.0000 = 50.0000; × 1.2 = 60.00000; 60.00.
        let slices = [
            slice("0", "500", "0.02", "10.00"),
            slice("500", "1000.00", "0.08", "40.0000"),
        ];
        let mults = [MultiplierStep {
            factor: d("1.2"),
            source: Default::default(),
        }];
        let limits = [LimitStep {
            limit: 0,
            value: d("55"),
            before: d("60.00"),
            after: d("55.00"),
            accrued: None,
        }];
        let mut p = parts(&f, &slices, &mults, &limits);
        p.unrounded = d("60.00000");
        p.rounded = d("60.00");
        p.rounded_by_rule = true;
        let r = one_line("55.00", &p);
        assert_eq!(r.replay_line(0).map(|v| v.to_string()), Ok("55.00".into()));
        assert_eq!(r.verify_traces(), Ok(1));
        assert_eq!(r.replay_line(1), Err(ReplayError::NoLine(1)));
    }

    #[test]
    fn a_wrong_rounded_by_rule_flag_is_caught() {
        // The evaluator rounded 1.250 to 1.26 and said it was the rule's: the record leaves
        // the rounded value out, so the trace reads 1.25 while the line pays 1.26.
        let f = facts();
        let mut p = parts(&f, &[], &[], &[]);
        p.basis = Some(d("10"));
        p.rate = Some(d("0.125"));
        p.unrounded = d("1.250");
        p.rounded = d("1.26");
        p.rounded_by_rule = true;
        let r = one_line("1.26", &p);
        let m = r.verify_traces().err();
        assert_eq!(m.as_ref().map(|m| m.replayed.clone()), Some(Ok(d("1.25"))));
        assert_eq!(
            m.map(|m| m.to_string()),
            Some(
                "line 0 (payee A, period , component core) pays 1.26 but its trace replays to 1.25"
                    .into()
            )
        );
        // Said honestly, the record keeps 1.26 and the replay names the step that is off.
        p.rounded_by_rule = false;
        let r = one_line("1.26", &p);
        assert_eq!(
            r.replay_line(0),
            Err(ReplayError::Inconsistent {
                what: "rounded".into(),
                recorded: d("1.26"),
                replayed: d("1.25"),
            })
        );
    }

    #[test]
    fn a_wrong_slice_amounts_follow_flag_is_caught() {
        // The slice paid 25.00, not its rate × width (20.00), but the evaluator said it
        // followed: the trace reads 20.00 and the replay pays 20.00, not the line's 25.00.
        let f = facts();
        let slices = [slice("0", "1000.00", "0.02", "25.00")];
        let mut p = parts(&f, &slices, &[], &[]);
        p.slice_amounts_follow = true;
        p.unrounded = d("25.00");
        p.rounded = d("25.00");
        p.rounded_by_rule = true;
        let r = one_line("25.00", &p);
        assert_eq!(
            r.verify_traces().map_err(|m| m.replayed),
            Err(Ok(d("20.00")))
        );
        // Written out, the slice's amount is checked against its rate × width.
        p.slice_amounts_follow = false;
        let r = one_line("25.00", &p);
        assert_eq!(
            r.replay_line(0),
            Err(ReplayError::Inconsistent {
                what: "slice 0 amount".into(),
                recorded: d("25.00"),
                replayed: d("20.0000"),
            })
        );
    }

    #[test]
    fn a_wrong_unrounded_follows_flag_is_caught() {
        // The line's value before rounding was 30.00 (a factor not traced), but the
        // evaluator said it was the slices' sum: the trace reads 20.00.
        let f = facts();
        let slices = [slice("0", "1000.00", "0.02", "20.0000")];
        let mut p = parts(&f, &slices, &[], &[]);
        p.unrounded = d("30.00");
        p.unrounded_follows = true;
        p.rounded = d("30.00");
        p.rounded_by_rule = true;
        let r = one_line("30.00", &p);
        assert_eq!(
            r.verify_traces().map_err(|m| m.replayed),
            Err(Ok(d("20.00")))
        );
    }

    #[test]
    fn a_line_cap_step_is_recomputed() {
        // A line cap of 55 cannot leave 56.00 of 60.00.
        let f = facts();
        let limits = [LimitStep {
            limit: 0,
            value: d("55"),
            before: d("60.00"),
            after: d("56.00"),
            accrued: None,
        }];
        let mut p = parts(&f, &[], &[], &limits);
        p.basis = Some(d("1000"));
        p.rate = Some(d("0.06"));
        p.unrounded = d("60.00");
        p.rounded = d("60.00");
        p.rounded_by_rule = true;
        let r = one_line("56.00", &p);
        assert_eq!(
            r.replay_line(0),
            Err(ReplayError::Inconsistent {
                what: "limit step 0 after".into(),
                recorded: d("56.00"),
                replayed: d("55.00"),
            })
        );
    }

    #[test]
    fn a_period_cap_step_is_recomputed_from_where_its_sequence_stood() {
        // A period cap of 100 with 70.00 of the period's lines paid before: a line of 60.00
        // gets 30.00.
        let f = facts();
        let step = |after: &str, paid: &str| LimitStep {
            limit: 1,
            value: d("100"),
            before: d("60.00"),
            after: d(after),
            accrued: Some(Accrued {
                total: d("70.00"),
                paid: d(paid),
            }),
        };
        let replay = |after: &str, paid: &str, amount: &str| {
            let limits = [step(after, paid)];
            let mut p = parts(&f, &[], &[], &limits);
            p.basis = Some(d("1000"));
            p.rate = Some(d("0.06"));
            p.unrounded = d("60.00");
            p.rounded = d("60.00");
            p.rounded_by_rule = true;
            one_line(amount, &p).replay_line(0)
        };
        assert_eq!(replay("30.00", "70.00", "30.00"), Ok(d("30.00")));
        // Past the cap the line pays 0, at its own scale.
        assert_eq!(
            replay("0.00", "100", "0.00").map(|v| v.to_string()),
            Ok("0.00".into())
        );
        assert_eq!(
            replay("35.00", "70.00", "35.00"),
            Err(ReplayError::Inconsistent {
                what: "limit step 0 after".into(),
                recorded: d("35.00"),
                replayed: d("30.00"),
            })
        );
    }

    #[test]
    fn a_wrong_accrued_paid_follows_flag_is_caught() {
        // A cap over the plan of 100 had let through 90.00 of 120.00 (its value was 90 in an
        // earlier period): a line of 60.00 gets 10.00. Said to follow, the record leaves 90.00
        // out and the trace reads 100, the lesser of the total and the value: 0.00.
        let f = facts();
        let limits = [LimitStep {
            limit: 1,
            value: d("100"),
            before: d("60.00"),
            after: d("10.00"),
            accrued: Some(Accrued {
                total: d("120.00"),
                paid: d("90.00"),
            }),
        }];
        let mut p = parts(&f, &[], &[], &limits);
        p.basis = Some(d("1000"));
        p.rate = Some(d("0.06"));
        p.unrounded = d("60.00");
        p.rounded = d("60.00");
        p.rounded_by_rule = true;
        p.accrued_paid_follows = true;
        let r = one_line("10.00", &p);
        assert_eq!(
            r.replay_line(0),
            Err(ReplayError::Inconsistent {
                what: "limit step 0 after".into(),
                recorded: d("10.00"),
                replayed: d("0.00"),
            })
        );
        // Said honestly, the record keeps 90.00 and the line replays.
        p.accrued_paid_follows = false;
        assert_eq!(one_line("10.00", &p).verify_traces(), Ok(1));
    }

    #[test]
    fn a_value_is_shown_at_the_plan_scale_only_when_no_digit_is_lost() {
        let shown = |v: &str, scale| at_scale_if_exact(d(v), scale).map(|v| v.to_string());
        assert_eq!(shown("12.5000", 2), Some("12.50".into()));
        assert_eq!(shown("967", 2), Some("967.00".into()));
        assert_eq!(shown("1.005", 2), Some("1.005".into()));
        assert_eq!(keep_scale(d("0"), d("1.25")).to_string(), "0.00");
        assert_eq!(keep_scale(d("1.250"), d("1.2")).to_string(), "1.250");
    }
}
