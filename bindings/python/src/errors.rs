//! The exceptions of the Python package, and the conversion of `commissio::Error` into them.
//!
//! Every exception is a `commissio.CommissioError` and carries `.code` (the stable code of its
//! first problem) plus structured attributes:
//!
//! | exception | raised when | attributes |
//! | --- | --- | --- |
//! | `PlanError` | plan text has errors | `diagnostics` (every `Diagnostic`) |
//! | `DataError` | input rows do not fit the plan | `errors` (every `DataIssue`), `omitted`, and the first issue's `table`, `row`, `id`, `field` |
//! | `PeriodError` | a period text cannot be read | `text`, `reason` |
//! | `EvalError` | evaluation stops (division by zero, overflow, ...) | `payee`, `deal`, `period`, `start`, `end`, `line`, `column` |
//! | `InternalError` | a bug: a Rust panic caught at the boundary | — |
//!
//! Every exception but `InternalError` also carries `canonical_json`: the engine's canonical
//! JSON of the error (`commissio::Error::to_json`), the same text as from Rust and JavaScript.
//!
//! No Rust panic crosses into Python: [`crate::exceptions::guard`] wraps every entry point.

use crate::exceptions::{DataError, EvalError, PeriodError, PlanError};
use crate::objects::{DataIssue, Diagnostic};
use commissio::{CompiledProgram, DataErrors, Error, ErrorView, ProgramError, SourceLines};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::IntoPyObjectExt;

/// Any value as a Python object (`None` if it cannot be converted, which plain values never fail).
fn obj<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> Bound<'py, PyAny> {
    v.into_bound_py_any(py)
        .unwrap_or_else(|_| py.None().into_bound(py))
}

fn with_attrs(py: Python<'_>, err: PyErr, attrs: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (k, v) in attrs {
        if let Err(e) = value.setattr(*k, v) {
            return e;
        }
    }
    err
}

/// `commissio.PlanError` for a list of diagnostics of `source` (`file` names it in messages).
pub fn plan_error(
    py: Python<'_>,
    diags: &[commissio::Diagnostic],
    source: &str,
    file: &str,
) -> PyErr {
    to_py(py, Error::Plan(diags.to_vec()), source, file)
}

/// `commissio.DataError` for the data errors of one evaluation.
pub fn data_error(py: Python<'_>, errs: &DataErrors) -> PyErr {
    to_py(py, Error::Data(errs.clone()), "", "")
}

/// Converts an engine error into the matching Python exception: its message is the view's
/// one-line summary (for a plan, followed by every diagnostic rendered with its source line;
/// for data, by every error), its attributes the view's fields.
pub fn to_py(py: Python<'_>, err: Error, source: &str, file: &str) -> PyErr {
    to_py_as(py, err, source, file, None)
}

/// Converts a program's error into the exception a plan's evaluation error of the same kind
/// raises, with the same attributes: its message led by the facade's
/// `ProgramError::summary` (`plan "AE": ...` when it arose in one plan), its `canonical_json`
/// the facade's `ProgramError::to_json`, and its spans positions in that plan's text.
pub fn program_error(py: Python<'_>, err: ProgramError, program: &CompiledProgram) -> PyErr {
    let source = err
        .plan
        .as_deref()
        .and_then(|name| program.plan(name))
        .map(|p| p.source.clone())
        .unwrap_or_default();
    let shown = (err.summary(program), err.to_json(program));
    to_py_as(py, err.error, &source, "", Some(shown))
}

/// [`to_py`], with the summary and canonical JSON given (`shown`) instead of the view's own.
fn to_py_as(
    py: Python<'_>,
    err: Error,
    source: &str,
    file: &str,
    shown: Option<(String, String)>,
) -> PyErr {
    let lines = SourceLines::new(source);
    let view = err.view(&lines);
    let (mut message, canonical) = match shown {
        Some((summary, json)) => (summary, json),
        None => (
            view.summary().to_string(),
            serde_json::to_string(&view).unwrap_or_default(),
        ),
    };
    let canonical = obj(py, canonical);
    let code = obj(py, view.code());
    match (&err, view) {
        (Error::Plan(diags), ErrorView::Plan { .. }) => {
            message.push_str("\n\n");
            for d in diags {
                message.push_str(&d.render(lines.index(), file));
            }
            let list = match PyList::new(py, diags.iter().map(|d| Diagnostic::new(d, &lines))) {
                Ok(l) => l.into_any(),
                Err(e) => return e,
            };
            with_attrs(
                py,
                PlanError::new_err(message.trim_end().to_string()),
                &[
                    ("diagnostics", list),
                    ("code", code),
                    ("canonical_json", canonical),
                ],
            )
        }
        (
            _,
            ErrorView::Data {
                errors, omitted, ..
            },
        ) => {
            if errors.len() + omitted > 1 {
                message.push('\n');
                message.push_str(
                    &DataErrors {
                        errors: errors.to_vec(),
                        omitted,
                    }
                    .to_string(),
                );
            }
            let issues: Vec<DataIssue> = errors.iter().map(DataIssue::new).collect();
            let first = issues.first().cloned();
            let list = match PyList::new(py, issues) {
                Ok(l) => l.into_any(),
                Err(e) => return e,
            };
            let f = first.as_ref();
            with_attrs(
                py,
                DataError::new_err(message),
                &[
                    ("canonical_json", canonical),
                    ("errors", list),
                    ("omitted", obj(py, omitted)),
                    ("code", code),
                    ("table", obj(py, f.and_then(|f| f.table.as_deref()))),
                    ("row", obj(py, f.and_then(|f| f.row))),
                    ("id", obj(py, f.and_then(|f| f.id.as_deref()))),
                    ("field", obj(py, f.and_then(|f| f.field.as_deref()))),
                ],
            )
        }
        (_, ErrorView::Period { text, reason, .. }) => with_attrs(
            py,
            PeriodError::new_err(message),
            &[
                ("canonical_json", canonical),
                ("code", code),
                ("text", obj(py, text)),
                ("reason", obj(py, reason)),
            ],
        ),
        (
            _,
            ErrorView::Eval {
                payee,
                deal,
                period,
                span,
                ..
            },
        ) => with_attrs(
            py,
            EvalError::new_err(message),
            &[
                ("canonical_json", canonical),
                ("code", code),
                ("payee", obj(py, payee)),
                ("deal", obj(py, deal)),
                ("period", obj(py, period)),
                ("start", obj(py, span.map(|s| s.start))),
                ("end", obj(py, span.map(|s| s.end))),
                ("line", obj(py, span.map(|s| s.line))),
                ("column", obj(py, span.map(|s| s.column))),
            ],
        ),
        (_, _) => with_attrs(
            py,
            PyValueError::new_err(message),
            &[("code", code), ("canonical_json", canonical)],
        ),
    }
}
