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
/// seed. The strings live end to end in one buffer, their ends are `u32` while the buffer
/// fits (widened to `usize` past 4 GiB, so nothing wraps), and the index holds only symbols
/// (hashed by their text), with no allocation per string; foldhash is used because SipHash
/// dominated loading a million ids.
///
/// After loading, the index drops the deal ids (an evaluation looks up plan literals by text,
/// hardly ever a deal id, and the ids are most of the index): a million ids then cost their
/// own bytes plus 4 each. [`Interner::get`] scans the strings when the index misses, so every
/// lookup still finds every string.
///
/// The strings themselves are shared, not copied, with the results of an evaluation (their
/// deal ids, [`crate::results::IdTable`]); interning a new string while such results are
/// alive copies them once (copy on write).
#[derive(Clone)]
pub struct Interner {
    /// The strings, shared with results ([`Interner::shared_text`]).
    text: std::sync::Arc<Text>,
    /// Symbols, hashed by their text (all of them unless `partial`).
    index: hashbrown::HashTable<Sym>,
    /// True when some symbols were left out of `index` ([`Interner::retain_index`]).
    partial: bool,
    /// Largest end stored as `u32` (`u32::MAX`; lower in tests, to reach the wide form).
    narrow_max: usize,
    hasher: foldhash::fast::RandomState,
}

/// Every interned string, end to end, and where each ends.
#[derive(Clone, Default)]
pub(crate) struct Text {
    /// Every string, end to end.
    buf: String,
    /// End of each symbol's text in `buf` (its start is the previous end).
    ends: Ends,
}

impl std::fmt::Debug for Text {
    /// Counts, not the strings (results print it among their deal ids).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("strings", &self.ends.len())
            .field("bytes", &self.buf.len())
            .finish()
    }
}

impl Text {
    /// The text of a symbol (empty for an unknown symbol).
    pub(crate) fn resolve(&self, sym: Sym) -> &str {
        text_of(&self.buf, &self.ends, sym)
    }
    /// Heap bytes held (by capacity).
    pub(crate) fn heap_bytes(&self) -> usize {
        let ends = match &self.ends {
            Ends::Narrow(v) => v.capacity() * std::mem::size_of::<u32>(),
            Ends::Wide(v) => v.capacity() * std::mem::size_of::<usize>(),
        };
        self.buf.capacity() + ends
    }
}

/// The ends of the symbols' texts: `u32` until the buffer outgrows it.
#[derive(Clone, Debug)]
enum Ends {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Default for Ends {
    fn default() -> Self {
        Ends::Narrow(Vec::new())
    }
}

impl Ends {
    fn len(&self) -> usize {
        match self {
            Ends::Narrow(v) => v.len(),
            Ends::Wide(v) => v.len(),
        }
    }
    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Ends::Narrow(v) => v.get(i).map(|&e| e as usize),
            Ends::Wide(v) => v.get(i).copied(),
        }
    }
    /// Start and end of symbol `i`'s text (`(0, 0)` for an unknown symbol).
    fn span(&self, i: usize) -> (usize, usize) {
        let end = self.get(i).unwrap_or(0);
        let start = match i.checked_sub(1) {
            Some(j) => self.get(j).unwrap_or(0),
            None => 0,
        };
        (start, end)
    }
    fn reserve(&mut self, additional: usize) {
        match self {
            Ends::Narrow(v) => v.reserve(additional),
            Ends::Wide(v) => v.reserve(additional),
        }
    }
    fn shrink_to_fit(&mut self) {
        match self {
            Ends::Narrow(v) => v.shrink_to_fit(),
            Ends::Wide(v) => v.shrink_to_fit(),
        }
    }
    /// Appends an end, widening every end first when it does not fit `narrow_max`.
    fn push(&mut self, end: usize, narrow_max: usize) {
        match self {
            Ends::Narrow(v) => match u32::try_from(end) {
                Ok(e) if end <= narrow_max => v.push(e),
                _ => {
                    let mut wide: Vec<usize> = Vec::with_capacity(v.len() + 1);
                    wide.extend(v.iter().map(|&e| e as usize));
                    wide.push(end);
                    *self = Ends::Wide(wide);
                }
            },
            Ends::Wide(v) => v.push(end),
        }
    }
    /// The first symbol whose text is `text`, by a scan of every symbol (lengths first).
    fn scan(&self, buf: &str, text: &str) -> Option<Sym> {
        fn find(buf: &[u8], text: &[u8], ends: impl Iterator<Item = usize>) -> Option<Sym> {
            let mut start = 0;
            for (i, end) in ends.enumerate() {
                // Length, then first byte, then the rest: most ids differ early.
                if end.wrapping_sub(start) == text.len()
                    && text.first().is_none_or(|f| buf.get(start) == Some(f))
                    && buf.get(start..end) == Some(text)
                {
                    return Some(i as Sym);
                }
                start = end;
            }
            None
        }
        let (buf, text) = (buf.as_bytes(), text.as_bytes());
        match self {
            Ends::Narrow(v) => find(buf, text, v.iter().map(|&e| e as usize)),
            Ends::Wide(v) => find(buf, text, v.iter().copied()),
        }
    }
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            text: std::sync::Arc::default(),
            index: hashbrown::HashTable::new(),
            partial: false,
            narrow_max: u32::MAX as usize,
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.text.ends.len())
            .field("bytes", &self.text.buf.len())
            .finish()
    }
}

