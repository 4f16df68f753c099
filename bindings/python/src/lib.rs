//! `commissio._commissio`: the native module behind the `commissio` Python package.
//!
//! A thin adapter over the Rust facade (`commissio::CompiledPlan`): plan text in, Python
//! inputs converted to engine tables ([`input`], [`arrow_in`]), results out as small immutable
//! objects ([`objects`]) or Arrow tables ([`arrow_out`]). No commission logic lives here.
//!
//! Every entry point runs inside [`exceptions::guard`], so a Rust panic surfaces as
//! `commissio.InternalError`, never as a crash or a `PanicException`. Evaluation runs with the
//! GIL released.

use commissio::CompiledPlan;
use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use std::path::PathBuf;
use std::sync::Arc;

mod arrow_in;
mod arrow_out;
mod errors;
mod exceptions;
mod input;
mod objects;
mod problems;

use arrow_out::{ArrowTable, Which};
use errors::to_py;
use exceptions::guard;
use objects::{
    py_decimal, ComponentTotal, CurvePoint, DataIssue, Diagnostic, Evaluated, Label, Line, Total,
};

/// A checked commission plan.
///
/// Build one with `Plan.parse(text)` or `Plan.from_file(path)`; both raise `PlanError` (with
/// every diagnostic) when the text has errors.
#[pyclass(module = "commissio", frozen, name = "Plan")]
pub struct Plan {
    compiled: Arc<CompiledPlan>,
    file: String,
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
                    shared: Arc::new(Evaluated {
                        plan: Arc::clone(&self.compiled),
                        results,
                    }),
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

/// The results of an evaluation: payout lines with traces, totals, explanations, and exports
/// to Arrow, pandas and polars. Money is `decimal.Decimal`.
#[pyclass(module = "commissio", frozen, name = "Results")]
pub struct Results {
    shared: Arc<Evaluated>,
}

impl Results {
    fn which(table: &str) -> PyResult<Which> {
        Which::parse(table).ok_or_else(|| {
            PyValueError::new_err(format!(
                "table must be \"lines\", \"totals\" or \"component_totals\", not {table:?}"
            ))
        })
    }

    fn arrow_table(&self, table: &str) -> PyResult<ArrowTable> {
        let which = Self::which(table)?;
        let batch = arrow_out::batch(&self.shared.results, which)
            .map_err(|e| PyValueError::new_err(format!("cannot build the Arrow table: {e}")))?;
        Ok(ArrowTable { batch })
    }
}

fn import_optional<'py>(
    py: Python<'py>,
    module: &str,
    method: &str,
    extra: &str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|e| {
        if e.is_instance_of::<PyImportError>(py) {
            PyImportError::new_err(format!(
                "Results.{method}() needs {module}, which is not installed: pip install \"commissio[{extra}]\" (or pip install {module})"
            ))
        } else {
            e
        }
    })
}

#[pymethods]
impl Results {
    /// Every payout line, in the engine's order (payee, period, deal date, deal, component).
    #[getter]
    fn lines(&self) -> Vec<Line> {
        (0..self.shared.results.line_count())
            .map(|index| Line {
                shared: Arc::clone(&self.shared),
                index,
            })
            .collect()
    }

    /// One total per payee and period that has lines.
    #[getter]
    fn totals(&self) -> Vec<Total> {
        self.shared
            .results
            .named_totals()
            .map(|t| Total::new(t.payee.to_string(), t.period, t.amount))
            .collect()
    }

    /// One total per payee, period and component that has lines.
    #[getter]
    fn component_totals(&self) -> Vec<ComponentTotal> {
        self.shared
            .results
            .named_component_totals()
            .map(|t| {
                ComponentTotal::new(
                    t.payee.to_string(),
                    t.period,
                    t.component.unwrap_or("").to_string(),
                    t.amount,
                )
            })
            .collect()
    }

    /// The reported period labels, in order.
    #[getter]
    fn periods(&self) -> Vec<String> {
        self.shared
            .results
            .periods
            .iter()
            .map(|p| p.label())
            .collect()
    }

    /// Every payee id of the input, in input order.
    #[getter]
    fn payees(&self) -> Vec<String> {
        self.shared.results.payee_ids.clone()
    }

