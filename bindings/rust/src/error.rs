//! The facade's error: anything that can stop a plan from paying. How it is shown (its view,
//! summary and canonical JSON) is in [`crate::view`].

use crate::args::ArgumentError;
use commissio_core::load::DataErrors;
use commissio_core::period::PeriodParseError;
use commissio_core::results::EvalError;
use commissio_dsl::Diagnostic;

/// Anything that can stop a plan from paying: a plan error, bad data, a bad period, or an
/// evaluation error. Each carries enough to name the place (plan line and column, table, row
/// and field, or the plan span and record).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The plan text has errors; every diagnostic is here.
    #[error("the plan has {} error(s); first: [{}] {}", .0.len(), .0.first().map(|d| d.code).unwrap_or(""), .0.first().map(|d| d.message.as_str()).unwrap_or(""))]
    Plan(Vec<Diagnostic>),
    /// The input data does not fit the plan's schema.
    #[error("{0}")]
    Data(DataErrors),
    /// The period text could not be read.
    #[error("{0}")]
    Period(PeriodParseError),
    /// Evaluation stopped (division by zero, overflow, out-of-range value).
    #[error("{0}")]
    Eval(EvalError),
    /// An argument (a decimal, a period count) could not be read (`A0001`).
    #[error("{0}")]
    Argument(ArgumentError),
}

impl Error {
    /// The stable code of the (first) error: `E0301`, `D0204`, `R0101`, or `P0001` for a period.
    pub fn code(&self) -> String {
        match self {
            Error::Plan(d) => d.first().map(|d| d.code.to_string()).unwrap_or_default(),
            Error::Data(e) => e
                .errors
                .first()
                .map(|e| e.code.as_str().to_string())
                .unwrap_or_default(),
            Error::Period(_) => "P0001".to_string(),
            Error::Eval(e) => e.code.clone(),
            Error::Argument(_) => ArgumentError::CODE.to_string(),
        }
    }
}