/// The text of `sym` in a buffer and its ends (empty for an unknown symbol).
fn text_of<'a>(buf: &'a str, ends: &Ends, sym: Sym) -> &'a str {
    let (start, end) = ends.span(sym as usize);
    buf.get(start..end).unwrap_or("")
}

impl Interner {
    /// Makes room for `additional` more distinct strings.
    pub fn reserve(&mut self, additional: usize) {
        let Interner {
            text,
            index,
            hasher,
            ..
        } = self;
        let Text { buf, ends } = std::sync::Arc::make_mut(text);
        // A sixteenth more ends, so that a few strings past the count (text values among a
        // table's ids) do not reallocate, and leave behind, a table-sized vector; the spare
        // room is never written, so it costs address space, not memory.
        ends.reserve(additional + additional / 16);
        index.reserve(additional, |&s| hasher.hash_one(text_of(buf, ends, s)));
    }

    /// The symbol for `text`, adding it when new (after loading, a text the index left out
    /// costs a scan of every string, about a millisecond per million).
    pub fn intern(&mut self, text: &str) -> Sym {
        let hash = self.hasher.hash_one(text);
        let Interner {
            text: shared,
            index,
            partial,
            narrow_max,
            hasher,
        } = self;
        if let Some(&s) = index.find(hash, |&s| shared.resolve(s) == text) {
            return s;
        }
        let found = if *partial {
            shared.ends.scan(&shared.buf, text)
        } else {
            None
        };
        let sym = match found {
            Some(s) => s,
            None => {
                // Copies the strings only if results still share them.
                let Text { buf, ends } = std::sync::Arc::make_mut(shared);
                let sym = ends.len() as Sym;
                buf.push_str(text);
                ends.push(buf.len(), *narrow_max);
                sym
            }
        };
        index.insert_unique(hash, sym, |&s| hasher.hash_one(shared.resolve(s)));
        sym
    }
    /// The symbol for `text` if it was interned (after loading, a text the index left out
    /// costs a scan of every string, about a millisecond per million).
    pub fn get(&self, text: &str) -> Option<Sym> {
        let hash = self.hasher.hash_one(text);
        match self.index.find(hash, |&s| self.text.resolve(s) == text) {
            Some(&s) => Some(s),
            None if self.partial => self.text.ends.scan(&self.text.buf, text),
            None => None,
        }
    }
    /// The text of a symbol (empty for an unknown symbol).
    pub fn resolve(&self, sym: Sym) -> &str {
        self.text.resolve(sym)
    }
    /// The strings, shared (not copied) with whoever keeps them, such as results' deal ids.
    pub(crate) fn shared_text(&self) -> std::sync::Arc<Text> {
        std::sync::Arc::clone(&self.text)
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.text.ends.len()
    }
    /// Heap bytes held (by capacity): the text, the ends and the index.
    pub fn heap_bytes(&self) -> usize {
        // A hash table slot is the symbol plus one control byte.
        self.text.heap_bytes() + self.index.capacity() * (std::mem::size_of::<Sym>() + 1)
    }
    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.text.ends.len() == 0
    }

    /// Indexes only the symbols for which `keep` holds, and gives back the spare capacity of
    /// the strings. The others are still found, by a scan ([`Interner::get`]): meant for the
    /// many ids nothing looks up by text once a dataset is built.
    pub(crate) fn retain_index(&mut self, keep: impl Fn(Sym) -> bool) {
        let Interner {
            text,
            index,
            partial,
            hasher,
            ..
        } = self;
        let Text { buf, ends } = std::sync::Arc::make_mut(text);
        buf.shrink_to_fit();
        ends.shrink_to_fit();
        // A new table for the few kept symbols: cheaper than erasing the many others one by
        // one from the old, and sized for what it holds.
        let mut kept = hashbrown::HashTable::new();
        for s in (0..ends.len() as Sym).filter(|&s| keep(s)) {
            let hash = hasher.hash_one(text_of(buf, ends, s));
            kept.insert_unique(hash, s, |&k| hasher.hash_one(text_of(buf, ends, k)));
        }
        *partial = kept.len() < ends.len();
        *index = kept;
    }

    /// An empty interner whose ends widen past `narrow_max` bytes instead of 4 GiB.
    #[cfg(test)]
    fn with_narrow_max(narrow_max: usize) -> Interner {
        Interner {
            narrow_max,
            ..Interner::default()
        }
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
    /// Heap bytes held (by capacity).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        match self {
            Column::Decimal(v) => v.capacity() * size_of::<Decimal>(),
            Column::Bool(v) => v.capacity() * size_of::<bool>(),
            Column::Text(v) => v.capacity() * size_of::<Sym>(),
            Column::Date(v) => v.capacity() * size_of::<Date>(),
        }
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
    /// Row of the owning payee (credited 100%, implicitly, when the deal has no credit rows:
    /// see [`Dataset::credit_lines`]).
    pub owner: Vec<u32>,
    /// Credit date: decides the period.
    pub date: Vec<Date>,
    /// Attribute columns, in schema order.
    pub attrs: Vec<Column>,
}

