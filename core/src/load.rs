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
//!
//! Row numbers count data rows from 1 (the first row after a CSV header is row 1).

use crate::dataset::{Assignment, Column, Credits, Dataset, Deals, Interner, Payees, Quota, Sym};
use crate::period::{parse_period_range, Date, Period};
use crate::plan::{FieldDef, FieldType, PlanVersion, RecordSchema};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// Most errors listed in one [`DataErrors`]; the rest are only counted.
pub const MAX_ERRORS: usize = 100;

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// One cell of input, as any binding can produce it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Cell {
    /// No value (an empty CSV cell, JSON `null`, Python `None`).
    #[default]
    Null,
    /// Text, read according to the column's declared type.
    Text(String),
    /// An exact decimal.
    Decimal(Decimal),
    /// A whole number.
    Integer(i64),
    /// A boolean.
    Bool(bool),
}

/// A borrowed view of one cell, as the loader reads it (from a [`Cell`] or straight from CSV
/// text, where an empty field is [`CellRef::Null`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    /// No value.
    Null,
    /// Text.
    Text(&'a str),
    /// An exact decimal.
    Decimal(Decimal),
    /// A whole number.
    Integer(i64),
    /// A boolean.
    Bool(bool),
}

impl Cell {
    /// A borrowed view of this cell.
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Null => CellRef::Null,
            Cell::Text(s) => CellRef::Text(s),
            Cell::Decimal(d) => CellRef::Decimal(*d),
            Cell::Integer(i) => CellRef::Integer(*i),
            Cell::Bool(b) => CellRef::Bool(*b),
        }
    }
}

impl CellRef<'_> {
    /// An owned copy of this cell.
    pub fn to_cell(self) -> Cell {
        match self {
            CellRef::Null => Cell::Null,
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Decimal(d) => Cell::Decimal(d),
            CellRef::Integer(i) => Cell::Integer(i),
            CellRef::Bool(b) => Cell::Bool(b),
        }
    }
}

/// A table: column names and rows of cells (each row should have one cell per column;
/// [`build_dataset`] reports rows that do not, `D0107`).
///
/// A table holds its rows either as [`Cell`]s (what bindings build, [`Table::from_rows`]) or,
/// when read by [`read_csv`], as the CSV text itself: rows are parsed again each time they are
/// visited, so a million-row file costs its own size in memory rather than a string per cell.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<String>,
    body: Body,
}

/// Tables are equal when their columns and cells are, however they are stored.
impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        if self.columns != other.columns || self.len() != other.len() {
            return false;
        }
        let (mut a, mut b) = (self.rows(), other.rows());
        while let (Some(x), Some(y)) = (a.next_row(), b.next_row()) {
            if x.len() != y.len() || (0..x.len()).any(|c| x.get(Some(c)) != y.get(Some(c))) {
                return false;
            }
        }
        true
    }
}

impl Eq for Table {}

#[derive(Debug, Clone)]
enum Body {
    Cells(Vec<Vec<Cell>>),
    /// CSV text (header included, byte-order mark removed) and its number of records.
    Csv {
        text: String,
        rows: usize,
    },
}

impl Default for Body {
    fn default() -> Self {
        Body::Cells(Vec::new())
    }
}

impl Table {
    /// A table with the given columns and no rows.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            body: Body::Cells(Vec::new()),
        }
    }

    /// A table of the given columns and rows (`rows[r][c]` is the cell of `columns[c]`).
    pub fn from_rows(columns: Vec<String>, rows: Vec<Vec<Cell>>) -> Self {
        Table {
            columns,
            body: Body::Cells(rows),
        }
    }

    /// Adds a row (builder style).
    pub fn with_row(mut self, row: Vec<Cell>) -> Self {
        self.push_row(row);
        self
    }

    /// Adds a row at the end.
    pub fn push_row(&mut self, row: Vec<Cell>) {
        if let Body::Csv { .. } = self.body {
            self.body = Body::Cells(self.to_rows());
        }
        if let Body::Cells(rows) = &mut self.body {
            rows.push(row);
        }
    }

    /// Column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Replaces the column names (rows are kept as they are).
    pub fn set_columns(&mut self, columns: Vec<String>) {
        if let Body::Csv { .. } = self.body {
            self.body = Body::Cells(self.to_rows());
        }
        self.columns = columns;
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.body {
            Body::Cells(rows) => rows.len(),
            Body::Csv { rows, .. } => *rows,
        }
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row as owned cells (CSV text is parsed; meant for inspection, not for speed).
    pub fn to_rows(&self) -> Vec<Vec<Cell>> {
        let mut out = Vec::with_capacity(self.len());
        let mut rows = self.rows();
        while let Some(row) = rows.next_row() {
            out.push((0..row.len()).map(|c| row.get(Some(c)).to_cell()).collect());
        }
        out
    }

    /// A cursor over the rows, in order.
    pub(crate) fn rows(&self) -> Rows<'_> {
        let source = match &self.body {
            Body::Cells(rows) => RowSource::Cells(rows.iter()),
            Body::Csv { text, .. } => {
                RowSource::Csv(Box::new((csv_reader(text), csv::StringRecord::new())))
            }
        };
        Rows { source, next: 0 }
    }

    /// The table taken apart for one pass over its rows: its columns, its number of rows and
    /// a cursor that owns the rows and gives their memory back as it goes (CSV text as it is
    /// read, each row of cells once passed), so a large table is never held twice over while
    /// a dataset is built from it.
    pub(crate) fn into_rows(self) -> Open<'static> {
        let len = self.len();
        let source = match self.body {
            Body::Cells(rows) => RowSource::CellsOwned(rows.into_iter(), Vec::new()),
            Body::Csv { text, .. } => {
                let text = Draining {
                    text: text.into_bytes(),
                    pos: 0,
                };
                RowSource::CsvOwned(Box::new((
                    csv_builder().from_reader(text),
                    csv::StringRecord::new(),
                )))
            }
        };
        Open {
            columns: Cow::Owned(self.columns),
            len,
            rows: Rows { source, next: 0 },
        }
    }

    /// [`Table::into_rows`] for a borrowed table (nothing is freed).
    pub(crate) fn open(&self) -> Open<'_> {
        Open {
            columns: Cow::Borrowed(&self.columns),
            len: self.len(),
            rows: self.rows(),
        }
    }
}

/// A table opened for one pass: see [`Table::into_rows`].
pub(crate) struct Open<'t> {
    columns: Cow<'t, [String]>,
    len: usize,
    rows: Rows<'t>,
}

/// CSV text read front to back that gives back what has been read: once a quarter of the
/// buffer lies behind the reader, the rest moves to the front and the buffer shrinks (each
/// byte moves about three times in all, a few milliseconds for 50 MB).
struct Draining {
    text: Vec<u8>,
    pos: usize,
}

impl Draining {
    /// Read bytes kept before the buffer is compacted, so small tables never are.
    const MIN_STEP: usize = 1 << 20;
}

impl std::io::Read for Draining {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.pos += n;
        if self.pos >= self.text.len() {
            // All read: nothing is read again.
            self.text = Vec::new();
            self.pos = 0;
        } else if self.pos >= Self::MIN_STEP && self.pos >= self.text.len() / 4 {
            self.text.drain(..self.pos);
            self.text.shrink_to_fit();
            self.pos = 0;
        }
        Ok(n)
    }
}

/// A cursor over a table's rows; each row borrows the cursor (CSV rows share one buffer).
pub(crate) struct Rows<'t> {
    source: RowSource<'t>,
    /// Index of the next row.
    next: usize,
}

enum RowSource<'t> {
    Cells(std::slice::Iter<'t, Vec<Cell>>),
    Csv(Box<(csv::Reader<&'t [u8]>, csv::StringRecord)>),
    /// Owned rows; the current one is kept until the next is taken.
    CellsOwned(std::vec::IntoIter<Vec<Cell>>, Vec<Cell>),
    /// Owned CSV text.
    CsvOwned(Box<(csv::Reader<Draining>, csv::StringRecord)>),
}

impl Rows<'_> {
    /// The next row, if any. CSV text was checked when it was read, so a record that cannot
    /// be read here ends the rows as well.
    pub(crate) fn next_row(&mut self) -> Option<Row<'_>> {
        let row = match &mut self.source {
            RowSource::Cells(it) => it.next().map(|r| Row::Cells(r)),
            RowSource::Csv(state) => {
                let (rdr, record) = &mut **state;
                match rdr.read_record(record) {
                    Ok(true) => Some(Row::Csv(record)),
                    _ => None,
                }
            }
            RowSource::CellsOwned(it, current) => match it.next() {
                Some(r) => {
                    *current = r;
                    Some(Row::Cells(current))
                }
                None => {
                    *current = Vec::new();
                    None
                }
            },
            RowSource::CsvOwned(state) => {
                let (rdr, record) = &mut **state;
                match rdr.read_record(record) {
                    Ok(true) => Some(Row::Csv(record)),
                    _ => None,
                }
            }
        };
        self.next += usize::from(row.is_some());
        row
    }

    /// The next row with its index (0-based).
    pub(crate) fn next_numbered(&mut self) -> Option<(usize, Row<'_>)> {
        let index = self.next;
        self.next_row().map(|row| (index, row))
    }
}

/// One row of a table.
pub(crate) enum Row<'a> {
    Cells(&'a [Cell]),
    Csv(&'a csv::StringRecord),
}

impl Row<'_> {
    /// Number of cells.
    pub(crate) fn len(&self) -> usize {
        match self {
            Row::Cells(r) => r.len(),
            Row::Csv(r) => r.len(),
        }
    }

    /// The cell of column `col` (`Null` for an absent column or a short row).
    pub(crate) fn get(&self, col: Option<usize>) -> CellRef<'_> {
        let Some(c) = col else {
            return CellRef::Null;
        };
        match self {
            Row::Cells(r) => r.get(c).map_or(CellRef::Null, Cell::as_ref),
            Row::Csv(r) => match r.get(c) {
                Some(f) if !f.is_empty() => CellRef::Text(f),
                _ => CellRef::Null,
            },
        }
    }
}

/// The input tables of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inputs {
    /// Payees (required).
    pub payees: Table,
    /// Deals (required; may have no rows).
    pub deals: Table,
    /// Credit splits; without it every deal is credited to its owner.
    pub credits: Option<Table>,
    /// Quotas per payee and period.
    pub quotas: Option<Table>,
    /// Effective-dated manager assignments (`payee`, `manager`, `from`, `to`); when given,
    /// they are the hierarchy instead of the payees table's `manager` column.
    pub managers: Option<Table>,
}

impl Inputs {
    /// Reads every table from CSV text; errors name the table they come from.
    pub fn from_csv(
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        Self::read_all(read_csv, payees, deals, credits, quotas)
    }

    /// Reads every table from JSON text (arrays of objects); errors name their table.
    pub fn from_json(
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        Self::read_all(read_json, payees, deals, credits, quotas)
    }

    fn read_all(
        read: fn(&str) -> Result<Table, DataError>,
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        let mut sink = Sink::default();
        let mut one = |kind: TableKind, text: &str| match read(text) {
            Ok(t) => t,
            Err(e) => {
                sink.push(e.in_table(kind));
                Table::default()
            }
        };
        let inputs = Inputs {
            payees: one(TableKind::Payees, payees),
            deals: one(TableKind::Deals, deals),
            credits: credits.map(|t| one(TableKind::Credits, t)),
            quotas: quotas.map(|t| one(TableKind::Quotas, t)),
            managers: None,
        };
        sink.finish(inputs)
    }

    /// The same inputs with a manager assignments table read from CSV text.
    pub fn with_managers_csv(self, text: &str) -> Result<Inputs, DataErrors> {
        self.with_managers(read_csv, text)
    }

    /// The same inputs with a manager assignments table read from JSON text.
    pub fn with_managers_json(self, text: &str) -> Result<Inputs, DataErrors> {
        self.with_managers(read_json, text)
    }

