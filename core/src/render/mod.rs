//! Renderings of results for people and files, each built only from the results and their
//! traces, so they say exactly what the engine did:
//!
//! - `json`: the whole results as JSON ([`crate::results::Results::to_json`]);
//! - [`csv`]: one row per line;
//! - [`markdown`]: a payee's statement;
//! - [`explain`]: the plain-text story of a payout, step by step;
//! - [`curve`]: a pay curve and its SVG chart;
//! - [`numbers`]: amounts and rates as a person reads them (shared by the others).

pub mod csv;
pub mod curve;
pub mod explain;
pub(crate) mod json;
pub mod markdown;
pub mod numbers;
