//! The table readers (`read_csv`, `read_json`, `read_table_from`) on any bytes: no panic, and
//! no row silently dropped: every record in the text is a row of the table, and every row of
//! the table becomes a record of the dataset or is named by an error.

use commissio::core::load::{read_table_from, TableFormat, MAX_TABLE_BYTES};
use commissio::{CompiledPlan, Inputs, Table};

const PLAN: &str = r#"plan "Load" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component c { commission on credit.amount  rate 10% }
}
"#;

/// The first byte chooses the format (even: CSV, odd: JSON); the rest is the deals file.
pub fn check_load_tables(data: &[u8]) -> Result<(), String> {
    let Some((&first, bytes)) = data.split_first() else {
        return Ok(());
    };
    let format = if first % 2 == 0 {
        TableFormat::Csv
    } else {
        TableFormat::Json
    };
    let table = match read_table_from(&mut &bytes[..], format, MAX_TABLE_BYTES) {
        Ok(t) => t,
        Err(e)
            if e.code.as_str() == "D0001"
                || e.code.as_str() == "D0002"
                || e.code.as_str() == "D0105" =>
        {
            return Ok(())
        }
        Err(e) => return Err(format!("unexpected reader error {e} for {bytes:?}")),
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("accepted bytes that are not UTF-8: {e}"))?;
    let records = match format {
        TableFormat::Csv => csv_records(text)?,
        TableFormat::Json => json_records(text)?,
    };
    if table.len() != records {
        return Err(format!(
            "{} rows read from {records} records in {text:?}",
            table.len()
        ));
    }
    if table.to_rows().len() != records {
        return Err(format!(
            "the table gives {} rows of its {records} in {text:?}",
            table.to_rows().len()
        ));
    }
    dataset_keeps_every_row(table, text)
}

/// Records in CSV text, counted by the `csv` crate's own reader and checked to end outside a
/// quoted field: a row written after the text must still be read as a row of its own.
fn csv_records(text: &str) -> Result<usize, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let count = |t: &str| {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(t.as_bytes());
        let mut n = 0usize;
        let mut rec = csv::ByteRecord::new();
        let mut last = None;
        while rdr.read_byte_record(&mut rec).unwrap_or(false) {
            n += 1;
            last = rec.get(0).map(<[u8]>::to_vec);
        }
        (n, last, rdr.headers().map(|h| h.len()).unwrap_or(0))
    };
    let (n, _, header) = count(text);
    if header > 0 {
        let (m, last, _) = count(&format!("{text}\nzz-after\n"));
        if m != n + 1 || last.as_deref() != Some(b"zz-after".as_slice()) {
            return Err(format!(
                "an accepted CSV text swallows the rows after it: {text:?}"
            ));
        }
    }
    Ok(n)
}

/// Objects in a JSON array, counted by `serde_json`.
fn json_records(text: &str) -> Result<usize, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => Ok(items.len()),
        Ok(other) => Err(format!("accepted JSON that is not an array: {other}")),
        Err(e) => Err(format!(
            "accepted JSON that serde_json refuses ({e}): {text:?}"
        )),
    }
}

/// Builds a dataset with the table as deals (payees `A` and `B`): accepted, it holds every
/// row; refused, the errors name rows of the table (or the whole table).
fn dataset_keeps_every_row(deals: Table, text: &str) -> Result<(), String> {
    let plan = CompiledPlan::compile(PLAN).map_err(|e| format!("the harness plan: {e}"))?;
    let rows = deals.len();
    let inputs = Inputs {
        payees: commissio::core::load::read_csv("id\nA\nB\n").map_err(|e| e.to_string())?,
        deals,
        credits: None,
        quotas: None,
        managers: None,
    };
    match plan.dataset(&inputs) {
        Ok(data) if data.deals.id.len() == rows => Ok(()),
        Ok(data) => Err(format!(
            "{rows} rows became {} deals: {text:?}",
            data.deals.id.len()
        )),
        Err(e) => {
            let errors = match &e {
                commissio::Error::Data(d) => &d.errors,
                other => return Err(format!("a data problem reported as {other}: {text:?}")),
            };
            match errors
                .iter()
                .find(|x| x.row.is_some_and(|r| r == 0 || r as usize > rows))
            {
                Some(x) => Err(format!(
                    "error {x} names a row the table does not have: {text:?}"
                )),
                None if errors.is_empty() => Err(format!("refused without an error: {text:?}")),
                None => Ok(()),
            }
        }
    }
}
