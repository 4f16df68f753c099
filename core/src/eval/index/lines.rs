//! Credit lines grouped by payee ([`LinesByPayee`]), each payee's lines in (deal date, deal
//! id) order, gathered column by column when the payee is evaluated ([`PayeeLines`]); and the
//! dataset's consistency check.

use super::order::{
    deal_keys_packed, deal_order, deals_in_id_order, explicit_deals, parts, sort_buckets,
};
use crate::dataset::{Column, Credits, Dataset};
use crate::eval::expr::{fault, R};
use crate::period::Date;
use crate::plan::SourceRef;
use rust_decimal::Decimal;

/// Credit lines grouped by payee, each payee's lines in (deal date, deal id) order, kept as
/// line references (4 bytes a line: [`line_of`]), so a deal credited to its owner implicitly
/// (without credit rows) costs its line here and nothing in the dataset. Lines of deals dated
/// outside every plan version are left out.
///
/// A line's deal, date, share and the deal fields the plan reads are gathered from its
/// reference when its payee is evaluated ([`LinesByPayee::gather`] into [`PayeeLines`]), so only
/// the payees in flight hold those columns: gathered for every line at once they take about
/// 50 MiB at W1 1M, for the whole evaluation. Only a plan that reads the lines of a payee's
/// reports (`direct`/`team` aggregates) has them gathered at once ([`LinesByPayee::all`]): a
/// manager's aggregates read every report's lines, in every period, and reading them from the
/// dataset (a random access per column and line) made such plans about 4× slower.
#[derive(Debug, Default)]
pub(crate) struct LinesByPayee {
    /// `starts[p]..starts[p + 1]` are payee `p`'s lines in `refs`.
    pub starts: Vec<u32>,
    /// Reference of every line ([`line_of`]).
    pub refs: Vec<u32>,
    /// Deal attributes the plan reads (by column index): the ones [`LinesByPayee::gather`] copies.
    pub used: Vec<bool>,
    /// Every line gathered, positions as in `refs` ([`LinesByPayee::gather_all`]); only when
    /// the plan reads the lines of a payee's reports.
    pub all: Option<PayeeLines>,
}

/// One payee's lines, column by column; positions are the payee's own (0 is its first line),
/// in line order. Reused from payee to payee ([`LinesByPayee::gather`] overwrites it).
#[derive(Debug, Default)]
pub(crate) struct PayeeLines {
    pub deal: Vec<u32>,
    pub date: Vec<Date>,
    pub share: Vec<Decimal>,
    /// Deal attribute columns gathered in line order (`attrs[i][pos]` = attribute `i` of the
    /// line's deal), for the attributes the plan reads; `None` for the others. Reading them by
    /// position is sequential, where reading the dataset by deal row jumps about.
    pub attrs: Vec<Option<Column>>,
}

