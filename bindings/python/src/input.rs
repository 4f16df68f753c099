//! Python inputs → `commissio::Inputs`.
//!
//! Each table may be given as:
//!
//! * anything that exports Arrow data through the PyCapsule interface (`__arrow_c_stream__`
//!   or `__arrow_c_array__`): pyarrow `Table`/`RecordBatch`, polars `DataFrame`, pandas
//!   `DataFrame` (pandas ≥ 2.2 with pyarrow installed), DuckDB relations, ... These are read
//!   column by column in Rust ([`crate::arrow_in`]); no Python code runs per row;
//! * a list (any iterable) of dicts, one per row; or a dict of columns (`{"id": [...], ...}`);
//! * a path (`str` or `os.PathLike`) to a CSV file (or a `.json` file holding an array of
//!   objects), read by the engine's own readers.
//!
//! Only the columns the plan reads are converted; other columns are ignored, whatever their
//! type.
//!
//! # Values and the float rule
//!
//! | Python value | Arrow type | becomes |
//! | --- | --- | --- |
//! | `None` | null | an empty cell |
//! | `str` | utf8, large_utf8, utf8_view, dictionary of strings | text, read as the column's declared type |
//! | `bool` | bool | a bool |
//! | `int` | int8 … int64, uint8 … uint64 | an integer (exact; any size) |
//! | `decimal.Decimal` | decimal32/64/128/256 | an exact decimal |
//! | `datetime.date` | date32, date64 | the date |
//! | `datetime.datetime` at midnight, no time zone | timestamp without time zone, at midnight | the date |
//! | `float`, numpy floats | float16/32/64 | **refused** (`DataError` `D0102`) |
//!
//! Binary floats are never trusted for money or rates: `0.1` is not one tenth. The rule is
//! the facade's, the same in every binding ([`commissio::host`]): a `float` is refused even
//! when whole (`2.0`), since Python has `int` for whole numbers. A float value the plan reads
//! becomes a refused cell ([`commissio::host::float_cell`]) that the engine reports with its
//! table, row, id and field and the facade's message (the same words as for a fractional
//! JavaScript number); a float column of Arrow data is refused as a column, and the message
//! says how to convert: cast the column to a decimal type, or pass the values as strings
//! (`str(x)` gives a float's shortest decimal text).
//! A datetime or timestamp with a time of day is refused (with its row), and so is a column of
//! zoned timestamps: which date a zoned instant falls on depends on the zone.

