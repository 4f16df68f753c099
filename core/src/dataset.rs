//! The dataset model: payees, deals, credits and quotas, stored column by column.
//!
//! Text is interned once into [`Interner`] so the evaluator compares `u32`s, never strings;
//! every attribute is a typed column, so the hot loop reads slices and allocates nothing.
//! A [`Dataset`] is only ever built by validating input against a plan's schema
//! (see [`crate::load`]), so the evaluator may trust its shape.

use crate::period::{Date, Period};
use rust_decimal::Decimal;
use std::hash::BuildHasher;

/// Index of an interned string.
pub type Sym = u32;

/// Interned text: each distinct string stored once.
///
/// Symbols are numbered in first-seen order, so they are deterministic whatever the hasher's
/// seed. The strings live end to end in one buffer and the index holds only symbols (hashed by
/// their text), so a million deal ids cost about their own bytes plus 12 per id, with no
/// allocation per string; foldhash is used because SipHash dominated loading a million ids.
#[derive(Clone, Default)]
pub struct Interner {
    /// Every string, end to end.
    buf: String,
    /// End of each symbol's text in `buf` (its start is the previous end).
    ends: Vec<usize>,
    /// Symbols, hashed by their text.
    index: hashbrown::HashTable<Sym>,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.ends.len())
            .field("bytes", &self.buf.len())
            .finish()
    }
}

/// The text of `sym` in a buffer and its ends (empty for an unknown symbol).
fn text_of<'a>(buf: &'a str, ends: &[usize], sym: Sym) -> &'a str {
    let i = sym as usize;
    let end = ends.get(i).copied().unwrap_or(0);
    let start = match i.checked_sub(1) {
        Some(j) => ends.get(j).copied().unwrap_or(0),
        None => 0,
    };
    buf.get(start..end).unwrap_or("")
}

impl Interner {
    /// Makes room for `additional` more distinct strings.
    pub fn reserve(&mut self, additional: usize) {
        let Interner {
            buf,
            ends,
            index,
            hasher,
        } = self;
        ends.reserve(additional);
        index.reserve(additional, |&s| hasher.hash_one(text_of(buf, ends, s)));
    }

    /// The symbol for `text`, adding it when new.
    pub fn intern(&mut self, text: &str) -> Sym {
        let Interner {
            buf,
            ends,
            index,
            hasher,
        } = self;
        let hash = hasher.hash_one(text);
        if let Some(&s) = index.find(hash, |&s| text_of(buf, ends, s) == text) {
            return s;
        }
        let sym = ends.len() as Sym;
        buf.push_str(text);
        ends.push(buf.len());
        index.insert_unique(hash, sym, |&s| hasher.hash_one(text_of(buf, ends, s)));
        sym
    }
    /// The symbol for `text` if it was interned.
    pub fn get(&self, text: &str) -> Option<Sym> {
        let hash = self.hasher.hash_one(text);
        self.index
            .find(hash, |&s| text_of(&self.buf, &self.ends, s) == text)
            .copied()
    }
    /// The text of a symbol (empty for an unknown symbol).
    pub fn resolve(&self, sym: Sym) -> &str {
        text_of(&self.buf, &self.ends, sym)
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
