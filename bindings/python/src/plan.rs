//! `Plan`: a checked plan, its evaluation and pay curves, through the facade's
//! `commissio::CompiledPlan`.

use crate::errors::{self, to_py};
use crate::exceptions::guard;
use crate::input;
use crate::objects::{self, CurvePoint, Evaluated};
use crate::results::Results;
use commissio::CompiledPlan;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A checked commission plan.
///
/// Build one with `Plan.parse(text)` or `Plan.from_file(path)`; both raise `PlanError` (with
/// every diagnostic) when the text has errors.
#[pyclass(module = "commissio", frozen, name = "Plan")]
pub struct Plan {
    pub(crate) compiled: Arc<CompiledPlan>,
    /// The file name used in diagnostics (`plan.comp` for text).
    pub(crate) file: String,
}

fn compile(py: Python<'_>, text: &str, file: &str) -> PyResult<Plan> {
    match CompiledPlan::compile(text) {
        Ok(c) => Ok(Plan {
            compiled: Arc::new(c),
            file: file.to_string(),
        }),
        Err(e) => Err(to_py(py, e, text, file)),
    }
}

impl Plan {
    fn err(&self, py: Python<'_>, e: commissio::Error) -> PyErr {
        to_py(py, e, &self.compiled.source, &self.file)
    }

    fn inputs(
        &self,
        py: Python<'_>,
        payees: &Bound<'_, PyAny>,
        deals: &Bound<'_, PyAny>,
        credits: Option<&Bound<'_, PyAny>>,
        quotas: Option<&Bound<'_, PyAny>>,
        managers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<commissio::Inputs> {
        match input::inputs(
            &self.compiled.plan,
            payees,
            deals,
            credits,
            quotas,
            managers,
        )? {
            Ok(i) => Ok(i),
            Err(errs) => Err(errors::data_error(py, &errs)),
        }
    }
}

#[pymethods]
impl Plan {
    /// `Plan(text)` is `Plan.parse(text)`.
    #[new]
    fn py_new(py: Python<'_>, text: &str) -> PyResult<Plan> {
        guard(|| compile(py, text, "plan.comp"))
    }

    /// Parses and checks plan text. Raises `PlanError` carrying every diagnostic.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Plan> {
        guard(|| compile(py, text, "plan.comp"))
    }

