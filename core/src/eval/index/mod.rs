//! Indexes built once per evaluation: credit lines grouped by payee in line order, the
//! reporting hierarchy, and quotas by payee.

use super::expr::{fault, R};
use crate::dataset::{Column, Credits, Dataset, Sym};
use crate::period::{Date, Period};
use crate::plan::SourceRef;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Sort key of an id: all-digit ids order numerically, other ids bytewise, all-digit first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdKey {
    /// 0: all digits, fits u128; 1: all digits, longer; 2: anything else.
    class: u8,
    num: u128,
}

pub(crate) fn id_key(s: &str) -> IdKey {
    let b = s.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return IdKey { class: 2, num: 0 };
    }
    let mut n: u128 = 0;
    for &c in b {
        match n
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(c - b'0')))
        {
            Some(v) => n = v,
            None => return IdKey { class: 1, num: 0 },
        }
    }
    IdKey { class: 0, num: n }
}

fn strip_zeros(s: &str) -> &str {
    let t = s.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

/// Total order on ids (see [`IdKey`]); ties of equal numbers ("007" vs "7") break bytewise.
pub(crate) fn id_cmp(ka: IdKey, a: &str, kb: IdKey, b: &str) -> Ordering {
    let da = ka.class == 2;
    let db = kb.class == 2;
    match (da, db) {
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        (true, true) => a.as_bytes().cmp(b.as_bytes()),
        (false, false) => {
            let num = if ka.class == 0 && kb.class == 0 {
                ka.num.cmp(&kb.num)
            } else {
                let (sa, sb) = (strip_zeros(a), strip_zeros(b));
                sa.len()
                    .cmp(&sb.len())
                    .then_with(|| sa.as_bytes().cmp(sb.as_bytes()))
            };
            num.then_with(|| a.as_bytes().cmp(b.as_bytes()))
        }
    }
}

/// Credit lines grouped by payee, each payee's lines in (deal date, deal id) order, kept as
/// line references (4 bytes a line: [`line_of`]), so a deal credited to its owner implicitly
/// (without credit rows) costs its line here and nothing in the dataset. Lines of deals dated
/// outside every plan version are left out.
///
/// A line's deal, date, share and the deal fields the plan reads are gathered from its
/// reference when its payee is evaluated ([`LineIndex::gather`] into [`PayeeLines`]), so only
/// the payees in flight hold those columns: gathered for every line at once they take about
/// 50 MiB at W1 1M, for the whole evaluation. Only a plan that reads the lines of a payee's
/// reports (`direct`/`team` aggregates) has them gathered at once ([`LineIndex::all`]): a
/// manager's aggregates read every report's lines, in every period, and reading them from the
/// dataset (a random access per column and line) made such plans about 4× slower.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    /// `starts[p]..starts[p + 1]` are payee `p`'s lines in `refs`.
    pub starts: Vec<u32>,
    /// Reference of every line ([`line_of`]).
    pub refs: Vec<u32>,
    /// Deal attributes the plan reads (by column index): the ones [`LineIndex::gather`] copies.
    pub used: Vec<bool>,
    /// Every line gathered, positions as in `refs` ([`LineIndex::gather_all`]); only when
    /// the plan reads the lines of a payee's reports.
    pub all: Option<PayeeLines>,
}

/// One payee's lines, column by column; positions are the payee's own (0 is its first line),
/// in line order. Reused from payee to payee ([`LineIndex::gather`] overwrites it).
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

