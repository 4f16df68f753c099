//! CSV tables (RFC 4180, first row the header), read by the `csv` crate; an unclosed quote is
//! refused where its field began rather than swallowing every row after it.

use super::error::{line_and_column, DataError, DataErrorCode};
use super::table::{csv_reader, Body, Table};

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
///
/// [`Cell::Text`]: crate::load::Cell::Text
/// [`Cell::Null`]: crate::load::Cell::Null
/// [`build_dataset`]: crate::load::build_dataset
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
