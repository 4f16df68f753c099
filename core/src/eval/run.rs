//! The per-payee engine: periods, measures, components, limits, rounding and line output.

use super::compiled::{
    CComp, CKey, CLimit, CMeasureKind, CPay, CPayout, CPlan, CRate, CTable, CTiers, CUnit, CVersion,
};
use super::expr::{
    add, credit_value, eval, eval_bool, eval_dec, fault, mul, sub, want_dec, ExprContext, Fault,
    LineContext, PeriodContext, Value, R,
};
use super::fast;
use super::index::{Hierarchy, LinesByPayee, PayeeLines, Reports, TeamWalk};
use super::tiers::{anchors_around, band_keys, band_of, graduated, interpolate, whole, UBand};
use crate::dataset::Dataset;
use crate::exact::{self, Small};
use crate::money::{Rounding, RoundingStage};
use crate::period::{Date, Period};
use crate::plan::{AggFunc, Population, SourceRef, TierMode, TierScope, Window};
use crate::results::{
    Accrued, Anchor, AssignmentShare, ComponentTotal, GateStep, Interpolation, LimitStep, Line,
    LineKind, MultiplierStep, Slice, TeamReport, Total, TrueUp, NO_TRACE, PLAN_COMPONENT,
};
use crate::tape::{self, RawTeam, TraceParts};
use rust_decimal::Decimal;
use std::ops::Range;

pub(super) const NONE: u32 = u32::MAX;

/// One evaluated period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub period: Period,
    pub start: Date,
    pub end: Date,
    pub fy_start: Date,
    pub fy_end: Date,
    pub version: Option<u32>,
    pub report: Option<u32>,
    /// The period contains the last day of its version's effective range.
    pub last_of_version: bool,
    /// Absolute period number (for tenure).
    pub seq: i64,
    /// Index of this slot in the evaluation's slots.
    pub index: u32,
}

pub(crate) struct Engine<'a> {
    pub data: &'a Dataset,
    pub plan: &'a CPlan,
    pub lines: &'a LinesByPayee,
    pub direct: &'a Reports,
    /// The hierarchy; a payee's team is walked from it when read ([`Hierarchy::team_into`]).
    pub team: &'a Hierarchy,
    /// First phase: run only the components team commission counts, and record their
    /// payee-period amounts (no lines, no plan-level limits).
    pub phase1: bool,
    /// First-phase amounts by payee row: `[slot index × counted + counted index]`.
    pub team_pay: &'a [Vec<Decimal>],
    /// Number of counted components ([`CPlan::counted`]).
    pub n_counted: usize,
    pub quotas: &'a [Vec<(Period, Decimal)>],
    pub slots: &'a [Slot],
    pub trace: bool,
    /// Use the specialised kernels ([`super::EvalOptions::fast_paths`]).
    pub fast: bool,
    /// Absolute period number of the period containing a date.
    pub seq_of: &'a (dyn Fn(Date) -> i64 + Sync),
    /// In a program: the days each payee is on this plan ([`crate::program`]).
    pub assigned: Option<&'a crate::assigned::PlanWindows>,
}

/// Lines and trace records of one payee (trace offsets relative to its own `traces`).
#[derive(Debug, Default)]
pub(crate) struct PayeeOut {
    pub lines: crate::lines::LineTable,
    /// Trace records of `lines` ([`crate::tape`]).
    pub traces: Vec<u8>,
    pub totals: Vec<Total>,
    pub comp_totals: Vec<ComponentTotal>,
    /// First phase: the counted components' amounts, `[slot index × counted + counted index]`.
    pub counted: Vec<Decimal>,
    /// Trace parts of the period being evaluated; [`RawTrace`] spans index them. Written into
    /// `traces` when the period's lines are emitted, then cleared.
    pub slices: Vec<Slice>,
    pub mults: Vec<MultiplierStep>,
    pub gates: Vec<GateStep>,
    pub team: Vec<RawTeam>,
    pub team_reports: Vec<TeamReport>,
    /// True-up lines' inputs ([`RawTrace::true_up`] indexes it).
    pub true_ups: Vec<TrueUp>,
    /// Where interpolated lines read their table ([`PricingTrace::curve`] indexes it).
    pub curves: Vec<Interpolation>,
    /// The period's assignment share, when its assignment line was made (at most one per
    /// payee-period: a line of kind [`LineKind::Assignment`] reads it, so no line carries an
    /// index to it).
    pub share: Option<AssignmentShare>,
    /// One line's limit steps, gathered for encoding.
    steps: Vec<LimitStep>,
}

/// A range `start..start + len` in one of the trace vectors of [`PayeeOut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TracePartRange {
    pub start: u32,
    pub len: u32,
}

impl TracePartRange {
    /// The elements of `all` this span covers (empty when out of range).
    fn of<'s, T>(&self, all: &'s [T]) -> &'s [T] {
        let s = self.start as usize;
        all.get(s..s.saturating_add(self.len as usize))
            .unwrap_or(&[])
    }
}

/// A line's trace while its period is evaluated (spans into [`PayeeOut`]'s trace vectors).
#[derive(Debug, Clone, Copy)]
pub(super) struct RawTrace {
    /// What was known when the raw amount was produced.
    pub(super) pricing: PricingTrace,
    pub(super) multipliers: TracePartRange,
    pub(super) gates: TracePartRange,
    pub(super) unrounded: Decimal,
    pub(super) rounded: Decimal,
    pub(super) rounding: Option<Rounding>,
    /// `rounded` is `rounding` applied to `unrounded` ([`TraceParts::rounded_by_rule`]).
    pub(super) rounded_by_rule: bool,
    /// `unrounded` follows from the slices and multipliers
    /// ([`TraceParts::unrounded_follows`]).
    pub(super) unrounded_follows: bool,
    pub(super) team: TracePartRange,
    /// A true-up line's inputs, in [`PayeeOut::true_ups`].
    pub(super) true_up: TracePartRange,
}

impl RawTrace {
    fn empty() -> RawTrace {
        RawTrace {
            pricing: PricingTrace::default(),
            multipliers: TracePartRange::default(),
            gates: TracePartRange::default(),
            unrounded: Decimal::ZERO,
            rounded: Decimal::ZERO,
            rounding: None,
            rounded_by_rule: false,
            unrounded_follows: false,
            team: TracePartRange::default(),
            true_up: TracePartRange::default(),
        }
    }
}

/// A line while its period is evaluated.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawLine {
    pub(super) component: u32,
    pub(super) deal: Option<u32>,
    pub(super) kind: LineKind,
    pub(super) share: Decimal,
    pub(super) amount: Decimal,
    pub(super) trace: RawTrace,
}

pub(crate) struct PayeeFail {
    pub fault: Box<Fault>,
    pub period: Option<Period>,
}

/// A line of the period being evaluated, in its work list: priced, with its component
/// limits applied, waiting for the plan's limits and emission.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingLine {
    /// Position among the payee's lines ([`PayeeLines`]), or NONE for period-level lines.
    pub(super) pos: u32,
    /// Local component index, or NONE for plan-level lines.
    pub(super) comp: u32,
    pub(super) line: RawLine,
    /// The line's limit steps, a chain through [`Scratch::steps`] (NONE when it has none).
    pub(super) first_step: u32,
    pub(super) last_step: u32,
}

/// One limit step of a line's chain through [`Scratch::steps`].
#[derive(Debug, Clone, Copy)]
pub(super) struct ChainedStep {
    pub(super) step: LimitStep,
    /// The line's next step (NONE after its last).
    pub(super) next: u32,
    /// The step's accrued paid amount is what the trace reader derives from its total and
    /// value ([`trust::accrued_paid_follows`]); true for a step without accrual.
    pub(super) paid_follows: bool,
}

/// A credit line a line-level component pays (it passed the window and eligibility), with
/// its basis.
#[derive(Debug, Clone, Copy)]
pub(super) struct EligibleLine {
    pub(super) pos: u32,
    pub(super) deal: u32,
    pub(super) share: Decimal,
    pub(super) basis: Decimal,
}

/// What one worker reuses from payee to payee: the payee's gathered lines and the
/// evaluation's scratch vectors (each cleared where it is filled), so that a payee allocates
/// only its output. Fresh scratch per payee cost an allocation, and at 1M deals fresh pages,
/// for every payee.
#[derive(Default)]
pub(crate) struct Workspace {
    lines: PayeeLines,
    sc: Scratch,
    parts: TracePartsScratch,
}

/// The trace parts' vectors of a [`PayeeOut`] (cleared every period), kept by the worker
/// between payees instead of growing anew for each.
#[derive(Default)]
struct TracePartsScratch {
    slices: Vec<Slice>,
    mults: Vec<MultiplierStep>,
    gates: Vec<GateStep>,
    team: Vec<RawTeam>,
    team_reports: Vec<TeamReport>,
    steps: Vec<LimitStep>,
}

impl TracePartsScratch {
    /// Exchanges these vectors with `out`'s: lent to a payee's output when it starts, taken
    /// back when it is done.
    fn swap(&mut self, out: &mut PayeeOut) {
        use std::mem::swap;
        swap(&mut self.slices, &mut out.slices);
        swap(&mut self.mults, &mut out.mults);
        swap(&mut self.gates, &mut out.gates);
        swap(&mut self.team, &mut out.team);
        swap(&mut self.team_reports, &mut out.team_reports);
        swap(&mut self.steps, &mut out.steps);
    }
}

