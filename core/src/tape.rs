//! The trace store: every line's trace written as a short byte record.
//!
//! A trace is mostly small exact decimals (a basis, tier bounds, rates, an unrounded value,
//! cap steps). Held as `Decimal`s in fixed structs they took about 300 bytes per W1 line, more
//! than the line itself; written here they take about 18. The record keeps every value
//! exactly (mantissa, scale and sign, so `-0.00` and `2.50` come back as written) and is
//! decoded into a [`Trace`] only when a line is explained or serialised.
//!
//! Encoding. A decimal is a head byte (the mantissa's length in bytes in bits 0–3, the sign in
//! bit 4, the scale in bits 5–7) then the mantissa's bytes, least significant first: 1 +
//! ⌈bits / 8⌉ bytes, `52368.34` in four. A scale above 7 or a mantissa of 2^64 or more (rare:
//! money has two to six places) is written wide: the head `0x0f`, a scale and sign byte, the
//! length, the bytes. Counts, indices and heads are LEB128. A record starts with a header
//! saying which optional parts follow and how long each list is (0, 1, 2, or 3 and more, the
//! rest written after the header), so a W1 line's header is one byte. Then come the basis,
//! rate, row and band when present, the tier slices, multipliers and gates, the unrounded
//! value, rounded value and rounding rule when they are written, the cap and floor steps, and
//! the team inputs; each list item starts with a head (its index, and which of its values are
//! written). A W1 line is then the header, the basis, a slice head and the slice's start, a cap
//! head and the cap's value (and a multiplier head for a new logo).
//!
//! What is written once. Facts that the plan states are not repeated per line: the record
//! refers to the [`Facts`] of the line's component (built from the compiled plan; the results
//! keep them next to the records): its version's rounding rule, its multipliers (where written,
//! and the factor when it is a literal), its gates' sources, and its tier bands' literal rates.
//! A line's value that equals such a fact is left out, anything else is written (a factor that
//! is an expression, a rule of another stage), and a line without facts (a plan-level line)
//! writes everything.
//!
//! What follows from the rest. Values that follow from others are left out when they do, and
//! written out otherwise, so decoding never guesses: a tier slice's amount when it is rate ×
//! width (its rate for a flat band), a slice's start when it is where the previous slice
//! ended, the last slice's end when it is the first slice's start + the basis (a line covers
//! `[C, C + basis)`; added as 64-bit mantissas, so only for such values), the unrounded value
//! when it is the slices' amounts added up (the basis × the rate without slices) times each
//! multiplier's factor in turn, the rounded value when it is the rounding rule applied to the
//! unrounded one, a cap step's starting value when it is where the previous step ended and its
//! end when the step changed nothing. "Is" means the same mantissa, scale and sign: the
//! encoder derives the value exactly as the decoder will and compares, so the decoded trace is
//! the one given, bit for bit.
//!
//! What is cut again. A line of a `graduated ... per deal` table on the amount whose rates are
//! all literals ([`Facts::per_deal`]) writes no slices at all: the header says so and the
//! reader cuts them from `[0, basis)` with the evaluator's own slicing
//! ([`graduated`]), which gives the same slices bit for bit. Such a line's record stays a
//! dozen bytes however many bands it crosses (1,000 bands over 250,000 deals wrote 250 million
//! slices, and held them as decoded slices while each payee's period was evaluated).
//!
//! The bytes are produced and read only by this module; a record that does not decode (which
//! would be a bug, or facts other than the ones it was written with) yields what was read so
//! far, never a panic.

use crate::eval::tiers::{graduated, UBand};
use crate::money::{Rounding, RoundingMode, RoundingStage};
use crate::plan::SourceRef;
use crate::results::types::{
    Accrued, Anchor, AssignmentShare, GateStep, Interpolation, LimitStep, MultiplierStep, Slice,
    TeamInput, TeamReport, Trace, TrueUp,
};
use rust_decimal::Decimal;

// The header (LEB128): the parts a W1 line has in its low seven bits, the rare ones above.
const H_BASIS: u32 = 1;
/// The line was rounded with its component's rule ([`Facts::rounding`]).
const H_RULE: u32 = 1 << 1;
/// Where each list's count code (0, 1, 2, or 3 for "3 + a written count") sits, in the order
/// the lists are written: slices, multipliers, gates, limit steps, team inputs.
const H_LISTS: [u32; 5] = [2, 6, 8, 4, 10];
const H_RATE: u32 = 1 << 12;
const H_ROW: u32 = 1 << 13;
const H_BAND: u32 = 1 << 14;
/// A rounding rule is written (not the component's).
const H_ROUNDING: u32 = 1 << 15;
/// The rounded value is written.
const H_ROUNDED: u32 = 1 << 16;
/// The unrounded value is written.
const H_UNROUNDED: u32 = 1 << 17;
/// The slices are not written: they are the ones [`graduated`] cuts from `[0, basis)` in the
/// component's per-deal table ([`Facts::per_deal`]).
const H_CUT: u32 = 1 << 18;
/// A true-up line's inputs ([`TrueUp`]) are written, last.
const H_TRUE_UP: u32 = 1 << 19;
/// Where an interpolated table was read ([`Interpolation`]) is written, after a true-up's
/// inputs.
const H_CURVE: u32 = 1 << 20;
/// An assignment line's share ([`AssignmentShare`]) is written, after where an interpolated
/// table was read.
const H_SHARE: u32 = 1 << 21;

// A tier slice's head: its band above these bits.
const S_AMOUNT: u64 = 1;
const S_FLAT: u64 = 1 << 1;
const S_RATE: u64 = 1 << 2;
const S_HI: u64 = 1 << 3;
const S_LO: u64 = 1 << 4;
const S_BAND: u32 = 5;
// A multiplier's head: its index in the component's multipliers above these bits.
const M_FACTOR: u64 = 1;
const M_SOURCE: u64 = 1 << 1;
// A gate's head: its index above these bits.
const G_PASS: u64 = 1;
const G_SOURCE: u64 = 1 << 1;
// A cap or floor step's head: the limit's index above these bits.
const L_BEFORE: u64 = 1;
const L_AFTER: u64 = 1 << 1;
/// Where a limit over a sequence stood ([`Accrued`]) is written: its total, and its paid
/// amount when that is not the lesser of the total and the limit's value ([`L_PAID`]).
const L_ACCRUED: u64 = 1 << 2;
const L_PAID: u64 = 1 << 3;
const L_LIMIT: u32 = 4;

/// Static facts of one component that its lines' records refer to instead of repeating
/// them (module docs). Built from the compiled plan; the same facts must be given to
/// [`encode`] and [`decode`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts {
    /// The rounding rule of the component's plan version.
    pub rounding: Rounding,
    /// The component's multipliers in plan order: where each is written, and its factor when
    /// that is a literal.
    pub mults: Vec<(SourceRef, Option<Decimal>)>,
    /// Where each of the component's gates is written.
    pub gates: Vec<SourceRef>,
    /// The rate (flat amount for a flat band) of each band of the component's tier table,
    /// when it is a literal.
    pub bands: Vec<Option<Decimal>>,
    /// The component's `graduated ... per deal` table on the amount, when every rate is a
    /// literal: its bands as the evaluator slices them and their key scale
    /// ([`per_deal_bands`](crate::eval::tiers::per_deal_bands)). A line of it writes no
    /// slices (a 1,000-band table would otherwise store 1,000 per deal): they are cut again
    /// from the line's basis when it is read.
    pub per_deal: Option<(Vec<UBand>, Option<u32>)>,
}

