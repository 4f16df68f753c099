//! Programs at the boundary: several compiled plans evaluated together over one set of input
//! tables and an `assignments` table ([`commissio_core::program`] has the rules).
//!
//! ```
//! use commissio::{CompiledPlan, CompiledProgram, Inputs, SplitRule};
//!
//! let plan = |name: &str, rate: &str| CompiledPlan::compile(&format!(r#"
//! plan "{name}" {{
//!   currency USD
//!   period month
//!   effective 2026-01-01 to 2026-12-31
//!   rounding half_even 2 per line
//!   input deal {{ amount: money }}
//!   component base {{ commission on credit.amount  rate {rate} }}
//! }}"#)).unwrap();
//! let program = CompiledProgram::new(vec![plan("SDR", "2%"), plan("AE", "10%")], SplitRule::Days).unwrap();
//! let inputs = Inputs::from_csv(
//!     "id\nR1\n",
//!     "id,payee,date,amount\nD1,R1,2026-04-10,1000.00\n",
//!     None,
//!     None,
//! ).unwrap();
//! let assignments = commissio::core::load::read_csv(
//!     "payee,plan,from,to\nR1,SDR,2026-01-01,2026-04-15\nR1,AE,2026-04-16,\n",
//! ).unwrap();
//! let results = program.evaluate(&inputs, &assignments, "2026-04").unwrap();
//! // 15 of April's 30 days on each plan: 20.00 × 1/2 + 100.00 × 1/2.
//! assert_eq!(results.total("R1", "2026-04").unwrap().to_string(), "60.00");
//! ```

use crate::error::Error;
use crate::plan::CompiledPlan;
use crate::schema::InputSchema;
use crate::view::SourceLines;
use commissio_core::load::{read_assignments, Inputs, LoadOptions, Table};
use commissio_core::period::Period;
use commissio_core::program::{evaluate_program, ProgramPlan, ProgramResults, SplitRule};

/// Compiled plans that are evaluated together, and how they share a payee who is on several
/// of them in one period.
#[derive(Debug, Clone)]
pub struct CompiledProgram {
    /// The plans, in program order (the order of results and of statements).
    pub plans: Vec<CompiledPlan>,
    /// How a payee on several plans in one period is paid by each.
    pub split: SplitRule,
}

/// An error of a program: the [`Error`], and the plan it arose in when it arose in one (its
/// spans are positions in that plan's text).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{error}", .plan.as_ref().map(|p| format!("plan {p:?}: ")).unwrap_or_default())]
pub struct ProgramError {
    /// The name of the plan the error arose in (`None`: the program or its assignments).
    pub plan: Option<String>,
    /// The error.
    pub error: Error,
}

impl From<Error> for ProgramError {
    fn from(error: Error) -> Self {
        ProgramError { plan: None, error }
    }
}

impl ProgramError {
    /// The canonical error JSON ([`Error::to_json`]) with spans in the plan the error arose
    /// in, and the summary led by `plan "<name>": ` when there is one.
    pub fn to_json(&self, program: &CompiledProgram) -> String {
        let lines = self
            .plan
            .as_deref()
            .and_then(|name| program.plan(name))
            .map(CompiledPlan::source_lines)
            .unwrap_or_else(|| SourceLines::new(""));
        let mut view = self.error.view(&lines);
        if let Some(name) = &self.plan {
            view.prefix_summary(&format!("plan {name:?}: "));
        }
        // Plain data (strings, numbers, options): serialisation cannot fail.
        serde_json::to_string(&view).unwrap_or_default()
    }

    /// The one-line summary, as [`ProgramError::to_json`] writes it.
    pub fn summary(&self, program: &CompiledProgram) -> String {
        let lines = self
            .plan
            .as_deref()
            .and_then(|name| program.plan(name))
            .map(CompiledPlan::source_lines)
            .unwrap_or_else(|| SourceLines::new(""));
        let view = self.error.view(&lines);
        match &self.plan {
            Some(name) => format!("plan {name:?}: {}", view.summary()),
            None => view.summary().to_string(),
        }
    }
}

fn no_plans() -> Error {
    Error::Eval(commissio_core::results::EvalError::new(
        "R0003",
        "a program needs at least one plan",
        Default::default(),
    ))
}

