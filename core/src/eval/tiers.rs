//! Tier arithmetic on bands already converted to basis units.
//!
//! * Point membership: a point `x` is in a band when `lo ≤ x` (`lo < x` for an open lower
//!   end) and `x < hi` (`x ≤ hi` for a closed upper end). A point below the first band
//!   belongs to the first band, a point above the last bounded band to the last band.
//! * Slices: for a key interval `[a, b)` the overlap with each band is cut; the first band
//!   extends down to −∞ and the last band up to +∞ for slicing, so negative amounts (refunds)
//!   and amounts past a bounded last band are paid at the nearest band's rate. The open or
//!   closed flags never change a slice length.
//! * Integer keys: a band covers whole units `u` with `ceil(lo) ≤ u` (`floor(lo)+1` when
//!   open) and `u ≤ floor(hi)` (`ceil(hi)−1` when open); an interval `[a, b)` of a running
//!   count covers units `a+1 ..= b`.
//! * A flat band amount is paid by the line (or period) that *enters* the band: the
//!   interval overlaps the band and starts at or before the band's lower bound.

use super::compiled::{CKey, CTiers};
use super::expr::{add, fault, mul, sub, CExpr, Value, R};
use crate::exact::{key_at, le, lt, max, min};
use crate::plan::SourceRef;
use crate::plan::{TierMode, TierScope};
use crate::results::Slice;
use rust_decimal::Decimal;

/// A band in basis units with its resolved pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UBand {
    pub lo: Decimal,
    pub lo_closed: bool,
    pub hi: Option<Decimal>,
    pub hi_closed: bool,
    /// Rate (or flat amount when `flat`).
    pub rate: Decimal,
    pub flat: bool,
    /// `lo` and `hi` as mantissas at the scale [`band_keys`] returned (0 when it returned
    /// `None`): slicing compares these instead of rescaling decimals at every test.
    pub lo_key: i64,
    pub hi_key: i64,
}

/// Below this scale, keys are taken at this scale anyway, so running totals of credited
/// amounts (money times a share) usually have a key too.
const MIN_KEY_SCALE: u32 = 6;

/// Fills every band's `lo_key`/`hi_key` and returns their common scale, or `None` (keys
/// unused) when some bound has no `i64` mantissa at that scale.
pub(crate) fn band_keys(bands: &mut [UBand]) -> Option<u32> {
    let mut scale = MIN_KEY_SCALE;
    for b in bands.iter() {
        scale = scale.max(b.lo.scale());
        if let Some(h) = b.hi {
            scale = scale.max(h.scale());
        }
    }
    for b in bands.iter_mut() {
        b.lo_key = key_at(b.lo, scale)?;
        b.hi_key = match b.hi {
            Some(h) => key_at(h, scale)?,
            None => 0,
        };
    }
    Some(scale)
}

/// The bands of a `graduated ... per deal` table on the amount whose rates are all literals,
/// as the evaluator slices them (bounds as written, literal rates) with their key scale; `None`
/// for any other table. A line of such a table has the slices [`graduated`] cuts from
/// `[0, basis)`, so its trace record need not hold them: [`crate::tape`] cuts them again when
/// the trace is read, rather than storing one slice per band per deal.
pub(crate) fn per_deal_bands(t: &CTiers) -> Option<(Vec<UBand>, Option<u32>)> {
    if t.mode != TierMode::Graduated
        || t.scope != TierScope::PerLine
        || !matches!(t.key, CKey::Amount)
        || t.integer_key
        || t.line_pay
    {
        return None;
    }
    let mut bands = Vec::with_capacity(t.bands.len());
    for b in &t.bands {
        let CExpr::Const(Value::Dec(rate)) = b.pay.expr() else {
            return None;
        };
        bands.push(UBand {
            lo: b.lo.value,
            lo_closed: b.lo.closed,
            hi: b.hi.map(|h| h.value),
            hi_closed: b.hi.map(|h| h.closed).unwrap_or(false),
            rate: *rate,
            flat: b.pay.is_flat(),
            lo_key: 0,
            hi_key: 0,
        });
    }
    let scale = band_keys(&mut bands);
    Some((bands, scale))
}

