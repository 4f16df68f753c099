//! The input schema of a compiled plan: which tables it reads, which columns each has, what
//! each column holds and whether it must be there. The one list every binding asks (Python
//! converts only these columns, JavaScript gives an empty table these columns, the CLI builds
//! the pay curve's empty deals table from it), so a column is never listed twice.

use commissio_core::load::{Table, TableKind};
use commissio_core::plan::{FieldType, Plan};
use serde::Serialize;

/// What a column holds, as the loader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// An id (text, taken exactly as written).
    Id,
    /// A declared field of this type.
    Field(FieldKind),
    /// A credit share: `0 < share <= 1`, or a percentage.
    Share,
    /// A period label of the plan's calendar (`2026-Q1`).
    Period,
}

/// The type of a declared field (the plan's `money`, `number`, ...), or of a built-in column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A decimal with at most the currency's minor units.
    Money,
    /// Any decimal.
    Number,
    /// `30%` or `0.30`.
    Percent,
    /// A whole number.
    Integer,
    /// `YYYY-MM-DD`.
    Date,
    /// Any text.
    Text,
    /// `true` or `false`.
    Bool,
}

impl From<FieldType> for FieldKind {
    fn from(ty: FieldType) -> Self {
        match ty {
            FieldType::Money => FieldKind::Money,
            FieldType::Number => FieldKind::Number,
            FieldType::Percent => FieldKind::Percent,
            FieldType::Integer => FieldKind::Integer,
            FieldType::Date => FieldKind::Date,
            FieldType::Text => FieldKind::Text,
            FieldType::Bool => FieldKind::Bool,
        }
    }
}

impl ColumnType {
    /// What a value of this column must be, in the words error messages use
    /// (`"date (YYYY-MM-DD)"`).
    pub fn describe(self) -> &'static str {
        match self {
            ColumnType::Id => "an id (text)",
            ColumnType::Share => "share (0 < share <= 1, or a percentage)",
            ColumnType::Period => "period",
            ColumnType::Field(kind) => match kind {
                FieldKind::Money => "money",
                FieldKind::Number => "number",
                FieldKind::Percent => "percent",
                FieldKind::Integer => "integer",
                FieldKind::Date => "date (YYYY-MM-DD)",
                FieldKind::Text => "text",
                FieldKind::Bool => "bool (true or false)",
            },
        }
    }
}

/// One column of an input table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSchema {
    /// The column's name in the data (a built-in renamed by the plan keeps the plan's name).
    pub name: String,
    /// What it holds.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// True when a table without this column is refused (`D0201`); optional columns may be
    /// left out, and their cells may be empty.
    pub required: bool,
}

impl ColumnSchema {
    /// [`ColumnType::describe`] of this column.
    pub fn describe(&self) -> &'static str {
        self.ty.describe()
    }
}

/// One input table of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableSchema {
    /// Which table.
    pub table: TableKind,
    /// True for `payees` and `deals`; the other tables may be left out.
    pub required: bool,
    /// Its columns in a stable order: built-ins first, then the plan's fields in declaration
    /// order. Other columns in the data are ignored.
    pub columns: Vec<ColumnSchema>,
}

impl TableSchema {
    /// The column named `name`, if the plan reads it.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// An empty table with every column of this schema: "no rows" rather than "no columns".
    pub fn empty_table(&self) -> Table {
        Table::new(self.column_names())
    }
}

/// Every input table of a plan (over all its versions), in the order payees, deals, credits,
/// quotas, managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputSchema {
    /// The tables.
    pub tables: Vec<TableSchema>,
}

impl InputSchema {
    /// The schema `plan` reads.
    pub fn of(plan: &Plan) -> InputSchema {
        let tables = TableKind::ALL
            .into_iter()
            .filter(|k| *k != TableKind::Assignments)
            .map(|kind| table_schema(plan, kind))
            .collect();
        InputSchema { tables }
    }

