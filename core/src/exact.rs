//! Exact decimal arithmetic ([`add`], [`sub`], [`mul`], [`div`]: the exact result, the
//! documented full-precision rounding of docs/language.md §11.2, or `None`), and fast paths
//! for the decimal operations of the evaluator's hot loop.
//!
//! `rust_decimal` works on a 96-bit mantissa split into three 32-bit words, which makes every
//! add, multiply, compare and rounding a small loop. Nearly every value a plan meets (money
//! with two places, rates, bounds) has a mantissa far below 2^96, so each operation here
//! first tries plain `i128` arithmetic on the mantissas and hands anything it cannot decide
//! exactly (a zero, whose sign the library tracks; a result past 96 bits or 28 places) back
//! to `rust_decimal`. A fast result is the same value with the same scale that the library
//! returns, bit for bit: the tests below check that for random operands.

use crate::money::mode::RoundingMode;
use num_bigint::BigInt;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// 10^k for k = 0..=18, the powers that fit in `i64`.
const POW10: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut k = 1;
    while k < 19 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// The mantissa of `d` when it fits in `i64` (it nearly always does).
#[inline]
fn small(d: Decimal) -> Option<i64> {
    i64::try_from(d.mantissa()).ok()
}

/// A decimal from a non-zero mantissa and a scale of at most 28, when it fits in 96 bits.
#[inline]
fn make(m: i128, scale: u32) -> Option<Decimal> {
    let u = m.unsigned_abs();
    if m == 0 || u >> 96 != 0 || scale > 28 {
        return None;
    }
    Some(Decimal::from_parts(
        u as u32,
        (u >> 32) as u32,
        (u >> 64) as u32,
        m < 0,
        scale,
    ))
}

/// Mantissas of `a` and `b` brought to the larger of their scales (each below 2^123, so
/// their sum, difference and order are exact in `i128`).
#[inline]
fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (i128::from(small(a)?), i128::from(small(b)?));
    let s = sa.max(sb);
    let pa = i128::from(*POW10.get((s - sa) as usize)?);
    let pb = i128::from(*POW10.get((s - sb) as usize)?);
    Some((ma * pa, mb * pb, s))
}