    fn with_managers(
        self,
        read: fn(&str) -> Result<Table, DataError>,
        text: &str,
    ) -> Result<Inputs, DataErrors> {
        match read(text) {
            Ok(t) => Ok(Inputs {
                managers: Some(t),
                ..self
            }),
            Err(e) => Err(DataErrors {
                errors: vec![e.in_table(TableKind::Managers)],
                omitted: 0,
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Which input table an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// `payees`
    Payees,
    /// `deals`
    Deals,
    /// `credits`
    Credits,
    /// `quotas`
    Quotas,
    /// `managers` (effective-dated manager assignments)
    Managers,
}

impl TableKind {
    /// The table's name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Payees => "payees",
            TableKind::Deals => "deals",
            TableKind::Credits => "credits",
            TableKind::Quotas => "quotas",
            TableKind::Managers => "managers",
        }
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of a data error; each has a stable code (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataErrorCode {
    /// `D0001` malformed CSV or JSON.
    Syntax,
    /// `D0002` JSON is not an array of flat objects.
    Shape,
    /// `D0101` required column missing.
    MissingColumn,
    /// `D0102` wrong type.
    WrongType,
    /// `D0103` too many decimals for the currency.
    TooManyDecimals,
    /// `D0104` required value empty.
    MissingValue,
    /// `D0105` number out of range or with an exponent.
    OutOfRange,
    /// `D0106` duplicate column.
    DuplicateColumn,
    /// `D0107` row length differs from the header.
    RowLength,
    /// `D0108` too many rows.
    TooManyRows,
    /// `D0201` duplicate id.
    DuplicateId,
    /// `D0202` unknown payee.
    UnknownPayee,
    /// `D0203` unknown deal.
    UnknownDeal,
    /// `D0204` shares do not sum to 1.
    ShareSum,
    /// `D0205` payee credited twice on one deal.
    DuplicateCredit,
    /// `D0206` share outside `(0, 1]`.
    ShareRange,
    /// `D0207` unknown manager.
    UnknownManager,
    /// `D0208` manager cycle.
    ManagerCycle,
    /// `D0209` start after end.
    StartAfterEnd,
    /// `D0301` bad quota period.
    BadPeriod,
    /// `D0302` duplicate quota.
    DuplicateQuota,
    /// `D0210` overlapping manager assignments of one payee.
    OverlappingAssignments,
    /// `D0211` a manager in the payees table while a managers table is given.
    ManagerInBothTables,
    /// `D0212` a payee has more than [`MAX_HIERARCHY_DEPTH`] managers above them.
    HierarchyTooDeep,
}

impl DataErrorCode {
    /// The stable code, e.g. `D0101`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataErrorCode::Syntax => "D0001",
            DataErrorCode::Shape => "D0002",
            DataErrorCode::MissingColumn => "D0101",
            DataErrorCode::WrongType => "D0102",
            DataErrorCode::TooManyDecimals => "D0103",
            DataErrorCode::MissingValue => "D0104",
            DataErrorCode::OutOfRange => "D0105",
            DataErrorCode::DuplicateColumn => "D0106",
            DataErrorCode::RowLength => "D0107",
            DataErrorCode::TooManyRows => "D0108",
            DataErrorCode::DuplicateId => "D0201",
            DataErrorCode::UnknownPayee => "D0202",
            DataErrorCode::UnknownDeal => "D0203",
            DataErrorCode::ShareSum => "D0204",
            DataErrorCode::DuplicateCredit => "D0205",
            DataErrorCode::ShareRange => "D0206",
            DataErrorCode::UnknownManager => "D0207",
            DataErrorCode::ManagerCycle => "D0208",
            DataErrorCode::StartAfterEnd => "D0209",
            DataErrorCode::BadPeriod => "D0301",
            DataErrorCode::DuplicateQuota => "D0302",
            DataErrorCode::OverlappingAssignments => "D0210",
            DataErrorCode::ManagerInBothTables => "D0211",
            DataErrorCode::HierarchyTooDeep => "D0212",
        }
    }
}

impl fmt::Display for DataErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DataErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in the input data, located as precisely as possible.
///
/// Displays as e.g. `[D0103] deals row 3 (id "D7"), field "amount": expected money with at
/// most 2 decimals, got "12.345"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("[{code}] {}{message}", self.location())]
pub struct DataError {
    /// Stable code (`D0103`).
    pub code: DataErrorCode,
    /// The table, when known (a reader called on its own does not know it).
    pub table: Option<TableKind>,
    /// 1-based data row (the first row after the header is 1); `None` for whole-table errors.
    pub row: Option<u64>,
    /// The record's id when known: the payee or deal id; for credits the deal id, for quotas
    /// the payee id.
    pub id: Option<String>,
    /// The column (field) concerned.
    pub field: Option<String>,
    /// What was expected, when a type or form was (`money with at most 2 decimals`).
    pub expected: Option<String>,
    /// What is wrong, in words (includes the offending value).
    pub message: String,
}

impl DataError {
    /// An error about a whole table or text (no table, row, id or field yet).
    pub fn new(code: DataErrorCode, message: impl Into<String>) -> Self {
        DataError {
            code,
            table: None,
            row: None,
            id: None,
            field: None,
            expected: None,
            message: message.into(),
        }
    }

    /// The same error, attributed to `table` (used when a reader's output is known to be a
    /// given table).
    pub fn in_table(mut self, table: TableKind) -> Self {
        self.table = Some(table);
        self
    }

    /// `deals row 3 (id "D7"), field "amount": ` — the part before the message.
    fn location(&self) -> String {
        let mut out = String::new();
        if let Some(t) = self.table {
            out.push_str(t.name());
        }
        if let Some(r) = self.row {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("row {r}"));
        }
        if let Some(id) = &self.id {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("(id {id:?})"));
        }
        if let Some(field) = &self.field {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&format!("field {field:?}"));
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out
    }
}

/// Every problem found in the input (at most [`MAX_ERRORS`] listed, the rest counted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, thiserror::Error)]
pub struct DataErrors {
    /// The errors, in table order (payees, deals, credits, quotas, managers), then row order.
    pub errors: Vec<DataError>,
    /// How many further errors were found but not listed.
    pub omitted: usize,
}

impl DataErrors {
    /// Errors found in total (listed and omitted).
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        if self.omitted > 0 {
            let s = if self.omitted == 1 { "" } else { "s" };
            write!(f, "\nand {} more error{s}", self.omitted)?;
        }
        Ok(())
    }
}

/// Collects errors up to [`MAX_ERRORS`].
#[derive(Default)]
struct Sink {
    errors: Vec<DataError>,
    omitted: usize,
}

impl Sink {
    fn push(&mut self, e: DataError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.omitted += 1;
        }
    }
    fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.omitted == 0
    }
    fn finish<T>(self, value: T) -> Result<T, DataErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(DataErrors {
                errors: self.errors,
                omitted: self.omitted,
            })
        }
    }
}

/// A value problem before it is located (table, row, id and field are added by the caller).
#[derive(Debug)]
struct Bad {
    code: DataErrorCode,
    expected: Option<String>,
    message: String,
}

impl Bad {
    fn new(code: DataErrorCode, expected: impl Into<String>, message: impl Into<String>) -> Bad {
        Bad {
            code,
            expected: Some(expected.into()),
            message: message.into(),
        }
    }
}

/// A short, quoted rendering of a cell for messages.
fn show(cell: CellRef<'_>) -> String {
    match cell {
        CellRef::Null => "an empty cell".to_string(),
        CellRef::Text(s) => {
            const MAX: usize = 60;
            if s.chars().count() > MAX {
                let cut: String = s.chars().take(MAX).collect();
                format!("{:?}…", cut)
            } else {
                format!("{s:?}")
            }
        }
        CellRef::Decimal(d) => d.to_string(),
        CellRef::Integer(i) => i.to_string(),
        CellRef::Bool(b) => b.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Value parsing
// ---------------------------------------------------------------------------------------------

/// Why decimal text could not be read.
enum NumErr {
    /// Not a plain decimal.
    Syntax,
    /// A plain decimal, but too large or too precise for [`Decimal`].
    Range,
}

/// Parses a plain decimal: optional `-`, digits, optionally `.` and digits. Exact or an error.
fn parse_plain_decimal(text: &str) -> Result<Decimal, NumErr> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let b = t.as_bytes();
    let body = match b.first() {
        Some(b'-') => b.get(1..).unwrap_or_default(),
        _ => b,
    };
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_point = false;
    for &c in body {
        match c {
            b'0'..=b'9' if seen_point => frac_digits += 1,
            b'0'..=b'9' => int_digits += 1,
            b'.' if !seen_point => seen_point = true,
            _ => return Err(NumErr::Syntax),
        }
    }
    if int_digits == 0 || (seen_point && frac_digits == 0) {
        return Err(NumErr::Syntax);
    }
    let mut d = Decimal::from_str_exact(t).map_err(|_| NumErr::Range)?;
    if d.is_zero() {
        // `-0` and `-0.00` are zero; keep no sign that could print as "-0.00".
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// What a declared type is called in messages.
fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Money => "money",
        FieldType::Number => "number",
        FieldType::Percent => "percent",
        FieldType::Integer => "integer",
        FieldType::Date => "date (YYYY-MM-DD)",
        FieldType::Text => "text",
        FieldType::Bool => "bool (true or false)",
    }
}

fn is_empty(cell: CellRef<'_>) -> bool {
    match cell {
        CellRef::Null => true,
        CellRef::Text(s) => s.is_empty(),
        _ => false,
    }
}

fn missing(expected: &str) -> Bad {
    Bad::new(
        DataErrorCode::MissingValue,
        expected,
        format!("missing value (expected {expected})"),
    )
}

fn wrong(expected: &str, cell: CellRef<'_>) -> Bad {
    Bad::new(
        DataErrorCode::WrongType,
        expected,
        format!("expected {expected}, got {}", show(cell)),
    )
}

fn out_of_range(expected: &str, cell: CellRef<'_>) -> Bad {
    Bad::new(
        DataErrorCode::OutOfRange,
        expected,
        format!(
            "{} is out of range (at most 28 significant digits)",
            show(cell)
        ),
    )
}

/// A decimal value of a number-like cell (`expected` names the type for messages).
fn decimal_of(cell: CellRef<'_>, expected: &str) -> Result<Decimal, Bad> {
    match cell {
        CellRef::Decimal(d) => Ok(d),
        CellRef::Integer(i) => Ok(Decimal::from(i)),
        CellRef::Text(s) if !s.is_empty() => parse_plain_decimal(s).map_err(|e| match e {
            NumErr::Syntax => wrong(expected, cell),
            NumErr::Range => out_of_range(expected, cell),
        }),
        CellRef::Null | CellRef::Text(_) => Err(missing(expected)),
        CellRef::Bool(_) => Err(wrong(expected, cell)),
    }
}

/// A money value with at most `minor_units` significant decimals.
fn money_of(cell: CellRef<'_>, minor_units: u32) -> Result<Decimal, Bad> {
    let d = decimal_of(cell, "money")?;
    if d.normalize().scale() > minor_units {
        let expected = match minor_units {
            0 => "money with no decimals".to_string(),
            1 => "money with at most 1 decimal".to_string(),
            n => format!("money with at most {n} decimals"),
        };
        let message = format!("expected {expected}, got {}", show(cell));
        return Err(Bad {
            code: DataErrorCode::TooManyDecimals,
            expected: Some(expected),
            message,
        });
    }
    Ok(d)
}

/// A percent value: `30%` is 0.30; plain decimals are taken as fractions.
fn percent_of(cell: CellRef<'_>, expected: &str) -> Result<Decimal, Bad> {
    if let CellRef::Text(s) = cell {
        let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
        if let Some(num) = t.strip_suffix('%') {
            let mut d = parse_plain_decimal(num).map_err(|e| match e {
                NumErr::Syntax => wrong(expected, cell),
                NumErr::Range => out_of_range(expected, cell),
            })?;
            d.set_scale(d.scale() + 2)
                .map_err(|_| out_of_range(expected, cell))?;
            return Ok(d);
        }
    }
    decimal_of(cell, expected)
}

fn integer_of(cell: CellRef<'_>) -> Result<Decimal, Bad> {
    let expected = "integer";
    let d = decimal_of(cell, expected)?;
    if !d.is_integer() {
        return Err(wrong("integer (a whole number)", cell));
    }
    Ok(d.normalize())
}

fn date_of(cell: CellRef<'_>, expected: &str) -> Result<Date, Bad> {
    match cell {
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => Date::parse(s.trim_matches(|c: char| c.is_ascii_whitespace()))
            .ok_or_else(|| wrong(expected, cell)),
        _ => Err(wrong(expected, cell)),
    }
}

fn bool_of(cell: CellRef<'_>) -> Result<bool, Bad> {
    let expected = type_name(FieldType::Bool);
    match cell {
        CellRef::Bool(b) => Ok(b),
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => {
            let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
            if t.eq_ignore_ascii_case("true") {
                Ok(true)
            } else if t.eq_ignore_ascii_case("false") {
                Ok(false)
            } else {
                Err(wrong(expected, cell))
            }
        }
        _ => Err(wrong(expected, cell)),
    }
}

/// Text of a text value or an id (`integers` allowed; decimals too when `decimals`).
fn text_of<'c>(cell: CellRef<'c>, expected: &str, decimals: bool) -> Result<Cow<'c, str>, Bad> {
    match cell {
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => Ok(Cow::Borrowed(s)),
        CellRef::Integer(i) => Ok(Cow::Owned(i.to_string())),
        CellRef::Decimal(d) if decimals => Ok(Cow::Owned(d.to_string())),
        _ => Err(wrong(expected, cell)),
    }
}

const ID: &str = "an id (text)";