    /// The sum of every line.
    #[getter]
    fn grand_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.shared.results.grand_total())
    }

    /// The total of `payee` in `period` (a label such as `2026-Q1`), or `None` when that
    /// payee-period has no lines.
    fn total<'py>(
        &self,
        py: Python<'py>,
        payee: &str,
        period: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.shared
            .results
            .total(payee, period)
            .map(|d| py_decimal(py, d))
            .transpose()
    }

    /// The plain-text story of `payee`'s payouts (or of one deal's lines) from the traces;
    /// `None` when the payee has no lines.
    #[pyo3(signature = (payee, deal=None))]
    fn explain(&self, payee: &str, deal: Option<&str>) -> PyResult<Option<String>> {
        guard(|| Ok(self.shared.plan.explain(&self.shared.results, payee, deal)))
    }

    /// `payee`'s commission statement in Markdown; `None` when the payee has no lines.
    fn statement(&self, payee: &str) -> PyResult<Option<String>> {
        guard(|| Ok(self.shared.plan.statement(&self.shared.results, payee)))
    }

    /// Recomputes every traced line's amount from its trace alone and checks it against the
    /// line, digit for digit; returns how many lines were checked. A mismatch (a bug in the
    /// engine: the explanation would not match the pay) raises `InternalError` naming the line.
    fn verify_traces(&self) -> PyResult<usize> {
        guard(|| {
            self.shared.results.verify_traces().map_err(|m| {
                let err = exceptions::InternalError::new_err(format!(
                    "a trace does not replay to its line (this is a bug; please report it): {m}"
                ));
                Python::attach(|py| {
                    let _ = err.value(py).setattr("code", "X0004");
                    let _ = err.value(py).setattr("canonical_json", py.None());
                });
                err
            })
        })
    }

    /// The whole result as JSON text (`lines` with traces, `totals`, `component_totals`;
    /// amounts as decimal strings): the engine's canonical JSON, the same text as Rust's
    /// `Results::to_json` and JavaScript's `results.canonicalJson()`.
    fn to_json(&self) -> PyResult<String> {
        guard(|| {
            self.shared
                .results
                .to_json()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }

    /// A table of the results (`"lines"`, `"totals"` or `"component_totals"`) that any Arrow
    /// consumer reads through `__arrow_c_stream__`; no optional dependency needed.
    #[pyo3(signature = (table="lines"))]
    fn arrow(&self, table: &str) -> PyResult<ArrowTable> {
        guard(|| self.arrow_table(table))
    }

    /// The results as a `pyarrow.Table` (needs pyarrow). Amounts are `decimal128(38, s)`.
    #[pyo3(signature = (table="lines"))]
    fn to_arrow<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self.arrow_table(table)?;
            let pa = import_optional(py, "pyarrow", "to_arrow", "arrow")?;
            pa.call_method1("table", (t,))
        })
    }

    /// The results as a `pandas.DataFrame` (needs pandas and pyarrow). Amounts are
    /// `decimal.Decimal` objects.
    #[pyo3(signature = (table="lines"))]
    fn to_pandas<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self.arrow_table(table)?;
            import_optional(py, "pandas", "to_pandas", "pandas")?;
            let pa = import_optional(py, "pyarrow", "to_pandas", "pandas")?;
            pa.call_method1("table", (t,))?.call_method0("to_pandas")
        })
    }

    /// The results as a `polars.DataFrame` (needs polars). Amounts are `pl.Decimal`.
    #[pyo3(signature = (table="lines"))]
    fn to_polars<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self.arrow_table(table)?;
            let pl = import_optional(py, "polars", "to_polars", "polars")?;
            pl.call_method1("DataFrame", (t,))
        })
    }

    /// The lines as an Arrow C stream (the Arrow PyCapsule interface), so `pyarrow.table(r)`
    /// and `polars.DataFrame(r)` work directly.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        guard(|| {
            let t = Bound::new(py, self.arrow_table("lines")?)?;
            let capsule = t.call_method1("__arrow_c_stream__", (requested_schema,))?;
            Ok(capsule.cast_into::<PyCapsule>()?)
        })
    }

    fn __len__(&self) -> usize {
        self.shared.results.line_count()
    }

    fn __repr__(&self) -> String {
        let r = &self.shared.results;
        format!(
            "Results(lines={}, totals={}, periods=[{}], grand_total=Decimal('{}'))",
            r.line_count(),
            r.totals.len(),
            r.periods
                .iter()
                .map(|p| objects::repr(&p.label()))
                .collect::<Vec<_>>()
                .join(", "),
            r.grand_total()
        )
    }
}