/// Numeric order of `a` and `b` (as `Ord for Decimal`: `2.5 == 2.50`, `-0 == 0`).
#[inline]
pub(crate) fn cmp(a: Decimal, b: Decimal) -> Ordering {
    match aligned(a, b) {
        Some((x, y, _)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// The mantissa of `x` at `scale` (at least `x`'s own), when it fits in `i64`: keys at one
/// scale order as their decimals do.
#[inline]
pub(crate) fn key_at(x: Decimal, scale: u32) -> Option<i64> {
    let up = *POW10.get(scale.checked_sub(x.scale())? as usize)?;
    small(x)?.checked_mul(up)
}

#[inline]
pub(crate) fn lt(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) == Ordering::Less
}
#[inline]
pub(crate) fn le(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) != Ordering::Greater
}
/// The smaller of `a` and `b`; `a` when they are equal (as [`Decimal::min`]).
#[inline]
pub(crate) fn min(a: Decimal, b: Decimal) -> Decimal {
    if lt(b, a) {
        b
    } else {
        a
    }
}
/// The larger of `a` and `b`; `a` when they are equal (as [`Decimal::max`], unlike
/// [`Ord::max`]).
#[inline]
pub(crate) fn max(a: Decimal, b: Decimal) -> Decimal {
    if lt(a, b) {
        b
    } else {
        a
    }
}

// ---------------------------------------------------------------------------------------
// Exact arithmetic. `rust_decimal`'s checked operations return `None` only when the integer
// part overflows: a result whose mantissa needs more than 96 bits at its scale is rounded
// quietly to fewer places (79228162514264337593543950335 × 5% gives ...516.8, not ...516.75).
// These wrappers keep the library's result when it is the exact value, and refuse it (`None`,
// which the evaluator reports as `R0102`) when the exact value fits in 28 places but not in
// 96 bits. Only what docs/language.md §11.2 documents is still rounded: a product or quotient
// that needs more than 28 places (or does not terminate) keeps the library's full precision.
// Operands whose mantissas fit in `i64` are decided in `i128`; wider ones take `BigInt`.

/// The mantissa and scale of `d` as a wide integer and a power of ten.
fn wide(d: Decimal) -> (BigInt, u32) {
    (BigInt::from(d.mantissa()), d.scale())
}

fn pow10_big(k: u32) -> BigInt {
    BigInt::from(10u32).pow(k)
}

/// True when `d` is exactly `m / 10^s`.
fn is_value(d: Decimal, m: &BigInt, s: u32) -> bool {
    let (dm, ds) = wide(d);
    if ds <= s {
        dm * pow10_big(s - ds) == *m
    } else {
        m * pow10_big(ds - s) == dm
    }
}

/// The decimal places `m / 10^s` needs (`s` less its trailing zeros).
fn places(m: &BigInt, mut s: u32) -> u32 {
    let ten = BigInt::from(10u32);
    let zero = BigInt::from(0u32);
    let mut m = m.clone();
    while s > 0 && m != zero && (&m % &ten) == zero {
        m /= &ten;
        s -= 1;
    }
    s
}

/// The library's `r` when it is the exact `m / 10^s`; else `Some(r)` only when the exact value
/// needs more than 28 places (the documented rounding of §11.2), `None` when it fits in 28
/// places but not in 96 bits.
fn exact_or_documented(r: Decimal, m: &BigInt, s: u32) -> Option<Decimal> {
    if is_value(r, m, s) || places(m, s) > 28 {
        Some(r)
    } else {
        None
    }
}

/// `r`, the library's `a + b` (`a - b` when `minus`), when it is the exact value: at the larger
/// of the two scales when it fits there (a sum of amounts at two places shows two places), or
/// with trailing zeros dropped; a sum never needs more places than its operands, so it is
/// exact or it cannot be held.
fn exact_sum(r: Decimal, a: Decimal, b: Decimal, minus: bool, relax: bool) -> Option<Decimal> {
    // `relax`: also the library's sum at full precision for an operand at full precision,
    // and an exact sum with trailing zeros dropped down to the smaller scale; else only the
    // exact sum at the larger scale (totals of lines at the plan's scale).
    // A zero operand: the library returns the other one as it is (its scale too).
    if a.is_zero() || b.is_zero() {
        return Some(r);
    }
    if let Some((x, y, _)) = aligned(a, b) {
        // Both mantissas in i64: the aligned result is exact in i128, and the library returns
        // it unrounded whenever it fits in 96 bits.
        let v = if minus { x - y } else { x + y };
        if v.unsigned_abs() >> 96 == 0 {
            return Some(r);
        }
    }
    if relax && (at_full_precision(a) || at_full_precision(b)) {
        return Some(r);
    }
    let ((ma, sa), (mb, sb)) = (wide(a), wide(b));
    let s = sa.max(sb);
    let (x, y) = (ma * pow10_big(s - sa), mb * pow10_big(s - sb));
    let v = if minus { x - y } else { x + y };
    // The exact value, at the larger scale when it fits there; else with fewer places when
    // only trailing zeros were dropped (3.020000000000000000000000 + 81337.4401120512).
    // With `relax`, fewer places than the larger scale are fine when they are still at least
    // the smaller one: 3.020000000000000000000000 (24 places) + 81337.4401120512 (10) is
    // 81340.4601120512; two amounts at 2 places never sum to 1 place.
    let kept = r.scale() == s || (relax && r.scale() >= sa.min(sb));
    (kept && is_value(r, &v, s)).then_some(r)
}

/// True when `d` is the trace of a documented inexact step (§11.2: a quotient that does not
/// terminate, a product needing more than 28 places), whose result the library keeps at
/// (nearly) full precision: 27 or 28 decimal places, or more than 4 places with 26
/// significant digits or more. Such a value is already an approximation, so a sum or product
/// with it is computed at full precision too (rounding to nearest) instead of being refused
/// for not being exact. Amounts (at most 4 places) stay exact however large: a sum or
/// product of them is exact or `R0102`; and the roundings the plan asks for reach their scale
/// or are `R0102`.
#[inline]
pub fn at_full_precision(d: Decimal) -> bool {
    d.scale() >= 27
        || (d.scale() > 4 && d.mantissa().unsigned_abs() >= 10_000_000_000_000_000_000_000_000)
}

/// `a + b`, exact; `None` when the sum cannot be held (more than 96 bits at its scale). With
/// an operand [`at_full_precision`], the library's sum at full precision.
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_sum(a.checked_add(b)?, a, b, false, true)
}

