//! A table's text: read from a file or stream within [`MAX_TABLE_BYTES`], checked to be UTF-8
//! text, its format chosen by extension ([`TableFormat`]), and positions in it
//! ([`line_and_column`]).

use super::csv::read_csv_owned;
use super::error::{line_and_column, DataError, DataErrorCode};
use super::json::read_json;
use super::table::Table;

/// The largest table file read, in bytes (4 GiB): a larger one is refused (`D0108`) after
/// reading one byte past it, never held in memory whole.
pub const MAX_TABLE_BYTES: u64 = 4 << 30;

/// The format of a table file, chosen by its file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// `.csv` (any letter case): see [`read_csv`].
    ///
    /// [`read_csv`]: crate::load::read_csv
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