use crate::arrow_in;
use crate::problems::{issue, Issues};
use commissio::core::load::{
    read_table_file, DataErrorCode, TableFormat, TableKind, MAX_TABLE_BYTES,
};
use commissio::core::plan::Plan;
use commissio::core::Decimal;
use commissio::{Cell, DataError, DataErrors, Inputs, Table};
use commissio::{InputSchema, TableSchema};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyMapping, PyString, PyType};
use std::collections::HashMap;

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// What a Python value becomes, or why it is refused.
fn cell_of(v: &Bound<'_, PyAny>) -> PyResult<Result<Cell, String>> {
    let py = v.py();
    if v.is_none() {
        return Ok(Ok(Cell::Null));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(match s.to_cow() {
            Ok(text) => Ok(Cell::Text(text.into_owned())),
            // A lone surrogate ("\\ud800") has no UTF-8 form: a data error at its cell, not a
            // bare UnicodeEncodeError.
            Err(_) => Err(
                "text with a lone surrogate is not valid Unicode and cannot be read".to_string(),
            ),
        });
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Ok(Cell::Bool(b.is_true())));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(Ok(match v.extract::<i64>() {
            Ok(i) => Cell::Integer(i),
            // Larger than i64: its exact text (the engine reports it if out of range).
            Err(_) => Cell::Text(v.str()?.to_cow()?.into_owned()),
        }));
    }
    if v.is_instance_of::<PyFloat>() {
        // The facade's one rule for host numbers: a float is refused, whole or not; the
        // loader reports it where the plan reads it (D0102 with table, row, id and field).
        return Ok(Ok(commissio::host::float_cell(v.extract::<f64>()?)));
    }
    if v.is_instance(crate::objects::decimal_class(py)?)? {
        let text = crate::objects::decimal_text(v)?;
        return Ok(Ok(match Decimal::from_str_exact(&text) {
            Ok(mut d) => {
                if d.is_zero() {
                    d.set_sign_positive(true);
                }
                Cell::Decimal(d)
            }
            // NaN, Infinity or too many digits: the engine reports the text.
            Err(_) => Cell::Text(text),
        }));
    }
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if v.is_instance(datetime)? {
        // A naive datetime at midnight is a date (pandas' Timestamp is a datetime).
        let midnight = v.getattr("tzinfo")?.is_none()
            && ["hour", "minute", "second", "microsecond"]
                .iter()
                .map(|a| v.getattr(*a).and_then(|x| x.extract::<i64>()))
                .collect::<PyResult<Vec<i64>>>()?
                .iter()
                .all(|x| *x == 0);
        if midnight {
            return Ok(Ok(Cell::Text(
                v.call_method0("date")?
                    .call_method0("isoformat")?
                    .str()?
                    .to_cow()?
                    .into_owned(),
            )));
        }
        return Ok(Err(format!(
            "a datetime ({}) refused: a date field needs a date (a datetime counts only when it is at midnight, without a time zone); pass value.date() or \"YYYY-MM-DD\"",
            v.str()?
        )));
    }
    let date = DATE.import(py, "datetime", "date")?;
    if v.is_instance(date)? {
        return Ok(Ok(Cell::Text(
            v.call_method0("isoformat")?.str()?.to_cow()?.into_owned(),
        )));
    }
    // numpy scalars: integers (anything with __index__) and numpy.bool_.
    let ty = v.get_type();
    let module = ty.module().map(|m| m.to_string()).unwrap_or_default();
    if module == "numpy" {
        let name = ty.name()?.to_string();
        if name == "bool" || name == "bool_" {
            return Ok(Ok(Cell::Bool(v.is_truthy()?)));
        }
        if name.starts_with("float") {
            // numpy.float64 is a float subclass (caught above); float16/float32 convert to
            // the same double exactly.
            return Ok(Ok(commissio::host::float_cell(v.extract::<f64>()?)));
        }
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Ok(Cell::Integer(i)));
        }
        if name == "str_" {
            return Ok(Ok(Cell::Text(v.str()?.to_string())));
        }
    }
    Ok(Err(format!(
        "a value of type {} is not supported; pass str, int, bool, decimal.Decimal, datetime.date or None",
        ty.name()?
    )))
}

/// Rows as dicts (or any mappings).
fn table_from_rows(
    obj: &Bound<'_, PyAny>,
    kind: TableKind,
    schema: &TableSchema,
    issues: &mut Issues,
) -> PyResult<Table> {
    let py = obj.py();
    let names: Vec<Bound<'_, PyString>> = schema
        .columns
        .iter()
        .map(|c| PyString::new(py, &c.name))
        .collect();
    let mut present = vec![false; names.len()];
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (r, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        let row_no = r as u64 + 1;
        let first_issue = issues.errors.len();
        let mut row = Vec::with_capacity(names.len());
        let dict = item.cast::<PyDict>().ok();
        let mapping = if dict.is_none() {
            item.cast::<PyMapping>().ok()
        } else {
            None
        };
        if dict.is_none() && mapping.is_none() {
            return Err(PyTypeError::new_err(format!(
                "{kind}: row {row_no} is a {}, not a dict; pass a list of dicts (one per row), a dict of columns, or a DataFrame / Arrow table",
                item.get_type().name()?
            )));
        }
        for (c, name) in names.iter().enumerate() {
            let value = match (&dict, &mapping) {
                (Some(d), _) => d.get_item(name)?,
                (None, Some(m)) => {
                    if m.contains(name)? {
                        Some(m.get_item(name)?)
                    } else {
                        None
                    }
                }
                _ => None,
            };
            let cell = match value {
                None => Cell::Null,
                Some(v) => {
                    if let Some(p) = present.get_mut(c) {
                        *p = true;
                    }
                    let column = schema.columns.get(c);
                    let field = column.map(|x| x.name.as_str()).unwrap_or("");
                    match cell_of(&v)? {
                        Ok(cell) => cell,
                        Err(msg) => {
                            issues.push(issue(
                                kind,
                                Some(row_no),
                                field,
                                column.map(|x| x.describe()),
                                msg,
                            ));
                            Cell::Null
                        }
                    }
                }
            };
            row.push(cell);
        }
        // Name the record in this row's issues, as the engine does: the first wanted column
        // is the id (payees, deals), the deal (credits) or the payee (quotas, managers).
        if issues.errors.len() > first_issue {
            let id = match row.first() {
                Some(Cell::Text(t)) if !t.is_empty() => Some(t.clone()),
                Some(Cell::Integer(i)) => Some(i.to_string()),
                _ => None,
            };
            for e in issues.errors.iter_mut().skip(first_issue) {
                e.id = id.clone();
            }
        }
        rows.push(row);
    }
    Ok(keep_present(&schema.column_names(), &present, rows))
}