/// `a + b`, exact whatever the operands (no full-precision rounding): the sum of amounts at
/// the plan's scale, as a total of rounded lines is, is that sum at that scale or `None`.
pub fn add_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_sum(a.checked_add(b)?, a, b, false, false)
}

/// `a - b`, exact; `None` when the difference cannot be held.
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_sum(a.checked_sub(b)?, a, b, true, true)
}

/// `a × b`: exact, or (§11.2) the library's full precision when the product needs more than
/// 28 places or an operand is [`at_full_precision`]; `None` when it fits in 28 places but not
/// in 96 bits.
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let r = a.checked_mul(b)?;
    let s = a.scale() + b.scale();
    if let (Some(x), Some(y)) = (small(a), small(b)) {
        let p = i128::from(x) * i128::from(y);
        if s <= 28 && p.unsigned_abs() >> 96 == 0 {
            return Some(r);
        }
    }
    if at_full_precision(a) || at_full_precision(b) {
        return Some(r);
    }
    let ((ma, _), (mb, _)) = (wide(a), wide(b));
    exact_or_documented(r, &(ma * mb), s)
}

/// `a / b` for `b ≠ 0`: exact when the quotient terminates within 28 places, `None` when that
/// exact quotient does not fit in 96 bits; a quotient that does not terminate (or needs more
/// than 28 places) keeps the library's full precision (§11.2).
pub fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
    let r = a.checked_div(b)?;
    // r is exact when r × b = a: in i128 when every mantissa fits in i64 (the usual case).
    if let (Some(x), Some(y), Some(z)) = (small(r), small(b), small(a)) {
        let up = (r.scale() + b.scale()).checked_sub(a.scale());
        let az = up.and_then(|k| i128::from(z).checked_mul(i128::from(*POW10.get(k as usize)?)));
        if az == Some(i128::from(x) * i128::from(y)) {
            return Some(r);
        }
    }
    let ((ma, sa), (mb, sb)) = (wide(a), wide(b));
    let (mr, sr) = wide(r);
    if is_value(a, &(mr * &mb), sr + sb) {
        return Some(r);
    }
    // a / b = ma × 10^sb / (mb × 10^sa): it has at most 28 places when ma × 10^(28 + sb − sa)
    // is a multiple of mb. Then r, not being it, means it does not fit.
    let zero = BigInt::from(0u32);
    let terminates = (ma * pow10_big(28 - sa + sb)) % mb == zero;
    (!terminates).then_some(r)
}

/// `value` written with its trailing zeros dropped, but never with fewer places than `scale`
/// (`55.7500` → `55.75` and `27.870000` → `27.87` at scale 2, `1.80570` → `1.8057`, `3` →
/// `3`): the same number, as a person reads a total. Only zeros are dropped; nothing is
/// rounded.
pub fn trim_to_scale(value: Decimal, scale: u32) -> Decimal {
    if value.scale() <= scale {
        return value;
    }
    let mut trimmed = value.normalize();
    if trimmed.scale() < scale {
        // Back up to `scale` places: fewer than `value` had, so the mantissa fits.
        trimmed.rescale(scale);
    }
    trimmed
}

