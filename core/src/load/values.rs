//! Reading one cell as its declared type (money, number, percent, integer, date, text, bool,
//! id, share; the table of what each accepts is in the module docs of [`crate::load`]), and the
//! columns the values go into.

use super::error::{At, Bad, DataErrorCode, ErrorList};
use super::table::CellRef;
use crate::dataset::{Column, Interner, Sym};
use crate::period::Date;
use crate::plan::FieldType;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;

/// Why decimal text could not be read.
pub(super) enum NumErr {
    /// Not a plain decimal.
    Syntax,
    /// A plain decimal, but too large or too precise for [`Decimal`].
    Range,
}

/// Parses a plain decimal: optional `-`, digits, optionally `.` and digits. Exact or an error.
pub(super) fn parse_plain_decimal(text: &str) -> Result<Decimal, NumErr> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let b = t.as_bytes();
    let body = match b.first() {
        Some(b'-') => b.get(1..).unwrap_or_default(),
        _ => b,
    };
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_point = false;
    for &c in body {
        match c {
            b'0'..=b'9' if seen_point => frac_digits += 1,
            b'0'..=b'9' => int_digits += 1,
            b'.' if !seen_point => seen_point = true,
            _ => return Err(NumErr::Syntax),
        }
    }
    if int_digits == 0 || (seen_point && frac_digits == 0) {
        return Err(NumErr::Syntax);
    }
    let mut d = Decimal::from_str_exact(t).map_err(|_| NumErr::Range)?;
    if d.is_zero() {
        // `-0` and `-0.00` are zero; keep no sign that could print as "-0.00".
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// What a declared type is called in messages.
pub(super) fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Money => "money",
        FieldType::Number => "number",
        FieldType::Percent => "percent",
        FieldType::Integer => "integer",
        FieldType::Date => "date (YYYY-MM-DD)",
        FieldType::Text => "text",
        FieldType::Bool => "bool (true or false)",
    }
}

pub(super) fn is_empty(cell: CellRef<'_>) -> bool {
    match cell {
        CellRef::Null => true,
        CellRef::Text(s) => s.is_empty(),
        _ => false,
    }
}

pub(super) fn missing(expected: &str) -> Bad {
    Bad::new(
        DataErrorCode::MissingValue,
        expected,
        format!("missing value (expected {expected})"),
    )
}

/// `D0102`: the cell is not a value of the expected type. A refused host value
/// ([`CellRef::Refused`]) is this error whatever the type, with the binding's reason.
fn wrong(expected: &str, cell: CellRef<'_>) -> Bad {
    let message = match cell {
        CellRef::Refused(why) => why.to_string(),
        _ => format!("expected {expected}, got {}", show(cell)),
    };
    Bad::new(DataErrorCode::WrongType, expected, message)
}

fn out_of_range(expected: &str, cell: CellRef<'_>) -> Bad {
    Bad::new(
        DataErrorCode::OutOfRange,
        expected,
        format!(
            "{} is out of range (at most 28 significant digits)",
            show(cell)
        ),
    )
}

/// A decimal value of a number-like cell (`expected` names the type for messages).
fn decimal_of(cell: CellRef<'_>, expected: &str) -> Result<Decimal, Bad> {
    match cell {
        CellRef::Decimal(d) => Ok(d),
        CellRef::Integer(i) => Ok(Decimal::from(i)),
        CellRef::Text(s) if !s.is_empty() => parse_plain_decimal(s).map_err(|e| match e {
            NumErr::Syntax => wrong(expected, cell),
            NumErr::Range => out_of_range(expected, cell),
        }),
        CellRef::Null | CellRef::Text(_) => Err(missing(expected)),
        CellRef::Bool(_) | CellRef::Refused(_) => Err(wrong(expected, cell)),
    }
}

/// A money value with at most `minor_units` significant decimals.
pub(super) fn money_of(cell: CellRef<'_>, minor_units: u32) -> Result<Decimal, Bad> {
    let d = decimal_of(cell, "money")?;
    if d.normalize().scale() > minor_units {
        let expected = match minor_units {
            0 => "money with no decimals".to_string(),
            1 => "money with at most 1 decimal".to_string(),
            n => format!("money with at most {n} decimals"),
        };
        let message = format!("expected {expected}, got {}", show(cell));
        return Err(Bad {
            code: DataErrorCode::TooManyDecimals,
            expected: Some(expected),
            message,
        });
    }
    Ok(d)
}

