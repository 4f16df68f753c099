//! The trace store: every line's trace written as a short byte record.
//!
//! A trace is mostly small exact decimals (a basis, tier bounds, rates, an unrounded value,
//! cap steps). Held as `Decimal`s in fixed structs they took about 300 bytes per W1 line, more
//! than the line itself; written here they take about 40. The record keeps every value
//! exactly (mantissa, scale and sign, so `-0.00` and `2.50` come back as written) and is
//! decoded into a [`Trace`] only when a line is explained or serialised.
//!
//! Encoding. A decimal is one byte (scale in bits 0–4, sign in bit 5) then its unsigned
//! 96-bit mantissa in LEB128. Counts and indices are LEB128. A record starts with a flag byte
//! saying which optional parts follow; values that follow from others are left out when they
//! do (a tier slice's amount when it is rate × width, the rounded value when it is the
//! rounding rule applied to the unrounded one, a cap step's starting value when it is where
//! the previous step ended), and written out otherwise, so decoding never guesses.
//!
//! The bytes are produced and read only by this module; a record that does not decode (which
//! would be a bug) yields what was read so far, never a panic.

use crate::money::{Rounding, RoundingMode, RoundingStage};
use crate::plan::SourceRef;
use crate::results::{GateStep, LimitStep, MultiplierStep, Slice, TeamInput, TeamReport, Trace};
use rust_decimal::Decimal;

const HAS_BASIS: u8 = 1;
const HAS_RATE: u8 = 1 << 1;
const HAS_ROW: u8 = 1 << 2;
const HAS_BAND: u8 = 1 << 3;
const HAS_ROUNDING: u8 = 1 << 4;
/// The rounded value is written (it is not the rounding rule applied to the unrounded value).
const HAS_ROUNDED: u8 = 1 << 5;
/// Lists follow (slices, multipliers, gates, limit steps, team inputs).
const HAS_LISTS: u8 = 1 << 6;

