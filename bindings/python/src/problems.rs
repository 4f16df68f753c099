//! Data problems the binding finds while converting Python values (a float column, an
//! unsupported type), in the engine's error shape and capped like the engine's list.

use commissio::core::load::{DataErrorCode, TableKind, MAX_ERRORS};
use commissio::DataError;

/// A binding-level data problem (a float column, an unsupported type) in the engine's error shape.
pub fn issue(
    kind: TableKind,
    row: Option<u64>,
    field: &str,
    expected: Option<&str>,
    message: String,
) -> DataError {
    DataError {
        code: DataErrorCode::WrongType,
        table: Some(kind),
        row,
        id: None,
        field: Some(field.to_string()),
        expected: expected.map(str::to_string),
        message,
    }
}

/// Why a float column is refused (the facade's words) and how to turn it into exact decimals.
pub fn float_column_refusal(column: &str, type_name: &str) -> String {
    format!(
        "{}; convert the column to decimals first: polars `df.with_columns(pl.col(\"{column}\").cast(pl.Decimal(38, 2)))`, \
         pyarrow `table.set_column(i, \"{column}\", pc.cast(table[\"{column}\"], pa.decimal128(38, 2)))`, \
         pandas `df[\"{column}\"] = df[\"{column}\"].astype(str)` (each value's shortest decimal text), \
         or pass strings or decimal.Decimal values",
        commissio::host::float_column_refusal(column, type_name)
    )
}

/// Errors of one conversion, capped like the engine's.
#[derive(Default)]
pub struct Issues {
    /// Listed errors.
    pub errors: Vec<DataError>,
    /// Errors not listed.
    pub omitted: usize,
}

impl Issues {
    /// Adds an error (or counts it past [`MAX_ERRORS`]).
    pub fn push(&mut self, e: DataError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.omitted += 1;
        }
    }
}