impl CompiledProgram {
    /// A program of `plans`: they must have distinct names, one period grain and fiscal year
    /// start and one currency (`R0003` otherwise).
    pub fn new(plans: Vec<CompiledPlan>, split: SplitRule) -> Result<CompiledProgram, Error> {
        let named: Vec<(&str, &commissio_core::plan::Plan)> =
            plans.iter().map(|p| (p.name(), &p.plan)).collect();
        commissio_core::program::check_plans(&named).map_err(Error::Eval)?;
        Ok(CompiledProgram { plans, split })
    }

    /// The plans' names, in program order.
    pub fn names(&self) -> Vec<&str> {
        self.plans.iter().map(CompiledPlan::name).collect()
    }

    /// The plan named `name`.
    pub fn plan(&self, name: &str) -> Option<&CompiledPlan> {
        self.plans.iter().find(|p| p.name() == name)
    }

    /// Reads a period or range with the program's calendar (its plans share one).
    pub fn periods(&self, text: &str) -> Result<(Period, Period), Error> {
        match self.plans.first() {
            Some(p) => p.periods(text),
            None => Err(no_plans()),
        }
    }

    /// Every table the program reads: each plan's tables (their columns merged) and the
    /// `assignments` table.
    pub fn input_schema(&self) -> InputSchema {
        InputSchema::of_program(self.plans.iter().map(|p| &p.plan))
    }

    /// Validates the inputs for every plan and the assignments, and evaluates the program over
    /// a period or range, traces on.
    pub fn evaluate(
        &self,
        inputs: &Inputs,
        assignments: &Table,
        period: &str,
    ) -> Result<ProgramResults, ProgramError> {
        self.evaluate_with(inputs, assignments, period, LoadOptions::default())
    }

    /// [`CompiledProgram::evaluate`] with load options (a lower row limit per table).
    pub fn evaluate_with(
        &self,
        inputs: &Inputs,
        assignments: &Table,
        period: &str,
        options: LoadOptions,
    ) -> Result<ProgramResults, ProgramError> {
        let (first, last) = self.periods(period)?;
        let mut datasets = Vec::with_capacity(self.plans.len());
        for p in &self.plans {
            let data = p
                .dataset_with(inputs, options)
                .map_err(|error| ProgramError {
                    plan: Some(p.name().to_string()),
                    error,
                })?;
            datasets.push(data);
        }
        let names = self.names();
        let Some(head) = datasets.first() else {
            return Err(no_plans().into());
        };
        let rows = read_assignments(assignments, head, &names).map_err(Error::Data)?;
        let plans: Vec<ProgramPlan<'_>> = self
            .plans
            .iter()
            .zip(&datasets)
            .map(|(p, data)| ProgramPlan {
                name: p.name(),
                plan: &p.plan,
                data,
            })
            .collect();
        evaluate_program(&plans, &rows, self.split, first, last, &Default::default()).map_err(
            |(plan, e)| ProgramError {
                plan: plan.and_then(|i| names.get(i)).map(|n| n.to_string()),
                error: Error::Eval(e),
            },
        )
    }

    /// The plain-text story of a payee's payouts under every plan that paid them (or of one
    /// deal's lines), each plan's part led by its name; `None` when no plan paid them.
    pub fn explain(
        &self,
        results: &ProgramResults,
        payee: &str,
        deal: Option<&str>,
    ) -> Option<String> {
        let parts: Vec<String> = results
            .plans
            .iter()
            .filter_map(|p| {
                commissio_core::report::explain_payee(&p.results, payee, deal)
                    .map(|text| format!("plan {:?}\n{text}", p.name))
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    }

    /// A payee's statement in Markdown: one section per plan that paid them, then the total per
    /// period over the program; `None` when no plan paid them.
    pub fn statement(&self, results: &ProgramResults, payee: &str) -> Option<String> {
        let mut out = String::new();
        for (p, compiled) in results.plans.iter().zip(&self.plans) {
            if let Some(s) = compiled.statement(&p.results, payee) {
                out.push_str(&s);
                out.push('\n');
            }
        }
        if out.is_empty() {
            return None;
        }
        out.push_str(&format!(
            "## Program total, {payee}\n\n| Period | Total |\n|---|---:|\n"
        ));
        for t in results.totals.iter().filter(|t| t.payee == payee) {
            out.push_str(&format!(
                "| {} | {} |\n",
                t.period,
                commissio_core::report::group_digits(t.amount)
            ));
        }
        Some(out)
    }
}
