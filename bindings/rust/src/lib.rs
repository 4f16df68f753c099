//! # commissio
//!
//! One crate for Rust users: parse, check and evaluate commission plans.
//!
//! Stages: plan text → [`dsl`] (pest parse → spanned AST → checker → typed plan) →
//! [`core`] (dataset → evaluate → results with traces).

pub use commissio_core as core;
pub use commissio_dsl as dsl;
