//! `Results`: one plan's results (of its own evaluation or its part of a program's), with
//! lines, totals, explanations, trace replay and Arrow, pandas and polars exports.

use crate::arrow_out::{self, ArrowTable, Which};
use crate::exceptions::{self, guard};
use crate::objects::{self, py_decimal, ComponentTotal, Evaluated, Line, Total};
use pyo3::exceptions::{PyImportError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::sync::Arc;

/// The results of an evaluation: payout lines with traces, totals, explanations, and exports
/// to Arrow, pandas and polars. Money is `decimal.Decimal`.
#[pyclass(module = "commissio", frozen, name = "Results")]
pub struct Results {
    pub(crate) shared: Arc<Evaluated>,
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
        let batch = arrow_out::batch(self.shared.results(), which)
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
        (0..self.shared.results().line_count())
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
            .results()
            .named_totals()
            .map(|t| Total::new(t.payee.to_string(), t.period, t.amount))
            .collect()
    }

    /// One total per payee, period and component that has lines.
    #[getter]
    fn component_totals(&self) -> Vec<ComponentTotal> {
        self.shared
            .results()
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
            .results()
            .periods
            .iter()
            .map(|p| p.label())
            .collect()
    }

    /// Every payee id of the input, in input order.
    #[getter]
    fn payees(&self) -> Vec<String> {
        self.shared.results().payee_ids.clone()
    }

    /// The sum of every line.
    #[getter]
    fn grand_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.shared.results().grand_total())
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
            .results()
            .total(payee, period)
            .map(|d| py_decimal(py, d))
            .transpose()
    }

    /// The plain-text story of `payee`'s payouts (or of one deal's lines) from the traces;
    /// `None` when the payee has no lines.
    #[pyo3(signature = (payee, deal=None))]
    fn explain(&self, payee: &str, deal: Option<&str>) -> PyResult<Option<String>> {
        guard(|| Ok(self.shared.plan.explain(self.shared.results(), payee, deal)))
    }

    /// `payee`'s commission statement in Markdown; `None` when the payee has no lines.
    fn statement(&self, payee: &str) -> PyResult<Option<String>> {
        guard(|| Ok(self.shared.plan.statement(self.shared.results(), payee)))
    }

    /// Recomputes every traced line's amount from its trace alone and checks it against the
    /// line, digit for digit; returns how many lines were checked. A mismatch (a bug in the
    /// engine: the explanation would not match the pay) raises `InternalError` naming the line.
    fn verify_traces(&self) -> PyResult<usize> {
        guard(|| verify_traces(self.shared.results(), None))
    }

    /// The whole result as JSON text (`lines` with traces, `totals`, `component_totals`;
    /// amounts as decimal strings): the engine's canonical JSON, the same text as Rust's
    /// `Results::to_json` and JavaScript's `results.canonicalJson()`.
    fn to_json(&self) -> PyResult<String> {
        guard(|| {
            self.shared
                .results()
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
        self.shared.results().line_count()
    }

    fn __repr__(&self) -> String {
        let r = self.shared.results();
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

/// Replays every traced line of `results` (of the plan named `plan`, within a program); a
/// mismatch is `InternalError` (`X0004`) naming the line.
pub(crate) fn verify_traces(results: &commissio::Results, plan: Option<&str>) -> PyResult<usize> {
    results.verify_traces().map_err(|m| {
        let within = plan.map(|p| format!("plan {p:?}: ")).unwrap_or_default();
        let err = exceptions::InternalError::new_err(format!(
            "{within}a trace does not replay to its line (this is a bug; please report it): {m}"
        ));
        Python::attach(|py| {
            let _ = err.value(py).setattr("code", "X0004");
            let _ = err.value(py).setattr("canonical_json", py.None());
        });
        err
    })
}