/// Appends LEB128 of `v`.
#[inline]
fn put_u64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends LEB128 of `v` (64-bit steps while they suffice).
#[inline]
fn put_uvar(out: &mut Vec<u8>, v: u128) {
    match u64::try_from(v) {
        Ok(small) => put_u64(out, small),
        Err(_) => {
            let mut v = v;
            while v >= 0x80 {
                out.push((v as u8) | 0x80);
                v >>= 7;
            }
            out.push(v as u8);
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    put_uvar(out, u128::from(v));
}

/// Appends a decimal exactly: scale and sign byte, then the mantissa.
#[inline]
pub(crate) fn put_dec(out: &mut Vec<u8>, d: Decimal) {
    // Built on the stack and appended whole (a fixed-size copy, not a call), then cut to
    // length: one capacity check per decimal, not per byte. A 96-bit mantissa takes at
    // most 14 LEB128 bytes, so 16 bytes always suffice.
    let at = out.len();
    let mut buf = [0u8; 16];
    buf[0] = (d.scale() as u8) | (u8::from(d.is_sign_negative()) << 5);
    let mut v = d.mantissa().unsigned_abs();
    let mut n = 1;
    while v >= 0x80 && n < 15 {
        buf[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    out.extend_from_slice(&buf);
    out.truncate(at + n + 1);
}

fn put_source(out: &mut Vec<u8>, s: SourceRef) {
    put_u32(out, s.start);
    put_u32(out, s.end.wrapping_sub(s.start));
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

fn put_rounding(out: &mut Vec<u8>, r: Rounding) {
    let stage = STAGES.iter().position(|s| *s == r.stage).unwrap_or(0) as u8;
    out.push(mode_code(r.mode) | (stage << 4));
    put_u32(out, r.scale);
}

/// Equal values can differ in scale (2.5 and 2.50): only an identical value (same bytes:
/// mantissa, scale and sign) is left out.
#[inline]
fn identical(a: Decimal, b: Decimal) -> bool {
    a.serialize() == b.serialize()
}

/// What a tier slice pays when its amount follows from the rest: the flat amount, or
/// rate × (hi − lo); `None` when that is not representable.
fn slice_amount(flat: bool, lo: Decimal, hi: Decimal, rate: Decimal) -> Option<Decimal> {
    if flat {
        Some(rate)
    } else {
        rate.checked_mul(hi.checked_sub(lo)?)
    }
}

/// What one line's trace is made of, as the evaluator holds it.
pub(crate) struct TraceParts<'a> {
    pub basis: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub row: Option<u32>,
    pub band: Option<u32>,
    pub slices: &'a [Slice],
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
    pub limits: &'a [LimitStep],
    pub team: &'a [RawTeam],
    /// The reports' parts of every team input ([`RawTeam::reports`] indexes it).
    pub team_reports: &'a [TeamReport],
}

/// A team commission input as the evaluator holds it: its reports are a range of a shared list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawTeam {
    pub source: SourceRef,
    pub value: Decimal,
    /// `start..end` in [`TraceParts::team_reports`].
    pub reports: (u32, u32),
}

/// Appends the record of one trace.
pub(crate) fn encode(out: &mut Vec<u8>, t: &TraceParts) {
    let rounded_follows =
        t.rounded_by_rule || (t.rounding.is_none() && identical(t.rounded, t.unrounded));
    let lists = !(t.slices.is_empty()
        && t.multipliers.is_empty()
        && t.gates.is_empty()
        && t.limits.is_empty()
        && t.team.is_empty());
    let mut flags = 0u8;
    for (on, bit) in [
        (t.basis.is_some(), HAS_BASIS),
        (t.rate.is_some(), HAS_RATE),
        (t.row.is_some(), HAS_ROW),
        (t.band.is_some(), HAS_BAND),
        (t.rounding.is_some(), HAS_ROUNDING),
        (!rounded_follows, HAS_ROUNDED),
        (lists, HAS_LISTS),
    ] {
        if on {
            flags |= bit;
        }
    }
    out.push(flags);
    if let Some(b) = t.basis {
        put_dec(out, b);
    }
    if let Some(r) = t.rate {
        put_dec(out, r);
    }
    if let Some(r) = t.row {
        put_u32(out, r);
    }
    if let Some(b) = t.band {
        put_u32(out, b);
    }
    put_dec(out, t.unrounded);
    if !rounded_follows {
        put_dec(out, t.rounded);
    }
    if let Some(r) = t.rounding {
        put_rounding(out, r);
    }
    if !lists {
        return;
    }
    for n in [
        t.slices.len(),
        t.multipliers.len(),
        t.gates.len(),
        t.limits.len(),
        t.team.len(),
    ] {
        put_uvar(out, n as u128);
    }
    for s in t.slices {
        let amount_follows = t.slice_amounts_follow
            || slice_amount(s.flat, s.lo, s.hi, s.rate).is_some_and(|e| identical(e, s.amount));
        put_uvar(
            out,
            (u128::from(s.band) << 2) | (u128::from(s.flat) << 1) | u128::from(!amount_follows),
        );
        put_dec(out, s.lo);
        put_dec(out, s.hi);
        put_dec(out, s.rate);
        if !amount_follows {
            put_dec(out, s.amount);
        }
    }
    for m in t.multipliers {
        put_dec(out, m.factor);
        put_source(out, m.source);
    }
    for g in t.gates {
        put_uvar(out, (u128::from(g.gate) << 1) | u128::from(g.pass));
        put_source(out, g.source);
    }
    let mut running = t.rounded;
    for l in t.limits {
        let before_follows = identical(l.before, running);
        put_uvar(
            out,
            (u128::from(l.limit) << 1) | u128::from(!before_follows),
        );
        put_dec(out, l.value);
        if !before_follows {
            put_dec(out, l.before);
        }
        put_dec(out, l.after);
        running = l.after;
    }
    for team in t.team {
        put_source(out, team.source);
        put_dec(out, team.value);
        let (start, end) = (team.reports.0 as usize, team.reports.1 as usize);
        let list = t.team_reports.get(start..end).unwrap_or(&[]);
        put_uvar(out, list.len() as u128);
        for r in list {
            put_u32(out, r.payee);
            put_dec(out, r.amount);
        }
    }
}

/// Reads records written by [`encode`].
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
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
        let m = i128::try_from(self.uvar()?).ok()?;
        let mut d = Decimal::try_from_i128_with_scale(m, u32::from(head & 0x1f)).ok()?;
        d.set_sign_negative(head & 0x20 != 0);
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

/// Decodes the record at `at` (an empty trace when there is none).
pub(crate) fn decode(bytes: &[u8], at: u64) -> Trace {
    let mut t = Trace::default();
    if let Ok(at) = usize::try_from(at) {
        let mut r = Reader { bytes, at };
        // A record that stops short keeps what was read: see the module docs.
        let _ = read(&mut r, &mut t);
    }
    t
}

fn read(r: &mut Reader, t: &mut Trace) -> Option<()> {
    let flags = r.byte()?;
    let has = |bit: u8| flags & bit != 0;
    if has(HAS_BASIS) {
        t.basis = Some(r.dec()?);
    }
    if has(HAS_RATE) {
        t.rate = Some(r.dec()?);
    }
    if has(HAS_ROW) {
        t.row = Some(r.u32()?);
    }
    if has(HAS_BAND) {
        t.band = Some(r.u32()?);
    }
    t.unrounded = r.dec()?;
    let rounded = if has(HAS_ROUNDED) {
        Some(r.dec()?)
    } else {
        None
    };
    if has(HAS_ROUNDING) {
        t.rounding = Some(r.rounding()?);
    }
    t.rounded = match (rounded, t.rounding) {
        (Some(v), _) => v,
        (None, Some(rule)) => rule.apply(t.unrounded),
        (None, None) => t.unrounded,
    };
    if !has(HAS_LISTS) {
        return Some(());
    }
    let (ns, nm, ng, nl, nt) = (r.count()?, r.count()?, r.count()?, r.count()?, r.count()?);
    for _ in 0..ns {
        let head = r.uvar()?;
        let (lo, hi, rate) = (r.dec()?, r.dec()?, r.dec()?);
        let flat = head & 2 != 0;
        let amount = if head & 1 != 0 {
            r.dec()?
        } else {
            slice_amount(flat, lo, hi, rate)?
        };
        t.slices.push(Slice {
            band: u32::try_from(head >> 2).ok()?,
            lo,
            hi,
            rate,
            flat,
            amount,
        });
    }
    for _ in 0..nm {
        let factor = r.dec()?;
        let source = r.source()?;
        t.multipliers.push(MultiplierStep { factor, source });
    }
    for _ in 0..ng {
        let head = r.uvar()?;
        let source = r.source()?;
        t.gates.push(GateStep {
            gate: u32::try_from(head >> 1).ok()?,
            pass: head & 1 != 0,
            source,
        });
    }
    let mut running = t.rounded;
    for _ in 0..nl {
        let head = r.uvar()?;
        let value = r.dec()?;
        let before = if head & 1 != 0 { r.dec()? } else { running };
        let after = r.dec()?;
        running = after;
        t.limits.push(LimitStep {
            limit: u32::try_from(head >> 1).ok()?,
            value,
            before,
            after,
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
        decode(&bytes, 1)
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
            "-0.0000000000000000000000000001",
        ] {
            let mut b = Vec::new();
            put_dec(&mut b, d(s));
            let mut r = Reader { bytes: &b, at: 0 };
            let back = r.dec().unwrap_or_default();
            assert_eq!(back.to_string(), d(s).to_string(), "{s}");
            assert_eq!(back.is_sign_negative(), d(s).is_sign_negative(), "{s}");
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
            },
            LimitStep {
                limit: 2,
                value: d("10"),
                before: d("99"),
                after: d("10"),
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
            basis: Some(d("100.50")),
            rate: Some(d("0.08")),
            row: Some(u32::MAX),
            band: Some(2),
            slices: &slices,
            slice_amounts_follow: false,
            multipliers: &mults,
            gates: &gates,
            unrounded: d("18.0256"),
            rounded: d("18.03"),
            rounding: Some(rule),
            rounded_by_rule: true,
            limits: &limits,
            team: &team,
            team_reports: &team_reports,
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
            basis: None,
            rate: None,
            row: None,
            band: None,
            slices: &[],
            slice_amounts_follow: false,
            multipliers: &[],
            gates: &[],
            unrounded: d("5.001"),
            rounded: d("0.00"),
            rounding: Some(rule),
            rounded_by_rule: false,
            limits: &[],
            team: &[],
            team_reports: &[],
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
                basis: Some(d("1")),
                rate: None,
                row: None,
                band: None,
                slices: &[],
                slice_amounts_follow: false,
                multipliers: &[],
                gates: &[],
                unrounded: d("3"),
                rounded: d("3"),
                rounding: None,
                rounded_by_rule: false,
                limits: &[],
                team: &[],
                team_reports: &[],
            },
        );
        let cut = &bytes[..bytes.len() - 1];
        let t = decode(cut, 0);
        assert_eq!(t.basis, Some(d("1")));
        assert_eq!(t.unrounded, Decimal::ZERO);
        assert_eq!(decode(&bytes, u64::MAX), Trace::default());
    }
}