impl Facts {
    fn band(&self, band: u32) -> Option<Decimal> {
        self.bands.get(band as usize).copied().flatten()
    }
}

/// The head byte of a decimal in its wide form (a length no short head has).
const WIDE: u8 = 0x0f;

/// Writes one trace record's bytes (decimals, LEB128 counts, sources, rules) onto the end
/// of the trace store.
struct RecordWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl RecordWriter<'_> {
    #[inline]
    fn byte(&mut self, v: u8) {
        self.out.push(v);
    }

    /// LEB128 of `v`.
    #[inline]
    fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.byte((v as u8) | 0x80);
            v >>= 7;
        }
        self.byte(v as u8);
    }

    #[inline]
    fn u32(&mut self, v: u32) {
        self.u64(u64::from(v));
    }

    /// A decimal exactly: a head byte (the mantissa's length in bytes in bits 0–3, the sign
    /// in bit 4, the scale in bits 5–7), then the mantissa's bytes, least significant first.
    /// Built as nine bytes on the stack, appended whole and cut to length: one capacity check
    /// and no loop. A scale above 7 or a mantissa of 2^64 or more takes [`RecordWriter::wide_dec`].
    #[inline]
    fn dec(&mut self, d: Decimal) {
        let u = d.unpack();
        let low = u64::from(u.lo) | (u64::from(u.mid) << 32);
        if u.hi != 0 || u.scale > 7 {
            self.wide_dec(d);
            return;
        }
        let len = (64 - low.leading_zeros() as usize).div_ceil(8);
        let mut buf = [0u8; 9];
        buf[0] = len as u8 | (u8::from(u.negative) << 4) | ((u.scale as u8) << 5);
        buf[1..].copy_from_slice(&low.to_le_bytes());
        let at = self.out.len();
        self.out.extend_from_slice(&buf);
        self.out.truncate(at + 1 + len);
    }

    /// A decimal [`RecordWriter::dec`] cannot write in its short form: [`WIDE`], the scale and sign
    /// byte (scale in bits 0–4, sign in bit 5), the mantissa's length in bytes, its bytes.
    #[cold]
    #[inline(never)]
    fn wide_dec(&mut self, d: Decimal) {
        let u = d.unpack();
        let m = u128::from(u.lo) | (u128::from(u.mid) << 32) | (u128::from(u.hi) << 64);
        let len = (128 - m.leading_zeros() as usize).div_ceil(8);
        self.byte(WIDE);
        self.byte((u.scale & 0x1f) as u8 | (u8::from(u.negative) << 5));
        self.byte(len as u8);
        self.out
            .extend_from_slice(m.to_le_bytes().get(..len).unwrap_or(&[]));
    }

    fn source(&mut self, s: SourceRef) {
        self.u32(s.start);
        self.u32(s.end.wrapping_sub(s.start));
    }

    fn rounding(&mut self, r: Rounding) {
        let stage = STAGES.iter().position(|s| *s == r.stage).unwrap_or(0) as u8;
        self.byte(mode_code(r.mode) | (stage << 4));
        self.u32(r.scale);
    }
}

fn mode_code(m: RoundingMode) -> u8 {
    RoundingMode::ALL
        .iter()
        .position(|x| *x == m)
        .map(|i| i as u8)
        .unwrap_or(0)
}

const STAGES: [RoundingStage; 3] = [
    RoundingStage::Line,
    RoundingStage::Component,
    RoundingStage::Payout,
];

/// Equal values can differ in scale (2.5 and 2.50): only an identical value (same mantissa,
/// scale and sign) is left out.
#[inline]
pub(crate) fn identical(a: Decimal, b: Decimal) -> bool {
    u128::from_le_bytes(a.serialize()) == u128::from_le_bytes(b.serialize())
}

/// What a tier slice pays when its amount follows from the rest: the flat amount, or
/// rate × (hi − lo); `None` when that is not representable.
pub(crate) fn slice_amount(flat: bool, lo: Decimal, hi: Decimal, rate: Decimal) -> Option<Decimal> {
    if flat {
        Some(rate)
    } else {
        rate.checked_mul(hi.checked_sub(lo)?)
    }
}

/// A decimal's sign, scale and mantissa, when the mantissa fits 64 bits.
#[inline]
fn small(d: Decimal) -> Option<(bool, u32, u64)> {
    let u = d.unpack();
    (u.hi == 0).then_some((
        u.negative,
        u.scale,
        u64::from(u.lo) | (u64::from(u.mid) << 32),
    ))
}

/// Where a line that starts at `lo` and covers `basis` ends, when that is cheap to tell: both
/// of the same sign, the mantissas within 64 bits once brought to the larger scale and their
/// sum too (every money amount); the sum at that scale. `None` otherwise (the end is then
/// written). The decoder calls this; the encoder asks [`ends_at`], which compares the same.
#[inline]
fn end_of(lo: Decimal, basis: Decimal) -> Option<Decimal> {
    let (negative, scale, m) = end_parts(lo, basis)?;
    Some(Decimal::from_parts(
        m as u32,
        (m >> 32) as u32,
        0,
        negative,
        scale,
    ))
}

/// [`end_of`] as sign, scale and mantissa (`from_parts` makes a zero positive, so here too).
#[inline]
fn end_parts(lo: Decimal, basis: Decimal) -> Option<(bool, u32, u64)> {
    let (n1, s1, m1) = small(lo)?;
    let (n2, s2, m2) = small(basis)?;
    if n1 != n2 {
        return None;
    }
    let up = |m: u64, by: u32| m.checked_mul(*POW10.get(by as usize)?);
    let (scale, m) = if s1 >= s2 {
        (s1, m1.checked_add(up(m2, s1 - s2)?)?)
    } else {
        (s2, up(m1, s2 - s1)?.checked_add(m2)?)
    };
    Some((n1 && m != 0, scale, m))
}

/// `end_of(lo, basis)` is `hi`, identical (mantissa, scale and sign), compared as parts.
#[inline]
fn ends_at(lo: Decimal, basis: Decimal, hi: Decimal) -> bool {
    match (end_parts(lo, basis), small(hi)) {
        (Some(e), Some(h)) => e == h,
        _ => false,
    }
}

/// 10^0 ..= 10^19, every power of ten a `u64` holds.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// The unrounded value when it follows from the rest: the slices' amounts added up (without
/// slices, the basis × the rate), times each multiplier's factor in turn; `None` when there
/// is nothing to derive it from or a step is not representable. The encoder and the decoder
/// both call this, on the same values.
#[inline]
pub(crate) fn derived_unrounded(
    basis: Option<Decimal>,
    rate: Option<Decimal>,
    slices: &[Slice],
    mults: &[MultiplierStep],
) -> Option<Decimal> {
    // The shapes of most lines, inline (what the general loop below computes for them).
    match (slices, mults) {
        ([one], []) => Some(one.amount),
        ([one], [m]) => one.amount.checked_mul(m.factor),
        _ => derived_unrounded_slow(basis, rate, slices, mults),
    }
}

/// [`derived_unrounded`] with arithmetic.
#[inline(never)]
fn derived_unrounded_slow(
    basis: Option<Decimal>,
    rate: Option<Decimal>,
    slices: &[Slice],
    mults: &[MultiplierStep],
) -> Option<Decimal> {
    let mut v = match slices.split_first() {
        Some((first, rest)) => rest
            .iter()
            .try_fold(first.amount, |a, s| a.checked_add(s.amount))?,
        None => basis?.checked_mul(rate?)?,
    };
    for m in mults {
        v = v.checked_mul(m.factor)?;
    }
    Some(v)
}

