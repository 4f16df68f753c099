//! Fast paths for the decimal operations of the evaluator's hot loop.
//!
//! `rust_decimal` works on a 96-bit mantissa split into three 32-bit words, which makes every
//! add, multiply, compare and rounding a small loop. Nearly every value a plan meets (money
//! with two places, rates, bounds) has a mantissa far below 2^96, so each operation here
//! first tries plain `i128` arithmetic on the mantissas and hands anything it cannot decide
//! exactly (a zero, whose sign the library tracks; a result past 96 bits or 28 places) back
//! to `rust_decimal`. A fast result is the same value with the same scale that the library
//! returns, bit for bit: the tests below check that for random operands.

use crate::money::RoundingMode;
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

#[cfg(test)]
mod tests {
    use super::*;
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
        #[test]
        fn order_matches_the_library(a in any_dec(), b in any_dec()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(min(a, b).serialize(), a.min(b).serialize());
            prop_assert_eq!(max(a, b).serialize(), a.max(b).serialize());
        }

        #[test]
        fn rounding_matches_the_library(v in any_dec(), scale in 0u32..=28, k in 0usize..7) {
            let mode = RoundingMode::ALL[k];
            if let Some(fast) = round(v, scale, mode) {
                prop_assert_eq!(fast.serialize(), mode.round_slow(v, scale).serialize(), "{} {:?} {}", v, mode, scale);
            }
        }
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