impl LineIndex {
    fn range(&self, payee: u32) -> std::ops::Range<usize> {
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
    /// [`LineIndex::all`] when it is there (`Ok`), else their references ([`line_of`]), in
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
    /// [`LineIndex::used`]) into `into`, reusing its vectors: copied from
    /// [`LineIndex::all`] when it is there, else read from the dataset.
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

    /// Gathers every line into [`LineIndex::all`] (on the pool with the `parallel` feature).
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

/// Deal rows in (date, id) order.
pub(crate) fn deal_order(data: &Dataset) -> Vec<u32> {
    let ids = &data.deals.id;
    let key_of = |&s: &u32| id_key(data.texts.resolve(s));
    #[cfg(feature = "parallel")]
    let keys: Vec<IdKey> = {
        use rayon::prelude::*;
        ids.par_iter().with_min_len(1 << 14).map(key_of).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let keys: Vec<IdKey> = ids.iter().map(key_of).collect();
    if let Some(order) = deal_order_packed(data, &keys) {
        return order;
    }
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    let date = |d: u32| data.deals.date.get(d as usize).copied().unwrap_or_default();
    let key = |d: u32| {
        keys.get(d as usize)
            .copied()
            .unwrap_or(IdKey { class: 2, num: 0 })
    };
    let text = |d: u32| {
        data.texts
            .resolve(ids.get(d as usize).copied().unwrap_or(0))
    };
    order.sort_unstable_by(|&a, &b| {
        date(a)
            .cmp(&date(b))
            .then_with(|| {
                let (ka, kb) = (key(a), key(b));
                if ka.class == 0 && kb.class == 0 && ka.num != kb.num {
                    ka.num.cmp(&kb.num)
                } else {
                    id_cmp(ka, text(a), kb, text(b))
                }
            })
            .then(a.cmp(&b))
    });
    order
}

/// Fast path of [`deal_order`] when every id is all digits with a value below 2^32: sorts
/// `(date, id number, row)` packed in one integer. Returns `None` (use the general order)
/// otherwise, or when two deals share date and id number (ties such as `007`/`7`).
fn deal_order_packed(data: &Dataset, keys: &[IdKey]) -> Option<Vec<u32>> {
    let dates = &data.deals.date;
    if keys.len() != dates.len()
        || keys
            .iter()
            .any(|k| k.class != 0 || k.num > u128::from(u32::MAX))
    {
        return None;
    }
    let mut packed: Vec<u128> = keys
        .iter()
        .zip(dates)
        .enumerate()
        .map(|(row, (k, d))| {
            // date offset to unsigned, then id number, then row (the key is unique)
            let day = u128::from((i64::from(d.0) - i64::from(i32::MIN)) as u64);
            (day << 64) | (k.num << 32) | row as u128
        })
        .collect();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        packed.par_sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    packed.sort_unstable();
    if packed
        .windows(2)
        .any(|w| matches!(w, [a, b] if a >> 32 == b >> 32))
    {
        return None;
    }
    Some(
        packed
            .iter()
            .map(|&k| (k & u128::from(u32::MAX)) as u32)
            .collect(),
    )
}

/// `(date, id number)` of a deal packed in a `u64` (the date's offset from `i32::MIN` in the
/// high half), when its id is all digits with a value below 2^32; `None` otherwise.
fn deal_key_packed(data: &Dataset, id: Sym, date: Date) -> Option<u64> {
    let k = id_key(data.texts.resolve(id));
    let num = u32::try_from(k.num).ok().filter(|_| k.class == 0)?;
    let day = (i64::from(date.0) - i64::from(i32::MIN)) as u64;
    Some((day << 32) | u64::from(num))
}

/// True when the deal rows are in id order (strictly ascending by [`id_cmp`]), as when the
/// deals table was exported sorted by id. A deal's row then orders as its id does, so lines
/// sort by (date, row) with no key table: the table would cost 8 bytes a deal, and memory
/// freed after building the index tends to stay resident through the evaluation.
fn deals_in_id_order(data: &Dataset) -> bool {
    let ids = &data.deals.id;
    // Each id is read once: its text, and its value when it is a plain number.
    let ascending = |run: &[Sym]| -> bool {
        let mut ids = run.iter().map(|&s| {
            let t = data.texts.resolve(s);
            (t, plain_number(t.as_bytes()))
        });
        let Some(mut prev) = ids.next() else {
            return true;
        };
        for cur in ids {
            let less = match (prev.1, cur.1) {
                (Some(a), Some(b)) => a < b,
                _ => id_cmp(id_key(prev.0), prev.0, id_key(cur.0), cur.0) == Ordering::Less,
            };
            if !less {
                return false;
            }
            prev = cur;
        }
        true
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        // Runs overlap by one id, so every neighbouring pair is compared.
        const RUN: usize = 1 << 14;
        (0..ids.len().div_ceil(RUN)).into_par_iter().all(|k| {
            ascending(
                ids.get(k * RUN..(k * RUN + RUN + 1).min(ids.len()))
                    .unwrap_or(&[]),
            )
        })
    }
    #[cfg(not(feature = "parallel"))]
    ascending(ids)
}

/// The value of a plain number: digits, without a leading zero (unless it is `0`), at most 19
/// of them. Two plain numbers order as their values do, by [`id_cmp`] too; that settles the
/// usual ids without comparing their text.
fn plain_number(s: &[u8]) -> Option<u64> {
    if s.len() > 19 || s.len() > 1 && s.first() == Some(&b'0') {
        return None;
    }
    let mut n: u64 = 0;
    for &c in s {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    (!s.is_empty()).then_some(n)
}

/// [`deal_key_packed`] of every deal, when every deal has one; `None` otherwise. Written into
/// one vector of exactly the deals' length (collecting in parallel would grow and join
/// pieces, twice the memory at the peak, and freed memory tends to stay resident).
fn deal_keys_packed(data: &Dataset) -> Option<Vec<u64>> {
    let (ids, dates) = (&data.deals.id, &data.deals.date);
    if ids.len() != dates.len() {
        return None;
    }
    let mut keys = vec![0u64; ids.len()];
    let fill = |(keys, (ids, dates)): (&mut [u64], (&[Sym], &[Date]))| -> bool {
        keys.iter_mut()
            .zip(ids.iter().zip(dates))
            .all(|(k, (&id, &date))| match deal_key_packed(data, id, date) {
                Some(v) => {
                    *k = v;
                    true
                }
                None => false,
            })
    };
    #[cfg(feature = "parallel")]
    let all = {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 14;
        keys.par_chunks_mut(CHUNK)
            .zip(ids.par_chunks(CHUNK).zip(dates.par_chunks(CHUNK)))
            .all(fill)
    };
    #[cfg(not(feature = "parallel"))]
    let all = fill((&mut keys, (ids, dates)));
    all.then_some(keys)
}

/// Splits `v` into the parts `starts` delimits (as in [`LineIndex`]).
fn parts<'v>(mut v: &'v mut [u32], starts: &[u32]) -> Vec<&'v mut [u32]> {
    let mut parts = Vec::with_capacity(starts.len());
    for w in starts.windows(2) {
        if let [a, b] = w {
            let n = ((b - a) as usize).min(v.len());
            let (head, tail) = std::mem::take(&mut v).split_at_mut(n);
            parts.push(head);
            v = tail;
        }
    }
    parts
}

/// Sorts each payee's part of `rows` (`starts` as in [`LineIndex`]) by `(key(row), row)`, on
/// the pool with the `parallel` feature. Returns false when some row has no key, or (with
/// `unique_high`) when two rows of one payee have the same key; that payee's rows are then
/// left in some order. The keys exist for one payee at a time (a buffer per worker), not for
/// every line at once.
fn sort_buckets(
    rows: &mut [u32],
    starts: &[u32],
    key: &(dyn Fn(u32) -> Option<u128> + Sync),
    unique_high: bool,
) -> bool {
    let sort = |buf: &mut Vec<u128>, rows: &mut [u32]| -> bool {
        buf.clear();
        for &r in rows.iter() {
            match key(r) {
                Some(k) => buf.push((k << 32) | u128::from(r)),
                None => return false,
            }
        }
        buf.sort_unstable();
        for (r, k) in rows.iter_mut().zip(buf.iter()) {
            *r = (k & u128::from(u32::MAX)) as u32;
        }
        !unique_high
            || !buf
                .windows(2)
                .any(|w| matches!(w, [a, b] if a >> 32 == b >> 32))
    };
    let parts = parts(rows, starts);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        parts
            .into_par_iter()
            .map_init(Vec::new, sort)
            .reduce(|| true, |a, b| a && b)
    }
    #[cfg(not(feature = "parallel"))]
    {
        let mut buf = Vec::new();
        let mut ok = true;
        for p in parts {
            ok &= sort(&mut buf, p);
        }
        ok
    }
}

/// Whether each deal has credit rows (deals without are credited to their owner implicitly).
fn explicit_deals(data: &Dataset) -> Vec<bool> {
    let mut v = vec![false; data.deals.id.len()];
    for &d in &data.credits.deal {
        if let Some(e) = v.get_mut(d as usize) {
            *e = true;
        }
    }
    v
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
pub(crate) fn build_lines(data: &Dataset, keep: impl Fn(Date) -> bool) -> LineIndex {
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
    LineIndex {
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
    credits: &'a Credits,
    owners: &'a [u32],
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

/// Sorts each payee's part of `rows` (`starts` as in [`LineIndex`]) by `day(row)`, keeping
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

/// Payee rows in id order.
pub(crate) fn payee_order(data: &Dataset) -> Vec<u32> {
    let ids = &data.payees.id;
    let keys: Vec<IdKey> = ids.iter().map(|&s| id_key(data.texts.resolve(s))).collect();
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    let key = |d: u32| {
        keys.get(d as usize)
            .copied()
            .unwrap_or(IdKey { class: 2, num: 0 })
    };
    let text = |d: u32| {
        data.texts
            .resolve(ids.get(d as usize).copied().unwrap_or(0))
    };
    order.sort_unstable_by(|&a, &b| id_cmp(key(a), text(a), key(b), text(b)).then(a.cmp(&b)));
    order
}

/// One report of a manager, for the days `from..=to` (open ends are `Date(i32::MIN)` and
/// `Date(i32::MAX)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub payee: u32,
    pub from: Date,
    pub to: Date,
}

const OPEN_FROM: Date = Date(i32::MIN);
const OPEN_TO: Date = Date(i32::MAX);

/// Reports of every payee (`starts[p]..starts[p+1]` into `items`), each with the days on
/// which it reports to the payee. A payee appears at most once per day in a list.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    pub starts: Vec<u32>,
    pub items: Vec<Member>,
}

impl Reports {
    pub fn of(&self, p: u32) -> &[Member] {
        let s = self.starts.get(p as usize).copied().unwrap_or(0) as usize;
        let e = self.starts.get(p as usize + 1).copied().unwrap_or(0) as usize;
        self.items.get(s..e).unwrap_or(&[])
    }

    /// Flattens per-payee lists, each sorted by (rank of the report's payee id, from).
    fn from_lists(mut lists: Vec<Vec<Member>>, rank: &[u32]) -> Reports {
        let mut r = Reports {
            starts: Vec::with_capacity(lists.len() + 1),
            items: Vec::with_capacity(lists.iter().map(Vec::len).sum()),
        };
        for l in &mut lists {
            l.sort_unstable_by_key(|m| {
                (
                    rank.get(m.payee as usize).copied().unwrap_or(u32::MAX),
                    m.from,
                )
            });
            r.starts.push(r.items.len() as u32);
            r.items.extend_from_slice(l);
        }
        r.starts.push(r.items.len() as u32);
        r
    }
}

/// The reporting hierarchy: the direct reports of every payee, each with the days it reports
/// to the payee. A payee's team (direct and indirect reports) is walked down from them when
/// it is read ([`Hierarchy::team_into`]) and never stored for every payee: a chain of 20,000
/// payees has 200 million (manager, report) pairs, which took 4.8 GB. The load's depth limit
/// ([`crate::load::MAX_HIERARCHY_DEPTH`]) bounds each walk.
#[derive(Debug, Default)]
pub(crate) struct Hierarchy {
    pub direct: Reports,
    /// Place of every payee in id order (team lists are sorted by it).
    rank: Vec<u32>,
    /// An assignments table gives the hierarchy (reports hold for some days only).
    dated: bool,
}

/// What [`Hierarchy::team_into`] reuses from payee to payee.
#[derive(Debug, Default)]
pub(crate) struct TeamWalk {
    /// The payee whose team `members` holds.
    pub of: Option<u32>,
    pub members: Vec<Member>,
    stack: Vec<(u32, Date, Date, usize)>,
    /// Without dates: the walk that last reached each payee (a payee is listed once).
    seen: Vec<u32>,
    /// Number of the current walk (a new walk needs no clearing of `seen`).
    walks: u32,
}

impl Hierarchy {
    /// Fills `walk.members` with the team of `p` (unless it already holds it): every payee
    /// below `p`, with the days on which it is below `p`, sorted by (rank of its id, from),
    /// as the direct lists are. Without an assignments table each payee is listed once and a
    /// cycle is cut (a payee is never its own report). With one, a report is listed once per
    /// path down, for the days on which every assignment on the path holds; the walk stops
    /// at the depth limit (validated data never reaches it).
    pub fn team_into(&self, p: u32, walk: &mut TeamWalk) {
        if walk.of == Some(p) {
            return;
        }
        walk.of = Some(p);
        walk.members.clear();
        walk.stack.clear();
        let np = self.direct.starts.len().saturating_sub(1);
        walk.walks = walk.walks.wrapping_add(1);
        if !self.dated && (walk.seen.len() != np || walk.walks == 0) {
            walk.seen.clear();
            walk.seen.resize(np, 0);
            walk.walks = 1;
        }
        let now = walk.walks;
        if let Some(s) = walk.seen.get_mut(p as usize) {
            *s = now;
        }
        for m in self.direct.of(p) {
            walk.stack.push((m.payee, m.from, m.to, 1));
        }
        while let Some((q, lo, hi, depth)) = walk.stack.pop() {
            if self.dated {
                if q == p || depth > crate::load::MAX_HIERARCHY_DEPTH {
                    continue;
                }
            } else {
                match walk.seen.get_mut(q as usize) {
                    Some(s) if *s != now => *s = now,
                    _ => continue,
                }
            }
            walk.members.push(Member {
                payee: q,
                from: lo,
                to: hi,
            });
            for m in self.direct.of(q) {
                let (l, h) = (lo.max(m.from), hi.min(m.to));
                if l <= h {
                    walk.stack.push((m.payee, l, h, depth + 1));
                }
            }
        }
        let rank = &self.rank;
        walk.members.sort_unstable_by_key(|m| {
            (
                rank.get(m.payee as usize).copied().unwrap_or(u32::MAX),
                m.from,
            )
        });
    }
}

/// The direct reports of every payee, with the days each reports to the payee. `rank[p]` is
/// payee `p`'s place in id order (lists are sorted by it).
///
/// Without an assignments table the `manager` column is the hierarchy on every day; a payee
/// who is their own manager is not their own report. With one, each assignment makes its
/// payee a direct report of its manager on its days.
pub(crate) fn hierarchy(data: &Dataset, rank: Vec<u32>) -> Hierarchy {
    let np = data.payees.id.len();
    let mut direct: Vec<Vec<Member>> = vec![Vec::new(); np];
    match &data.assignments {
        None => {
            for (i, m) in data.payees.manager.iter().enumerate() {
                if let Some(m) = m {
                    if *m as usize != i {
                        if let Some(d) = direct.get_mut(*m as usize) {
                            d.push(Member {
                                payee: i as u32,
                                from: OPEN_FROM,
                                to: OPEN_TO,
                            });
                        }
                    }
                }
            }
        }
        Some(rows) => {
            for a in rows {
                if a.payee == a.manager {
                    continue;
                }
                if let Some(d) = direct.get_mut(a.manager as usize) {
                    d.push(Member {
                        payee: a.payee,
                        from: a.from,
                        to: a.to.unwrap_or(OPEN_TO),
                    });
                }
            }
        }
    }
    Hierarchy {
        direct: Reports::from_lists(direct, &rank),
        rank,
        dated: data.assignments.is_some(),
    }
}

/// Quotas grouped by payee.
pub(crate) fn quotas_by_payee(data: &Dataset) -> Vec<Vec<(Period, Decimal)>> {
    let mut v: Vec<Vec<(Period, Decimal)>> = vec![Vec::new(); data.payees.id.len()];
    for q in &data.quotas {
        if let Some(list) = v.get_mut(q.payee as usize) {
            list.push((q.period, q.amount));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Credits, Deals, Interner, Payees};

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap_or_default()
    }

    /// Payees A and B; deals in neither id nor date order, two of them split, two credited to
    /// their owner implicitly ("7" to B, "12" to A).
    fn dataset() -> Dataset {
        let mut texts = Interner::default();
        let payees = Payees {
            id: vec![texts.intern("A"), texts.intern("B")],
            manager: vec![None, Some(0)],
            start: vec![None; 2],
            end: vec![None; 2],
            attrs: Vec::new(),
        };
        let ids = ["30", "7", "12", "9"];
        let dates = ["2026-02-01", "2026-01-15", "2026-01-15", "2026-03-31"];
        let deals = Deals {
            id: ids.iter().map(|s| texts.intern(s)).collect(),
            owner: vec![1, 1, 0, 1],
            date: dates.iter().map(|s| date(s)).collect(),
            attrs: Vec::new(),
        };
        let share = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let role = texts.intern("");
        let credits = Credits {
            deal: vec![0, 0, 3, 3],
            payee: vec![1, 0, 1, 0],
            share: ["0.6", "0.4", "0.25", "0.75"]
                .iter()
                .map(|s| share(s))
                .collect(),
            role: vec![role; 4],
        };
        Dataset {
            texts,
            payees,
            deals,
            credits,
            quotas: Vec::new(),
            assignments: None,
        }
    }

    /// A report's lines read from the dataset by reference (the fallback when not every line
    /// is gathered) are the gathered ones: same deals, shares and (date, id) order, implicit
    /// owner lines included.
    #[test]
    fn a_reports_lines_from_the_dataset_are_the_gathered_lines() {
        let data = dataset();
        let mut index = build_lines(&data, |_| true);
        // Credit rows 0..4, then deal d's implicit line as 4 + d: A has "12" (15 Jan), "30",
        // "9"; B has "7" (15 Jan), "30", "9".
        assert_eq!(index.starts, [0, 3, 6]);
        assert_eq!(index.refs, [6, 1, 3, 5, 0, 2]);
        let (from, to) = (date("2026-01-01"), date("2026-02-28"));
        let from_rows: Vec<(u32, String)> = match index.report_lines(&data, 1, from, to) {
            Err(rows) => rows
                .iter()
                .map(|&r| {
                    let (deal, share) = line_of(&data, r);
                    (deal, share.to_string())
                })
                .collect(),
            Ok(_) => panic!("no line is gathered yet"),
        };
        // Payee B in January and February: deal "7" (15 Jan, 1), then "30" (1 Feb, 0.6).
        assert_eq!(from_rows, [(1, "1".to_string()), (0, "0.6".to_string())]);
        index.gather_all(&data);
        let gathered: Vec<(u32, String)> = match index.report_lines(&data, 1, from, to) {
            Ok((all, range)) => range
                .map(|pos| (all.deal[pos], all.share[pos].to_string()))
                .collect(),
            Err(_) => panic!("every line is gathered"),
        };
        assert_eq!(gathered, from_rows);
        // Payee A: "12" (15 Jan) before "30" (1 Feb); "9" (31 Mar) is outside the range.
        let a: Vec<u32> = match index.report_lines(&data, 0, from, to) {
            Ok((all, range)) => range.map(|pos| all.deal[pos]).collect(),
            Err(_) => panic!("every line is gathered"),
        };
        assert_eq!(a, [2, 0]);
    }

    /// Deal rows are in id order when their ids ascend strictly by `id_cmp`: numbers by value,
    /// equal numbers bytewise ("007" before "7"), digits before other text.
    #[test]
    fn deal_rows_in_id_order_are_recognised() {
        let in_order = |ids: &[&str]| {
            let mut data = dataset();
            data.deals.id = ids.iter().map(|s| data.texts.intern(s)).collect();
            deals_in_id_order(&data)
        };
        assert!(in_order(&["7", "9", "12", "30"]));
        assert!(in_order(&["0", "9", "10", "a"]));
        assert!(in_order(&["007", "7", "08", "b"]));
        assert!(in_order(&["5"]));
        assert!(!in_order(&["10", "9"]));
        assert!(!in_order(&["7", "007"]));
        assert!(!in_order(&["a", "b", "5"]));
        assert!(!in_order(&["7", "7"]));
        assert!(!in_order(&["9", "10", "0"]));
    }

    /// The id-order check runs over overlapping stretches of 16,384 ids (in parallel with the
    /// `parallel` feature): a pair out of order is found wherever it falls, at a stretch's
    /// edges too.
    #[test]
    fn ids_out_of_order_are_found_at_every_stretch_edge() {
        let mut data = dataset();
        let ids: Vec<Sym> = (1..=40_000u32)
            .map(|n| data.texts.intern(&n.to_string()))
            .collect();
        data.deals.id = ids.clone();
        assert!(deals_in_id_order(&data));
        for at in [0, 16_382, 16_383, 16_384, 32_767, 39_998] {
            let mut swapped = ids.clone();
            swapped.swap(at, at + 1);
            data.deals.id = swapped;
            assert!(!deals_in_id_order(&data), "pair {at}, {} swapped", at + 1);
        }
    }

    /// With deal rows in id order, lines sort by (date, row) without a key table: same-date
    /// deals of one payee come in id order.
    #[test]
    fn lines_of_deals_in_id_order_sort_by_date_then_id() {
        let mut data = dataset();
        for (row, id) in ["1", "2", "3", "4"].iter().enumerate() {
            data.deals.id[row] = data.texts.intern(id);
        }
        data.deals.owner[1] = 0; // "2" (15 Jan) to A, beside "3" (15 Jan)
        assert!(deals_in_id_order(&data));
        let index = build_lines(&data, |_| true);
        // A: "2" and "3" (15 Jan, by id), "1" (1 Feb, 0.4), "4" (31 Mar, 0.75);
        // B: "1" (0.6), "4" (0.25). Deal d's implicit line is 4 + d.
        assert_eq!(index.starts, [0, 4, 6]);
        assert_eq!(index.refs, [5, 6, 1, 3, 0, 2]);
    }

    /// Which id texts are plain numbers, and their values.
    #[test]
    fn plain_numbers_are_recognised() {
        assert_eq!(plain_number(b"0"), Some(0));
        assert_eq!(plain_number(b"1234"), Some(1234));
        assert_eq!(
            plain_number(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(plain_number(b"10000000000000000000"), None); // 20 digits
        assert_eq!(plain_number(b"007"), None);
        assert_eq!(plain_number(b"00"), None);
        assert_eq!(plain_number(b""), None);
        assert_eq!(plain_number(b"12a"), None);
        assert_eq!(plain_number(b"-1"), None);
    }

    /// Dataset for [`line_order_matches_the_definition`]: deal `i` has id `ids[i]`, date
    /// `days[i]` (days from 2026-01-01) and owner `owners[i]`; `credits` are (deal, payee)
    /// rows of share 1 (shares are not read by the index).
    fn random_dataset(
        ids: &[String],
        days: &[i64],
        owners: &[u32],
        credits: &[(u32, u32)],
        payees: usize,
    ) -> Dataset {
        let mut texts = Interner::default();
        let day0 = date("2026-01-01");
        let role = texts.intern("");
        Dataset {
            payees: Payees {
                id: (0..payees)
                    .map(|p| texts.intern(&format!("p{p}")))
                    .collect(),
                manager: vec![None; payees],
                start: vec![None; payees],
                end: vec![None; payees],
                attrs: Vec::new(),
            },
            deals: Deals {
                id: ids.iter().map(|s| texts.intern(s)).collect(),
                owner: owners.to_vec(),
                date: days
                    .iter()
                    .map(|&n| day0.add_days(n).unwrap_or(day0))
                    .collect(),
                attrs: Vec::new(),
            },
            credits: Credits {
                deal: credits.iter().map(|c| c.0).collect(),
                payee: credits.iter().map(|c| c.1).collect(),
                share: vec![Decimal::ONE; credits.len()],
                role: vec![role; credits.len()],
            },
            texts,
            quotas: Vec::new(),
            assignments: None,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
        /// Every path of `build_lines` (deal rows in id order or not, credit rows in deal
        /// order or not, counting or comparison sort by day, ids as numbers of any size, with
        /// leading zeros, or text) gives each payee's kept lines ordered by (deal date, deal
        /// id by `id_cmp`, reference), as sorting them so directly does.
        #[test]
        fn line_order_matches_the_definition(
            deals in proptest::collection::vec((0u64..40, 0i64..6, 0u32..3, 0usize..3), 1..30),
            id_style in 0u8..5,
            wide_dates in proptest::bool::ANY,
            split in proptest::collection::vec((0usize..30, 0u32..3, 1usize..3), 0..12),
            credits_in_deal_order in proptest::bool::ANY,
            dropped_day in 0i64..8,
        ) {
            let n = deals.len();
            // Distinct ids; in row order for styles 0 and 1.
            let mut nums: Vec<u64> = Vec::new();
            for &(k, ..) in &deals {
                let mut v = k;
                while nums.contains(&v) {
                    v += 41;
                }
                nums.push(v);
            }
            if id_style <= 1 {
                nums.sort_unstable();
            }
            let mut ids: Vec<String> = Vec::new();
            for (&v, &(.., zeros)) in nums.iter().zip(&deals) {
                let mut id = match id_style {
                    0 | 2 => v.to_string(),
                    1 => format!("{}{v}", "9".repeat(20)), // past u64
                    3 => format!("{}{}", "0".repeat(zeros), v % 4), // "07" beside "7"
                    _ => format!("d{v}"),
                };
                while ids.contains(&id) {
                    id.insert(0, '0');
                }
                ids.push(id);
            }
            let scale = if wide_dates { 400 } else { 1 };
            let days: Vec<i64> = deals.iter().map(|d| d.1 * scale).collect();
            let owners: Vec<u32> = deals.iter().map(|d| d.2).collect();
            let mut credits: Vec<(u32, u32)> = Vec::new();
            for &(d, p, rows) in &split {
                if d < n && !credits.iter().any(|c| c.0 == d as u32) {
                    for _ in 0..rows {
                        credits.push((d as u32, p)); // two rows may name one payee
                    }
                }
            }
            if credits_in_deal_order {
                credits.sort_by_key(|c| c.0);
            } else {
                credits.reverse();
            }
            let data = random_dataset(&ids, &days, &owners, &credits, 3);
            let dropped = date("2026-01-01").add_days(dropped_day * scale);
            let index = build_lines(&data, |d| Some(d) != dropped);

            // Definition: every kept line as (payee, date, id, reference), sorted.
            let nc = credits.len() as u32;
            let mut expected: Vec<(u32, Date, u32, u32)> = Vec::new();
            for d in 0..n as u32 {
                let dd = data.deals.date[d as usize];
                if Some(dd) == dropped {
                    continue;
                }
                let rows: Vec<u32> = (0..nc).filter(|&r| credits[r as usize].0 == d).collect();
                if rows.is_empty() {
                    expected.push((owners[d as usize], dd, d, nc + d));
                }
                for r in rows {
                    expected.push((credits[r as usize].1, dd, d, r));
                }
            }
            let text = |d: u32| data.texts.resolve(data.deals.id[d as usize]);
            expected.sort_by(|a, b| {
                (a.0, a.1)
                    .cmp(&(b.0, b.1))
                    .then_with(|| id_cmp(id_key(text(a.2)), text(a.2), id_key(text(b.2)), text(b.2)))
                    .then(a.3.cmp(&b.3))
            });
            let mut starts = vec![0u32; 4];
            for e in &expected {
                starts[e.0 as usize + 1] += 1;
            }
            for p in 0..3 {
                starts[p + 1] += starts[p];
            }
            let refs: Vec<u32> = expected.iter().map(|e| e.3).collect();
            proptest::prop_assert_eq!(&index.starts, &starts);
            proptest::prop_assert_eq!(&index.refs, &refs);
        }
    }

    /// Line references: credit rows first, then one per deal; out of range reads as nothing.
    #[test]
    fn line_references_name_credit_rows_then_deals() {
        let data = dataset();
        let line = |r: u32| {
            let (deal, share) = line_of(&data, r);
            (deal, share.to_string())
        };
        assert_eq!(line(0), (0, "0.6".to_string()));
        assert_eq!(line(3), (3, "0.75".to_string()));
        assert_eq!(line(4), (0, "1".to_string()));
        assert_eq!(line(5), (1, "1".to_string()));
        assert_eq!(line_of(&data, 6).1.scale(), 0);
    }

    /// The owner of a deal without credit rows must exist; a split deal's owner is not read.
    #[test]
    fn an_implicit_lines_owner_is_validated() {
        let mut data = dataset();
        assert!(validate(&data).is_ok());
        data.deals.owner[0] = 9; // "30" is split: its owner is not credited
        assert!(validate(&data).is_ok());
        data.deals.owner[1] = 9; // "7" is credited to its owner
        let e = validate(&data).err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("dataset is inconsistent: a credit refers to a missing payee")
        );
    }
}
