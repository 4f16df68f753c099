//! Payout lines stored compactly: 20 bytes a line instead of the 64 of a [`Line`].
//!
//! Lines come in runs of one payee-period (the results' order), so the payee, the period and
//! the base of the trace offsets are kept once per run ([`Group`]), not per line. A line's
//! amount is packed into 8 bytes when its mantissa is below 2⁵⁶, and its share into 13 bits
//! beside the component and kind when its mantissa is below 256 with at most 7 places (1,
//! 0.55, 1.00), each with the exact scale and sign (of zero too); otherwise the value is kept
//! whole in a side table the packed word points to. Anything a run cannot express
//! relative to its base (a trace offset or side-table index too far away) starts a new run
//! of the same payee-period, so every line is representable and nothing is ever lost.
//! Reading a line back ([`LineTable::get`], [`LineTable::iter`]) gives the same [`Line`],
//! bit for bit.

use crate::exact::Small;
use crate::results::types::{Line, LineKind, NO_TRACE, PLAN_COMPONENT};
use rust_decimal::Decimal;

/// Largest component index a stored line can carry (the plan-level component aside).
pub(crate) const MAX_COMPONENT: u32 = 0xFFFE;
/// The stored form of [`PLAN_COMPONENT`].
const PLAN_SLOT: u32 = 0xFFFF;
/// Side-table entries one run may point to (a 12-bit index in the share's code).
const WIDE_PER_RUN: usize = 1 << 12;
/// The stored form of a line without a deal, or without a trace.
const NONE: u32 = u32::MAX;

/// One stored line (four-byte aligned: 20 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    /// The amount, packed ([`pack_inline`] or a side-table index), low and high halves.
    amount: [u32; 2],
    /// Deal row, or [`NONE`].
    deal: u32,
    /// Trace offset from the run's base, or [`NONE`].
    trace: u32,
    /// Component (bits 0–15; [`PLAN_SLOT`] for plan-level lines), kind (bits 16–18) and the
    /// share's code (bits 19–31: [`pack_inline`]'s form with three scale bits and an 8-bit
    /// mantissa, or a side-table index).
    meta: u32,
}

/// A run of lines of one payee-period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    /// Index of the run's first line.
    first: usize,
    payee: u32,
    period: u32,
    /// What the lines' trace offsets are relative to.
    trace_base: u64,
    /// What the lines' side-table indices are relative to.
    wide_base: usize,
}

/// Where a [`LineTable`] stood, to go back to it ([`LineTable::truncate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    rows: usize,
    groups: usize,
    wide: usize,
}

/// Payout lines, compactly (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LineTable {
    rows: Vec<Row>,
    groups: Vec<Group>,
    /// Amounts and shares too large to pack.
    wide: Vec<Decimal>,
}

fn kind_code(kind: LineKind) -> u32 {
    match kind {
        LineKind::Deal => 0,
        LineKind::Period => 1,
        LineKind::TrueUp => 2,
        LineKind::FloorTopUp => 3,
        LineKind::Rounding => 4,
        LineKind::Assignment => 5,
    }
}

fn kind_of(code: u32) -> LineKind {
    match code {
        1 => LineKind::Period,
        2 => LineKind::TrueUp,
        3 => LineKind::FloorTopUp,
        4 => LineKind::Rounding,
        5 => LineKind::Assignment,
        _ => LineKind::Deal,
    }
}

/// `d` packed (tag bit 0 clear, sign bit 1, `form.0` scale bits, then a mantissa of at most
/// `form.1` bits) when its scale and mantissa fit, else `None`.
#[inline]
fn pack_inline(d: Decimal, form: (u32, u32)) -> Option<u64> {
    let (scale_bits, mantissa_bits) = form;
    let s = Small::of(d)?;
    (s.mag >> mantissa_bits == 0 && s.scale >> scale_bits == 0)
        .then(|| (s.mag << (2 + scale_bits)) | (u64::from(s.scale) << 2) | (u64::from(s.neg) << 1))
}

#[inline]
fn unpack_inline(word: u64, form: (u32, u32)) -> Decimal {
    let scale_bits = form.0;
    Small {
        mag: word >> (2 + scale_bits),
        scale: ((word >> 2) & ((1 << scale_bits) - 1)) as u32,
        neg: (word >> 1) & 1 == 1,
    }
    .dec()
}

/// Amounts: five scale bits (every scale, 0–28) and a 56-bit mantissa.
const AMOUNT: (u32, u32) = (5, 56);
/// Shares: three scale bits and an 8-bit mantissa, in 13 bits.
const SHARE: (u32, u32) = (3, 8);

