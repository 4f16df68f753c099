//! Programs: several plans evaluated together over one set of input tables and an
//! `assignments` table, through the facade's `commissio::CompiledProgram`.
//!
//! `Program` converts its arguments and hands them to the facade; `ProgramResults` wraps the
//! facade's `ProgramResults` once, and each plan's part of it is the package's ordinary
//! `Results` object, sharing (not copying) the program's results.

use crate::errors::{program_error, to_py};
use crate::exceptions::guard;
use crate::input;
use crate::objects::{json_to_py, py_decimal, repr, Evaluated, Total};
use crate::plan::Plan;
use crate::results::{verify_traces, Results};
use commissio::{ArgumentError, CompiledPlan, CompiledProgram, Error, SplitRule};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// Several plans evaluated together: an `assignments` table (columns `payee`, `plan`, `from`,
/// optional `to` and `weight`) says which plan pays which payee on which days, and `split`
/// (`"days"` or `"credit_dates"`) how a payee on several plans in one period is paid by each.
#[pyclass(module = "commissio", frozen, name = "Program")]
pub struct Program {
    program: Arc<CompiledProgram>,
    /// The plans as the package holds them (the same plans as the program's, in its order).
    plans: Vec<Arc<CompiledPlan>>,
    files: Vec<String>,
}

fn split_rule(py: Python<'_>, split: &str) -> PyResult<SplitRule> {
    SplitRule::from_name(split).ok_or_else(|| {
        let names: Vec<String> = SplitRule::ALL
            .iter()
            .map(|r| format!("{:?}", r.name()))
            .collect();
        let message = format!(
            "split: {split:?} is not a split rule; use {}",
            names.join(" or ")
        );
        to_py(py, Error::Argument(ArgumentError::new(message)), "", "")
    })
}

#[pymethods]
impl Program {
    /// A program of `plans` (program order: the order of results and statements). Raises
    /// `ValueError` (code `A0001`) for an unknown `split`, and `EvalError` `R0003` when two
    /// plans share a name or differ in period grain, fiscal year start or currency.
    #[new]
    #[pyo3(signature = (plans, *, split))]
    fn py_new(py: Python<'_>, plans: Vec<PyRef<'_, Plan>>, split: &str) -> PyResult<Program> {
        guard(|| {
            let rule = split_rule(py, split)?;
            let arcs: Vec<Arc<CompiledPlan>> =
                plans.iter().map(|p| Arc::clone(&p.compiled)).collect();
            let files = plans.iter().map(|p| p.file.clone()).collect();
            let owned = arcs.iter().map(|p| CompiledPlan::clone(p)).collect();
            match CompiledProgram::new(owned, rule) {
                Ok(program) => Ok(Program {
                    program: Arc::new(program),
                    plans: arcs,
                    files,
                }),
                Err(e) => Err(to_py(py, e, "", "")),
            }
        })
    }

    /// The plans' names, in program order (the names the `assignments` table uses).
    #[getter]
    fn names(&self) -> Vec<String> {
        self.program.names().into_iter().map(String::from).collect()
    }

    /// The plans, in program order.
    #[getter]
    fn plans(&self) -> Vec<Plan> {
        self.plans
            .iter()
            .zip(&self.files)
            .map(|(p, f)| Plan {
                compiled: Arc::clone(p),
                file: f.clone(),
            })
            .collect()
    }

    /// The split rule: `"days"` or `"credit_dates"`.
    #[getter]
    fn split(&self) -> &'static str {
        self.program.split.name()
    }

    /// Every table the program reads: each plan's tables with their columns merged, then the
    /// `assignments` table. A list of dicts `{"table", "required", "columns"}`, each column a
    /// dict `{"name", "type", "required"}` (the facade's `InputSchema`).
    fn input_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let value = serde_json::to_value(self.program.input_schema().tables)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            json_to_py(py, &value, None)
        })
    }

    /// Evaluates every plan over `period` (`"2026-Q1"`, `"2026-01..2026-06"`, `"2026"`) with
    /// the assignments. Each table, `assignments` too, is given in any form `Plan.evaluate`
    /// accepts (a list of dicts, a dict of columns, a DataFrame or Arrow table, a CSV or JSON
    /// path). Raises `DataError`, `PeriodError` or `EvalError` as `Plan.evaluate` does; an
    /// error that arose in one plan says so first (`plan "AE": ...`).
    #[pyo3(signature = (*, payees, deals, assignments, period, credits=None, quotas=None, managers=None, max_rows=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &self,
        py: Python<'_>,
        payees: &Bound<'_, PyAny>,
        deals: &Bound<'_, PyAny>,
        assignments: &Bound<'_, PyAny>,
        period: &str,
        credits: Option<&Bound<'_, PyAny>>,
        quotas: Option<&Bound<'_, PyAny>>,
        managers: Option<&Bound<'_, PyAny>>,
        max_rows: Option<usize>,
    ) -> PyResult<ProgramResults> {
        guard(|| {
            let options = commissio::LoadOptions {
                max_rows: max_rows.unwrap_or(commissio::MAX_ROWS),
            };
            let schema = self.program.input_schema();
            let (inputs, table) = match input::program_inputs(
                &schema,
                payees,
                deals,
                credits,
                quotas,
                managers,
                assignments,
            )? {
                Ok(t) => t,
                Err(errs) => return Err(crate::errors::data_error(py, &errs)),
            };
            let program = Arc::clone(&self.program);
            // The facade's error type is large; it is moved once, on the way out.
            #[allow(clippy::result_large_err)]
            let result = py.detach(move || program.evaluate_with(&inputs, &table, period, options));
            match result {
                Ok(results) => ProgramResults::new(py, results, &self.plans),
                Err(e) => Err(program_error(py, e, &self.program)),
            }
        })
    }

    /// The plain-text story of `payee`'s payouts under every plan that paid them (or of one
    /// deal's lines), each plan's part led by `plan "<name>"`; `None` when no plan paid them.
    #[pyo3(signature = (results, payee, deal=None))]
    fn explain(
        &self,
        results: &ProgramResults,
        payee: &str,
        deal: Option<&str>,
    ) -> PyResult<Option<String>> {
        guard(|| {
            self.check_results(results)?;
            Ok(self.program.explain(&results.shared, payee, deal))
        })
    }

    /// `payee`'s statement in Markdown: one section per plan that paid them, then the
    /// program's total per period; `None` when no plan paid them.
    fn statement(&self, results: &ProgramResults, payee: &str) -> PyResult<Option<String>> {
        guard(|| {
            self.check_results(results)?;
            Ok(self.program.statement(&results.shared, payee))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Program([{}], split={})",
            self.program
                .names()
                .iter()
                .map(|n| repr(n))
                .collect::<Vec<_>>()
                .join(", "),
            repr(self.program.split.name())
        )
    }
}