#[derive(Default)]
pub(super) struct Scratch {
    pub(super) work: Vec<PendingLine>,
    pub(super) order: Vec<u32>,
    pub(super) runs: Vec<(u32, u32)>,
    pub(super) elig: Vec<EligibleLine>,
    pub(super) bands: Vec<UBand>,
    /// What [`band_keys`] returned for `bands`.
    pub(super) band_scale: Option<u32>,
    /// `bands` as small decimals ([`fast::graduated_running`]).
    pub(super) small_bands: Vec<fast::SmallBand>,
    pub(super) anchors: Vec<(Decimal, Decimal)>,
    pub(super) keyvals: Vec<Value>,
    pub(super) steps: Vec<ChainedStep>,
    pub(super) measures: Vec<Value>,
    pub(super) comp_sums: Vec<(Decimal, bool)>,
    /// A fast condition's answer per line in range ([`Pred::fill`]), and buffers it borrows.
    pub(super) tested: Vec<bool>,
    pub(super) tested_spare: Vec<Vec<bool>>,
    /// Team commission inputs of the current payee-period ([`PayeeOut::team`]).
    pub(super) team_range: TracePartRange,
    /// The team of the payee being evaluated, walked once for all its periods.
    pub(super) team_walk: TeamWalk,
}

/// How a raw amount was priced (basis, rate, row, band, slices): the part of a line's trace
/// known when the amount is produced.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PricingTrace {
    pub(super) basis: Option<Decimal>,
    pub(super) rate: Option<Decimal>,
    pub(super) row: Option<u32>,
    pub(super) band: Option<u32>,
    pub(super) slices: TracePartRange,
    /// Every slice's amount is its rate × (hi − lo), as [`graduated`] computes it for a
    /// non-negative interval of a decimal key ([`TraceParts::slice_amounts_follow`]).
    pub(super) slices_follow: bool,
    /// The slices were not gathered: the trace cuts them again from the basis
    /// ([`TraceParts::slices_cut`]).
    pub(super) slices_cut: bool,
    /// Where an interpolated table was read, in [`PayeeOut::curves`].
    pub(super) curve: TracePartRange,
}

impl PricingTrace {
    /// A graduated tier's line: its basis, its slices (`all[since..]`) and whether their
    /// amounts follow.
    pub(super) fn graduated(
        basis: Decimal,
        since: usize,
        all: &[Slice],
        slices_follow: bool,
    ) -> PricingTrace {
        let slices = part_range(since, all.len());
        debug_assert!(
            !slices_follow || trust::slice_amounts_follow(slices.of(all)),
            "slice_amounts_follow claimed for slices {:?}",
            slices.of(all)
        );
        PricingTrace {
            basis: Some(basis),
            slices,
            slices_follow,
            ..PricingTrace::default()
        }
    }
}

/// A line's raw amount and where it comes from, as [`Engine::finish`] takes it.
#[derive(Debug, Clone, Copy)]
struct PricedLine {
    /// Position among the payee's lines, or NONE for a period-level line.
    pos: u32,
    deal: Option<u32>,
    share: Decimal,
    kind: LineKind,
    pricing: PricingTrace,
    /// The amount before multipliers, rounding and limits.
    raw: Decimal,
}

impl PricedLine {
    /// A deal line of eligible credit line `e`.
    fn deal(e: &EligibleLine, pricing: PricingTrace, raw: Decimal) -> PricedLine {
        PricedLine {
            pos: e.pos,
            deal: Some(e.deal),
            share: e.share,
            kind: LineKind::Deal,
            pricing,
            raw,
        }
    }

    /// A period-level line (no deal, share 1).
    fn period(pricing: PricingTrace, raw: Decimal) -> PricedLine {
        PricedLine {
            pos: NONE,
            deal: None,
            share: Decimal::ONE,
            kind: LineKind::Period,
            pricing,
            raw,
        }
    }
}

/// The component being run, as [`Engine::finish`] reads it for each of its lines.
pub(super) struct ComponentContext<'c> {
    pub(super) comp: &'c CComp,
    pub(super) ci: u32,
    pub(super) pass: bool,
    pub(super) gates: TracePartRange,
    pub(super) rounding: Rounding,
}

/// The expression context of one eligible credit line.
pub(super) fn line_context<'a>(cx: &ExprContext<'a>, e: &EligibleLine) -> ExprContext<'a> {
    cx.with_line(LineContext {
        deal: e.deal,
        share: e.share,
        pos: e.pos,
    })
}

/// `v` rounded by `rule`; `R0102` at `src` when it cannot be shown at the rule's scale (past
/// the 96-bit mantissa there is no room for the places: never a line at another scale).
fn round_by(rule: Rounding, v: Decimal, src: SourceRef) -> R<Decimal> {
    rule.apply(v).ok_or_else(|| {
        fault(
            "R0102",
            format!(
                "arithmetic overflow: {v} cannot be held with {} decimal places",
                rule.scale
            ),
            src,
        )
    })
}

fn at_deal(deal: u32) -> impl Fn(Box<Fault>) -> Box<Fault> {
    move |mut f| {
        if f.deal.is_none() {
            f.deal = Some(deal);
        }
        f
    }
}

pub(super) fn part_range(start: usize, end: usize) -> TracePartRange {
    TracePartRange {
        start: start as u32,
        len: end.saturating_sub(start) as u32,
    }
}

/// `v` written with exactly `scale` decimals when that loses no digit; otherwise unchanged.
/// Fewer decimals are padded too: a floor top-up of `967` or a cap cutting a line to `0.00`
/// shows at the plan's scale like every other line (language reference §7.1). `None` when
/// the padding does not fit in 96 bits (`rescale` would quietly stop short).
fn at_scale_if_exact(mut v: Decimal, scale: u32) -> Option<Decimal> {
    if v.scale() != scale && v.round_dp(scale) == v {
        v.rescale(scale);
        if v.scale() != scale {
            return None;
        }
    }
    Some(v)
}

/// The claims the trust flags of a line's trace make to the trace encoder ([`TraceParts`]):
/// what the reader derives instead of reading, so a wrong flag would be a wrong explanation in
/// every binding. Checked by `debug_assert`s where the evaluator sets each flag.
pub(super) mod trust {
    use super::{PayeeOut, RawTrace};
    use crate::results::{Accrued, Slice};
    use crate::tape::{derived_unrounded, identical, paid_of, slice_amount};
    use rust_decimal::Decimal;

    /// `rounded_by_rule`: `rounded` is the rounding rule applied to `unrounded`, or
    /// `unrounded` itself without one.
    pub(crate) fn rounded_by_rule(t: &RawTrace) -> bool {
        let by_rule = match t.rounding {
            Some(rule) => rule.apply(t.unrounded),
            None => Some(t.unrounded),
        };
        by_rule.is_some_and(|r| identical(r, t.rounded))
    }

    /// `unrounded_follows`: `unrounded` is what the reader derives from the line's slices and
    /// multiplier steps (a claim only made with at least one slice).
    pub(crate) fn unrounded_follows(t: &RawTrace, out: &PayeeOut) -> bool {
        let slices = t.pricing.slices.of(&out.slices);
        slices.is_empty()
            || derived_unrounded(
                t.pricing.basis,
                t.pricing.rate,
                slices,
                t.multipliers.of(&out.mults),
            )
            .is_some_and(|d| identical(d, t.unrounded))
    }

    /// `accrued_paid_follows`: a sequence's paid amount is the lesser of its total and the
    /// limit's value, as the reader derives it.
    pub(crate) fn accrued_paid_follows(a: Accrued, value: Decimal) -> bool {
        identical(a.paid, paid_of(a.total, value))
    }

    /// `slice_amounts_follow`: each slice's amount is its rate × its width (its rate when
    /// flat).
    pub(crate) fn slice_amounts_follow(slices: &[Slice]) -> bool {
        slices.iter().all(|s| {
            slice_amount(s.flat, s.lo, s.hi, s.rate).is_some_and(|a| identical(a, s.amount))
        })
    }
}

/// `after` with at least the scale of `before` (exact: only adds zeros).
fn keep_scale(mut after: Decimal, before: Decimal) -> Decimal {
    if after.scale() < before.scale() {
        after.rescale(before.scale());
    }
    after
}

fn values_match(k: &Value, v: &Value) -> bool {
    match (k, v) {
        (Value::Dec(a), Value::Dec(b)) => a == b,
        (Value::Text(a), Value::Text(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Date(a), Value::Date(b)) => a == b,
        _ => false,
    }
}

/// An interpolated line's raw amount for anchor value `v`: money anchors pay `v`, rate
/// anchors `v` times the line's basis.
fn interpolated_line(
    t: &CTiers,
    e: &EligibleLine,
    v: Decimal,
    curve: TracePartRange,
) -> R<(PricingTrace, Decimal)> {
    let (raw, rate) = if t.anchors_are_money {
        (v, None)
    } else {
        (mul(e.basis, v, t.source)?, Some(v))
    };
    let pricing = PricingTrace {
        basis: Some(e.basis),
        rate,
        curve,
        ..PricingTrace::default()
    };
    Ok((pricing, raw))
}

impl PayeeOut {
    /// Records where an interpolated table was read at `key` (when tracing): the span of
    /// [`PayeeOut::curves`] the line's [`PricingTrace::curve`] takes.
    fn read_curve(
        &mut self,
        trace: bool,
        anchors: &[(Decimal, Decimal)],
        key: Decimal,
    ) -> TracePartRange {
        match anchors_around(anchors, key).filter(|_| trace) {
            Some([lower, upper]) => {
                let at = self.curves.len();
                let anchor = |(at, value)| Anchor { at, value };
                self.curves.push(Interpolation {
                    key,
                    lower: anchor(lower),
                    upper: anchor(upper),
                });
                part_range(at, at + 1)
            }
            None => TracePartRange::default(),
        }
    }
}

/// A tier table being paid: its compiled form, its bands in basis units (rates resolved for
/// the period, or per line when they read the deal) and the key's denominator, if any.
struct TierBands<'b> {
    t: &'b CTiers,
    bands: &'b mut [UBand],
    /// What [`band_keys`] returned for `bands`.
    key_scale: Option<u32>,
    denominator: Option<Decimal>,
}