/// `value` rounded to `scale` places in `mode`, then shown with exactly `scale` places; `None`
/// when the fast path cannot tell (the caller then asks `rust_decimal`).
#[inline]
pub(crate) fn round(value: Decimal, scale: u32, mode: RoundingMode) -> Option<Decimal> {
    let s = value.scale();
    let m = small(value)?;
    if s <= scale {
        let up = *POW10.get((scale - s) as usize)?;
        return make(i128::from(m) * i128::from(up), scale);
    }
    let unit = *POW10.get((s - scale) as usize)?;
    let (q, r) = (m / unit, m % unit);
    if r == 0 {
        return make(i128::from(q), scale);
    }
    // r has the sign of m; compare its magnitude with half a unit (unit ≤ 10^18, so 2|r|
    // fits).
    let half = (r.unsigned_abs() * 2).cmp(&unit.unsigned_abs());
    let away = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => true,
        RoundingMode::Floor => m < 0,
        RoundingMode::Ceiling => m > 0,
        RoundingMode::HalfUp => half != Ordering::Less,
        RoundingMode::HalfDown => half == Ordering::Greater,
        RoundingMode::HalfEven => match half {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => q % 2 != 0,
        },
    };
    let q = if away { q + m.signum() } else { q };
    make(i128::from(q), scale)
}

/// A decimal whose mantissa fits in 64 bits, held as `rust_decimal` holds it (magnitude,
/// scale, sign, so `-0` and `2.50` survive), for chains of operations that stay in machine
/// words. Each operation gives exactly what the library gives, value, scale and sign, or
/// `None` when it cannot be sure to (a result past 64 bits or 28 places, or a zero made by
/// adding, whose sign the library's paths set differently); the caller then starts over with
/// `Decimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Small {
    pub(crate) mag: u64,
    pub(crate) scale: u32,
    pub(crate) neg: bool,
}

impl Small {
    /// `0` with scale 0 (what the library's multiplication returns for any zero operand).
    pub const ZERO: Small = Small {
        mag: 0,
        scale: 0,
        neg: false,
    };

    /// `d`, when its mantissa fits in 64 bits.
    #[inline]
    pub fn of(d: Decimal) -> Option<Small> {
        Some(Small {
            mag: u64::try_from(d.mantissa().unsigned_abs()).ok()?,
            scale: d.scale(),
            neg: d.is_sign_negative(),
        })
    }

    /// The same value as a `Decimal` (sign of zero included).
    #[inline]
    pub fn dec(self) -> Decimal {
        let mut d = Decimal::from_parts(
            self.mag as u32,
            (self.mag >> 32) as u32,
            0,
            false,
            self.scale,
        );
        d.set_sign_negative(self.neg);
        d
    }

    /// `-self` (as `Neg for Decimal`: the sign flips, zero included).
    #[inline]
    pub fn neg(self) -> Small {
        Small {
            neg: !self.neg,
            ..self
        }
    }

    /// The mantissa at `scale` (at least this value's own), when it fits in `i64`: values
    /// at one scale order as their keys do (as [`key_at`]).
    #[inline]
    pub fn key_at(self, scale: u32) -> Option<i64> {
        let up = *POW10.get(scale.checked_sub(self.scale)? as usize)?;
        let m = i128::from(self.mag);
        i64::try_from(if self.neg { -m } else { m })
            .ok()?
            .checked_mul(up)
    }

    /// `self + other` (`other` negated first when `subtract`), as `Decimal::checked_add`/`sub`.
    #[inline]
    fn add_sub(self, other: Small, subtract: bool) -> Option<Small> {
        // A zero operand gives the other operand unchanged (its scale too), negated for
        // `0 - x`: the library's rule, whatever the scales.
        if self.mag == 0 {
            return Some(if subtract && other.mag != 0 {
                other.neg()
            } else {
                other
            });
        }
        if other.mag == 0 {
            return Some(self);
        }
        let scale = self.scale.max(other.scale);
        let a =
            u128::from(self.mag) * u128::from(*POW10.get((scale - self.scale) as usize)? as u64);
        let b =
            u128::from(other.mag) * u128::from(*POW10.get((scale - other.scale) as usize)? as u64);
        let (mag, neg) = if subtract ^ (self.neg != other.neg) {
            if a >= b {
                (a - b, self.neg)
            } else {
                (b - a, !self.neg)
            }
        } else {
            (a + b, self.neg)
        };
        if mag == 0 {
            return None;
        }
        Some(Small {
            mag: u64::try_from(mag).ok()?,
            scale,
            neg,
        })
    }

