//! Numbers as a person reads them in explanations, statements and charts: digits grouped by
//! thousands, rates as percentages.

use rust_decimal::Decimal;

/// `1234567.5` → `1,234,567.50`: digits grouped by thousands, at least two decimals, zeros
/// beyond two decimals dropped (`5495.1600` → `5,495.16`), never a significant digit.
pub fn group_digits(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    let text = value.to_string();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.as_str()),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A rate as a percentage: `0.08` → `8%`, `0.125` → `12.5%`. A rate too large to show
/// ×100 (near the 96-bit limit, which a plan may write) is shown as the plain number.
pub fn percent(rate: Decimal) -> String {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => rate.normalize().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn grouping() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(group_digits(d("1234567.50")), "1,234,567.50");
        assert_eq!(group_digits(d("-1000")), "-1,000.00");
        assert_eq!(group_digits(d("999.9")), "999.90");
        assert_eq!(group_digits(d("5495.1600")), "5,495.16");
        assert_eq!(group_digits(d("48.204800")), "48.2048");
        assert_eq!(percent(d("0.125")), "12.5%");
        assert_eq!(percent(d("0.08")), "8%");
        assert_eq!(
            percent(Decimal::MAX),
            "79228162514264337593543950335",
            "no overflow panic"
        );
    }
}