/// What a limit over a sequence has usually paid of the lines before one: a cap the lesser
/// of their total and its value (exactly as the evaluator computes it), a floor their total
/// (the lesser too, since a floor that tops up stands below its value).
#[inline]
pub(crate) fn paid_of(total: Decimal, value: Decimal) -> Decimal {
    crate::exact::min(total, value)
}

/// What one line's trace is made of, as the evaluator holds it.
pub(crate) struct TraceParts<'a> {
    /// The static facts of the line's component (`None` for a plan-level line); [`decode`]
    /// must be given the same.
    pub facts: Option<&'a Facts>,
    pub basis: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub row: Option<u32>,
    pub band: Option<u32>,
    pub slices: &'a [Slice],
    /// The line's slices are the ones [`graduated`] cuts from `[0, basis)` in
    /// [`Facts::per_deal`] and were not gathered (`slices` is empty): none are written, the
    /// reader cuts them again.
    pub slices_cut: bool,
    /// The caller knows every slice's amount is its rate × (hi − lo) (its rate for a flat
    /// band), so the amounts need not be checked by multiplying again.
    pub slice_amounts_follow: bool,
    pub multipliers: &'a [MultiplierStep],
    pub gates: &'a [GateStep],
    pub unrounded: Decimal,
    pub rounded: Decimal,
    pub rounding: Option<Rounding>,
    /// The caller knows `rounded` is `rounding` applied to `unrounded` (or `unrounded` itself
    /// when there is no rounding), so it need not be written (nor checked by rounding again).
    pub rounded_by_rule: bool,
    /// The caller knows `unrounded` is what [`derived_unrounded`] gives for these slices and
    /// multipliers (it added the slices' amounts in order and applied the factors in turn,
    /// with the library's exact operations), so it need not be checked by computing it again.
    /// Only with at least one slice.
    pub unrounded_follows: bool,
    pub limits: &'a [LimitStep],
    /// The caller knows every limit step's accrued paid amount ([`Accrued::paid`]) is what
    /// [`paid_of`] gives for its total and the limit's value (a cap's step after the first of
    /// its sequence: the evaluator has just computed it so), so it need not be checked by
    /// comparing again.
    pub accrued_paid_follows: bool,
    pub team: &'a [RawTeam],
    /// The reports' parts of every team input ([`RawTeam::reports`] indexes it).
    pub team_reports: &'a [TeamReport],
    /// A true-up line's inputs.
    pub true_up: Option<TrueUp>,
    /// Where an interpolated table was read.
    pub interpolation: Option<Interpolation>,
    /// An assignment line's share of the period (by reference: most lines have none, and
    /// the parts are built for every line).
    pub share: Option<&'a AssignmentShare>,
}

/// A team commission input as the evaluator holds it: its reports are a range of a shared list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawTeam {
    pub source: SourceRef,
    pub value: Decimal,
    /// `start..end` in [`TraceParts::team_reports`].
    pub reports: (u32, u32),
}

/// `flag` when `on`, else 0.
#[inline(always)]
fn bit(on: bool, flag: u32) -> u32 {
    u32::from(on) * flag
}

/// Appends the record of one trace.
pub(crate) fn encode(out: &mut Vec<u8>, t: &TraceParts) {
    let mut writer = RecordWriter { out };
    let w = &mut writer;
    let facts = t.facts;
    let rounded_follows =
        t.rounded_by_rule || (t.rounding.is_none() && identical(t.rounded, t.unrounded));
    let unrounded_follows = (t.unrounded_follows && !t.slices.is_empty())
        || derived_unrounded(t.basis, t.rate, t.slices, t.multipliers)
            .is_some_and(|d| identical(d, t.unrounded));
    let counts = [
        t.slices.len(),
        t.multipliers.len(),
        t.gates.len(),
        t.limits.len(),
        t.team.len(),
    ];
    // Straight-line bit arithmetic: a loop over (condition, bit) pairs costs a stack array
    // and an iterator per record.
    let code = |n: usize| n.min(3) as u32;
    let mut head = code(counts[0]) << H_LISTS[0]
        | code(counts[1]) << H_LISTS[1]
        | code(counts[2]) << H_LISTS[2]
        | code(counts[3]) << H_LISTS[3]
        | code(counts[4]) << H_LISTS[4]
        | bit(t.basis.is_some(), H_BASIS)
        | bit(t.rate.is_some(), H_RATE)
        | bit(t.row.is_some(), H_ROW)
        | bit(t.band.is_some(), H_BAND)
        | bit(!rounded_follows, H_ROUNDED)
        | bit(!unrounded_follows, H_UNROUNDED)
        | bit(t.slices_cut, H_CUT)
        | bit(t.true_up.is_some(), H_TRUE_UP)
        | bit(t.interpolation.is_some(), H_CURVE)
        | bit(t.share.is_some(), H_SHARE);
    let rule = match t.rounding {
        Some(r) if facts.is_some_and(|f| f.rounding == r) => {
            head |= H_RULE;
            None
        }
        Some(r) => {
            head |= H_ROUNDING;
            Some(r)
        }
        None => None,
    };
    w.u32(head);
    for n in counts {
        if n >= 3 {
            w.u64((n - 3) as u64);
        }
    }
    if let Some(b) = t.basis {
        w.dec(b);
    }
    if let Some(r) = t.rate {
        w.dec(r);
    }
    if let Some(r) = t.row {
        w.u32(r);
    }
    if let Some(b) = t.band {
        w.u32(b);
    }
    let first_lo = t.slices.first().map(|s| s.lo);
    let mut prev_hi = None;
    for (k, s) in t.slices.iter().enumerate() {
        let amount_follows = t.slice_amounts_follow
            || slice_amount(s.flat, s.lo, s.hi, s.rate).is_some_and(|e| identical(e, s.amount));
        let lo_follows = prev_hi.is_some_and(|h| identical(h, s.lo));
        // Only the last slice can end at the line's end.
        let hi_follows = k + 1 == t.slices.len()
            && first_lo
                .zip(t.basis)
                .is_some_and(|(lo, b)| ends_at(lo, b, s.hi));
        let rate_follows = facts
            .and_then(|f| f.band(s.band))
            .is_some_and(|r| identical(r, s.rate));
        w.u64(
            u64::from(s.band) << S_BAND
                | u64::from(bit(!amount_follows, S_AMOUNT as u32))
                | u64::from(bit(s.flat, S_FLAT as u32))
                | u64::from(bit(!rate_follows, S_RATE as u32))
                | u64::from(bit(!hi_follows, S_HI as u32))
                | u64::from(bit(!lo_follows, S_LO as u32)),
        );
        if !lo_follows {
            w.dec(s.lo);
        }
        if !hi_follows {
            w.dec(s.hi);
        }
        if !rate_follows {
            w.dec(s.rate);
        }
        if !amount_follows {
            w.dec(s.amount);
        }
        prev_hi = Some(s.hi);
    }
    for m in t.multipliers {
        let known = facts.and_then(|f| {
            f.mults
                .iter()
                .position(|(src, _)| *src == m.source)
                .map(|k| (k, f.mults.get(k).and_then(|x| x.1)))
        });
        let factor_follows = known
            .and_then(|(_, lit)| lit)
            .is_some_and(|f| identical(f, m.factor));
        let mut h = (known.map_or(0, |(k, _)| k as u64)) << 2;
        if !factor_follows {
            h |= M_FACTOR;
        }
        if known.is_none() {
            h |= M_SOURCE;
        }
        w.u64(h);
        if !factor_follows {
            w.dec(m.factor);
        }
        if known.is_none() {
            w.source(m.source);
        }
    }
    for g in t.gates {
        let source_follows = facts.and_then(|f| f.gates.get(g.gate as usize)) == Some(&g.source);
        let mut h = u64::from(g.gate) << 2;
        if g.pass {
            h |= G_PASS;
        }
        if !source_follows {
            h |= G_SOURCE;
        }
        w.u64(h);
        if !source_follows {
            w.source(g.source);
        }
    }
    if !unrounded_follows {
        w.dec(t.unrounded);
    }
    if !rounded_follows {
        w.dec(t.rounded);
    }
    if let Some(r) = rule {
        w.rounding(r);
    }
    let mut running = t.rounded;
    for l in t.limits {
        let before_follows = identical(l.before, running);
        let after_follows = identical(l.after, l.before);
        let paid_follows = t.accrued_paid_follows
            || l.accrued
                .is_none_or(|a| identical(a.paid, paid_of(a.total, l.value)));
        let mut h = u64::from(l.limit) << L_LIMIT;
        if !before_follows {
            h |= L_BEFORE;
        }
        if !after_follows {
            h |= L_AFTER;
        }
        if l.accrued.is_some() {
            h |= L_ACCRUED;
        }
        if !paid_follows {
            h |= L_PAID;
        }
        w.u64(h);
        w.dec(l.value);
        if !before_follows {
            w.dec(l.before);
        }
        if !after_follows {
            w.dec(l.after);
        }
        if let Some(a) = l.accrued {
            w.dec(a.total);
            if !paid_follows {
                w.dec(a.paid);
            }
        }
        running = l.after;
    }
    for team in t.team {
        w.source(team.source);
        w.dec(team.value);
        let (start, end) = (team.reports.0 as usize, team.reports.1 as usize);
        let list = t.team_reports.get(start..end).unwrap_or(&[]);
        w.u64(list.len() as u64);
        for r in list {
            w.u32(r.payee);
            w.dec(r.amount);
        }
    }
    if let Some(u) = t.true_up {
        w.dec(u.year_to_date);
        w.dec(u.earlier);
        w.dec(u.this_period);
    }
    if let Some(c) = t.interpolation {
        for v in [c.key, c.lower.at, c.lower.value, c.upper.at, c.upper.value] {
            w.dec(v);
        }
    }
    if let Some(a) = t.share {
        for v in [a.full, a.assigned_days, a.fraction] {
            w.dec(v);
        }
        w.u32(a.of_days);
        w.u32(a.first);
        w.u32(a.count);
    }
}

