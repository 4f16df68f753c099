//! Small immutable Python objects: diagnostics, data issues, result lines, totals, curve
//! points; and the conversions between `rust_decimal::Decimal` and Python's `decimal.Decimal`.
//!
//! Money crosses the boundary only as `decimal.Decimal`, built from the exact decimal text
//! (`Decimal("13500.00")`, scale kept). Nothing here goes through a binary float.

use commissio::core::results::Results;
use commissio::core::Decimal;
use commissio::{CompiledPlan, DiagnosticView, ProgramResults, RelatedView, SourceLines, SpanView};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3::IntoPyObjectExt;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

// ---------------------------------------------------------------------------------------------
// Decimals
// ---------------------------------------------------------------------------------------------

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The class `decimal.Decimal`.
pub fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A Python `decimal.Decimal` with exactly the value and scale of `d`.
pub fn py_decimal(py: Python<'_>, d: Decimal) -> PyResult<Bound<'_, PyAny>> {
    decimal_class(py)?.call1((d.to_string(),))
}

/// A Python `decimal.Decimal` from decimal text written by the engine.
fn py_decimal_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    decimal_class(py)?.call1((text,))
}

/// The plain (exponent-free) text of a Python `decimal.Decimal`: `str()` unless it uses an
/// exponent (`1E+2`, `0E-7`), then `format(d, "f")`, which keeps the scale.
pub fn decimal_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = v.str()?.to_cow()?.into_owned();
    if s.contains(['E', 'e']) && !s.contains(['N', 'n', 'I', 'i']) {
        return Ok(v
            .call_method1("__format__", ("f",))?
            .str()?
            .to_cow()?
            .into_owned());
    }
    Ok(s)
}

/// Reads an exact decimal argument: `decimal.Decimal`, `int`, or text (`"0.5"`, and `"50%"`
/// when `percent` is true). Floats are refused: they cannot carry money or rates exactly.
pub fn decimal_arg(v: &Bound<'_, PyAny>, what: &str, percent: bool) -> PyResult<Decimal> {
    let py = v.py();
    if v.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected a decimal, got a bool"
        )));
    }
    if v.is_instance_of::<PyFloat>() {
        // The facade's rule for host numbers, in its words.
        return Err(PyTypeError::new_err(format!(
            "{what}: {}",
            commissio::host::refusal(v.extract::<f64>()?)
        )));
    }
    let text = if v.is_instance_of::<PyInt>() {
        v.str()?.to_cow()?.into_owned()
    } else if v.is_instance(decimal_class(py)?)? {
        decimal_text(v)?
    } else if let Ok(s) = v.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected a decimal.Decimal, an int or a string, got {}",
            v.get_type().name()?
        )));
    };
    // The facade's one rule for decimal arguments (`%` for ratios only), as in every binding.
    let kind = if percent {
        commissio::ArgumentKind::Ratio
    } else {
        commissio::ArgumentKind::Amount
    };
    commissio::parse_decimal_argument(what, &text, kind)
        .map_err(|e| PyValueError::new_err(e.message))
}

/// Python's `repr()` of a string: single quotes unless the text holds `'` and no `"`.
pub fn repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// `repr()` of an optional string (`None` when absent).
pub fn repr_opt(s: Option<&str>) -> String {
    s.map(repr).unwrap_or_else(|| "None".to_string())
}

// ---------------------------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------------------------

/// A related place of a diagnostic (the earlier definition of a duplicate, ...): the fields of
/// the engine's `commissio::RelatedView`.
#[pyclass(module = "commissio", frozen, get_all, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    /// What about this place (may be empty).
    pub message: String,
    /// First byte of the span in the plan text.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// `start` as a UTF-16 offset (a JavaScript string index).
    pub start_utf16: u32,
    /// `end` as a UTF-16 offset.
    pub end_utf16: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in UTF-8 bytes.
    pub column: u32,
    /// 1-based column in UTF-16 code units (JavaScript editors).
    pub column_utf16: u32,
    /// 1-based column in characters.
    pub column_chars: u32,
    /// Line of the end of the span.
    pub end_line: u32,
    /// Column (UTF-8 bytes) of the end of the span.
    pub end_column: u32,
    /// Column (UTF-16 code units) of the end of the span.
    pub end_column_utf16: u32,
    /// Column (characters) of the end of the span.
    pub end_column_chars: u32,
}

