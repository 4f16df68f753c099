//! Calendar dates, periods and fiscal calendars.
//!
//! Dates are proleptic Gregorian days since 1970-01-01, held in an `i32`; they are parsed and
//! printed as ISO `YYYY-MM-DD`. Periods are months, quarters, halves or years of a fiscal year
//! that may start in any month.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date (days since 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

/// Smallest year a date may have (keeps day arithmetic far from overflow).
pub const MIN_YEAR: i32 = 1;
/// Largest year a date may have.
pub const MAX_YEAR: i32 = 9999;

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// A date from year, month (1..=12) and day; `None` when it does not exist or the year is
    /// outside 1..=9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Some(v)
        };
        Date::from_ymd(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
    }

    /// The date `days` later (earlier when negative); `None` outside years 1..=9999.
    pub fn add_days(self, days: i64) -> Option<Date> {
        let v = i64::from(self.0).checked_add(days)?;
        let d = Date(i32::try_from(v).ok()?);
        let (y, _, _) = d.ymd();
        (MIN_YEAR..=MAX_YEAR).contains(&y).then_some(d)
    }

    /// Whole days from `self` to `other` (`other − self`).
    pub fn days_until(self, other: Date) -> i64 {
        i64::from(other.0) - i64::from(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid date {text:?}")))
    }
}

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
}

impl DateRange {
    /// True when `d` lies in the range.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
    /// Number of days, both ends counted.
    pub fn days(&self) -> i64 {
        self.start.days_until(self.end) + 1
    }
}

/// Length of a pay period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    /// One month.
    Month,
    /// Three months.
    Quarter,
    /// Six months.
    Half,
    /// Twelve months.
    Year,
}

impl Grain {
    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Half => 6,
            Grain::Year => 12,
        }
    }
    /// The keyword in plan text.
    pub fn keyword(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Half => "half",
            Grain::Year => "year",
        }
    }
    /// Parses a plan keyword.
    pub fn from_keyword(word: &str) -> Option<Grain> {
        [Grain::Month, Grain::Quarter, Grain::Half, Grain::Year]
            .into_iter()
            .find(|g| g.keyword() == word)
    }
}

/// A pay period: the `index`-th period (1-based) of fiscal year `fiscal_year`.
///
/// A fiscal year is named by the calendar year in which it starts. Periods order by
/// (fiscal year, index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// Fiscal year (the calendar year of its first day).
    pub fiscal_year: i32,
    /// 1-based index within the fiscal year (1..=12 months, 1..=4 quarters, 1..=2 halves, 1).
    pub index: u32,
    /// Grain of the period.
    pub grain: Grain,
    /// Month (1..=12) the fiscal year starts in.
    pub fiscal_start_month: u8,
}

impl Period {
    /// The period of `grain` containing `date`, for a fiscal year starting in `fiscal_start_month`.
    pub fn containing(date: Date, grain: Grain, fiscal_start_month: u8) -> Period {
        let (y, m, _) = date.ymd();
        let fs = u32::from(fiscal_start_month.clamp(1, 12));
        let (fiscal_year, month_in_year) = if m >= fs {
            (y, m - fs)
        } else {
            (y - 1, m + 12 - fs)
        };
        Period {
            fiscal_year,
            index: month_in_year / grain.months() + 1,
            grain,
            fiscal_start_month: fs as u8,
        }
    }

    /// First and last day of the period.
    pub fn range(&self) -> DateRange {
        let fs = i64::from(self.fiscal_start_month.clamp(1, 12));
        let first_month0 = (fs - 1) + i64::from((self.index - 1) * self.grain.months());
        let start_year = self.fiscal_year + (first_month0 / 12) as i32;
        let start_month = (first_month0 % 12) as u32 + 1;
        let last_month0 = first_month0 + i64::from(self.grain.months()) - 1;
        let end_year = self.fiscal_year + (last_month0 / 12) as i32;
        let end_month = (last_month0 % 12) as u32 + 1;
        let start = Date::from_ymd(start_year, start_month, 1).unwrap_or_default();
        let end = Date::from_ymd(end_year, end_month, days_in_month(end_year, end_month))
            .unwrap_or_default();
        DateRange { start, end }
    }