/// Drops the wanted columns that no row had (the engine then reports missing required ones).
fn keep_present(columns: &[String], present: &[bool], rows: Vec<Vec<Cell>>) -> Table {
    if present.iter().all(|p| *p) {
        return Table::from_rows(columns.to_vec(), rows);
    }
    let keep: Vec<usize> = (0..columns.len())
        .filter(|&c| present.get(c).copied().unwrap_or(false))
        .collect();
    Table::from_rows(
        keep.iter()
            .filter_map(|&c| columns.get(c).cloned())
            .collect(),
        rows.into_iter()
            .map(|mut row| {
                keep.iter()
                    .map(|&c| row.get_mut(c).map(std::mem::take).unwrap_or_default())
                    .collect()
            })
            .collect(),
    )
}

/// A dict of columns: `{"id": [...], "amount": [...]}`.
fn table_from_columns(
    obj: &Bound<'_, PyDict>,
    kind: TableKind,
    schema: &TableSchema,
    issues: &mut Issues,
) -> PyResult<Table> {
    let mut columns: Vec<String> = Vec::new();
    let mut values: Vec<Vec<Cell>> = Vec::new();
    let mut lengths: HashMap<usize, String> = HashMap::new();
    for column in &schema.columns {
        let (name, expected) = (&column.name, column.describe());
        let Some(col) = obj.get_item(name)? else {
            continue;
        };
        let mut cells = Vec::new();
        for (r, v) in col.try_iter()?.enumerate() {
            let v = v?;
            match cell_of(&v)? {
                Ok(c) => cells.push(c),
                Err(msg) => {
                    issues.push(issue(kind, Some(r as u64 + 1), name, Some(expected), msg));
                    cells.push(Cell::Null);
                }
            }
        }
        lengths.entry(cells.len()).or_insert_with(|| name.clone());
        columns.push(name.clone());
        values.push(cells);
    }
    if lengths.len() > 1 {
        let mut desc: Vec<String> = lengths
            .iter()
            .map(|(n, c)| format!("{c:?} has {n}"))
            .collect();
        desc.sort();
        return Err(PyValueError::new_err(format!(
            "{kind}: the columns of a dict of columns must have the same length ({})",
            desc.join(", ")
        )));
    }
    let n = values.first().map(Vec::len).unwrap_or(0);
    let mut iters: Vec<std::vec::IntoIter<Cell>> = values.into_iter().map(Vec::into_iter).collect();
    let rows = (0..n)
        .map(|_| {
            iters
                .iter_mut()
                .map(|it| it.next().unwrap_or_default())
                .collect()
        })
        .collect();
    Ok(Table::from_rows(columns, rows))
}

/// A CSV or JSON file, read by the engine's own table-file reader (format by extension,
/// bounded, text checked as it is read), so it fails exactly as in the CLI.
fn table_from_path(
    path: std::path::PathBuf,
    kind: TableKind,
    issues: &mut Issues,
) -> PyResult<Table> {
    let name = path.display().to_string();
    let Some(format) = TableFormat::of_file_name(&name) else {
        issues.push(
            DataError::new(DataErrorCode::Syntax, TableFormat::unknown_message(&name))
                .in_table(kind),
        );
        return Ok(Table::default());
    };
    let mut file = std::fs::File::open(&path).map_err(|e| {
        pyo3::exceptions::PyOSError::new_err(format!("{kind}: cannot read {name}: {e}"))
    })?;
    Ok(match read_table_file(&mut file, format, MAX_TABLE_BYTES) {
        Ok(t) => t,
        Err(e) => {
            issues.push(e.in_table(kind));
            Table::default()
        }
    })
}

