//! Reading plan and table files with their limits enforced while reading, so that a huge or
//! endless file (`/dev/zero`, a 2 GiB one-line plan) ends at once with its error instead of
//! being read whole first.
//!
//! - A plan is read up to the parser's size limit plus one byte ([`Limits::DEFAULT`]); one
//!   byte more is enough to know it is too large, and the rest is never read.
//! - A table has no byte limit (its limit is in rows, checked by the loader), so it is checked
//!   as it is read instead: reading stops at the first byte that is not UTF-8 and at the first
//!   NUL byte (never part of CSV or JSON text, and what `/dev/zero`, binary files and UTF-16
//!   files start with).
//!
//! UTF-8 is checked chunk by chunk as the bytes arrive, so each byte is checked once and an
//! error names the byte offset (0-based) and the line (1-based) it is on.

use commissio::dsl::Limits;
use std::io::Read;
use std::path::Path;

/// Why a file could not be read as text.
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file is larger than the cap. `text` is its start (at most cap + 1 bytes, cut back
    /// to a character boundary), `size` its size when the file system knows it (a regular
    /// file), for the message.
    TooLarge { text: String, size: Option<u64> },
    /// A byte that does not start or continue a UTF-8 character.
    NotUtf8 { offset: usize, line: usize },
    /// A NUL byte where text was expected.
    Nul { offset: usize, line: usize },
}

impl ReadError {
    /// The message after `cannot read FILE: `, for the errors that are not a size limit.
    pub fn describe(&self) -> String {
        match self {
            ReadError::Io(e) => e.to_string(),
            ReadError::TooLarge { size, .. } => match size {
                Some(n) => format!("it is {n} bytes, larger than the limit"),
                None => "it is larger than the limit".to_string(),
            },
            ReadError::NotUtf8 { offset, line } => {
                format!("byte offset {offset} (line {line}) is not valid UTF-8; the file must be UTF-8 text")
            }
            ReadError::Nul { offset, line } => format!(
                "byte offset {offset} (line {line}) is a NUL byte; the file must be UTF-8 text (not UTF-16 or binary)"
            ),
        }
    }
}

/// Bytes asked of the file per read.
const CHUNK: usize = 1 << 16;

/// Reads `path` as UTF-8 text: at most `cap + 1` bytes when `cap` is given (more is
/// [`ReadError::TooLarge`]), stopping at the first invalid byte, and at the first NUL byte when
/// `refuse_nul`.
pub fn read_text(path: &Path, cap: Option<usize>, refuse_nul: bool) -> Result<String, ReadError> {
    let mut file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // A regular file's size, to allocate once (not by doubling, which can hold twice the
    // file) and to name the size of a plan beyond the limit.
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let limit = cap.map(|c| c.saturating_add(1));
    let reserve = size
        .and_then(|s| usize::try_from(s).ok())
        .map_or(CHUNK, |s| s.min(limit.unwrap_or(usize::MAX)));
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(reserve).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            e.to_string(),
        ))
    })?;
    let mut chunk = vec![0u8; CHUNK];
    // Bytes known to be whole UTF-8 characters; the rest (at most 3) wait for the next chunk.
    let mut checked = 0;
    loop {
        let want = match limit {
            Some(l) => CHUNK.min(l - buf.len()),
            None => CHUNK,
        };
        if want == 0 {
            break;
        }
        let n = match file.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        // Up to the first NUL byte (when refused): the bytes before it are checked first, so
        // that the first bad byte of the file is the one reported.
        let nul = refuse_nul
            .then(|| chunk[..n].iter().position(|&b| b == 0))
            .flatten();
        buf.extend_from_slice(&chunk[..nul.unwrap_or(n)]);
        match std::str::from_utf8(&buf[checked..]) {
            Ok(_) => checked = buf.len(),
            Err(e) if e.error_len().is_some() || nul.is_some() => {
                let offset = checked + e.valid_up_to();
                return Err(ReadError::NotUtf8 {
                    offset,
                    line: line_of(&buf, offset),
                });
            }
            // A character cut by the end of the chunk.
            Err(e) => checked += e.valid_up_to(),
        }
        if nul.is_some() {
            let offset = buf.len();
            return Err(ReadError::Nul {
                offset,
                line: line_of(&buf, offset),
            });
        }
    }
    if limit.is_some_and(|l| buf.len() >= l) {
        // Over the cap: the start is kept to show where the limit was crossed.
        buf.truncate(checked);
        let text = String::from_utf8(buf).map_err(|e| not_utf8(e.as_bytes(), &e))?;
        return Err(ReadError::TooLarge { text, size });
    }
    if checked < buf.len() {
        // The file ends inside a character.
        return Err(ReadError::NotUtf8 {
            offset: checked,
            line: line_of(&buf, checked),
        });
    }
    String::from_utf8(buf).map_err(|e| not_utf8(e.as_bytes(), &e))
}

