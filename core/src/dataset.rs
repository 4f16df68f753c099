//! The dataset model: payees, deals, credits and quotas, stored column by column.
//!
//! Text is interned once into [`Interner`] so the evaluator compares `u32`s, never strings;
//! every attribute is a typed column, so the hot loop reads slices and allocates nothing.
//! A [`Dataset`] is only ever built by validating input against a plan's schema
//! (see [`crate::load`]), so the evaluator may trust its shape.

use crate::period::{Date, Period};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Index of an interned string.
pub type Sym = u32;

/// Interned text: each distinct string stored once.
///
/// Symbols are numbered in first-seen order, so they are deterministic whatever the hasher's
/// seed; foldhash is used because loading a million ids through SipHash took most of the load.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    strings: Vec<std::sync::Arc<str>>,
    index: HashMap<std::sync::Arc<str>, Sym, foldhash::fast::RandomState>,
}

impl Interner {
    /// Makes room for `additional` more distinct strings.
    pub fn reserve(&mut self, additional: usize) {
        self.strings.reserve(additional);
        self.index.reserve(additional);
    }

    /// The symbol for `text`, adding it when new.
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&s) = self.index.get(text) {
            return s;
        }
        let s = self.strings.len() as Sym;
        let shared: std::sync::Arc<str> = std::sync::Arc::from(text);
        self.strings.push(shared.clone());
        self.index.insert(shared, s);
        s
    }
    /// The symbol for `text` if it was interned.
    pub fn get(&self, text: &str) -> Option<Sym> {
        self.index.get(text).copied()
    }
    /// The text of a symbol (empty for an unknown symbol).
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map(|s| &**s).unwrap_or("")
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }
    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// One typed attribute column (one value per row).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Money, number, percent and integer fields.
    Decimal(Vec<Decimal>),
    /// Bool fields.
    Bool(Vec<bool>),
    /// Text fields, interned.
    Text(Vec<Sym>),
    /// Date fields.
    Date(Vec<Date>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Decimal(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Date(v) => v.len(),
        }
    }
    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Payees, one row each. Attribute columns follow `schema.payee.fields`.
#[derive(Debug, Clone, Default)]
pub struct Payees {
    /// Payee ids (interned).
    pub id: Vec<Sym>,
    /// Row of the payee's manager, if any.
    pub manager: Vec<Option<u32>>,
    /// First active day, if known.
    pub start: Vec<Option<Date>>,
    /// Last active day, if any.
    pub end: Vec<Option<Date>>,
    /// Attribute columns, in schema order.
    pub attrs: Vec<Column>,
}

/// Deals (transactions), one row each. Attribute columns follow `schema.deal.fields`.
#[derive(Debug, Clone, Default)]
pub struct Deals {
    /// Deal ids (interned).
    pub id: Vec<Sym>,
    /// Row of the owning payee (credited 100% when the deal has no credit rows).
    pub owner: Vec<u32>,
    /// Credit date: decides the period.
    pub date: Vec<Date>,
    /// Attribute columns, in schema order.
    pub attrs: Vec<Column>,
}

/// Credit lines: which payee is credited with which share of which deal. Every deal has at
/// least one line here after loading (an uncredited deal gets one line for its owner, share 1).
#[derive(Debug, Clone, Default)]
pub struct Credits {
    /// Deal row.
    pub deal: Vec<u32>,
    /// Payee row.
    pub payee: Vec<u32>,
    /// Share of the deal (exact; 1 = 100%).
    pub share: Vec<Decimal>,
    /// Role (interned; empty string when none given).
    pub role: Vec<Sym>,
}

/// A quota for one payee and one plan period.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// Payee row.
    pub payee: u32,
    /// Plan period.
    pub period: Period,
    /// Amount.
    pub amount: Decimal,
}

/// One row of the manager assignments table: `payee` reports to `manager` from `from`
/// through `to` (both days included; `None` = no end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Payee row of the report.
    pub payee: u32,
    /// Payee row of the manager.
    pub manager: u32,
    /// First day of the assignment.
    pub from: Date,
    /// Last day of the assignment (`None`: still in force).
    pub to: Option<Date>,
}

/// Validated input data, ready to evaluate.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Interned text of ids and text attributes.
    pub texts: Interner,
    /// Payees.
    pub payees: Payees,
    /// Deals.
    pub deals: Deals,
    /// Credit lines (always complete; see [`Credits`]).
    pub credits: Credits,
    /// Quotas.
    pub quotas: Vec<Quota>,
    /// Effective-dated manager assignments. When present, they are the reporting hierarchy
    /// and `payees.manager` is unused (empty); when absent, `payees.manager` is.
    pub assignments: Option<Vec<Assignment>>,
}

impl Dataset {
    /// Row of a payee by id.
    pub fn payee_row(&self, id: &str) -> Option<u32> {
        let sym = self.texts.get(id)?;
        self.payees
            .id
            .iter()
            .position(|&s| s == sym)
            .map(|i| i as u32)
    }
    /// Row of a deal by id.
    pub fn deal_row(&self, id: &str) -> Option<u32> {
        let sym = self.texts.get(id)?;
        self.deals
            .id
            .iter()
            .position(|&s| s == sym)
            .map(|i| i as u32)
    }
}
