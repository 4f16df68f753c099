//! Programs: several plans evaluated together over one dataset, an `assignments` table
//! deciding which plan pays which payee on which days.
//!
//! Each plan of a program is evaluated as on its own, over the same input tables, with two
//! differences for a payee who is not on the plan for the whole of a period:
//!
//! - a period in which the payee is on the plan on no day is not evaluated for them by it (no
//!   lines, no total);
//! - under [`SplitRule::CreditDates`] the plan sees only the payee's own credit lines dated on
//!   days the payee is on it (team aggregates still read every report's lines, whatever plan
//!   the report is on);
//! - the plan pays the payee a share of what it would pay for the whole period
//!   ([`AssignmentShare`]): the days on the plan (each at its assignment's weight) over the
//!   period's days ([`SplitRule::Days`]), or the assignments' average weight over the days on
//!   the plan ([`SplitRule::CreditDates`]). When the share is below 1 an `assignment` line
//!   brings the payee-period to `rounding(full × share)`, rounded with the plan's rule, and
//!   its trace names the assignments.
//!
//! [`ProgramResults`] holds each plan's [`Results`] and the program's totals per payee and
//! period (the plans' totals added exactly).
//!
//! [`AssignmentShare`]: crate::results::AssignmentShare

use crate::assigned::PlanWindows;
pub use crate::assigned::SplitRule;
use crate::dataset::Dataset;
use crate::eval::EvalOptions;
use crate::load::PlanAssignment;
use crate::period::Period;
use crate::plan::Plan;
use crate::render::json::PlanResultsSer;
use crate::results::{EvalError, Results};
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// One plan of a program, ready to evaluate: its name (the one the `assignments` table uses),
/// the typed plan, and the dataset built for it from the program's tables.
#[derive(Debug, Clone, Copy)]
pub struct ProgramPlan<'a> {
    /// The plan's name, as written in `plan "…"`.
    pub name: &'a str,
    /// The typed plan.
    pub plan: &'a Plan,
    /// The input tables, checked against this plan's schema.
    pub data: &'a Dataset,
}

/// One plan's results within a program.
#[derive(Debug, Clone)]
pub struct PlanResults {
    /// The plan's name.
    pub name: String,
    /// What the plan pays, with traces; its assignment lines name
    /// [`Results::assignments`].
    pub results: Results,
}

/// A payee's total for one period over every plan of a program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramTotal {
    /// Payee id.
    pub payee: String,
    /// Period label.
    pub period: String,
    /// The plans' totals added exactly.
    pub amount: Decimal,
}

/// Everything a program's evaluation produced.
#[derive(Debug, Clone, Default)]
pub struct ProgramResults {
    /// Each plan's results, in program order.
    pub plans: Vec<PlanResults>,
    /// One total per payee and period that some plan paid a line, in payee order (the
    /// documented id order), then period.
    pub totals: Vec<ProgramTotal>,
}

impl ProgramResults {
    /// The results of the plan named `name`.
    pub fn plan(&self, name: &str) -> Option<&Results> {
        self.plans
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.results)
    }

    /// The program's total of `payee` in `period` (a label), if some plan paid them.
    pub fn total(&self, payee: &str, period: &str) -> Option<Decimal> {
        self.totals
            .iter()
            .find(|t| t.payee == payee && t.period == period)
            .map(|t| t.amount)
    }

    /// The sum of every total.
    /// (An evaluation refuses totals whose sum a decimal cannot hold, `R0102`.)
    pub fn grand_total(&self) -> Decimal {
        self.totals.iter().fold(Decimal::ZERO, |a, t| a + t.amount)
    }

    /// Canonical JSON: `{"plans":[{"plan":name,"lines":…,"totals":…,"component_totals":…}],
    /// "totals":[…]}`, each plan as [`Results::to_json`] writes it.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

impl Serialize for ProgramResults {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        let plans: Vec<PlanResultsSer<'_>> = self
            .plans
            .iter()
            .map(|p| PlanResultsSer(Some(&p.name), &p.results))
            .collect();
        m.serialize_entry("plans", &plans)?;
        m.serialize_entry("totals", &self.totals)?;
        m.end()
    }
}

fn program_error(message: String) -> EvalError {
    EvalError::new("R0003", message, Default::default())
}

