//! Numbers from a host language, read by one rule in every binding.
//!
//! The rule (docs/language.md §4.1):
//!
//! - a host **integer** (a Python `int`, a JavaScript `bigint`, a Rust integer) is that exact
//!   whole number, in any column;
//! - a host **binary floating-point** value is refused wherever the plan reads it: a binary
//!   float cannot hold most decimals (`0.1` is not one tenth), so it is never read as money, a
//!   rate or an id. Where the host has integers as well (Python `float`, numpy floats, Arrow
//!   float columns) every float is refused, even a whole one such as `2.0`: its type says
//!   binary float, and a column should not pass or fail by its values. JavaScript has one
//!   number type, so a JS `number` is taken as the whole number it is when it is a safe
//!   integer (`Number.isSafeInteger`: no fraction, at most 2^53 − 1 either side) and refused
//!   otherwise ([`number_cell`]); `NaN` and `±Infinity` are refused too.
//!
//! A refused value becomes a [`Cell::Refused`] holding [`refusal`]'s message, the same words
//! in every binding; the loader reports it as `D0102` at its table, row, id and field. Decimals
//! cross exactly as text (`"0.1"`), `decimal.Decimal`, Arrow decimals or [`Cell::Decimal`].

use commissio_core::load::Cell;

/// The largest integer a binary float (an IEEE 754 double, a JavaScript `number`) holds with
/// every integer below it: 2^53 − 1, JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Why a binary float is refused, in the words every refusal uses.
pub const WHY_REFUSED: &str = "binary floating point cannot hold most decimals exactly \
    (0.1 is not one tenth), so it is never read as money, a rate or an id";

/// A number from a host whose only number type is a binary float (a JavaScript `number`): a
/// safe integer (no fraction, `|x| <= 2^53 − 1`) is that whole number
/// ([`Cell::Integer`], `-0` is `0`); anything else is refused ([`Cell::Refused`] with
/// [`refusal`]'s message).
pub fn number_cell(x: f64) -> Cell {
    match safe_integer(x) {
        Some(i) => Cell::Integer(i),
        None => Cell::Refused(refusal(x)),
    }
}

/// A binary float from a host that has integers too (a Python `float`, a numpy float): always
/// refused, whole or not ([`Cell::Refused`] with [`refusal`]'s message).
pub fn float_cell(x: f64) -> Cell {
    Cell::Refused(refusal(x))
}

/// `x` as a whole number when it is a safe integer, the numbers [`number_cell`] accepts.
pub fn safe_integer(x: f64) -> Option<i64> {
    // Both bounds are exact in f64; a finite value within them with no fraction converts
    // exactly.
    let max = MAX_SAFE_INTEGER as f64;
    if x.is_finite() && x.fract() == 0.0 && (-max..=max).contains(&x) {
        Some(x as i64)
    } else {
        None
    }
}

/// The message of a refused binary float, e.g. `binary floating-point number 0.1 refused:
/// binary floating point cannot hold most decimals exactly (0.1 is not one tenth), so it is
/// never read as money, a rate or an id; pass the decimal as a string such as "0.1"`.
pub fn refusal(x: f64) -> String {
    let text = float_text(x);
    // The suggestion repeats the value as text only when that text is a plain decimal, which
    // every binding reads exactly.
    let example = if x.is_finite() && !text.contains('e') {
        text.as_str()
    } else {
        "1250.00"
    };
    format!(
        "binary floating-point number {text} refused: {WHY_REFUSED}; pass the decimal as a string such as \"{example}\""
    )
}

/// The message of a refused column of binary floats (an Arrow `Float64` column), naming the
/// column and its type; a binding may add how its libraries convert the column.
pub fn float_column_refusal(column: &str, type_name: &str) -> String {
    format!(
        "column {column:?} holds binary floating-point numbers ({type_name}), refused: {WHY_REFUSED}"
    )
}