/// A percent value: `30%` is 0.30; plain decimals are taken as fractions.
fn percent_of(cell: CellRef<'_>, expected: &str) -> Result<Decimal, Bad> {
    if let CellRef::Text(s) = cell {
        let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
        if let Some(num) = t.strip_suffix('%') {
            let mut d = parse_plain_decimal(num).map_err(|e| match e {
                NumErr::Syntax => wrong(expected, cell),
                NumErr::Range => out_of_range(expected, cell),
            })?;
            d.set_scale(d.scale() + 2)
                .map_err(|_| out_of_range(expected, cell))?;
            return Ok(d);
        }
    }
    decimal_of(cell, expected)
}

fn integer_of(cell: CellRef<'_>) -> Result<Decimal, Bad> {
    let expected = "integer";
    let d = decimal_of(cell, expected)?;
    if !d.is_integer() {
        return Err(wrong("integer (a whole number)", cell));
    }
    Ok(d.normalize())
}

pub(super) fn date_of(cell: CellRef<'_>, expected: &str) -> Result<Date, Bad> {
    match cell {
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => Date::parse(s.trim_matches(|c: char| c.is_ascii_whitespace()))
            .ok_or_else(|| wrong(expected, cell)),
        _ => Err(wrong(expected, cell)),
    }
}

fn bool_of(cell: CellRef<'_>) -> Result<bool, Bad> {
    let expected = type_name(FieldType::Bool);
    match cell {
        CellRef::Bool(b) => Ok(b),
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => {
            let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
            if t.eq_ignore_ascii_case("true") {
                Ok(true)
            } else if t.eq_ignore_ascii_case("false") {
                Ok(false)
            } else {
                Err(wrong(expected, cell))
            }
        }
        _ => Err(wrong(expected, cell)),
    }
}

/// Text of a text value or an id (`integers` allowed; decimals too when `decimals`).
pub(super) fn text_of<'c>(
    cell: CellRef<'c>,
    expected: &str,
    decimals: bool,
) -> Result<Cow<'c, str>, Bad> {
    match cell {
        _ if is_empty(cell) => Err(missing(expected)),
        CellRef::Text(s) => Ok(Cow::Borrowed(s)),
        CellRef::Integer(i) => Ok(Cow::Owned(i.to_string())),
        CellRef::Decimal(d) if decimals => Ok(Cow::Owned(d.to_string())),
        _ => Err(wrong(expected, cell)),
    }
}

pub(super) const ID: &str = "an id (text)";

