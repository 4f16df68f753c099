//! The evaluator: `evaluate(plan, dataset, first, last)` → [`Results`].
//!
//! Evaluation is a pure, deterministic function of its inputs: no clock, no I/O, no floating
//! point. Payees are independent; with the `parallel` feature they are evaluated on rayon's
//! pool, and results are identical to the sequential run (payees are merged in id order).
//!
//! # Periods and versions
//! * The evaluated calendar is that of `first` (`first` and `last` must share grain and fiscal
//!   start, `first ≤ last`; else `R0001`). Every plan version in force in the run must use the
//!   same calendar (else `R0002`).
//! * Every period from the start of the fiscal year containing `first` through `last` is
//!   evaluated, so year-to-date measures, true-ups and plan-total caps have their history;
//!   only periods in `[first, last]` produce lines and totals.
//! * A period is evaluated under the version in force on its **first day**; a period under no
//!   version produces nothing. Credit lines of deals dated outside every version's effective
//!   range are dropped before anything else (they count in no measure and are not paid).
//!
//! # Credit lines and order
//! A payee's lines in a period are its credits whose deal date lies in the period, ordered by
//! deal date, then deal id. Ids made only of ASCII digits compare numerically (ties such as
//! `007`/`7` bytewise), other ids bytewise, and all-digit ids sort before other ids (this
//! makes the order total). Payees are output in the same id order.
//!
//! # Expressions
//! Values are decimals, booleans, text, dates or *absent* (a payee without start or end
//! date). `credit.x` = deal attribute × credit share, exact. Arithmetic is checked: division
//! by zero is `R0101`, overflow `R0102`. Arithmetic with an absent operand is absent; a
//! comparison with an absent operand is false (`!=` true; absent = absent is true); `and`,
//! `or`, conditions, filters and gates treat absent as false; an absent number where an
//! amount is needed is `R0103`. Text and booleans compare only with `=`/`!=` (`R0104`). A date
//! plus/minus a whole number of days is a date; date differences use `days(a, b)`.
//! `quota` is the sum of the payee's quota rows for the period (0 when none). `tenure` is 1
//! in the period containing the payee's start (the first evaluated period when there is no
//! start) and grows by 1 per period (it is ≤ 0 before the start). `prorate(x)` =
//! x × active days / period days, multiplied before dividing; active days are the days of the
//! period between the payee's start and end; under 30/360 both counts use the US 30/360 rule
//! from the first day to the day after the last. `ramp(x)` = x × ramp\[tenure − 1\] (the last
//! factor repeats, tenure below 1 uses the first factor, an empty ramp is 1).
//! Inexact steps: a division whose quotient does not terminate within 28 significant digits,
//! and a product needing more than 28 fractional digits, are rounded by the decimal type;
//! W1-style plans never hit either.
//!
//! # Measures
//! Computed per payee-period in plan order; only measures some component or limit reads
//! (transitively) are computed. Aggregates run over credit lines: window `period` (this
//! period), `year_to_date` (fiscal-year start through this period's end), `year` (the whole
//! fiscal year, including later periods). Population `own`, `direct` (payees whose manager is
//! this payee) or `team` (all direct and indirect reports; cycles are cut). Inside an
//! aggregate, `credit.*`/`deal.*` read the aggregated line and `payee.*` the payee the measure
//! is computed for. `sum`/`avg`/`min`/`max` of no lines are 0; `avg` is the exact quotient;
//! an aggregate without argument counts each line as 1.
//!
//! # Components
//! Components run in plan order. A line-level component pays one line per *eligible* credit
//! line (deal date inside `window` and `eligible` true); lines of a period are taken in line
//! order.
//! * `Rate::Expr`: basis × rate. `Rate::Table`: the matching row that is most specific wins,
//!   comparing rows from the last key to the first (a concrete value beats `_`); equally
//!   specific rows: the first in the plan. `Rate` pays basis × rate; `Flat` pays the amount
//!   × credit share. No match: the default, else `R0201`.
//! * Tiers (bands converted to basis units by multiplying bounds by the denominator when the
//!   key is a measure with a denominator; a zero denominator is `R0101`): see [`tiers`] for
//!   membership and slicing. Running scope: the line covers `[C, C + basis)` of the
//!   component's running eligible basis (graduated: each overlap at its band's rate;
//!   retroactive: the whole line at the rate of the band containing `C + basis`, the running
//!   total after the line). A running tier's bounds are in basis units (× denominator), its
//!   measure is not read. Per-line scope: key = the line's basis (with a measure key:
//!   retroactive uses the measure's period value; graduated per line needs the amount key,
//!   `R0203`). Period-end scope: key = total eligible basis (amount) or the measure's value
//!   in basis units — when the measure is written `n / d` and `d` is the denominator, `n` is
//!   used directly so the key is exact; retroactive pays every line basis × the rate of the
//!   band holding the key (a flat band pays once, as a period line); graduated pays one
//!   period line Σ rate × |[0, key) ∩ band|. Interpolated: linear between anchors (bounds ×
//!   denominator), clamped outside; money anchors pay one period line (per-line scope: one
//!   amount per line), rate anchors pay basis × rate (key: the line's basis for per-line scope,
//!   else the period key). Integer keys count whole units (P22). Flat amounts: retroactive
//!   per-line/running pays flat × share per line; graduated pays each entered band's flat as
//!   written.
//! * `Fixed`: per deal amount × share; per unit amount × units × share; `once` pays one
//!   period line when `eligible` (evaluated at period level) holds and the period overlaps
//!   `window`.
//! * Multipliers whose `when` holds multiply the raw amount, exactly, in order.
//! * Gates are evaluated per payee-period; if one fails, every line of the component is still
//!   emitted with amount 0 (trace: `unrounded` keeps the would-be value, `rounded` 0, the
//!   failed gate listed) and none of the component's caps and floors apply.
//! * Rounding: stage `line` rounds each line right after multipliers (before limits). Stage
//!   `component` keeps lines exact and adds one `rounding` line per component and
//!   payee-period with the difference (after the component's limits, before plan limits).
//!   Stage `payout` adds one plan-level `rounding` line per payee-period after plan limits.
//! * True-up components run over the fiscal year to date as if it were one period; the period
//!   pays that result minus the component's totals of the earlier periods of the fiscal year
//!   (component-level totals, before plan-level limits). Output: the current period's deal
//!   lines of the year-to-date run plus one `true_up` line making the lines add up.
//!
//! # Limits
//! In this order: line caps/floors (each line: min/max with the limit evaluated on the line);
//! component period caps/floors; plan `total per period`; plan `total over the plan`. A cap
//! over a sequence of lines is allocated in order: with `L_i` the cumulative amount before
//! the cap and `P_{i−1}` what earlier lines were paid, `paid_i = min(L_i, cap) − P_{i−1}`
//! (the crossing line is cut, later lines pay 0.00 and are still output; negative lines work
//! too). Plan-level sequences are all lines of the payee-period ordered by (deal date, deal
//! id, component index), period-level lines after deal lines in component order. A floor
//! that is not reached adds a `floor_top_up` line for the difference (component floors:
//! component line; plan floors: plan line). `total over the plan` carries its cumulative
//! amounts from period to period within one version (from the first evaluated period) and
//! applies a floor only in the period containing the version's last effective day.
//!
//! # Not in the IR yet
//! Team commission (an override computed on reports' commission rather than their credit).

