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
//! No Rust panic crosses into Python: [`guard`] wraps every entry point.

use crate::objects::{DataIssue, Diagnostic};
use commissio::{DataErrors, Error, LineIndex};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::IntoPyObjectExt;
use std::panic::{catch_unwind, AssertUnwindSafe};

create_exception!(
    commissio,
    CommissioError,
    PyException,
    "Base class of every error Commissio raises; `.code` is the stable code of the (first) problem."
);
create_exception!(
    commissio,
    PlanError,
    CommissioError,
    "The plan text has errors. `.diagnostics` lists every one (code, line, column, message, hint)."
);
create_exception!(
    commissio,
    DataError,
    CommissioError,
    "The input rows do not fit the plan. `.errors` lists every issue (table, row, field, ...)."
);
create_exception!(
    commissio,
    PeriodError,
    CommissioError,
    "A period text (`2026-Q1`, `2026-01..2026-06`, `2026`) cannot be read with the plan's calendar."
);
create_exception!(
    commissio,
    EvalError,
    CommissioError,
    "Evaluation stopped (division by zero, overflow, a value out of range): `.payee`, `.deal`, `.period` and the plan `.line`/`.column` say where."
);
create_exception!(
    commissio,
    InternalError,
    CommissioError,
    "A bug in Commissio (a Rust panic caught before it reached Python). Please report it."
);

/// Runs `f`, turning a Rust panic into `commissio.InternalError`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let err = InternalError::new_err(format!(
                "internal error in commissio (this is a bug; please report it): {msg}"
            ));
            Python::attach(|py| {
                let _ = err.value(py).setattr("code", "INTERNAL");
                let _ = err.value(py).setattr("canonical_json", py.None());
            });
            Err(err)
        }
    }
}

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
    let index = LineIndex::new(source);
    let n = diags.len();
    let mut msg = format!("the plan has {n} error{}", if n == 1 { "" } else { "s" });
    if let Some(d) = diags.first() {
        let p = index.position(d.primary.span.start as usize);
        msg.push_str(&format!(
            "; first: [{}] line {}, column {}: {}",
            d.code, p.line, p.column, d.message
        ));
    }
    msg.push_str("\n\n");
    for d in diags {
        msg.push_str(&d.render(&index, file));
    }
    let list = match PyList::new(py, diags.iter().map(|d| Diagnostic::new(d, &index))) {
        Ok(l) => l.into_any(),
        Err(e) => return e,
    };
    let code = diags.first().map(|d| d.code);
    let canonical = Error::Plan(diags.to_vec()).to_json_indexed(&index);
    with_attrs(
        py,
        PlanError::new_err(msg.trim_end().to_string()),
        &[
            ("diagnostics", list),
            ("code", obj(py, code)),
            ("canonical_json", obj(py, canonical)),
        ],
    )
}

/// `commissio.DataError` for the data errors of one evaluation.
pub fn data_error(py: Python<'_>, errs: &DataErrors) -> PyErr {
    let issues: Vec<DataIssue> = errs.errors.iter().map(DataIssue::new).collect();
    let first = issues.first().cloned();
    let list = match PyList::new(py, issues) {
        Ok(l) => l.into_any(),
        Err(e) => return e,
    };
    let mut msg = errs.to_string();
    if msg.is_empty() {
        msg = "the input data does not fit the plan".to_string();
    }
    let f = first.as_ref();
    let canonical = Error::Data(errs.clone()).to_json("");
    with_attrs(
        py,
        DataError::new_err(msg),
        &[
            ("canonical_json", obj(py, canonical)),
            ("errors", list),
            ("omitted", obj(py, errs.omitted)),
            ("code", obj(py, f.map(|f| f.code.as_str()))),
            ("table", obj(py, f.and_then(|f| f.table.as_deref()))),
            ("row", obj(py, f.and_then(|f| f.row))),
            ("id", obj(py, f.and_then(|f| f.id.as_deref()))),
            ("field", obj(py, f.and_then(|f| f.field.as_deref()))),
        ],
    )
}

/// Converts an engine error into the matching Python exception.
pub fn to_py(py: Python<'_>, err: Error, source: &str, file: &str) -> PyErr {
    let canonical = match &err {
        Error::Period(_) | Error::Eval(_) => err.to_json(source),
        // Made by `plan_error` and `data_error`, which are also called on their own.
        Error::Plan(_) | Error::Data(_) => String::new(),
    };
    match err {
        Error::Plan(diags) => plan_error(py, &diags, source, file),
        Error::Data(errs) => data_error(py, &errs),
        Error::Period(e) => with_attrs(
            py,
            PeriodError::new_err(e.to_string()),
            &[
                ("canonical_json", obj(py, &canonical)),
                ("code", obj(py, "P0001")),
                ("text", obj(py, &e.text)),
                ("reason", obj(py, &e.reason)),
            ],
        ),
        Error::Eval(e) => {
            let index = LineIndex::new(source);
            let at = index.position(e.source.start as usize);
            let located = e.source.end > 0 || e.source.start > 0;
            let mut msg = format!("[{}] {}", e.code, e.message);
            let mut ctx = Vec::new();
            if let Some(p) = &e.payee {
                ctx.push(format!("payee {p:?}"));
            }
            if let Some(p) = &e.period {
                ctx.push(format!("period {p}"));
            }
            if let Some(d) = &e.deal {
                ctx.push(format!("deal {d:?}"));
            }
            if located {
                ctx.push(format!("{file} line {}, column {}", at.line, at.column));
            }
            if !ctx.is_empty() {
                msg.push_str(&format!(" ({})", ctx.join(", ")));
            }
            let (line, column) = if located {
                (Some(at.line), Some(at.column))
            } else {
                (None, None)
            };
            with_attrs(
                py,
                EvalError::new_err(msg),
                &[
                    ("canonical_json", obj(py, &canonical)),
                    ("code", obj(py, &e.code)),
                    ("payee", obj(py, e.payee.as_deref())),
                    ("deal", obj(py, e.deal.as_deref())),
                    ("period", obj(py, e.period.as_deref())),
                    ("start", obj(py, e.source.start)),
                    ("end", obj(py, e.source.end)),
                    ("line", obj(py, line)),
                    ("column", obj(py, column)),
                ],
            )
        }
    }
}
