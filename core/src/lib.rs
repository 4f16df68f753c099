//! # commissio-core
//!
//! The Commissio engine. It knows nothing of plan text: the DSL crate lowers checked plans into
//! [`plan::Plan`], and this crate evaluates them.
//!
//! Flow: input tables → [`load`] (validated, columnar [`dataset::Dataset`]) →
//! evaluate(plan, dataset, period range) → results with a trace behind every line.
//!
//! Money and rates are [`rust_decimal::Decimal`] throughout; rounding happens only where the
//! plan says ([`money::Rounding`]).

// Evaluation errors carry the plan span, payee, deal and period: large, and on the cold path.
#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

mod assigned;
pub mod dataset;
pub mod eval;
pub mod exact;
mod lines;
pub mod load;
pub mod money;
pub mod period;
pub mod plan;
pub mod program;
pub mod render;
pub mod replay;
pub mod results;
mod tape;

/// Pay curves, at the path they had before rendering moved under [`render`].
pub use render::curve;

/// Explanations and statements, at the path they had before rendering moved under [`render`].
pub mod report {
    pub use crate::render::explain::{explain_line, explain_payee, rounding_stage_note};
    pub use crate::render::markdown::statement_markdown;
    pub use crate::render::numbers::{group_digits, percent};
}

pub use rust_decimal::Decimal;

pub use eval::{evaluate, evaluate_with, EvalOptions};
pub use program::{evaluate_program, ProgramResults, SplitRule};
pub use replay::{ReplayError, ReplayMismatch};
pub use results::{EvalError, Line, Results, Trace};