mod compiled;
mod expr;
mod index;
mod run;
pub mod tiers;

use crate::dataset::Dataset;
use crate::period::{Date, Period};
use crate::plan::{Plan, SourceRef};
use crate::results::{
    EvalError, GateStep, IdTable, LimitStep, Line, LineKind, MultiplierStep, Results, Slice, Span,
    Trace,
};
use index::LineIndex;
use run::{Engine, PayeeFail, PayeeOut, Slot};
use rust_decimal::Decimal;

/// Concatenates one vector of every payee output (`starts` = prefix sums of their lengths),
/// mapping each element with `f(payee index, element)`.
fn concat<T: Sync, U: Send + Sync + Copy>(
    outs: &[PayeeOut],
    starts: &[usize],
    part: impl Fn(&PayeeOut) -> &Vec<T> + Sync,
    fallback: U,
    f: impl Fn(usize, &T) -> U + Sync + Send,
) -> Vec<U> {
    let total = starts.last().copied().unwrap_or(0);
    // Every index is in range by construction; `fallback` only satisfies the type.
    let at = |i: usize| -> U {
        let k = starts.partition_point(|&s| s <= i).saturating_sub(1);
        let first = starts.get(k).copied().unwrap_or(0);
        match outs.get(k).and_then(|o| part(o).get(i - first)) {
            Some(x) => f(k, x),
            None => fallback,
        }
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..total)
            .into_par_iter()
            .with_min_len(1 << 12)
            .map(at)
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..total).map(at).collect()
    }
}