impl<'a> Engine<'a> {
    fn quota(&self, p: u32, period: Period) -> R<Decimal> {
        let mut q = Decimal::ZERO;
        for (per, amt) in self
            .quotas
            .get(p as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if *per == period {
                q = add(q, *amt, SourceRef::default())?;
            }
        }
        Ok(q)
    }

    /// Evaluates payee `p`, with its lines gathered into `ws` (scratch reused from payee to
    /// payee).
    pub fn run_payee(&self, p: u32, ws: &mut Workspace) -> Result<PayeeOut, PayeeFail> {
        let Workspace { lines, sc, parts } = ws;
        let windows = self.assigned.map(|a| (a.split, a.of(p)));
        if let Some((_, [])) = windows {
            // Not on this plan of the program on any day.
            let mut out = PayeeOut::default();
            if self.phase1 {
                out.counted = vec![Decimal::ZERO; self.slots.len() * self.n_counted];
            }
            return Ok(out);
        }
        self.lines.gather(self.data, p, lines);
        if let Some((crate::assigned::SplitRule::CreditDates, w)) = windows {
            // The payee's own lines on this plan are those dated on their days on it.
            lines.retain_dates(|d| crate::assigned::PlanWindows::covers(w, d));
        }
        let lines = &*lines;
        let mut out = PayeeOut::default();
        parts.swap(&mut out);
        // Pre-size for the usual shape (one line per credit line and component, about one
        // slice, multiplier and limit step per line): growing by doubling would copy the
        // lines several times. Large unused capacity is never touched, so costs no memory.
        let n = if self.phase1 { 0 } else { lines.date.len() };
        if self.phase1 {
            out.counted = vec![Decimal::ZERO; self.slots.len() * self.n_counted];
        }
        let comps = self
            .plan
            .versions
            .iter()
            .map(|v| v.comps.len())
            .max()
            .unwrap_or(1)
            .max(1);
        out.lines.reserve(n * comps);
        if self.trace {
            // About 18 bytes per W1 line (room never written costs no memory).
            out.traces.reserve(n * comps * 24);
        }
        sc.work.clear();
        sc.elig.clear();
        sc.work.reserve(n * comps / 2 + 16);
        sc.elig.reserve(n / 2 + 16);
        let mut hist = vec![Decimal::ZERO; self.plan.components.len()];
        let mut hist_fy: Option<i32> = None;
        let mut cum = vec![(Decimal::ZERO, Decimal::ZERO); self.plan.limits.len()];
        let mut cur_version: Option<u32> = None;
        let pstart = self.data.payees.start.get(p as usize).copied().flatten();
        let pend = self.data.payees.end.get(p as usize).copied().flatten();
        let start_seq = match pstart {
            Some(d) => (self.seq_of)(d),
            None => self.slots.first().map(|s| s.seq).unwrap_or(0),
        };
        for slot in self.slots {
            let Some(vi) = slot.version else { continue };
            let Some(ver) = self.plan.versions.get(vi as usize) else {
                continue;
            };
            if hist_fy != Some(slot.period.fiscal_year) {
                hist.iter_mut().for_each(|h| *h = Decimal::ZERO);
                hist_fy = Some(slot.period.fiscal_year);
            }
            if cur_version != Some(vi) {
                cum.iter_mut()
                    .for_each(|c| *c = (Decimal::ZERO, Decimal::ZERO));
                cur_version = Some(vi);
            }
            let share = match self.assigned {
                None => None,
                Some(a) => match a.share(p, slot.start, slot.end) {
                    Some(s) => Some(s),
                    // Not on this plan on any day of the period: not evaluated by it.
                    None => continue,
                },
            };
            let marks = (out.lines.mark(), out.traces.len());
            out.share = None;
            out.slices.clear();
            out.mults.clear();
            out.gates.clear();
            out.team.clear();
            out.team_reports.clear();
            out.true_ups.clear();
            out.curves.clear();
            let fail = |fault| PayeeFail {
                fault,
                period: Some(slot.period),
            };
            let quota = self.quota(p, slot.period).map_err(fail)?;
            let pc = PeriodContext {
                start: slot.start,
                end: slot.end,
                quota,
                tenure: slot.seq - start_seq + 1,
                payee_start: pstart,
                payee_end: pend,
            };
            self.run_period(
                p, slot, ver, &pc, share, lines, sc, &mut out, &mut hist, &mut cum,
            )
            .map_err(fail)?;
            if slot.report.is_none() {
                out.lines.truncate(marks.0);
                out.traces.truncate(marks.1);
            }
        }
        parts.swap(&mut out);
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn measures(
        &self,
        p: u32,
        slot: &Slot,
        ver: &CVersion,
        pc: &PeriodContext,
        lines: &PayeeLines,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        sc.measures.clear();
        sc.measures.resize(ver.measures.len(), Value::Absent);
        let t0 = out.team.len();
        let needed = if self.phase1 {
            &ver.needed1
        } else {
            &ver.needed
        };
        for (mi, m) in ver.measures.iter().enumerate() {
            if !needed.get(mi).copied().unwrap_or(false) {
                continue;
            }
            let v = {
                let done = sc.measures.get(..mi).unwrap_or(&[]);
                let cx = ExprContext {
                    data: self.data,
                    payee: p,
                    line: None,
                    measures: done,
                    attrs: &lines.attrs,
                    pc,
                    proration: ver.proration,
                    ramp: &ver.ramp,
                };
                match &m.kind {
                    CMeasureKind::Scalar(e) => eval(e, &cx)?,
                    CMeasureKind::TeamPay {
                        population,
                        counted,
                    } => Value::Dec(self.team_pay_of(
                        p,
                        slot,
                        *population,
                        counted,
                        m.source,
                        out,
                        &mut sc.team_walk,
                    )?),
                    CMeasureKind::Agg {
                        func,
                        arg,
                        filter,
                        window,
                        population,
                    } => {
                        let (from, to) = match window {
                            Window::Period => (slot.start, slot.end),
                            Window::YearToDate => (slot.fy_start, slot.end),
                            Window::Year => (slot.fy_start, slot.fy_end),
                        };
                        let own = [super::index::Member { payee: p, from, to }];
                        let members: &[super::index::Member] = match population {
                            Population::Own => &own,
                            Population::Direct => self.direct.of(p),
                            Population::Team => {
                                self.team.team_into(p, &mut sc.team_walk);
                                &sc.team_walk.members
                            }
                        };
                        let src = m.source;
                        let mut sum = Decimal::ZERO;
                        let mut n: u64 = 0;
                        let mut best: Option<Decimal> = None;
                        let all_cx = ExprContext {
                            attrs: self
                                .lines
                                .all
                                .as_ref()
                                .map(|a| a.attrs.as_slice())
                                .unwrap_or(&[]),
                            ..cx
                        };
                        for q in members {
                            // A report's lines count on the days it reports to the payee.
                            let (lo, hi) = (from.max(q.from), to.min(q.to));
                            if lo > hi {
                                continue;
                            }
                            // The payee's own lines are gathered; another payee's (a report's)
                            // are read from every line gathered, with their own attribute
                            // columns, or else from the dataset by line reference.
                            let (read, range, rows, qcx) = if q.payee == p {
                                (lines, lines.dated(lo, hi), &[][..], &cx)
                            } else {
                                match self.lines.report_lines(self.data, q.payee, lo, hi) {
                                    Ok((all, r)) => (all, r, &[][..], &all_cx),
                                    Err(rows) => (lines, 0..0, rows, &cx),
                                }
                            };
                            let gathered = range.map(|pos| LineContext {
                                deal: read.deal.get(pos).copied().unwrap_or(0),
                                share: read.share.get(pos).copied().unwrap_or(Decimal::ZERO),
                                pos: pos as u32,
                            });
                            let from_rows = rows.iter().map(|&r| {
                                let (deal, share) = super::index::line_of(self.data, r);
                                LineContext {
                                    deal,
                                    share,
                                    pos: NONE,
                                }
                            });
                            for line in gathered.chain(from_rows) {
                                let deal = line.deal;
                                let lcx = qcx.with_line(line);
                                if let Some(f) = filter {
                                    if !eval_bool(f, &lcx, src).map_err(at_deal(deal))? {
                                        continue;
                                    }
                                }
                                n += 1;
                                if *func == AggFunc::Count {
                                    continue;
                                }
                                let x = match arg {
                                    Some(a) => eval_dec(a, &lcx, src).map_err(at_deal(deal))?,
                                    None => Decimal::ONE,
                                };
                                match func {
                                    AggFunc::Sum | AggFunc::Avg => sum = add(sum, x, src)?,
                                    AggFunc::Min => best = Some(best.map_or(x, |b| b.min(x))),
                                    AggFunc::Max => best = Some(best.map_or(x, |b| b.max(x))),
                                    AggFunc::Count => {}
                                }
                            }
                        }
                        Value::Dec(match func {
                            AggFunc::Sum => sum,
                            AggFunc::Count => Decimal::from(n),
                            AggFunc::Avg if n == 0 => Decimal::ZERO,
                            AggFunc::Avg => super::expr::div(sum, Decimal::from(n), src)?,
                            AggFunc::Min | AggFunc::Max => best.unwrap_or(Decimal::ZERO),
                        })
                    }
                }
            };
            if let Some(slot) = sc.measures.get_mut(mi) {
                *slot = v;
            }
        }
        sc.team_range = part_range(t0, out.team.len());
        Ok(())
    }

    /// Team commission of payee `p` in `slot`: the first-phase amounts of the `counted`
    /// components of its reports as of the period's last day (traced per report).
    #[allow(clippy::too_many_arguments)]
    fn team_pay_of(
        &self,
        p: u32,
        slot: &Slot,
        population: Population,
        counted: &[u32],
        src: SourceRef,
        out: &mut PayeeOut,
        walk: &mut TeamWalk,
    ) -> R<Decimal> {
        let members = match population {
            Population::Direct => self.direct.of(p),
            _ => {
                self.team.team_into(p, walk);
                &walk.members
            }
        };
        let base = slot.index as usize * self.n_counted;
        let r0 = out.team_reports.len();
        let mut total = Decimal::ZERO;
        for q in members {
            if q.from > slot.end || q.to < slot.end {
                continue;
            }
            let amounts = self
                .team_pay
                .get(q.payee as usize)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut a = Decimal::ZERO;
            for &k in counted {
                let v = amounts.get(base + k as usize).copied().unwrap_or_default();
                a = add(a, v, src)?;
            }
            total = add(total, a, src)?;
            if self.trace && !a.is_zero() {
                out.team_reports.push(TeamReport {
                    payee: q.payee,
                    amount: a,
                });
            }
        }
        if self.trace {
            out.team.push(RawTeam {
                source: src,
                value: total,
                reports: (r0 as u32, out.team_reports.len() as u32),
            });
        }
        Ok(total)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_period(
        &self,
        p: u32,
        slot: &Slot,
        ver: &CVersion,
        pc: &PeriodContext,
        share: Option<crate::assigned::PeriodShare>,
        lines: &PayeeLines,
        sc: &mut Scratch,
        out: &mut PayeeOut,
        hist: &mut [Decimal],
        cum: &mut [(Decimal, Decimal)],
    ) -> R<()> {
        let range = lines.dated(slot.start, slot.end);
        self.measures(p, slot, ver, pc, lines, sc, out)?;
        let measures = std::mem::take(&mut sc.measures);
        let cx = ExprContext {
            data: self.data,
            payee: p,
            line: None,
            measures: &measures,
            attrs: &lines.attrs,
            pc,
            proration: ver.proration,
            ramp: &ver.ramp,
        };
        sc.work.clear();
        sc.steps.clear();
        sc.runs.clear();
        for (ci, comp) in ver.comps.iter().enumerate() {
            if self.phase1 && comp.counted.is_none() {
                continue;
            }
            let w0 = sc.work.len();
            let amount;
            if comp.true_up {
                let ytd = lines.dated(slot.fy_start, slot.end);
                let ytd_total = self.component(comp, ci as u32, lines, ytd, &cx, ver, sc, out)?;
                let gid = comp.gid as usize;
                let earlier = hist.get(gid).copied().unwrap_or(Decimal::ZERO);
                let payout = sub(ytd_total, earlier, comp.source)?;
                // Keep the current period's deal lines of the year-to-date run.
                let mut keep = w0;
                for i in w0..sc.work.len() {
                    let pos = sc.work.get(i).map(|w| w.pos).unwrap_or(NONE);
                    if pos != NONE && (pos as usize) >= range.start && (pos as usize) < range.end {
                        sc.work.swap(keep, i);
                        keep += 1;
                    }
                }
                sc.work.truncate(keep);
                let mut kept = Decimal::ZERO;
                for w in sc.work.get(w0..).unwrap_or(&[]) {
                    kept = add(kept, w.line.amount, comp.source)?;
                }
                let adj = sub(payout, kept, comp.source)?;
                let mut tr = RawTrace::empty();
                tr.unrounded = adj;
                tr.rounded = adj;
                if self.trace {
                    let at = out.true_ups.len();
                    out.true_ups.push(TrueUp {
                        year_to_date: ytd_total,
                        earlier,
                        this_period: kept,
                    });
                    tr.true_up = part_range(at, at + 1);
                }
                self.push_period_line(sc, ci as u32, comp.gid, LineKind::TrueUp, adj, tr);
                if let Some(h) = hist.get_mut(gid) {
                    *h = ytd_total;
                }
                amount = payout;
            } else {
                amount =
                    self.component(comp, ci as u32, lines, range.clone(), &cx, ver, sc, out)?;
            }
            if let (true, Some(k)) = (self.phase1, comp.counted) {
                let i = slot.index as usize * self.n_counted + k as usize;
                if let Some(c) = out.counted.get_mut(i) {
                    *c = amount;
                }
            }
            if comp.reads_team && self.trace {
                let span = sc.team_range;
                for w in sc.work.get_mut(w0..).unwrap_or(&mut []) {
                    w.line.trace.team = span;
                }
            }
            sc.runs.push((w0 as u32, sc.work.len() as u32));
        }
        if self.phase1 {
            sc.measures = measures;
            return Ok(());
        }
        // Merge the components' runs into line order: (position, component), period lines last.
        sc.order.clear();
        loop {
            let mut best: Option<(usize, u32, u32)> = None; // (run, pos, comp)
            for (ri, &(cur, end)) in sc.runs.iter().enumerate() {
                if cur < end {
                    if let Some(w) = sc.work.get(cur as usize) {
                        if best.is_none_or(|(_, bp, bc)| (w.pos, w.comp) < (bp, bc)) {
                            best = Some((ri, w.pos, w.comp));
                        }
                    }
                }
            }
            let Some((ri, _, _)) = best else { break };
            if let Some(r) = sc.runs.get_mut(ri) {
                sc.order.push(r.0);
                r.0 += 1;
            }
        }
        // Plan-level limits.
        for lim in &ver.total_period {
            let value = eval_dec(&lim.amount, &cx, lim.source)?;
            let mut state = (Decimal::ZERO, Decimal::ZERO);
            self.sequence_limit(lim, value, &mut state, sc, true)?;
        }
        for lim in &ver.total_plan {
            let value = eval_dec(&lim.amount, &cx, lim.source)?;
            let mut state = cum
                .get(lim.id as usize)
                .copied()
                .unwrap_or((Decimal::ZERO, Decimal::ZERO));
            self.sequence_limit(lim, value, &mut state, sc, slot.last_of_version)?;
            if let Some(c) = cum.get_mut(lim.id as usize) {
                *c = state;
            }
        }
        if ver.rounding.stage == RoundingStage::Payout {
            let mut total = Decimal::ZERO;
            for &i in &sc.order {
                total = add(
                    total,
                    sc.work
                        .get(i as usize)
                        .map(|w| w.line.amount)
                        .unwrap_or_default(),
                    SourceRef::default(),
                )?;
            }
            // The plan's rounding has no span of its own: the error names the plan start.
            let r = round_by(ver.rounding, total, SourceRef::default())?;
            let diff = sub(r, total, SourceRef::default())?;
            if !diff.is_zero() {
                let mut tr = RawTrace::empty();
                tr.unrounded = total;
                tr.rounded = r;
                tr.rounding = Some(ver.rounding);
                let i =
                    self.push_period_line(sc, NONE, PLAN_COMPONENT, LineKind::Rounding, diff, tr);
                sc.order.push(i);
            }
        }
        if ver.rounding.stage == RoundingStage::Line {
            // A cap of `50% of payee.target` has four decimals; a line it cuts is still a
            // whole number of cents, so show it at the plan's scale (exactly the same value).
            let scale = ver.rounding.scale;
            for &i in &sc.order {
                if let Some(w) = sc.work.get_mut(i as usize) {
                    match at_scale_if_exact(w.line.amount, scale) {
                        Some(v) => w.line.amount = v,
                        None => {
                            let v = w.line.amount;
                            let f = fault(
                                "R0102",
                                format!("arithmetic overflow: {v} cannot be held with {scale} decimal places"),
                                SourceRef::default(),
                            );
                            return Err(self.at_line(&w.line, f));
                        }
                    }
                }
            }
        }
        if range.is_empty() {
            // A payee with no credit lines in the period gets no zero period lines from tier
            // tables (a period-end table of nothing), so no total row of 0.00 either. Bonuses
            // (`pay ... once`) are kept: the plan said to pay them.
            let work = &sc.work;
            let from_tiers = |w: &PendingLine| {
                ver.comps
                    .get(w.comp as usize)
                    .is_some_and(|c| matches!(c.payout, CPayout::Commission { .. }))
            };
            sc.order.retain(|&i| {
                work.get(i as usize).is_some_and(|w| {
                    w.line.deal.is_some() || !w.line.amount.is_zero() || !from_tiers(w)
                })
            });
        }
        if let Some(share) = share.filter(|s| s.fraction != Decimal::ONE) {
            self.assignment_line(share, ver, sc, out)?;
        }
        if let Some(ri) = slot.report {
            self.emit(p, ri, ver.comps.len(), ver.rounding.scale, sc, out)?;
        }
        sc.measures = measures;
        Ok(())
    }

    /// A program's plan paying a share of the period ([`crate::program`]): the assignment
    /// line that brings what the period's lines pay (`full`) to `rounding(full × fraction)`.
    #[cold]
    #[inline(never)]
    fn assignment_line(
        &self,
        share: crate::assigned::PeriodShare,
        ver: &CVersion,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let at = SourceRef::default();
        let mut full = Decimal::ZERO;
        for &i in &sc.order {
            let amount = sc.work.get(i as usize).map(|w| w.line.amount);
            full = add(full, amount.unwrap_or_default(), at)?;
        }
        if full.is_zero() {
            return Ok(());
        }
        let unrounded =
            exact::mul(full, share.fraction).ok_or_else(|| super::expr::overflow(at))?;
        let rounded = round_by(ver.rounding, unrounded, at)?;
        let diff = sub(rounded, full, at)?;
        let mut tr = RawTrace::empty();
        tr.unrounded = unrounded;
        tr.rounded = rounded;
        tr.rounding = Some(ver.rounding);
        tr.rounded_by_rule = true;
        if self.trace {
            out.share = Some(AssignmentShare {
                full,
                assigned_days: share.assigned_days,
                of_days: share.of_days,
                fraction: share.fraction,
                first: share.first,
                count: share.count,
            });
        }
        let i = self.push_period_line(sc, NONE, PLAN_COMPONENT, LineKind::Assignment, diff, tr);
        sc.order.push(i);
        Ok(())
    }

    /// A cap over the line sequence in `sc.order` (state = cumulative (before, paid)), or a
    /// floor (top-up when `floor_now`).
    fn sequence_limit(
        &self,
        lim: &CLimit,
        value: Decimal,
        state: &mut (Decimal, Decimal),
        sc: &mut Scratch,
        floor_now: bool,
    ) -> R<()> {
        let src = lim.source;
        if lim.is_cap {
            // Each step after the first pays what this loop has just made `state.1`, the
            // lesser of `state.0` and `value`: the reader derives it. The first step's comes
            // from before (another period's value, for a cap over the plan): the encoder checks.
            let mut paid_follows = false;
            for k in 0..sc.order.len() {
                let Some(&i) = sc.order.get(k) else { continue };
                let Some(w) = sc.work.get_mut(i as usize) else {
                    continue;
                };
                let before = w.line.amount;
                let accrued = Accrued {
                    total: state.0,
                    paid: state.1,
                };
                state.0 = add(state.0, before, src)?;
                let capped = exact::min(state.0, value);
                let after = keep_scale(sub(capped, state.1, src)?, before);
                state.1 = capped;
                w.line.amount = after;
                self.add_sequence_step(
                    sc,
                    i,
                    LimitStep {
                        limit: lim.id,
                        value,
                        before,
                        after,
                        accrued: Some(accrued),
                    },
                    paid_follows,
                );
                paid_follows = true;
            }
        } else {
            let mut total = Decimal::ZERO;
            for &i in &sc.order {
                total = add(
                    total,
                    sc.work
                        .get(i as usize)
                        .map(|w| w.line.amount)
                        .unwrap_or_default(),
                    src,
                )?;
            }
            state.0 = add(state.0, total, src)?;
            state.1 = add(state.1, total, src)?;
            if floor_now && state.1 < value {
                let top = sub(value, state.1, src)?;
                let accrued = Accrued {
                    total: state.0,
                    paid: state.1,
                };
                state.1 = value;
                let mut tr = RawTrace::empty();
                tr.unrounded = top;
                tr.rounded = top;
                let i =
                    self.push_period_line(sc, NONE, PLAN_COMPONENT, LineKind::FloorTopUp, top, tr);
                self.add_step(
                    sc,
                    i,
                    LimitStep {
                        limit: lim.id,
                        value,
                        before: Decimal::ZERO,
                        after: top,
                        accrued: Some(accrued),
                    },
                );
                sc.order.push(i);
            }
        }
        Ok(())
    }

    /// `f` placed at `line`: its component's plan text and its deal.
    fn at_line(&self, line: &RawLine, mut f: Box<Fault>) -> Box<Fault> {
        let info = self.plan.components.get(line.component as usize);
        if let Some(c) = info.and_then(|i| {
            self.plan
                .versions
                .get(i.version as usize)?
                .comps
                .get(i.index as usize)
        }) {
            f.source = c.source;
        }
        if let Some(d) = line.deal {
            f = at_deal(d)(f);
        }
        f
    }

    fn emit(
        &self,
        p: u32,
        ri: u32,
        ncomps: usize,
        scale: u32,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        if sc.order.is_empty() {
            return Ok(());
        }
        sc.comp_sums.clear();
        sc.comp_sums.resize(ncomps + 1, (Decimal::ZERO, false));
        let mut total = Decimal::ZERO;
        for &i in &sc.order {
            let Some(w) = sc.work.get(i as usize) else {
                continue;
            };
            let raw = &w.line;
            let mut line = Line {
                payee: p,
                period: ri,
                component: raw.component,
                deal: raw.deal,
                kind: raw.kind,
                share: raw.share,
                amount: raw.amount,
                trace_at: NO_TRACE,
            };
            if self.trace {
                // A line's limit steps are chained through `sc.steps`; the usual single step
                // is read in place, longer chains are gathered.
                let single = match sc.steps.get(w.first_step as usize) {
                    Some(c) if c.next == NONE => Some(c),
                    _ => None,
                };
                let mut paid_follows = true;
                if single.is_none() {
                    out.steps.clear();
                    let mut cur = w.first_step;
                    while let Some(c) = sc.steps.get(cur as usize) {
                        out.steps.push(c.step);
                        paid_follows &= c.paid_follows;
                        cur = c.next;
                    }
                }
                let limits = match single {
                    Some(c) => {
                        paid_follows = c.paid_follows;
                        std::slice::from_ref(&c.step)
                    }
                    None => out.steps.as_slice(),
                };
                line.trace_at = out.traces.len() as u64;
                let t = &raw.trace;
                tape::encode(
                    &mut out.traces,
                    &TraceParts {
                        facts: self.plan.facts.get(raw.component as usize),
                        basis: t.pricing.basis,
                        rate: t.pricing.rate,
                        row: t.pricing.row,
                        band: t.pricing.band,
                        slices: t.pricing.slices.of(&out.slices),
                        slices_cut: t.pricing.slices_cut,
                        slice_amounts_follow: t.pricing.slices_follow,
                        multipliers: t.multipliers.of(&out.mults),
                        gates: t.gates.of(&out.gates),
                        unrounded: t.unrounded,
                        rounded: t.rounded,
                        rounding: t.rounding,
                        rounded_by_rule: t.rounded_by_rule,
                        unrounded_follows: t.unrounded_follows,
                        limits,
                        accrued_paid_follows: paid_follows,
                        team: t.team.of(&out.team),
                        team_reports: &out.team_reports,
                        true_up: t.true_up.of(&out.true_ups).first().copied(),
                        interpolation: t.pricing.curve.of(&out.curves).first().copied(),
                        share: if raw.kind == LineKind::Assignment {
                            out.share.as_ref()
                        } else {
                            None
                        },
                    },
                );
            }
            // Totals are the sums of the lines, or R0102 naming the line that overflowed:
            // lines at the plan's scale (rounded) sum exactly, never at full precision.
            let sum = |a: Decimal, b: Decimal| {
                if a.scale().max(b.scale()) <= scale {
                    exact::add_exact(a, b)
                        .ok_or_else(|| super::expr::overflow(SourceRef::default()))
                } else {
                    add(a, b, SourceRef::default())
                }
            };
            total = sum(total, line.amount).map_err(|f| self.at_line(raw, f))?;
            let slot = if w.comp == NONE {
                ncomps
            } else {
                w.comp as usize
            };
            if let Some(cs) = sc.comp_sums.get_mut(slot) {
                cs.0 = sum(cs.0, line.amount).map_err(|f| self.at_line(raw, f))?;
                cs.1 = true;
            }
            out.lines.push(&line);
        }
        // Totals read as a person expects: at the plan's scale when the sum has only zeros
        // beyond it (1.8100 is 1.81), never rounded.
        out.totals.push(Total {
            payee: p,
            period: ri,
            amount: exact::trim_to_scale(total, scale),
        });
        for (k, (amount, any)) in sc.comp_sums.iter().enumerate() {
            if *any {
                let component = if k == ncomps {
                    PLAN_COMPONENT
                } else {
                    sc.work
                        .iter()
                        .find(|w| w.comp == k as u32)
                        .map(|w| w.line.component)
                        .unwrap_or(PLAN_COMPONENT)
                };
                out.comp_totals.push(ComponentTotal {
                    payee: p,
                    period: ri,
                    component,
                    amount: exact::trim_to_scale(*amount, scale),
                });
            }
        }
        Ok(())
    }

    fn add_step(&self, sc: &mut Scratch, widx: u32, step: LimitStep) {
        self.add_sequence_step(sc, widx, step, step.accrued.is_none());
    }

    /// [`Engine::add_step`] for a step that may record where its sequence stood, with whether
    /// its paid amount follows ([`ChainedStep::paid_follows`]; claimed only when true).
    fn add_sequence_step(&self, sc: &mut Scratch, widx: u32, step: LimitStep, paid_follows: bool) {
        if !self.trace {
            return;
        }
        debug_assert!(
            !paid_follows
                || step
                    .accrued
                    .is_none_or(|a| trust::accrued_paid_follows(a, step.value)),
            "accrued_paid_follows claimed for {step:?}"
        );
        let si = sc.steps.len() as u32;
        sc.steps.push(ChainedStep {
            step,
            next: NONE,
            paid_follows,
        });
        let Some(w) = sc.work.get_mut(widx as usize) else {
            return;
        };
        if w.first_step == NONE {
            w.first_step = si;
        } else {
            let last_step = w.last_step;
            if let Some(t) = sc.steps.get_mut(last_step as usize) {
                t.next = si;
            }
        }
        w.last_step = si;
    }

    fn push_period_line(
        &self,
        sc: &mut Scratch,
        ci: u32,
        gid: u32,
        kind: LineKind,
        amount: Decimal,
        trace: RawTrace,
    ) -> u32 {
        let i = sc.work.len() as u32;
        sc.work.push(PendingLine {
            pos: NONE,
            comp: ci,
            line: RawLine {
                component: gid,
                deal: None,
                kind,
                share: Decimal::ONE,
                amount,
                trace,
            },
            first_step: NONE,
            last_step: NONE,
        });
        i
    }

    /// Multipliers, gate, line rounding and line limits; pushes the work line.
    fn finish(
        &self,
        cc: &ComponentContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
        cx: &ExprContext,
        priced: PricedLine,
    ) -> R<()> {
        let PricedLine {
            pos,
            deal,
            share,
            kind,
            pricing,
            raw,
        } = priced;
        let comp = cc.comp;
        let m0 = out.mults.len();
        let mut v = raw;
        for m in &comp.mults {
            let applies = match &m.when {
                Some(w) => eval_bool(w, cx, m.source)?,
                None => true,
            };
            if applies {
                let f = eval_dec(&m.factor, cx, m.source)?;
                v = mul(v, f, m.source)?;
                if self.trace {
                    out.mults.push(MultiplierStep {
                        factor: f,
                        source: m.source,
                    });
                }
            }
        }
        let (rounded, rounding) = if cc.rounding.stage == RoundingStage::Line {
            (round_by(cc.rounding, v, comp.source)?, Some(cc.rounding))
        } else {
            (v, None)
        };
        let rounded = match (cc.pass, rounding) {
            (true, _) => rounded,
            (false, Some(r)) => round_by(r, Decimal::ZERO, comp.source)?,
            (false, None) => Decimal::ZERO,
        };
        let trace = RawTrace {
            pricing,
            multipliers: part_range(m0, out.mults.len()),
            gates: cc.gates,
            unrounded: v,
            rounded,
            rounding,
            rounded_by_rule: cc.pass,
            unrounded_follows: false,
            team: TracePartRange::default(),
            true_up: TracePartRange::default(),
        };
        debug_assert!(
            !trace.rounded_by_rule || trust::rounded_by_rule(&trace),
            "rounded_by_rule claimed for {trace:?}"
        );
        let widx = sc.work.len() as u32;
        sc.work.push(PendingLine {
            pos,
            comp: cc.ci,
            line: RawLine {
                component: comp.gid,
                deal,
                kind,
                share,
                amount: rounded,
                trace,
            },
            first_step: NONE,
            last_step: NONE,
        });
        let mut amount = rounded;
        // A failed gate pays 0 (language reference §7.6): no floor lifts it, no cap below 0
        // takes it elsewhere.
        for l in comp.line_limits.iter().filter(|_| cc.pass) {
            let value = eval_dec(&l.amount, cx, l.source)?;
            let after = keep_scale(
                if l.is_cap {
                    exact::min(amount, value)
                } else {
                    exact::max(amount, value)
                },
                amount,
            );
            self.add_step(
                sc,
                widx,
                LimitStep {
                    limit: l.id,
                    value,
                    before: amount,
                    after,
                    accrued: None,
                },
            );
            amount = after;
        }
        if let Some(w) = sc.work.get_mut(widx as usize) {
            w.line.amount = amount;
        }
        Ok(())
    }

    /// Pays every eligible credit line (`sc.elig`) in turn: `price` gives a line's raw amount
    /// and trace facts in the line's context, [`Self::finish`] does the rest. An error names
    /// the line's deal.
    fn pay_each_line<F>(
        &self,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
        mut price: F,
    ) -> R<()>
    where
        F: FnMut(&EligibleLine, &ExprContext, &mut PayeeOut) -> R<(PricingTrace, Decimal)>,
    {
        for k in 0..sc.elig.len() {
            let Some(e) = sc.elig.get(k).copied() else {
                continue;
            };
            let lcx = line_context(cx, &e);
            price(&e, &lcx, out)
                .and_then(|(pricing, raw)| {
                    self.finish(cc, sc, out, &lcx, PricedLine::deal(&e, pricing, raw))
                })
                .map_err(at_deal(e.deal))?;
        }
        Ok(())
    }

    /// Eligible credit lines (positions `range` of `lines`) of a line-level component, with
    /// their basis.
    fn collect(
        &self,
        comp: &CComp,
        lines: &PayeeLines,
        range: Range<usize>,
        cx: &ExprContext,
        sc: &mut Scratch,
    ) -> R<()> {
        sc.elig.clear();
        let basis_expr = match &comp.payout {
            CPayout::Commission { basis, .. } => Some(basis),
            CPayout::Fixed { .. } => None,
        };
        // The fast condition, when every column it reads is there for every line in range.
        let pred = comp
            .eligible_pred
            .as_ref()
            .filter(|p| self.fast && p.ready(cx.attrs, range.end));
        // The fast condition's answers for every line in range at once.
        let first = range.start;
        if let Some(p) = pred {
            p.fill(
                cx.attrs,
                range.clone(),
                &mut sc.tested,
                &mut sc.tested_spare,
            );
        }
        // A basis that is one credit field read straight from its gathered column.
        let basis_col = basis_expr
            .filter(|_| self.fast)
            .and_then(|b| fast::credit_column(b, cx.attrs, range.end));
        for pos in range {
            let (Some(&deal), Some(&date), Some(&share)) = (
                lines.deal.get(pos),
                lines.date.get(pos),
                lines.share.get(pos),
            ) else {
                continue;
            };
            if let Some(w) = &comp.window {
                if !w.contains(date) {
                    continue;
                }
            }
            // The line's context only when an expression needs it (the fast condition
            // reads the gathered columns by position).
            let lcx = || {
                cx.with_line(LineContext {
                    deal,
                    share,
                    pos: pos as u32,
                })
            };
            if let Some(e) = &comp.eligible {
                let fast = pred.and(sc.tested.get(pos - first).copied());
                let ok = match fast {
                    Some(ok) => ok,
                    None => eval_bool(e, &lcx(), comp.source).map_err(at_deal(deal))?,
                };
                if !ok {
                    continue;
                }
            }
            let basis = match (
                basis_col.and_then(|(v, s)| Some((*v.get(pos)?, s))),
                basis_expr,
            ) {
                (Some((x, s)), _) => credit_value(x, share, s).map_err(at_deal(deal))?,
                (_, Some(b)) => eval_dec(b, &lcx(), comp.source).map_err(at_deal(deal))?,
                (_, None) => Decimal::ZERO,
            };
            sc.elig.push(EligibleLine {
                pos: pos as u32,
                deal,
                share,
                basis,
            });
        }
        Ok(())
    }

    /// Runs one component over the lines in `range` (positions of `lines`); returns its
    /// payee-period total.
    #[allow(clippy::too_many_arguments)]
    fn component(
        &self,
        comp: &CComp,
        ci: u32,
        lines: &PayeeLines,
        range: Range<usize>,
        cx: &ExprContext,
        ver: &CVersion,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<Decimal> {
        let w0 = sc.work.len();
        let g0 = out.gates.len();
        let mut pass = true;
        for (gi, (g, src)) in comp.gates.iter().enumerate() {
            let b = eval_bool(g, cx, *src)?;
            pass &= b;
            if self.trace {
                out.gates.push(GateStep {
                    gate: gi as u32,
                    pass: b,
                    source: *src,
                });
            }
        }
        let cc = ComponentContext {
            comp,
            ci,
            pass,
            gates: part_range(g0, out.gates.len()),
            rounding: ver.rounding,
        };
        match &comp.payout {
            CPayout::Fixed {
                amount,
                unit: CUnit::Once,
            } => {
                let in_window = comp
                    .window
                    .is_none_or(|w| w.start <= cx.pc.end && w.end >= cx.pc.start);
                let ok = in_window
                    && match &comp.eligible {
                        Some(e) => eval_bool(e, cx, comp.source)?,
                        None => true,
                    };
                if ok {
                    let raw = eval_dec(amount, cx, comp.source)?;
                    self.finish(
                        &cc,
                        sc,
                        out,
                        cx,
                        PricedLine::period(PricingTrace::default(), raw),
                    )?;
                }
            }
            CPayout::Fixed { amount, unit } => {
                self.collect(comp, lines, range, cx, sc)?;
                self.pay_each_line(&cc, cx, sc, out, |e, lcx, _| {
                    let a = eval_dec(amount, lcx, comp.source)?;
                    let per = match unit {
                        CUnit::PerUnit(u) => mul(a, eval_dec(u, lcx, comp.source)?, comp.source)?,
                        _ => a,
                    };
                    Ok((PricingTrace::default(), mul(per, e.share, comp.source)?))
                })?;
            }
            CPayout::Commission { rate, .. } => {
                self.collect(comp, lines, range, cx, sc)?;
                match rate {
                    CRate::Expr(re) => self.pay_each_line(&cc, cx, sc, out, |e, lcx, _| {
                        let rate = eval_dec(re, lcx, comp.source)?;
                        let pricing = PricingTrace {
                            basis: Some(e.basis),
                            rate: Some(rate),
                            ..PricingTrace::default()
                        };
                        Ok((pricing, mul(e.basis, rate, comp.source)?))
                    })?,
                    CRate::Table(t) => {
                        let mut keyvals = std::mem::take(&mut sc.keyvals);
                        let res = self.table(t, &cc, cx, sc, out, &mut keyvals);
                        sc.keyvals = keyvals;
                        res?;
                    }
                    CRate::Tiers(t) => self.tiers(t, &cc, cx, sc, out)?,
                }
            }
        }
        // Component period limits.
        // Likewise for the component's period limits when a gate failed (§7.6).
        for l in comp.period_limits.iter().filter(|_| pass) {
            let value = eval_dec(&l.amount, cx, l.source)?;
            if l.is_cap {
                let (mut before_cum, mut paid_cum) = (Decimal::ZERO, Decimal::ZERO);
                // As in a cap over the plan's lines (`sequence_limit`).
                let mut paid_follows = false;
                for i in w0..sc.work.len() {
                    let Some(w) = sc.work.get_mut(i) else {
                        continue;
                    };
                    let before = w.line.amount;
                    let accrued = Accrued {
                        total: before_cum,
                        paid: paid_cum,
                    };
                    before_cum = add(before_cum, before, l.source)?;
                    let capped = exact::min(before_cum, value);
                    let after = keep_scale(sub(capped, paid_cum, l.source)?, before);
                    paid_cum = capped;
                    w.line.amount = after;
                    self.add_sequence_step(
                        sc,
                        i as u32,
                        LimitStep {
                            limit: l.id,
                            value,
                            before,
                            after,
                            accrued: Some(accrued),
                        },
                        paid_follows,
                    );
                    paid_follows = true;
                }
            } else if pass {
                let mut total = Decimal::ZERO;
                for w in sc.work.get(w0..).unwrap_or(&[]) {
                    total = add(total, w.line.amount, l.source)?;
                }
                if total < value {
                    let top = sub(value, total, l.source)?;
                    let mut tr = RawTrace::empty();
                    tr.unrounded = top;
                    tr.rounded = top;
                    tr.gates = cc.gates;
                    let i = self.push_period_line(sc, ci, comp.gid, LineKind::FloorTopUp, top, tr);
                    self.add_step(
                        sc,
                        i,
                        LimitStep {
                            limit: l.id,
                            value,
                            before: total,
                            after: value,
                            accrued: None,
                        },
                    );
                }
            }
        }
        let mut total = Decimal::ZERO;
        for w in sc.work.get(w0..).unwrap_or(&[]) {
            total = add(total, w.line.amount, comp.source).map_err(|f| self.at_line(&w.line, f))?;
        }
        if ver.rounding.stage == RoundingStage::Component {
            let r = round_by(ver.rounding, total, comp.source)?;
            let diff = sub(r, total, comp.source)?;
            if !diff.is_zero() {
                let mut tr = RawTrace::empty();
                tr.unrounded = total;
                tr.rounded = r;
                tr.rounding = Some(ver.rounding);
                self.push_period_line(sc, ci, comp.gid, LineKind::Rounding, diff, tr);
            }
            total = r;
        }
        Ok(total)
    }

    fn table(
        &self,
        t: &CTable,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
        keyvals: &mut Vec<Value>,
    ) -> R<()> {
        self.pay_each_line(cc, cx, sc, out, |e, lcx, _| {
            keyvals.clear();
            for key in &t.keys {
                keyvals.push(eval(key, lcx)?);
            }
            let hit = t.rows.iter().find(|row| {
                row.keys
                    .iter()
                    .zip(keyvals.iter())
                    .all(|(rk, v)| rk.as_ref().is_none_or(|rk| values_match(rk, v)))
            });
            let (row, pay) = match (hit, &t.default) {
                (Some(r), _) => (r.index, &r.pay),
                (None, Some(d)) => (u32::MAX, d),
                (None, None) => {
                    return Err(fault(
                        "R0201",
                        "no rate-table row matches and there is no default",
                        t.source,
                    ))
                }
            };
            let v = eval_dec(pay.expr(), lcx, t.source)?;
            let (raw, rate) = match pay {
                CPay::Rate(_) => (mul(e.basis, v, t.source)?, Some(v)),
                CPay::Flat(_) => (mul(v, e.share, t.source)?, None),
            };
            let pricing = PricingTrace {
                basis: Some(e.basis),
                rate,
                row: Some(row),
                ..PricingTrace::default()
            };
            Ok((pricing, raw))
        })
    }

    /// Fills `sc.bands` (bounds × denominator) and `sc.anchors`; resolves period-level pays.
    fn prepare_bands(
        &self,
        t: &CTiers,
        d: Option<Decimal>,
        cx: &ExprContext,
        sc: &mut Scratch,
    ) -> R<()> {
        let src = t.source;
        let scale = |x: Decimal| -> R<Decimal> {
            match d {
                Some(d) => mul(x, d, src),
                None => Ok(x),
            }
        };
        sc.bands.clear();
        for b in &t.bands {
            let rate = if t.line_pay {
                Decimal::ZERO
            } else {
                eval_dec(b.pay.expr(), cx, src)?
            };
            sc.bands.push(UBand {
                lo: scale(b.lo.value)?,
                lo_closed: b.lo.closed,
                hi: match b.hi {
                    Some(h) => Some(scale(h.value)?),
                    None => None,
                },
                hi_closed: b.hi.map(|h| h.closed).unwrap_or(false),
                rate,
                flat: b.pay.is_flat(),
                lo_key: 0,
                hi_key: 0,
            });
        }
        sc.band_scale = band_keys(&mut sc.bands);
        sc.anchors.clear();
        for (at, v) in &t.anchors {
            sc.anchors.push((scale(*at)?, *v));
        }
        Ok(())
    }

    fn line_pays(&self, t: &CTiers, lcx: &ExprContext, bands: &mut [UBand]) -> R<()> {
        if t.line_pay {
            for (b, cb) in bands.iter_mut().zip(&t.bands) {
                b.rate = eval_dec(cb.pay.expr(), lcx, t.source)?;
            }
        }
        Ok(())
    }

    fn period_key(
        &self,
        t: &CTiers,
        d: Option<Decimal>,
        cx: &ExprContext,
        sc: &Scratch,
    ) -> R<Decimal> {
        let src = t.source;
        match &t.key {
            CKey::Amount => {
                let mut s = Decimal::ZERO;
                for e in &sc.elig {
                    s = add(s, e.basis, src)?;
                }
                Ok(s)
            }
            CKey::Measure {
                numerator: Some(n),
                denominator: Some(_),
                ..
            } => eval_dec(n, cx, src),
            CKey::Measure { measure, .. } => {
                let m = want_dec(
                    cx.measures
                        .get(*measure as usize)
                        .copied()
                        .unwrap_or(Value::Absent),
                    src,
                )?;
                match d {
                    Some(d) => mul(m, d, src),
                    None => Ok(m),
                }
            }
        }
    }

    /// Pays a tier table: the key's denominator, the bands in basis units, then the function
    /// for the table's mode and scope.
    fn tiers(
        &self,
        t: &CTiers,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let src = t.source;
        let denominator = match &t.key {
            CKey::Measure {
                denominator: Some(e),
                ..
            } => {
                let v = eval_dec(e, cx, src)?;
                if v.is_zero() {
                    return Err(fault(
                        "R0101",
                        "division by zero: the tier denominator is 0",
                        src,
                    ));
                }
                if v.is_sign_negative() {
                    return Err(fault("R0105", "the tier denominator is negative", src));
                }
                Some(v)
            }
            _ => None,
        };
        self.prepare_bands(t, denominator, cx, sc)?;
        let mut bands = std::mem::take(&mut sc.bands);
        let table = TierBands {
            t,
            bands: &mut bands,
            key_scale: sc.band_scale,
            denominator,
        };
        let amount_key = matches!(t.key, CKey::Amount);
        let res = match (t.mode, t.scope) {
            (TierMode::Interpolated, TierScope::PerLine) if amount_key => {
                self.interpolated_per_deal(table, cc, cx, sc, out)
            }
            (TierMode::Interpolated, _) => self.interpolated_at_period_key(table, cc, cx, sc, out),
            (TierMode::Retroactive, TierScope::PeriodEnd) => {
                self.retroactive_at_period_end(table, cc, cx, sc, out)
            }
            (TierMode::Retroactive, TierScope::Running) => {
                self.retroactive_running(table, cc, cx, sc, out)
            }
            (TierMode::Retroactive, TierScope::PerLine) => {
                self.retroactive_per_deal(table, cc, cx, sc, out)
            }
            (TierMode::Graduated, TierScope::PeriodEnd) => {
                self.graduated_at_period_end(table, cc, cx, sc, out)
            }
            (TierMode::Graduated, TierScope::Running) => {
                self.graduated_running(table, cc, cx, sc, out)
            }
            (TierMode::Graduated, TierScope::PerLine) => {
                self.graduated_per_deal(table, cc, cx, sc, out)
            }
        };
        sc.bands = bands;
        res
    }

    /// Interpolated, per deal on the amount: each line pays the anchor value at its own basis
    /// (money, or a rate times the basis).
    fn interpolated_per_deal(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let t = table.t;
        let anchors = std::mem::take(&mut sc.anchors);
        let res = self.pay_each_line(cc, cx, sc, out, |e, _, out| {
            let v = interpolate(&anchors, e.basis, t.source)?;
            let curve = out.read_curve(self.trace, &anchors, e.basis);
            interpolated_line(t, e, v, curve)
        });
        sc.anchors = anchors;
        res
    }

    /// Interpolated on the period's key (a measure, or the period's amount): money anchors pay
    /// one period line, rate anchors pay each line the rate at that key times its basis.
    fn interpolated_at_period_key(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let t = table.t;
        let key = self.period_key(t, table.denominator, cx, sc)?;
        let anchors = std::mem::take(&mut sc.anchors);
        let res = if t.anchors_are_money {
            interpolate(&anchors, key, t.source).and_then(|v| {
                let pricing = PricingTrace {
                    basis: Some(key),
                    curve: out.read_curve(self.trace, &anchors, key),
                    ..PricingTrace::default()
                };
                self.finish(cc, sc, out, cx, PricedLine::period(pricing, v))
            })
        } else {
            self.pay_each_line(cc, cx, sc, out, |e, _, out| {
                let v = interpolate(&anchors, key, t.source)?;
                let curve = out.read_curve(self.trace, &anchors, key);
                interpolated_line(t, e, v, curve)
            })
        };
        sc.anchors = anchors;
        res
    }

    /// Retroactive at period end: the period's key picks one band. A flat band pays its amount
    /// once for the period; a rate band pays every line its rate times the line's basis.
    fn retroactive_at_period_end(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let src = t.source;
        let key = self.period_key(t, table.denominator, cx, sc)?;
        if t.integer_key {
            whole(key, src)?;
        }
        let b = band_of(bands, key);
        if bands.get(b).is_some_and(|x| x.flat) {
            let amount = match t.bands.get(b) {
                Some(cb) if t.line_pay => eval_dec(cb.pay.expr(), cx, src)?,
                _ => bands.get(b).map(|x| x.rate).unwrap_or_default(),
            };
            let pricing = PricingTrace {
                basis: Some(key),
                band: Some(b as u32),
                ..PricingTrace::default()
            };
            return self.finish(cc, sc, out, cx, PricedLine::period(pricing, amount));
        }
        self.pay_each_line(cc, cx, sc, out, |e, lcx, _| {
            self.line_pays(t, lcx, bands)?;
            let rate = bands.get(b).map(|x| x.rate).unwrap_or_default();
            let pricing = PricingTrace {
                basis: Some(e.basis),
                rate: Some(rate),
                band: Some(b as u32),
                ..PricingTrace::default()
            };
            Ok((pricing, mul(e.basis, rate, src)?))
        })
    }

    /// Retroactive running: each line pays at the band its period-to-date running total
    /// (itself included) reaches.
    fn retroactive_running(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let mut running = Decimal::ZERO;
        self.pay_each_line(cc, cx, sc, out, |e, lcx, _| {
            running = add(running, e.basis, t.source)?;
            self.retroactive_line(t, bands, e, lcx, running)
        })
    }

    /// Retroactive per deal: each line pays at the band of its own basis, or of the period's
    /// key when the key is a measure.
    fn retroactive_per_deal(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let period_key = match t.key {
            CKey::Amount => None,
            _ => Some(self.period_key(t, table.denominator, cx, sc)?),
        };
        self.pay_each_line(cc, cx, sc, out, |e, lcx, _| {
            self.retroactive_line(t, bands, e, lcx, period_key.unwrap_or(e.basis))
        })
    }

    /// One line of a retroactive table at key `x`: a flat band pays its amount times the
    /// line's share, a rate band its rate times the line's basis.
    fn retroactive_line(
        &self,
        t: &CTiers,
        bands: &mut [UBand],
        e: &EligibleLine,
        lcx: &ExprContext,
        x: Decimal,
    ) -> R<(PricingTrace, Decimal)> {
        let src = t.source;
        if t.integer_key {
            whole(x, src)?;
        }
        let b = band_of(bands, x);
        self.line_pays(t, lcx, bands)?;
        let band = bands.get(b).copied();
        let rate = band.map(|x| x.rate).unwrap_or_default();
        let (raw, shown) = if band.is_some_and(|x| x.flat) {
            (mul(rate, e.share, src)?, None)
        } else {
            (mul(e.basis, rate, src)?, Some(rate))
        };
        let pricing = PricingTrace {
            basis: Some(e.basis),
            rate: shown,
            band: Some(b as u32),
            ..PricingTrace::default()
        };
        Ok((pricing, raw))
    }

    /// Graduated at period end: the period's key is sliced once across the bands and paid as
    /// one period line.
    fn graduated_at_period_end(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let src = t.source;
        if t.line_pay {
            return Err(fault(
                "R0203",
                "period-end graduated tiers cannot read deal fields in their rates",
                src,
            ));
        }
        let key = self.period_key(t, table.denominator, cx, sc)?;
        let s0 = out.slices.len();
        let amount = graduated(
            bands,
            table.key_scale,
            Decimal::ZERO,
            key,
            t.integer_key,
            src,
            self.trace.then_some(&mut out.slices),
        )?;
        let pricing =
            PricingTrace::graduated(key, s0, &out.slices, !t.integer_key && key >= Decimal::ZERO);
        self.finish(cc, sc, out, cx, PricedLine::period(pricing, amount))
    }

    /// Graduated running: each line pays the slices of its step of the period-to-date running
    /// total, from the total before it to the total with it.
    fn graduated_running(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let (src, integer) = (t.source, t.integer_key);
        if self.fast && !integer && !t.line_pay {
            if let Some(ks) = table.key_scale {
                if fast::graduated_running(self, ks, cc, cx, sc, out, bands).is_some() {
                    return Ok(());
                }
            }
        }
        let mut running = Decimal::ZERO;
        self.pay_each_line(cc, cx, sc, out, |e, lcx, out| {
            self.line_pays(t, lcx, bands)?;
            let start = running;
            running = add(running, e.basis, src)?;
            let s0 = out.slices.len();
            let amount = graduated(
                bands,
                table.key_scale,
                start,
                running,
                integer,
                src,
                self.trace.then_some(&mut out.slices),
            )?;
            let pricing = PricingTrace::graduated(
                e.basis,
                s0,
                &out.slices,
                !integer && exact::le(start, running),
            );
            Ok((pricing, amount))
        })
    }

    /// Graduated per deal: each line pays the slices of its own basis, from 0.
    fn graduated_per_deal(
        &self,
        table: TierBands,
        cc: &ComponentContext,
        cx: &ExprContext,
        sc: &mut Scratch,
        out: &mut PayeeOut,
    ) -> R<()> {
        let TierBands { t, bands, .. } = table;
        let (src, integer, key_scale) = (t.source, t.integer_key, table.key_scale);
        // A table whose slices the trace can cut again from each line's basis gathers none:
        // 1,000 bands over 250,000 deals would hold 250 million.
        let cut = self.trace
            && self
                .plan
                .facts
                .get(cc.comp.gid as usize)
                .and_then(|f| f.per_deal.as_ref())
                .is_some_and(|(fb, fs)| *fs == key_scale && fb.as_slice() == &*bands);
        let gather = self.trace && !cut;
        let mut small = std::mem::take(&mut sc.small_bands);
        let small_key = match key_scale {
            Some(ks)
                if self.fast && !integer && !t.line_pay && fast::small_bands(bands, &mut small) =>
            {
                Some(ks)
            }
            _ => None,
        };
        let res = self.pay_each_line(cc, cx, sc, out, |e, lcx, out| {
            self.line_pays(t, lcx, bands)?;
            let s0 = out.slices.len();
            let amount = match small_key.and_then(|ks| {
                let trace = gather.then_some(&mut out.slices);
                fast::graduated_small(bands, &small, ks, Small::ZERO, Small::of(e.basis)?, trace)
            }) {
                Some((a, _)) => a.dec(),
                None => graduated(
                    bands,
                    key_scale,
                    Decimal::ZERO,
                    e.basis,
                    integer,
                    src,
                    gather.then_some(&mut out.slices),
                )?,
            };
            let mut pricing = PricingTrace::graduated(
                e.basis,
                s0,
                &out.slices,
                !integer && exact::le(Decimal::ZERO, e.basis),
            );
            pricing.slices_cut = cut;
            Ok((pricing, amount))
        });
        sc.small_bands = small;
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::RoundingMode;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
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

    /// Each trust check holds exactly when the reader's derivation gives the value bit for
    /// bit: an equal value at another scale is a wrong claim.
    #[test]
    fn trust_checks_hold_only_for_what_the_reader_derives() {
        let rule = Rounding {
            mode: RoundingMode::HalfEven,
            scale: 2,
            stage: RoundingStage::Line,
        };
        let mut t = RawTrace::empty();
        t.unrounded = d("10.125");
        t.rounding = Some(rule);
        t.rounded = d("10.12");
        assert!(trust::rounded_by_rule(&t));
        t.rounded = d("10.13");
        assert!(!trust::rounded_by_rule(&t));
        t.rounding = None;
        assert!(!trust::rounded_by_rule(&t));
        t.rounded = d("10.125");
        assert!(trust::rounded_by_rule(&t));
        t.rounded = d("10.1250");
        assert!(!trust::rounded_by_rule(&t));

        assert!(trust::slice_amounts_follow(&[
            slice("0", "100", "0.05", "5.00"),
            slice("100", "150", "0.07", "3.50"),
        ]));
        assert!(!trust::slice_amounts_follow(&[slice(
            "0", "100", "0.05", "5"
        )]));
        assert!(!trust::slice_amounts_follow(&[slice(
            "100", "0", "0.05", "5.00"
        )]));

        let mut out = PayeeOut::default();
        out.slices.push(slice("0", "100", "0.05", "5.00"));
        out.slices.push(slice("100", "150", "0.07", "3.50"));
        out.mults.push(MultiplierStep {
            factor: d("1.5"),
            source: SourceRef::default(),
        });
        let mut t = RawTrace::empty();
        t.pricing.slices = part_range(0, 2);
        t.multipliers = part_range(0, 1);
        // (5.00 + 3.50) × 1.5, at the scale the product has.
        t.unrounded = d("12.750");
        assert!(trust::unrounded_follows(&t, &out));
        t.unrounded = d("12.75");
        assert!(!trust::unrounded_follows(&t, &out));
        // No slice: no claim.
        t.pricing.slices = TracePartRange::default();
        assert!(trust::unrounded_follows(&t, &out));

        let accrued = |total: &str, paid: &str| Accrued {
            total: d(total),
            paid: d(paid),
        };
        assert!(trust::accrued_paid_follows(
            accrued("70.00", "70.00"),
            d("100")
        ));
        assert!(trust::accrued_paid_follows(
            accrued("120.00", "100"),
            d("100")
        ));
        // The cap's value at another scale, or another period's value: not what is derived.
        assert!(!trust::accrued_paid_follows(
            accrued("120.00", "100.00"),
            d("100")
        ));
        assert!(!trust::accrued_paid_follows(
            accrued("120.00", "90.00"),
            d("100")
        ));
    }
}