pub(super) fn id_of(cell: CellRef<'_>) -> Result<Cow<'_, str>, Bad> {
    text_of(cell, ID, false)
}

/// A credit share: like a percent, and in `(0, 1]`.
pub(super) fn share_of(cell: CellRef<'_>) -> Result<Decimal, Bad> {
    let expected = "share (0 < share <= 1, or a percentage)";
    let d = percent_of(cell, expected)?;
    if d <= Decimal::ZERO || d > Decimal::ONE {
        return Err(Bad::new(
            DataErrorCode::ShareRange,
            expected,
            format!(
                "a share must be greater than 0 and at most 1 (100%), got {}",
                show(cell)
            ),
        ));
    }
    Ok(d)
}

/// Parses `cell` as `ty` and appends it to `col` (a default value on error, so rows stay
/// aligned while further errors are collected).
pub(super) fn push_value(
    col: &mut Column,
    ty: FieldType,
    cell: CellRef<'_>,
    minor_units: u32,
    texts: &mut Interner,
    cache: &mut TextCache,
) -> Result<(), Bad> {
    match col {
        Column::Decimal(v) => {
            let r = match ty {
                FieldType::Money => money_of(cell, minor_units),
                FieldType::Percent => percent_of(cell, type_name(ty)),
                FieldType::Integer => integer_of(cell),
                _ => decimal_of(cell, type_name(ty)),
            };
            v.push(*r.as_ref().unwrap_or(&Decimal::ZERO));
            r.map(|_| ())
        }
        Column::Bool(v) => {
            let r = bool_of(cell);
            v.push(*r.as_ref().unwrap_or(&false));
            r.map(|_| ())
        }
        Column::Date(v) => {
            let r = date_of(cell, type_name(ty));
            v.push(*r.as_ref().unwrap_or(&Date::default()));
            r.map(|_| ())
        }
        Column::Text(v) => {
            let r = match cell {
                CellRef::Text(s) if !s.is_empty() => Ok(cache.intern(texts, s)),
                _ => text_of(cell, type_name(ty), true).map(|t| texts.intern(&t)),
            };
            v.push(*r.as_ref().unwrap_or(&0));
            r.map(|_| ())
        }
    }
}

/// A fast front for [`Interner`] over one text column: most text columns repeat a few values
/// (products, regions), and the interner's SipHash would dominate loading time.
#[derive(Default)]
pub(super) struct TextCache {
    pub(super) map: FoldMap<Box<str>, Sym>,
}

impl TextCache {
    /// Entries kept per column; past this a high-cardinality column goes straight to the
    /// interner rather than doubling its memory.
    const LIMIT: usize = 1 << 16;

    pub(super) fn intern(&mut self, texts: &mut Interner, text: &str) -> Sym {
        if let Some(&sym) = self.map.get(text) {
            return sym;
        }
        let sym = texts.intern(text);
        if self.map.len() < Self::LIMIT {
            self.map.insert(text.into(), sym);
        }
        sym
    }
}

pub(super) type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

pub(super) fn empty_column(ty: FieldType, rows: usize) -> Column {
    match ty {
        FieldType::Money | FieldType::Number | FieldType::Percent | FieldType::Integer => {
            Column::Decimal(Vec::with_capacity(rows))
        }
        FieldType::Bool => Column::Bool(Vec::with_capacity(rows)),
        FieldType::Date => Column::Date(Vec::with_capacity(rows)),
        FieldType::Text => Column::Text(Vec::with_capacity(rows)),
    }
}

/// A short, quoted rendering of a cell for messages.
pub(super) fn show(cell: CellRef<'_>) -> String {
    match cell {
        CellRef::Null => "an empty cell".to_string(),
        CellRef::Text(s) => {
            const MAX: usize = 60;
            if s.chars().count() > MAX {
                let cut: String = s.chars().take(MAX).collect();
                format!("{:?}…", cut)
            } else {
                format!("{s:?}")
            }
        }
        CellRef::Decimal(d) => d.to_string(),
        CellRef::Integer(i) => i.to_string(),
        CellRef::Bool(b) => b.to_string(),
        CellRef::Refused(why) => format!("a refused value ({why})"),
    }
}

/// The `from` (required; `None` when its column is missing, already reported) and `to` (empty
/// = no end) cells of a dated row (`managers`, `assignments`): `None` when either cannot be
/// read or `from` is after `to` (`D0209`), every problem pushed at `at`.
pub(super) fn date_range(
    from: Option<CellRef<'_>>,
    to: CellRef<'_>,
    at: &At<'_>,
    errors: &mut ErrorList,
) -> Option<(Date, Option<Date>)> {
    let date_ty = type_name(FieldType::Date);
    let from = from.and_then(|cell| match date_of(cell, date_ty) {
        Ok(d) => Some(d),
        Err(bad) => {
            errors.push(at.err("from", bad));
            None
        }
    });
    let to = if is_empty(to) {
        Some(None)
    } else {
        match date_of(to, date_ty) {
            Ok(d) => Some(Some(d)),
            Err(bad) => {
                errors.push(at.err("to", bad));
                None
            }
        }
    };
    if let (Some(f), Some(Some(t))) = (from, to) {
        if f > t {
            errors.push(at.err(
                "to",
                Bad {
                    code: DataErrorCode::StartAfterEnd,
                    expected: None,
                    message: format!("to {t} is before from {f}"),
                },
            ));
            return None;
        }
    }
    Some((from?, to?))
}
