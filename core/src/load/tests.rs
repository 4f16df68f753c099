//! Tests of reading tables: CSV, JSON and table files.

use super::csv::read_csv;
use super::error::line_and_column;
use super::json::read_json;
use super::table::{csv_reader, Cell, Draining, Table};
use super::text::{read_table_file, read_table_from, table_text, TableFormat, MAX_TABLE_BYTES};
use std::io::Read;

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
    assert!(csv_err("id,\"name\nx,y\n").contains("line 1, column 4: a quoted field in the header"));
    assert!(
        csv_err("a,b\n1,2\n\"x,3\n4,5\r\n").contains("row 2: malformed CSV at line 3, column 1")
    );
    assert!(
        csv_err("a,b\r\n1,\"x\"\"y\r\n2,3").contains("row 1: malformed CSV at line 2, column 3")
    );
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
            read_table_file(&mut f, TableFormat::Csv, MAX_TABLE_BYTES).map_err(|e| e.to_string())
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
