//! Tables as every binding hands them over: [`Table`]s of [`Cell`]s (or CSV / JSON text held
//! until it is read), row access to them, and [`Inputs`], the tables of one evaluation.

use rust_decimal::Decimal;
use std::borrow::Cow;

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
    /// A value the binding refused to convert, with the reason in words (a binary float, by
    /// the rule of the `commissio` crate's `host` module). The loader reports it wherever the
    /// plan reads it: `D0102` at its table, row, id and field, with this reason as the message.
    Refused(String),
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
    /// A refused value and the reason.
    Refused(&'a str),
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
            Cell::Refused(why) => CellRef::Refused(why),
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
            CellRef::Refused(why) => Cell::Refused(why.to_string()),
        }
    }
}

/// A table: column names and rows of cells (each row should have one cell per column;
/// [`build_dataset`] reports rows that do not, `D0107`).
///
/// A table holds its rows either as [`Cell`]s (what bindings build, [`Table::from_rows`]) or,
/// when read by [`read_csv`], as the CSV text itself: rows are parsed again each time they are
/// visited, so a million-row file costs its own size in memory rather than a string per cell.
///
/// [`build_dataset`]: crate::load::build_dataset
/// [`read_csv`]: crate::load::read_csv
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub(super) columns: Vec<String>,
    pub(super) body: Body,
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
pub(super) enum Body {
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
    pub(super) columns: Cow<'t, [String]>,
    pub(super) len: usize,
    pub(super) rows: Rows<'t>,
}

/// CSV text read front to back that gives back what has been read: once a quarter of the
/// buffer lies behind the reader, the rest moves to the front and the buffer shrinks (each
/// byte moves about three times in all, a few milliseconds for 50 MB).
pub(super) struct Draining {
    pub(super) text: Vec<u8>,
    pub(super) pos: usize,
}

impl Draining {
    /// Read bytes kept before the buffer is compacted, so small tables never are.
    pub(super) const MIN_STEP: usize = 1 << 20;
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
    pub(super) source: RowSource<'t>,
    /// Index of the next row.
    next: usize,
}

pub(super) enum RowSource<'t> {
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

/// The CSV reader every pass uses: a header row, rows of any length, nothing trimmed.
pub(super) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv_builder().from_reader(text.as_bytes())
}

pub(super) fn csv_builder() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.has_headers(true).flexible(true);
    b
}
