//! Arrow tables → engine tables, through the Arrow PyCapsule interface.
//!
//! The producer (pyarrow, polars, pandas, DuckDB, ...) hands over an `ArrowArrayStream` (or one
//! array and its schema) in a capsule; the batches are read here, column by column, without
//! calling back into Python per row. Only the columns the plan reads are converted (see
//! [`crate::input`] for the type rules; float columns are refused).

use crate::problems::{float_column_refusal, issue, Issues};
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch, StructArray};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, TimeUnit};
use commissio::core::load::TableKind;
use commissio::core::Decimal;
use commissio::TableSchema;
use commissio::{Cell, Table};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use rayon::prelude::*;

/// Reads one cell of a column (shared by the threads that convert rows in parallel).
type Reader<'a> = Box<dyn Fn(usize) -> Cell + Send + Sync + 'a>;

/// A decimal from an unscaled integer and a scale; text when it does not fit the engine's
/// 96-bit decimals (the engine then reports the value as out of range, with its row).
fn decimal_cell(mut v: i128, scale: i8) -> Cell {
    let mut s = i32::from(scale);
    while s < 0 {
        match v.checked_mul(10) {
            Some(x) => v = x,
            None => return Cell::Text(format!("{v}e{}", -s)),
        }
        s += 1;
    }
    match Decimal::try_from_i128_with_scale(v, s as u32) {
        Ok(mut d) => {
            if d.is_zero() {
                d.set_sign_positive(true);
            }
            Cell::Decimal(d)
        }
        Err(_) => Cell::Text(scaled_text(v, s as u32)),
    }
}