/// Unreachable in practice (every byte was checked above), but an error, never a panic.
fn not_utf8(bytes: &[u8], e: &std::string::FromUtf8Error) -> ReadError {
    let offset = e.utf8_error().valid_up_to();
    ReadError::NotUtf8 {
        offset,
        line: line_of(bytes, offset),
    }
}

/// The 1-based line of byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

/// The largest plan the parser accepts, in bytes.
pub fn plan_cap() -> usize {
    Limits::DEFAULT.max_bytes
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn read(bytes: &[u8], cap: Option<usize>, refuse_nul: bool) -> Result<String, ReadError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        read_text(&path, cap, refuse_nul)
    }

    fn error(r: Result<String, ReadError>) -> String {
        match r {
            Ok(t) => panic!("read {} bytes", t.len()),
            Err(ReadError::TooLarge { text, size }) => format!("too large {} {size:?}", text.len()),
            Err(e) => e.describe(),
        }
    }

    #[test]
    fn characters_across_chunks_are_read_whole() {
        // "€" (3 bytes) at every offset around the first chunk's end.
        for pad in CHUNK - 3..=CHUNK {
            let text = format!("{}€\n", "a".repeat(pad));
            assert_eq!(read(text.as_bytes(), None, true).ok(), Some(text.clone()));
        }
    }

    #[test]
    fn the_first_bad_byte_is_named() {
        // An invalid byte in the second chunk, on line 3.
        let mut bytes = format!("a\nb\n{}", "c".repeat(CHUNK)).into_bytes();
        bytes.push(0xff);
        bytes.extend_from_slice(b"\0rest");
        let at = bytes.len() - 6;
        let expected =
            format!("byte offset {at} (line 3) is not valid UTF-8; the file must be UTF-8 text");
        assert_eq!(error(read(&bytes, None, true)), expected);
        // A character cut by a NUL byte is the first bad byte.
        assert_eq!(
            error(read(b"ab\xe2\x82\0", None, true)),
            "byte offset 2 (line 1) is not valid UTF-8; the file must be UTF-8 text"
        );
        // A file that ends inside a character.
        assert_eq!(
            error(read(b"x\ny\xe2\x82", None, false)),
            "byte offset 3 (line 2) is not valid UTF-8; the file must be UTF-8 text"
        );
        assert_eq!(
            error(read(b"x\n\ny\0", None, true)),
            "byte offset 4 (line 3) is a NUL byte; the file must be UTF-8 text (not UTF-16 or binary)"
        );
        // NUL is text where it is not refused.
        assert_eq!(read(b"y\0", None, false).ok().as_deref(), Some("y\0"));
    }

    #[test]
    fn a_cap_reads_one_byte_more() {
        assert_eq!(
            read(b"12345", Some(5), false).ok().as_deref(),
            Some("12345")
        );
        assert_eq!(
            error(read(b"123456", Some(5), false)),
            "too large 6 Some(6)"
        );
        assert_eq!(
            error(read(b"1234567890", Some(5), false)),
            "too large 6 Some(10)"
        );
        // Cut inside a character: the text ends before it.
        assert_eq!(
            error(read("1234€".as_bytes(), Some(5), false)),
            "too large 4 Some(7)"
        );
    }
}
