//! Building a validated [`Dataset`] from [`Inputs`]: payees, deals, credits and quotas checked
//! against a plan version's schema, currency and calendar, every problem collected.

use super::error::{At, Bad, DataError, DataErrorCode, DataErrors, ErrorList, TableKind};
use super::inputs::Inputs;
use super::schema::{TableColumns, NONE};
use super::table::{CellRef, Open, Row, Table};
use super::values::{
    date_of, empty_column, id_of, is_empty, money_of, push_value, share_of, text_of, type_name,
    FoldMap, TextCache, ID,
};
use crate::dataset::{Column, Credits, Dataset, Deals, Interner, Payees, Quota, Sym};
use crate::period::{parse_period_range, Date, Period};
use crate::plan::{FieldDef, FieldType, PlanVersion, RecordSchema};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;

/// Row of the record whose id is `text`, if any.
pub(super) fn lookup(map: &FoldMap<Box<str>, u32>, text: &str) -> Option<u32> {
    map.get(text).copied()
}

/// Records `row` for `sym` in a symbol → row map (grown as needed); returns the row already
/// recorded when there is one.
fn claim(map: &mut Vec<u32>, sym: Sym, row: u32) -> Option<u32> {
    let i = sym as usize;
    if map.len() <= i {
        if map.capacity() <= i {
            // Grow by an eighth, not double: the map is sized for the ids up front and only
            // text values interned among them push it past that.
            map.reserve_exact((i + 1 - map.len()).max(map.len() / 8));
        }
        map.resize(i + 1, NONE);
    }
    match map.get_mut(i) {
        Some(slot) if *slot == NONE => {
            *slot = row;
            None
        }
        Some(slot) => Some(*slot),
        None => None,
    }
}

/// Row of the deal whose id is `text`, if any.
fn lookup_sym(texts: &Interner, map: &[u32], text: &str) -> Option<u32> {
    let sym = texts.get(text)?;
    map.get(sym as usize).copied().filter(|&r| r != NONE)
}

/// Most rows in one input table (payees, deals, credits or quotas) by default: a documented
/// limit (docs/language.md §14), `D0108` beyond it. The W1 benchmark's 10 million deals fit
/// with room to spare.
pub const MAX_ROWS: usize = 50_000_000;

/// Options of [`build_dataset_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Most rows per table; values above [`MAX_ROWS`] count as [`MAX_ROWS`].
    pub max_rows: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_rows: MAX_ROWS }
    }
}

/// `D0108` for every table with more than `max_rows` rows (at most [`MAX_ROWS`]), checked
/// before any row is read; its row is the first row beyond the limit.
fn check_row_limit(inputs: &Inputs, max_rows: usize) -> Result<(), DataErrors> {
    let limit = max_rows.min(MAX_ROWS);
    let mut errors = ErrorList::default();
    let tables = [
        (TableKind::Payees, Some(&inputs.payees)),
        (TableKind::Deals, Some(&inputs.deals)),
        (TableKind::Credits, inputs.credits.as_ref()),
        (TableKind::Quotas, inputs.quotas.as_ref()),
    ];
    for (kind, table) in tables {
        let Some(table) = table else { continue };
        if table.len() > limit {
            errors.push(DataError {
                table: Some(kind),
                row: Some(limit as u64 + 1),
                ..DataError::new(
                    DataErrorCode::TooManyRows,
                    format!(
                        "the table has {} rows; the limit is {limit} rows per table",
                        table.len()
                    ),
                )
            });
        }
    }
    errors.finish(())
}

/// [`build_dataset`] with options: a lower row limit per table (`D0108`), so that callers
/// and tests can set one.
pub fn build_dataset_with(
    plan: &PlanVersion,
    inputs: &Inputs,
    options: LoadOptions,
) -> Result<Dataset, DataErrors> {
    check_row_limit(inputs, options.max_rows)?;
    build_dataset(plan, inputs)
}

/// Builds a validated [`Dataset`] from input tables, checked against `plan`'s schema,
/// currency (decimals of money) and calendar (quota periods). Returns every problem found
/// (up to [`MAX_ERRORS`], the rest counted) rather than the first. Tables longer than
/// [`MAX_ROWS`] are refused before any row is read (`D0108`).
///
/// [`MAX_ERRORS`]: crate::load::MAX_ERRORS
pub fn build_dataset(plan: &PlanVersion, inputs: &Inputs) -> Result<Dataset, DataErrors> {
    check_row_limit(inputs, MAX_ROWS)?;
    build(plan, Cow::Borrowed(inputs))
}