/// The rows of the credits table: which payee is credited with which share of which deal.
///
/// Only the explicit rows are here: after loading they are the validated rows of the
/// `credits` table, grouped by deal row (ascending), each deal's rows in input order. A deal
/// with no rows here is credited implicitly, 100% (share exactly [`Decimal::ONE`], no role),
/// to its owner ([`Deals::owner`]); no row is stored for it. [`Dataset::credit_lines`] gives
/// every credit line, explicit and implicit. (Earlier 0.1 builds also stored a row here for
/// each uncredited deal's owner.)
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

impl Credits {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.deal.len()
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.deal.is_empty()
    }
}

/// One credit line: `payee` is credited with `share` of `deal` (see [`Dataset::credit_lines`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditLine {
    /// Deal row.
    pub deal: u32,
    /// Payee row.
    pub payee: u32,
    /// Share of the deal (exact; 1 = 100%).
    pub share: Decimal,
    /// Role (interned; the empty string's symbol when none).
    pub role: Sym,
    /// The line's row in [`Credits`]; `None` for the implicit line of a deal without credit
    /// rows (its owner, share 1, no role).
    pub row: Option<u32>,
}

/// Every credit line of a dataset, explicit and implicit ([`Dataset::credit_lines`]).
#[derive(Debug, Clone)]
pub struct CreditLines<'a> {
    data: &'a Dataset,
    /// Role of an implicit line: the empty string's symbol.
    no_role: Sym,
    /// The credit rows grouped by ascending deal (stable) when they are not stored so (a
    /// dataset built by hand); `None`: in stored order.
    order: Option<Vec<u32>>,
    /// Next position among the credit rows (in `order`).
    pos: usize,
    /// Next deal row to walk.
    deal: usize,
    /// True when the deal being walked (`deal`) has had a line from a credit row.
    credited: bool,
}

