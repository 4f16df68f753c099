//! Where a table's columns are: lookup by exact name, missing and duplicated columns, rows of
//! the wrong length, and the columns of a record schema's declared fields.

use super::table::Row;

use super::error::{DataError, DataErrorCode, ErrorList, TableKind};
use super::table::Table;
use std::collections::HashMap;

/// Rows per table are limited to fit a `u32` row index (with `u32::MAX` to spare).
pub(super) const NONE: u32 = u32::MAX;

/// Column lookup and row access for one table.
pub(super) struct TableColumns<'t> {
    pub(super) kind: TableKind,
    pub(super) columns: &'t [String],
    /// Number of rows.
    pub(super) len: usize,
    pub(super) index: HashMap<&'t str, usize>,
    duplicated: Vec<&'t str>,
}

impl<'t> TableColumns<'t> {
    pub(super) fn new(
        kind: TableKind,
        table: &'t Table,
        errors: &mut ErrorList,
    ) -> TableColumns<'t> {
        TableColumns::of(kind, &table.columns, table.len(), errors)
    }

    /// A reader of a table with these columns and `len` rows.
    pub(super) fn of(
        kind: TableKind,
        columns: &'t [String],
        len: usize,
        errors: &mut ErrorList,
    ) -> TableColumns<'t> {
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
            errors.push(DataError {
                table: Some(kind),
                ..DataError::new(
                    DataErrorCode::TooManyRows,
                    format!("{len} rows; at most {} are supported", NONE - 1),
                )
            });
        }
        TableColumns {
            kind,
            columns,
            len,
            index,
            duplicated,
        }
    }

    /// Index of a column; `None` (and an error when `required`) when it is absent.
    pub(super) fn column(
        &mut self,
        name: &str,
        required: bool,
        expected: Option<&str>,
        errors: &mut ErrorList,
    ) -> Option<usize> {
        match self.index.get(name) {
            Some(&i) => {
                if let Some(pos) = self.duplicated.iter().position(|d| *d == name) {
                    self.duplicated.remove(pos);
                    errors.push(DataError {
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
                    errors.push(DataError {
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
    pub(super) fn row_ok(&self, r: usize, row: &Row<'_>, errors: &mut ErrorList) -> bool {
        if row.len() == self.columns.len() {
            return true;
        }
        errors.push(DataError {
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