impl UBand {
    fn contains(&self, x: Decimal) -> bool {
        let lo_ok = if self.lo_closed {
            le(self.lo, x)
        } else {
            lt(self.lo, x)
        };
        let hi_ok = match self.hi {
            None => true,
            Some(h) if self.hi_closed => le(x, h),
            Some(h) => lt(x, h),
        };
        lo_ok && hi_ok
    }
}

/// Index of the band holding point `x` (nearest band outside the table).
pub(crate) fn band_of(bands: &[UBand], x: Decimal) -> usize {
    if let Some(i) = bands.iter().position(|b| b.contains(x)) {
        return i;
    }
    // Outside the table (or in a gap, which the checker forbids): the last band starting at
    // or below x, else the first band.
    bands.iter().rposition(|b| le(b.lo, x)).unwrap_or(0)
}

fn ceil(x: Decimal) -> Decimal {
    x.ceil()
}
fn floor(x: Decimal) -> Decimal {
    x.floor()
}

/// Whole-unit range of a band (None = unbounded).
fn unit_range(b: &UBand, src: SourceRef) -> R<(Decimal, Option<Decimal>)> {
    let lo = if b.lo_closed {
        ceil(b.lo)
    } else {
        add(floor(b.lo), Decimal::ONE, src)?
    };
    let hi = match b.hi {
        None => None,
        Some(h) if b.hi_closed => Some(floor(h)),
        Some(h) => Some(sub(ceil(h), Decimal::ONE, src)?),
    };
    Ok((lo, hi))
}

/// Requires a whole number (integer tier keys).
pub(crate) fn whole(x: Decimal, src: SourceRef) -> R<()> {
    if x.fract().is_zero() {
        Ok(())
    } else {
        Err(fault(
            "R0204",
            format!("integer tier key {x} is not a whole number"),
            src,
        ))
    }
}

/// Graduated amount of the key interval from `s` to `e` (either order; `e < s` gives a
/// negative amount). Slices are appended to `trace` when given. `key_scale` is what
/// [`band_keys`] returned for `bands`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn graduated(
    bands: &[UBand],
    key_scale: Option<u32>,
    s: Decimal,
    e: Decimal,
    integer: bool,
    src: SourceRef,
    mut trace: Option<&mut Vec<Slice>>,
) -> R<Decimal> {
    let (a, b, neg) = if le(s, e) {
        (s, e, false)
    } else {
        (e, s, true)
    };
    let n = bands.len();
    let mut total = Decimal::ZERO;
    if integer {
        whole(a, src)?;
        whole(b, src)?;
    }
    // Both ends as keys, when they have one: then every bound test is an integer compare.
    let keyed = match key_scale {
        Some(ks) if !integer => key_at(a, ks).zip(key_at(b, ks)),
        _ => None,
    };
    let first_unit = if integer {
        add(a, Decimal::ONE, src)?
    } else {
        a
    };
    for (k, band) in bands.iter().enumerate() {
        let (ol, oh, len, entered) = if integer {
            let (ulo, uhi) = unit_range(band, src)?;
            let lo_k = if k == 0 { None } else { Some(ulo) };
            let hi_k = if k + 1 == n { None } else { uhi };
            if let Some(h) = hi_k {
                if h < first_unit {
                    continue;
                }
            }
            if let Some(l) = lo_k {
                if l > b {
                    break;
                }
            }
            let ol = lo_k.map_or(first_unit, |l| l.max(first_unit));
            let oh = hi_k.map_or(b, |h| h.min(b));
            if oh < ol {
                continue;
            }
            let len = add(sub(oh, ol, src)?, Decimal::ONE, src)?;
            (ol, add(oh, Decimal::ONE, src)?, len, first_unit <= ulo)
        } else if let Some((ak, bk)) = keyed {
            // The branch below, on keys; ties pick the same decimal (the band's bound).
            let lo_k = k != 0;
            let hi = if k + 1 == n { None } else { band.hi };
            if hi.is_some() && band.hi_key <= ak {
                continue;
            }
            if lo_k && bk <= band.lo_key {
                break;
            }
            let (ol, olk) = if lo_k && ak <= band.lo_key {
                (band.lo, band.lo_key)
            } else {
                (a, ak)
            };
            let (oh, ohk) = match hi {
                Some(h) if band.hi_key <= bk => (h, band.hi_key),
                _ => (b, bk),
            };
            if ohk <= olk {
                continue;
            }
            (ol, oh, sub(oh, ol, src)?, ak <= band.lo_key)
        } else {
            let lo_k = if k == 0 { None } else { Some(band.lo) };
            let hi_k = if k + 1 == n { None } else { band.hi };
            if let Some(h) = hi_k {
                if le(h, a) {
                    continue;
                }
            }
            if let Some(l) = lo_k {
                if le(b, l) {
                    break;
                }
            }
            let ol = lo_k.map_or(a, |l| max(l, a));
            let oh = hi_k.map_or(b, |h| min(h, b));
            if le(oh, ol) {
                continue;
            }
            (ol, oh, sub(oh, ol, src)?, le(a, band.lo))
        };
        let amount = if band.flat {
            if !entered {
                continue;
            }
            band.rate
        } else {
            mul(band.rate, len, src)?
        };
        total = add(total, amount, src)?;
        if let Some(t) = trace.as_deref_mut() {
            t.push(Slice {
                band: k as u32,
                lo: ol,
                hi: oh,
                rate: band.rate,
                flat: band.flat,
                amount: if neg { -amount } else { amount },
            });
        }
    }
    Ok(if neg { -total } else { total })
}