fn id_of(cell: CellRef<'_>) -> Result<Cow<'_, str>, Bad> {
    text_of(cell, ID, false)
}

/// A credit share: like a percent, and in `(0, 1]`.
fn share_of(cell: CellRef<'_>) -> Result<Decimal, Bad> {
    let expected = "share (0 < share <= 1, or a percentage)";
    let d = percent_of(cell, expected)?;
    if d <= Decimal::ZERO || d > Decimal::ONE {
        return Err(Bad::new(
            DataErrorCode::ShareRange,
            expected,
            format!(
                "a share must be greater than 0 and at most 1 (100%), got {}",
                show(cell)
            ),
        ));
    }
    Ok(d)
}

/// Parses `cell` as `ty` and appends it to `col` (a default value on error, so rows stay
/// aligned while further errors are collected).
fn push_value(
    col: &mut Column,
    ty: FieldType,
    cell: CellRef<'_>,
    minor_units: u32,
    texts: &mut Interner,
    cache: &mut TextCache,
) -> Result<(), Bad> {
    match col {
        Column::Decimal(v) => {
            let r = match ty {
                FieldType::Money => money_of(cell, minor_units),
                FieldType::Percent => percent_of(cell, type_name(ty)),
                FieldType::Integer => integer_of(cell),
                _ => decimal_of(cell, type_name(ty)),
            };
            v.push(*r.as_ref().unwrap_or(&Decimal::ZERO));
            r.map(|_| ())
        }
        Column::Bool(v) => {
            let r = bool_of(cell);
            v.push(*r.as_ref().unwrap_or(&false));
            r.map(|_| ())
        }
        Column::Date(v) => {
            let r = date_of(cell, type_name(ty));
            v.push(*r.as_ref().unwrap_or(&Date::default()));
            r.map(|_| ())
        }
        Column::Text(v) => {
            let r = match cell {
                CellRef::Text(s) if !s.is_empty() => Ok(cache.intern(texts, s)),
                _ => text_of(cell, type_name(ty), true).map(|t| texts.intern(&t)),
            };
            v.push(*r.as_ref().unwrap_or(&0));
            r.map(|_| ())
        }
    }
}

/// A fast front for [`Interner`] over one text column: most text columns repeat a few values
/// (products, regions), and the interner's SipHash would dominate loading time.
#[derive(Default)]
struct TextCache {
    map: FoldMap<Box<str>, Sym>,
}

impl TextCache {
    /// Entries kept per column; past this a high-cardinality column goes straight to the
    /// interner rather than doubling its memory.
    const LIMIT: usize = 1 << 16;

    fn intern(&mut self, texts: &mut Interner, text: &str) -> Sym {
        if let Some(&sym) = self.map.get(text) {
            return sym;
        }
        let sym = texts.intern(text);
        if self.map.len() < Self::LIMIT {
            self.map.insert(text.into(), sym);
        }
        sym
    }
}

type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

fn empty_column(ty: FieldType, rows: usize) -> Column {
    match ty {
        FieldType::Money | FieldType::Number | FieldType::Percent | FieldType::Integer => {
            Column::Decimal(Vec::with_capacity(rows))
        }
        FieldType::Bool => Column::Bool(Vec::with_capacity(rows)),
        FieldType::Date => Column::Date(Vec::with_capacity(rows)),
        FieldType::Text => Column::Text(Vec::with_capacity(rows)),
    }
}

// ---------------------------------------------------------------------------------------------
// Building the dataset
// ---------------------------------------------------------------------------------------------

/// Rows per table are limited to fit a `u32` row index (with `u32::MAX` to spare).
const NONE: u32 = u32::MAX;

/// Column lookup and row access for one table.
struct Reader<'t> {
    kind: TableKind,
    columns: &'t [String],
    /// Number of rows.
    len: usize,
    index: HashMap<&'t str, usize>,
    duplicated: Vec<&'t str>,
}

impl<'t> Reader<'t> {
    fn new(kind: TableKind, table: &'t Table, sink: &mut Sink) -> Reader<'t> {
        Reader::of(kind, &table.columns, table.len(), sink)
    }

    /// A reader of a table with these columns and `len` rows.
    fn of(kind: TableKind, columns: &'t [String], len: usize, sink: &mut Sink) -> Reader<'t> {
        let mut index = HashMap::with_capacity(columns.len());
        let mut duplicated = Vec::new();
        for (i, name) in columns.iter().enumerate() {
            // The first occurrence of a name is the one used.
            if index.contains_key(name.as_str()) {
                duplicated.push(name.as_str());
            } else {
                index.insert(name.as_str(), i);
            }
        }
        if len >= NONE as usize {
            sink.push(DataError {
                table: Some(kind),
                ..DataError::new(
                    DataErrorCode::TooManyRows,
                    format!("{len} rows; at most {} are supported", NONE - 1),
                )
            });
        }
        Reader {
            kind,
            columns,
            len,
            index,
            duplicated,
        }
    }

    /// Index of a column; `None` (and an error when `required`) when it is absent.
    fn column(
        &mut self,
        name: &str,
        required: bool,
        expected: Option<&str>,
        sink: &mut Sink,
    ) -> Option<usize> {
        match self.index.get(name) {
            Some(&i) => {
                if let Some(pos) = self.duplicated.iter().position(|d| *d == name) {
                    self.duplicated.remove(pos);
                    sink.push(DataError {
                        table: Some(self.kind),
                        field: Some(name.to_string()),
                        ..DataError::new(
                            DataErrorCode::DuplicateColumn,
                            format!("column {name:?} appears more than once; the first is used"),
                        )
                    });
                }
                Some(i)
            }
            None => {
                // An empty JSON array (`[]`) names no columns; with no rows nothing is missing.
                let empty = self.columns.is_empty() && self.len == 0;
                if required && !empty {
                    // Columns match by exact name; say so when only spaces or letter case
                    // differ, which is the usual reason.
                    let near = self.columns.iter().find(|c| {
                        c.trim_matches(|ch: char| ch.is_whitespace())
                            .eq_ignore_ascii_case(name)
                    });
                    let message = match near {
                        Some(c) => format!(
                            "missing column {name:?} (the header has {c:?}; columns match by \
                             exact name)"
                        ),
                        None => format!("missing column {name:?}"),
                    };
                    sink.push(DataError {
                        table: Some(self.kind),
                        field: Some(name.to_string()),
                        expected: expected.map(str::to_string),
                        ..DataError::new(DataErrorCode::MissingColumn, message)
                    });
                }
                None
            }
        }
    }

    /// True when row `r` has one cell per column; otherwise reports it (`D0107`), and the
    /// caller skips the row's values.
    fn row_ok(&self, r: usize, row: &Row<'_>, sink: &mut Sink) -> bool {
        if row.len() == self.columns.len() {
            return true;
        }
        sink.push(DataError {
            table: Some(self.kind),
            row: Some(r as u64 + 1),
            ..DataError::new(
                DataErrorCode::RowLength,
                format!(
                    "row has {} cells, the header has {} columns",
                    row.len(),
                    self.columns.len()
                ),
            )
        });
        false
    }
}

/// Context for locating value errors.
struct At<'a> {
    kind: TableKind,
    row: usize,
    id: Option<&'a str>,
}

impl At<'_> {
    fn err(&self, field: &str, bad: Bad) -> DataError {
        DataError {
            code: bad.code,
            table: Some(self.kind),
            row: Some(self.row as u64 + 1),
            id: self.id.map(str::to_string),
            field: Some(field.to_string()),
            expected: bad.expected,
            message: bad.message,
        }
    }
}

/// Row of the record whose id is `text`, if any.
fn lookup(map: &FoldMap<Box<str>, u32>, text: &str) -> Option<u32> {
    map.get(text).copied()
}

/// Records `row` for `sym` in a symbol → row map (grown as needed); returns the row already
/// recorded when there is one.
fn claim(map: &mut Vec<u32>, sym: Sym, row: u32) -> Option<u32> {
    let i = sym as usize;
    if map.len() <= i {
        if map.capacity() <= i {
            // Grow by an eighth, not double: the map is sized for the ids up front and only
            // text values interned among them push it past that.
            map.reserve_exact((i + 1 - map.len()).max(map.len() / 8));
        }
        map.resize(i + 1, NONE);
    }
    match map.get_mut(i) {
        Some(slot) if *slot == NONE => {
            *slot = row;
            None
        }
        Some(slot) => Some(*slot),
        None => None,
    }
}

/// Row of the deal whose id is `text`, if any.
fn lookup_sym(texts: &Interner, map: &[u32], text: &str) -> Option<u32> {
    let sym = texts.get(text)?;
    map.get(sym as usize).copied().filter(|&r| r != NONE)
}

/// Most rows in one input table (payees, deals, credits or quotas) by default: a documented
/// limit (docs/language.md §14), `D0108` beyond it. The W1 benchmark's 10 million deals fit
/// with room to spare.
pub const MAX_ROWS: usize = 50_000_000;

/// Most managers above one payee (direct and indirect, on any day): a documented limit
/// (docs/language.md §14), `D0212` beyond it. It bounds the hierarchy work: checking the
/// dated hierarchy walks up from every assignment, and a manager's `team` aggregates and
/// team commission visit every report below, so both grow with payees × depth. Unbounded, a
/// chain of 20,000 payees made 200 million (manager, report) pairs.
pub const MAX_HIERARCHY_DEPTH: usize = 1_000;

/// Options of [`build_dataset_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Most rows per table; values above [`MAX_ROWS`] count as [`MAX_ROWS`].
    pub max_rows: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_rows: MAX_ROWS }
    }
}

/// `D0108` for every table with more than `max_rows` rows (at most [`MAX_ROWS`]), checked
/// before any row is read; its row is the first row beyond the limit.
fn check_row_limit(inputs: &Inputs, max_rows: usize) -> Result<(), DataErrors> {
    let limit = max_rows.min(MAX_ROWS);
    let mut sink = Sink::default();
    let tables = [
        (TableKind::Payees, Some(&inputs.payees)),
        (TableKind::Deals, Some(&inputs.deals)),
        (TableKind::Credits, inputs.credits.as_ref()),
        (TableKind::Quotas, inputs.quotas.as_ref()),
    ];
    for (kind, table) in tables {
        let Some(table) = table else { continue };
        if table.len() > limit {
            sink.push(DataError {
                table: Some(kind),
                row: Some(limit as u64 + 1),
                ..DataError::new(
                    DataErrorCode::TooManyRows,
                    format!(
                        "the table has {} rows; the limit is {limit} rows per table",
                        table.len()
                    ),
                )
            });
        }
    }
    sink.finish(())
}

/// [`build_dataset`] with options: a lower row limit per table (`D0108`), so that callers
/// and tests can set one.
pub fn build_dataset_with(
    plan: &PlanVersion,
    inputs: &Inputs,
    options: LoadOptions,
) -> Result<Dataset, DataErrors> {
    check_row_limit(inputs, options.max_rows)?;
    build_dataset(plan, inputs)
}

/// Builds a validated [`Dataset`] from input tables, checked against `plan`'s schema,
/// currency (decimals of money) and calendar (quota periods). Returns every problem found
/// (up to [`MAX_ERRORS`], the rest counted) rather than the first. Tables longer than
/// [`MAX_ROWS`] are refused before any row is read (`D0108`).
pub fn build_dataset(plan: &PlanVersion, inputs: &Inputs) -> Result<Dataset, DataErrors> {
    check_row_limit(inputs, MAX_ROWS)?;
    build(plan, Cow::Borrowed(inputs))
}

/// [`build_dataset`] taking the inputs by value: each table is freed as soon as it has been
/// read (the deals before the credits are grouped), so loading a large CSV file does not hold
/// its text and the whole dataset at once. Same checks, same dataset, same errors.
pub fn build_dataset_owned(plan: &PlanVersion, inputs: Inputs) -> Result<Dataset, DataErrors> {
    check_row_limit(&inputs, MAX_ROWS)?;
    build(plan, Cow::Owned(inputs))
}

/// [`build_dataset_owned`] with options ([`build_dataset_with`]).
pub fn build_dataset_owned_with(
    plan: &PlanVersion,
    inputs: Inputs,
    options: LoadOptions,
) -> Result<Dataset, DataErrors> {
    check_row_limit(&inputs, options.max_rows)?;
    build_dataset_owned(plan, inputs)
}

fn build(plan: &PlanVersion, inputs: Cow<'_, Inputs>) -> Result<Dataset, DataErrors> {
    // Owned deals and credits are freed as they are read; the payees table is read twice and
    // the other tables are small, so they are only borrowed.
    let (payees_t, deals_t, credits_t, quotas_t, managers_t) = match inputs {
        Cow::Borrowed(i) => (
            Cow::Borrowed(&i.payees),
            i.deals.open(),
            i.credits.as_ref().map(Table::open),
            i.quotas.as_ref().map(Cow::Borrowed),
            i.managers.as_ref().map(Cow::Borrowed),
        ),
        Cow::Owned(i) => (
            Cow::Owned(i.payees),
            i.deals.into_rows(),
            i.credits.map(Table::into_rows),
            i.quotas.map(Cow::Owned),
            i.managers.map(Cow::Owned),
        ),
    };
    let mut b = Builder {
        plan,
        sink: Sink::default(),
        texts: Interner::default(),
        payee_of: FoldMap::default(),
        deal_of: Vec::new(),
        payee_ids_known: true,
        deal_ids_known: true,
    };
    let payees = b.payees(&payees_t);
    let deals = b.deals(deals_t);
    let credits = b.credits(credits_t, &payees, &deals);
    let quotas = b.quotas(quotas_t.as_deref());
    let assignments = b.managers(managers_t.as_deref(), &payees_t, &payees);
    let mut payees = payees;
    if assignments.is_some() {
        // The assignments are the hierarchy (a manager in the payees table is D0211).
        payees.manager.iter_mut().for_each(|m| *m = None);
    }
    let Builder { sink, texts, .. } = b;
    sink.finish(Dataset {
        texts,
        payees,
        deals,
        credits,
        quotas,
        assignments,
    })
}

struct Builder<'p> {
    plan: &'p PlanVersion,
    sink: Sink,
    texts: Interner,
    /// Payee id → payee row.
    payee_of: FoldMap<Box<str>, u32>,
    /// Deal id symbol → deal row (`NONE` for symbols that are not deal ids). Deal ids are
    /// interned anyway, so this costs no second hash of a million ids.
    deal_of: Vec<u32>,
    /// False when the payees table has no id column (references are then not checked).
    payee_ids_known: bool,
    /// False when the deals table has no id column.
    deal_ids_known: bool,
}