impl PayeeLines {
    /// Keeps only the lines whose date `keep` accepts (in order), every column alike.
    // Programs only: kept out of line so the evaluator's per-payee loop stays as small as
    // before.
    #[inline(never)]
    pub fn retain_dates(&mut self, keep: impl Fn(Date) -> bool) {
        let mask: Vec<bool> = self.date.iter().map(|&d| keep(d)).collect();
        if mask.iter().all(|&k| k) {
            return;
        }
        fn retain<T>(v: &mut Vec<T>, mask: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                let k = mask.get(i).copied().unwrap_or(false);
                i += 1;
                k
            });
        }
        retain(&mut self.deal, &mask);
        retain(&mut self.date, &mask);
        retain(&mut self.share, &mask);
        for c in self.attrs.iter_mut().flatten() {
            match c {
                Column::Decimal(v) => retain(v, &mask),
                Column::Bool(v) => retain(v, &mask),
                Column::Text(v) => retain(v, &mask),
                Column::Date(v) => retain(v, &mask),
            }
        }
    }

    /// Positions of the lines dated in `[from, to]`.
    pub fn dated(&self, from: Date, to: Date) -> std::ops::Range<usize> {
        self.dated_in(0..self.date.len(), from, to)
    }

    /// Positions within `r` of the lines dated in `[from, to]` (the lines of `r` in date order).
    fn dated_in(&self, r: std::ops::Range<usize>, from: Date, to: Date) -> std::ops::Range<usize> {
        let dates = self.date.get(r.clone()).unwrap_or(&[]);
        let a = dates.partition_point(|d| *d < from);
        let b = dates.partition_point(|d| *d <= to);
        (r.start + a)..(r.start + b.max(a))
    }

    /// Sets these lines to the lines of references `refs` ([`line_of`]): deal, date, share,
    /// and the deal attributes marked in `used`. Keeps the vectors' allocations.
    fn gather_refs(&mut self, data: &Dataset, used: &[bool], refs: &[u32]) {
        let PayeeLines {
            deal,
            date,
            share,
            attrs,
        } = self;
        deal.clear();
        share.clear();
        deal.reserve(refs.len());
        share.reserve(refs.len());
        for &r in refs {
            let (d, s) = line_of(data, r);
            deal.push(d);
            share.push(s);
        }
        gather_into(date, deal, &data.deals.date);
        attrs.resize_with(data.deals.attrs.len(), || None);
        for (i, (slot, col)) in attrs.iter_mut().zip(&data.deals.attrs).enumerate() {
            if !used.get(i).copied().unwrap_or(false) {
                *slot = None;
                continue;
            }
            reuse_kind(slot, col);
            match (col, slot) {
                (Column::Decimal(src), Some(Column::Decimal(dst))) => gather_into(dst, deal, src),
                (Column::Bool(src), Some(Column::Bool(dst))) => gather_into(dst, deal, src),
                (Column::Text(src), Some(Column::Text(dst))) => gather_into(dst, deal, src),
                (Column::Date(src), Some(Column::Date(dst))) => gather_into(dst, deal, src),
                _ => {}
            }
        }
    }

    /// Sets these lines to the lines at positions `r` of `all`. Keeps the vectors' allocations.
    fn copy_from(&mut self, all: &PayeeLines, r: std::ops::Range<usize>) {
        fn copy<T: Copy>(dst: &mut Vec<T>, src: &[T], r: std::ops::Range<usize>) {
            dst.clear();
            dst.extend_from_slice(src.get(r).unwrap_or(&[]));
        }
        copy(&mut self.deal, &all.deal, r.clone());
        copy(&mut self.date, &all.date, r.clone());
        copy(&mut self.share, &all.share, r.clone());
        self.attrs.resize_with(all.attrs.len(), || None);
        for (slot, col) in self.attrs.iter_mut().zip(&all.attrs) {
            let Some(col) = col else {
                *slot = None;
                continue;
            };
            reuse_kind(slot, col);
            match (col, slot) {
                (Column::Decimal(src), Some(Column::Decimal(dst))) => copy(dst, src, r.clone()),
                (Column::Bool(src), Some(Column::Bool(dst))) => copy(dst, src, r.clone()),
                (Column::Text(src), Some(Column::Text(dst))) => copy(dst, src, r.clone()),
                (Column::Date(src), Some(Column::Date(dst))) => copy(dst, src, r.clone()),
                _ => {}
            }
        }
    }
}

/// Makes `slot` an (empty) column of `col`'s kind unless it already is one. Columns keep their
/// kind through an evaluation, so after the first payee each vector is reused.
fn reuse_kind(slot: &mut Option<Column>, col: &Column) {
    let same = |c: &Column| std::mem::discriminant(c) == std::mem::discriminant(col);
    if !slot.as_ref().is_some_and(same) {
        *slot = Some(match col {
            Column::Decimal(_) => Column::Decimal(Vec::new()),
            Column::Bool(_) => Column::Bool(Vec::new()),
            Column::Text(_) => Column::Text(Vec::new()),
            Column::Date(_) => Column::Date(Vec::new()),
        });
    }
}

/// Sets `dst` to `src[deal[pos]]` for every position, keeping its allocation.
fn gather_into<T: Copy + Default>(dst: &mut Vec<T>, deal: &[u32], src: &[T]) {
    dst.clear();
    dst.extend(
        deal.iter()
            .map(|&d| src.get(d as usize).copied().unwrap_or_default()),
    );
}

