//! `commissio._commissio`: the native module behind the `commissio` Python package.
//!
//! A thin adapter over the Rust facade (`commissio::CompiledPlan`, `commissio::CompiledProgram`):
//! plan text in ([`plan`], [`program`]), Python inputs converted to engine tables ([`input`],
//! [`arrow_in`]), results out ([`results`]) as small immutable objects ([`objects`]) or Arrow
//! tables ([`arrow_out`]). No commission logic lives here.
//!
//! Every entry point runs inside [`exceptions::guard`], so a Rust panic surfaces as
//! `commissio.InternalError`, never as a crash or a `PanicException`. Evaluation runs with the
//! GIL released.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod arrow_in;
mod arrow_out;
mod errors;
mod exceptions;
mod input;
mod objects;
mod plan;
mod problems;
mod program;
mod results;

use arrow_out::ArrowTable;
use exceptions::guard;
use objects::{ComponentTotal, CurvePoint, DataIssue, Diagnostic, Label, Line, Total};
use plan::Plan;
use results::Results;

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
    m.add_class::<program::Program>()?;
    m.add_class::<program::ProgramResults>()?;
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