impl Builder<'_> {
    fn minor_units(&self) -> u32 {
        self.plan.currency.minor_units
    }

    /// Resolves the attribute columns of a record schema.
    fn field_columns(
        &mut self,
        reader: &mut Reader<'_>,
        schema: &RecordSchema,
    ) -> Vec<Option<usize>> {
        schema
            .fields
            .iter()
            .map(|f| reader.column(&f.column, true, Some(type_name(f.ty)), &mut self.sink))
            .collect()
    }

    /// Reads the attribute cells of one row into `attrs`.
    #[allow(clippy::too_many_arguments)]
    fn read_attrs(
        &mut self,
        at: &At<'_>,
        row: &Row<'_>,
        fields: &[FieldDef],
        cols: &[Option<usize>],
        attrs: &mut [Column],
        caches: &mut [TextCache],
    ) {
        let minor = self.minor_units();
        for (((f, col), column), cache) in fields
            .iter()
            .zip(cols)
            .zip(attrs.iter_mut())
            .zip(caches.iter_mut())
        {
            let Some(c) = col else { continue };
            if let Err(bad) = push_value(
                column,
                f.ty,
                row.get(Some(*c)),
                minor,
                &mut self.texts,
                cache,
            ) {
                self.sink.push(at.err(&f.column, bad));
            }
        }
    }

    /// The payee row a `payee` cell names: `D0202` when no payee has the id (once payee ids
    /// are known), or the cell's own error.
    fn payee_ref(&mut self, at: &At<'_>, text: Option<&str>, bad: Option<Bad>) -> Option<u32> {
        let mut payee = None;
        if let Some(t) = text {
            match lookup(&self.payee_of, t) {
                Some(p) => payee = Some(p),
                None if self.payee_ids_known => self.sink.push(at.err("payee", unknown_payee(t))),
                None => {}
            }
        }
        if let Some(bad) = bad {
            self.sink.push(at.err("payee", bad));
        }
        payee
    }

    /// Interns an id and claims it in `map`; reports duplicates.
    fn register_id(&mut self, at: &At<'_>, field: &str, id: &str, row: u32, deal: bool) -> Sym {
        let sym = self.texts.intern(id);
        let first = if deal {
            claim(&mut self.deal_of, sym, row)
        } else {
            match self.payee_of.entry(id.into()) {
                std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(row);
                    None
                }
            }
        };
        if let Some(first) = first {
            let id = self.texts.resolve(sym).to_string();
            let what = if deal { "deal" } else { "payee" };
            self.sink.push(at.err(
                field,
                Bad {
                    code: DataErrorCode::DuplicateId,
                    expected: None,
                    message: format!(
                        "duplicate {what} id {id:?} (first at row {})",
                        first as u64 + 1
                    ),
                },
            ));
        }
        sym
    }

    fn payees(&mut self, table: &Table) -> Payees {
        let kind = TableKind::Payees;
        let schema = &self.plan.schema.payee;
        let mut reader = Reader::new(kind, table, &mut self.sink);
        let id_name = schema.builtin_column("id");
        let mgr_name = schema.builtin_column("manager");
        let start_name = schema.builtin_column("start");
        let end_name = schema.builtin_column("end");
        let id_c = reader.column(id_name, true, Some(ID), &mut self.sink);
        let mgr_c = reader.column(mgr_name, false, None, &mut self.sink);
        let start_c = reader.column(start_name, false, None, &mut self.sink);
        let end_c = reader.column(end_name, false, None, &mut self.sink);
        let field_cs = self.field_columns(&mut reader, schema);
        // A table without rows (`[]` names no columns) has no payees: every reference to one
        // is unknown.
        self.payee_ids_known = id_c.is_some() || table.is_empty();
        self.payee_of.reserve(table.len());
        let mut caches: Vec<TextCache> =
            schema.fields.iter().map(|_| TextCache::default()).collect();

        let n = table.len();
        let mut p = Payees {
            id: Vec::with_capacity(n),
            manager: vec![None; n],
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            attrs: schema
                .fields
                .iter()
                .map(|f| empty_column(f.ty, n))
                .collect(),
        };
        let optional_date = |cell: CellRef<'_>| -> Result<Option<Date>, Bad> {
            if is_empty(cell) {
                Ok(None)
            } else {
                date_of(cell, type_name(FieldType::Date)).map(Some)
            }
        };
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.sink) {
                p.id.push(0);
                p.start.push(None);
                p.end.push(None);
                continue;
            }
            let (id_text, id_bad) = split(id_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: id_text.as_deref(),
            };
            match &id_text {
                Some(t) => {
                    let sym = self.register_id(&at, id_name, t, r as u32, false);
                    p.id.push(sym);
                }
                None => p.id.push(0),
            }
            if let Some(bad) = id_bad {
                self.sink.push(at.err(id_name, bad));
            }
            let start = optional_date(row.get(start_c));
            let end = optional_date(row.get(end_c));
            if let (Ok(Some(s)), Ok(Some(e))) = (&start, &end) {
                if s > e {
                    self.sink.push(at.err(
                        end_name,
                        Bad {
                            code: DataErrorCode::StartAfterEnd,
                            expected: None,
                            message: format!("end {e} is before start {s}"),
                        },
                    ));
                }
            }
            for (value, name, out) in [
                (start, start_name, &mut p.start),
                (end, end_name, &mut p.end),
            ] {
                match value {
                    Ok(v) => out.push(v),
                    Err(bad) => {
                        out.push(None);
                        self.sink.push(at.err(name, bad));
                    }
                }
            }
            self.read_attrs(
                &at,
                row,
                &schema.fields,
                &field_cs,
                &mut p.attrs,
                &mut caches,
            );
        }

        // Managers, once every id is known.
        if let Some(mc) = mgr_c {
            let mut cursor = table.rows();
            while let Some((r, row)) = cursor.next_numbered() {
                let row = &row;
                let c = row.get(Some(mc));
                if is_empty(c) || row.len() != table.columns.len() {
                    continue;
                }
                let own_id = id_c.and_then(|i| id_of(row.get(Some(i))).ok());
                let at = At {
                    kind,
                    row: r,
                    id: own_id.as_deref(),
                };
                match id_of(c) {
                    Err(bad) => self.sink.push(at.err(mgr_name, bad)),
                    Ok(m) => match lookup(&self.payee_of, &m) {
                        Some(mr) => {
                            if let Some(slot) = p.manager.get_mut(r) {
                                *slot = Some(mr);
                            }
                        }
                        None if self.payee_ids_known => self.sink.push(at.err(
                            mgr_name,
                            Bad {
                                code: DataErrorCode::UnknownManager,
                                expected: None,
                                message: format!("unknown manager {m:?} (no payee has this id)"),
                            },
                        )),
                        None => {}
                    },
                }
            }
            if !self.manager_cycles(&p, mgr_name) {
                self.manager_depth(&p, mgr_name);
            }
        }
        p
    }

    /// `D0212` once, at the lowest payees row with more than [`MAX_HIERARCHY_DEPTH`] managers
    /// above it. Each payee's depth is found once (walking up to the first payee whose depth
    /// is known), so this is linear in the number of payees. Only for a hierarchy without
    /// cycles.
    fn manager_depth(&mut self, p: &Payees, mgr_name: &str) {
        const UNKNOWN: u32 = u32::MAX;
        let manager = |r: usize| p.manager.get(r).copied().flatten().map(|m| m as usize);
        let mut depth = vec![UNKNOWN; p.manager.len()];
        let mut path: Vec<usize> = Vec::new();
        for start in 0..depth.len() {
            path.clear();
            let mut cur = Some(start);
            // Depth of the manager above the path's last payee (None: it has no manager).
            let mut above: Option<u32> = None;
            while let Some(c) = cur {
                match depth.get(c).copied() {
                    Some(UNKNOWN) if path.len() <= depth.len() => {
                        path.push(c);
                        cur = manager(c);
                    }
                    Some(d) if d != UNKNOWN => {
                        above = Some(d);
                        break;
                    }
                    _ => break,
                }
            }
            let mut d = above.map_or(0, |a| a.saturating_add(1));
            for &x in path.iter().rev() {
                if let Some(slot) = depth.get_mut(x) {
                    *slot = d;
                }
                d = d.saturating_add(1);
            }
        }
        let Some(row) = depth.iter().position(|&d| d as usize > MAX_HIERARCHY_DEPTH) else {
            return;
        };
        let name = |r: usize| {
            self.texts
                .resolve(p.id.get(r).copied().unwrap_or(0))
                .to_string()
        };
        let mut top = row;
        while let Some(m) = manager(top) {
            top = m;
        }
        let id = name(row);
        let n = depth.get(row).copied().unwrap_or(0);
        let at = At {
            kind: TableKind::Payees,
            row,
            id: Some(&id),
        };
        let e = at.err(
            mgr_name,
            Bad {
                code: DataErrorCode::HierarchyTooDeep,
                expected: None,
                message: format!(
                    "payee {id:?} has {n} managers above them (up to {:?}); at most {MAX_HIERARCHY_DEPTH} are allowed",
                    name(top)
                ),
            },
        );
        self.sink.push(e);
    }

    /// Reports each manager cycle once, at its lowest row; true when there is one.
    fn manager_cycles(&mut self, p: &Payees, mgr_name: &str) -> bool {
        let mut found = false;
        let n = p.manager.len();
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; n];
        let mut path: Vec<usize> = Vec::new();
        for startrow in 0..n {
            if state.get(startrow) != Some(&0) {
                continue;
            }
            path.clear();
            let mut cur = Some(startrow);
            while let Some(c) = cur {
                match state.get(c) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(c) {
                            *s = 1;
                        }
                        path.push(c);
                        cur = p.manager.get(c).copied().flatten().map(|m| m as usize);
                    }
                    Some(1) => {
                        // A cycle: the path from `c` on.
                        let from = path.iter().position(|&x| x == c).unwrap_or(0);
                        let cycle = path.get(from..).unwrap_or_default();
                        self.report_cycle(p, cycle, mgr_name);
                        found = true;
                        break;
                    }
                    _ => break,
                }
            }
            for &x in &path {
                if let Some(s) = state.get_mut(x) {
                    *s = 2;
                }
            }
        }
        found
    }

    fn report_cycle(&mut self, p: &Payees, cycle: &[usize], mgr_name: &str) {
        let Some(low) = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, &r)| r)
            .map(|(i, _)| i)
        else {
            return;
        };
        let (a, b) = cycle.split_at(low);
        let ordered: Vec<usize> = b.iter().chain(a).copied().collect();
        let name = |r: usize| {
            self.texts
                .resolve(p.id.get(r).copied().unwrap_or(0))
                .to_string()
        };
        const SHOWN: usize = 10;
        let mut chain: Vec<String> = ordered
            .iter()
            .take(SHOWN)
            .map(|&r| format!("{:?}", name(r)))
            .collect();
        if ordered.len() > SHOWN {
            chain.push(format!("… ({} payees)", ordered.len()));
        }
        let first = ordered.first().copied().unwrap_or(0);
        chain.push(format!("{:?}", name(first)));
        let id = name(first);
        let message = if ordered.len() == 1 {
            format!("payee {id:?} is their own manager")
        } else {
            format!("manager cycle: {}", chain.join(" → "))
        };
        let at = At {
            kind: TableKind::Payees,
            row: first,
            id: Some(&id),
        };
        let e = at.err(
            mgr_name,
            Bad {
                code: DataErrorCode::ManagerCycle,
                expected: None,
                message,
            },
        );
        self.sink.push(e);
    }

    fn deals(&mut self, table: Open<'_>) -> Deals {
        let kind = TableKind::Deals;
        let schema = &self.plan.schema.deal;
        let Open {
            columns,
            len: n,
            rows: mut cursor,
        } = table;
        let mut reader = Reader::of(kind, &columns, n, &mut self.sink);
        let id_name = schema.builtin_column("id");
        let payee_name = schema.builtin_column("payee");
        let date_name = schema.builtin_column("date");
        let id_c = reader.column(id_name, true, Some(ID), &mut self.sink);
        let payee_c = reader.column(payee_name, true, Some(ID), &mut self.sink);
        let date_c = reader.column(
            date_name,
            true,
            Some(type_name(FieldType::Date)),
            &mut self.sink,
        );
        let field_cs = self.field_columns(&mut reader, schema);
        self.deal_ids_known = id_c.is_some() || n == 0;
        self.texts.reserve(n);
        // Room for a few text values among the ids, as in `Interner::reserve`.
        self.deal_of.reserve_exact(self.texts.len() + n + n / 16);
        let mut caches: Vec<TextCache> =
            schema.fields.iter().map(|_| TextCache::default()).collect();

        let mut d = Deals {
            id: Vec::with_capacity(n),
            owner: Vec::with_capacity(n),
            date: Vec::with_capacity(n),
            attrs: schema
                .fields
                .iter()
                .map(|f| empty_column(f.ty, n))
                .collect(),
        };
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.sink) {
                d.id.push(0);
                d.owner.push(0);
                d.date.push(Date::default());
                continue;
            }
            let (id_text, id_bad) = split(id_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: id_text.as_deref(),
            };
            match &id_text {
                Some(t) => {
                    let sym = self.register_id(&at, id_name, t, r as u32, true);
                    d.id.push(sym);
                }
                None => d.id.push(0),
            }
            if let Some(bad) = id_bad {
                self.sink.push(at.err(id_name, bad));
            }
            let mut owner = 0;
            if payee_c.is_some() {
                match id_of(row.get(payee_c)) {
                    Err(bad) => self.sink.push(at.err(payee_name, bad)),
                    Ok(t) => match lookup(&self.payee_of, &t) {
                        Some(pr) => owner = pr,
                        None if self.payee_ids_known => {
                            self.sink.push(at.err(payee_name, unknown_payee(&t)))
                        }
                        None => {}
                    },
                }
            }
            d.owner.push(owner);
            let mut date = Date::default();
            if date_c.is_some() {
                match date_of(row.get(date_c), type_name(FieldType::Date)) {
                    Ok(v) => date = v,
                    Err(bad) => self.sink.push(at.err(date_name, bad)),
                }
            }
            d.date.push(date);
            self.read_attrs(
                &at,
                row,
                &schema.fields,
                &field_cs,
                &mut d.attrs,
                &mut caches,
            );
        }
        d
    }

    fn credits(&mut self, table: Option<Open<'_>>, payees: &Payees, deals: &Deals) -> Credits {
        let none_role = self.texts.intern("");
        // Credit rows that passed their own checks, grouped later by deal.
        struct Line {
            deal: u32,
            payee: u32,
            share: Decimal,
            role: Sym,
            /// Row index (rows fit a `u32`: `D0108`).
            row: u32,
        }
        let mut lines: Vec<Line> = Vec::new();
        // Deals with a rejected credit row (their share sums are not checked), usually none.
        let mut tainted: Vec<u32> = Vec::new();
        if let Some(Open {
            columns,
            len,
            rows: mut cursor,
        }) = table
        {
            let kind = TableKind::Credits;
            let mut reader = Reader::of(kind, &columns, len, &mut self.sink);
            let deal_c = reader.column("deal", true, Some(ID), &mut self.sink);
            let payee_c = reader.column("payee", true, Some(ID), &mut self.sink);
            let share_c = reader.column("share", true, Some("share"), &mut self.sink);
            let role_c = reader.column("role", false, None, &mut self.sink);
            let complete = deal_c.is_some() && payee_c.is_some() && share_c.is_some();
            lines.reserve(len);
            while let Some((r, row)) = cursor.next_numbered() {
                let row = &row;
                let deal_cell = row.get(deal_c);
                let deal_text = id_of(deal_cell).ok();
                let at = At {
                    kind,
                    row: r,
                    id: deal_text.as_deref(),
                };
                let deal_row = deal_text
                    .as_deref()
                    .and_then(|t| lookup_sym(&self.texts, &self.deal_of, t));
                if !reader.row_ok(r, row, &mut self.sink) {
                    tainted.extend(deal_row);
                    continue;
                }
                let mut ok = complete;
                if deal_c.is_some() {
                    match (&deal_text, deal_row) {
                        (None, _) => {
                            if let Err(bad) = id_of(deal_cell) {
                                self.sink.push(at.err("deal", bad));
                            }
                            ok = false;
                        }
                        (Some(t), None) => {
                            if self.deal_ids_known {
                                self.sink.push(at.err(
                                    "deal",
                                    Bad {
                                        code: DataErrorCode::UnknownDeal,
                                        expected: None,
                                        message: format!(
                                            "unknown deal {t:?} (no deal has this id)"
                                        ),
                                    },
                                ));
                            }
                            ok = false;
                        }
                        (Some(_), Some(_)) => {}
                    }
                }
                let mut payee_row = None;
                if payee_c.is_some() {
                    match id_of(row.get(payee_c)) {
                        Err(bad) => self.sink.push(at.err("payee", bad)),
                        Ok(t) => match lookup(&self.payee_of, &t) {
                            Some(p) => payee_row = Some(p),
                            None if self.payee_ids_known => {
                                self.sink.push(at.err("payee", unknown_payee(&t)))
                            }
                            None => {}
                        },
                    }
                }
                let mut share = None;
                if share_c.is_some() {
                    match share_of(row.get(share_c)) {
                        Ok(s) => share = Some(s),
                        Err(bad) => self.sink.push(at.err("share", bad)),
                    }
                }
                let role_cell = row.get(role_c);
                let role = if is_empty(role_cell) {
                    Some(none_role)
                } else {
                    match text_of(role_cell, "text", true) {
                        Ok(t) => Some(self.texts.intern(&t)),
                        Err(bad) => {
                            self.sink.push(at.err("role", bad));
                            None
                        }
                    }
                };
                match (ok, deal_row, payee_row, share, role) {
                    (true, Some(deal), Some(payee), Some(share), Some(role)) => {
                        lines.push(Line {
                            deal,
                            payee,
                            share,
                            role,
                            row: r as u32,
                        });
                    }
                    (_, Some(deal), ..) => tainted.push(deal),
                    _ => {}
                }
            }
        }

        // Deal ids are looked up by text no more.
        self.unindex_deal_ids(
            payees,
            deals,
            lines.iter().map(|l| l.role).chain([none_role]),
        );

        // Group by deal. The sort is stable (input order within a deal is kept), and skipped
        // when the rows come grouped already, as split files usually do.
        if !lines.is_sorted_by_key(|l| l.deal) {
            lines.sort_by_key(|l| l.deal);
        }
        tainted.sort_unstable();
        tainted.dedup();
        // Only the rows are kept: a deal without any is credited to its owner implicitly
        // (`Dataset::credit_lines`).
        let total = lines.len();
        let mut c = Credits {
            deal: Vec::with_capacity(total),
            payee: Vec::with_capacity(total),
            share: Vec::with_capacity(total),
            role: Vec::with_capacity(total),
        };
        for group in lines.chunk_by(|a, b| a.deal == b.deal) {
            let Some(d) = group.first().map(|l| l.deal) else {
                continue;
            };
            let deal = d as usize;
            let is_tainted = tainted.binary_search(&d).is_ok();
            let deal_id = || {
                self.texts
                    .resolve(deals.id.get(deal).copied().unwrap_or(0))
                    .to_string()
            };
            // The same payee twice on one deal; each repeat names the payee's first row.
            let mut dup = false;
            let mut found = Vec::new();
            if group.len() > 1 {
                let mut seen: HashMap<u32, u32> = HashMap::new();
                for (i, l) in group.iter().enumerate() {
                    // A scan for the usual handful of lines, a map for a crowd.
                    let first = if group.len() <= 16 {
                        group
                            .get(..i)
                            .unwrap_or_default()
                            .iter()
                            .find(|m| m.payee == l.payee)
                            .map(|m| m.row)
                    } else {
                        match seen.entry(l.payee) {
                            std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                            std::collections::hash_map::Entry::Vacant(v) => {
                                v.insert(l.row);
                                None
                            }
                        }
                    };
                    if let Some(first) = first {
                        found.push((l, first));
                    }
                }
            }
            if !found.is_empty() {
                dup = true;
                let deal_id = deal_id();
                for (l, first) in found {
                    let payee_sym = payees.id.get(l.payee as usize).copied().unwrap_or(0);
                    let payee = self.texts.resolve(payee_sym).to_string();
                    let at = At {
                        kind: TableKind::Credits,
                        row: l.row as usize,
                        id: Some(&deal_id),
                    };
                    self.sink.push(at.err(
                        "payee",
                        Bad {
                            code: DataErrorCode::DuplicateCredit,
                            expected: None,
                            message: format!(
                                "payee {payee:?} is credited twice on deal {deal_id:?} (first at row {})",
                                u64::from(first) + 1
                            ),
                        },
                    ));
                }
            }
            if !self.plan.overlay && !dup && !is_tainted {
                let sum = group
                    .iter()
                    .try_fold(Decimal::ZERO, |acc, l| acc.checked_add(l.share));
                if sum != Some(Decimal::ONE) {
                    let deal_id = deal_id();
                    let shown = sum
                        .map(|s| s.normalize().to_string())
                        .unwrap_or_else(|| "too much".into());
                    let first = group.first().map(|l| l.row as usize).unwrap_or(0);
                    let at = At {
                        kind: TableKind::Credits,
                        row: first,
                        id: Some(&deal_id),
                    };
                    self.sink.push(at.err(
                        "share",
                        Bad {
                            code: DataErrorCode::ShareSum,
                            expected: Some("shares summing to 1 (100%)".into()),
                            message: format!(
                                "the shares of deal {deal_id:?} sum to {shown}; they must sum to exactly 1 (100%) unless the plan is an overlay"
                            ),
                        },
                    ));
                }
            }
            for l in group {
                c.deal.push(l.deal);
                c.payee.push(l.payee);
                c.share.push(l.share);
                c.role.push(l.role);
            }
        }
        c
    }

    /// Leaves the deal ids out of the interner's index (see [`Interner`]) and drops the deal id
    /// map: once the credits are read nothing looks a deal id up by text (an evaluation looks
    /// up plan literals), and a million ids are most of the index. Symbols that are also a
    /// payee id, a text value or one of `roles` stay indexed.
    fn unindex_deal_ids(
        &mut self,
        payees: &Payees,
        deals: &Deals,
        roles: impl Iterator<Item = Sym>,
    ) {
        // The map marks the deal ids; it is cleared for symbols used otherwise, rather than
        // a second table-sized array being made.
        let mut deal_of = std::mem::take(&mut self.deal_of);
        let mut keep = |syms: &mut dyn Iterator<Item = Sym>| {
            for s in syms {
                if let Some(slot) = deal_of.get_mut(s as usize) {
                    *slot = NONE;
                }
            }
        };
        keep(&mut payees.id.iter().copied());
        keep(&mut { roles });
        for c in payees.attrs.iter().chain(&deals.attrs) {
            if let Column::Text(v) = c {
                keep(&mut v.iter().copied());
            }
        }
        self.texts
            .retain_index(|s| deal_of.get(s as usize).is_none_or(|&row| row == NONE));
    }

    fn quotas(&mut self, table: Option<&Table>) -> Vec<Quota> {
        let Some(table) = table else {
            return Vec::new();
        };
        let kind = TableKind::Quotas;
        let cal = self.plan.calendar;
        let mut reader = Reader::new(kind, table, &mut self.sink);
        let payee_c = reader.column("payee", true, Some(ID), &mut self.sink);
        let period_c = reader.column("period", true, Some("period"), &mut self.sink);
        let amount_c = reader.column("amount", true, Some("money"), &mut self.sink);
        let mut out = Vec::with_capacity(table.len());
        let mut seen: HashMap<(u32, Period), usize> = HashMap::new();
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.sink) {
                continue;
            }
            let (payee_text, payee_bad) = split(payee_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: payee_text.as_deref(),
            };
            let payee = self.payee_ref(&at, payee_text.as_deref(), payee_bad);
            let mut period = None;
            if period_c.is_some() {
                let pc = row.get(period_c);
                match text_of(pc, "a period label", false) {
                    Err(bad) => self.sink.push(at.err("period", bad)),
                    Ok(t) => match parse_period_range(t.trim(), cal.grain, cal.fiscal_year_start_month) {
                        Ok((a, b)) if a == b => period = Some(a),
                        Ok((a, b)) => self.sink.push(at.err(
                            "period",
                            Bad::new(
                                DataErrorCode::BadPeriod,
                                format!("one {} period", cal.grain.keyword()),
                                format!(
                                    "period {t:?} covers {a} to {b}; a quota needs exactly one {} period",
                                    cal.grain.keyword()
                                ),
                            ),
                        )),
                        Err(e) => self.sink.push(at.err(
                            "period",
                            Bad::new(
                                DataErrorCode::BadPeriod,
                                format!("one {} period", cal.grain.keyword()),
                                format!("period {t:?} cannot be read: {}", e.reason),
                            ),
                        )),
                    },
                }
            }
            let mut amount = None;
            if amount_c.is_some() {
                match money_of(row.get(amount_c), self.minor_units()) {
                    Ok(a) => amount = Some(a),
                    Err(bad) => self.sink.push(at.err("amount", bad)),
                }
            }
            if let (Some(payee), Some(period), Some(amount)) = (payee, period, amount) {
                if let Some(first) = seen.insert((payee, period), r) {
                    seen.insert((payee, period), first);
                    self.sink.push(at.err(
                        "period",
                        Bad {
                            code: DataErrorCode::DuplicateQuota,
                            expected: None,
                            message: format!(
                                "a second quota for this payee in {period} (first at row {})",
                                first as u64 + 1
                            ),
                        },
                    ));
                } else {
                    out.push(Quota {
                        payee,
                        period,
                        amount,
                    });
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Manager assignments (the optional `managers` table)
// ---------------------------------------------------------------------------------------------

/// Last day of an assignment without an end, for comparisons.
const NO_END: Date = Date(i32::MAX);

impl Builder<'_> {
    /// Reads and checks the manager assignments table, when given (module docs).
    fn managers(
        &mut self,
        table: Option<&Table>,
        payees_table: &Table,
        payees: &Payees,
    ) -> Option<Vec<Assignment>> {
        let table = table?;
        self.managers_in_payees(payees_table);
        let kind = TableKind::Managers;
        let date_ty = type_name(FieldType::Date);
        let mut reader = Reader::new(kind, table, &mut self.sink);
        let payee_c = reader.column("payee", true, Some(ID), &mut self.sink);
        let manager_c = reader.column("manager", true, Some(ID), &mut self.sink);
        let from_c = reader.column("from", true, Some(date_ty), &mut self.sink);
        let to_c = reader.column("to", false, None, &mut self.sink);
        // Assignments that passed their own checks, with their row.
        let mut rows: Vec<(Assignment, usize)> = Vec::with_capacity(table.len());
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.sink) {
                continue;
            }
            let (payee_text, payee_bad) = split(payee_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: payee_text.as_deref(),
            };
            let payee = self.payee_ref(&at, payee_text.as_deref(), payee_bad);
            let mut manager = None;
            if manager_c.is_some() {
                match id_of(row.get(manager_c)) {
                    Err(bad) => self.sink.push(at.err("manager", bad)),
                    Ok(m) => match lookup(&self.payee_of, &m) {
                        Some(mr) => manager = Some(mr),
                        None if self.payee_ids_known => self.sink.push(at.err(
                            "manager",
                            Bad {
                                code: DataErrorCode::UnknownManager,
                                expected: None,
                                message: format!("unknown manager {m:?} (no payee has this id)"),
                            },
                        )),
                        None => {}
                    },
                }
            }
            let mut from = None;
            if from_c.is_some() {
                match date_of(row.get(from_c), date_ty) {
                    Ok(d) => from = Some(d),
                    Err(bad) => self.sink.push(at.err("from", bad)),
                }
            }
            let to_cell = row.get(to_c);
            let to = if is_empty(to_cell) {
                Some(None)
            } else {
                match date_of(to_cell, date_ty) {
                    Ok(d) => Some(Some(d)),
                    Err(bad) => {
                        self.sink.push(at.err("to", bad));
                        None
                    }
                }
            };
            if let (Some(f), Some(Some(t))) = (from, to) {
                if f > t {
                    self.sink.push(at.err(
                        "to",
                        Bad {
                            code: DataErrorCode::StartAfterEnd,
                            expected: None,
                            message: format!("to {t} is before from {f}"),
                        },
                    ));
                    continue;
                }
            }
            if let (Some(payee), Some(manager), Some(from), Some(to)) = (payee, manager, from, to) {
                rows.push((
                    Assignment {
                        payee,
                        manager,
                        from,
                        to,
                    },
                    r,
                ));
            }
        }
        self.assignment_overlaps(&rows, payees);
        self.assignment_cycles(&rows, payees);
        Some(rows.into_iter().map(|(a, _)| a).collect())
    }

    /// `D0211` for every payees row that names a manager although a managers table is given.
    fn managers_in_payees(&mut self, table: &Table) {
        let schema = &self.plan.schema.payee;
        let mgr_name = schema.builtin_column("manager");
        let id_name = schema.builtin_column("id");
        let (Some(mc), id_c) = (
            table.columns.iter().position(|c| c == mgr_name),
            table.columns.iter().position(|c| c == id_name),
        ) else {
            return;
        };
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if is_empty(row.get(Some(mc))) || row.len() != table.columns.len() {
                continue;
            }
            let own_id = id_c.and_then(|i| id_of(row.get(Some(i))).ok());
            let at = At {
                kind: TableKind::Payees,
                row: r,
                id: own_id.as_deref(),
            };
            self.sink.push(at.err(
                mgr_name,
                Bad {
                    code: DataErrorCode::ManagerInBothTables,
                    expected: None,
                    message: format!(
                        "a manager is given here and a managers table is given too; with a managers table, leave the {mgr_name:?} column empty"
                    ),
                },
            ));
        }
    }

    /// `D0210` at each assignment that starts while an earlier one of its payee still holds.
    fn assignment_overlaps(&mut self, rows: &[(Assignment, usize)], payees: &Payees) {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let key = |i: usize| rows.get(i).map(|(a, r)| (a.payee, a.from, *r));
        order.sort_by_key(|&i| key(i));
        // The assignment of the current payee that ends last so far: (payee, to, row).
        let mut reach: Option<(u32, Date, usize)> = None;
        for &i in &order {
            let Some((a, r)) = rows.get(i) else { continue };
            let to = a.to.unwrap_or(NO_END);
            match reach {
                Some((p, end, first)) if p == a.payee && a.from <= end => {
                    let id = self
                        .texts
                        .resolve(payees.id.get(a.payee as usize).copied().unwrap_or(0))
                        .to_string();
                    let at = At {
                        kind: TableKind::Managers,
                        row: *r,
                        id: Some(&id),
                    };
                    let until = if end == NO_END {
                        "has no end".to_string()
                    } else {
                        format!("runs to {end}")
                    };
                    self.sink.push(at.err(
                        "from",
                        Bad {
                            code: DataErrorCode::OverlappingAssignments,
                            expected: None,
                            message: format!(
                                "payee {id:?} already has a manager on {}: the assignment at row {} {until}",
                                a.from,
                                first as u64 + 1
                            ),
                        },
                    ));
                    if to > end {
                        reach = Some((a.payee, to, *r));
                    }
                }
                _ => reach = Some((a.payee, to, *r)),
            }
        }
    }

    /// `D0208` once per cycle (at its lowest row): a payee who is, on some day, their own
    /// direct or indirect manager. Walks up from every assignment over the days it holds,
    /// cutting the days at each assignment above.
    fn assignment_cycles(&mut self, rows: &[(Assignment, usize)], payees: &Payees) {
        let np = payees.id.len();
        let mut up: Vec<Vec<(u32, Date, Date, usize)>> = vec![Vec::new(); np];
        for (i, (a, _)) in rows.iter().enumerate() {
            if let Some(u) = up.get_mut(a.payee as usize) {
                u.push((a.manager, a.from, a.to.unwrap_or(NO_END), i));
            }
        }
        let row_of = |i: usize| rows.get(i).map(|(_, r)| *r).unwrap_or(usize::MAX);
        let mut on_path = vec![false; np];
        let mut path: Vec<u32> = Vec::new();
        let mut edges: Vec<usize> = Vec::new();
        let mut stack: Vec<(u32, Date, Date, usize, usize)> = Vec::new();
        // The walk stops at the depth limit (D0212, reported once), which bounds it: every
        // assignment walks at most that far up on each of its days' paths.
        let mut too_deep = false;
        for (i, (a, _)) in rows.iter().enumerate() {
            let q = a.payee;
            path.clear();
            edges.clear();
            path.push(q);
            if let Some(o) = on_path.get_mut(q as usize) {
                *o = true;
            }
            stack.clear();
            stack.push((a.manager, a.from, a.to.unwrap_or(NO_END), 1, i));
            while let Some((x, lo, hi, depth, via)) = stack.pop() {
                while path.len() > depth {
                    if let Some(y) = path.pop() {
                        if let Some(o) = on_path.get_mut(y as usize) {
                            *o = false;
                        }
                    }
                }
                edges.truncate(depth - 1);
                edges.push(via);
                if depth > MAX_HIERARCHY_DEPTH {
                    if !too_deep {
                        too_deep = true;
                        self.report_too_deep(q, row_of(i), lo, hi, payees);
                    }
                    continue;
                }
                if x == q {
                    let low = edges.iter().map(|&e| row_of(e)).min();
                    if low == Some(row_of(i)) {
                        self.report_dated_cycle(&path, row_of(i), lo, hi, payees);
                    }
                    continue;
                }
                if on_path.get(x as usize).copied().unwrap_or(true) {
                    continue; // a cycle above `q`, reported from its own assignments
                }
                path.push(x);
                if let Some(o) = on_path.get_mut(x as usize) {
                    *o = true;
                }
                for &(y, a2, b2, e) in up.get(x as usize).map(Vec::as_slice).unwrap_or(&[]) {
                    let (l, h) = (lo.max(a2), hi.min(b2));
                    if l <= h {
                        stack.push((y, l, h, depth + 1, e));
                    }
                }
            }
            for &y in &path {
                if let Some(o) = on_path.get_mut(y as usize) {
                    *o = false;
                }
            }
        }
    }

    /// `D0212` at the assignment of payee `q` from which, on the days `lo..=hi`, more than
    /// [`MAX_HIERARCHY_DEPTH`] managers are above `q`.
    fn report_too_deep(&mut self, q: u32, row: usize, lo: Date, hi: Date, p: &Payees) {
        let id = self
            .texts
            .resolve(p.id.get(q as usize).copied().unwrap_or(0))
            .to_string();
        let at = At {
            kind: TableKind::Managers,
            row,
            id: Some(&id),
        };
        let e = at.err(
            "manager",
            Bad {
                code: DataErrorCode::HierarchyTooDeep,
                expected: None,
                message: format!(
                    "payee {id:?} has more than {MAX_HIERARCHY_DEPTH} managers above them {}; at most {MAX_HIERARCHY_DEPTH} are allowed",
                    days_text(lo, hi)
                ),
            },
        );
        self.sink.push(e);
    }

    fn report_dated_cycle(&mut self, path: &[u32], row: usize, lo: Date, hi: Date, p: &Payees) {
        let name = |this: &Self, r: u32| {
            this.texts
                .resolve(p.id.get(r as usize).copied().unwrap_or(0))
                .to_string()
        };
        const SHOWN: usize = 10;
        let mut chain: Vec<String> = path
            .iter()
            .take(SHOWN)
            .map(|&r| format!("{:?}", name(self, r)))
            .collect();
        if path.len() > SHOWN {
            chain.push(format!("… ({} payees)", path.len()));
        }
        let first = path.first().copied().unwrap_or(0);
        let id = name(self, first);
        chain.push(format!("{id:?}"));
        let days = days_text(lo, hi);
        let message = if path.len() == 1 {
            format!("payee {id:?} is their own manager {days}")
        } else {
            format!("manager cycle {days}: {}", chain.join(" → "))
        };
        let at = At {
            kind: TableKind::Managers,
            row,
            id: Some(&id),
        };
        self.sink.push(at.err(
            "manager",
            Bad {
                code: DataErrorCode::ManagerCycle,
                expected: None,
                message,
            },
        ));
    }
}