    /// Reads, parses and checks a `.comp` file (UTF-8). Raises `PlanError` or `OSError`. The
    /// file is read as the CLI reads it: at most one byte past the size limit (`E0002`), and
    /// a byte that is not UTF-8 is `E0001` with its place.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Plan> {
        guard(|| {
            let name = path.display().to_string();
            let os_error = |e: std::io::Error| {
                pyo3::exceptions::PyOSError::new_err(format!("cannot read {name}: {e}"))
            };
            let mut file = std::fs::File::open(&path).map_err(os_error)?;
            let text = match commissio::read_plan_from(&mut file) {
                Ok(text) => text,
                Err(commissio::PlanReadError::Io(e)) => return Err(os_error(e)),
                Err(commissio::PlanReadError::Refused { start, diagnostic }) => {
                    return Err(errors::plan_error(py, &[diagnostic], &start, &name))
                }
            };
            compile(py, &text, &name)
        })
    }

    /// The plan text.
    #[getter]
    fn source(&self) -> &str {
        &self.compiled.source
    }

    /// The plan's name (of its first version).
    #[getter]
    fn name(&self) -> String {
        self.compiled
            .plan
            .versions
            .first()
            .map(|v| v.name.clone())
            .unwrap_or_default()
    }

    /// The currency code, e.g. `USD`.
    #[getter]
    fn currency(&self) -> String {
        self.compiled
            .plan
            .versions
            .first()
            .map(|v| v.currency.code.clone())
            .unwrap_or_default()
    }

    /// The component names of the first version, in plan order.
    #[getter]
    fn components(&self) -> Vec<String> {
        self.compiled
            .plan
            .versions
            .first()
            .map(|v| v.components.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Every table the plan reads: a list of dicts `{"table", "required", "columns"}`, each
    /// column a dict `{"name", "type", "required"}` (the facade's `InputSchema`).
    fn input_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let value = serde_json::to_value(self.compiled.input_schema().tables)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            objects::json_to_py(py, &value, None)
        })
    }

    /// The plan text in the canonical layout (comments kept).
    fn format(&self, py: Python<'_>) -> PyResult<String> {
        guard(|| self.compiled.format().map_err(|e| self.err(py, e)))
    }

    /// Evaluates the plan over `period` (`"2026-Q1"`, `"2026-01..2026-06"`, `"2026"`).
    ///
    /// Each table may be a list of dicts, a dict of columns, a pandas or polars DataFrame, a
    /// pyarrow Table (anything with `__arrow_c_stream__`), or a path to a CSV file.
    /// `managers` (columns `payee`, `manager`, `from`, `to`) gives the reporting hierarchy
    /// with effective dates, instead of the payees table's `manager` column. Raises
    /// `DataError`, `PeriodError` or `EvalError`. `max_rows` lowers the row limit per table
    /// (default and maximum 50,000,000; a longer table is a `DataError` `D0108`).
    #[pyo3(signature = (*, payees, deals, period, credits=None, quotas=None, managers=None, max_rows=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &self,
        py: Python<'_>,
        payees: &Bound<'_, PyAny>,
        deals: &Bound<'_, PyAny>,
        period: &str,
        credits: Option<&Bound<'_, PyAny>>,
        quotas: Option<&Bound<'_, PyAny>>,
        managers: Option<&Bound<'_, PyAny>>,
        max_rows: Option<usize>,
    ) -> PyResult<Results> {
        guard(|| {
            let options = commissio::LoadOptions {
                max_rows: max_rows.unwrap_or(commissio::MAX_ROWS),
            };
            let inputs = self.inputs(py, payees, deals, credits, quotas, managers)?;
            let plan = Arc::clone(&self.compiled);
            // The facade's error type is large; it is moved once, on the way out.
            #[allow(clippy::result_large_err)]
            let result = py.detach(move || plan.evaluate_owned(inputs, period, options));
            match result {
                Ok(results) => Ok(Results {
                    shared: Arc::new(Evaluated::own(Arc::clone(&self.compiled), results)),
                }),
                Err(e) => Err(self.err(py, e)),
            }
        })
    }

    /// The pay curve of `payee` in one `period`: what the plan would pay at each attainment
    /// from `start` to `stop` (inclusive) in steps of `step` (defaults `"0%"`, `"200%"`,
    /// `"10%"`; decimals, ints or text like `"1.5"` or `"150%"`). The payee's attributes and
    /// quotas come from the inputs; their deals are replaced by one synthetic deal.
    #[pyo3(signature = (*, payees, deals, payee, period, start=None, stop=None, step=None, credits=None, quotas=None, managers=None))]
    #[allow(clippy::too_many_arguments)]
    fn pay_curve(
        &self,
        py: Python<'_>,
        payees: &Bound<'_, PyAny>,
        deals: &Bound<'_, PyAny>,
        payee: &str,
        period: &str,
        start: Option<&Bound<'_, PyAny>>,
        stop: Option<&Bound<'_, PyAny>>,
        step: Option<&Bound<'_, PyAny>>,
        credits: Option<&Bound<'_, PyAny>>,
        quotas: Option<&Bound<'_, PyAny>>,
        managers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<CurvePoint>> {
        guard(|| {
            let arg = |v: Option<&Bound<'_, PyAny>>,
                       what: &str,
                       default: &str|
             -> PyResult<commissio::core::Decimal> {
                match v {
                    Some(v) if !v.is_none() => objects::decimal_arg(v, what, true),
                    _ => objects::decimal_arg(
                        &pyo3::types::PyString::new(py, default).into_any(),
                        what,
                        true,
                    ),
                }
            };
            let (from, to, by) = (
                arg(start, "start", "0%")?,
                arg(stop, "stop", "200%")?,
                arg(step, "step", "10%")?,
            );
            let inputs = self.inputs(py, payees, deals, credits, quotas, managers)?;
            let plan = Arc::clone(&self.compiled);
            #[allow(clippy::result_large_err)]
            let result = py.detach(move || plan.pay_curve(&inputs, payee, period, from, to, by));
            match result {
                Ok(points) => Ok(points
                    .into_iter()
                    .map(|point| CurvePoint { point })
                    .collect()),
                Err(e) => Err(self.err(py, e)),
            }
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Plan({}, currency={})",
            objects::repr(&self.name()),
            objects::repr(&self.currency())
        )
    }
}
