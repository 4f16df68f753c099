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
//! # Team commission (two phases)
//! A measure `team|direct commission(c, ...)` reads what the named components paid the
//! payee's reports in the same period: their lines after rounding, line limits and the
//! components' own period limits (component rounding included), before plan-level limits.
//! The checker makes sure those components read no team commission, so evaluation runs in
//! two phases, each parallel over payees: phase 1 runs only the counted components of every
//! payee and records their payee-period amounts; phase 2 is the full evaluation, in which
//! team commission sums the recorded amounts of the reports as of the period's last day.
//! Lines of a component that reads team commission trace it ([`crate::results::TeamInput`]).
//!
//! # Hierarchy
//! Without an assignments table, `payees.manager` is the hierarchy on every day. With one
//! ([`crate::dataset::Assignment`]), a credit line counts for a manager's `direct`/`team`
//! aggregate when its payee reports to the manager (directly, or at any depth) on the deal's
//! credit date; team commission uses the hierarchy of the period's last day.

pub(crate) mod compiled;
mod expr;
mod fast;
mod index;
mod run;
pub mod tiers;

use crate::dataset::Dataset;
use crate::period::{Date, Period};
use crate::plan::{Plan, SourceRef};
use crate::results::{EvalError, IdTable, Results};
use index::LinesByPayee;
use run::{Engine, PayeeFail, PayeeOut, Slot, Workspace};
use rust_decimal::Decimal;

/// Payees evaluated per batch. Each batch's outputs are appended to the results (and freed)
/// while the next batch runs, so the results are never held twice and the same memory is
/// reused batch after batch, rather than every payee's output living until one final copy.
/// 32 keeps that memory small (12 MB less than 128 at W1 1M) and both cores busy.
const BATCH: usize = 32;

/// Workspaces not lent out (see [`Spare::lease`]).
#[cfg(feature = "parallel")]
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<Workspace>>);

#[cfg(feature = "parallel")]
impl Spare {
    /// A workspace from the spares (a new one when there is none), given back when the lease
    /// is dropped.
    fn lease(&self) -> Lease<'_> {
        let ws = self
            .0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default();
        Lease { ws, spare: self }
    }
}

/// A workspace lent by [`Spare::lease`].
#[cfg(feature = "parallel")]
struct Lease<'s> {
    ws: Workspace,
    spare: &'s Spare,
}

#[cfg(feature = "parallel")]
impl std::ops::Deref for Lease<'_> {
    type Target = Workspace;
    fn deref(&self) -> &Workspace {
        &self.ws
    }
}

#[cfg(feature = "parallel")]
impl std::ops::DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }
}

#[cfg(feature = "parallel")]
impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Ok(mut v) = self.spare.0.lock() {
            v.push(std::mem::take(&mut self.ws));
        }
    }
}

/// Appends one batch of payee outputs to `res`, rebasing trace offsets. Returns the first
/// failure in payee order (with its position in the batch).
fn append_batch(
    res: &mut Results,
    outs: Vec<Result<PayeeOut, PayeeFail>>,
) -> Result<(), (usize, PayeeFail)> {
    for (k, o) in outs.into_iter().enumerate() {
        let out = o.map_err(|f| (k, f))?;
        let base = res.traces.len() as u64;
        res.lines.append(&out.lines, base);
        res.traces.extend_from_slice(&out.traces);
        res.totals.extend_from_slice(&out.totals);
        res.component_totals.extend_from_slice(&out.comp_totals);
    }
    Ok(())
}

/// Options of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Record tier slices, multipliers, gates and limit steps (default true). Without it,
    /// trace spans are empty; amounts are identical.
    pub trace: bool,
    /// Evaluate common component shapes with specialised kernels on machine-word decimals
    /// (default true). They give exactly what the general evaluator gives, bit for bit, and
    /// hand anything they cannot hold exactly back to it; false runs the general evaluator
    /// alone, to compare or to rule them out.
    pub fast_paths: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            trace: true,
            fast_paths: true,
        }
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
    evaluate_assigned(plan, data, first, last, opts, None)
}