impl CreditLines<'_> {
    fn row_at(&self, pos: usize) -> Option<u32> {
        match &self.order {
            Some(o) => o.get(pos).copied(),
            None => (pos < self.data.credits.len()).then_some(pos as u32),
        }
    }

    fn explicit(&self, row: u32) -> CreditLine {
        let c = &self.data.credits;
        let r = row as usize;
        CreditLine {
            deal: c.deal.get(r).copied().unwrap_or(u32::MAX),
            payee: c.payee.get(r).copied().unwrap_or(u32::MAX),
            share: c.share.get(r).copied().unwrap_or(Decimal::ZERO),
            role: c.role.get(r).copied().unwrap_or(self.no_role),
            row: Some(row),
        }
    }
}

impl Iterator for CreditLines<'_> {
    type Item = CreditLine;

    fn next(&mut self) -> Option<CreditLine> {
        let nd = self.data.deals.id.len();
        loop {
            let row = self.row_at(self.pos);
            if let Some(r) = row {
                let d = self.data.credits.deal.get(r as usize).copied();
                // A row of the deal being walked, or (past the last deal) of a missing deal.
                if self.deal >= nd || d.is_some_and(|d| d as usize <= self.deal) {
                    self.pos += 1;
                    self.credited = true;
                    return Some(self.explicit(r));
                }
            }
            if self.deal >= nd {
                return None;
            }
            let deal = self.deal;
            self.deal += 1;
            if !std::mem::replace(&mut self.credited, false) {
                return Some(CreditLine {
                    deal: deal as u32,
                    payee: self.data.deals.owner.get(deal).copied().unwrap_or(u32::MAX),
                    share: Decimal::ONE,
                    role: self.no_role,
                    row: None,
                });
            }
        }
    }
}

impl std::iter::FusedIterator for CreditLines<'_> {}

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
    /// The credits table's rows; a deal without rows is credited to its owner implicitly
    /// (see [`Credits`], and [`Dataset::credit_lines`] for every line).
    pub credits: Credits,
    /// Quotas.
    pub quotas: Vec<Quota>,
    /// Effective-dated manager assignments. When present, they are the reporting hierarchy
    /// and `payees.manager` is unused (empty); when absent, `payees.manager` is.
    pub assignments: Option<Vec<Assignment>>,
}

