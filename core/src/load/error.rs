//! What loading reports: [`DataError`]s with their stable [`DataErrorCode`]s (the module docs
//! of [`crate::load`] list them), [`DataErrors`] (at most [`MAX_ERRORS`] listed, the rest
//! counted), and the collector that builds them.

use serde::Serialize;
use std::fmt;

/// Most errors listed in one [`DataErrors`]; the rest are only counted.
pub const MAX_ERRORS: usize = 100;

/// Which input table an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// `payees`
    Payees,
    /// `deals`
    Deals,
    /// `credits`
    Credits,
    /// `quotas`
    Quotas,
    /// `managers` (effective-dated manager assignments)
    Managers,
    /// `assignments` (a program's plan assignments: which plan pays whom, when)
    Assignments,
}

impl TableKind {
    /// Every table, in the order payees, deals, credits, quotas, managers, assignments.
    pub const ALL: [TableKind; 6] = [
        TableKind::Payees,
        TableKind::Deals,
        TableKind::Credits,
        TableKind::Quotas,
        TableKind::Managers,
        TableKind::Assignments,
    ];

    /// The table named `name` (`"deals"`), if there is one.
    pub fn from_name(name: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The table's name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Payees => "payees",
            TableKind::Deals => "deals",
            TableKind::Credits => "credits",
            TableKind::Quotas => "quotas",
            TableKind::Managers => "managers",
            TableKind::Assignments => "assignments",
        }
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of a data error; each has a stable code (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataErrorCode {
    /// `D0001` malformed CSV or JSON.
    Syntax,
    /// `D0002` JSON is not an array of flat objects.
    Shape,
    /// `D0101` required column missing.
    MissingColumn,
    /// `D0102` wrong type.
    WrongType,
    /// `D0103` too many decimals for the currency.
    TooManyDecimals,
    /// `D0104` required value empty.
    MissingValue,
    /// `D0105` number out of range or with an exponent.
    OutOfRange,
    /// `D0106` duplicate column.
    DuplicateColumn,
    /// `D0107` row length differs from the header.
    RowLength,
    /// `D0108` too many rows.
    TooManyRows,
    /// `D0201` duplicate id.
    DuplicateId,
    /// `D0202` unknown payee.
    UnknownPayee,
    /// `D0203` unknown deal.
    UnknownDeal,
    /// `D0204` shares do not sum to 1.
    ShareSum,
    /// `D0205` payee credited twice on one deal.
    DuplicateCredit,
    /// `D0206` share outside `(0, 1]`.
    ShareRange,
    /// `D0207` unknown manager.
    UnknownManager,
    /// `D0208` manager cycle.
    ManagerCycle,
    /// `D0209` start after end.
    StartAfterEnd,
    /// `D0301` bad quota period.
    BadPeriod,
    /// `D0302` duplicate quota.
    DuplicateQuota,
    /// `D0210` overlapping manager assignments of one payee.
    OverlappingAssignments,
    /// `D0211` a manager in the payees table while a managers table is given.
    ManagerInBothTables,
    /// `D0212` a payee has more than [`MAX_HIERARCHY_DEPTH`] managers above them.
    ///
    /// [`MAX_HIERARCHY_DEPTH`]: crate::load::MAX_HIERARCHY_DEPTH
    HierarchyTooDeep,
    /// `D0401` an assignment names a plan that is not in the program.
    UnknownPlan,
    /// `D0402` an assignment's weight is outside `(0, 1]`.
    WeightRange,
    /// `D0403` two assignments of one payee overlap (without weights, or to the same plan).
    OverlappingPlanAssignments,
    /// `D0404` a payee's assignment weights add up to more than 1 on some day.
    WeightSum,
}

impl DataErrorCode {
    /// The stable code, e.g. `D0101`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataErrorCode::Syntax => "D0001",
            DataErrorCode::Shape => "D0002",
            DataErrorCode::MissingColumn => "D0101",
            DataErrorCode::WrongType => "D0102",
            DataErrorCode::TooManyDecimals => "D0103",
            DataErrorCode::MissingValue => "D0104",
            DataErrorCode::OutOfRange => "D0105",
            DataErrorCode::DuplicateColumn => "D0106",
            DataErrorCode::RowLength => "D0107",
            DataErrorCode::TooManyRows => "D0108",
            DataErrorCode::DuplicateId => "D0201",
            DataErrorCode::UnknownPayee => "D0202",
            DataErrorCode::UnknownDeal => "D0203",
            DataErrorCode::ShareSum => "D0204",
            DataErrorCode::DuplicateCredit => "D0205",
            DataErrorCode::ShareRange => "D0206",
            DataErrorCode::UnknownManager => "D0207",
            DataErrorCode::ManagerCycle => "D0208",
            DataErrorCode::StartAfterEnd => "D0209",
            DataErrorCode::BadPeriod => "D0301",
            DataErrorCode::DuplicateQuota => "D0302",
            DataErrorCode::OverlappingAssignments => "D0210",
            DataErrorCode::ManagerInBothTables => "D0211",
            DataErrorCode::HierarchyTooDeep => "D0212",
            DataErrorCode::UnknownPlan => "D0401",
            DataErrorCode::WeightRange => "D0402",
            DataErrorCode::OverlappingPlanAssignments => "D0403",
            DataErrorCode::WeightSum => "D0404",
        }
    }
}

