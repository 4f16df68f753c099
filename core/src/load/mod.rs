//! Loading input tables into a validated [`Dataset`].
//!
//! Every binding hands its rows over as [`Table`]s of [`Cell`]s (or as CSV / JSON text through
//! [`read_csv`] and [`read_json`]); [`build_dataset`] checks them against a plan version's
//! schema, currency and calendar, and either returns a [`Dataset`] the evaluator can trust or
//! every problem it found ([`DataErrors`], at most [`MAX_ERRORS`] listed plus a count of the
//! rest). [`build_dataset_owned`] does the same with tables it may free as it reads them.
//! Nothing here panics on any input, and no value ever passes through `f32`/`f64`.
//!
//! # Tables and columns
//!
//! Columns are matched by exact name; extra columns are ignored. Built-in columns of payees
//! and deals may be renamed by the plan ([`RecordSchema::builtin_column`]).
//!
//! | table | built-in columns | then |
//! | --- | --- | --- |
//! | `payees` | `id` (required), `manager`, `start`, `end` (optional columns; empty cells allowed) | every `schema.payee.fields` column |
//! | `deals` | `id`, `payee` (the owner), `date` (all required) | every `schema.deal.fields` column |
//! | `credits` (optional) | `deal`, `payee`, `share` (required), `role` (optional) | — |
//! | `quotas` (optional) | `payee`, `period`, `amount` (required) | — |
//! | `managers` (optional) | `payee`, `manager`, `from` (required), `to` (optional column; empty = no end) | — |
//! | `assignments` (programs) | `payee`, `plan`, `from` (required), `to`, `weight` (optional columns) | — ([`read_assignments`]) |
//!
//! A deal with credit rows is credited to exactly those payees (the owner is not added); their
//! shares must sum to exactly 1 unless the plan is an overlay plan. A deal without credit rows
//! is credited to its owner with share 1, implicitly: the resulting [`crate::dataset::Credits`]
//! hold only the credits table's rows, ordered by deal row, then input order, and
//! [`crate::dataset::Dataset::credit_lines`] gives every line, the owners' included.
//!
//! The `managers` table holds effective-dated manager assignments: `payee` reports to `manager`
//! from `from` through `to`, both days included (an empty `to` has no end). A payee's
//! assignments do not overlap (`D0210`); on no day does the hierarchy they make have a cycle
//! (`D0208`, reported once per cycle at its lowest row), and no payee has more than
//! [`MAX_HIERARCHY_DEPTH`] managers above them on any day (`D0212`; a cycle longer than that
//! is reported as this). When the table is given it is the
//! whole hierarchy: the payees table's `manager` column must then be absent or empty
//! (`D0211`); a payee on a day without an assignment has no manager that day.
//!
//! # Values
//!
//! An empty cell ([`Cell::Null`], or text that is empty) in a declared field is an error: all
//! declared fields are required. Typed values (numbers, dates, bools) may be surrounded by
//! spaces; ids and text values are taken exactly as written.
//!
//! | type | accepted |
//! | --- | --- |
//! | money | a plain decimal (`1234.50`, `-5`; no `+`, no thousands separators, no exponent) with at most `currency.minor_units` decimals that are not zero (`1.500` is fine in USD, `1.505` is not); integer and decimal cells |
//! | number | any plain decimal; integer and decimal cells |
//! | percent | `30%` (= 0.30) or a plain decimal `0.30`; integer and decimal cells |
//! | integer | a whole number (`12`, also `12.0`); integer cells, decimal cells without fraction |
//! | date | ISO `YYYY-MM-DD`, strictly |
//! | text | any non-empty text; integer and decimal cells are taken as their written form |
//! | bool | `true` or `false` in any letter case (`TRUE`, `True`); bool cells. `1`/`0`, `yes`/`no` are rejected as ambiguous |
//! | id (payee, deal, manager references) | non-empty text or an integer cell |
//! | share | like percent, and `0 < share <= 1` |
//! | period (quotas) | a label read by [`parse_period_range`] with the plan calendar that names exactly one plan period (`2026-Q1`) |
//!
//! Decimals hold at most 28 significant digits; anything larger is an error, never a rounded
//! value.
//!
//! A [`Cell::Refused`] (a host value a binding would not convert, such as a binary float) is
//! an error of every type: `D0102` at its table, row, id and field, with the binding's reason
//! as the message. A refused value in a column the plan does not read is never looked at.
//!
//! # Error codes
//!
//! | code | meaning |
//! | --- | --- |
//! | `D0001` | CSV or JSON text is malformed (with line and column) |
//! | `D0002` | JSON is not an array of flat objects (nested value, duplicate key, ...) |
//! | `D0101` | a required column is missing |
//! | `D0102` | a value has the wrong type or cannot be read as its type |
//! | `D0103` | money with more decimals than the currency allows |
//! | `D0104` | a required value is empty |
//! | `D0105` | a number is out of range or written with an exponent |
//! | `D0106` | a column used by the plan appears more than once in the header |
//! | `D0107` | a row has a different number of cells than the header |
//! | `D0108` | a table has more rows than the limit ([`MAX_ROWS`], or [`LoadOptions::max_rows`]); the error's row is the first row beyond it |
//! | `D0201` | duplicate id (payee or deal) |
//! | `D0202` | unknown payee (deal owner, credit, quota) |
//! | `D0203` | unknown deal (credit) |
//! | `D0204` | the credit shares of a deal do not sum to exactly 1 (non-overlay plan) |
//! | `D0205` | the same payee is credited twice on one deal |
//! | `D0206` | a credit share is not in `(0, 1]` |
//! | `D0207` | unknown manager |
//! | `D0208` | manager cycle (a payee is their own direct or indirect manager; with a managers table, on some day) |
//! | `D0209` | a payee's `start` is after their `end`, or a manager assignment's `from` is after its `to` |
//! | `D0210` | two manager assignments of one payee overlap |
//! | `D0211` | a manager in the payees table although a managers table is given |
//! | `D0212` | a payee has more than [`MAX_HIERARCHY_DEPTH`] managers above them (direct and indirect; with a managers table, on some day), reported once, at the lowest such row |
//! | `D0301` | a quota period cannot be read or does not name exactly one plan period |
//! | `D0302` | two quotas for the same payee and period |
//! | `D0401` | an assignment names a plan that is not in the program |
//! | `D0402` | an assignment's weight is not in `(0, 1]` |
//! | `D0403` | two assignments of one payee overlap without weights, or to the same plan |
//! | `D0404` | a payee's assignment weights add up to more than 1 on some day |
//!
//! Row numbers count data rows from 1 (the first row after a CSV header is row 1).
//!
//! [`Dataset`]: crate::dataset::Dataset
//! [`RecordSchema::builtin_column`]: crate::plan::RecordSchema::builtin_column
//! [`parse_period_range`]: crate::period::parse_period_range

mod assignments;
mod build;
mod csv;
mod error;
mod hierarchy;
mod inputs;
mod json;
mod schema;
mod table;
#[cfg(test)]
mod tests;
mod text;
mod values;

pub use self::csv::{read_csv, read_csv_owned};
pub use assignments::{read_assignments, PlanAssignment};
pub use build::{
    build_dataset, build_dataset_owned, build_dataset_owned_with, build_dataset_with, LoadOptions,
    MAX_ROWS,
};
pub use error::{line_and_column, DataError, DataErrorCode, DataErrors, TableKind, MAX_ERRORS};
pub use hierarchy::MAX_HIERARCHY_DEPTH;
pub use inputs::Inputs;
pub use json::read_json;
pub use table::{Cell, CellRef, Table};
pub use text::{
    read_table_file, read_table_from, read_text_from, table_text, TableFormat, TextReadError,
    MAX_TABLE_BYTES,
};