impl Label {
    fn new(r: &commissio::RelatedView) -> Label {
        let s = r.span;
        Label {
            message: r.message.clone(),
            start: s.start,
            end: s.end,
            start_utf16: s.start_utf16,
            end_utf16: s.end_utf16,
            line: s.line,
            column: s.column,
            column_utf16: s.column_utf16,
            column_chars: s.column_chars,
            end_line: s.end_line,
            end_column: s.end_column,
            end_column_utf16: s.end_column_utf16,
            end_column_chars: s.end_column_chars,
        }
    }
}

#[pymethods]
impl Label {
    fn __repr__(&self) -> String {
        format!(
            "Label(line={}, column={}, message={})",
            self.line,
            self.column,
            repr(&self.message)
        )
    }
}

/// One problem found in a plan: a stable code, where it is, what is wrong and how to fix it.
/// The fields are those of the engine's error view (`commissio::DiagnosticView`), the same in
/// every binding.
#[pyclass(module = "commissio", frozen, get_all, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0301` (the list is in docs/language.md).
    pub code: String,
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// One sentence saying what is wrong.
    pub message: String,
    /// First byte of the span in the plan text.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// `start` as a UTF-16 offset (a JavaScript string index).
    pub start_utf16: u32,
    /// `end` as a UTF-16 offset.
    pub end_utf16: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in UTF-8 bytes.
    pub column: u32,
    /// 1-based column in UTF-16 code units (JavaScript editors).
    pub column_utf16: u32,
    /// 1-based column in characters.
    pub column_chars: u32,
    /// Line of the end of the span.
    pub end_line: u32,
    /// Column (UTF-8 bytes) of the end of the span.
    pub end_column: u32,
    /// Column (UTF-16 code units) of the end of the span.
    pub end_column_utf16: u32,
    /// Column (characters) of the end of the span.
    pub end_column_chars: u32,
    /// A note on the primary span (may be empty).
    pub label: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// Related places.
    pub related: Vec<Label>,
}

impl Diagnostic {
    /// The Python view of a diagnostic of the text indexed by `lines`.
    pub fn new(d: &commissio::Diagnostic, lines: &SourceLines) -> Diagnostic {
        let v = lines.diagnostic(d);
        let s = v.span;
        Diagnostic {
            code: v.code.to_string(),
            severity: v.severity.to_string(),
            message: v.message,
            start: s.start,
            end: s.end,
            start_utf16: s.start_utf16,
            end_utf16: s.end_utf16,
            line: s.line,
            column: s.column,
            column_utf16: s.column_utf16,
            column_chars: s.column_chars,
            end_line: s.end_line,
            end_column: s.end_column,
            end_column_utf16: s.end_column_utf16,
            end_column_chars: s.end_column_chars,
            label: v.label,
            hint: v.hint,
            related: v.related.iter().map(Label::new).collect(),
        }
    }

    /// Back to the engine's view (its `code` and `severity` are set by `to_dict`).
    fn view(&self) -> DiagnosticView {
        DiagnosticView {
            code: "",
            severity: "",
            message: self.message.clone(),
            span: SpanView {
                start: self.start,
                end: self.end,
                start_utf16: self.start_utf16,
                end_utf16: self.end_utf16,
                line: self.line,
                column: self.column,
                column_utf16: self.column_utf16,
                column_chars: self.column_chars,
                end_line: self.end_line,
                end_column: self.end_column,
                end_column_utf16: self.end_column_utf16,
                end_column_chars: self.end_column_chars,
            },
            label: self.label.clone(),
            hint: self.hint.clone(),
            related: self
                .related
                .iter()
                .map(|l| RelatedView {
                    span: SpanView {
                        start: l.start,
                        end: l.end,
                        start_utf16: l.start_utf16,
                        end_utf16: l.end_utf16,
                        line: l.line,
                        column: l.column,
                        column_utf16: l.column_utf16,
                        column_chars: l.column_chars,
                        end_line: l.end_line,
                        end_column: l.end_column,
                        end_column_utf16: l.end_column_utf16,
                        end_column_chars: l.end_column_chars,
                    },
                    message: l.message.clone(),
                })
                .collect(),
        }
    }
}

