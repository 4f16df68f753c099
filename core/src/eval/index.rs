//! Indexes built once per evaluation: credit lines grouped by payee in line order, the
//! reporting hierarchy, and quotas by payee.

use super::expr::{fault, R};
use crate::dataset::{Column, Dataset};
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

/// Credit lines grouped by payee, each payee's lines in (deal date, deal id) order, stored
/// column by column. Lines of deals dated outside every plan version are left out.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    /// `starts[p]..starts[p + 1]` are payee `p`'s line positions.
    pub starts: Vec<u32>,
    pub deal: Vec<u32>,
    pub date: Vec<Date>,
    pub share: Vec<Decimal>,
    /// Deal attribute columns gathered in line order (`attrs[i][pos]` = attribute `i` of the
    /// line's deal), for the attributes the plan reads; `None` for the others.
    pub attrs: Vec<Option<Column>>,
}

impl LineIndex {
    pub fn range(&self, payee: u32) -> std::ops::Range<usize> {
        let p = payee as usize;
        let s = self.starts.get(p).copied().unwrap_or(0) as usize;
        let e = self.starts.get(p + 1).copied().unwrap_or(0) as usize;
        s..e.max(s)
    }
    /// Positions of payee `p`'s lines dated in `[from, to]`.
    pub fn dated(&self, payee: u32, from: Date, to: Date) -> std::ops::Range<usize> {
        let r = self.range(payee);
        let dates = self.date.get(r.clone()).unwrap_or(&[]);
        let a = dates.partition_point(|d| *d < from);
        let b = dates.partition_point(|d| *d <= to);
        (r.start + a)..(r.start + b.max(a))
    }
}

/// Copies `src[deal[pos]]` for every line position (in parallel with the `parallel` feature).
fn gather<T: Copy + Send + Sync + Default>(deal: &[u32], src: &[T]) -> Vec<T> {
    let one = |&d: &u32| src.get(d as usize).copied().unwrap_or_default();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        deal.par_iter().with_min_len(1 << 14).map(one).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        deal.iter().map(one).collect()
    }
}

impl LineIndex {
    /// Gathers the deal attribute columns marked in `used` into line order.
    pub fn gather_attrs(&mut self, data: &Dataset, used: &[bool]) {
        self.attrs = data
            .deals
            .attrs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if !used.get(i).copied().unwrap_or(false) {
                    return None;
                }
                Some(match c {
                    Column::Decimal(v) => Column::Decimal(gather(&self.deal, v)),
                    Column::Bool(v) => Column::Bool(gather(&self.deal, v)),
                    Column::Text(v) => Column::Text(gather(&self.deal, v)),
                    Column::Date(v) => Column::Date(gather(&self.deal, v)),
                })
            })
            .collect();
    }
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
    if np >= u32::MAX as usize || nd >= u32::MAX as usize || nc >= u32::MAX as usize {
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

/// A chunk of line keys with the matching chunks of the deal, date and share columns.
type LineChunks<'a> = (
    (&'a [u128], &'a mut [u32]),
    (&'a mut [Date], &'a mut [Decimal]),
);

/// `(date, id number)` of every deal packed in a `u64` (the date's offset from `i32::MIN` in
/// the high half), when every deal id is all digits with a value below 2^32; `None` otherwise.
fn deal_keys_packed(data: &Dataset) -> Option<Vec<u64>> {
    let ids = &data.deals.id;
    let one = |(&s, d): (&u32, &Date)| -> Option<u64> {
        let k = id_key(data.texts.resolve(s));
        let num = u32::try_from(k.num).ok().filter(|_| k.class == 0)?;
        let day = (i64::from(d.0) - i64::from(i32::MIN)) as u64;
        Some((day << 32) | u64::from(num))
    };
    if ids.len() != data.deals.date.len() {
        return None;
    }
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        ids.par_iter()
            .zip(data.deals.date.par_iter())
            .with_min_len(1 << 14)
            .map(one)
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    ids.iter().zip(&data.deals.date).map(one).collect()
}

