//! The orders lines and payees are evaluated in: ids (all-digit ids numerically, other ids
//! bytewise, all-digit first), deals by date then id, payees by id.

use crate::dataset::{Dataset, Sym};
use crate::period::Date;
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
pub(super) fn deals_in_id_order(data: &Dataset) -> bool {
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
pub(super) fn plain_number(s: &[u8]) -> Option<u64> {
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
pub(super) fn deal_keys_packed(data: &Dataset) -> Option<Vec<u64>> {
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

/// Splits `v` into the parts `starts` delimits (as in [`LinesByPayee`]).
pub(super) fn parts<'v>(mut v: &'v mut [u32], starts: &[u32]) -> Vec<&'v mut [u32]> {
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

/// Sorts each payee's part of `rows` (`starts` as in [`LinesByPayee`]) by `(key(row), row)`, on
/// the pool with the `parallel` feature. Returns false when some row has no key, or (with
/// `unique_high`) when two rows of one payee have the same key; that payee's rows are then
/// left in some order. The keys exist for one payee at a time (a buffer per worker), not for
/// every line at once.
pub(super) fn sort_buckets(
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
pub(super) fn explicit_deals(data: &Dataset) -> Vec<bool> {
    let mut v = vec![false; data.deals.id.len()];
    for &d in &data.credits.deal {
        if let Some(e) = v.get_mut(d as usize) {
            *e = true;
        }
    }
    v
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