#[pymethods]
impl Diagnostic {
    fn __repr__(&self) -> String {
        format!(
            "Diagnostic(code={}, line={}, column={}, message={})",
            repr(&self.code),
            self.line,
            self.column,
            repr(&self.message)
        )
    }

    fn __str__(&self) -> String {
        let mut s = format!(
            "{}[{}] line {}, column {}: {}",
            self.severity, self.code, self.line, self.column, self.message
        );
        if let Some(h) = &self.hint {
            s.push_str(&format!(" (hint: {h})"));
        }
        s
    }

    /// The diagnostic as a plain dict (JSON-ready): the engine's diagnostic view, the same
    /// keys and values as in the canonical error JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut doc =
            serde_json::to_value(self.view()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        if let Value::Object(d) = &mut doc {
            d.insert("code".into(), self.code.clone().into());
            d.insert("severity".into(), self.severity.clone().into());
        }
        py.import("json")?.call_method1("loads", (doc.to_string(),))
    }
}
// ---------------------------------------------------------------------------------------------
// Data issues
// ---------------------------------------------------------------------------------------------

/// One problem in the input data, located as precisely as possible.
#[pyclass(module = "commissio", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataIssue {
    /// Stable code, e.g. `D0103`.
    #[pyo3(get)]
    pub code: String,
    /// `"payees"`, `"deals"`, `"credits"`, `"quotas"` or `"managers"`, when known.
    #[pyo3(get)]
    pub table: Option<String>,
    /// 1-based data row (the first row after a header is 1); `None` for a whole column.
    #[pyo3(get)]
    pub row: Option<u64>,
    /// The record's id when known (payee or deal id).
    #[pyo3(get)]
    pub id: Option<String>,
    /// The column concerned.
    #[pyo3(get)]
    pub field: Option<String>,
    /// What was expected, when a type or form was.
    #[pyo3(get)]
    pub expected: Option<String>,
    /// What is wrong, in words (includes the offending value).
    #[pyo3(get)]
    pub message: String,
    text: String,
}

impl DataIssue {
    /// The Python view of an engine data error.
    pub fn new(e: &commissio::DataError) -> DataIssue {
        DataIssue {
            code: e.code.as_str().to_string(),
            table: e.table.map(|t| t.name().to_string()),
            row: e.row,
            id: e.id.clone(),
            field: e.field.clone(),
            expected: e.expected.clone(),
            message: e.message.clone(),
            text: e.to_string(),
        }
    }
}

#[pymethods]
impl DataIssue {
    fn __repr__(&self) -> String {
        format!(
            "DataIssue(code={}, table={}, row={}, field={}, message={})",
            repr(&self.code),
            repr_opt(self.table.as_deref()),
            self.row
                .map(|r| r.to_string())
                .unwrap_or_else(|| "None".into()),
            repr_opt(self.field.as_deref()),
            repr(&self.message)
        )
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/// The results of one evaluation and the plan that produced them.
pub struct Evaluated {
    /// The plan.
    pub plan: Arc<CompiledPlan>,
    /// Where its results are.
    source: ResultsSource,
}

/// A plan's results: its own evaluation's, or one plan's part of a program's (shared with the
/// program's results, not copied).
// One per `Results` object, behind its `Arc`: boxing the large variant would only add an
// indirection to every read.
#[allow(clippy::large_enum_variant)]
enum ResultsSource {
    Own(Results),
    Program(Arc<ProgramResults>, usize),
}

impl Evaluated {
    /// The results of one plan's evaluation.
    pub fn own(plan: Arc<CompiledPlan>, results: Results) -> Evaluated {
        Evaluated {
            plan,
            source: ResultsSource::Own(results),
        }
    }

    /// The results of the `index`-th plan of a program's results.
    pub fn of_program(
        plan: Arc<CompiledPlan>,
        program: Arc<ProgramResults>,
        index: usize,
    ) -> Evaluated {
        Evaluated {
            plan,
            source: ResultsSource::Program(program, index),
        }
    }

    /// The results.
    pub fn results(&self) -> &Results {
        static EMPTY: OnceLock<Results> = OnceLock::new();
        match &self.source {
            ResultsSource::Own(r) => r,
            // The index is one of the program's plans by construction; an empty result
            // otherwise rather than a panic.
            ResultsSource::Program(p, i) => p
                .plans
                .get(*i)
                .map(|p| &p.results)
                .unwrap_or_else(|| EMPTY.get_or_init(Results::default)),
        }
    }
}

/// Keys of a trace whose string values are decimals.
const DECIMAL_KEYS: &[&str] = &[
    "basis",
    "rate",
    "unrounded",
    "rounded",
    "lo",
    "hi",
    "amount",
    "factor",
    "value",
    "before",
    "after",
    // a limit step's accrual
    "total",
    "paid",
    // a true-up's inputs
    "year_to_date",
    "earlier",
    "this_period",
    // an interpolated table read
    "key",
    "at",
    // a program's assignment share
    "full",
    "assigned_days",
    "fraction",
    "weight",
];

pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &Value,
    key: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py)?,
            (None, Some(u)) => u.into_bound_py_any(py)?,
            _ => py_decimal_text(py, &n.to_string())?,
        },
        Value::String(s) if key.is_some_and(|k| DECIMAL_KEYS.contains(&k)) => {
            py_decimal_text(py, s)?
        }
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for x in items {
                list.append(json_to_py(py, x, None)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, x) in map {
                d.set_item(k, json_to_py(py, x, Some(k))?)?;
            }
            d.into_any()
        }
    })
}