/// Sorts each payee's part of `keys` (`starts` as in [`LineIndex`]); with `unique_high`,
/// returns false as soon as two keys of one payee agree above their low 32 bits.
fn sort_buckets(keys: &mut [u128], starts: &[u32], unique_high: bool) -> bool {
    let mut parts: Vec<&mut [u128]> = Vec::with_capacity(starts.len());
    let mut rest: &mut [u128] = keys;
    for w in starts.windows(2) {
        if let [a, b] = w {
            let n = ((b - a) as usize).min(rest.len());
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
            parts.push(head);
            rest = tail;
        }
    }
    let sort = |p: &mut [u128]| -> bool {
        p.sort_unstable();
        !unique_high
            || !p
                .windows(2)
                .any(|w| matches!(w, [a, b] if a >> 32 == b >> 32))
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        parts
            .into_par_iter()
            .map(sort)
            .reduce(|| true, |a, b| a && b)
    }
    #[cfg(not(feature = "parallel"))]
    parts.into_iter().map(sort).fold(true, |a, b| a && b)
}

/// Builds the per-payee line index. `keep(date)` says whether a deal date is in force under
/// some plan version.
///
/// Each kept credit gets a key that orders its payee's lines, with the credit row in the low
/// 32 bits; credits are bucketed by payee (counting sort) and each bucket is sorted on the
/// pool with the `parallel` feature. When every deal id is a number below 2^32 the key is
/// (date, id number, row) and no global sort is needed; otherwise (or when one payee has two
/// deals with the same date and number, such as `007` and `7`) it is (rank of the deal in
/// [`deal_order`], row). Both give the order of walking deals in order and appending their
/// credits.
pub(crate) fn build_lines(data: &Dataset, keep: impl Fn(Date) -> bool) -> LineIndex {
    let np = data.payees.id.len();
    let cr = &data.credits;
    let kept_deal: Vec<bool> = data.deals.date.iter().map(|&d| keep(d)).collect();
    let kept = |c: usize| -> bool {
        let d = cr.deal.get(c).copied().unwrap_or(0);
        kept_deal.get(d as usize).copied().unwrap_or(false)
    };
    // Count lines per payee.
    let mut starts = vec![0u32; np + 1];
    for (i, &p) in cr.payee.iter().enumerate() {
        if kept(i) {
            if let Some(c) = starts.get_mut(p as usize + 1) {
                *c += 1;
            }
        }
    }
    for i in 0..np {
        let prev = starts.get(i).copied().unwrap_or(0);
        if let Some(c) = starts.get_mut(i + 1) {
            *c += prev;
        }
    }
    let total = starts.get(np).copied().unwrap_or(0) as usize;
    // Bucket (deal key << 32 | credit row) by payee.
    let mut keys = vec![0u128; total];
    let bucket = |keys: &mut [u128], deal_key: &dyn Fn(u32) -> u128| {
        let mut cur = starts.clone();
        for (i, (&p, &d)) in cr.payee.iter().zip(&cr.deal).enumerate() {
            if !kept(i) {
                continue;
            }
            if let Some(slot) = cur.get_mut(p as usize) {
                if let Some(k) = keys.get_mut(*slot as usize) {
                    *k = (deal_key(d) << 32) | i as u128;
                }
                *slot += 1;
            }
        }
    };
    let packed = match deal_keys_packed(data) {
        Some(dk) => {
            bucket(&mut keys, &|d| {
                u128::from(dk.get(d as usize).copied().unwrap_or(u64::MAX))
            });
            sort_buckets(&mut keys, &starts, true)
        }
        None => false,
    };
    if !packed {
        let nd = data.deals.id.len();
        let mut rank = vec![u32::MAX; nd];
        for (i, &d) in deal_order(data).iter().enumerate() {
            if let Some(r) = rank.get_mut(d as usize) {
                *r = i as u32;
            }
        }
        bucket(&mut keys, &|d| {
            u128::from(rank.get(d as usize).copied().unwrap_or(u32::MAX))
        });
        sort_buckets(&mut keys, &starts, false);
    }
    // Deal, date and share of every line, in one pass.
    let mut deal = vec![0u32; total];
    let mut date = vec![Date::default(); total];
    let mut share = vec![Decimal::ZERO; total];
    let fill = |((k, dl), (dt, sh)): LineChunks| {
        for (((k, dl), dt), sh) in k.iter().zip(dl).zip(dt).zip(sh) {
            let row = (*k & u128::from(u32::MAX)) as usize;
            *dl = cr.deal.get(row).copied().unwrap_or(0);
            *dt = data
                .deals
                .date
                .get(*dl as usize)
                .copied()
                .unwrap_or_default();
            *sh = cr.share.get(row).copied().unwrap_or(Decimal::ZERO);
        }
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let m = 1 << 14;
        keys.par_chunks(m)
            .zip(deal.par_chunks_mut(m))
            .zip(date.par_chunks_mut(m).zip(share.par_chunks_mut(m)))
            .for_each(fill);
    }
    #[cfg(not(feature = "parallel"))]
    fill(((&keys, &mut deal), (&mut date, &mut share)));
    LineIndex {
        starts,
        deal,
        date,
        share,
        attrs: Vec::new(),
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

/// Direct reports and all (direct and indirect) reports of every payee, each with the days it
/// reports to the payee. `rank[p]` is payee `p`'s place in id order (lists are sorted by it).
///
/// Without an assignments table the `manager` column is the hierarchy on every day; cycles
/// in it are cut (a payee is never its own report). With one, each assignment makes its payee
/// a direct report of its manager on its days, and the payee (with its own reports) a report
/// of every manager above, on the days both assignments hold.
pub(crate) fn hierarchy(data: &Dataset, rank: &[u32]) -> (Reports, Reports) {
    let np = data.payees.id.len();
    let mut direct: Vec<Vec<Member>> = vec![Vec::new(); np];
    let mut team: Vec<Vec<Member>> = vec![Vec::new(); np];
    match &data.assignments {
        None => {
            let mut kids: Vec<Vec<u32>> = vec![Vec::new(); np];
            for (i, m) in data.payees.manager.iter().enumerate() {
                if let Some(m) = m {
                    if *m as usize != i {
                        if let Some(k) = kids.get_mut(*m as usize) {
                            k.push(i as u32);
                        }
                    }
                }
            }
            let open = |q: u32| Member {
                payee: q,
                from: OPEN_FROM,
                to: OPEN_TO,
            };
            let mut seen = vec![u32::MAX; np];
            let mut stack = Vec::new();
            for p in 0..np {
                let k = kids.get(p).map(Vec::as_slice).unwrap_or(&[]);
                if let Some(d) = direct.get_mut(p) {
                    d.extend(k.iter().map(|&q| open(q)));
                }
                if let Some(s) = seen.get_mut(p) {
                    *s = p as u32;
                }
                stack.clear();
                stack.extend_from_slice(k);
                let Some(t) = team.get_mut(p) else { continue };
                while let Some(q) = stack.pop() {
                    match seen.get_mut(q as usize) {
                        Some(s) if *s != p as u32 => *s = p as u32,
                        _ => continue,
                    }
                    t.push(open(q));
                    stack.extend_from_slice(kids.get(q as usize).map(Vec::as_slice).unwrap_or(&[]));
                }
            }
        }
        Some(rows) => {
            // Each payee's assignments: (manager, from, to).
            let mut up: Vec<Vec<(u32, Date, Date)>> = vec![Vec::new(); np];
            for a in rows {
                if a.payee == a.manager {
                    continue;
                }
                if let Some(u) = up.get_mut(a.payee as usize) {
                    u.push((a.manager, a.from, a.to.unwrap_or(OPEN_TO)));
                }
                if let Some(d) = direct.get_mut(a.manager as usize) {
                    d.push(Member {
                        payee: a.payee,
                        from: a.from,
                        to: a.to.unwrap_or(OPEN_TO),
                    });
                }
            }
            // Walk up from every payee, cutting the days at each assignment; the depth bound
            // stops a cycle (validated data has none).
            let mut stack: Vec<(u32, Date, Date, usize)> = Vec::new();
            for q in 0..np as u32 {
                stack.clear();
                for &(m, a, b) in up.get(q as usize).map(Vec::as_slice).unwrap_or(&[]) {
                    stack.push((m, a, b, 1));
                }
                while let Some((x, a, b, depth)) = stack.pop() {
                    if x == q || depth > np {
                        continue;
                    }
                    if let Some(t) = team.get_mut(x as usize) {
                        t.push(Member {
                            payee: q,
                            from: a,
                            to: b,
                        });
                    }
                    for &(y, a2, b2) in up.get(x as usize).map(Vec::as_slice).unwrap_or(&[]) {
                        let (lo, hi) = (a.max(a2), b.min(b2));
                        if lo <= hi {
                            stack.push((y, lo, hi, depth + 1));
                        }
                    }
                }
            }
        }
    }
    (
        Reports::from_lists(direct, rank),
        Reports::from_lists(team, rank),
    )
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
