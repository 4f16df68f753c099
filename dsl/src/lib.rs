//! # commissio-dsl
//!
//! The Commissio plan language. Stages, one direction only:
//!
//! 1. [`mod@parse`]: text → pest parse tree → spanned [`ast`] (with size and depth limits);
//! 2. [`mod@check`]: names, types, tier tables, ranges — every error collected, each a
//!    [`diagnostic::Diagnostic`] with a stable code — then lowering to the typed
//!    [`commissio_core::plan::Plan`];
//! 3. [`mod@format`]: the canonical layout of a plan (idempotent).

// Diagnostics carry spans, labels and hints: large, and on the cold path.
#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod format;
pub mod parse;
mod stack;

pub use check::{check, compile, MAX_COMPONENTS, MAX_TIER_ROWS};
pub use diagnostic::{Diagnostic, LineIndex};
pub use format::format;
pub use parse::{parse, parse_with_limits, Limits};