/// The deal and share of line reference `r`: credit row `r` when `r` is below the number of
/// credit rows (`nc`), else the implicit line of deal `r - nc` (a deal without credit rows,
/// credited to its owner with share exactly 1). An out-of-range reference (never made by
/// [`build_lines`]) reads as deal 0, share 0.
pub(crate) fn line_of(data: &Dataset, r: u32) -> (u32, Decimal) {
    let cr = &data.credits;
    let nc = cr.deal.len();
    let r = r as usize;
    match r.checked_sub(nc) {
        None => (
            cr.deal.get(r).copied().unwrap_or(0),
            cr.share.get(r).copied().unwrap_or(Decimal::ZERO),
        ),
        Some(d) => (d as u32, Decimal::ONE),
    }
}

impl LinesByPayee {
    pub(super) fn range(&self, payee: u32) -> std::ops::Range<usize> {
        let p = payee as usize;
        let s = self.starts.get(p).copied().unwrap_or(0) as usize;
        let e = self.starts.get(p + 1).copied().unwrap_or(0) as usize;
        s..e.max(s)
    }

    /// Number of lines of all payees.
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// Payee `q`'s lines dated in `[from, to]`, for reading the lines of a payee other than
    /// the one evaluated (a manager's `direct`/`team` aggregates): their positions in
    /// [`LinesByPayee::all`] when it is there (`Ok`), else their references ([`line_of`]), in
    /// line order, to be read from the dataset (`Err`; not reached from
    /// [`crate::eval::evaluate_with`], which gathers every line for a plan with such
    /// aggregates).
    pub fn report_lines(
        &self,
        data: &Dataset,
        q: u32,
        from: Date,
        to: Date,
    ) -> Result<(&PayeeLines, std::ops::Range<usize>), &[u32]> {
        if let Some(all) = &self.all {
            return Ok((all, all.dated_in(self.range(q), from, to)));
        }
        let rows = self.refs.get(self.range(q)).unwrap_or(&[]);
        let date = |&r: &u32| {
            let d = line_of(data, r).0;
            data.deals.date.get(d as usize).copied().unwrap_or_default()
        };
        let a = rows.partition_point(|r| date(r) < from);
        let b = rows.partition_point(|r| date(r) <= to);
        Err(rows.get(a..b.max(a)).unwrap_or(&[]))
    }

    /// Gathers payee `p`'s lines (deal, date, share and the deal attributes marked in
    /// [`LinesByPayee::used`]) into `into`, reusing its vectors: copied from
    /// [`LinesByPayee::all`] when it is there, else read from the dataset.
    pub fn gather(&self, data: &Dataset, p: u32, into: &mut PayeeLines) {
        match &self.all {
            Some(all) => into.copy_from(all, self.range(p)),
            None => into.gather_refs(
                data,
                &self.used,
                self.refs.get(self.range(p)).unwrap_or(&[]),
            ),
        }
    }

    /// Gathers every line into [`LinesByPayee::all`] (on the pool with the `parallel` feature).
    pub fn gather_all(&mut self, data: &Dataset) {
        #[cfg(feature = "parallel")]
        let all = {
            use rayon::prelude::*;
            let line = |&r: &u32| line_of(data, r);
            let deal: Vec<u32> = self
                .refs
                .par_iter()
                .with_min_len(1 << 14)
                .map(|r| line(r).0)
                .collect();
            let share: Vec<Decimal> = self
                .refs
                .par_iter()
                .with_min_len(1 << 14)
                .map(|r| line(r).1)
                .collect();
            let date = par_gather(&deal, &data.deals.date);
            let attrs = data
                .deals
                .attrs
                .par_iter()
                .enumerate()
                .map(|(i, c)| {
                    if !self.used.get(i).copied().unwrap_or(false) {
                        return None;
                    }
                    Some(match c {
                        Column::Decimal(v) => Column::Decimal(par_gather(&deal, v)),
                        Column::Bool(v) => Column::Bool(par_gather(&deal, v)),
                        Column::Text(v) => Column::Text(par_gather(&deal, v)),
                        Column::Date(v) => Column::Date(par_gather(&deal, v)),
                    })
                })
                .collect();
            PayeeLines {
                deal,
                date,
                share,
                attrs,
            }
        };
        #[cfg(not(feature = "parallel"))]
        let all = {
            let mut all = PayeeLines::default();
            all.gather_refs(data, &self.used, &self.refs);
            all
        };
        self.all = Some(all);
    }
}

