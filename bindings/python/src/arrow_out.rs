//! Results → Arrow record batches, exported through the Arrow PyCapsule interface.
//!
//! Amount and share columns are `decimal128(38, s)` where `s` is the largest scale among the
//! column's values (every value is rescaled exactly, so `13500.00` next to `0.125` becomes
//! `13500.000` and `0.125`). In the rare case that this does not fit 38 digits the column is
//! exported as exact decimal strings instead. Names are `utf8`; `deal` is null on
//! period-level lines.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{
    Array, ArrayRef, Decimal128Array, RecordBatch, RecordBatchIterator, StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use commissio::core::results::NamedTotal;
use commissio::core::Decimal;
use commissio::Results;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::ffi::CString;
use std::sync::Arc;

/// Which table of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// One row per line.
    Lines,
    /// One row per payee and period.
    Totals,
    /// One row per payee, period and component.
    ComponentTotals,
}

impl Which {
    /// Reads `"lines"`, `"totals"` or `"component_totals"`.
    pub fn parse(s: &str) -> Option<Which> {
        match s {
            "lines" => Some(Which::Lines),
            "totals" => Some(Which::Totals),
            "component_totals" => Some(Which::ComponentTotals),
            _ => None,
        }
    }
}

const MAX_38: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

/// An exact decimal column at the largest scale of its values (strings if that overflows).
fn decimal_column(values: &[Decimal]) -> Result<(ArrayRef, DataType), ArrowError> {
    let scale = values.iter().map(|d| d.scale()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(values.len());
    let mut fits = true;
    for d in values {
        let factor = 10i128.checked_pow(scale - d.scale());
        match factor.and_then(|f| d.mantissa().checked_mul(f)) {
            Some(v) if (-MAX_38..=MAX_38).contains(&v) => out.push(v),
            _ => {
                fits = false;
                break;
            }
        }
    }
    if fits {
        let a = Decimal128Array::from(out).with_precision_and_scale(38, scale as i8)?;
        let ty = a.data_type().clone();
        Ok((Arc::new(a), ty))
    } else {
        let a = StringArray::from_iter_values(values.iter().map(|d| d.to_string()));
        Ok((Arc::new(a), DataType::Utf8))
    }
}

fn text<I: IntoIterator<Item = S>, S: AsRef<str>>(values: I) -> (ArrayRef, DataType) {
    (
        Arc::new(StringArray::from_iter_values(values)),
        DataType::Utf8,
    )
}

/// One table of the results as a record batch.
pub fn batch(r: &Results, which: Which) -> Result<RecordBatch, ArrowError> {
    let payee = |p: u32| {
        r.payee_ids
            .get(p as usize)
            .map(String::as_str)
            .unwrap_or("")
    };
    let mut cols: Vec<(&str, bool, (ArrayRef, DataType))> = Vec::new();
    match which {
        Which::Lines => {
            let labels: Vec<String> = r.periods.iter().map(|p| p.label()).collect();
            let period = |p: u32| labels.get(p as usize).map(String::as_str).unwrap_or("");
            // Decoded once from their compact form, then read column by column.
            let lines: Vec<commissio::core::Line> = r.lines().collect();
            cols.push(("payee", false, text(lines.iter().map(|l| payee(l.payee)))));
            cols.push((
                "period",
                false,
                text(lines.iter().map(|l| period(l.period))),
            ));
            cols.push((
                "component",
                false,
                text(lines.iter().map(|l| r.component_name(l.component))),
            ));
            let deals: StringArray = lines.iter().map(|l| r.deal_id(l)).collect();
            cols.push(("deal", true, (Arc::new(deals), DataType::Utf8)));
            cols.push(("kind", false, text(lines.iter().map(|l| l.kind.name()))));
            let shares: Vec<Decimal> = lines.iter().map(|l| l.share).collect();
            cols.push(("share", false, decimal_column(&shares)?));
            let amounts: Vec<Decimal> = lines.iter().map(|l| l.amount).collect();
            cols.push(("amount", false, decimal_column(&amounts)?));
        }
        Which::Totals | Which::ComponentTotals => {
            let totals: Vec<NamedTotal<'_>> = match which {
                Which::Totals => r.named_totals().collect(),
                _ => r.named_component_totals().collect(),
            };
            cols.push(("payee", false, text(totals.iter().map(|t| t.payee))));
            cols.push((
                "period",
                false,
                text(totals.iter().map(|t| t.period.as_str())),
            ));
            if matches!(which, Which::ComponentTotals) {
                cols.push((
                    "component",
                    false,
                    text(totals.iter().map(|t| t.component.unwrap_or(""))),
                ));
            }
            let amounts: Vec<Decimal> = totals.iter().map(|t| t.amount).collect();
            cols.push(("amount", false, decimal_column(&amounts)?));
        }
    }
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, nullable, (_, ty))| Field::new(*n, ty.clone(), *nullable))
        .collect();
    let arrays: Vec<ArrayRef> = cols.into_iter().map(|(_, _, (a, _))| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// A table ready to be handed to any Arrow consumer (`pyarrow.table(x)`, `polars.DataFrame(x)`,
/// DuckDB, ...) through `__arrow_c_stream__`. Each call exports a new stream over the same
/// (shared, immutable) buffers, so nothing is copied.
#[pyclass(module = "commissio", frozen)]
pub struct ArrowTable {
    pub(crate) batch: RecordBatch,
}

#[pymethods]
impl ArrowTable {
    /// Exports the table as an Arrow C stream in a PyCapsule (the Arrow PyCapsule interface).
    /// `requested_schema` is accepted and ignored, as the protocol allows.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        crate::exceptions::guard(|| {
            let schema = self.batch.schema();
            let it = RecordBatchIterator::new(vec![Ok(self.batch.clone())], schema);
            let stream = FFI_ArrowArrayStream::new(Box::new(it));
            let name = CString::new("arrow_array_stream")
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            PyCapsule::new(py, stream, Some(name))
        })
    }

    /// Number of rows.
    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    /// Column names.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "ArrowTable(rows={}, columns=[{}])",
            self.batch.num_rows(),
            self.columns()
                .iter()
                .map(|c| crate::objects::repr(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