/// `v × 10^-scale` as plain decimal text.
fn scaled_text(v: i128, scale: u32) -> String {
    let neg = v < 0;
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() > scale {
        let (a, b) = digits.split_at(digits.len() - scale);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else {
        out.push_str("0.");
        out.push_str(&"0".repeat(scale - digits.len()));
        out.push_str(&digits);
    }
    out
}

/// `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
pub fn iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The ISO text of every day between the first and last date of a column, made once: a
/// column of a million dates usually spans a few hundred days.
struct DateCache {
    first: i64,
    texts: Vec<String>,
}

impl DateCache {
    /// Most days cached (a column spanning more is formatted cell by cell outside the range).
    const MAX_DAYS: i64 = 40_000;

    fn new(days: impl Iterator<Item = i64>) -> DateCache {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for d in days {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        if lo > hi {
            return DateCache {
                first: 0,
                texts: Vec::new(),
            };
        }
        let hi = hi.min(lo.saturating_add(Self::MAX_DAYS));
        DateCache {
            first: lo,
            texts: (lo..=hi).map(iso_date).collect(),
        }
    }

    fn get(&self, day: i64) -> String {
        usize::try_from(day - self.first)
            .ok()
            .and_then(|k| self.texts.get(k))
            .cloned()
            .unwrap_or_else(|| iso_date(day))
    }
}

/// A reader for one column, or the reason the column is refused.
fn reader<'a>(array: &'a dyn Array, column: &str) -> Result<Reader<'a>, String> {
    macro_rules! ints {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            Ok(Box::new(move |i| {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Integer(i64::from(a.value(i)))
                }
            }))
        }};
    }
    macro_rules! decimals {
        ($t:ty, $scale:expr) => {{
            let a = array.as_primitive::<$t>();
            let scale: i8 = $scale;
            Ok(Box::new(move |i| {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    decimal_cell(i128::from(a.value(i)), scale)
                }
            }))
        }};
    }
    match array.data_type() {
        DataType::Null => Ok(Box::new(|_| Cell::Null)),
        DataType::Boolean => {
            let a = array.as_boolean();
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Bool(a.value(i)) }))
        }
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => {
            let a = array.as_primitive::<UInt64Type>();
            Ok(Box::new(move |i| {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    let v = a.value(i);
                    i64::try_from(v).map(Cell::Integer).unwrap_or_else(|_| Cell::Text(v.to_string()))
                }
            }))
        }
        DataType::Decimal32(_, s) => decimals!(Decimal32Type, *s),
        DataType::Decimal64(_, s) => decimals!(Decimal64Type, *s),
        DataType::Decimal128(_, s) => decimals!(Decimal128Type, *s),
        DataType::Decimal256(_, s) => {
            let a = array.as_primitive::<Decimal256Type>();
            let scale = *s;
            Ok(Box::new(move |i| {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    let v = a.value(i);
                    match v.to_i128() {
                        Some(x) => decimal_cell(x, scale),
                        None => Cell::Text(format!("{v} (scale {scale})")),
                    }
                }
            }))
        }
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Text(a.value(i).to_string()) }))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Text(a.value(i).to_string()) }))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Text(a.value(i).to_string()) }))
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            let days = a.iter().flatten().map(i64::from);
            let cache = DateCache::new(days);
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Text(cache.get(i64::from(a.value(i)))) }))
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            let day = |ms: i64| ms.div_euclid(86_400_000);
            let cache = DateCache::new(a.iter().flatten().map(day));
            Ok(Box::new(move |i| if a.is_null(i) { Cell::Null } else { Cell::Text(cache.get(day(a.value(i)))) }))
        }
        DataType::Dictionary(_, _) => {
            let d = array.as_any_dictionary();
            let values = d.values();
            if values.is_empty() {
                return Ok(Box::new(|_| Cell::Null));
            }
            let inner = reader(values.as_ref(), column)?;
            let keys = d.normalized_keys();
            Ok(Box::new(move |i| {
                if array.is_null(i) {
                    Cell::Null
                } else {
                    keys.get(i).map(|&k| inner(k)).unwrap_or(Cell::Null)
                }
            }))
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Err(
            float_column_refusal(column, &array.data_type().to_string()),
        ),
        DataType::Timestamp(unit, None) => {
            // A timestamp without a time zone at midnight is a date (pandas keeps dates as
            // datetime64); one with a time of day is passed on as text, which the engine
            // refuses with its row ("expected date (YYYY-MM-DD)").
            let per_day: i64 = match unit {
                TimeUnit::Second => 86_400,
                TimeUnit::Millisecond => 86_400_000,
                TimeUnit::Microsecond => 86_400_000_000,
                TimeUnit::Nanosecond => 86_400_000_000_000,
            };
            let values: ScalarBuffer<i64> = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values().clone(),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().values().clone(),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().values().clone(),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().values().clone(),
            };
            let cache = DateCache::new(
                (0..array.len())
                    .filter(|&i| !array.is_null(i))
                    .filter_map(|i| values.get(i).map(|v| v.div_euclid(per_day))),
            );
            Ok(Box::new(move |i| {
                let Some(&v) = values.get(i) else { return Cell::Null };
                if array.is_null(i) {
                    return Cell::Null;
                }
                let (day, rest) = (v.div_euclid(per_day), v.rem_euclid(per_day));
                if rest == 0 {
                    Cell::Text(cache.get(day))
                } else {
                    let secs = rest / (per_day / 86_400);
                    Cell::Text(format!(
                        "{} {:02}:{:02}:{:02}",
                        iso_date(day),
                        secs / 3600,
                        secs / 60 % 60,
                        secs % 60
                    ))
                }
            }))
        }
        DataType::Timestamp(_, Some(tz)) => Err(format!(
            "column {column:?} holds timestamps with time zone {tz}, refused: a date field needs dates, and which date a zoned instant falls on depends on the zone; convert the column to dates (polars `pl.col(\"{column}\").dt.date()`, pyarrow `pc.cast(col, pa.date32())`, pandas `df[\"{column}\"].dt.date`)"
        )),
        other => Err(format!(
            "column {column:?} has the Arrow type {other}, which Commissio does not read; use strings, integers, decimals, booleans or dates"
        )),
    }
}