/// One payout line. Attributes are read from the results on access.
#[pyclass(module = "commissio", frozen)]
pub struct Line {
    pub(crate) shared: Arc<Evaluated>,
    pub(crate) index: usize,
}

impl Line {
    fn line(&self) -> PyResult<commissio::core::Line> {
        self.shared
            .results()
            .line(self.index)
            .ok_or_else(|| PyIndexError::new_err("line index out of range"))
    }
}

#[pymethods]
impl Line {
    /// Payee id.
    #[getter]
    fn payee(&self) -> PyResult<String> {
        Ok(self.shared.results().payee_id(&self.line()?).to_string())
    }
    /// Period label, e.g. `2026-Q1`.
    #[getter]
    fn period(&self) -> PyResult<String> {
        Ok(self.shared.results().period_label(&self.line()?))
    }
    /// Component name (`(plan)` for plan-level lines).
    #[getter]
    fn component(&self) -> PyResult<String> {
        Ok(self
            .shared
            .results()
            .component_name(self.line()?.component)
            .to_string())
    }
    /// Deal id, or `None` for period-level lines (bonuses, true-ups, ...).
    #[getter]
    fn deal(&self) -> PyResult<Option<String>> {
        Ok(self
            .shared
            .results()
            .deal_id(&self.line()?)
            .map(str::to_string))
    }
    /// `"deal"`, `"period"`, `"true_up"`, `"floor_top_up"` or `"rounding"`.
    #[getter]
    fn kind(&self) -> PyResult<&'static str> {
        Ok(self.line()?.kind.name())
    }
    /// Credit share of the payee in the deal (1 for period-level lines).
    #[getter]
    fn share<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.line()?.share)
    }
    /// Final amount, after rounding, caps and floors.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.line()?.amount)
    }
    /// Why the line pays what it pays: rule, basis, rate, tier slices, multipliers, gates,
    /// rounding, caps and floors (decimals as `decimal.Decimal`).
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::exceptions::guard(|| {
            let view = self.shared.results().view(&self.line()?);
            let v = serde_json::to_value(&view.trace)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            json_to_py(py, &v, None)
        })
    }
    /// The line as a dict (`payee`, `period`, `component`, `deal`, `kind`, `share`, `amount`,
    /// `trace`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("payee", self.payee()?)?;
        d.set_item("period", self.period()?)?;
        d.set_item("component", self.component()?)?;
        d.set_item("deal", self.deal()?)?;
        d.set_item("kind", self.kind()?)?;
        d.set_item("share", self.share(py)?)?;
        d.set_item("amount", self.amount(py)?)?;
        d.set_item("trace", self.trace(py)?)?;
        Ok(d)
    }
    /// The plain-text explanation of this line.
    fn explain(&self) -> PyResult<String> {
        crate::exceptions::guard(|| {
            Ok(commissio::core::report::explain_line(
                self.shared.results(),
                &self.line()?,
            ))
        })
    }
    fn __repr__(&self) -> PyResult<String> {
        let l = self.line()?;
        let r = self.shared.results();
        Ok(format!(
            "Line(payee={}, period={}, component={}, deal={}, kind={}, amount=Decimal('{}'))",
            repr(r.payee_id(&l)),
            repr(&r.period_label(&l)),
            repr(r.component_name(l.component)),
            repr_opt(r.deal_id(&l)),
            repr(l.kind.name()),
            l.amount
        ))
    }
}