impl Dataset {
    /// Heap bytes the dataset holds (by capacity): its columns, text and tables; what keeping
    /// it in memory costs, allocator overhead aside.
    pub fn heap_bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        let attrs = |a: &Vec<Column>| a.iter().map(Column::heap_bytes).sum::<usize>() + vec(a);
        let (p, d, c) = (&self.payees, &self.deals, &self.credits);
        self.texts.heap_bytes()
            + vec(&p.id)
            + vec(&p.manager)
            + vec(&p.start)
            + vec(&p.end)
            + attrs(&p.attrs)
            + vec(&d.id)
            + vec(&d.owner)
            + vec(&d.date)
            + attrs(&d.attrs)
            + vec(&c.deal)
            + vec(&c.payee)
            + vec(&c.share)
            + vec(&c.role)
            + vec(&self.quotas)
            + self.assignments.as_ref().map_or(0, vec)
    }
    /// Row of a payee by id.
    pub fn payee_row(&self, id: &str) -> Option<u32> {
        let sym = self.texts.get(id)?;
        self.payees
            .id
            .iter()
            .position(|&s| s == sym)
            .map(|i| i as u32)
    }
    /// Every credit line, in deal row order: a deal's lines are its rows in [`Credits`] (in
    /// stored order), or, when it has none, one implicit line crediting its owner
    /// ([`Deals::owner`]) with share exactly [`Decimal::ONE`] and no role (the empty string's
    /// symbol; [`Sym::MAX`], which resolves to the empty string too, if it was never interned).
    /// A credit row of a missing deal (only in a dataset built by hand) comes last.
    ///
    /// For a loaded dataset this walks the rows as stored; rows not grouped by ascending deal
    /// (a dataset built by hand) are first put in that order (a stable sort, 4 bytes a row).
    pub fn credit_lines(&self) -> CreditLines<'_> {
        let deal = &self.credits.deal;
        CreditLines {
            data: self,
            no_role: self.texts.get("").unwrap_or(Sym::MAX),
            order: (!deal.is_sorted()).then(|| {
                let mut o: Vec<u32> = (0..deal.len() as u32).collect();
                o.sort_by_key(|&r| deal.get(r as usize).copied().unwrap_or(u32::MAX));
                o
            }),
            pos: 0,
            deal: 0,
            credited: false,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Deals 0..4 owned by payees 1, 0, 1, 0; credit rows given out of deal order, one of a
    /// missing deal (only a dataset built by hand has one).
    fn credited(rows: &[(u32, u32, &str)]) -> Dataset {
        let mut texts = Interner::default();
        let roles = [texts.intern("se"), texts.intern("")];
        Dataset {
            deals: Deals {
                id: (0..4).map(|i| texts.intern(&format!("D{i}"))).collect(),
                owner: vec![1, 0, 1, 0],
                date: vec![Date(0); 4],
                attrs: Vec::new(),
            },
            credits: Credits {
                deal: rows.iter().map(|r| r.0).collect(),
                payee: rows.iter().map(|r| r.1).collect(),
                share: rows
                    .iter()
                    .map(|r| r.2.parse().unwrap_or_default())
                    .collect(),
                role: (0..rows.len()).map(|i| roles[i % 2]).collect(),
            },
            texts,
            ..Dataset::default()
        }
    }

    fn lines(ds: &Dataset) -> Vec<(u32, u32, String, &str, Option<u32>)> {
        ds.credit_lines()
            .map(|l| {
                (
                    l.deal,
                    l.payee,
                    l.share.to_string(),
                    ds.texts.resolve(l.role),
                    l.row,
                )
            })
            .collect()
    }

    #[test]
    fn credit_lines_add_the_owner_of_each_deal_without_rows() {
        let s = |x: &str| x.to_string();
        // Grouped by deal, as loaded: walked as stored.
        let ds = credited(&[(1, 2, "0.5"), (1, 3, "0.50"), (3, 1, "1")]);
        assert_eq!(
            lines(&ds),
            [
                (0, 1, s("1"), "", None),
                (1, 2, s("0.5"), "se", Some(0)),
                (1, 3, s("0.50"), "", Some(1)),
                (2, 1, s("1"), "", None),
                (3, 1, s("1"), "se", Some(2)),
            ]
        );
        // Out of deal order, with a row of a missing deal: grouped by deal, stably; the
        // missing deal's row last.
        let ds = credited(&[(7, 0, "1"), (2, 3, "0.25"), (0, 0, "1"), (2, 2, "0.75")]);
        assert_eq!(
            lines(&ds),
            [
                (0, 0, s("1"), "se", Some(2)),
                (1, 0, s("1"), "", None),
                (2, 3, s("0.25"), "", Some(1)),
                (2, 2, s("0.75"), "", Some(3)),
                (3, 0, s("1"), "", None),
                (7, 0, s("1"), "se", Some(0)),
            ]
        );
        // No rows: one line per deal, for its owner, share exactly 1 (scale 0).
        let ds = credited(&[]);
        let owners: Vec<(u32, u32)> = ds.credit_lines().map(|l| (l.deal, l.payee)).collect();
        assert_eq!(owners, [(0, 1), (1, 0), (2, 1), (3, 0)]);
        assert!(ds
            .credit_lines()
            .all(|l| l.share.scale() == 0 && l.role == 1));
        // Without the empty text interned, the role still resolves to it.
        let mut ds = credited(&[]);
        ds.texts = Interner::default();
        assert!(ds
            .credit_lines()
            .all(|l| ds.texts.resolve(l.role).is_empty()));
    }

    fn texts(t: &Interner) -> Vec<&str> {
        (0..t.len() as Sym).map(|s| t.resolve(s)).collect()
    }

    #[test]
    fn interns_each_text_once_in_first_seen_order() {
        let mut t = Interner::default();
        let syms: Vec<Sym> = ["b", "a", "", "b", "ab", ""]
            .iter()
            .map(|s| t.intern(s))
            .collect();
        assert_eq!(syms, [0, 1, 2, 0, 3, 2]);
        assert_eq!(texts(&t), ["b", "a", "", "ab"]);
        assert_eq!(t.get("ab"), Some(3));
        assert_eq!(t.get(""), Some(2));
        assert_eq!(t.get("ba"), None);
        assert_eq!(t.resolve(4), "");
    }

    /// Strings shared with results stay as they were when more are interned (copy on write),
    /// and a string already there is found without copying.
    #[test]
    fn shared_text_is_copied_on_write() {
        let mut t = Interner::default();
        assert_eq!(t.intern("a"), 0);
        let shared = t.shared_text();
        assert_eq!(t.intern("a"), 0);
        assert!(std::sync::Arc::ptr_eq(&shared, &t.text));
        assert_eq!(t.intern("b"), 1);
        assert!(!std::sync::Arc::ptr_eq(&shared, &t.text));
        assert_eq!((shared.resolve(0), shared.resolve(1)), ("a", ""));
        assert_eq!((t.resolve(0), t.resolve(1)), ("a", "b"));
        assert_eq!(t.get("b"), Some(1));
    }

    #[test]
    fn ends_widen_past_the_narrow_limit() {
        let mut t = Interner::with_narrow_max(5);
        assert_eq!(t.intern("abc"), 0);
        assert!(matches!(t.text.ends, Ends::Narrow(_)));
        assert_eq!(t.intern("de"), 1); // ends at 5: still narrow
        assert!(matches!(t.text.ends, Ends::Narrow(_)));
        assert_eq!(t.intern("fgh"), 2); // ends at 8: widened
        assert!(matches!(t.text.ends, Ends::Wide(_)));
        assert_eq!(t.intern("de"), 1);
        assert_eq!(t.intern("ij"), 3);
        assert_eq!(texts(&t), ["abc", "de", "fgh", "ij"]);
        assert_eq!(t.get("fgh"), Some(2));
        assert_eq!(t.get("cd"), None);
    }

    #[test]
    fn unindexed_symbols_are_still_found_and_never_duplicated() {
        for narrow_max in [usize::MAX, 4] {
            let mut t = Interner::with_narrow_max(narrow_max);
            for s in ["10", "1", "", "0", "P1", "x"] {
                t.intern(s);
            }
            // Keep "P1" indexed only.
            t.retain_index(|s| s == 4);
            assert_eq!(t.index.len(), 1);
            assert_eq!(t.get("P1"), Some(4));
            // Found by the scan: "1" and "0" also occur inside "10", and only whole texts count.
            assert_eq!(t.get("1"), Some(1));
            assert_eq!(t.get(""), Some(2));
            assert_eq!(t.get("0"), Some(3));
            assert_eq!(t.get("10"), Some(0));
            assert_eq!(t.get("01"), None);
            assert_eq!(t.get("P"), None);
            // Interning an unindexed text gives its symbol back, and indexes it again.
            assert_eq!(t.intern("x"), 5);
            assert_eq!(t.intern(""), 2);
            assert_eq!(t.index.len(), 3);
            assert_eq!(t.intern("y"), 6);
            assert_eq!(texts(&t), ["10", "1", "", "0", "P1", "x", "y"]);
            let copy = t.clone();
            assert_eq!(copy.get("0"), Some(3));
            assert_eq!(copy.get("y"), Some(6));
        }
    }
}
