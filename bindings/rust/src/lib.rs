//! # commissio
//!
//! One crate for Rust users: parse, check and evaluate commission plans.
//!
//! Stages: plan text → [`dsl`] (pest parse → spanned AST → checker → typed plan) →
//! [`core`] (input tables → validated dataset → evaluate → results with a trace per line).
//!
//! ```
//! use commissio::{CompiledPlan, Inputs};
//!
//! let plan = CompiledPlan::compile(r#"
//! plan "Flat" {
//!   currency USD
//!   period quarter
//!   effective 2026-01-01 to 2026-12-31
//!   rounding half_even 2 per line
//!   input deal { amount: money }
//!   component base { commission on credit.amount  rate 5% }
//! }"#).unwrap();
//! let inputs = Inputs::from_csv(
//!     "id\nA\n",
//!     "id,payee,date,amount\nD1,A,2026-02-01,1000.10\n",
//!     None,
//!     None,
//! ).unwrap();
//! let results = plan.evaluate(&inputs, "2026-Q1").unwrap();
//! assert_eq!(results.total("A", "2026-Q1").unwrap().to_string(), "50.00");
//! ```
//!
//! A reporting hierarchy with effective dates (the optional `managers` table: `payee`,
//! `manager`, `from`, `to`) is added with [`Inputs::with_managers_csv`] or
//! [`Inputs::with_managers_json`], or by setting [`Inputs::managers`] to a [`Table`].

#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

pub mod args;
mod error;
pub mod host;
mod plan;
pub mod program;
pub mod schema;
pub mod view;

pub use commissio_core as core;
pub use commissio_dsl as dsl;

pub use commissio_core::load::{Cell, DataError, DataErrors, Inputs, LoadOptions, Table, MAX_ROWS};
pub use commissio_core::plan::Plan;
pub use commissio_core::replay::{ReplayError, ReplayMismatch};
pub use commissio_core::results::{EvalError, Results};
pub use commissio_dsl::{Diagnostic, LineIndex, MAX_COMPONENTS, MAX_TIER_ROWS};

pub use args::{parse_decimal_argument, ArgumentError, ArgumentKind};
pub use commissio_core::program::{PlanResults, ProgramResults, ProgramTotal, SplitRule};
pub use error::Error;
pub use plan::{read_plan_from, CompiledPlan, PlanReadError};
pub use program::{CompiledProgram, ProgramError};
pub use schema::{ColumnSchema, ColumnType, FieldKind, InputSchema, TableSchema};
pub use view::{DiagnosticView, ErrorView, RelatedView, SourceLines, SpanView};