/// [`build_dataset`] taking the inputs by value: each table is freed as soon as it has been
/// read (the deals before the credits are grouped), so loading a large CSV file does not hold
/// its text and the whole dataset at once. Same checks, same dataset, same errors.
pub fn build_dataset_owned(plan: &PlanVersion, inputs: Inputs) -> Result<Dataset, DataErrors> {
    check_row_limit(&inputs, MAX_ROWS)?;
    build(plan, Cow::Owned(inputs))
}

/// [`build_dataset_owned`] with options ([`build_dataset_with`]).
pub fn build_dataset_owned_with(
    plan: &PlanVersion,
    inputs: Inputs,
    options: LoadOptions,
) -> Result<Dataset, DataErrors> {
    check_row_limit(&inputs, options.max_rows)?;
    build_dataset_owned(plan, inputs)
}

fn build(plan: &PlanVersion, inputs: Cow<'_, Inputs>) -> Result<Dataset, DataErrors> {
    // Owned deals and credits are freed as they are read; the payees table is read twice and
    // the other tables are small, so they are only borrowed.
    let (payees_t, deals_t, credits_t, quotas_t, managers_t) = match inputs {
        Cow::Borrowed(i) => (
            Cow::Borrowed(&i.payees),
            i.deals.open(),
            i.credits.as_ref().map(Table::open),
            i.quotas.as_ref().map(Cow::Borrowed),
            i.managers.as_ref().map(Cow::Borrowed),
        ),
        Cow::Owned(i) => (
            Cow::Owned(i.payees),
            i.deals.into_rows(),
            i.credits.map(Table::into_rows),
            i.quotas.map(Cow::Owned),
            i.managers.map(Cow::Owned),
        ),
    };
    let mut b = Builder {
        plan,
        errors: ErrorList::default(),
        texts: Interner::default(),
        payee_of: FoldMap::default(),
        deal_of: Vec::new(),
        payee_ids_known: true,
        deal_ids_known: true,
    };
    let payees = b.payees(&payees_t);
    let deals = b.deals(deals_t);
    let credits = b.credits(credits_t, &payees, &deals);
    let quotas = b.quotas(quotas_t.as_deref());
    let assignments = b.managers(managers_t.as_deref(), &payees_t, &payees);
    let mut payees = payees;
    if assignments.is_some() {
        // The assignments are the hierarchy (a manager in the payees table is D0211).
        payees.manager.iter_mut().for_each(|m| *m = None);
    }
    let Builder { errors, texts, .. } = b;
    errors.finish(Dataset {
        texts,
        payees,
        deals,
        credits,
        quotas,
        assignments,
    })
}

pub(super) struct Builder<'p> {
    pub(super) plan: &'p PlanVersion,
    pub(super) errors: ErrorList,
    pub(super) texts: Interner,
    /// Payee id → payee row.
    pub(super) payee_of: FoldMap<Box<str>, u32>,
    /// Deal id symbol → deal row (`NONE` for symbols that are not deal ids). Deal ids are
    /// interned anyway, so this costs no second hash of a million ids.
    deal_of: Vec<u32>,
    /// False when the payees table has no id column (references are then not checked).
    pub(super) payee_ids_known: bool,
    /// False when the deals table has no id column.
    deal_ids_known: bool,
}