/// The days `lo..=hi` in words, for messages.
fn days_text(lo: Date, hi: Date) -> String {
    if hi == NO_END {
        format!("from {lo} on")
    } else if lo == hi {
        format!("on {lo}")
    } else {
        format!("from {lo} to {hi}")
    }
}

/// Splits an optional result into its value and its error.
fn split<T>(r: Option<Result<T, Bad>>) -> (Option<T>, Option<Bad>) {
    match r {
        Some(Ok(v)) => (Some(v), None),
        Some(Err(b)) => (None, Some(b)),
        None => (None, None),
    }
}

fn unknown_payee(id: &str) -> Bad {
    Bad {
        code: DataErrorCode::UnknownPayee,
        expected: None,
        message: format!("unknown payee {id:?} (no payee has this id)"),
    }
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

/// The largest table file read, in bytes (4 GiB): a larger one is refused (`D0108`) after
/// reading one byte past it, never held in memory whole.
pub const MAX_TABLE_BYTES: u64 = 4 << 30;

/// The format of a table file, chosen by its file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// `.csv` (any letter case): see [`read_csv`].
    Csv,
    /// `.json` (any letter case): see [`read_json`].
    Json,
}

impl TableFormat {
    /// The format of a file named `name` (a path or a file name): `.csv` or `.json` in any
    /// letter case; `None` for any other extension, which every binding refuses.
    pub fn of_file_name(name: &str) -> Option<TableFormat> {
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        if ext.contains(['/', '\\']) {
            return None;
        }
        if ext.eq_ignore_ascii_case("csv") {
            Some(TableFormat::Csv)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(TableFormat::Json)
        } else {
            None
        }
    }

