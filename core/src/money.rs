//! Exact money and explicit rounding.
//!
//! Every amount and rate is a [`Decimal`]. Nothing here rounds unless asked to, and every
//! rounding names its mode and scale.

pub(crate) mod mode;

pub use mode::RoundingMode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

// Rounding with a mode is implemented here, beside the rest of money; the enum is in a module
// of its own, which exact.rs imports without importing this one (no import cycle).
impl RoundingMode {
    /// Rounds `value` to `scale` decimal places with this mode, shown with exactly `scale`
    /// places. `None` when the value cannot be shown at `scale` places: a value with fewer
    /// places is padded with zeros, and past 79,228,162,514,264,337,593,543,950,335 (the
    /// 96-bit mantissa) there is no room for them (`rust_decimal` would quietly keep fewer).
    pub fn round(self, value: Decimal, scale: u32) -> Option<Decimal> {
        match crate::exact::round(value, scale, self) {
            Some(r) => Some(r),
            None => self.round_slow(value, scale),
        }
    }

    /// [`RoundingMode::round`] done by `rust_decimal` alone (the fast path's reference).
    pub(crate) fn round_slow(self, value: Decimal, scale: u32) -> Option<Decimal> {
        let mut rounded = value.round_dp_with_strategy(scale, self.strategy());
        // Keep a fixed number of places so "2.50" prints as "2.50", not "2.5".
        if rounded.scale() < scale {
            rounded.rescale(scale);
        }
        // `round_dp` and `rescale` stop short of the scale when the mantissa has no room.
        (rounded.scale() == scale).then_some(rounded)
    }
}

/// The point at which amounts are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingStage {
    /// Each result line is rounded once; totals are sums of rounded lines.
    Line,
    /// Lines keep full precision; each component's payee-period total is rounded once.
    Component,
    /// Lines and components keep full precision; each payee-period payout is rounded once.
    Payout,
}

impl RoundingStage {
    /// The keyword used in plan text.
    pub fn keyword(self) -> &'static str {
        match self {
            RoundingStage::Line => "line",
            RoundingStage::Component => "component",
            RoundingStage::Payout => "payout",
        }
    }
    /// Parses a plan keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        [
            RoundingStage::Line,
            RoundingStage::Component,
            RoundingStage::Payout,
        ]
        .into_iter()
        .find(|s| s.keyword() == word)
    }
}

/// A plan's rounding rule: mode, scale and stage, all stated in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rounding {
    /// How ties and remainders go.
    pub mode: RoundingMode,
    /// Decimal places kept.
    pub scale: u32,
    /// Where rounding happens.
    pub stage: RoundingStage,
}

impl Rounding {
    /// Rounds a value with this rule's mode and scale; `None` when it cannot be shown at the
    /// scale ([`RoundingMode::round`]).
    pub fn apply(&self, value: Decimal) -> Option<Decimal> {
        self.mode.round(value, self.scale)
    }
}

/// An ISO 4217 currency with the number of minor units data may carry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency {
    /// Three upper-case letters, e.g. `USD`.
    pub code: String,
    /// Decimal places allowed in input amounts (2 for USD and EUR, 0 for JPY, 3 for KWD).
    pub minor_units: u32,
}

impl Currency {
    /// A currency by code, with the ISO 4217 minor units for the codes that are not 2.
    pub fn new(code: &str) -> Self {
        let minor_units = match code {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        };
        Currency {
            code: code.to_string(),
            minor_units,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn p20_rounding_audit() {
        let up: Vec<String> = ["2.675", "1.005", "0.125"]
            .iter()
            .map(|v| {
                RoundingMode::HalfUp
                    .round(d(v), 2)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(up, ["2.68", "1.01", "0.13"]);
        let even: Vec<String> = ["2.675", "1.005", "0.125"]
            .iter()
            .map(|v| {
                RoundingMode::HalfEven
                    .round(d(v), 2)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(even, ["2.68", "1.00", "0.12"]);
    }

    #[test]
    fn every_mode_on_negative_tie() {
        let got: Vec<String> = RoundingMode::ALL
            .iter()
            .map(|m| m.round(d("-2.345"), 2).unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            got,
            ["-2.34", "-2.35", "-2.34", "-2.34", "-2.35", "-2.35", "-2.34"]
        );
    }

    #[test]
    fn keeps_scale() {
        assert_eq!(
            RoundingMode::HalfEven
                .round(d("2.5"), 2)
                .map(|v| v.to_string()),
            Some("2.50".to_string())
        );
    }

    #[test]
    fn currency_minor_units() {
        assert_eq!(Currency::new("USD").minor_units, 2);
        assert_eq!(Currency::new("JPY").minor_units, 0);
        assert_eq!(Currency::new("KWD").minor_units, 3);
    }
}