/// Evaluates every plan of a program over `first..=last` with the assignments `rows` (read by
/// [`crate::load::read_assignments`] against the same plan order), and adds up the totals.
///
/// The plans must make a program ([`check_plans`]). An error names the index of the plan it
/// arose in, when it arose in one.
#[allow(clippy::result_large_err)]
pub fn evaluate_program(
    plans: &[ProgramPlan<'_>],
    rows: &[PlanAssignment],
    split: SplitRule,
    first: Period,
    last: Period,
    opts: &EvalOptions,
) -> Result<ProgramResults, (Option<usize>, EvalError)> {
    let named: Vec<(&str, &Plan)> = plans.iter().map(|p| (p.name, p.plan)).collect();
    check_plans(&named).map_err(|e| (None, e))?;
    let mut out = ProgramResults::default();
    for (i, p) in plans.iter().enumerate() {
        let windows = PlanWindows::new(rows, i as u32, p.data.payees.id.len(), split);
        let results =
            crate::eval::evaluate_assigned(p.plan, p.data, first, last, opts, Some(&windows))
                .map_err(|e| (Some(i), e))?;
        out.plans.push(PlanResults {
            name: p.name.to_string(),
            results,
        });
    }
    let rank = crate::eval::payee_rank(head_data(plans));
    out.totals = program_totals(&out.plans, &rank).map_err(|e| (None, e))?;
    // The grand total (`ProgramResults::grand_total`) must be a decimal too.
    if out
        .totals
        .iter()
        .try_fold(Decimal::ZERO, |a, t| a.checked_add(t.amount))
        .is_none()
    {
        return Err((
            None,
            EvalError::new(
                "R0102",
                "arithmetic overflow: the payees' totals add up to more than a decimal holds",
                Default::default(),
            ),
        ));
    }
    Ok(out)
}

fn head_data<'a>(plans: &[ProgramPlan<'a>]) -> Option<&'a Dataset> {
    plans.first().map(|p| p.data)
}

/// Whether plans `(name, plan)` make one program: at least one, distinct names, one period
/// grain and fiscal year start, one currency, one payee id column; `R0003` naming the plans
/// otherwise.
#[allow(clippy::result_large_err)]
pub fn check_plans(plans: &[(&str, &Plan)]) -> Result<(), EvalError> {
    let Some(head) = plans.first() else {
        return Err(program_error("a program needs at least one plan".into()));
    };
    let shape = |p: &(&str, &Plan)| {
        p.1.versions.first().map(|v| {
            (
                v.calendar.grain,
                v.calendar.fiscal_year_start_month,
                v.currency.code.clone(),
                v.schema.payee.builtin_column("id").to_string(),
            )
        })
    };
    let head_shape = shape(head);
    for (i, p) in plans.iter().enumerate() {
        if plans.iter().take(i).any(|q| q.0 == p.0) {
            return Err(program_error(format!(
                "two plans of the program are named {:?}; a program's plans need distinct names",
                p.0
            )));
        }
        let this = shape(p);
        if let (Some(a), Some(b)) = (&head_shape, &this) {
            if (a.0, a.1) != (b.0, b.1) {
                return Err(program_error(format!(
                    "plans {:?} and {:?} have different pay periods or fiscal years; a program's plans share one calendar",
                    head.0, p.0
                )));
            }
            if a.2 != b.2 {
                return Err(program_error(format!(
                    "plans {:?} ({}) and {:?} ({}) have different currencies; a program's plans share one currency",
                    head.0, a.2, p.0, b.2
                )));
            }
            // The plans share the payees table and name payees by their ids: one id column.
            if a.3 != b.3 {
                return Err(program_error(format!(
                    "plans {:?} and {:?} read payee ids from different columns ({:?} and {:?}); a program's plans read one payees table the same way",
                    head.0, p.0, a.3, b.3
                )));
            }
        }
    }
    Ok(())
}

/// The plans' totals added per payee and period, in payee order (`rank`: each payee row's
/// place in it), then period. The plans share payee rows and periods.
#[allow(clippy::result_large_err)]
fn program_totals(plans: &[PlanResults], rank: &[u32]) -> Result<Vec<ProgramTotal>, EvalError> {
    let mut keys: Vec<(u32, u32)> = Vec::new();
    let mut sums: std::collections::HashMap<(u32, u32), Decimal> = Default::default();
    for p in plans {
        for t in &p.results.totals {
            let key = (t.payee, t.period);
            match sums.get_mut(&key) {
                Some(s) => {
                    *s = crate::exact::add(*s, t.amount).ok_or_else(|| {
                        EvalError::new(
                            "R0102",
                            "arithmetic overflow adding the plans' totals",
                            Default::default(),
                        )
                    })?;
                }
                None => {
                    sums.insert(key, t.amount);
                    keys.push(key);
                }
            }
        }
    }
    let Some(head) = plans.first() else {
        return Ok(Vec::new());
    };
    let r = &head.results;
    keys.sort_unstable_by_key(|&(payee, period)| {
        (
            rank.get(payee as usize).copied().unwrap_or(u32::MAX),
            period,
        )
    });
    Ok(keys
        .into_iter()
        .map(|key| ProgramTotal {
            payee: r.payee_ids.get(key.0 as usize).cloned().unwrap_or_default(),
            period: r
                .periods
                .get(key.1 as usize)
                .map(Period::label)
                .unwrap_or_default(),
            amount: sums.get(&key).copied().unwrap_or_default(),
        })
        .collect())
}