    /// The message every binding gives for a file whose extension names no format.
    pub fn unknown_message(name: &str) -> String {
        format!("{name}: unknown table format; name the file .csv or .json")
    }
}

/// Reads a whole table file from `source` in `format`: at most `max_bytes` bytes are read
/// (one more is read to tell that the file is larger, which is `D0108`), and reading stops
/// at the first byte that cannot be table text (see [`table_text`]), so neither a huge file
/// nor an endless one (`/dev/zero`) is held in memory.
pub fn read_table_from(
    source: &mut dyn std::io::Read,
    format: TableFormat,
    max_bytes: u64,
) -> Result<Table, DataError> {
    let text =
        read_text_from(source, max_bytes, true).map_err(|e| table_read_error(e, max_bytes))?;
    parse_table(text, format)
}

fn table_read_error(e: TextReadError, max_bytes: u64) -> DataError {
    match e {
        TextReadError::Io(e) => {
            DataError::new(DataErrorCode::Syntax, format!("cannot read the table: {e}"))
        }
        TextReadError::TooLarge { .. } => DataError::new(
            DataErrorCode::TooManyRows,
            format!("the table is larger than {max_bytes} bytes, the most that is read"),
        ),
        TextReadError::NotText { message, .. } => DataError::new(DataErrorCode::Syntax, message),
    }
}

fn parse_table(text: String, format: TableFormat) -> Result<Table, DataError> {
    match format {
        TableFormat::Csv => read_csv_owned(text),
        TableFormat::Json => read_json(&text),
    }
}

