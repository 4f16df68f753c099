//! Decimal arguments given as text (a flag, a JavaScript string, a Python `str`, `int` or
//! `Decimal` turned to text), read by one rule in every binding.
//!
//! The rule: surrounding spaces are ignored; the text is a plain decimal (`-` or nothing, then
//! digits with at most one `.` among them: `1.25`, `-0.5`, `.5`, `3.`), with no `+`, exponent,
//! thousands separator or `_`; a [`ArgumentKind::Ratio`] may end in `%`, meaning hundredths,
//! exactly (`125%` is `1.25`, `0.5%` is `0.005`); an [`ArgumentKind::Amount`] may not. No value
//! passes through a binary float.

use commissio_core::Decimal;

/// What an argument is, which decides whether `%` may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgumentKind {
    /// A ratio such as an attainment (`1.2`, or `120%`).
    Ratio,
    /// An amount or count (`1500.00`); `%` is refused.
    Amount,
}

/// A bad argument (`A0001`): which argument and why, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ArgumentError {
    /// The sentence, naming the argument (`--from: "1,2" is not a decimal such as 1.25 or 125%`).
    pub message: String,
}

impl ArgumentError {
    /// The stable code of every argument error.
    pub const CODE: &'static str = "A0001";

    /// An argument error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        ArgumentError {
            message: message.into(),
        }
    }
}

/// Reads the decimal argument `name` from `text` by the rule of this module.
pub fn parse_decimal_argument(
    name: &str,
    text: &str,
    kind: ArgumentKind,
) -> Result<Decimal, ArgumentError> {
    let bad = || {
        let example = match kind {
            ArgumentKind::Ratio => "a decimal such as 1.25 or a percentage such as 125%",
            ArgumentKind::Amount => "a decimal such as 1500.00",
        };
        ArgumentError::new(format!("{name}: {text:?} is not {example}"))
    };
    let trimmed = text.trim();
    let (digits, percent) = match trimmed.strip_suffix('%') {
        Some(d) if kind == ArgumentKind::Ratio => (d.trim_end(), true),
        Some(_) => return Err(bad()),
        None => (trimmed, false),
    };
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    let plain = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && unsigned.bytes().filter(|&b| b == b'.').count() <= 1;
    if !plain {
        return Err(bad());
    }
    let mut value = Decimal::from_str_exact(digits).map_err(|_| bad())?;
    if percent {
        // Hundredths by moving the point: exact, unlike a division.
        value.set_scale(value.scale() + 2).map_err(|_| bad())?;
    }
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(text: &str) -> Result<String, String> {
        parse_decimal_argument("from", text, ArgumentKind::Ratio)
            .map(|d| d.to_string())
            .map_err(|e| e.message)
    }

    #[test]
    fn plain_decimals_and_percentages_are_exact() {
        assert_eq!(ratio("1.25"), Ok("1.25".into()));
        assert_eq!(ratio(" -0.5 "), Ok("-0.5".into()));
        assert_eq!(ratio("125%"), Ok("1.25".into()));
        assert_eq!(ratio("0.5 %"), Ok("0.005".into()));
        assert_eq!(ratio(".5"), Ok("0.5".into()));
        assert_eq!(ratio("-0"), Ok("0".into()));
        assert_eq!(ratio("100%"), Ok("1.00".into()));
    }

    #[test]
    fn anything_else_is_refused_naming_the_argument() {
        for bad in [
            "", "-", ".", "%", "1e3", "+1", "1,000", "1_000", "1.2.3", "NaN", "0x10", "1%%",
        ] {
            assert_eq!(
                ratio(bad),
                Err(format!(
                    "from: {bad:?} is not a decimal such as 1.25 or a percentage such as 125%"
                )),
                "{bad}"
            );
        }
        assert_eq!(
            parse_decimal_argument("credited", "5%", ArgumentKind::Amount).map_err(|e| e.message),
            Err("credited: \"5%\" is not a decimal such as 1500.00".into())
        );
        // More digits than a decimal holds, and a percentage past the largest scale.
        assert!(ratio(&"9".repeat(40)).is_err());
        assert!(ratio(&format!("0.{}%", "1".repeat(27))).is_err());
    }
}