/// Reads one trace record's bytes back, from a position in the trace store: the inverse of
/// [`RecordWriter`].
struct RecordReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl RecordReader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }
    fn uvar(&mut self) -> Option<u128> {
        let mut v: u128 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            v |= u128::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
            if shift > 126 {
                return None;
            }
        }
    }
    fn u64(&mut self) -> Option<u64> {
        u64::try_from(self.uvar()?).ok()
    }
    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uvar()?).ok()
    }
    fn count(&mut self) -> Option<usize> {
        // Each listed item takes at least one byte: a larger count is not a valid record.
        usize::try_from(self.uvar()?)
            .ok()
            .filter(|n| *n <= self.bytes.len())
    }
    fn dec(&mut self) -> Option<Decimal> {
        let head = self.byte()?;
        let (negative, scale, len) = if head == WIDE {
            let b = self.byte()?;
            (
                b & 0x20 != 0,
                u32::from(b & 0x1f),
                usize::from(self.byte()?),
            )
        } else {
            (
                head & 0x10 != 0,
                u32::from(head >> 5),
                usize::from(head & 0x0f),
            )
        };
        if len > 12 || (head != WIDE && len > 8) {
            return None;
        }
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        let m = bytes
            .iter()
            .rev()
            .fold(0u128, |m, b| (m << 8) | u128::from(*b));
        let mut d = Decimal::try_from_i128_with_scale(i128::try_from(m).ok()?, scale).ok()?;
        d.set_sign_negative(negative);
        Some(d)
    }
    fn source(&mut self) -> Option<SourceRef> {
        let start = self.u32()?;
        let len = self.u32()?;
        Some(SourceRef {
            start,
            end: start.wrapping_add(len),
        })
    }
    fn rounding(&mut self) -> Option<Rounding> {
        let b = self.byte()?;
        let mode = *RoundingMode::ALL.get(usize::from(b & 0x0f))?;
        let stage = *STAGES.get(usize::from(b >> 4))?;
        let scale = self.u32()?;
        Some(Rounding { mode, scale, stage })
    }
}

/// Decodes the record at `at` (an empty trace when there is none), with the facts it was
/// written with (those of the line's component).
pub(crate) fn decode(bytes: &[u8], at: u64, facts: Option<&Facts>) -> Trace {
    let mut t = Trace::default();
    if let Ok(at) = usize::try_from(at) {
        let mut r = RecordReader { bytes, at };
        // A record that stops short keeps what was read: see the module docs.
        let _ = read(&mut r, &mut t, facts);
    }
    t
}