/// Appends the rows of one batch (wanted columns only) to `rows`.
fn add_batch(
    batch: &RecordBatch,
    kind: TableKind,
    plan_columns: &TableSchema,
    columns: &mut Option<Vec<String>>,
    rows: &mut Vec<Vec<Cell>>,
    issues: &mut Issues,
    refused: &mut Vec<String>,
) {
    let schema = batch.schema();
    let mut readers: Vec<Reader<'_>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name();
        let Some(expected) = plan_columns.column(name).map(|c| c.describe()) else {
            continue;
        };
        names.push(name.clone());
        match reader(array.as_ref(), name) {
            Ok(r) => readers.push(r),
            Err(msg) => {
                if !refused.contains(name) {
                    refused.push(name.clone());
                    issues.push(issue(kind, None, name, Some(expected), msg));
                }
                readers.push(Box::new(|_| Cell::Null));
            }
        }
    }
    if columns.is_none() {
        *columns = Some(names);
    }
    // Rows are independent: convert them on rayon's pool (the evaluator's pool too).
    let mut converted = Vec::new();
    (0..batch.num_rows())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| readers.iter().map(|r| r(i)).collect::<Vec<Cell>>())
        .collect_into_vec(&mut converted);
    rows.append(&mut converted);
}

/// An Arrow C stream (`__arrow_c_stream__`) into a table.
pub fn table_from_stream(
    obj: &Bound<'_, PyAny>,
    kind: TableKind,
    plan_columns: &TableSchema,
    issues: &mut Issues,
) -> PyResult<Table> {
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{kind}: __arrow_c_stream__ did not return a PyCapsule"
        ))
    })?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the capsule protocol guarantees a valid, initialised `ArrowArrayStream` behind a
    // capsule named "arrow_array_stream"; `from_raw` moves it out and leaves a released stream
    // behind, so the capsule's destructor does not release it a second time.
    let stream =
        unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast::<FFI_ArrowArrayStream>()) };
    let reader = RecordBatchStreamReader::try_new(stream)
        .map_err(|e| PyValueError::new_err(format!("{kind}: cannot read the Arrow stream: {e}")))?;
    let mut columns = None;
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    for batch in reader {
        let batch = batch.map_err(|e| {
            PyValueError::new_err(format!("{kind}: cannot read the Arrow stream: {e}"))
        })?;
        add_batch(
            &batch,
            kind,
            plan_columns,
            &mut columns,
            &mut rows,
            issues,
            &mut refused,
        );
    }
    let columns = columns.unwrap_or_else(|| {
        schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|n| plan_columns.column(n).is_some())
            .collect()
    });
    Ok(Table::from_rows(columns, rows))
}

/// An Arrow C array (`__arrow_c_array__`, a struct array such as a record batch) into a table.
pub fn table_from_array(
    obj: &Bound<'_, PyAny>,
    kind: TableKind,
    plan_columns: &TableSchema,
    issues: &mut Issues,
) -> PyResult<Table> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err(format!("{kind}: __arrow_c_array__ did not return a tuple"))
    })?;
    let schema_capsule = pair.get_item(0)?;
    let array_capsule = pair.get_item(1)?;
    let schema_capsule = schema_capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!("{kind}: __arrow_c_array__ did not return capsules"))
    })?;
    let array_capsule = array_capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!("{kind}: __arrow_c_array__ did not return capsules"))
    })?;
    let schema_ptr = schema_capsule.pointer_checked(Some(c"arrow_schema"))?;
    let array_ptr = array_capsule.pointer_checked(Some(c"arrow_array"))?;
    // SAFETY: per the capsule protocol these point to a valid `ArrowSchema` (borrowed: the
    // capsule keeps owning it) and a valid `ArrowArray` (moved out: `from_raw` leaves a released
    // array behind so the capsule does not release it again).
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast::<FFI_ArrowArray>());
        let schema = &*schema_ptr.as_ptr().cast::<FFI_ArrowSchema>();
        from_ffi(array, schema)
    }
    .map_err(|e| PyValueError::new_err(format!("{kind}: cannot read the Arrow array: {e}")))?;
    if !matches!(data.data_type(), DataType::Struct(_)) {
        return Err(PyTypeError::new_err(format!(
            "{kind}: an Arrow array of type {} is not a table; pass a record batch or a table",
            data.data_type()
        )));
    }
    let batch = RecordBatch::from(StructArray::from(data));
    let mut columns = None;
    let mut rows = Vec::new();
    add_batch(
        &batch,
        kind,
        plan_columns,
        &mut columns,
        &mut rows,
        issues,
        &mut Vec::new(),
    );
    Ok(Table::from_rows(columns.unwrap_or_default(), rows))
}