/// One table from any supported Python object.
pub fn table(
    obj: &Bound<'_, PyAny>,
    kind: TableKind,
    schema: &TableSchema,
    issues: &mut Issues,
) -> PyResult<Table> {
    if obj.hasattr("__arrow_c_stream__")? {
        return arrow_in::table_from_stream(obj, kind, schema, issues);
    }
    if obj.hasattr("__arrow_c_array__")? {
        return arrow_in::table_from_array(obj, kind, schema, issues);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return table_from_columns(d, kind, schema, issues);
    }
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        let path: std::path::PathBuf = obj.extract()?;
        return table_from_path(path, kind, issues);
    }
    let ty = obj.get_type();
    let type_name = ty.name()?.to_string();
    let module = ty.module().map(|m| m.to_string()).unwrap_or_default();
    if type_name == "LazyFrame" {
        return Err(PyTypeError::new_err(format!(
            "{kind}: a polars LazyFrame must be collected first: pass lf.collect()"
        )));
    }
    if module.starts_with("pandas") {
        return Err(PyTypeError::new_err(format!(
            "{kind}: this pandas object does not export Arrow data; install pyarrow and use pandas >= 2.2, or pass df.to_dict(\"records\")"
        )));
    }
    if obj.is_instance_of::<PyBool>()
        || obj.is_instance_of::<PyInt>()
        || obj.is_instance_of::<PyFloat>()
        || !obj.hasattr("__iter__")?
    {
        return Err(PyTypeError::new_err(format!(
            "{kind}: expected a list of dicts, a dict of columns, a pandas/polars DataFrame, a pyarrow Table or a CSV path, got {type_name}"
        )));
    }
    table_from_rows(obj, kind, schema, issues)
}

/// Every input table of an evaluation; data problems found while converting are returned as
/// `DataErrors` (Python-level misuse, such as a row that is not a dict, raises `TypeError`).
pub fn inputs(
    plan: &Plan,
    payees: &Bound<'_, PyAny>,
    deals: &Bound<'_, PyAny>,
    credits: Option<&Bound<'_, PyAny>>,
    quotas: Option<&Bound<'_, PyAny>>,
    managers: Option<&Bound<'_, PyAny>>,
) -> PyResult<Result<Inputs, DataErrors>> {
    let schema = InputSchema::of(plan);
    Ok(tables(&schema, payees, deals, credits, quotas, managers, None)?.map(|(i, _)| i))
}

/// The input tables of a program's evaluation (the tables of `schema`,
/// `CompiledProgram::input_schema`) and its `assignments` table, each converted as
/// [`inputs`] converts a plan's; data problems of every table are returned together.
pub fn program_inputs(
    schema: &InputSchema,
    payees: &Bound<'_, PyAny>,
    deals: &Bound<'_, PyAny>,
    credits: Option<&Bound<'_, PyAny>>,
    quotas: Option<&Bound<'_, PyAny>>,
    managers: Option<&Bound<'_, PyAny>>,
    assignments: &Bound<'_, PyAny>,
) -> PyResult<Result<(Inputs, Table), DataErrors>> {
    tables(
        schema,
        payees,
        deals,
        credits,
        quotas,
        managers,
        Some(assignments),
    )
}

fn tables(
    schema: &InputSchema,
    payees: &Bound<'_, PyAny>,
    deals: &Bound<'_, PyAny>,
    credits: Option<&Bound<'_, PyAny>>,
    quotas: Option<&Bound<'_, PyAny>>,
    managers: Option<&Bound<'_, PyAny>>,
    assignments: Option<&Bound<'_, PyAny>>,
) -> PyResult<Result<(Inputs, Table), DataErrors>> {
    let mut issues = Issues::default();
    let mut one = |obj: &Bound<'_, PyAny>, kind: TableKind| match schema.table(kind) {
        Some(t) => table(obj, kind, t, &mut issues),
        None => Ok(Table::default()),
    };
    let payees = one(payees, TableKind::Payees)?;
    let deals = one(deals, TableKind::Deals)?;
    let credits = match credits {
        Some(c) if !c.is_none() => Some(one(c, TableKind::Credits)?),
        _ => None,
    };
    let quotas = match quotas {
        Some(q) if !q.is_none() => Some(one(q, TableKind::Quotas)?),
        _ => None,
    };
    let managers = match managers {
        Some(m) if !m.is_none() => Some(one(m, TableKind::Managers)?),
        _ => None,
    };
    let assignments = match assignments {
        Some(a) => one(a, TableKind::Assignments)?,
        None => Table::default(),
    };
    if issues.errors.is_empty() {
        Ok(Ok((
            Inputs {
                payees,
                deals,
                credits,
                quotas,
                managers,
            },
            assignments,
        )))
    } else {
        Ok(Err(DataErrors {
            errors: issues.errors,
            omitted: issues.omitted,
        }))
    }
}