/// Every diagnostic of plan text (an empty list when the plan is valid); never raises for a
/// bad plan.
#[pyfunction]
fn check(text: &str) -> PyResult<Vec<Diagnostic>> {
    guard(|| match commissio::dsl::compile(text) {
        Ok(_) => Ok(Vec::new()),
        Err(diags) => {
            let lines = commissio::SourceLines::new(text);
            Ok(diags.iter().map(|d| Diagnostic::new(d, &lines)).collect())
        }
    })
}

/// Plan text in the canonical layout (comments kept). Raises `PlanError` when it does not
/// parse.
#[pyfunction]
fn format(py: Python<'_>, text: &str) -> PyResult<String> {
    guard(|| {
        commissio::dsl::format(text).map_err(|d| errors::plan_error(py, &d, text, "plan.comp"))
    })
}

/// An SVG line chart of a pay curve (attainment on x, payout on y). `points` are
/// `CurvePoint`s (from `Plan.pay_curve`) or `(attainment, credited, payout)` triples.
#[pyfunction]
#[pyo3(signature = (points, title="Pay curve"))]
fn curve_svg(points: &Bound<'_, PyAny>, title: &str) -> PyResult<String> {
    guard(|| {
        let mut out = Vec::new();
        for p in points.try_iter()? {
            let p = p?;
            if let Ok(c) = p.cast::<CurvePoint>() {
                out.push(c.get().point);
                continue;
            }
            let t = p.cast::<PyTuple>().map_err(|_| {
                PyTypeError::new_err("curve_svg: each point must be a CurvePoint or an (attainment, credited, payout) tuple")
            })?;
            if t.len() != 3 {
                return Err(PyTypeError::new_err(
                    "curve_svg: a point tuple has 3 items: (attainment, credited, payout)",
                ));
            }
            out.push(commissio::core::curve::CurvePoint {
                attainment: objects::decimal_arg(&t.get_item(0)?, "attainment", true)?,
                credited: objects::decimal_arg(&t.get_item(1)?, "credited", false)?,
                payout: objects::decimal_arg(&t.get_item(2)?, "payout", false)?,
            });
        }
        Ok(commissio::core::curve::svg(&out, title))
    })
}

/// Test hook: panics inside the boundary guard, to show that a Rust panic surfaces as
/// `commissio.InternalError`.
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    guard(|| {
        let v: Vec<u8> = Vec::new();
        // An out-of-bounds index panics; clippy's `indexing_slicing` is not denied here.
        let _ = v[usize::from(v.is_empty())];
        Ok(())
    })
}

#[pymodule]
fn _commissio(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Plan>()?;
    m.add_class::<Results>()?;
    m.add_class::<Line>()?;
    m.add_class::<Total>()?;
    m.add_class::<ComponentTotal>()?;
    m.add_class::<Diagnostic>()?;
    m.add_class::<Label>()?;
    m.add_class::<DataIssue>()?;
    m.add_class::<CurvePoint>()?;
    m.add_class::<ArrowTable>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(format, m)?)?;
    m.add_function(wrap_pyfunction!(curve_svg, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add(
        "CommissioError",
        py.get_type::<exceptions::CommissioError>(),
    )?;
    m.add("PlanError", py.get_type::<exceptions::PlanError>())?;
    m.add("DataError", py.get_type::<exceptions::DataError>())?;
    m.add("PeriodError", py.get_type::<exceptions::PeriodError>())?;
    m.add("EvalError", py.get_type::<exceptions::EvalError>())?;
    m.add("InternalError", py.get_type::<exceptions::InternalError>())?;
    Ok(())
}