/// Why [`read_text_from`] stopped.
#[derive(Debug)]
pub enum TextReadError {
    /// The source could not be read.
    Io(std::io::Error),
    /// The source has more than the limit; `start` is its text up to the limit (cut back to
    /// a whole character), to show where the limit was crossed.
    TooLarge {
        /// The text read, up to the limit.
        start: String,
    },
    /// Byte `offset` is not text. `start` is the text before it; `message` says where (line,
    /// column, byte offset) and what the byte is.
    NotText {
        /// The text before the bad byte.
        start: String,
        /// Byte offset of the bad byte.
        offset: usize,
        /// `not text at line L, column C (byte offset N): ...`.
        message: String,
    },
}

/// Reads `source` to its end as UTF-8 text, checking each chunk as it arrives: at most
/// `max_bytes` (one more byte read is [`TextReadError::TooLarge`]); the first byte that is not
/// UTF-8, or is NUL when `refuse_nul`, stops reading ([`TextReadError::NotText`]). Tables
/// ([`read_table_from`]) and plan files (the `commissio` crate's `read_plan_from`) are read
/// through it, so a huge or endless file is never held whole.
pub fn read_text_from(
    source: &mut dyn std::io::Read,
    max_bytes: u64,
    refuse_nul: bool,
) -> Result<String, TextReadError> {
    read_text_sized(source, max_bytes, refuse_nul, 0)
}

/// [`read_table_from`] for a file: its size (when the file system knows it) sizes the buffer
/// once, so a large table is not held in a buffer grown by doubling (up to twice its size).
pub fn read_table_file(
    file: &mut std::fs::File,
    format: TableFormat,
    max_bytes: u64,
) -> Result<Table, DataError> {
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map_or(0, |m| m.len().min(max_bytes.saturating_add(1)));
    let text = read_text_sized(file, max_bytes, true, usize::try_from(size).unwrap_or(0))
        .map_err(|e| table_read_error(e, max_bytes))?;
    parse_table(text, format)
}

/// [`read_text_from`] with room for `expected` bytes reserved first (none when it cannot be).
fn read_text_sized(
    source: &mut dyn std::io::Read,
    max_bytes: u64,
    refuse_nul: bool,
    expected: usize,
) -> Result<String, TextReadError> {
    let mut chunk = vec![0u8; 1 << 20];
    let mut bytes: Vec<u8> = Vec::new();
    // One more byte than expected, so that the read that finds the end needs no growth.
    let _ = bytes.try_reserve_exact(expected.saturating_add(1));
    // Bytes already checked: everything before a character cut off at a chunk's end.
    let mut checked = 0usize;
    let limit = max_bytes.saturating_add(1);
    let mut too_large = false;
    loop {
        let room = limit.saturating_sub(bytes.len() as u64);
        let want = usize::try_from(room).unwrap_or(usize::MAX).min(chunk.len());
        let got = if want == 0 {
            too_large = true;
            0
        } else {
            match source.read(chunk.get_mut(..want).unwrap_or_default()) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(TextReadError::Io(e)),
            }
        };
        bytes.extend_from_slice(chunk.get(..got).unwrap_or_default());
        let end = got == 0;
        match check_text(
            bytes.get(checked..).unwrap_or_default(),
            end && !too_large,
            refuse_nul,
        ) {
            Ok(upto) => checked += upto,
            Err(at) => {
                let offset = checked + at;
                return Err(TextReadError::NotText {
                    message: not_text(&bytes, offset),
                    start: String::from_utf8_lossy(bytes.get(..offset).unwrap_or_default())
                        .into_owned(),
                    offset,
                });
            }
        }
        if too_large {
            bytes.truncate(checked.min(max_bytes as usize));
            // Cut back to a whole character.
            let start = match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    let n = e.utf8_error().valid_up_to();
                    let mut b = e.into_bytes();
                    b.truncate(n);
                    String::from_utf8_lossy(&b).into_owned()
                }
            };
            return Err(TextReadError::TooLarge { start });
        }
        if end {
            return String::from_utf8(bytes).map_err(|e| {
                let offset = e.utf8_error().valid_up_to();
                let b = e.into_bytes();
                TextReadError::NotText {
                    message: not_text(&b, offset),
                    start: String::from_utf8_lossy(b.get(..offset).unwrap_or_default())
                        .into_owned(),
                    offset,
                }
            });
        }
    }
}

/// Checks `bytes` as text: UTF-8, without NUL when `refuse_nul`. `Ok(n)`: the first `n` bytes
/// are good and the rest (when `!end`, at most 3 bytes) is a character that may continue in
/// the next chunk. `Err(i)`: byte `i` is the first that is not text.
fn check_text(bytes: &[u8], end: bool, refuse_nul: bool) -> Result<usize, usize> {
    let nul_in = |b: &[u8]| {
        if refuse_nul {
            memchr::memchr(0, b)
        } else {
            None
        }
    };
    let good = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() && !end => e.valid_up_to(),
        Err(e) => {
            let upto = e.valid_up_to();
            return Err(bytes.get(..upto).and_then(nul_in).unwrap_or(upto));
        }
    };
    match bytes.get(..good).and_then(nul_in) {
        Some(nul) => Err(nul),
        None => Ok(good),
    }
}

/// Where byte `at` of `bytes` is and why it is not text.
fn not_text(bytes: &[u8], at: usize) -> String {
    let before = bytes.get(..at).unwrap_or(bytes);
    // Up to the bad byte everything is UTF-8, so the lossy view is the text itself.
    let (line, column) = line_and_column(&String::from_utf8_lossy(before), at);
    let rest = bytes.get(at..).unwrap_or_default();
    let cut_off = matches!(std::str::from_utf8(rest), Err(e) if e.error_len().is_none());
    let what = match rest.first() {
        Some(0) => "byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data".to_string(),
        Some(_) if cut_off => {
            "the text ends inside a UTF-8 character (save the file as UTF-8)".to_string()
        }
        Some(b) => format!("byte 0x{b:02X} is not UTF-8 text (save the file as UTF-8)"),
        None => "the text ends inside a UTF-8 character (save the file as UTF-8)".to_string(),
    };
    format!("not text at line {line}, column {column} (byte offset {at}): {what}")
}

/// Checks a whole table's bytes as text (UTF-8 without NUL bytes, as [`read_table_from`]
/// does); the error gives the line, column and byte offset of the first byte that is not
/// text.
pub fn table_text(bytes: &[u8]) -> Result<&str, DataError> {
    let bad = |at: usize| DataError::new(DataErrorCode::Syntax, not_text(bytes, at));
    if let Err(at) = check_text(bytes, true, true) {
        return Err(bad(at));
    }
    std::str::from_utf8(bytes).map_err(|e| bad(e.valid_up_to()))
}

fn csv_error(e: &csv::Error) -> DataError {
    let row = e.position().map(|p| p.record()).filter(|&r| r > 0);
    let line = e.position().map(|p| p.line());
    let message = match line {
        Some(l) => format!("malformed CSV at line {l}: {e}"),
        None => format!("malformed CSV: {e}"),
    };
    DataError {
        row,
        ..DataError::new(DataErrorCode::Syntax, message)
    }
}

/// Reads CSV text (RFC 4180: a header row, `"`-quoting with `""` escapes, quoted fields may
/// hold commas and line breaks) into a [`Table`]. Every cell becomes [`Cell::Text`], except
/// empty cells, which become [`Cell::Null`]. A leading UTF-8 byte-order mark is skipped;
/// header names and cells are kept exactly as written (columns match by exact name). Rows may
/// have a different number of cells than the header here; [`build_dataset`] reports them
/// (`D0107`).
///
/// Refused with `D0001`: empty text (a CSV table has at least its header row), and a quoted
/// field that is never closed (it would swallow every row after it), reported at the row and
/// line where the field began. A quote inside an unquoted field (`5" screen`) is kept as text.
pub fn read_csv(text: &str) -> Result<Table, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    read_csv_owned(text.to_string())
}

/// [`read_csv`] taking the text by value, so a large file is not copied.
pub fn read_csv_owned(mut text: String) -> Result<Table, DataError> {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.is_empty() {
        return Err(DataError::new(
            DataErrorCode::Syntax,
            "the CSV text is empty: a table starts with a header row naming its columns",
        ));
    }
    // One pass to check the text and count the records; rows are parsed again when visited.
    let mut rdr = csv_reader(&text);
    let columns: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    // Where the last record (the header, until a row is read) starts: an unclosed quote runs
    // to the end of the text, so it can only be in the last record.
    let mut last = (0usize, 0u64);
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {
                rows += 1;
                if let Some(p) = record.position() {
                    last = (p.byte() as usize, rows as u64);
                }
            }
            Ok(false) => break,
            Err(e) => return Err(csv_error(&e)),
        }
    }
    drop(rdr);
    if let Some(open) = unclosed_quote(text.as_bytes(), last.0) {
        let (line, column) = line_and_column(&text, open);
        let place = if last.1 == 0 {
            "in the header".to_string()
        } else {
            format!("in row {}", last.1)
        };
        return Err(DataError {
            row: (last.1 > 0).then_some(last.1),
            ..DataError::new(
                DataErrorCode::Syntax,
                format!(
                    "malformed CSV at line {line}, column {column}: a quoted field {place} is \
                     never closed, so every row after it would be lost; close the quote or \
                     double a quote that is part of the text (\"\")"
                ),
            )
        });
    }
    Ok(Table {
        columns,
        body: Body::Csv { text, rows },
    })
}

/// The CSV reader every pass uses: a header row, rows of any length, nothing trimmed.
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv_builder().from_reader(text.as_bytes())
}

fn csv_builder() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(true).flexible(true);
    b
}

