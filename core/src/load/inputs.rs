//! [`Inputs`]: the tables of one evaluation, as a binding hands them over or read from CSV or
//! JSON text.

use super::csv::read_csv;
use super::error::{DataError, DataErrors, ErrorList, TableKind};
use super::json::read_json;
use super::table::Table;

/// The input tables of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inputs {
    /// Payees (required).
    pub payees: Table,
    /// Deals (required; may have no rows).
    pub deals: Table,
    /// Credit splits; without it every deal is credited to its owner.
    pub credits: Option<Table>,
    /// Quotas per payee and period.
    pub quotas: Option<Table>,
    /// Effective-dated manager assignments (`payee`, `manager`, `from`, `to`); when given,
    /// they are the hierarchy instead of the payees table's `manager` column.
    pub managers: Option<Table>,
}

impl Inputs {
    /// Reads every table from CSV text; errors name the table they come from.
    pub fn from_csv(
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        Self::read_all(read_csv, payees, deals, credits, quotas)
    }

    /// Reads every table from JSON text (arrays of objects); errors name their table.
    pub fn from_json(
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        Self::read_all(read_json, payees, deals, credits, quotas)
    }

    fn read_all(
        read: fn(&str) -> Result<Table, DataError>,
        payees: &str,
        deals: &str,
        credits: Option<&str>,
        quotas: Option<&str>,
    ) -> Result<Inputs, DataErrors> {
        let mut errors = ErrorList::default();
        let mut one = |kind: TableKind, text: &str| match read(text) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e.in_table(kind));
                Table::default()
            }
        };
        let inputs = Inputs {
            payees: one(TableKind::Payees, payees),
            deals: one(TableKind::Deals, deals),
            credits: credits.map(|t| one(TableKind::Credits, t)),
            quotas: quotas.map(|t| one(TableKind::Quotas, t)),
            managers: None,
        };
        errors.finish(inputs)
    }

    /// The same inputs with a manager assignments table read from CSV text.
    pub fn with_managers_csv(self, text: &str) -> Result<Inputs, DataErrors> {
        self.with_managers(read_csv, text)
    }

    /// The same inputs with a manager assignments table read from JSON text.
    pub fn with_managers_json(self, text: &str) -> Result<Inputs, DataErrors> {
        self.with_managers(read_json, text)
    }

    fn with_managers(
        self,
        read: fn(&str) -> Result<Table, DataError>,
        text: &str,
    ) -> Result<Inputs, DataErrors> {
        match read(text) {
            Ok(t) => Ok(Inputs {
                managers: Some(t),
                ..self
            }),
            Err(e) => Err(DataErrors {
                errors: vec![e.in_table(TableKind::Managers)],
                omitted: 0,
            }),
        }
    }
}