impl LineTable {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Makes room for `additional` more lines.
    pub fn reserve(&mut self, additional: usize) {
        self.rows.reserve(additional);
    }

    /// Makes room for `additional` more lines, unless the system refuses the memory.
    pub fn try_reserve(&mut self, additional: usize) -> bool {
        self.rows.try_reserve(additional).is_ok()
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.groups.shrink_to_fit();
        self.wide.shrink_to_fit();
    }

    /// Heap bytes held (by capacity).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.rows.capacity() * size_of::<Row>()
            + self.groups.capacity() * size_of::<Group>()
            + self.wide.capacity() * size_of::<Decimal>()
    }

    /// Where the table stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            rows: self.rows.len(),
            groups: self.groups.len(),
            wide: self.wide.len(),
        }
    }

    /// Drops every line added since `mark`.
    pub fn truncate(&mut self, mark: Mark) {
        self.rows.truncate(mark.rows);
        self.groups.truncate(mark.groups);
        self.wide.truncate(mark.wide);
    }

    /// Appends a line. Its component must be at most [`MAX_COMPONENT`] or
    /// [`PLAN_COMPONENT`], and its deal below `u32::MAX` (the evaluator checks both up front;
    /// anything else is stored as the plan component and as no deal).
    pub fn push(&mut self, line: &Line) {
        let trace = line.trace_at;
        let wide_len = self.wide.len();
        // The trace offset and the side-table indices this line might need, relative to the
        // current run; a new run when the line is not of it or they do not fit.
        let fits = |g: &Group| {
            g.payee == line.payee
                && g.period == line.period
                && (trace == NO_TRACE
                    || trace
                        .checked_sub(g.trace_base)
                        .is_some_and(|r| r < u64::from(NONE)))
                && wide_len - g.wide_base + 2 <= WIDE_PER_RUN
        };
        let group = match self.groups.last() {
            Some(g) if fits(g) => *g,
            _ => {
                let g = Group {
                    first: self.rows.len(),
                    payee: line.payee,
                    period: line.period,
                    trace_base: if trace == NO_TRACE { 0 } else { trace },
                    wide_base: wide_len,
                };
                self.groups.push(g);
                g
            }
        };
        let amount = match pack_inline(line.amount, AMOUNT) {
            Some(w) => w,
            None => {
                self.wide.push(line.amount);
                (((self.wide.len() - 1 - group.wide_base) as u64) << 1) | 1
            }
        };
        let share = match pack_inline(line.share, SHARE) {
            Some(w) => w as u32,
            None => {
                self.wide.push(line.share);
                (((self.wide.len() - 1 - group.wide_base) as u32) << 1) | 1
            }
        };
        let component = match line.component {
            PLAN_COMPONENT => PLAN_SLOT,
            c if c <= MAX_COMPONENT => c,
            _ => PLAN_SLOT,
        };
        self.rows.push(Row {
            amount: [amount as u32, (amount >> 32) as u32],
            deal: line.deal.unwrap_or(NONE),
            trace: if trace == NO_TRACE {
                NONE
            } else {
                (trace - group.trace_base) as u32
            },
            meta: component | (kind_code(line.kind) << 16) | (share << 19),
        });
    }

    /// Appends every line of `other`, whose trace offsets are relative to `trace_offset` in
    /// this table's trace store.
    pub fn append(&mut self, other: &LineTable, trace_offset: u64) {
        let (rows, wide) = (self.rows.len(), self.wide.len());
        self.rows.extend_from_slice(&other.rows);
        self.groups.extend(other.groups.iter().map(|g| Group {
            first: g.first + rows,
            trace_base: g.trace_base + trace_offset,
            wide_base: g.wide_base + wide,
            ..*g
        }));
        self.wide.extend_from_slice(&other.wide);
    }

    fn decode(&self, row: &Row, g: &Group) -> Line {
        let wide = |w: u64| {
            self.wide
                .get(g.wide_base + (w >> 1) as usize)
                .copied()
                .unwrap_or_default()
        };
        let dec = |w: u64, form: (u32, u32)| {
            if w & 1 == 0 {
                unpack_inline(w, form)
            } else {
                wide(w)
            }
        };
        let component = match row.meta & PLAN_SLOT {
            PLAN_SLOT => PLAN_COMPONENT,
            c => c,
        };
        let amount = u64::from(row.amount[0]) | (u64::from(row.amount[1]) << 32);
        Line {
            payee: g.payee,
            period: g.period,
            component,
            deal: (row.deal != NONE).then_some(row.deal),
            kind: kind_of((row.meta >> 16) & 7),
            share: dec(u64::from(row.meta >> 19), SHARE),
            amount: dec(amount, AMOUNT),
            trace_at: if row.trace == NONE {
                NO_TRACE
            } else {
                g.trace_base + u64::from(row.trace)
            },
        }
    }

    /// Index of the run that holds line `i`.
    fn group_of(&self, i: usize) -> Option<usize> {
        self.groups.partition_point(|g| g.first <= i).checked_sub(1)
    }

    /// Line `i`.
    pub fn get(&self, i: usize) -> Option<Line> {
        let row = self.rows.get(i)?;
        let g = self.groups.get(self.group_of(i)?)?;
        Some(self.decode(row, g))
    }

    /// Every line, in order.
    pub fn iter(&self) -> Lines<'_> {
        Lines {
            table: self,
            front: 0,
            back: self.rows.len(),
            group: 0,
        }
    }
}