/// `src[index[pos]]` for every position, on the pool.
#[cfg(feature = "parallel")]
fn par_gather<T: Copy + Send + Sync + Default>(index: &[u32], src: &[T]) -> Vec<T> {
    use rayon::prelude::*;
    index
        .par_iter()
        .with_min_len(1 << 14)
        .map(|&i| src.get(i as usize).copied().unwrap_or_default())
        .collect()
}

/// Checks that the dataset's columns agree in length and its row references are in range.
pub(crate) fn validate(data: &Dataset) -> R<()> {
    let bad = |m: &str| {
        fault(
            "R0003",
            format!("dataset is inconsistent: {m}"),
            SourceRef::default(),
        )
    };
    let np = data.payees.id.len();
    let nd = data.deals.id.len();
    if data.payees.manager.len() != np
        || data.payees.start.len() != np
        || data.payees.end.len() != np
    {
        return Err(bad("payee columns differ in length"));
    }
    if data.deals.owner.len() != nd || data.deals.date.len() != nd {
        return Err(bad("deal columns differ in length"));
    }
    let nc = data.credits.deal.len();
    if data.credits.payee.len() != nc || data.credits.share.len() != nc {
        return Err(bad("credit columns differ in length"));
    }
    if data.credits.deal.iter().any(|&d| d as usize >= nd) {
        return Err(bad("a credit refers to a missing deal"));
    }
    if data.credits.payee.iter().any(|&p| p as usize >= np) {
        return Err(bad("a credit refers to a missing payee"));
    }
    // The owner of a deal without credit rows is credited: it must exist too.
    let credited = explicit_deals(data);
    if data
        .deals
        .owner
        .iter()
        .zip(&credited)
        .any(|(&o, &c)| !c && o as usize >= np)
    {
        return Err(bad("a credit refers to a missing payee"));
    }
    if data
        .payees
        .manager
        .iter()
        .flatten()
        .any(|&m| m as usize >= np)
    {
        return Err(bad("a manager refers to a missing payee"));
    }
    if data
        .assignments
        .iter()
        .flatten()
        .any(|a| a.payee as usize >= np || a.manager as usize >= np)
    {
        return Err(bad("a manager assignment refers to a missing payee"));
    }
    if data.quotas.iter().any(|q| q.payee as usize >= np) {
        return Err(bad("a quota refers to a missing payee"));
    }
    // Line references (`line_of`) number the credit rows, then the deals.
    if np >= u32::MAX as usize || nc.saturating_add(nd) >= u32::MAX as usize {
        return Err(bad("too many rows"));
    }
    Ok(())
}