/// The total of one payee in one period.
#[pyclass(module = "commissio", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Total {
    #[pyo3(get)]
    payee: String,
    #[pyo3(get)]
    period: String,
    value: Decimal,
}

impl Total {
    /// A total.
    pub fn new(payee: String, period: String, value: Decimal) -> Total {
        Total {
            payee,
            period,
            value,
        }
    }
}

#[pymethods]
impl Total {
    /// The amount, as `decimal.Decimal`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.value)
    }
    fn __repr__(&self) -> String {
        format!(
            "Total(payee={}, period={}, amount=Decimal('{}'))",
            repr(&self.payee),
            repr(&self.period),
            self.value
        )
    }
}

/// The total of one component for one payee in one period.
#[pyclass(module = "commissio", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ComponentTotal {
    #[pyo3(get)]
    payee: String,
    #[pyo3(get)]
    period: String,
    #[pyo3(get)]
    component: String,
    value: Decimal,
}

impl ComponentTotal {
    /// A component total.
    pub fn new(payee: String, period: String, component: String, value: Decimal) -> ComponentTotal {
        ComponentTotal {
            payee,
            period,
            component,
            value,
        }
    }
}

#[pymethods]
impl ComponentTotal {
    /// The amount, as `decimal.Decimal`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.value)
    }
    fn __repr__(&self) -> String {
        format!(
            "ComponentTotal(payee={}, period={}, component={}, amount=Decimal('{}'))",
            repr(&self.payee),
            repr(&self.period),
            repr(&self.component),
            self.value
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Pay curves
// ---------------------------------------------------------------------------------------------

/// One point of a pay curve: `attainment` (1 = 100%), the `credited` amount it stands for,
/// and the `payout` of the period. Unpacks as a tuple: `a, credited, payout = point`.
#[pyclass(module = "commissio", frozen, eq, hash)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    pub(crate) point: commissio::core::curve::CurvePoint,
}

impl std::hash::Hash for CurvePoint {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.point.attainment.hash(state);
        self.point.credited.hash(state);
        self.point.payout.hash(state);
    }
}

#[pymethods]
impl CurvePoint {
    #[new]
    fn py_new(
        attainment: &Bound<'_, PyAny>,
        credited: &Bound<'_, PyAny>,
        payout: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        Ok(CurvePoint {
            point: commissio::core::curve::CurvePoint {
                attainment: decimal_arg(attainment, "attainment", true)?,
                credited: decimal_arg(credited, "credited", false)?,
                payout: decimal_arg(payout, "payout", false)?,
            },
        })
    }
    /// Attainment (1 = 100%).
    #[getter]
    fn attainment<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.point.attainment)
    }
    /// Credited amount that attainment stands for.
    #[getter]
    fn credited<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.point.credited)
    }
    /// What the plan pays for the period at that credited amount.
    #[getter]
    fn payout<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.point.payout)
    }
    fn __len__(&self) -> usize {
        3
    }
    fn __getitem__<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyAny>> {
        match i {
            0 | -3 => self.attainment(py),
            1 | -2 => self.credited(py),
            2 | -1 => self.payout(py),
            _ => Err(PyIndexError::new_err("a curve point has 3 items")),
        }
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = PyTuple::new(
            py,
            [self.attainment(py)?, self.credited(py)?, self.payout(py)?],
        )?;
        Ok(t.try_iter()?.into_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "CurvePoint(attainment=Decimal('{}'), credited=Decimal('{}'), payout=Decimal('{}'))",
            self.point.attainment, self.point.credited, self.point.payout
        )
    }
}