impl Builder<'_> {
    pub(super) fn minor_units(&self) -> u32 {
        self.plan.currency.minor_units
    }

    /// Reads the attribute cells of one row into `attrs`.
    #[allow(clippy::too_many_arguments)]
    fn read_attrs(
        &mut self,
        at: &At<'_>,
        row: &Row<'_>,
        fields: &[FieldDef],
        cols: &[Option<usize>],
        attrs: &mut [Column],
        caches: &mut [TextCache],
    ) {
        let minor = self.minor_units();
        for (((f, col), column), cache) in fields
            .iter()
            .zip(cols)
            .zip(attrs.iter_mut())
            .zip(caches.iter_mut())
        {
            let Some(c) = col else { continue };
            if let Err(bad) = push_value(
                column,
                f.ty,
                row.get(Some(*c)),
                minor,
                &mut self.texts,
                cache,
            ) {
                self.errors.push(at.err(&f.column, bad));
            }
        }
    }

    /// The payee row a `payee` cell names: `D0202` when no payee has the id (once payee ids
    /// are known), or the cell's own error.
    pub(super) fn payee_ref(
        &mut self,
        at: &At<'_>,
        text: Option<&str>,
        bad: Option<Bad>,
    ) -> Option<u32> {
        let mut payee = None;
        if let Some(t) = text {
            match lookup(&self.payee_of, t) {
                Some(p) => payee = Some(p),
                None if self.payee_ids_known => self.errors.push(at.err("payee", unknown_payee(t))),
                None => {}
            }
        }
        if let Some(bad) = bad {
            self.errors.push(at.err("payee", bad));
        }
        payee
    }

    /// Interns an id and claims it in `map`; reports duplicates.
    fn register_id(&mut self, at: &At<'_>, field: &str, id: &str, row: u32, deal: bool) -> Sym {
        let sym = self.texts.intern(id);
        let first = if deal {
            claim(&mut self.deal_of, sym, row)
        } else {
            match self.payee_of.entry(id.into()) {
                std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(row);
                    None
                }
            }
        };
        if let Some(first) = first {
            let id = self.texts.resolve(sym).to_string();
            let what = if deal { "deal" } else { "payee" };
            self.errors.push(at.err(
                field,
                Bad {
                    code: DataErrorCode::DuplicateId,
                    expected: None,
                    message: format!(
                        "duplicate {what} id {id:?} (first at row {})",
                        first as u64 + 1
                    ),
                },
            ));
        }
        sym
    }

    pub(super) fn payees(&mut self, table: &Table) -> Payees {
        let kind = TableKind::Payees;
        let schema = &self.plan.schema.payee;
        let mut reader = TableColumns::new(kind, table, &mut self.errors);
        let id_name = schema.builtin_column("id");
        let mgr_name = schema.builtin_column("manager");
        let start_name = schema.builtin_column("start");
        let end_name = schema.builtin_column("end");
        let id_c = reader.column(id_name, true, Some(ID), &mut self.errors);
        let mgr_c = reader.column(mgr_name, false, None, &mut self.errors);
        let start_c = reader.column(start_name, false, None, &mut self.errors);
        let end_c = reader.column(end_name, false, None, &mut self.errors);
        let field_cs = self.field_columns(&mut reader, schema);
        // A table without rows (`[]` names no columns) has no payees: every reference to one
        // is unknown.
        self.payee_ids_known = id_c.is_some() || table.is_empty();
        self.payee_of.reserve(table.len());
        let mut caches: Vec<TextCache> =
            schema.fields.iter().map(|_| TextCache::default()).collect();

        let n = table.len();
        let mut p = Payees {
            id: Vec::with_capacity(n),
            manager: vec![None; n],
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            attrs: schema
                .fields
                .iter()
                .map(|f| empty_column(f.ty, n))
                .collect(),
        };
        let optional_date = |cell: CellRef<'_>| -> Result<Option<Date>, Bad> {
            if is_empty(cell) {
                Ok(None)
            } else {
                date_of(cell, type_name(FieldType::Date)).map(Some)
            }
        };
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.errors) {
                p.id.push(0);
                p.start.push(None);
                p.end.push(None);
                continue;
            }
            let (id_text, id_bad) = split(id_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: id_text.as_deref(),
            };
            match &id_text {
                Some(t) => {
                    let sym = self.register_id(&at, id_name, t, r as u32, false);
                    p.id.push(sym);
                }
                None => p.id.push(0),
            }
            if let Some(bad) = id_bad {
                self.errors.push(at.err(id_name, bad));
            }
            let start = optional_date(row.get(start_c));
            let end = optional_date(row.get(end_c));
            if let (Ok(Some(s)), Ok(Some(e))) = (&start, &end) {
                if s > e {
                    self.errors.push(at.err(
                        end_name,
                        Bad {
                            code: DataErrorCode::StartAfterEnd,
                            expected: None,
                            message: format!("end {e} is before start {s}"),
                        },
                    ));
                }
            }
            for (value, name, out) in [
                (start, start_name, &mut p.start),
                (end, end_name, &mut p.end),
            ] {
                match value {
                    Ok(v) => out.push(v),
                    Err(bad) => {
                        out.push(None);
                        self.errors.push(at.err(name, bad));
                    }
                }
            }
            self.read_attrs(
                &at,
                row,
                &schema.fields,
                &field_cs,
                &mut p.attrs,
                &mut caches,
            );
        }

        // Managers, once every id is known.
        if let Some(mc) = mgr_c {
            let mut cursor = table.rows();
            while let Some((r, row)) = cursor.next_numbered() {
                let row = &row;
                let c = row.get(Some(mc));
                if is_empty(c) || row.len() != table.columns.len() {
                    continue;
                }
                let own_id = id_c.and_then(|i| id_of(row.get(Some(i))).ok());
                let at = At {
                    kind,
                    row: r,
                    id: own_id.as_deref(),
                };
                match id_of(c) {
                    Err(bad) => self.errors.push(at.err(mgr_name, bad)),
                    Ok(m) => match lookup(&self.payee_of, &m) {
                        Some(mr) => {
                            if let Some(slot) = p.manager.get_mut(r) {
                                *slot = Some(mr);
                            }
                        }
                        None if self.payee_ids_known => self.errors.push(at.err(
                            mgr_name,
                            Bad {
                                code: DataErrorCode::UnknownManager,
                                expected: None,
                                message: format!("unknown manager {m:?} (no payee has this id)"),
                            },
                        )),
                        None => {}
                    },
                }
            }
            if !self.manager_cycles(&p, mgr_name) {
                self.manager_depth(&p, mgr_name);
            }
        }
        p
    }

    pub(super) fn deals(&mut self, table: Open<'_>) -> Deals {
        let kind = TableKind::Deals;
        let schema = &self.plan.schema.deal;
        let Open {
            columns,
            len: n,
            rows: mut cursor,
        } = table;
        let mut reader = TableColumns::of(kind, &columns, n, &mut self.errors);
        let id_name = schema.builtin_column("id");
        let payee_name = schema.builtin_column("payee");
        let date_name = schema.builtin_column("date");
        let id_c = reader.column(id_name, true, Some(ID), &mut self.errors);
        let payee_c = reader.column(payee_name, true, Some(ID), &mut self.errors);
        let date_c = reader.column(
            date_name,
            true,
            Some(type_name(FieldType::Date)),
            &mut self.errors,
        );
        let field_cs = self.field_columns(&mut reader, schema);
        self.deal_ids_known = id_c.is_some() || n == 0;
        self.texts.reserve(n);
        // Room for a few text values among the ids, as in `Interner::reserve`.
        self.deal_of.reserve_exact(self.texts.len() + n + n / 16);
        let mut caches: Vec<TextCache> =
            schema.fields.iter().map(|_| TextCache::default()).collect();

        let mut d = Deals {
            id: Vec::with_capacity(n),
            owner: Vec::with_capacity(n),
            date: Vec::with_capacity(n),
            attrs: schema
                .fields
                .iter()
                .map(|f| empty_column(f.ty, n))
                .collect(),
        };
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.errors) {
                d.id.push(0);
                d.owner.push(0);
                d.date.push(Date::default());
                continue;
            }
            let (id_text, id_bad) = split(id_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: id_text.as_deref(),
            };
            match &id_text {
                Some(t) => {
                    let sym = self.register_id(&at, id_name, t, r as u32, true);
                    d.id.push(sym);
                }
                None => d.id.push(0),
            }
            if let Some(bad) = id_bad {
                self.errors.push(at.err(id_name, bad));
            }
            let mut owner = 0;
            if payee_c.is_some() {
                match id_of(row.get(payee_c)) {
                    Err(bad) => self.errors.push(at.err(payee_name, bad)),
                    Ok(t) => match lookup(&self.payee_of, &t) {
                        Some(pr) => owner = pr,
                        None if self.payee_ids_known => {
                            self.errors.push(at.err(payee_name, unknown_payee(&t)))
                        }
                        None => {}
                    },
                }
            }
            d.owner.push(owner);
            let mut date = Date::default();
            if date_c.is_some() {
                match date_of(row.get(date_c), type_name(FieldType::Date)) {
                    Ok(v) => date = v,
                    Err(bad) => self.errors.push(at.err(date_name, bad)),
                }
            }
            d.date.push(date);
            self.read_attrs(
                &at,
                row,
                &schema.fields,
                &field_cs,
                &mut d.attrs,
                &mut caches,
            );
        }
        d
    }

    pub(super) fn credits(
        &mut self,
        table: Option<Open<'_>>,
        payees: &Payees,
        deals: &Deals,
    ) -> Credits {
        let none_role = self.texts.intern("");
        // Credit rows that passed their own checks, grouped later by deal.
        struct Line {
            deal: u32,
            payee: u32,
            share: Decimal,
            role: Sym,
            /// Row index (rows fit a `u32`: `D0108`).
            row: u32,
        }
        let mut lines: Vec<Line> = Vec::new();
        // Deals with a rejected credit row (their share sums are not checked), usually none.
        let mut tainted: Vec<u32> = Vec::new();
        if let Some(Open {
            columns,
            len,
            rows: mut cursor,
        }) = table
        {
            let kind = TableKind::Credits;
            let mut reader = TableColumns::of(kind, &columns, len, &mut self.errors);
            let deal_c = reader.column("deal", true, Some(ID), &mut self.errors);
            let payee_c = reader.column("payee", true, Some(ID), &mut self.errors);
            let share_c = reader.column("share", true, Some("share"), &mut self.errors);
            let role_c = reader.column("role", false, None, &mut self.errors);
            let complete = deal_c.is_some() && payee_c.is_some() && share_c.is_some();
            lines.reserve(len);
            while let Some((r, row)) = cursor.next_numbered() {
                let row = &row;
                let deal_cell = row.get(deal_c);
                let deal_text = id_of(deal_cell).ok();
                let at = At {
                    kind,
                    row: r,
                    id: deal_text.as_deref(),
                };
                let deal_row = deal_text
                    .as_deref()
                    .and_then(|t| lookup_sym(&self.texts, &self.deal_of, t));
                if !reader.row_ok(r, row, &mut self.errors) {
                    tainted.extend(deal_row);
                    continue;
                }
                let mut ok = complete;
                if deal_c.is_some() {
                    match (&deal_text, deal_row) {
                        (None, _) => {
                            if let Err(bad) = id_of(deal_cell) {
                                self.errors.push(at.err("deal", bad));
                            }
                            ok = false;
                        }
                        (Some(t), None) => {
                            if self.deal_ids_known {
                                self.errors.push(at.err(
                                    "deal",
                                    Bad {
                                        code: DataErrorCode::UnknownDeal,
                                        expected: None,
                                        message: format!(
                                            "unknown deal {t:?} (no deal has this id)"
                                        ),
                                    },
                                ));
                            }
                            ok = false;
                        }
                        (Some(_), Some(_)) => {}
                    }
                }
                let mut payee_row = None;
                if payee_c.is_some() {
                    match id_of(row.get(payee_c)) {
                        Err(bad) => self.errors.push(at.err("payee", bad)),
                        Ok(t) => match lookup(&self.payee_of, &t) {
                            Some(p) => payee_row = Some(p),
                            None if self.payee_ids_known => {
                                self.errors.push(at.err("payee", unknown_payee(&t)))
                            }
                            None => {}
                        },
                    }
                }
                let mut share = None;
                if share_c.is_some() {
                    match share_of(row.get(share_c)) {
                        Ok(s) => share = Some(s),
                        Err(bad) => self.errors.push(at.err("share", bad)),
                    }
                }
                let role_cell = row.get(role_c);
                let role = if is_empty(role_cell) {
                    Some(none_role)
                } else {
                    match text_of(role_cell, "text", true) {
                        Ok(t) => Some(self.texts.intern(&t)),
                        Err(bad) => {
                            self.errors.push(at.err("role", bad));
                            None
                        }
                    }
                };
                match (ok, deal_row, payee_row, share, role) {
                    (true, Some(deal), Some(payee), Some(share), Some(role)) => {
                        lines.push(Line {
                            deal,
                            payee,
                            share,
                            role,
                            row: r as u32,
                        });
                    }
                    (_, Some(deal), ..) => tainted.push(deal),
                    _ => {}
                }
            }
        }

        // Deal ids are looked up by text no more.
        self.unindex_deal_ids(
            payees,
            deals,
            lines.iter().map(|l| l.role).chain([none_role]),
        );

        // Group by deal. The sort is stable (input order within a deal is kept), and skipped
        // when the rows come grouped already, as split files usually do.
        if !lines.is_sorted_by_key(|l| l.deal) {
            lines.sort_by_key(|l| l.deal);
        }
        tainted.sort_unstable();
        tainted.dedup();
        // Only the rows are kept: a deal without any is credited to its owner implicitly
        // (`Dataset::credit_lines`).
        let total = lines.len();
        let mut c = Credits {
            deal: Vec::with_capacity(total),
            payee: Vec::with_capacity(total),
            share: Vec::with_capacity(total),
            role: Vec::with_capacity(total),
        };
        for group in lines.chunk_by(|a, b| a.deal == b.deal) {
            let Some(d) = group.first().map(|l| l.deal) else {
                continue;
            };
            let deal = d as usize;
            let is_tainted = tainted.binary_search(&d).is_ok();
            let deal_id = || {
                self.texts
                    .resolve(deals.id.get(deal).copied().unwrap_or(0))
                    .to_string()
            };
            // The same payee twice on one deal; each repeat names the payee's first row.
            let mut dup = false;
            let mut found = Vec::new();
            if group.len() > 1 {
                let mut seen: HashMap<u32, u32> = HashMap::new();
                for (i, l) in group.iter().enumerate() {
                    // A scan for the usual handful of lines, a map for a crowd.
                    let first = if group.len() <= 16 {
                        group
                            .get(..i)
                            .unwrap_or_default()
                            .iter()
                            .find(|m| m.payee == l.payee)
                            .map(|m| m.row)
                    } else {
                        match seen.entry(l.payee) {
                            std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                            std::collections::hash_map::Entry::Vacant(v) => {
                                v.insert(l.row);
                                None
                            }
                        }
                    };
                    if let Some(first) = first {
                        found.push((l, first));
                    }
                }
            }
            if !found.is_empty() {
                dup = true;
                let deal_id = deal_id();
                for (l, first) in found {
                    let payee_sym = payees.id.get(l.payee as usize).copied().unwrap_or(0);
                    let payee = self.texts.resolve(payee_sym).to_string();
                    let at = At {
                        kind: TableKind::Credits,
                        row: l.row as usize,
                        id: Some(&deal_id),
                    };
                    self.errors.push(at.err(
                        "payee",
                        Bad {
                            code: DataErrorCode::DuplicateCredit,
                            expected: None,
                            message: format!(
                                "payee {payee:?} is credited twice on deal {deal_id:?} (first at row {})",
                                u64::from(first) + 1
                            ),
                        },
                    ));
                }
            }
            if !self.plan.overlay && !dup && !is_tainted {
                let sum = group
                    .iter()
                    .try_fold(Decimal::ZERO, |acc, l| acc.checked_add(l.share));
                if sum != Some(Decimal::ONE) {
                    let deal_id = deal_id();
                    let shown = sum
                        .map(|s| s.normalize().to_string())
                        .unwrap_or_else(|| "too much".into());
                    let first = group.first().map(|l| l.row as usize).unwrap_or(0);
                    let at = At {
                        kind: TableKind::Credits,
                        row: first,
                        id: Some(&deal_id),
                    };
                    self.errors.push(at.err(
                        "share",
                        Bad {
                            code: DataErrorCode::ShareSum,
                            expected: Some("shares summing to 1 (100%)".into()),
                            message: format!(
                                "the shares of deal {deal_id:?} sum to {shown}; they must sum to exactly 1 (100%) unless the plan is an overlay"
                            ),
                        },
                    ));
                }
            }
            for l in group {
                c.deal.push(l.deal);
                c.payee.push(l.payee);
                c.share.push(l.share);
                c.role.push(l.role);
            }
        }
        c
    }

    /// Leaves the deal ids out of the interner's index (see [`Interner`]) and drops the deal id
    /// map: once the credits are read nothing looks a deal id up by text (an evaluation looks
    /// up plan literals), and a million ids are most of the index. Symbols that are also a
    /// payee id, a text value or one of `roles` stay indexed.
    fn unindex_deal_ids(
        &mut self,
        payees: &Payees,
        deals: &Deals,
        roles: impl Iterator<Item = Sym>,
    ) {
        // The map marks the deal ids; it is cleared for symbols used otherwise, rather than
        // a second table-sized array being made.
        let mut deal_of = std::mem::take(&mut self.deal_of);
        let mut keep = |syms: &mut dyn Iterator<Item = Sym>| {
            for s in syms {
                if let Some(slot) = deal_of.get_mut(s as usize) {
                    *slot = NONE;
                }
            }
        };
        keep(&mut payees.id.iter().copied());
        keep(&mut { roles });
        for c in payees.attrs.iter().chain(&deals.attrs) {
            if let Column::Text(v) = c {
                keep(&mut v.iter().copied());
            }
        }
        self.texts
            .retain_index(|s| deal_of.get(s as usize).is_none_or(|&row| row == NONE));
    }

    pub(super) fn quotas(&mut self, table: Option<&Table>) -> Vec<Quota> {
        let Some(table) = table else {
            return Vec::new();
        };
        let kind = TableKind::Quotas;
        let cal = self.plan.calendar;
        let mut reader = TableColumns::new(kind, table, &mut self.errors);
        let payee_c = reader.column("payee", true, Some(ID), &mut self.errors);
        let period_c = reader.column("period", true, Some("period"), &mut self.errors);
        let amount_c = reader.column("amount", true, Some("money"), &mut self.errors);
        let mut out = Vec::with_capacity(table.len());
        let mut seen: HashMap<(u32, Period), usize> = HashMap::new();
        let mut cursor = table.rows();
        while let Some((r, row)) = cursor.next_numbered() {
            let row = &row;
            if !reader.row_ok(r, row, &mut self.errors) {
                continue;
            }
            let (payee_text, payee_bad) = split(payee_c.map(|c| id_of(row.get(Some(c)))));
            let at = At {
                kind,
                row: r,
                id: payee_text.as_deref(),
            };
            let payee = self.payee_ref(&at, payee_text.as_deref(), payee_bad);
            let mut period = None;
            if period_c.is_some() {
                let pc = row.get(period_c);
                match text_of(pc, "a period label", false) {
                    Err(bad) => self.errors.push(at.err("period", bad)),
                    Ok(t) => match parse_period_range(t.trim(), cal.grain, cal.fiscal_year_start_month) {
                        Ok((a, b)) if a == b => period = Some(a),
                        Ok((a, b)) => self.errors.push(at.err(
                            "period",
                            Bad::new(
                                DataErrorCode::BadPeriod,
                                format!("one {} period", cal.grain.keyword()),
                                format!(
                                    "period {t:?} covers {a} to {b}; a quota needs exactly one {} period",
                                    cal.grain.keyword()
                                ),
                            ),
                        )),
                        Err(e) => self.errors.push(at.err(
                            "period",
                            Bad::new(
                                DataErrorCode::BadPeriod,
                                format!("one {} period", cal.grain.keyword()),
                                format!("period {t:?} cannot be read: {}", e.reason),
                            ),
                        )),
                    },
                }
            }
            let mut amount = None;
            if amount_c.is_some() {
                match money_of(row.get(amount_c), self.minor_units()) {
                    Ok(a) => amount = Some(a),
                    Err(bad) => self.errors.push(at.err("amount", bad)),
                }
            }
            if let (Some(payee), Some(period), Some(amount)) = (payee, period, amount) {
                if let Some(first) = seen.insert((payee, period), r) {
                    seen.insert((payee, period), first);
                    self.errors.push(at.err(
                        "period",
                        Bad {
                            code: DataErrorCode::DuplicateQuota,
                            expected: None,
                            message: format!(
                                "a second quota for this payee in {period} (first at row {})",
                                first as u64 + 1
                            ),
                        },
                    ));
                } else {
                    out.push(Quota {
                        payee,
                        period,
                        amount,
                    });
                }
            }
        }
        out
    }
}

/// Splits an optional result into its value and its error.
pub(super) fn split<T>(r: Option<Result<T, Bad>>) -> (Option<T>, Option<Bad>) {
    match r {
        Some(Ok(v)) => (Some(v), None),
        Some(Err(b)) => (None, Some(b)),
        None => (None, None),
    }
}

fn unknown_payee(id: &str) -> Bad {
    Bad {
        code: DataErrorCode::UnknownPayee,
        expected: None,
        message: format!("unknown payee {id:?} (no payee has this id)"),
    }
}

impl Builder<'_> {
    /// Resolves the attribute columns of a record schema.
    pub(super) fn field_columns(
        &mut self,
        reader: &mut TableColumns<'_>,
        schema: &RecordSchema,
    ) -> Vec<Option<usize>> {
        schema
            .fields
            .iter()
            .map(|f| reader.column(&f.column, true, Some(type_name(f.ty)), &mut self.errors))
            .collect()
    }
}
