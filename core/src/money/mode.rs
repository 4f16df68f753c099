//! The rounding modes a plan can name, alone: [`crate::exact`] rounds by them and
//! [`crate::money`] (which re-exports them) builds on `exact`, so the enum lives where neither
//! needs the other to reach it (no import cycle). [`RoundingMode::round`] is in `money`.

use rust_decimal::RoundingStrategy;
use serde::{Deserialize, Serialize};

/// How a value is rounded to a number of decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Ties go to the even neighbour (banker's rounding).
    HalfEven,
    /// Ties go away from zero.
    HalfUp,
    /// Ties go towards zero.
    HalfDown,
    /// Towards zero (truncate).
    Down,
    /// Away from zero.
    Up,
    /// Towards negative infinity.
    Floor,
    /// Towards positive infinity.
    Ceiling,
}

impl RoundingMode {
    /// Every mode, in the order the language reference lists them.
    pub const ALL: [RoundingMode; 7] = [
        RoundingMode::HalfEven,
        RoundingMode::HalfUp,
        RoundingMode::HalfDown,
        RoundingMode::Down,
        RoundingMode::Up,
        RoundingMode::Floor,
        RoundingMode::Ceiling,
    ];

    /// The keyword used in plan text (`half_even`, `half_up`, ...).
    pub fn keyword(self) -> &'static str {
        match self {
            RoundingMode::HalfEven => "half_even",
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfDown => "half_down",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
            RoundingMode::Floor => "floor",
            RoundingMode::Ceiling => "ceiling",
        }
    }

    /// Parses a plan keyword; `None` when it is not a rounding mode.
    pub fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.keyword() == word)
    }

    /// The `rust_decimal` strategy that rounds the same way.
    pub(crate) fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
}