fn read(r: &mut RecordReader, t: &mut Trace, facts: Option<&Facts>) -> Option<()> {
    let head = r.u32()?;
    let has = |bit: u32| head & bit != 0;
    let mut counts = [0usize; 5];
    for (n, shift) in counts.iter_mut().zip(H_LISTS) {
        *n = ((head >> shift) & 3) as usize;
        if *n == 3 {
            *n = r.count()?.checked_add(3)?;
        }
    }
    let [ns, nm, ng, nl, nt] = counts;
    if has(H_BASIS) {
        t.basis = Some(r.dec()?);
    }
    if has(H_RATE) {
        t.rate = Some(r.dec()?);
    }
    if has(H_ROW) {
        t.row = Some(r.u32()?);
    }
    if has(H_BAND) {
        t.band = Some(r.u32()?);
    }
    if has(H_CUT) {
        let (bands, scale) = facts?.per_deal.as_ref()?;
        let src = SourceRef::default();
        graduated(
            bands,
            *scale,
            Decimal::ZERO,
            t.basis?,
            false,
            src,
            Some(&mut t.slices),
        )
        .ok()?;
    }
    for k in 0..ns {
        let h = r.u64()?;
        let band = u32::try_from(h >> S_BAND).ok()?;
        let lo = if h & S_LO != 0 {
            r.dec()?
        } else {
            t.slices.last()?.hi
        };
        let hi = if h & S_HI != 0 {
            r.dec()?
        } else {
            let first = if k == 0 { lo } else { t.slices.first()?.lo };
            end_of(first, t.basis?)?
        };
        let rate = if h & S_RATE != 0 {
            r.dec()?
        } else {
            facts?.band(band)?
        };
        let flat = h & S_FLAT != 0;
        let amount = if h & S_AMOUNT != 0 {
            r.dec()?
        } else {
            slice_amount(flat, lo, hi, rate)?
        };
        t.slices.push(Slice {
            band,
            lo,
            hi,
            rate,
            flat,
            amount,
        });
    }
    for _ in 0..nm {
        let h = r.u64()?;
        let known = if h & M_SOURCE != 0 {
            None
        } else {
            Some(*facts?.mults.get(usize::try_from(h >> 2).ok()?)?)
        };
        let factor = if h & M_FACTOR != 0 {
            r.dec()?
        } else {
            known?.1?
        };
        let source = match known {
            Some((source, _)) => source,
            None => r.source()?,
        };
        t.multipliers.push(MultiplierStep { factor, source });
    }
    for _ in 0..ng {
        let h = r.u64()?;
        let gate = u32::try_from(h >> 2).ok()?;
        let source = if h & G_SOURCE != 0 {
            r.source()?
        } else {
            *facts?.gates.get(gate as usize)?
        };
        t.gates.push(GateStep {
            gate,
            pass: h & G_PASS != 0,
            source,
        });
    }
    t.unrounded = if has(H_UNROUNDED) {
        r.dec()?
    } else {
        derived_unrounded(t.basis, t.rate, &t.slices, &t.multipliers)?
    };
    let rounded = if has(H_ROUNDED) { Some(r.dec()?) } else { None };
    if has(H_RULE) {
        t.rounding = Some(facts?.rounding);
    } else if has(H_ROUNDING) {
        t.rounding = Some(r.rounding()?);
    }
    t.rounded = match (rounded, t.rounding) {
        (Some(v), _) => v,
        (None, Some(rule)) => rule.apply(t.unrounded)?,
        (None, None) => t.unrounded,
    };
    let mut running = t.rounded;
    for _ in 0..nl {
        let h = r.u64()?;
        let value = r.dec()?;
        let before = if h & L_BEFORE != 0 { r.dec()? } else { running };
        let after = if h & L_AFTER != 0 { r.dec()? } else { before };
        let accrued = if h & L_ACCRUED != 0 {
            let total = r.dec()?;
            let paid = if h & L_PAID != 0 {
                r.dec()?
            } else {
                paid_of(total, value)
            };
            Some(Accrued { total, paid })
        } else {
            None
        };
        running = after;
        t.limits.push(LimitStep {
            limit: u32::try_from(h >> L_LIMIT).ok()?,
            value,
            before,
            after,
            accrued,
        });
    }
    for _ in 0..nt {
        let source = r.source()?;
        let value = r.dec()?;
        let n = r.count()?;
        let mut reports = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let payee = r.u32()?;
            let amount = r.dec()?;
            reports.push(TeamReport { payee, amount });
        }
        t.team.push(TeamInput {
            source,
            value,
            reports,
        });
    }
    if has(H_TRUE_UP) {
        t.true_up = Some(TrueUp {
            year_to_date: r.dec()?,
            earlier: r.dec()?,
            this_period: r.dec()?,
        });
    }
    if has(H_CURVE) {
        let key = r.dec()?;
        let mut anchor = || -> Option<Anchor> {
            Some(Anchor {
                at: r.dec()?,
                value: r.dec()?,
            })
        };
        let (lower, upper) = (anchor()?, anchor()?);
        t.interpolation = Some(Interpolation { key, lower, upper });
    }
    if has(H_SHARE) {
        t.assignment = Some(AssignmentShare {
            full: r.dec()?,
            assigned_days: r.dec()?,
            fraction: r.dec()?,
            of_days: r.u32()?,
            first: r.u32()?,
            count: r.u32()?,
        });
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn round_trip(parts: &TraceParts) -> Trace {
        let mut bytes = vec![0xAA]; // a record need not start at 0
        encode(&mut bytes, parts);
        decode(&bytes, 1, parts.facts)
    }

    #[test]
    fn decimals_keep_scale_sign_and_the_full_mantissa() {
        for s in [
            "0",
            "0.00",
            "-0.00",
            "2.50",
            "-13860.58",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "-0.0000000000000000000000000001",
            "0.0000000000000000000000000000",
            "18446744073709551615",
            "18446744073709551616",
            "-1844674407370955161.6",
            "72057594037927935",
            "72057594037927936",
            "7.9228162514264337593543950335",
        ] {
            let mut b = vec![0xAA];
            RecordWriter { out: &mut b }.dec(d(s));
            assert!(b.len() <= 16, "{s}");
            let mut r = RecordReader { bytes: &b, at: 1 };
            let back = r.dec().unwrap_or_default();
            assert_eq!(back.serialize(), d(s).serialize(), "{s}");
            assert_eq!(r.at, b.len(), "{s}");
        }
    }

    #[test]
    fn a_full_trace_round_trips_and_derived_values_are_left_out() {
        let rule = Rounding {
            mode: RoundingMode::HalfEven,
            scale: 2,
            stage: RoundingStage::Line,
        };
        let slices = [
            Slice {
                band: 0,
                lo: d("0"),
                hi: d("100.5"),
                rate: d("0.02"),
                flat: false,
                amount: d("2.010"),
            },
            Slice {
                band: 3,
                lo: d("100.5"),
                hi: d("200"),
                rate: d("7"),
                flat: true,
                amount: d("7"),
            },
            // An amount that is not rate × width is written out.
            Slice {
                band: 4,
                lo: d("200"),
                hi: d("300"),
                rate: d("0.1"),
                flat: false,
                amount: d("9"),
            },
        ];
        let mults = [MultiplierStep {
            factor: d("1.2"),
            source: SourceRef { start: 10, end: 30 },
        }];
        let gates = [GateStep {
            gate: 1,
            pass: false,
            source: SourceRef { start: 5, end: 6 },
        }];
        let limits = [
            LimitStep {
                limit: 0,
                value: d("50.00"),
                before: d("18.03"),
                after: d("18.03"),
                accrued: None,
            },
            LimitStep {
                limit: 2,
                value: d("10"),
                before: d("99"),
                after: d("10"),
                // Paid the lesser of the total and the value: left out.
                accrued: Some(Accrued {
                    total: d("120.5"),
                    paid: d("10"),
                }),
            },
        ];
        let team_reports = [
            TeamReport {
                payee: 3,
                amount: d("12.5"),
            },
            TeamReport {
                payee: 7,
                amount: d("-1"),
            },
        ];
        let team = [RawTeam {
            source: SourceRef { start: 1, end: 2 },
            value: d("11.5"),
            reports: (0, 2),
        }];
        let parts = TraceParts {
            facts: None,
            basis: Some(d("100.50")),
            rate: Some(d("0.08")),
            row: Some(u32::MAX),
            band: Some(2),
            slices: &slices,
            slices_cut: false,
            slice_amounts_follow: false,
            multipliers: &mults,
            gates: &gates,
            unrounded: d("18.0256"),
            rounded: d("18.03"),
            rounding: Some(rule),
            rounded_by_rule: true,
            unrounded_follows: false,
            limits: &limits,
            accrued_paid_follows: false,
            team: &team,
            team_reports: &team_reports,
            true_up: None,
            interpolation: None,
            share: None,
        };
        let t = round_trip(&parts);
        assert_eq!(t.basis, Some(d("100.50")));
        assert_eq!(t.rate, Some(d("0.08")));
        assert_eq!((t.row, t.band), (Some(u32::MAX), Some(2)));
        assert_eq!(t.slices, slices.to_vec());
        assert_eq!(t.slices[0].amount.to_string(), "2.010");
        assert_eq!(t.multipliers, mults.to_vec());
        assert_eq!(t.gates, gates.to_vec());
        assert_eq!(t.unrounded.to_string(), "18.0256");
        assert_eq!(t.rounded.to_string(), "18.03");
        assert_eq!(t.rounding, Some(rule));
        assert_eq!(t.limits, limits.to_vec());
        assert_eq!(t.team.len(), 1);
        assert_eq!(t.team[0].value.to_string(), "11.5");
        assert_eq!(t.team[0].reports, team_reports.to_vec());
    }

    #[test]
    fn a_rounded_value_that_does_not_follow_is_written() {
        // A failed gate: rounded 0.00 whatever the unrounded value.
        let rule = Rounding {
            mode: RoundingMode::Up,
            scale: 2,
            stage: RoundingStage::Component,
        };
        let parts = TraceParts {
            facts: None,
            basis: None,
            rate: None,
            row: None,
            band: None,
            slices: &[],
            slices_cut: false,
            slice_amounts_follow: false,
            multipliers: &[],
            gates: &[],
            unrounded: d("5.001"),
            rounded: d("0.00"),
            rounding: Some(rule),
            rounded_by_rule: false,
            unrounded_follows: false,
            limits: &[],
            accrued_paid_follows: false,
            team: &[],
            team_reports: &[],
            true_up: None,
            interpolation: None,
            share: None,
        };
        let t = round_trip(&parts);
        assert_eq!(t.rounded.to_string(), "0.00");
        assert_eq!(t.unrounded.to_string(), "5.001");
        assert_eq!(t.rounding, Some(rule));
        assert!(t.slices.is_empty() && t.limits.is_empty() && t.team.is_empty());
    }

    #[test]
    fn truncated_or_missing_records_decode_to_what_was_read() {
        let mut bytes = Vec::new();
        encode(
            &mut bytes,
            &TraceParts {
                facts: None,
                basis: Some(d("1")),
                rate: None,
                row: None,
                band: None,
                slices: &[],
                slices_cut: false,
                slice_amounts_follow: false,
                multipliers: &[],
                gates: &[],
                unrounded: d("3"),
                rounded: d("3"),
                rounding: None,
                rounded_by_rule: false,
                unrounded_follows: false,
                limits: &[],
                accrued_paid_follows: false,
                team: &[],
                team_reports: &[],
                true_up: None,
                interpolation: None,
                share: None,
            },
        );
        let cut = &bytes[..bytes.len() - 1];
        let t = decode(cut, 0, None);
        assert_eq!(t.basis, Some(d("1")));
        assert_eq!(t.unrounded, Decimal::ZERO);
        assert_eq!(decode(&bytes, u64::MAX, None), Trace::default());
    }

    /// Every field of a trace, decimals as their exact bytes (mantissa, scale and sign), so
    /// `2.5` and `2.50`, `0` and `-0` differ.
    fn exact(t: &Trace) -> Vec<String> {
        let x = |d: Decimal| format!("{:?}", d.serialize());
        let ox = |d: Option<Decimal>| d.map(x);
        let mut v = vec![
            format!("basis {:?}", ox(t.basis)),
            format!("rate {:?}", ox(t.rate)),
            format!("row {:?} band {:?}", t.row, t.band),
        ];
        for s in &t.slices {
            v.push(format!(
                "slice {} {} {} {} {} {}",
                s.band,
                x(s.lo),
                x(s.hi),
                x(s.rate),
                s.flat,
                x(s.amount)
            ));
        }
        for m in &t.multipliers {
            v.push(format!("mult {} {:?}", x(m.factor), m.source));
        }
        for g in &t.gates {
            v.push(format!("gate {g:?}"));
        }
        v.push(format!("unrounded {}", x(t.unrounded)));
        v.push(format!("rounded {}", x(t.rounded)));
        v.push(format!("rounding {:?}", t.rounding));
        for l in &t.limits {
            v.push(format!(
                "limit {} {} {} {} {:?}",
                l.limit,
                x(l.value),
                x(l.before),
                x(l.after),
                l.accrued.map(|a| (x(a.total), x(a.paid)))
            ));
        }
        for team in &t.team {
            v.push(format!("team {:?} {}", team.source, x(team.value)));
            for r in &team.reports {
                v.push(format!("report {} {}", r.payee, x(r.amount)));
            }
        }
        if let Some(u) = t.true_up {
            v.push(format!(
                "true-up {} {} {}",
                x(u.year_to_date),
                x(u.earlier),
                x(u.this_period)
            ));
        }
        if let Some(c) = t.interpolation {
            v.push(format!(
                "interpolation {} {} {} {} {}",
                x(c.key),
                x(c.lower.at),
                x(c.lower.value),
                x(c.upper.at),
                x(c.upper.value)
            ));
        }
        if let Some(a) = t.assignment {
            v.push(format!(
                "assignment {} {} {} {} {} {}",
                x(a.full),
                x(a.assigned_days),
                a.of_days,
                x(a.fraction),
                a.first,
                a.count
            ));
        }
        v
    }

    /// The trace `parts` describe, built directly.
    fn expected(p: &TraceParts) -> Trace {
        Trace {
            basis: p.basis,
            rate: p.rate,
            row: p.row,
            band: p.band,
            slices: p.slices.to_vec(),
            multipliers: p.multipliers.to_vec(),
            gates: p.gates.to_vec(),
            unrounded: p.unrounded,
            rounded: p.rounded,
            rounding: p.rounding,
            limits: p.limits.to_vec(),
            team: p
                .team
                .iter()
                .map(|t| TeamInput {
                    source: t.source,
                    value: t.value,
                    reports: p
                        .team_reports
                        .get(t.reports.0 as usize..t.reports.1 as usize)
                        .unwrap_or(&[])
                        .to_vec(),
                })
                .collect(),
            true_up: p.true_up,
            interpolation: p.interpolation,
            assignment: p.share.copied(),
        }
    }

    fn src(start: u32, end: u32) -> SourceRef {
        SourceRef { start, end }
    }

    fn w1_facts() -> Facts {
        Facts {
            rounding: Rounding {
                mode: RoundingMode::HalfEven,
                scale: 2,
                stage: RoundingStage::Line,
            },
            mults: vec![(src(1480, 1520), Some(d("1.2"))), (src(1530, 1560), None)],
            gates: vec![src(900, 940)],
            bands: vec![Some(d("0.02")), Some(d("0.08")), None, Some(d("0.16"))],
            per_deal: None,
        }
    }

    /// A W1 line: the static facts and the derived values leave a basis, the slice's start
    /// and the cap's value, each written once.
    #[test]
    fn a_w1_line_writes_only_what_the_plan_does_not_say() {
        let f = w1_facts();
        let slices = [Slice {
            band: 1,
            lo: d("52368.34"),
            hi: d("67381.32"),
            rate: d("0.08"),
            flat: false,
            amount: d("1201.0384"),
        }];
        let mults = [MultiplierStep {
            factor: d("1.2"),
            source: src(1480, 1520),
        }];
        let unrounded = d("1441.24608");
        let limits = [LimitStep {
            limit: 0,
            value: d("51243.90"),
            before: d("1441.25"),
            after: d("1441.25"),
            accrued: Some(Accrued {
                total: d("2873.10"),
                paid: d("2873.10"),
            }),
        }];
        let parts = TraceParts {
            facts: Some(&f),
            basis: Some(d("15012.98")),
            rate: None,
            row: None,
            band: None,
            slices: &slices,
            slices_cut: false,
            slice_amounts_follow: true,
            multipliers: &mults,
            gates: &[],
            unrounded,
            rounded: f.rounding.apply(unrounded).unwrap_or_default(),
            rounding: Some(f.rounding),
            rounded_by_rule: true,
            unrounded_follows: false,
            limits: &limits,
            accrued_paid_follows: false,
            team: &[],
            team_reports: &[],
            true_up: None,
            interpolation: None,
            share: None,
        };
        let mut bytes = Vec::new();
        encode(&mut bytes, &parts);
        // Header; basis (a head and 3 bytes of mantissa); slice head, start (1 + 3);
        // multiplier head; cap head, value (1 + 3), the lines' total before it (1 + 3).
        assert_eq!(bytes.len(), 20, "{bytes:?}");
        let t = decode(&bytes, 0, Some(&f));
        assert_eq!(exact(&t), exact(&expected(&parts)));
        // Without the facts it was written with, a record decodes to what it can, no panic.
        let partial = decode(&bytes, 0, None);
        assert_eq!(partial.basis, Some(d("15012.98")));
        assert!(partial.slices.is_empty());
        // A caller that vouches for the unrounded value writes the same record, unchecked.
        let mut vouched = Vec::new();
        encode(
            &mut vouched,
            &TraceParts {
                unrounded_follows: true,
                ..parts
            },
        );
        assert_eq!(vouched, bytes);
        // Without slices there is nothing to derive it from: it is written whatever the flag.
        let bare = |unrounded_follows| {
            let mut b = Vec::new();
            encode(
                &mut b,
                &TraceParts {
                    slices: &[],
                    unrounded_follows,
                    ..parts
                },
            );
            b
        };
        assert_eq!(bare(true), bare(false));
        let t = decode(&bare(true), 0, Some(&f));
        assert_eq!(t.unrounded.serialize(), unrounded.serialize());
    }

    /// Each value that is not the plan's fact or does not follow is written, exactly.
    #[test]
    fn values_that_are_not_the_facts_are_written() {
        let f = w1_facts();
        let rule = f.rounding;
        let other_rules = [
            Rounding {
                stage: RoundingStage::Component,
                ..rule
            },
            Rounding { scale: 3, ..rule },
            Rounding {
                mode: RoundingMode::Up,
                ..rule
            },
        ];
        let slices = [
            Slice {
                band: 0,
                lo: d("-0.00"),
                hi: d("100"),
                rate: d("0.020"), // the band's 0.02, at another scale
                flat: false,
                amount: d("2.000"),
            },
            Slice {
                band: 2,        // a band whose rate is not a literal
                lo: d("100.0"), // not where the previous slice ended (scale)
                hi: d("150.5"),
                rate: d("0.08"),
                flat: false,
                amount: d("4.04"),
            },
            Slice {
                band: 9, // past the table
                lo: d("150.5"),
                hi: d("151"), // not lo + basis
                rate: d("3"),
                flat: true,
                amount: d("3"),
            },
        ];
        let mults = [
            MultiplierStep {
                factor: d("1.20"), // the literal at another scale
                source: src(1480, 1520),
            },
            MultiplierStep {
                factor: d("0.5"), // a factor that is an expression
                source: src(1530, 1560),
            },
            MultiplierStep {
                factor: d("2"),
                source: src(7, 8), // not a multiplier of the component
            },
        ];
        let gates = [
            GateStep {
                gate: 0,
                pass: true,
                source: src(900, 940),
            },
            GateStep {
                gate: 0,
                pass: false,
                source: src(900, 941),
            },
            GateStep {
                gate: 5,
                pass: true,
                source: src(1, 2),
            },
        ];
        let limits = [
            LimitStep {
                limit: 3,
                value: d("-0"),
                before: d("9.00"), // not the rounded value
                after: d("9.0"),   // changed scale: written
                // Not the lesser of the total and the value: written.
                accrued: Some(Accrued {
                    total: d("-0.00"),
                    paid: d("5"),
                }),
            },
            LimitStep {
                limit: u32::MAX,
                value: d("79228162514264337593543950335"),
                before: d("9.0"),
                after: d("9.0"),
                accrued: None,
            },
        ];
        for rounding in other_rules.into_iter().map(Some).chain([None]) {
            for facts in [Some(&f), None] {
                let parts = TraceParts {
                    facts,
                    basis: Some(d("51")),
                    rate: Some(d("-0.0000000000000000000000000001")),
                    row: Some(u32::MAX),
                    band: Some(0),
                    slices: &slices,
                    slices_cut: false,
                    slice_amounts_follow: false,
                    multipliers: &mults,
                    gates: &gates,
                    unrounded: d("9.0049999999999999999999999999"),
                    rounded: d("9.01"),
                    rounding,
                    rounded_by_rule: false,
                    unrounded_follows: false,
                    limits: &limits,
                    accrued_paid_follows: false,
                    team: &[],
                    team_reports: &[],
                    true_up: None,
                    interpolation: None,
                    share: None,
                };
                let t = round_trip(&parts);
                assert_eq!(exact(&t), exact(&expected(&parts)), "{rounding:?}");
            }
        }
    }

    /// A small deterministic generator (splitmix64) for the property test.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        /// A decimal: often a W1-like amount, sometimes extreme (a 96-bit mantissa, scale
        /// 28, negative zero).
        fn dec(&mut self) -> Decimal {
            const POOL: [&str; 12] = [
                "0",
                "0.00",
                "-0",
                "-0.00",
                "2.5",
                "2.50",
                "0.02",
                "1.2",
                "52368.34",
                "-13860.58",
                "79228162514264337593543950335",
                "-0.0000000000000000000000000001",
            ];
            if self.chance(30) {
                return d(POOL[self.below(POOL.len() as u64) as usize]);
            }
            let bits = [8u32, 24, 40, 64, 96][self.below(5) as usize];
            let m = (u128::from(self.next()) << 64 | u128::from(self.next())) >> (128 - bits);
            let scale = if self.chance(20) {
                28
            } else {
                self.below(29) as u32
            };
            let mut x = Decimal::from_i128_with_scale(m as i128, scale);
            x.set_sign_negative(self.chance(30));
            x
        }
        fn opt_dec(&mut self) -> Option<Decimal> {
            self.chance(70).then(|| self.dec())
        }
        fn source(&mut self) -> SourceRef {
            let start = self.below(1 << 20) as u32;
            src(start, start.wrapping_add(self.below(300) as u32))
        }
        fn rounding(&mut self) -> Rounding {
            Rounding {
                mode: RoundingMode::ALL[self.below(7) as usize],
                scale: self.below(29) as u32,
                stage: STAGES[self.below(3) as usize],
            }
        }
        fn facts(&mut self) -> Facts {
            Facts {
                rounding: self.rounding(),
                mults: (0..self.below(4))
                    .map(|_| (self.source(), self.opt_dec()))
                    .collect(),
                gates: (0..self.below(4)).map(|_| self.source()).collect(),
                bands: (0..self.below(5)).map(|_| self.opt_dec()).collect(),
                per_deal: None,
            }
        }
    }

    /// One random case: the facts, and lists whose values often follow from the facts or
    /// from one another (so every derived path is taken both ways).
    struct Case {
        facts: Option<Facts>,
        basis: Option<Decimal>,
        rate: Option<Decimal>,
        row: Option<u32>,
        band: Option<u32>,
        slices: Vec<Slice>,
        slices_follow: bool,
        mults: Vec<MultiplierStep>,
        gates: Vec<GateStep>,
        unrounded: Decimal,
        rounded: Decimal,
        rounding: Option<Rounding>,
        by_rule: bool,
        limits: Vec<LimitStep>,
        paid_follows: bool,
        team: Vec<RawTeam>,
        reports: Vec<TeamReport>,
        true_up: Option<TrueUp>,
        interpolation: Option<Interpolation>,
        share: Option<AssignmentShare>,
    }

    impl Case {
        fn new(g: &mut Gen) -> Case {
            let facts = g.chance(70).then(|| g.facts());
            let basis = g.opt_dec();
            let rate = g.opt_dec();
            let row = g.chance(20).then(|| g.next() as u32);
            let band = g.chance(20).then(|| g.below(6) as u32);
            let n = g.below(5) as usize;
            let mut slices: Vec<Slice> = Vec::new();
            for k in 0..n {
                let band = g.below(6) as u32;
                let lo = match slices.last() {
                    Some(p) if g.chance(60) => p.hi,
                    _ => g.dec(),
                };
                let first = slices.first().map_or(lo, |s| s.lo);
                let hi = match basis.and_then(|b| end_of(first, b)) {
                    Some(e) if k + 1 == n && g.chance(60) => e,
                    _ => g.dec(),
                };
                let rate = match facts.as_ref().and_then(|f| f.band(band)) {
                    Some(r) if g.chance(60) => r,
                    _ => g.dec(),
                };
                let flat = g.chance(30);
                let amount = match slice_amount(flat, lo, hi, rate) {
                    Some(a) if g.chance(70) => a,
                    _ => g.dec(),
                };
                slices.push(Slice {
                    band,
                    lo,
                    hi,
                    rate,
                    flat,
                    amount,
                });
            }
            let slices_follow = g.chance(50)
                && slices.iter().all(|s| {
                    slice_amount(s.flat, s.lo, s.hi, s.rate).is_some_and(|a| identical(a, s.amount))
                });
            let mults = (0..g.below(4))
                .map(|_| {
                    let known = facts
                        .as_ref()
                        .filter(|f| !f.mults.is_empty() && g.chance(70))
                        .and_then(|f| f.mults.get(g.below(f.mults.len() as u64) as usize));
                    let source = known.map_or_else(|| g.source(), |k| k.0);
                    let factor = match known.and_then(|k| k.1) {
                        Some(lit) if g.chance(60) => lit,
                        _ => g.dec(),
                    };
                    MultiplierStep { factor, source }
                })
                .collect::<Vec<_>>();
            let gates = (0..g.below(4))
                .map(|_| {
                    let gate = g.below(5) as u32;
                    let source = match facts.as_ref().and_then(|f| f.gates.get(gate as usize)) {
                        Some(s) if g.chance(70) => *s,
                        _ => g.source(),
                    };
                    GateStep {
                        gate,
                        pass: g.chance(50),
                        source,
                    }
                })
                .collect();
            let unrounded = match derived_unrounded(basis, rate, &slices, &mults) {
                Some(u) if g.chance(60) => u,
                _ => g.dec(),
            };
            let rounding = match g.below(3) {
                0 => None,
                1 => facts.as_ref().map(|f| f.rounding),
                _ => Some(g.rounding()),
            };
            // A value the rule cannot show at its scale is never "rounded by rule" (the engine
            // reports R0102 instead).
            let by_rule = g.chance(60) && rounding.is_none_or(|r| r.apply(unrounded).is_some());
            let rounded = match (by_rule, rounding) {
                (true, Some(r)) => r.apply(unrounded).unwrap_or(unrounded),
                (true, None) => unrounded,
                (false, _) if g.chance(30) => unrounded,
                (false, _) => g.dec(),
            };
            let mut running = rounded;
            let limits = (0..g.below(4))
                .map(|_| {
                    let before = if g.chance(60) { running } else { g.dec() };
                    let after = if g.chance(60) { before } else { g.dec() };
                    running = after;
                    let value = g.dec();
                    let accrued = g.chance(50).then(|| {
                        let total = g.dec();
                        let paid = if g.chance(60) {
                            paid_of(total, value)
                        } else {
                            g.dec()
                        };
                        Accrued { total, paid }
                    });
                    LimitStep {
                        limit: if g.chance(90) {
                            g.below(4) as u32
                        } else {
                            u32::MAX
                        },
                        value,
                        before,
                        after,
                        accrued,
                    }
                })
                .collect::<Vec<_>>();
            // Claimed only when true, as the evaluator does.
            let paid_follows = g.chance(50)
                && limits.iter().all(|l| {
                    l.accrued
                        .is_none_or(|a| identical(a.paid, paid_of(a.total, l.value)))
                });
            let mut reports = Vec::new();
            let team = (0..g.below(3))
                .map(|_| {
                    let start = reports.len() as u32;
                    for _ in 0..g.below(4) {
                        reports.push(TeamReport {
                            payee: g.next() as u32,
                            amount: g.dec(),
                        });
                    }
                    RawTeam {
                        source: g.source(),
                        value: g.dec(),
                        reports: (start, reports.len() as u32),
                    }
                })
                .collect();
            Case {
                facts,
                basis,
                rate,
                row,
                band,
                slices,
                slices_follow,
                mults,
                gates,
                unrounded,
                rounded,
                rounding,
                by_rule,
                limits,
                paid_follows,
                team,
                reports,
                true_up: g.chance(20).then(|| TrueUp {
                    year_to_date: g.dec(),
                    earlier: g.dec(),
                    this_period: g.dec(),
                }),
                interpolation: g.chance(20).then(|| Interpolation {
                    key: g.dec(),
                    lower: Anchor {
                        at: g.dec(),
                        value: g.dec(),
                    },
                    upper: Anchor {
                        at: g.dec(),
                        value: g.dec(),
                    },
                }),
                share: g.chance(20).then(|| AssignmentShare {
                    full: g.dec(),
                    assigned_days: g.dec(),
                    of_days: g.next() as u32,
                    fraction: g.dec(),
                    first: g.next() as u32,
                    count: g.below(4) as u32,
                }),
            }
        }

        fn parts(&self) -> TraceParts<'_> {
            TraceParts {
                facts: self.facts.as_ref(),
                basis: self.basis,
                rate: self.rate,
                row: self.row,
                band: self.band,
                slices: &self.slices,
                slices_cut: false,
                slice_amounts_follow: self.slices_follow,
                multipliers: &self.mults,
                gates: &self.gates,
                unrounded: self.unrounded,
                rounded: self.rounded,
                rounding: self.rounding,
                rounded_by_rule: self.by_rule,
                unrounded_follows: false,
                limits: &self.limits,
                accrued_paid_follows: self.paid_follows,
                team: &self.team,
                team_reports: &self.reports,
                true_up: self.true_up,
                interpolation: self.interpolation,
                share: self.share.as_ref(),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_000))]

        /// Any trace decodes to exactly what was encoded (records back to back, each read at
        /// its own start with its own facts); every cut of a record, and a record read with
        /// other facts, decodes without a panic.
        #[test]
        fn any_trace_decodes_to_exactly_what_was_encoded(seed in proptest::prelude::any::<u64>()) {
            let mut g = Gen(seed);
            let (a, b) = (Case::new(&mut g), Case::new(&mut g));
            let mut bytes = Vec::new();
            encode(&mut bytes, &a.parts());
            let at = bytes.len();
            encode(&mut bytes, &b.parts());
            proptest::prop_assert_eq!(
                exact(&decode(&bytes, 0, a.facts.as_ref())),
                exact(&expected(&a.parts()))
            );
            proptest::prop_assert_eq!(
                exact(&decode(&bytes, at as u64, b.facts.as_ref())),
                exact(&expected(&b.parts()))
            );
            for cut in 0..at {
                let _ = decode(&bytes[..cut], 0, a.facts.as_ref());
            }
            let _ = decode(&bytes, 0, b.facts.as_ref());
            let _ = decode(&bytes, 0, None);
        }

        /// The encoder's cheap test of a slice's end says what the decoder will derive.
        #[test]
        fn ends_at_is_end_of_identical(seed in proptest::prelude::any::<u64>()) {
            let mut g = Gen(seed);
            let (lo, basis) = (g.dec(), g.dec());
            let hi = match end_of(lo, basis) {
                Some(e) if g.chance(50) => e,
                Some(e) if g.chance(50) => -e,
                _ => g.dec(),
            };
            proptest::prop_assert_eq!(
                ends_at(lo, basis, hi),
                end_of(lo, basis).is_some_and(|e| identical(e, hi))
            );
        }

        /// Bytes that are no record decode to something, never a panic.
        #[test]
        fn garbage_never_panics(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            seed in proptest::prelude::any::<u64>(),
        ) {
            let f = Gen(seed).facts();
            let _ = decode(&bytes, 0, Some(&f));
            let _ = decode(&bytes, 0, None);
        }
    }
}