impl Program {
    /// Results of another program would be explained against the wrong plans.
    fn check_results(&self, results: &ProgramResults) -> PyResult<()> {
        let same = results.shared.plans.len() == self.plans.len()
            && results
                .shared
                .plans
                .iter()
                .zip(self.program.names())
                .all(|(p, n)| p.name == n);
        if same {
            Ok(())
        } else {
            Err(PyValueError::new_err(
                "results: these are the results of a program with other plans",
            ))
        }
    }
}

/// The results of a program: each plan's `Results` and the program's totals per payee and
/// period (the plans' totals added exactly). Money is `decimal.Decimal`.
#[pyclass(module = "commissio", frozen, name = "ProgramResults")]
pub struct ProgramResults {
    shared: Arc<commissio::ProgramResults>,
    /// Each plan's `Results`, in program order.
    plans: Vec<(String, Py<Results>)>,
}

impl ProgramResults {
    fn new(
        py: Python<'_>,
        results: commissio::ProgramResults,
        plans: &[Arc<CompiledPlan>],
    ) -> PyResult<ProgramResults> {
        let shared = Arc::new(results);
        let mut out = Vec::with_capacity(shared.plans.len());
        for (index, (p, plan)) in shared.plans.iter().zip(plans).enumerate() {
            let evaluated = Evaluated::of_program(Arc::clone(plan), Arc::clone(&shared), index);
            let results = Py::new(
                py,
                Results {
                    shared: Arc::new(evaluated),
                },
            )?;
            out.push((p.name.clone(), results));
        }
        Ok(ProgramResults { shared, plans: out })
    }
}

#[pymethods]
impl ProgramResults {
    /// Each plan's `Results` by plan name, a dict in program order.
    #[getter]
    fn plans<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, results) in &self.plans {
            d.set_item(name, results.clone_ref(py))?;
        }
        Ok(d)
    }

    /// The `Results` of the plan named `name`, or `None` when the program has no such plan.
    fn plan(&self, py: Python<'_>, name: &str) -> Option<Py<Results>> {
        self.plans
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| r.clone_ref(py))
    }

    /// One total per payee and period that some plan paid a line (the plans' totals added
    /// exactly), in payee then period order.
    #[getter]
    fn totals(&self) -> Vec<Total> {
        self.shared
            .totals
            .iter()
            .map(|t| Total::new(t.payee.clone(), t.period.clone(), t.amount))
            .collect()
    }

    /// The program's total of `payee` in `period` (a label such as `2026-04`), or `None` when
    /// no plan paid that payee a line in it.
    fn total<'py>(
        &self,
        py: Python<'py>,
        payee: &str,
        period: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.shared
            .total(payee, period)
            .map(|d| py_decimal(py, d))
            .transpose()
    }

    /// The sum of every total.
    #[getter]
    fn grand_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.shared.grand_total())
    }

    /// The whole result as JSON text: `{"plans": [{"plan": name, "lines", "totals",
    /// "component_totals"}], "totals": [...]}`, each plan as `Results.to_json` writes it; the
    /// engine's canonical JSON, the same text as Rust's `ProgramResults::to_json`.
    fn to_json(&self) -> PyResult<String> {
        guard(|| {
            self.shared
                .to_json()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    /// `Results.verify_traces` on every plan's results; returns how many lines were checked in
    /// all. A mismatch raises `InternalError` naming the plan and the line.
    fn verify_traces(&self) -> PyResult<usize> {
        guard(|| {
            let mut checked = 0;
            for p in &self.shared.plans {
                checked += verify_traces(&p.results, Some(&p.name))?;
            }
            Ok(checked)
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "ProgramResults(plans=[{}], totals={}, grand_total=Decimal('{}'))",
            self.plans
                .iter()
                .map(|(n, _)| repr(n))
                .collect::<Vec<_>>()
                .join(", "),
            self.shared.totals.len(),
            self.shared.grand_total()
        )
    }
}
