//! The exception classes of the Python package, and [`guard`], which every entry point runs
//! in so that no Rust panic crosses into Python. A leaf module: the conversion of engine
//! errors into these exceptions is in [`crate::errors`].

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
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