/// Frees one vector of every payee output once it is copied (keeps the peak memory of the
/// concatenation near one copy of the results).
fn free_parts<T: Send>(
    outs: &mut [PayeeOut],
    part: impl Fn(&mut PayeeOut) -> &mut Vec<T> + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        outs.par_iter_mut()
            .for_each(|o| drop(std::mem::take(part(o))));
    }
    #[cfg(not(feature = "parallel"))]
    outs.iter_mut().for_each(|o| drop(std::mem::take(part(o))));
}

/// Drops the payee outputs (on the pool with the `parallel` feature: freeing a few hundred
/// megabytes is not free).
fn drop_outs(outs: Vec<PayeeOut>) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        outs.into_par_iter().for_each(drop);
    }
    #[cfg(not(feature = "parallel"))]
    drop(outs);
}

/// The deal id table (built in chunks on the pool with the `parallel` feature).
fn deal_id_table(data: &Dataset) -> IdTable {
    let chunk = |syms: &[u32]| {
        let bytes: usize = syms.iter().map(|&s| data.texts.resolve(s).len()).sum();
        let mut t = IdTable::with_capacity(syms.len(), bytes);
        for &s in syms {
            t.push(data.texts.resolve(s));
        }
        t
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let parts: Vec<IdTable> = data.deals.id.par_chunks(1 << 16).map(chunk).collect();
        let bytes: usize = parts.iter().map(|p| p.byte_len()).sum();
        let mut ids = IdTable::with_capacity(data.deals.id.len(), bytes);
        for p in &parts {
            ids.append(p);
        }
        ids
    }
    #[cfg(not(feature = "parallel"))]
    chunk(&data.deals.id)
}

/// Options of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Record tier slices, multipliers, gates and limit steps (default true). Without it,
    /// trace spans are empty; amounts are identical.
    pub trace: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { trace: true }
    }
}

/// Most periods one evaluation may cover (history included).
pub const MAX_PERIODS: usize = 12 * 400;

/// Evaluates `plan` over `data` for the periods `first..=last` (with tracing).
#[allow(clippy::result_large_err)]
pub fn evaluate(
    plan: &Plan,
    data: &Dataset,
    first: Period,
    last: Period,
) -> Result<Results, EvalError> {
    evaluate_with(plan, data, first, last, &EvalOptions::default())
}

fn err0(code: &str, msg: &str) -> EvalError {
    EvalError::new(code, msg, SourceRef::default())
}