impl fmt::Display for DataErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DataErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in the input data, located as precisely as possible.
///
/// Displays as e.g. `[D0103] deals row 3 (id "D7"), field "amount": expected money with at
/// most 2 decimals, got "12.345"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("[{code}] {}{message}", self.location())]
pub struct DataError {
    /// Stable code (`D0103`).
    pub code: DataErrorCode,
    /// The table, when known (a reader called on its own does not know it).
    pub table: Option<TableKind>,
    /// 1-based data row (the first row after the header is 1); `None` for whole-table errors.
    pub row: Option<u64>,
    /// The record's id when known: the payee or deal id; for credits the deal id, for quotas
    /// the payee id.
    pub id: Option<String>,
    /// The column (field) concerned.
    pub field: Option<String>,
    /// What was expected, when a type or form was (`money with at most 2 decimals`).
    pub expected: Option<String>,
    /// What is wrong, in words (includes the offending value).
    pub message: String,
}

impl DataError {
    /// An error about a whole table or text (no table, row, id or field yet).
    pub fn new(code: DataErrorCode, message: impl Into<String>) -> Self {
        DataError {
            code,
            table: None,
            row: None,
            id: None,
            field: None,
            expected: None,
            message: message.into(),
        }
    }

    /// The same error, attributed to `table` (used when a reader's output is known to be a
    /// given table).
    pub fn in_table(mut self, table: TableKind) -> Self {
        self.table = Some(table);
        self
    }

    /// `deals row 3 (id "D7"), field "amount": ` — the part before the message.
    fn location(&self) -> String {
        let mut out = String::new();
        if let Some(t) = self.table {
            out.push_str(t.name());
        }
        if let Some(r) = self.row {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("row {r}"));
        }
        if let Some(id) = &self.id {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("(id {id:?})"));
        }
        if let Some(field) = &self.field {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&format!("field {field:?}"));
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out
    }
}

/// Every problem found in the input (at most [`MAX_ERRORS`] listed, the rest counted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, thiserror::Error)]
pub struct DataErrors {
    /// The errors, in table order (payees, deals, credits, quotas, managers), then row order.
    pub errors: Vec<DataError>,
    /// How many further errors were found but not listed.
    pub omitted: usize,
}

impl DataErrors {
    /// Errors found in total (listed and omitted).
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        if self.omitted > 0 {
            let s = if self.omitted == 1 { "" } else { "s" };
            write!(f, "\nand {} more error{s}", self.omitted)?;
        }
        Ok(())
    }
}

/// Collects errors up to [`MAX_ERRORS`].
#[derive(Default)]
pub(super) struct ErrorList {
    pub(super) errors: Vec<DataError>,
    pub(super) omitted: usize,
}

impl ErrorList {
    pub(super) fn push(&mut self, e: DataError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.omitted += 1;
        }
    }
    pub(super) fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.omitted == 0
    }
    pub(super) fn finish<T>(self, value: T) -> Result<T, DataErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(DataErrors {
                errors: self.errors,
                omitted: self.omitted,
            })
        }
    }
}

/// A value problem before it is located (table, row, id and field are added by the caller).
#[derive(Debug)]
pub(super) struct Bad {
    pub(super) code: DataErrorCode,
    pub(super) expected: Option<String>,
    pub(super) message: String,
}

impl Bad {
    pub(super) fn new(
        code: DataErrorCode,
        expected: impl Into<String>,
        message: impl Into<String>,
    ) -> Bad {
        Bad {
            code,
            expected: Some(expected.into()),
            message: message.into(),
        }
    }
}

/// Context for locating value errors.
pub(super) struct At<'a> {
    pub(super) kind: TableKind,
    pub(super) row: usize,
    pub(super) id: Option<&'a str>,
}

impl At<'_> {
    pub(super) fn err(&self, field: &str, bad: Bad) -> DataError {
        DataError {
            code: bad.code,
            table: Some(self.kind),
            row: Some(self.row as u64 + 1),
            id: self.id.map(str::to_string),
            field: Some(field.to_string()),
            expected: bad.expected,
            message: bad.message,
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`; `\r\n`, `\n` and a
/// lone `\r` each end a line.
pub fn line_and_column(text: &str, offset: usize) -> (u64, u64) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let mut line = 1u64;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < before.len() {
        match before.get(i) {
            Some(b'\r') => {
                line += 1;
                if before.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line_start = i + 1;
            }
            Some(b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // Characters, counted as the bytes that start one (any offset works, even mid-character).
    let column = before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u64
        + 1;
    (line, column)
}