/// The shortest text that reads back as `x` (`0.1`, `2.0`, `0.30000000000000004`, `1e+21`),
/// and `NaN`, `Infinity`, `-Infinity`: the same in every binding, whatever the host prints.
pub fn float_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        // serde_json writes a finite f64 with `ryu`, the shortest text that reads back as `x`;
        // in the wasm module it costs less than `format!("{x:?}")` (1.4 KB gzipped).
        serde_json::to_string(&x).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_integers_are_whole_numbers_and_everything_else_is_refused() {
        assert_eq!(number_cell(5.0), Cell::Integer(5));
        assert_eq!(number_cell(-0.0), Cell::Integer(0));
        assert_eq!(
            number_cell(9_007_199_254_740_991.0),
            Cell::Integer(MAX_SAFE_INTEGER)
        );
        assert_eq!(
            number_cell(-9_007_199_254_740_991.0),
            Cell::Integer(-MAX_SAFE_INTEGER)
        );
        for x in [
            0.1,
            0.1 + 0.2,
            1000.5,
            9_007_199_254_740_992.0,
            -9_007_199_254_740_992.0,
            1e21,
            1e-7,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(number_cell(x), Cell::Refused(refusal(x)), "{x}");
        }
        // A float from a host with integers is refused even when whole.
        assert_eq!(float_cell(2.0), Cell::Refused(refusal(2.0)));
    }

    #[test]
    fn the_message_names_the_value_and_suggests_its_text() {
        let why = WHY_REFUSED;
        assert_eq!(
            refusal(0.1),
            format!(
                "binary floating-point number 0.1 refused: {why}; pass the decimal as a string such as \"0.1\""
            )
        );
        assert_eq!(
            refusal(0.1 + 0.2),
            format!(
                "binary floating-point number 0.30000000000000004 refused: {why}; pass the decimal as a string such as \"0.30000000000000004\""
            )
        );
        assert_eq!(
            refusal(f64::NAN),
            format!(
                "binary floating-point number NaN refused: {why}; pass the decimal as a string such as \"1250.00\""
            )
        );
        assert_eq!(float_text(2.0), "2.0");
        assert_eq!(float_text(1e21), "1e+21");
        assert_eq!(float_text(1e-7), "1e-7");
        assert_eq!(float_text(9_007_199_254_740_992.0), "9007199254740992.0");
        assert_eq!(float_text(-0.0), "-0.0");
        assert_eq!(float_text(5e-324), "5e-324");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert!(refusal(1e21).ends_with("such as \"1250.00\""));
        assert_eq!(
            float_column_refusal("amount", "Float64"),
            format!(
                "column \"amount\" holds binary floating-point numbers (Float64), refused: {why}"
            )
        );
    }

    #[test]
    fn the_loader_reports_a_refused_number_where_the_plan_reads_it() {
        use crate::{CompiledPlan, Error, Inputs, Table};
        let plan = CompiledPlan::compile(
            "plan \"Flat\" {\n  currency USD\n  period quarter\n  effective 2026-01-01 to 2026-12-31\n  rounding half_even 2 per line\n  input deal { amount: money }\n  component base { commission on credit.amount  rate 5% }\n}\n",
        )
        .unwrap();
        let deals = |amount: Cell, extra: Cell| {
            Table::new(["id", "payee", "date", "amount", "note"]).with_row(vec![
                Cell::Text("D1".into()),
                Cell::Text("A".into()),
                Cell::Text("2026-02-01".into()),
                amount,
                extra,
            ])
        };
        let inputs = |deals| Inputs {
            payees: Table::new(["id"]).with_row(vec![Cell::Text("A".into())]),
            deals,
            credits: None,
            quotas: None,
            managers: None,
        };
        let refused = plan.evaluate(&inputs(deals(number_cell(0.1), Cell::Null)), "2026-Q1");
        let Err(Error::Data(e)) = refused else {
            panic!("expected a data error, got {refused:?}");
        };
        let e = &e.errors[0];
        assert_eq!(
            (e.code.as_str(), e.row, e.id.as_deref(), e.field.as_deref()),
            ("D0102", Some(1), Some("D1"), Some("amount"))
        );
        assert_eq!(e.expected.as_deref(), Some("money"));
        assert_eq!(e.message, refusal(0.1));
        // A whole JS number is that integer; a refused value in a column the plan does not read
        // is never looked at.
        let r = plan
            .evaluate(
                &inputs(deals(number_cell(1000.0), float_cell(0.5))),
                "2026-Q1",
            )
            .unwrap();
        assert_eq!(r.total("A", "2026-Q1").unwrap().to_string(), "50.00");
    }
}