/// Builds the per-payee line index. `keep(date)` says whether a deal date is in force under
/// some plan version.
///
/// The kept lines (as references: [`line_of`]) are bucketed by payee (counting sort) and
/// each bucket is put in the order of walking deals in (date, id) order and appending their
/// lines, ties between one deal's lines by reference. First choice first:
/// - when the deal rows are in id order ([`deals_in_id_order`]) and the credit rows in deal
///   order, the lines are bucketed walking the deals in row order, so each bucket is already
///   in (row, reference) order and only needs a stable sort by date ([`sort_buckets_by_day`]);
/// - otherwise the lines are bucketed in reference order (credit rows, then the implicit lines
///   of deals without credit rows) and each bucket is sorted by a key of its deal, then
///   reference ([`sort_buckets`]): (date, row) when the deal rows are in id order; (date, id
///   number) when every deal id is a number below 2^32 and no payee has two deals with the
///   same date and number (such as `007` and `7`); else the rank of the deal in
///   [`deal_order`].
pub(crate) fn build_lines(data: &Dataset, keep: impl Fn(Date) -> bool) -> LinesByPayee {
    let np = data.payees.id.len();
    let cr = &data.credits;
    let nc = cr.deal.len() as u32;
    // Per deal: KEPT when dated under some plan version, EXPLICIT when it has credit rows.
    let mut flags: Vec<u8> = data.deals.date.iter().map(|&d| u8::from(keep(d))).collect();
    for &d in &cr.deal {
        if let Some(f) = flags.get_mut(d as usize) {
            *f |= EXPLICIT;
        }
    }
    let in_id_order = deals_in_id_order(data);
    let by_deal = in_id_order && cr.deal.windows(2).all(|w| matches!(w, [a, b] if a <= b));
    let source = KeptLines {
        flags: &flags,
        credits: cr,
        owners: &data.deals.owner,
        by_deal,
    };
    // Count lines per payee.
    let mut starts = vec![0u32; np + 1];
    source.each(|_, p| {
        if let Some(c) = starts.get_mut(p as usize + 1) {
            *c += 1;
        }
    });
    for i in 0..np {
        let prev = starts.get(i).copied().unwrap_or(0);
        if let Some(c) = starts.get_mut(i + 1) {
            *c += prev;
        }
    }
    let total = starts.get(np).copied().unwrap_or(0) as usize;
    // Bucket the references by payee, in the order `source.each` gives them.
    let mut refs = vec![0u32; total];
    let mut cur = starts.clone();
    source.each(|r, p| {
        if let Some(slot) = cur.get_mut(p as usize) {
            if let Some(c) = refs.get_mut(*slot as usize) {
                *c = r;
            }
            *slot += 1;
        }
    });
    drop(cur);
    let deal_of = |r: u32| {
        if r < nc {
            cr.deal.get(r as usize).copied().unwrap_or(u32::MAX)
        } else {
            r - nc
        }
    };
    let dates = &data.deals.date;
    // Whether each bucket is in its final order yet.
    let sorted = if by_deal {
        let day = |r: u32| dates.get(deal_of(r) as usize).map_or(0, |d| day_key(*d));
        sort_buckets_by_day(&mut refs, &starts, &day);
        true
    } else {
        in_id_order && {
            let key = |r: u32| {
                let d = deal_of(r);
                let day = u64::from(day_key(*dates.get(d as usize)?));
                Some(u128::from((day << 32) | u64::from(d)))
            };
            // Rows are unique, so no two deals share a key; the reference breaks the tie of
            // one deal's two lines.
            sort_buckets(&mut refs, &starts, &key, false)
        }
    };
    let sorted = sorted
        || match deal_keys_packed(data) {
            Some(dk) => {
                let key = |r: u32| dk.get(deal_of(r) as usize).map(|&k| u128::from(k));
                sort_buckets(&mut refs, &starts, &key, true)
            }
            None => false,
        };
    if !sorted {
        let nd = data.deals.id.len();
        let mut rank = vec![u32::MAX; nd];
        for (i, &d) in deal_order(data).iter().enumerate() {
            if let Some(r) = rank.get_mut(d as usize) {
                *r = i as u32;
            }
        }
        // Every key is unique (it ends with the reference), so the order the packed sort left
        // does not matter.
        let key = |r: u32| {
            Some(u128::from(
                rank.get(deal_of(r) as usize).copied().unwrap_or(u32::MAX),
            ))
        };
        sort_buckets(&mut refs, &starts, &key, false);
    }
    LinesByPayee {
        starts,
        refs,
        used: Vec::new(),
        all: None,
    }
}

/// Per deal in [`KeptLines::flags`]: dated under some plan version.
const KEPT: u8 = 1;
/// Per deal in [`KeptLines::flags`]: has credit rows.
const EXPLICIT: u8 = 2;

/// The kept lines of a dataset, for [`build_lines`].
struct KeptLines<'a> {
    /// Per deal: [`KEPT`] and [`EXPLICIT`].
    flags: &'a [u8],
    pub(super) credits: &'a Credits,
    pub(super) owners: &'a [u32],
    /// The credit rows are in deal order.
    by_deal: bool,
}