/// Evaluates with explicit options.
#[allow(clippy::result_large_err)]
pub fn evaluate_with(
    plan: &Plan,
    data: &Dataset,
    first: Period,
    last: Period,
    opts: &EvalOptions,
) -> Result<Results, EvalError> {
    let to_err = |f: Box<expr::Fault>| EvalError {
        code: f.code.to_string(),
        message: f.message,
        source: f.source,
        payee: None,
        deal: f.deal.map(|d| {
            data.texts
                .resolve(data.deals.id.get(d as usize).copied().unwrap_or(0))
                .to_string()
        }),
        period: None,
    };
    index::validate(data).map_err(to_err)?;
    if first.grain != last.grain || first.fiscal_start_month != last.fiscal_start_month {
        return Err(err0(
            "R0001",
            "first and last period have different calendars",
        ));
    }
    if last < first {
        return Err(err0("R0001", "the period range ends before it starts"));
    }
    if plan.versions.is_empty() {
        return Err(err0("R0002", "the plan has no versions"));
    }
    for w in plan.versions.windows(2) {
        if let [a, b] = w {
            if b.effective.start <= a.effective.end {
                return Err(err0(
                    "R0002",
                    "plan versions must be sorted and must not overlap",
                ));
            }
        }
    }
    let compiled = compiled::compile(plan, data).map_err(to_err)?;

    // Periods.
    let grain = first.grain;
    let fsm = first.fiscal_start_month;
    let per_year = i64::from(12 / grain.months());
    let seq = |p: &Period| i64::from(p.fiscal_year) * per_year + i64::from(p.index) - 1;
    let mut slots: Vec<Slot> = Vec::new();
    let mut reported: Vec<Period> = Vec::new();
    let mut per = first.first_of_year();
    while per <= last {
        if slots.len() >= MAX_PERIODS {
            return Err(err0("R0001", "too many periods in one evaluation"));
        }
        let r = per.range();
        let version = plan
            .versions
            .iter()
            .position(|v| v.effective.contains(r.start));
        if let Some(v) = version.and_then(|i| plan.versions.get(i)) {
            if v.calendar.grain != grain || v.calendar.fiscal_year_start_month != fsm {
                return Err(err0(
                    "R0002",
                    "a plan version's calendar differs from the evaluated periods'",
                ));
            }
        }
        let last_of_version = version
            .and_then(|i| plan.versions.get(i))
            .map(|v| r.contains(v.effective.end))
            .unwrap_or(false);
        let fy_first = per.first_of_year();
        let fy_last = Period {
            index: 12 / grain.months(),
            ..per
        };
        let report = if per >= first {
            reported.push(per);
            Some(reported.len() as u32 - 1)
        } else {
            None
        };
        slots.push(Slot {
            period: per,
            start: r.start,
            end: r.end,
            fy_start: fy_first.range().start,
            fy_end: fy_last.range().end,
            version: version.map(|v| v as u32),
            report,
            last_of_version,
            seq: seq(&per),
        });
        per = per.next();
    }

    let mut lines: LineIndex = index::build_lines(data, |d: Date| {
        plan.versions.iter().any(|v| v.effective.contains(d))
    });
    lines.gather_attrs(
        data,
        &compiled::deal_attrs_used(&compiled, data.deals.attrs.len()),
    );
    let (direct, team) = if compiled.versions.iter().any(|v| v.uses_hierarchy) {
        index::hierarchy(data)
    } else {
        Default::default()
    };
    let quotas = index::quotas_by_payee(data);
    let seq_of = move |d: Date| {
        let p = Period::containing(d, grain, fsm);
        i64::from(p.fiscal_year) * per_year + i64::from(p.index) - 1
    };
    let engine = Engine {
        data,
        plan: &compiled,
        lines: &lines,
        direct: &direct,
        team: &team,
        quotas: &quotas,
        slots: &slots,
        trace: opts.trace,
        seq_of: &seq_of,
    };
    let order = index::payee_order(data);

    #[cfg(feature = "parallel")]
    let outs: Vec<Result<PayeeOut, PayeeFail>> = {
        use rayon::prelude::*;
        order.par_iter().map(|&p| engine.run_payee(p)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let outs: Vec<Result<PayeeOut, PayeeFail>> =
        order.iter().map(|&p| engine.run_payee(p)).collect();

    // Assemble, in payee order; the first error in payee order wins (deterministic).
    let mut res = Results {
        periods: reported,
        components: compiled.components.clone(),
        limits: compiled.limits.clone(),
        payee_ids: data
            .payees
            .id
            .iter()
            .map(|&s| data.texts.resolve(s).to_string())
            .collect(),
        ..Results::default()
    };
    let mut ok: Vec<PayeeOut> = Vec::with_capacity(outs.len());
    for (k, o) in outs.into_iter().enumerate() {
        match o {
            Ok(out) => ok.push(out),
            Err(PayeeFail { fault, period }) => {
                let mut e = to_err(fault);
                let p = order.get(k).copied().unwrap_or(0);
                e.payee = Some(
                    data.texts
                        .resolve(data.payees.id.get(p as usize).copied().unwrap_or(0))
                        .to_string(),
                );
                e.period = period.map(|p| p.label());
                return Err(e);
            }
        }
    }
    // Concatenate the payees' outputs, rebasing trace spans (in parallel: copying a million
    // lines is memory-bound and would otherwise be a sequential tail of the evaluation).
    let lens = |f: fn(&PayeeOut) -> usize| -> Vec<usize> {
        let mut starts = Vec::with_capacity(ok.len() + 1);
        let mut acc = 0usize;
        starts.push(0);
        for o in &ok {
            acc += f(o);
            starts.push(acc);
        }
        starts
    };
    let ls = lens(|o| o.lines.len());
    let ss = lens(|o| o.slices.len());
    let ms = lens(|o| o.mults.len());
    let gs = lens(|o| o.gates.len());
    let st = lens(|o| o.steps.len());
    let base = |starts: &[usize], k: usize| starts.get(k).copied().unwrap_or(0) as u32;
    let rebase = |s: Span, b: u32| Span {
        start: s.start + b,
        len: s.len,
    };
    let no_line = Line {
        payee: 0,
        period: 0,
        component: 0,
        deal: None,
        kind: LineKind::Deal,
        share: Decimal::ZERO,
        amount: Decimal::ZERO,
        trace: Trace::empty(),
    };
    let zero = Decimal::ZERO;
    let src = SourceRef::default();
    res.lines = concat(
        &ok,
        &ls,
        |o| &o.lines,
        no_line,
        |k, l: &Line| {
            let mut l = *l;
            l.trace.slices = rebase(l.trace.slices, base(&ss, k));
            l.trace.multipliers = rebase(l.trace.multipliers, base(&ms, k));
            l.trace.gates = rebase(l.trace.gates, base(&gs, k));
            l.trace.limits = rebase(l.trace.limits, base(&st, k));
            l
        },
    );
    free_parts(&mut ok, |o| &mut o.lines);
    let no_slice = Slice {
        band: 0,
        lo: zero,
        hi: zero,
        rate: zero,
        flat: false,
        amount: zero,
    };
    res.slices = concat(&ok, &ss, |o| &o.slices, no_slice, |_, x| *x);
    free_parts(&mut ok, |o| &mut o.slices);
    let no_mult = MultiplierStep {
        factor: zero,
        source: src,
    };
    res.multipliers = concat(&ok, &ms, |o| &o.mults, no_mult, |_, x| *x);
    free_parts(&mut ok, |o| &mut o.mults);
    res.gates = concat(
        &ok,
        &gs,
        |o| &o.gates,
        GateStep {
            gate: 0,
            pass: false,
            source: src,
        },
        |_, x| *x,
    );
    let no_step = LimitStep {
        limit: 0,
        value: zero,
        before: zero,
        after: zero,
    };
    res.limit_steps = concat(&ok, &st, |o| &o.steps, no_step, |_, x| *x);
    free_parts(&mut ok, |o| &mut o.steps);
    for out in &ok {
        res.totals.extend_from_slice(&out.totals);
        res.component_totals.extend_from_slice(&out.comp_totals);
    }
    drop_outs(ok);
    res.deal_ids = deal_id_table(data);
    Ok(res)
}
