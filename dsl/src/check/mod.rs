//! The checker: names, types, tier tables and ranges, then lowering to the typed plan.
//!
//! Every problem is collected (not just the first), each as a [`Diagnostic`] with a stable
//! code. A plan with any error is refused; nothing is lowered from it.
//!
//! Codes (also listed in docs/language.md):
//!
//! | code | meaning |
//! |---|---|
//! | E0101 | unknown name (measure, field, built-in) |
//! | E0102 | unknown field of a record (`deal.x`) |
//! | E0103 | duplicate name or declaration |
//! | E0104 | missing `currency` |
//! | E0105 | missing `period` |
//! | E0106 | missing `effective` |
//! | E0107 | missing `rounding` |
//! | E0108 | unknown record kind in `input` (only `deal` and `payee`) |
//! | E0109 | unknown built-in column in an input mapping |
//! | E0110 | versions of one file name different plans or repeat a version number |
//! | E0111 | versions declare different inputs, currency or calendar |
//! | E0112 | invalid currency code or rounding scale |
//! | E0201 | type mismatch |
//! | E0202 | money mixed with a plain number (or money × money) |
//! | E0203 | a condition is not true/false |
//! | E0204 | a value is not available here (deal fields at period level, ...) |
//! | E0205 | a component must pay money |
//! | E0206 | aggregate inside an aggregate |
//! | E0207 | wrong number or kind of function arguments |
//! | E0208 | a commission basis does not depend on the deal line |
//! | E0209 | team commission counts a component that depends on team commission (a cycle) |
//! | E0301 | tiers leave a gap |
//! | E0302 | tiers overlap |
//! | E0303 | tiers (or anchors) are not sorted |
//! | E0304 | unreachable or empty tier |
//! | E0305 | tier bounds must be constants |
//! | E0306 | tier table shape (rows vs anchors, too few anchors) |
//! | E0307 | tier key must be `amount` or a measure |
//! | E0308 | tier scope not allowed with this key or mode |
//! | E0310 | rate table row has the wrong number of keys, or two defaults |
//! | E0401 | a date window lies outside the effective range |
//! | E0402 | a date range ends before it starts |
//! | E0403 | versions' effective ranges overlap |
//! | E0501 | a component pays nothing (no `commission on` or `pay`) |
//! | E0502 | a component has both `commission on` and `pay` |
//! | E0503 | `commission on` without a `rate` |
//! | E0504 | `rate` without `commission on` |
//! | E0505 | a cap or floor at the wrong level for where it is written |
//! | E0900 | construct not supported yet (holdback, draw, clawback, guarantee) |
//!
//! Two limits are checked here too, with codes of the limit family (docs/language.md §14):
//!
//! | code | limit |
//! |---|---|
//! | E0008 | more than [`MAX_TIER_ROWS`] rows in one tier, interpolated or rate table |
//! | E0009 | more than [`MAX_COMPONENTS`] components in one plan (version) |
//!
//! [`Diagnostic`]: crate::diagnostic::Diagnostic

mod checker;
mod components;
mod exprs;
mod inputs;
mod measures;
mod plan;
mod tiers;

pub use plan::{check, compile, MAX_COMPONENTS, MAX_TIER_ROWS};