impl KeptLines<'_> {
    /// Calls `f(reference, payee)` for every kept line: walking the deals in row order (each
    /// deal's credit rows, or its implicit line) when `by_deal`, else the kept credit rows,
    /// then the kept deals without credit rows, for their owner.
    fn each(&self, mut f: impl FnMut(u32, u32)) {
        let cr = self.credits;
        let nc = cr.deal.len() as u32;
        let deals = self.flags.iter().zip(self.owners).enumerate();
        if self.by_deal {
            let mut c = 0usize;
            for (d, (&flag, &owner)) in deals {
                let d = d as u32;
                let first = c;
                while cr.deal.get(c) == Some(&d) {
                    c += 1;
                }
                if flag == KEPT {
                    f(nc.wrapping_add(d), owner);
                } else if flag & KEPT != 0 {
                    for (r, &p) in (first..).zip(cr.payee.get(first..c).unwrap_or(&[])) {
                        f(r as u32, p);
                    }
                }
            }
        } else {
            for (r, (&p, &d)) in cr.payee.iter().zip(&cr.deal).enumerate() {
                if self.flags.get(d as usize).is_some_and(|f| f & KEPT != 0) {
                    f(r as u32, p);
                }
            }
            for (d, (&flag, &owner)) in deals {
                if flag == KEPT {
                    f(nc.wrapping_add(d as u32), owner);
                }
            }
        }
    }
}

/// A date as an unsigned number that orders as the date does.
fn day_key(d: Date) -> u32 {
    (i64::from(d.0) - i64::from(i32::MIN)) as u32
}

/// Sorts each payee's part of `rows` (`starts` as in [`LinesByPayee`]) by `day(row)`, keeping
/// the order of rows with the same day (a stable sort), on the pool with the `parallel`
/// feature, with buffers per worker. A part whose days span few values for its size (a year
/// of days, for a payee with a few hundred lines) is sorted by counting; any other part by
/// its keys of day and position packed in a `u64`.
fn sort_buckets_by_day(rows: &mut [u32], starts: &[u32], day: &(dyn Fn(u32) -> u32 + Sync)) {
    #[derive(Default)]
    struct Buffers {
        days: Vec<u32>,
        counts: Vec<u32>,
        keys: Vec<u64>,
        copy: Vec<u32>,
    }
    let sort = |b: &mut Buffers, rows: &mut [u32]| {
        b.days.clear();
        b.days.extend(rows.iter().map(|&r| day(r)));
        if b.days.windows(2).all(|w| matches!(w, [x, y] if x <= y)) {
            return;
        }
        let lo = b.days.iter().copied().min().unwrap_or(0);
        let hi = b.days.iter().copied().max().unwrap_or(0);
        let span = (hi - lo) as usize + 1;
        b.copy.clear();
        b.copy.extend_from_slice(rows);
        if span <= rows.len().saturating_mul(4).max(1024) {
            // counts[i] ends up as the first position of day lo + i.
            b.counts.clear();
            b.counts.resize(span + 1, 0);
            for &d in &b.days {
                if let Some(c) = b.counts.get_mut((d - lo) as usize + 1) {
                    *c += 1;
                }
            }
            let mut sum = 0;
            for c in &mut b.counts {
                sum += *c;
                *c = sum;
            }
            for (&r, &d) in b.copy.iter().zip(&b.days) {
                if let Some(next) = b.counts.get_mut((d - lo) as usize) {
                    if let Some(slot) = rows.get_mut(*next as usize) {
                        *slot = r;
                    }
                    *next += 1;
                }
            }
        } else {
            b.keys.clear();
            b.keys.extend(
                b.days
                    .iter()
                    .enumerate()
                    .map(|(pos, &d)| (u64::from(d) << 32) | pos as u64),
            );
            b.keys.sort_unstable();
            for (r, k) in rows.iter_mut().zip(&b.keys) {
                let pos = (k & u64::from(u32::MAX)) as usize;
                *r = b.copy.get(pos).copied().unwrap_or(*r);
            }
        }
    };
    let parts = parts(rows, starts);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        parts.into_par_iter().for_each_init(Buffers::default, sort);
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut buffers = Buffers::default();
        for p in parts {
            sort(&mut buffers, p);
        }
    }
}