/// The byte offset of a quote that opens a field at or after `start` (a record start) and is
/// never closed, following the reader's own rules (`csv_core` with `,`, `"`, doubled quotes
/// and any of `\r`, `\n`, `\r\n` ending a record): a quote opens a field only as its first
/// byte; inside, `""` is a quote and a lone `"` closes it; a quote elsewhere is text.
fn unclosed_quote(text: &[u8], start: usize) -> Option<usize> {
    enum State {
        FieldStart,
        InField,
        Quoted(usize),
        AfterQuote(usize),
    }
    let mut state = State::FieldStart;
    for (i, &b) in text.iter().enumerate().skip(start) {
        let ends_field = matches!(b, b',' | b'\n' | b'\r');
        state = match state {
            State::Quoted(open) => {
                if b == b'"' {
                    State::AfterQuote(open)
                } else {
                    State::Quoted(open)
                }
            }
            State::AfterQuote(open) if b == b'"' => State::Quoted(open),
            State::FieldStart if b == b'"' => State::Quoted(i),
            _ if ends_field => State::FieldStart,
            _ => State::InField,
        };
    }
    match state {
        State::Quoted(open) => Some(open),
        _ => None,
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`; `\r\n`, `\n` and a
/// lone `\r` each end a line.
pub fn line_and_column(text: &str, offset: usize) -> (u64, u64) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let mut line = 1u64;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < before.len() {
        match before.get(i) {
            Some(b'\r') => {
                line += 1;
                if before.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line_start = i + 1;
            }
            Some(b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // Characters, counted as the bytes that start one (any offset works, even mid-character).
    let column = before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u64
        + 1;
    (line, column)
}

/// Reads JSON text — an array of flat objects — into a [`Table`]. Columns are the keys in
/// order of first appearance; a key absent from an object is [`Cell::Null`] there. Strings
/// become [`Cell::Text`], `true`/`false` [`Cell::Bool`], `null` [`Cell::Null`]; numbers are
/// read from their exact text, never through floating point: whole numbers that fit an `i64`
/// become [`Cell::Integer`], others [`Cell::Decimal`]. Numbers with an exponent (`1e3`) or
/// beyond [`Decimal`]'s 28 significant digits are rejected (`D0105`), as are nested arrays
/// and objects and duplicate keys (`D0002`).
pub fn read_json(text: &str) -> Result<Table, DataError> {
    // A byte-order mark is skipped, as in CSV tables and plans.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut state = JsonState {
        text_start: text.as_ptr() as usize,
        text,
        ..JsonState::default()
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let result = TableSeed(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match result {
        Ok(()) => {
            let n = state.columns.len();
            for row in &mut state.rows {
                row.resize(n, Cell::Null);
            }
            Ok(Table::from_rows(state.columns, state.rows))
        }
        Err(e) => Err(state.failure.take().unwrap_or_else(|| {
            let code = match e.classify() {
                serde_json::error::Category::Data => DataErrorCode::Shape,
                _ => DataErrorCode::Syntax,
            };
            DataError {
                row: state.current_row,
                ..DataError::new(code, format!("malformed JSON: {e}"))
            }
        })),
    }
}

#[derive(Default)]
struct JsonState<'t> {
    /// The whole text and its address, to place errors found inside one raw value.
    text: &'t str,
    text_start: usize,
    columns: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Vec<Cell>>,
    /// For each column, the last row (1-based) that set it, to find duplicate keys.
    last_set: Vec<u64>,
    current_row: Option<u64>,
    /// A precise error recorded before serde unwinds with a generic one.
    failure: Option<DataError>,
}

impl JsonState<'_> {
    fn fail<E: de::Error>(
        &mut self,
        code: DataErrorCode,
        field: Option<&str>,
        message: String,
    ) -> E {
        let e = DataError {
            row: self.current_row,
            field: field.map(str::to_string),
            ..DataError::new(code, message)
        };
        let text = e.to_string();
        self.failure = Some(e);
        E::custom(text)
    }
}

struct TableSeed<'s, 't>(&'s mut JsonState<'t>);

impl<'de> DeserializeSeed<'de> for TableSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.0.current_row = Some(self.0.rows.len() as u64 + 1);
            if seq.next_element_seed(RowSeed(&mut *self.0))?.is_none() {
                break;
            }
        }
        self.0.current_row = None;
        Ok(())
    }
}

struct RowSeed<'s, 't>(&'s mut JsonState<'t>);

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// A map key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one row)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        let row_no = st.current_row.unwrap_or(0);
        let mut row: Vec<Cell> = vec![Cell::Null; st.columns.len()];
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let raw: &'de serde_json::value::RawValue = map.next_value()?;
            let col = match st.index.get(key.as_ref()) {
                Some(&c) => c,
                None => {
                    let c = st.columns.len();
                    st.columns.push(key.to_string());
                    st.index.insert(key.to_string(), c);
                    st.last_set.push(0);
                    c
                }
            };
            match st.last_set.get_mut(col) {
                Some(last) if *last == row_no => {
                    return Err(st.fail(
                        DataErrorCode::Shape,
                        Some(&key),
                        format!("duplicate key {key:?}"),
                    ));
                }
                Some(last) => *last = row_no,
                None => {}
            }
            // Where the raw value starts in the text (it is borrowed from it), so that an
            // error inside it is placed in the file, not in the value.
            let at = (raw.get().as_ptr() as usize).wrapping_sub(st.text_start);
            let value = match json_cell(raw.get(), st.text, at) {
                Ok(v) => v,
                Err((code, message)) => return Err(st.fail(code, Some(&key), message)),
            };
            if row.len() <= col {
                row.resize(col + 1, Cell::Null);
            }
            if let Some(slot) = row.get_mut(col) {
                *slot = value;
            }
        }
        st.rows.push(row);
        Ok(())
    }
}

/// The cell for one raw JSON value (already syntax-checked by serde_json), which starts at
/// byte `at` of `text`.
fn json_cell(raw: &str, text: &str, at: usize) -> Result<Cell, (DataErrorCode, String)> {
    let raw = raw.trim();
    match raw.as_bytes().first() {
        Some(b'"') => {
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
            if inner.contains('\\') {
                serde_json::from_str::<String>(raw).map(Cell::Text).map_err(|e| {
                    // A JSON string holds no raw line break, so the error's column counts
                    // from the value's first byte.
                    let (line, column) = line_and_column(text, at + e.column().saturating_sub(1));
                    let what = e.to_string();
                    let what = what.split(" at line ").next().unwrap_or(&what);
                    (
                        DataErrorCode::Syntax,
                        format!("malformed JSON string at line {line} column {column}: {what}"),
                    )
                })
            } else {
                Ok(Cell::Text(inner.to_string()))
            }
        }
        Some(b't') => Ok(Cell::Bool(true)),
        Some(b'f') => Ok(Cell::Bool(false)),
        Some(b'n') => Ok(Cell::Null),
        Some(b'[') | Some(b'{') => Err((
            DataErrorCode::Shape,
            "nested arrays and objects are not supported; each value must be a string, number, bool or null"
                .to_string(),
        )),
        _ => {
            if raw.contains(['e', 'E']) {
                return Err((
                    DataErrorCode::OutOfRange,
                    format!("number {raw} is written with an exponent; write it as a plain decimal"),
                ));
            }
            if !raw.contains('.') {
                if let Ok(i) = raw.parse::<i64>() {
                    return Ok(Cell::Integer(i));
                }
            }
            match parse_plain_decimal(raw) {
                Ok(d) => Ok(Cell::Decimal(d)),
                Err(_) => Err((
                    DataErrorCode::OutOfRange,
                    format!("number {raw} is out of range (at most 28 significant digits)"),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_err(text: &str) -> String {
        match read_csv(text) {
            Ok(t) => format!("accepted, {} rows", t.len()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_unclosed_quote_is_refused_where_the_field_began() {
        let lost = "id,share,product\nd1,30%,\"Core\nd2,20%,Core\nd3,50%,Core\n";
        assert_eq!(
            csv_err(lost),
            "[D0001] row 1: malformed CSV at line 2, column 8: a quoted field in row 1 is never \
             closed, so every row after it would be lost; close the quote or double a quote \
             that is part of the text (\"\")"
        );
        // In the header, in a middle column, after a doubled quote, with CRLF endings.
        assert!(
            csv_err("id,\"name\nx,y\n").contains("line 1, column 4: a quoted field in the header")
        );
        assert!(csv_err("a,b\n1,2\n\"x,3\n4,5\r\n")
            .contains("row 2: malformed CSV at line 3, column 1"));
        assert!(csv_err("a,b\r\n1,\"x\"\"y\r\n2,3")
            .contains("row 1: malformed CSV at line 2, column 3"));
        assert!(csv_err("a,b\r1,2\r\"x\r").contains("line 3, column 1"));
    }

    #[test]
    fn closed_and_stray_quotes_are_kept_as_the_reader_reads_them() {
        // Closed (also with a doubled quote and a line break inside), a quote inside an
        // unquoted field, and text after a closing quote are all accepted with every row.
        for text in [
            "a,b\n1,\"x\"\n2,3\n",
            "a,b\n1,\"x\"\"y\nz\"\n2,3\n",
            "a,b\n1,5\" screen\n2,3\n",
            "a,b\n1,\"x\"y\n2,3\n",
            "a,b\n1,\"\"\n2,3",
        ] {
            assert_eq!(csv_err(text), "accepted, 2 rows", "{text:?}");
        }
        let t = read_csv("a,b\n1,5\" screen\n").unwrap_or_default();
        assert_eq!(
            t.to_rows(),
            vec![vec![
                Cell::Text("1".into()),
                Cell::Text("5\" screen".into())
            ]]
        );
    }

    #[test]
    fn empty_text_is_not_a_table_but_a_header_alone_is() {
        assert_eq!(
            csv_err(""),
            "[D0001] the CSV text is empty: a table starts with a header row naming its columns"
        );
        assert_eq!(csv_err("\u{feff}"), csv_err(""));
        assert_eq!(csv_err("id\n"), "accepted, 0 rows");
    }

    #[test]
    fn header_names_are_kept_as_written() {
        let t = read_csv(" id ,Payee\n1,2\n").unwrap_or_default();
        assert_eq!(t.columns(), [" id ".to_string(), "Payee".to_string()]);
    }

    #[test]
    fn json_tables_may_start_with_a_byte_order_mark() {
        let t = read_json("\u{feff}[{\"id\": \"p1\"}]").unwrap_or_default();
        assert_eq!(t.columns(), ["id".to_string()]);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn a_bad_escape_inside_a_json_string_is_placed_in_the_file() {
        let e = read_json("[{\"id\": \"p1\"},\n {\"id\": \"p\\ud800\"}]").err();
        assert_eq!(
            e.map(|e| e.to_string()).unwrap_or_default(),
            "[D0001] row 2, field \"id\": malformed JSON string at line 2 column 17: unexpected \
             end of hex escape"
        );
    }

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            let (head, rest) = self.bytes.split_at(n);
            buf.get_mut(..n).unwrap_or_default().copy_from_slice(head);
            self.bytes = rest;
            Ok(n)
        }
    }

    fn read_trickled(bytes: &[u8], step: usize, max: u64) -> Result<Table, String> {
        let mut r = Trickle { bytes, step };
        read_table_from(&mut r, TableFormat::Csv, max).map_err(|e| e.to_string())
    }

    #[test]
    fn table_files_are_checked_as_text_while_they_are_read() {
        let good = "id,name\np1,Zoë\np2,😀\n".as_bytes();
        for step in [1, 2, 3, 5, 1 << 20] {
            assert_eq!(
                read_trickled(good, step, 1000).map(|t| t.len()),
                Ok(2),
                "step {step}"
            );
        }
        assert_eq!(
            read_trickled(b"id\np1\np\xff2\n", 2, 1000)
                .err()
                .unwrap_or_default(),
            "[D0001] not text at line 3, column 2 (byte offset 7): byte 0xFF is not UTF-8 text \
             (save the file as UTF-8)"
        );
        assert_eq!(
            read_trickled("id\nZoë\0".as_bytes(), 1, 1000)
                .err()
                .unwrap_or_default(),
            "[D0001] not text at line 2, column 4 (byte offset 7): byte 0x00 (NUL): a table is \
             UTF-8 text, not UTF-16 or binary data"
        );
        assert_eq!(
            read_trickled(b"id\np\xc3", 1, 1000)
                .err()
                .unwrap_or_default(),
            "[D0001] not text at line 2, column 2 (byte offset 4): the text ends inside a UTF-8 \
             character (save the file as UTF-8)"
        );
        assert_eq!(read_trickled(b"id\np1\n", 1, 6).map(|t| t.len()), Ok(1));
        assert_eq!(
            read_trickled(b"id\np1\n", 1, 5).err().unwrap_or_default(),
            "[D0108] the table is larger than 5 bytes, the most that is read"
        );
        assert_eq!(
            table_text(b"a\n\0")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            "[D0001] not text at line 2, column 1 (byte offset 2): byte 0x00 (NUL): a table is \
             UTF-8 text, not UTF-16 or binary data"
        );
        assert_eq!(table_text("id\n€".as_bytes()).ok(), Some("id\n€"));
    }

    #[test]
    fn a_table_file_is_read_whole_through_its_sized_buffer() {
        let path = std::env::temp_dir().join(format!("commissio-load-{}.csv", std::process::id()));
        let text = format!("id\n{}", "p1\n".repeat(400_000));
        let written = std::fs::write(&path, &text);
        assert!(written.is_ok());
        let table = std::fs::File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|mut f| {
                read_table_file(&mut f, TableFormat::Csv, MAX_TABLE_BYTES)
                    .map_err(|e| e.to_string())
            });
        let _ = std::fs::remove_file(&path);
        assert_eq!(table.map(|t| t.len()), Ok(400_000));
    }

    #[test]
    fn an_endless_stream_of_nul_bytes_stops_at_the_first() {
        assert_eq!(
            read_table_from(&mut std::io::repeat(0), TableFormat::Json, MAX_TABLE_BYTES)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            "[D0001] not text at line 1, column 1 (byte offset 0): byte 0x00 (NUL): a table is \
             UTF-8 text, not UTF-16 or binary data"
        );
    }

    #[test]
    fn table_formats_come_from_the_extension() {
        assert_eq!(TableFormat::of_file_name("a/b.CSV"), Some(TableFormat::Csv));
        assert_eq!(
            TableFormat::of_file_name("deals.json"),
            Some(TableFormat::Json)
        );
        assert_eq!(TableFormat::of_file_name("deals.txt"), None);
        assert_eq!(TableFormat::of_file_name("deals"), None);
        assert_eq!(TableFormat::of_file_name("my.csv/deals"), None);
        assert_eq!(TableFormat::of_file_name("/dev/stdin"), None);
    }

    #[test]
    fn line_and_column_count_every_line_ending_and_characters() {
        assert_eq!(line_and_column("a\r\nb\rc\nd", 7), (4, 1));
        assert_eq!(line_and_column("a\r\nbé", 6), (2, 3));
        assert_eq!(line_and_column("é", 1), (1, 2));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Every record the CSV reader sees is a row, in every pass; an accepted text never
        /// ends inside a quoted field (the loss the quote check guards against).
        #[test]
        fn csv_rows_are_never_dropped(text in "[a\",\r\n]{0,40}") {
            if let Ok(table) = read_csv(&text) {
                let mut records = 0usize;
                let mut rdr = csv_reader(&text);
                let mut rec = csv::ByteRecord::new();
                while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                    records += 1;
                }
                proptest::prop_assert_eq!(table.len(), records);
                proptest::prop_assert_eq!(table.to_rows().len(), records);
                let mut open = table.clone().into_rows();
                let mut owned = 0usize;
                while open.rows.next_row().is_some() {
                    owned += 1;
                }
                proptest::prop_assert_eq!(owned, records);
                // Nothing was swallowed: a row written after the text is read as a row of its
                // own (it would vanish into a quoted field left open).
                if !table.columns().is_empty() {
                    let more = read_csv(&format!("{text}\nz\n"));
                    let rows = more.map(|t| t.to_rows()).unwrap_or_default();
                    proptest::prop_assert_eq!(rows.len(), records + 1);
                    proptest::prop_assert_eq!(
                        rows.last().and_then(|r| r.first()).cloned(),
                        Some(Cell::Text("z".into()))
                    );
                }
            }
        }
    }

    use std::io::Read;

    #[test]
    fn draining_gives_back_what_it_has_read() {
        let text: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut d = Draining {
            text: text.clone(),
            pos: 0,
        };
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        let mut largest_after_first_mib = 0;
        loop {
            let n = d.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.extend_from_slice(buf.get(..n).unwrap_or_default());
            if out.len() > Draining::MIN_STEP {
                largest_after_first_mib = largest_after_first_mib.max(d.text.capacity());
            }
        }
        assert_eq!(out, text);
        // Compacted at 1 MiB read (a quarter is less), then at each further quarter; freed at
        // the end.
        assert_eq!(largest_after_first_mib, 3_000_000 - Draining::MIN_STEP);
        assert_eq!(d.text.capacity(), 0);
    }
}