/// Each payee row's place in the documented payee order (`u32::MAX` for none; empty without
/// data).
pub(crate) fn payee_rank(data: Option<&Dataset>) -> Vec<u32> {
    let Some(data) = data else {
        return Vec::new();
    };
    let mut rank = vec![u32::MAX; data.payees.id.len()];
    for (i, &p) in index::payee_order(data).iter().enumerate() {
        if let Some(r) = rank.get_mut(p as usize) {
            *r = i as u32;
        }
    }
    rank
}

/// [`evaluate_with`] as one plan of a program: `assigned` says which payees the plan pays on
/// which days ([`crate::program`]); `None` pays every payee on every day.
#[allow(clippy::result_large_err)]
pub(crate) fn evaluate_assigned(
    plan: &Plan,
    data: &Dataset,
    first: Period,
    last: Period,
    opts: &EvalOptions,
    assigned: Option<&crate::assigned::PlanWindows>,
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
    // What a stored line can carry (crate::lines): far beyond any real plan or dataset.
    if compiled.components.len() > crate::lines::MAX_COMPONENT as usize + 1 {
        return Err(err0("R0002", "the plan has more than 65,535 components"));
    }
    if data.deals.id.len() >= u32::MAX as usize {
        return Err(err0("R0001", "the dataset has 4,294,967,295 deals or more"));
    }

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
            index: slots.len() as u32,
        });
        per = per.next();
    }

    let mut lines: LinesByPayee = index::build_lines(data, |d: Date| {
        plan.versions.iter().any(|v| v.effective.contains(d))
    });
    lines.used = compiled::deal_attrs_used(&compiled, data.deals.attrs.len());
    if compiled::reads_report_lines(&compiled) {
        lines.gather_all(data);
    }
    let order = index::payee_order(data);
    let hierarchy = if compiled.versions.iter().any(|v| v.uses_hierarchy) {
        let mut rank = vec![u32::MAX; data.payees.id.len()];
        for (i, &p) in order.iter().enumerate() {
            if let Some(r) = rank.get_mut(p as usize) {
                *r = i as u32;
            }
        }
        index::hierarchy(data, rank)
    } else {
        Default::default()
    };
    let quotas = index::quotas_by_payee(data);
    let seq_of = move |d: Date| {
        let p = Period::containing(d, grain, fsm);
        i64::from(p.fiscal_year) * per_year + i64::from(p.index) - 1
    };
    let fail_of = |k: usize, PayeeFail { fault, period }: PayeeFail| {
        let mut e = to_err(fault);
        let p = order.get(k).copied().unwrap_or(0);
        e.payee = Some(
            data.texts
                .resolve(data.payees.id.get(p as usize).copied().unwrap_or(0))
                .to_string(),
        );
        e.period = period.map(|p| p.label());
        e
    };

    // Scratch lent to each rayon job and given back when it ends, so that it is reused by
    // the payees of later jobs too (rayon makes a job per split of a batch, not per thread).
    #[cfg(feature = "parallel")]
    let spare = Spare::default();

    // Phase 1 (only when some measure is team commission): every payee's counted components,
    // whose amounts team commission reads in phase 2. Payees stay independent in each phase.
    let n_counted = compiled.counted.len();
    let mut team_pay: Vec<Vec<Decimal>> = Vec::new();
    if n_counted > 0 {
        let first = Engine {
            data,
            plan: &compiled,
            lines: &lines,
            direct: &hierarchy.direct,
            team: &hierarchy,
            phase1: true,
            team_pay: &[],
            n_counted,
            quotas: &quotas,
            slots: &slots,
            trace: false,
            fast: opts.fast_paths,
            seq_of: &seq_of,
            assigned,
        };
        #[cfg(feature = "parallel")]
        let outs: Vec<Result<PayeeOut, PayeeFail>> = {
            use rayon::prelude::*;
            order
                .par_iter()
                .map_init(|| spare.lease(), |ws, &p| first.run_payee(p, ws))
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let outs: Vec<Result<PayeeOut, PayeeFail>> = {
            let mut ws = Workspace::default();
            order.iter().map(|&p| first.run_payee(p, &mut ws)).collect()
        };
        team_pay = vec![Vec::new(); data.payees.id.len()];
        for (k, o) in outs.into_iter().enumerate() {
            match o {
                Ok(out) => {
                    let p = order.get(k).copied().unwrap_or(0);
                    if let Some(slot) = team_pay.get_mut(p as usize) {
                        *slot = out.counted;
                    }
                }
                Err(f) => return Err(fail_of(k, f)),
            }
        }
    }

    let engine = Engine {
        data,
        plan: &compiled,
        lines: &lines,
        direct: &hierarchy.direct,
        team: &hierarchy,
        phase1: false,
        team_pay: &team_pay,
        n_counted,
        quotas: &quotas,
        slots: &slots,
        trace: opts.trace,
        fast: opts.fast_paths,
        seq_of: &seq_of,
        assigned,
    };

    let mut res = Results {
        periods: reported,
        components: compiled.components.clone(),
        limits: compiled.limits.clone(),
        facts: compiled.facts.clone(),
        plan_limit_rules: crate::replay::plan_limit_rules(&compiled),
        payee_ids: data
            .payees
            .id
            .iter()
            .map(|&s| data.texts.resolve(s).to_string())
            .collect(),
        ..Results::default()
    };
    // Room for every line the evaluation is likely to produce, so appending never copies what
    // is already there. On 64-bit targets capacity never written costs address space, not
    // memory, and it is given back below; elsewhere (wasm32) it would be real, so the vectors
    // grow as needed.
    #[cfg(target_pointer_width = "64")]
    {
        let comps = compiled
            .versions
            .iter()
            .map(|v| v.comps.len())
            .max()
            .unwrap_or(0);
        let likely = lines
            .len()
            .saturating_mul(comps)
            .saturating_add(order.len() * res.periods.len() * (comps + 2));
        // `try_reserve`: where the system refuses that much address space, the vectors simply
        // grow as needed instead.
        let _ = res.lines.try_reserve(likely);
        if opts.trace {
            let _ = res.traces.try_reserve(likely.saturating_mul(64));
        }
    }
    // Batches in payee order, each appended in payee order: the first error in payee order
    // wins (deterministic), and the results do not depend on the number of threads.
    // Each payee's lines are gathered into scratch reused by the payees after it on the same
    // worker (rayon's `map_init`), so only the payees in flight hold gathered columns.
    let run_batch = |batch: &[u32]| -> Vec<Result<PayeeOut, PayeeFail>> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            batch
                .par_iter()
                .map_init(|| spare.lease(), |ws, &p| engine.run_payee(p, ws))
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut ws = Workspace::default();
            batch
                .iter()
                .map(|&p| engine.run_payee(p, &mut ws))
                .collect()
        }
    };
    let fail = |batch_start: usize, (k, f): (usize, PayeeFail)| fail_of(batch_start + k, f);
    let mut pending: Option<(usize, Vec<Result<PayeeOut, PayeeFail>>)> = None;
    for (i, batch) in order.chunks(BATCH).enumerate() {
        // Append the previous batch while this one runs.
        let append = |res: &mut Results, pending: Option<(usize, Vec<_>)>| match pending {
            Some((start, outs)) => append_batch(res, outs).map_err(|f| fail(start, f)),
            None => Ok(()),
        };
        #[cfg(feature = "parallel")]
        let (appended, outs) = {
            let prev = pending.take();
            let res = &mut res;
            rayon::join(move || append(res, prev), || run_batch(batch))
        };
        #[cfg(not(feature = "parallel"))]
        let (appended, outs) = (append(&mut res, pending.take()), run_batch(batch));
        appended?;
        pending = Some((i * BATCH, outs));
    }
    if let Some((start, outs)) = pending {
        append_batch(&mut res, outs).map_err(|f| fail(start, f))?;
    }
    #[cfg(target_pointer_width = "64")]
    {
        res.lines.shrink_to_fit();
        res.traces.shrink_to_fit();
    }
    res.deal_ids = IdTable::new(data.texts.shared_text(), data.deals.id.clone());
    if let Some(a) = assigned {
        res.assignments = a.infos.clone();
    }
    // The grand total (`Results::grand_total`) of what was produced must be a decimal too.
    if res
        .totals
        .iter()
        .try_fold(Decimal::ZERO, |a, t| a.checked_add(t.amount))
        .is_none()
    {
        return Err(err0(
            "R0102",
            "arithmetic overflow: the payees' totals add up to more than a decimal holds",
        ));
    }
    Ok(res)
}
