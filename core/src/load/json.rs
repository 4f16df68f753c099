//! JSON tables: an array of flat objects, the keys the columns, read in one pass without a
//! `serde_json::Value` per row.

use super::error::line_and_column;
use super::values::parse_plain_decimal;

use super::error::{DataError, DataErrorCode};
use super::table::{Cell, Table};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// Reads JSON text — an array of flat objects — into a [`Table`]. Columns are the keys in
/// order of first appearance; a key absent from an object is [`Cell::Null`] there. Strings
/// become [`Cell::Text`], `true`/`false` [`Cell::Bool`], `null` [`Cell::Null`]; numbers are
/// read from their exact text, never through floating point: whole numbers that fit an `i64`
/// become [`Cell::Integer`], others [`Cell::Decimal`]. Numbers with an exponent (`1e3`) or
/// beyond [`Decimal`]'s 28 significant digits are rejected (`D0105`), as are nested arrays
/// and objects and duplicate keys (`D0002`).
///
/// [`Decimal`]: rust_decimal::Decimal
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
    pub(super) text: &'t str,
    text_start: usize,
    pub(super) columns: Vec<String>,
    pub(super) index: HashMap<String, usize>,
    pub(super) rows: Vec<Vec<Cell>>,
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