/// Linear interpolation between anchors `(at, value)` sorted by `at`, clamped outside:
/// [`between`] the [`anchors_around`] `x`.
pub(crate) fn interpolate(
    anchors: &[(Decimal, Decimal)],
    x: Decimal,
    src: SourceRef,
) -> R<Decimal> {
    match anchors_around(anchors, x) {
        Some([lower, upper]) => between(lower, upper, x, src),
        None => Err(fault("R0202", "interpolated table without anchors", src)),
    }
}

/// The two anchors (sorted by `at`) that `x` is read between: the pair with
/// `lower.at ≤ x < upper.at`, or the first (last) anchor twice at or below (above) the
/// anchors. `None` without anchors.
pub(crate) fn anchors_around(
    anchors: &[(Decimal, Decimal)],
    x: Decimal,
) -> Option<[(Decimal, Decimal); 2]> {
    let (first, last) = (*anchors.first()?, *anchors.last()?);
    if x <= first.0 {
        return Some([first, first]);
    }
    if x >= last.0 {
        return Some([last, last]);
    }
    for w in anchors.windows(2) {
        if let [lower, upper] = w {
            if x >= lower.0 && x < upper.0 {
                return Some([*lower, *upper]);
            }
        }
    }
    Some([last, last])
}

/// The value at `x` on the straight line from anchor `lower` to anchor `upper`; `upper`'s
/// value when both are at the same point (one anchor twice, outside the table). The one
/// division is exact when the quotient terminates within 28 significant digits.
pub(crate) fn between(
    lower: (Decimal, Decimal),
    upper: (Decimal, Decimal),
    x: Decimal,
    src: SourceRef,
) -> R<Decimal> {
    let (a0, v0) = lower;
    let (a1, v1) = upper;
    let span = sub(a1, a0, src)?;
    if span.is_zero() {
        return Ok(v1);
    }
    let num = mul(sub(v1, v0, src)?, sub(x, a0, src)?, src)?;
    // The one division of §11.2: exact when it terminates, else full precision.
    let q =
        crate::exact::div(num, span).ok_or_else(|| fault("R0102", "arithmetic overflow", src))?;
    add(v0, q, src)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::fast::{graduated_small, small_bands};
    use crate::exact::Small;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }
    fn band(lo: &str, hi: Option<&str>, rate: &str) -> UBand {
        UBand {
            lo: d(lo),
            lo_closed: true,
            hi: hi.map(d),
            hi_closed: false,
            rate: d(rate),
            flat: false,
            lo_key: 0,
            hi_key: 0,
        }
    }

    #[test]
    fn p01_graduated_slices() {
        let b = [
            band("0", Some("50000"), "0.05"),
            band("50000", Some("100000"), "0.07"),
            band("100000", None, "0.10"),
        ];
        let got = graduated(
            &b,
            None,
            d("0"),
            d("175000"),
            false,
            SourceRef::default(),
            None,
        )
        .unwrap_or_default();
        assert_eq!(got, d("13500.00"));
        assert_eq!(band_of(&b, d("50000")), 1);
        assert_eq!(band_of(&b, d("-5")), 0);
    }

    #[test]
    fn interpolation_clamps() {
        let a = [(d("0.5"), d("0")), (d("1"), d("0.1"))];
        let s = SourceRef::default();
        assert_eq!(interpolate(&a, d("0.75"), s).unwrap_or_default(), d("0.05"));
        assert_eq!(interpolate(&a, d("0.1"), s).unwrap_or_default(), d("0"));
        assert_eq!(interpolate(&a, d("3"), s).unwrap_or_default(), d("0.1"));
    }

    fn dec(m: i64, scale: u32) -> Decimal {
        Decimal::new(m, scale)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// Slicing on keys gives the same amount and the same slices, bit for bit (values and
        /// scales), as slicing on decimals.
        #[test]
        fn keyed_slicing_is_decimal_slicing(
            bounds in proptest::collection::vec((-1_000_000i64..100_000_000, 0u32..8), 1..5),
            closed in proptest::collection::vec(proptest::bool::ANY, 8),
            s in (-1_000_000i64..200_000_000, 0u32..9),
            e in (-1_000_000i64..200_000_000, 0u32..9),
        ) {
            let mut lows: Vec<Decimal> = bounds.iter().map(|&(m, k)| dec(m, k)).collect();
            lows.sort();
            lows.dedup_by(|a, b| a == b);
            let mut bands: Vec<UBand> = lows
                .iter()
                .enumerate()
                .map(|(i, lo)| UBand {
                    lo: *lo,
                    lo_closed: closed.get(i).copied().unwrap_or(true),
                    hi: lows.get(i + 1).copied(),
                    hi_closed: closed.get(i + 4).copied().unwrap_or(false),
                    // Negative, zero and positive rates.
                    rate: dec(i as i64 * 3 - 3, 2),
                    flat: false,
                    lo_key: 0,
                    hi_key: 0,
                })
                .collect();
            let ks = band_keys(&mut bands);
            proptest::prop_assert!(ks.is_some());
            // Ends that equal a bound, written with more places, are the ties that pick
            // which decimal a slice shows.
            let end = |(m, k): (i64, u32)| match lows.get((m.unsigned_abs() % 16) as usize) {
                Some(lo) if k % 2 == 0 => {
                    let mut v = *lo;
                    v.rescale(lo.scale() + k / 4);
                    v
                }
                _ => dec(m, k),
            };
            let (s, e) = (end(s), end(e));
            let src = SourceRef::default();
            let (mut plain, mut keyed) = (Vec::new(), Vec::new());
            let a = graduated(&bands, None, s, e, false, src, Some(&mut plain)).ok();
            let b = graduated(&bands, ks, s, e, false, src, Some(&mut keyed)).ok();
            proptest::prop_assert_eq!(a.map(|x| x.serialize()), b.map(|x| x.serialize()));
            let bits = |v: &[Slice]| -> Vec<_> {
                v.iter()
                    .map(|x| (x.band, x.lo.serialize(), x.hi.serialize(), x.amount.serialize()))
                    .collect()
            };
            proptest::prop_assert_eq!(bits(&plain), bits(&keyed));
            // The same on small decimals, whenever every value fits.
            let mut sb = Vec::new();
            if let (Some(k), true, Some(ss), Some(se)) =
                (ks, small_bands(&bands, &mut sb), Small::of(s), Small::of(e))
            {
                let mut sliced = Vec::new();
                match graduated_small(&bands, &sb, k, ss, se, Some(&mut sliced)) {
                    Some((t, ordered)) => {
                        proptest::prop_assert_eq!(Some(t.dec().serialize()), b.map(|x| x.serialize()));
                        proptest::prop_assert_eq!(ordered, le(s, e));
                        proptest::prop_assert_eq!(bits(&sliced), bits(&keyed));
                    }
                    None => proptest::prop_assert!(sliced.is_empty()),
                }
            }
        }
    }
}