    /// `self + other`, as `Decimal::checked_add`.
    #[inline]
    pub fn add(self, other: Small) -> Option<Small> {
        self.add_sub(other, false)
    }

    /// `self - other`, as `Decimal::checked_sub`.
    #[inline]
    pub fn sub(self, other: Small) -> Option<Small> {
        self.add_sub(other, true)
    }

    /// `self × other`, as `Decimal::checked_mul` (a zero operand gives [`Small::ZERO`]).
    #[inline]
    pub fn mul(self, other: Small) -> Option<Small> {
        if self.mag == 0 || other.mag == 0 {
            return Some(Small::ZERO);
        }
        let scale = self.scale + other.scale;
        if scale > 28 {
            return None;
        }
        let mag = u64::try_from(u128::from(self.mag) * u128::from(other.mag)).ok()?;
        Some(Small {
            mag,
            scale,
            neg: self.neg ^ other.neg,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_drop_trailing_zeros_down_to_the_plan_scale_only() {
        let t = |v: &str, scale: u32| trim_to_scale(v.parse().unwrap(), scale).to_string();
        assert_eq!(t("55.7500", 2), "55.75");
        assert_eq!(t("27.870000", 2), "27.87");
        assert_eq!(t("1.80570", 2), "1.8057");
        assert_eq!(t("1.8100", 2), "1.81");
        assert_eq!(t("5.000", 2), "5.00");
        assert_eq!(t("0.0000", 2), "0.00");
        assert_eq!(t("-3.10", 0), "-3.1");
        assert_eq!(t("-3.00", 0), "-3");
        assert_eq!(t("12.5", 2), "12.5");
        assert_eq!(t("7", 2), "7");
    }
    use proptest::prelude::*;

    /// Decimals of every kind the evaluator meets: small money, rates, wide and zero values,
    /// both signs and all scales.
    fn any_dec() -> impl Strategy<Value = Decimal> {
        let mantissa = prop_oneof![
            Just(0i128),
            -1000i128..1000,
            -10_000_000_000i128..10_000_000_000,
            any::<i64>().prop_map(i128::from),
            (-(1i128 << 95)..(1i128 << 95)),
            Just((1i128 << 96) - 1),
            Just(-((1i128 << 96) - 1)),
        ];
        (mantissa, 0u32..=28, any::<bool>()).prop_map(|(m, s, neg_zero)| {
            let mut d = Decimal::try_from_i128_with_scale(m, s).unwrap_or_default();
            if m == 0 && neg_zero {
                d.set_sign_negative(true);
            }
            d
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn order_matches_the_library(a in any_dec(), b in any_dec()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(min(a, b).serialize(), a.min(b).serialize());
            prop_assert_eq!(max(a, b).serialize(), a.max(b).serialize());
        }

        #[test]
        fn small_arithmetic_matches_the_library(a in any_dec(), b in any_dec()) {
            if let (Some(x), Some(y)) = (Small::of(a), Small::of(b)) {
                prop_assert_eq!(x.dec().serialize(), a.serialize());
                prop_assert_eq!(x.neg().dec().serialize(), (-a).serialize());
                if let Some(r) = x.add(y) {
                    let lib = a.checked_add(b);
                    prop_assert_eq!(Some(r.dec().serialize()), lib.map(|d| d.serialize()), "{} + {}", a, b);
                }
                if let Some(r) = x.sub(y) {
                    let lib = a.checked_sub(b);
                    prop_assert_eq!(Some(r.dec().serialize()), lib.map(|d| d.serialize()), "{} - {}", a, b);
                }
                if let Some(r) = x.mul(y) {
                    let lib = a.checked_mul(b);
                    prop_assert_eq!(Some(r.dec().serialize()), lib.map(|d| d.serialize()), "{} * {}", a, b);
                }
                for scale in [0u32, 6, 12, 18] {
                    prop_assert_eq!(x.key_at(scale), key_at(a, scale));
                }
            }
        }

        #[test]
        fn rounding_matches_the_library(v in any_dec(), scale in 0u32..=28, k in 0usize..7) {
            let mode = RoundingMode::ALL[k];
            if let Some(fast) = round(v, scale, mode) {
                prop_assert_eq!(Some(fast.serialize()), mode.round_slow(v, scale).map(|d| d.serialize()), "{} {:?} {}", v, mode, scale);
            }
        }
    }

    /// `d` as `d × 10^28`, an integer: one fixed point for every scale (independent of the
    /// scale alignment the code under test does).
    fn fixed(d: Decimal) -> BigInt {
        BigInt::from(d.mantissa()) * pow10_big(28 - d.scale())
    }

    fn fits_at(v: &BigInt, scale: u32) -> bool {
        // v is a value × 10^28; at `scale` places its mantissa is v / 10^(28 − scale).
        let unit = pow10_big(28 - scale);
        let zero = BigInt::from(0u32);
        let m = v / &unit;
        (v % &unit) == zero && m.magnitude().bits() <= 96
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Sums and differences are exact at the larger scale, or refused only when that
        /// exact value does not fit in 96 bits.
        #[test]
        fn sums_are_exact_or_refused(a in any_dec(), b in any_dec(), minus in any::<bool>()) {
            let want = if minus { fixed(a) - fixed(b) } else { fixed(a) + fixed(b) };
            let scale = a.scale().max(b.scale());
            let got = if minus { sub(a, b) } else { add(a, b) };
            if at_full_precision(a) || at_full_precision(b) {
                // Full precision: within one unit of the last place kept, or the library's
                // own overflow.
                match got {
                    Some(r) => {
                        let err = (fixed(r) - &want).magnitude().clone();
                        prop_assert!(err < pow10_big(28 - r.scale()).magnitude().clone(), "{} {} {} = {}", a, minus, b, r);
                    }
                    None => {
                        let library = if minus { a.checked_sub(b) } else { a.checked_add(b) };
                        prop_assert!(library.is_none());
                    }
                }
                return Ok(());
            }
            match got {
                Some(r) => {
                    prop_assert_eq!(fixed(r), want.clone());
                    // The larger scale when the sum fits there (a zero operand gives the
                    // other one with its own scale).
                    if !a.is_zero() && !b.is_zero() {
                        if fits_at(&want, scale) {
                            prop_assert_eq!(r.scale(), scale);
                        } else {
                            prop_assert!(r.scale() >= a.scale().min(b.scale()));
                        }
                    }
                }
                None => prop_assert!(!fits_at(&want, scale), "{} {} {}", a, minus, b),
            }
        }

        /// Products are exact, or need more than 28 places (then within one unit of the
        /// last place kept, §11.2), or are refused only when the exact value at 28 places
        /// or fewer does not fit in 96 bits.
        #[test]
        fn products_are_exact_documented_or_refused(a in any_dec(), b in any_dec()) {
            // The exact product × 10^56.
            let want = fixed(a) * fixed(b);
            let needs_more = want.clone() % pow10_big(28) != BigInt::from(0u32)
                || at_full_precision(a)
                || at_full_precision(b);
            match mul(a, b) {
                Some(r) if needs_more => {
                    let err = (fixed(r) * pow10_big(28) - &want).magnitude().clone();
                    prop_assert!(err < pow10_big(56 - r.scale()).magnitude().clone(), "{} * {} = {}", a, b, r);
                }
                Some(r) => prop_assert_eq!(fixed(r) * pow10_big(28), want),
                None if at_full_precision(a) || at_full_precision(b) => {
                    prop_assert!(a.checked_mul(b).is_none());
                }
                None => {
                    prop_assert!(!needs_more);
                    let exact = want / pow10_big(28);
                    prop_assert!(!(0..=28).any(|s| fits_at(&exact, s)), "{} * {}", a, b);
                }
            }
        }

        /// Quotients are exact when they terminate within 28 places and fit; otherwise
        /// the library's full precision (within one unit of its last place), and refused
        /// only when a terminating quotient does not fit.
        #[test]
        fn quotients_are_exact_documented_or_refused(a in any_dec(), b in any_dec()) {
            let b = if b.is_zero() { Decimal::ONE } else { b };
            let (fa, fb) = (fixed(a), fixed(b));
            // a / b × 10^28 = fa × 10^28 / fb.
            let num = fa * pow10_big(28);
            let zero = BigInt::from(0u32);
            let terminates = (&num % &fb) == zero;
            match div(a, b) {
                Some(r) if terminates => prop_assert_eq!(fixed(r), num / fb),
                Some(r) => {
                    // |r − a/b| < 10^−scale(r)  ⇔  |fixed(r) × fb − num| < fb × 10^(28 − scale)
                    let err = (fixed(r) * &fb - &num).magnitude().clone();
                    let bound = (fb * pow10_big(28 - r.scale())).magnitude().clone();
                    prop_assert!(err < bound, "{} / {} = {}", a, b, r);
                }
                None => {
                    if terminates {
                        let q = num / fb;
                        prop_assert!(!(0..=28).any(|s| fits_at(&q, s)), "{} / {}", a, b);
                    } else {
                        // The library's own overflow: the integer part passes 96 bits.
                        prop_assert!(a.checked_div(b).is_none(), "{} / {}", a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn the_extremes_of_issue_16() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let show = |x: Option<Decimal>| x.map(|v| v.to_string());
        let top = d("79228162514264337593543950335");
        // 3961408125713216879677197516.75 needs 30 digits: not ...516.8 (amounts stay exact).
        assert_eq!(mul(top, d("0.05")), None);
        // A value an inexact step left (27 places) times an amount: full precision (§11.2);
        // the exact product is 758246.834918975828421955216762681.
        let rate = div(d("300.2623"), d("11977.29")).unwrap_or_default();
        assert_eq!(rate.to_string(), "0.025069301987344382577360989");
        assert_eq!(
            show(mul(rate, d("30246029"))).as_deref(),
            Some("758246.83491897582842195521676")
        );
        assert_eq!(
            show(mul(top, d("0.1"))).as_deref(),
            Some("7922816251426433759354395033.5")
        );
        assert_eq!(
            show(add(d("7922816251426433759354395033.2"), d("0.1"))).as_deref(),
            Some("7922816251426433759354395033.3")
        );
        assert_eq!(
            add(top, d("1")),
            None,
            "past 2^96 - 1: the library's own overflow"
        );
        // Sums of amounts keep the larger scale or are refused: 24 digits at 2 places, plus a
        // number that needs more digits than 96 bits hold at 8 places.
        assert_eq!(
            add(d("7922816251426433759354.35"), d("0.00000001")),
            None,
            "7922816251426433759354.35000001 needs 31 digits"
        );
        assert_eq!(sub(d("-7922816251426433759354.35"), d("0.00000001")), None);
        // A product needing more than 28 places keeps the library's full precision.
        assert_eq!(
            show(mul(d("1.5"), d("0.3333333333333333333333333333"))).as_deref(),
            Some("0.5000000000000000000000000000")
        );
        // Quotients: exact, documented, or refused.
        assert_eq!(
            show(div(d("1"), d("1024"))).as_deref(),
            Some("0.00097656250")
        );
        assert_eq!(
            show(div(d("1"), d("3"))).as_deref(),
            Some("0.3333333333333333333333333333")
        );
        assert_eq!(
            show(div(top, d("3"))).as_deref(),
            Some("26409387504754779197847983445")
        );
        assert_eq!(
            div(top, d("2")),
            None,
            "39614081257132168796771975167.5 does not fit"
        );
        // Rounding pads to the scale or fails; it never stops short.
        let r = |v: &str, s| RoundingMode::HalfEven.round(d(v), s).map(|x| x.to_string());
        assert_eq!(r("7922816251426433759354395034", 2), None);
        assert_eq!(r("7922816251426433759354395033.6", 2), None);
        assert_eq!(
            r("792281625142643375935439503.35", 2).as_deref(),
            Some("792281625142643375935439503.35")
        );
        assert_eq!(
            r("7922816251426433759354395033.6", 0).as_deref(),
            Some("7922816251426433759354395034")
        );
    }

    #[test]
    fn small_keeps_the_library_scales_and_declines_made_zeros() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let sm = |s: &str| Small::of(d(s)).unwrap_or(Small::ZERO);
        let show = |x: Option<Small>| x.map(|v| v.dec().to_string());
        // A zero operand gives the other operand as it is, scale included.
        assert_eq!(
            show(Small::ZERO.add(sm("1000.0000"))).as_deref(),
            Some("1000.0000")
        );
        assert_eq!(
            show(sm("1000.00").add(sm("0.0000"))).as_deref(),
            Some("1000.00")
        );
        assert_eq!(show(sm("0.00").sub(sm("2.5"))).as_deref(), Some("-2.5"));
        // Otherwise the larger scale.
        assert_eq!(show(sm("1.5").add(sm("2.25"))).as_deref(), Some("3.75"));
        assert_eq!(show(sm("1.50").sub(sm("2"))).as_deref(), Some("-0.50"));
        // Products keep both scales; a zero factor gives 0 with scale 0.
        assert_eq!(
            show(sm("100.25").mul(sm("1.2"))).as_deref(),
            Some("120.300")
        );
        assert_eq!(show(sm("-3.00").mul(sm("0.000"))).as_deref(), Some("0"));
        // A zero made by adding is left to the library (its paths disagree on the sign).
        assert_eq!(sm("5.00").sub(sm("5.00")), None);
        assert_eq!(sm("-5").add(sm("5.0")), None);
        // Past 64 bits or 28 places: declined.
        assert_eq!(sm("4294967296").mul(sm("4294967296")), None);
        assert_eq!(sm("0.00000000000001").mul(sm("0.000000000000001")), None);
        // -0 survives the round trip.
        let mut nz = d("0.00");
        nz.set_sign_negative(true);
        assert_eq!(
            Small::of(nz).map(|x| x.dec().serialize()),
            Some(nz.serialize())
        );
    }

    #[test]
    fn ties_and_signs_round_as_the_mode_says() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let r = |v: &str, m| round(d(v), 2, m).map(|x| x.to_string());
        assert_eq!(r("2.675", RoundingMode::HalfEven).as_deref(), Some("2.68"));
        assert_eq!(r("2.665", RoundingMode::HalfEven).as_deref(), Some("2.66"));
        assert_eq!(r("-2.665", RoundingMode::HalfUp).as_deref(), Some("-2.67"));
        assert_eq!(
            r("-2.665", RoundingMode::HalfDown).as_deref(),
            Some("-2.66")
        );
        assert_eq!(r("-2.661", RoundingMode::Floor).as_deref(), Some("-2.67"));
        assert_eq!(r("-2.669", RoundingMode::Ceiling).as_deref(), Some("-2.66"));
        assert_eq!(r("2.661", RoundingMode::Up).as_deref(), Some("2.67"));
        assert_eq!(r("2.669", RoundingMode::Down).as_deref(), Some("2.66"));
        assert_eq!(r("7", RoundingMode::Down).as_deref(), Some("7.00"));
        // A result of zero keeps the library's sign rules: the fast path declines it.
        assert_eq!(r("-0.001", RoundingMode::HalfEven), None);
    }
}