    /// The schema a program of `plans` reads: every table of every plan (the columns of
    /// each, merged in plan order), then the `assignments` table (required).
    pub fn of_program<'p>(plans: impl IntoIterator<Item = &'p Plan>) -> InputSchema {
        let mut merged: Option<InputSchema> = None;
        for plan in plans {
            let next = InputSchema::of(plan);
            merged = Some(match merged {
                None => next,
                Some(mut m) => {
                    for (t, n) in m.tables.iter_mut().zip(next.tables) {
                        for c in n.columns {
                            if !t.columns.iter().any(|k| k.name == c.name) {
                                t.columns.push(c);
                            }
                        }
                    }
                    m
                }
            });
        }
        let mut schema = merged.unwrap_or(InputSchema { tables: Vec::new() });
        schema.tables.push(TableSchema {
            table: TableKind::Assignments,
            required: true,
            columns: assignment_columns(),
        });
        schema
    }

    /// The schema of one table (every kind is listed).
    pub fn table(&self, kind: TableKind) -> Option<&TableSchema> {
        self.tables.iter().find(|t| t.table == kind)
    }

    /// The column names of one table, in order.
    pub fn column_names(&self, kind: TableKind) -> Vec<String> {
        self.table(kind)
            .map(TableSchema::column_names)
            .unwrap_or_default()
    }

    /// Gives each table that has neither rows nor columns (`[]` in JSON) the columns this
    /// schema lists, so that "no deals" reads as an empty table rather than as a table missing
    /// every required column.
    pub fn complete_empty_tables(&self, inputs: &mut commissio_core::load::Inputs) {
        let fill = |t: &mut Table, kind: TableKind| {
            if t.is_empty() && t.columns().is_empty() {
                t.set_columns(self.column_names(kind));
            }
        };
        fill(&mut inputs.payees, TableKind::Payees);
        fill(&mut inputs.deals, TableKind::Deals);
        for (table, kind) in [
            (inputs.credits.as_mut(), TableKind::Credits),
            (inputs.quotas.as_mut(), TableKind::Quotas),
            (inputs.managers.as_mut(), TableKind::Managers),
        ] {
            if let Some(t) = table {
                fill(t, kind);
            }
        }
    }
}

/// The columns of a program's `assignments` table.
fn assignment_columns() -> Vec<ColumnSchema> {
    let date = ColumnType::Field(FieldKind::Date);
    [
        ("payee", ColumnType::Id, true),
        ("plan", ColumnType::Field(FieldKind::Text), true),
        ("from", date, true),
        ("to", date, false),
        ("weight", ColumnType::Share, false),
    ]
    .into_iter()
    .map(|(name, ty, required)| ColumnSchema {
        name: name.to_string(),
        ty,
        required,
    })
    .collect()
}

fn table_schema(plan: &Plan, kind: TableKind) -> TableSchema {
    let mut columns: Vec<ColumnSchema> = Vec::new();
    let mut add = |name: &str, ty: ColumnType, required: bool| {
        if !columns.iter().any(|c| c.name == name) {
            columns.push(ColumnSchema {
                name: name.to_string(),
                ty,
                required,
            });
        }
    };
    let date = ColumnType::Field(FieldKind::Date);
    match kind {
        TableKind::Payees | TableKind::Deals => {
            for v in &plan.versions {
                let (record, builtins): (_, &[(&str, ColumnType, bool)]) = match kind {
                    TableKind::Payees => (
                        &v.schema.payee,
                        &[
                            ("id", ColumnType::Id, true),
                            ("manager", ColumnType::Id, false),
                            ("start", date, false),
                            ("end", date, false),
                        ],
                    ),
                    _ => (
                        &v.schema.deal,
                        &[
                            ("id", ColumnType::Id, true),
                            ("payee", ColumnType::Id, true),
                            ("date", date, true),
                        ],
                    ),
                };
                for (builtin, ty, required) in builtins {
                    add(record.builtin_column(builtin), *ty, *required);
                }
                for f in &record.fields {
                    add(&f.column, ColumnType::Field(f.ty.into()), true);
                }
            }
        }
        TableKind::Credits => {
            add("deal", ColumnType::Id, true);
            add("payee", ColumnType::Id, true);
            add("share", ColumnType::Share, true);
            add("role", ColumnType::Field(FieldKind::Text), false);
        }
        TableKind::Quotas => {
            add("payee", ColumnType::Id, true);
            add("period", ColumnType::Period, true);
            add("amount", ColumnType::Field(FieldKind::Money), true);
        }
        TableKind::Managers => {
            add("payee", ColumnType::Id, true);
            add("manager", ColumnType::Id, true);
            add("from", date, true);
            add("to", date, false);
        }
        TableKind::Assignments => columns = assignment_columns(),
    }
    TableSchema {
        table: kind,
        required: matches!(kind, TableKind::Payees | TableKind::Deals),
        columns,
    }
}