/// The lines of a [`crate::results::Results`], in order, each decoded into a [`Line`]
/// ([`crate::results::Results::lines`]).
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    table: &'a LineTable,
    /// Next line from the front, and one past the next from the back.
    front: usize,
    back: usize,
    /// The run of line `front`, or one before it.
    group: usize,
}

impl Iterator for Lines<'_> {
    type Item = Line;

    #[inline]
    fn next(&mut self) -> Option<Line> {
        if self.front >= self.back {
            return None;
        }
        let t = self.table;
        let i = self.front;
        while t.groups.get(self.group + 1).is_some_and(|g| g.first <= i) {
            self.group += 1;
        }
        let line = t.decode(t.rows.get(i)?, t.groups.get(self.group)?);
        self.front += 1;
        Some(line)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back.saturating_sub(self.front);
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<Line> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.group = self.table.group_of(self.front).unwrap_or(0);
        self.next()
    }
}

impl DoubleEndedIterator for Lines<'_> {
    fn next_back(&mut self) -> Option<Line> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.table.get(self.back)
    }
}

impl ExactSizeIterator for Lines<'_> {}

impl std::iter::FusedIterator for Lines<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn line(payee: u32, period: u32, amount: Decimal, share: Decimal, trace_at: u64) -> Line {
        Line {
            payee,
            period,
            component: 3,
            deal: Some(7),
            kind: LineKind::Deal,
            share,
            amount,
            trace_at,
        }
    }

    fn same(a: &Line, b: &Line) -> bool {
        a.payee == b.payee
            && a.period == b.period
            && a.component == b.component
            && a.deal == b.deal
            && a.kind == b.kind
            && a.share.serialize() == b.share.serialize()
            && a.amount.serialize() == b.amount.serialize()
            && a.trace_at == b.trace_at
    }

    #[test]
    fn a_line_is_20_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 20);
    }

    #[test]
    fn round_trips_edge_values() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let mut neg_zero = d("0.00");
        neg_zero.set_sign_negative(true);
        let lines = [
            line(0, 0, d("12.34"), d("0.40"), 0),
            line(0, 0, neg_zero, d("1"), 5),
            line(0, 0, Decimal::MAX, Decimal::MIN, 9),
            line(
                0,
                1,
                d("0.0000000000000000000000000001"),
                d("255"),
                NO_TRACE,
            ),
            line(0, 1, d("72057594037927935"), d("256"), 40),
            line(
                0,
                1,
                d("72057594037927936"),
                d("-0.5"),
                u64::from(u32::MAX) + 100,
            ),
            Line {
                component: PLAN_COMPONENT,
                deal: None,
                kind: LineKind::Rounding,
                ..line(1, 1, d("-0.01"), d("1"), u64::MAX - 1)
            },
            Line {
                component: MAX_COMPONENT,
                kind: LineKind::FloorTopUp,
                ..line(1, 1, d("3"), d("1"), u64::MAX - 1)
            },
        ];
        let mut t = LineTable::default();
        for l in &lines {
            t.push(l);
        }
        assert_eq!(t.len(), lines.len());
        for (i, l) in lines.iter().enumerate() {
            assert!(same(&t.get(i).unwrap(), l), "line {i}");
        }
        let forward: Vec<Line> = t.iter().collect();
        let backward: Vec<Line> = t.iter().rev().collect();
        assert_eq!(forward.len(), lines.len());
        for (i, l) in lines.iter().enumerate() {
            assert!(same(&forward[i], l), "forward {i}");
            assert!(same(&backward[lines.len() - 1 - i], l), "backward {i}");
        }
        assert!(same(&t.iter().nth(5).unwrap(), &lines[5]));
        assert!(t.get(lines.len()).is_none());
        // Four values too large to pack went to the side table.
        assert_eq!(t.wide.len(), 4);
    }

    #[test]
    fn many_unpackable_values_in_one_payee_period_start_new_runs() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // 0.3333 (mantissa past 8 bits) and 0.00000001 (8 places) go to the side table.
        let shares = [d("0.3333"), d("0.00000001")];
        let lines: Vec<Line> = (0..5000u64)
            .map(|i| line(4, 2, d("1.25"), shares[(i % 2) as usize], i * 3))
            .collect();
        let mut t = LineTable::default();
        for l in &lines {
            t.push(l);
        }
        assert_eq!(t.wide.len(), 5000);
        assert_eq!(t.groups.len(), 2);
        for (i, l) in lines.iter().enumerate() {
            assert!(same(&t.get(i).unwrap(), l), "line {i}");
        }
        assert!(t.iter().zip(&lines).all(|(a, b)| same(&a, b)));
    }

    #[test]
    fn truncate_and_append_keep_lines_exact() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let mut a = LineTable::default();
        a.push(&line(0, 0, d("1.00"), d("1"), 0));
        let m = a.mark();
        a.push(&line(0, 1, Decimal::MAX, d("1"), 10));
        a.truncate(m);
        assert_eq!(a.len(), 1);
        assert!(a.wide.is_empty());
        let mut b = LineTable::default();
        b.push(&line(1, 0, Decimal::MIN, d("0.25"), 0));
        b.push(&line(1, 0, d("2.50"), d("0.25"), 12));
        a.append(&b, 100);
        let got: Vec<Line> = a.iter().collect();
        assert!(same(&got[0], &line(0, 0, d("1.00"), d("1"), 0)));
        assert!(same(&got[1], &line(1, 0, Decimal::MIN, d("0.25"), 100)));
        assert!(same(&got[2], &line(1, 0, d("2.50"), d("0.25"), 112)));
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28,
            0u8..4,
        )
            .prop_map(|(lo, mid, hi, neg, scale, width)| {
                // Mostly small mantissas (the packed forms), some of every width.
                let (mid, hi) = match width {
                    0 => (0, 0),
                    1 => (mid & 0xFF_FFFF, 0),
                    2 => (mid, 0),
                    _ => (mid, hi),
                };
                let mut d = Decimal::from_parts(lo, mid, hi, false, scale);
                d.set_sign_negative(neg);
                d
            })
    }

    proptest! {
        #[test]
        fn any_lines_round_trip(specs in prop::collection::vec(
            (0u32..3, 0u32..3, decimal(), decimal(), prop::option::of(0u64..u64::MAX - 1),
             prop::option::of(0u32..u32::MAX - 1), 0u32..6),
            0..60,
        )) {
            let mut payee_period = (0, 0);
            let mut lines = Vec::new();
            for (dp, dq, amount, share, trace, deal, comp) in specs {
                // Lines of one payee-period stay together, as in results.
                payee_period = (payee_period.0 + dp / 2, if dp / 2 > 0 { 0 } else { payee_period.1 + dq / 2 });
                lines.push(Line {
                    payee: payee_period.0,
                    period: payee_period.1,
                    component: if comp == 5 { PLAN_COMPONENT } else { comp },
                    deal,
                    kind: kind_of(comp),
                    share,
                    amount,
                    trace_at: trace.unwrap_or(NO_TRACE),
                });
            }
            let (half, rest) = lines.split_at(lines.len() / 2);
            let mut t = LineTable::default();
            for l in half {
                t.push(l);
            }
            let mut u = LineTable::default();
            for l in rest {
                u.push(&Line { trace_at: if l.trace_at == NO_TRACE { NO_TRACE } else { l.trace_at / 2 }, ..*l });
            }
            t.append(&u, 7);
            prop_assert_eq!(t.len(), lines.len());
            let got: Vec<Line> = t.iter().collect();
            for (i, l) in lines.iter().enumerate() {
                let want = if i < half.len() || l.trace_at == NO_TRACE {
                    *l
                } else {
                    Line { trace_at: l.trace_at / 2 + 7, ..*l }
                };
                prop_assert!(same(&got[i], &want), "line {}: {:?} != {:?}", i, got[i], want);
                prop_assert!(same(&t.get(i).unwrap(), &want), "get {}", i);
            }
        }
    }
}