    /// The next period.
    pub fn next(&self) -> Period {
        let per_year = 12 / self.grain.months();
        if self.index >= per_year {
            Period {
                fiscal_year: self.fiscal_year + 1,
                index: 1,
                ..*self
            }
        } else {
            Period {
                index: self.index + 1,
                ..*self
            }
        }
    }

    /// The first period of this period's fiscal year.
    pub fn first_of_year(&self) -> Period {
        Period { index: 1, ..*self }
    }

    /// Label such as `2026-Q1`, `2026-03`, `2026-H2`, `2026` (fiscal years starting in January)
    /// or `FY2026-Q1`, `FY2026-M03` (other fiscal years), the year always with four digits
    /// (`0001-Q1`): the form [`parse_period_range`] reads back.
    pub fn label(&self) -> String {
        let prefix = if self.fiscal_start_month == 1 {
            format!("{:04}", self.fiscal_year)
        } else {
            format!("FY{:04}", self.fiscal_year)
        };
        match self.grain {
            Grain::Month if self.fiscal_start_month == 1 => format!("{prefix}-{:02}", self.index),
            Grain::Month => format!("{prefix}-M{:02}", self.index),
            Grain::Quarter => format!("{prefix}-Q{}", self.index),
            Grain::Half => format!("{prefix}-H{}", self.index),
            Grain::Year => prefix,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Error from [`parse_period_range`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid period {text:?}: {reason}")]
pub struct PeriodParseError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

/// The year of a label: exactly four ASCII digits, 0001 to 9999.
fn four_digit_year(text: &str) -> Result<i32, String> {
    let b = text.as_bytes();
    if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) {
        return Err("expected a four-digit year".into());
    }
    let year = b.iter().fold(0i32, |v, c| v * 10 + i32::from(c - b'0'));
    if year < MIN_YEAR {
        return Err("the year 0000 is before 0001, the first year".into());
    }
    Ok(year)
}

/// The grain and index of a label's suffix (after the year's `-`): `Q1`–`Q4`, `H1`, `H2`, or
/// a two-digit month, written `01`–`12` on a calendar year and `M01`–`M12` on a fiscal year
/// (so a fiscal month never reads as a calendar month).
fn suffix_of(s: &str, fiscal: bool) -> Result<(Grain, u32), String> {
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let (grain, index) = match *s.as_bytes() {
        [b'Q', d] => (Grain::Quarter, digit(d)),
        [b'H', d] => (Grain::Half, digit(d)),
        [b'M', a, b] if fiscal => (
            Grain::Month,
            digit(a).zip(digit(b)).map(|(a, b)| a * 10 + b),
        ),
        [a, b] if !fiscal => (
            Grain::Month,
            digit(a).zip(digit(b)).map(|(a, b)| a * 10 + b),
        ),
        _ => (Grain::Year, None),
    };
    let Some(index) = index else {
        let month = if fiscal { "-M01 to -M12" } else { "-01 to -12" };
        return Err(format!(
            "expected the year alone or followed by -Q1 to -Q4, -H1, -H2 or a month {month}"
        ));
    };
    let max = 12 / grain.months();
    if index == 0 || index > max {
        return Err(format!("index {index} out of range 1..={max}"));
    }
    Ok((grain, index))
}

/// One label (docs/language.md §3.2), strictly: `2026`, `2026-Q1`, `2026-H2`, `2026-03` when
/// the fiscal year starts in January; `FY2026`, `FY2026-Q1`, `FY2026-H2`, `FY2026-M03`
/// otherwise. Exactly what [`Period::label`] writes, so every label reads back.
fn parse_one_period(
    text: &str,
    grain: Grain,
    fiscal_start_month: u8,
) -> Result<(Period, Period), String> {
    let fiscal = fiscal_start_month != 1;
    let (fy_prefixed, rest) = match text.strip_prefix("FY") {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (year_text, suffix) = match rest.split_once('-') {
        Some((y, s)) => (y, Some(s)),
        None => (rest, None),
    };
    let year = four_digit_year(year_text)?;
    if fiscal && !fy_prefixed {
        // Calendar labels are ambiguous under a shifted fiscal year; require FY.
        return Err(format!(
            "this plan's fiscal year does not start in January: write FY{text}"
        ));
    }
    if !fiscal && fy_prefixed {
        return Err(format!(
            "this plan's fiscal year starts in January: write {rest}, without FY"
        ));
    }
    if fiscal && year == MAX_YEAR {
        // Its last months fall in year 10000, past the last date.
        return Err(format!(
            "FY{year_text} runs past 9999-12-31, the last date; fiscal years go up to FY9998"
        ));
    }
    // A label of a coarser grain expands to every plan period inside it.
    let (lo_grain, lo_index) = match suffix {
        None => (Grain::Year, 1),
        Some(s) => suffix_of(s, fiscal)?,
    };
    if lo_grain.months() < grain.months() {
        return Err(format!(
            "{} is shorter than the plan's period ({})",
            lo_grain.keyword(),
            grain.keyword()
        ));
    }
    let outer = Period {
        fiscal_year: year,
        index: lo_index,
        grain: lo_grain,
        fiscal_start_month,
    };
    let r = outer.range();
    Ok((
        Period::containing(r.start, grain, fiscal_start_month),
        Period::containing(r.end, grain, fiscal_start_month),
    ))
}

/// Parses a period or an inclusive range of periods: `2026-Q1`, `2026-03`, `2026-H1`, `2026`,
/// `2026-01..2026-12`, `FY2026-Q2` (for fiscal years not starting in January). Labels coarser
/// than the plan grain cover every period inside them. Returns the first and last period.
///
/// Strict (docs/language.md §3.2): no spaces, no signs, no extra digits, `FY` exactly when the
/// fiscal year does not start in January, years 0001 to 9999 (fiscal years to FY9998).
pub fn parse_period_range(
    text: &str,
    grain: Grain,
    fiscal_start_month: u8,
) -> Result<(Period, Period), PeriodParseError> {
    let err = |reason: String| PeriodParseError {
        text: text.to_string(),
        reason,
    };
    if text.chars().any(char::is_whitespace) {
        return Err(err("a period label has no spaces".into()));
    }
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => (a, b),
        None => (text, text),
    };
    let (first, _) = parse_one_period(a, grain, fiscal_start_month).map_err(err)?;
    let (_, last) = parse_one_period(b, grain, fiscal_start_month).map_err(err)?;
    if last < first {
        return Err(err("the range ends before it starts".into()));
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_round_trip() {
        for text in [
            "1970-01-01",
            "2024-02-29",
            "2026-12-31",
            "0001-01-01",
            "9999-12-31",
        ] {
            let d = Date::parse(text).unwrap_or_default();
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-2-01"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
    }

    #[test]
    fn quarters_and_fiscal_years() {
        let d = Date::parse("2026-02-03").unwrap_or_default();
        let q = Period::containing(d, Grain::Quarter, 1);
        assert_eq!(q.label(), "2026-Q1");
        assert_eq!(q.range().end.to_string(), "2026-03-31");
        let fq = Period::containing(d, Grain::Quarter, 2);
        assert_eq!(fq.label(), "FY2026-Q1");
        assert_eq!(fq.range().start.to_string(), "2026-02-01");
        assert_eq!(fq.range().end.to_string(), "2026-04-30");
        let jan = Period::containing(
            Date::parse("2026-01-10").unwrap_or_default(),
            Grain::Quarter,
            2,
        );
        assert_eq!(jan.label(), "FY2025-Q4");
        assert_eq!(jan.next().label(), "FY2026-Q1");
    }

    #[test]
    fn period_ranges() {
        let (a, b) =
            parse_period_range("2026", Grain::Quarter, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.label(), b.label()), ("2026-Q1".into(), "2026-Q4".into()));
        let (a, b) = parse_period_range("2026-01..2026-12", Grain::Month, 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.label(), b.label()), ("2026-01".into(), "2026-12".into()));
        assert!(parse_period_range("2026-03", Grain::Quarter, 1).is_err());
        assert!(parse_period_range("2026-Q5", Grain::Quarter, 1).is_err());
        assert!(parse_period_range("2026-Q3..2026-Q1", Grain::Quarter, 1).is_err());
    }

    /// The reason `text` is refused with, or its first and last labels.
    fn read(text: &str, grain: Grain, fsm: u8) -> Result<(String, String), String> {
        parse_period_range(text, grain, fsm)
            .map(|(a, b)| (a.label(), b.label()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_year_range_reads_and_writes_four_digits() {
        let ok = |a: &str, b: &str| Ok((a.to_string(), b.to_string()));
        assert_eq!(read("9999-Q1", Grain::Quarter, 1), ok("9999-Q1", "9999-Q1"));
        assert_eq!(read("9999", Grain::Month, 1), ok("9999-01", "9999-12"));
        assert_eq!(read("0001-Q1", Grain::Quarter, 1), ok("0001-Q1", "0001-Q1"));
        assert_eq!(
            read("FY0001", Grain::Month, 2),
            ok("FY0001-M01", "FY0001-M12")
        );
        assert_eq!(
            read("FY9998-H2", Grain::Half, 7),
            ok("FY9998-H2", "FY9998-H2")
        );
        let last = Period {
            fiscal_year: 9998,
            index: 2,
            grain: Grain::Half,
            fiscal_start_month: 7,
        };
        assert_eq!(last.range().end.to_string(), "9999-06-30");
        assert_eq!(
            read("FY9999-Q1", Grain::Quarter, 2),
            Err("invalid period \"FY9999-Q1\": FY9999 runs past 9999-12-31, the last date; fiscal years go up to FY9998".into())
        );
        for text in [
            "10000-Q1",
            "999-Q1",
            "+202-Q1",
            "-202-Q1",
            "２０２６-Q1",
            "soon",
            "FY",
        ] {
            assert_eq!(
                read(text, Grain::Quarter, 1),
                Err(format!(
                    "invalid period {text:?}: expected a four-digit year"
                ))
            );
        }
        assert_eq!(
            read("0000-Q1", Grain::Quarter, 1),
            Err("invalid period \"0000-Q1\": the year 0000 is before 0001, the first year".into())
        );
    }

    #[test]
    fn loose_labels_are_refused_with_the_rule() {
        let suffix = "expected the year alone or followed by -Q1 to -Q4, -H1, -H2 or a month";
        for text in [
            "2026-Q+1", "2026-Q01", "2026-q1", "2026-1", "2026-001", "2026-M01", "2026-",
            "2026-Q1-", "2026-+1", "2026-Q", "2026-H", "2026-1a",
        ] {
            assert_eq!(
                read(text, Grain::Month, 1),
                Err(format!("invalid period {text:?}: {suffix} -01 to -12")),
                "{text}"
            );
        }
        // A well-formed suffix past the year's periods names the index.
        for (text, index, max) in [
            ("2026-Q0", 0, 4),
            ("2026-Q5", 5, 4),
            ("2026-H3", 3, 2),
            ("2026-13", 13, 12),
            ("2026-00", 0, 12),
        ] {
            assert_eq!(
                read(text, Grain::Month, 1),
                Err(format!(
                    "invalid period {text:?}: index {index} out of range 1..={max}"
                ))
            );
        }
        assert_eq!(
            read("FY2026-M13", Grain::Month, 2),
            Err("invalid period \"FY2026-M13\": index 13 out of range 1..=12".into())
        );
        for text in ["FY2026-01", "FY2026-M1", "FY2026-M+1", "FY2026-Q01"] {
            assert_eq!(
                read(text, Grain::Month, 2),
                Err(format!("invalid period {text:?}: {suffix} -M01 to -M12")),
                "{text}"
            );
        }
        assert_eq!(
            read("FY2026-Q1", Grain::Quarter, 1),
            Err("invalid period \"FY2026-Q1\": this plan's fiscal year starts in January: write 2026-Q1, without FY".into())
        );
        assert_eq!(
            read("2026-Q1", Grain::Quarter, 2),
            Err("invalid period \"2026-Q1\": this plan's fiscal year does not start in January: write FY2026-Q1".into())
        );
        for text in [" 2026-Q1", "2026-Q1 ", "2026-Q1 .. 2026-Q2", "2026-Q1\t"] {
            assert_eq!(
                read(text, Grain::Quarter, 1),
                Err(format!(
                    "invalid period {text:?}: a period label has no spaces"
                ))
            );
        }
        assert_eq!(
            read("2026-Q1..2026-Q2..2026-Q3", Grain::Quarter, 1),
            Err(format!(
                "invalid period \"2026-Q1..2026-Q2..2026-Q3\": {suffix} -01 to -12"
            ))
        );
        assert_eq!(
            read("2026-03", Grain::Quarter, 1),
            Err(
                "invalid period \"2026-03\": month is shorter than the plan's period (quarter)"
                    .into()
            )
        );
    }

    /// Every period of every calendar: the label it is written with reads back as itself.
    fn any_period() -> impl proptest::strategy::Strategy<Value = Period> {
        use proptest::prelude::*;
        let grain = prop_oneof![
            Just(Grain::Month),
            Just(Grain::Quarter),
            Just(Grain::Half),
            Just(Grain::Year)
        ];
        (
            grain,
            1u8..=12,
            0u32..12,
            prop_oneof![
                MIN_YEAR..=MAX_YEAR,
                Just(MIN_YEAR),
                Just(MAX_YEAR),
                Just(MAX_YEAR - 1)
            ],
        )
            .prop_map(|(grain, fsm, k, year)| {
                let fiscal_year = if fsm != 1 {
                    year.min(MAX_YEAR - 1)
                } else {
                    year
                };
                Period {
                    fiscal_year,
                    index: k % (12 / grain.months()) + 1,
                    grain,
                    fiscal_start_month: fsm,
                }
            })
    }

    /// Texts made of the pieces labels are made of, valid and not.
    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("FY".to_string()),
            Just("-".to_string()),
            Just("..".to_string()),
            Just("Q".to_string()),
            Just("H".to_string()),
            Just("M".to_string()),
            Just("+".to_string()),
            Just(" ".to_string()),
            (0u32..13).prop_map(|v| format!("{v:02}")),
            (0u32..10).prop_map(|v| v.to_string()),
            (0i32..10_001).prop_map(|v| format!("{v:04}")),
        ];
        proptest::collection::vec(piece, 1..7).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// format → parse gives the same period, and its range lies within the dates.
        #[test]
        fn every_label_reads_back_as_its_period(p in any_period()) {
            let label = p.label();
            let got = parse_period_range(&label, p.grain, p.fiscal_start_month);
            proptest::prop_assert_eq!(got, Ok((p, p)), "{}", label);
            let r = p.range();
            proptest::prop_assert!(Date::parse(&r.start.to_string()) == Some(r.start));
            proptest::prop_assert!(r.start <= r.end, "{}", label);
            proptest::prop_assert_eq!(Period::containing(r.start, p.grain, p.fiscal_start_month), p);
            proptest::prop_assert_eq!(Period::containing(r.end, p.grain, p.fiscal_start_month), p);
        }

        /// parse → format gives the same text: a text read as one period of the plan's grain
        /// is exactly that period's label; the ends of any accepted range read back.
        #[test]
        fn every_accepted_text_is_a_label(
            text in any_text(),
            grain in proptest::prop_oneof![
                proptest::strategy::Just(Grain::Month),
                proptest::strategy::Just(Grain::Quarter),
                proptest::strategy::Just(Grain::Half),
                proptest::strategy::Just(Grain::Year)
            ],
            fsm in 1u8..=12,
        ) {
            if let Ok((a, b)) = parse_period_range(&text, grain, fsm) {
                for p in [a, b] {
                    proptest::prop_assert_eq!(
                        parse_period_range(&p.label(), grain, fsm),
                        Ok((p, p))
                    );
                }
                if !text.contains("..") && a == b {
                    // Unless it was a coarser label standing for one period (none can be).
                    proptest::prop_assert_eq!(a.label(), text);
                }
            }
        }
    }
}
