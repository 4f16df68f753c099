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
    /// or `FY2026-Q1` (other fiscal years).
    pub fn label(&self) -> String {
        let prefix = if self.fiscal_start_month == 1 {
            format!("{}", self.fiscal_year)
        } else {
            format!("FY{}", self.fiscal_year)
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

fn parse_one_period(
    text: &str,
    grain: Grain,
    fiscal_start_month: u8,
) -> Result<(Period, Period), String> {
    let t = text.trim();
    let (fy_prefixed, rest) = match t.strip_prefix("FY") {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (year_text, suffix) = match rest.split_once('-') {
        Some((y, s)) => (y, Some(s)),
        None => (rest, None),
    };
    let year: i32 = year_text
        .parse()
        .ok()
        .filter(|y| (MIN_YEAR..MAX_YEAR).contains(y) && year_text.len() == 4)
        .ok_or_else(|| "expected a four-digit year".to_string())?;
    if fiscal_start_month != 1 && !fy_prefixed {
        // Calendar labels are ambiguous under a shifted fiscal year; require FY.
        return Err("this plan's fiscal year does not start in January: write FY2026-Q1".into());
    }
    let per = |grain_of: Grain, index: u32| -> Result<Period, String> {
        let max = 12 / grain_of.months();
        if index == 0 || index > max {
            return Err(format!("index {index} out of range 1..={max}"));
        }
        Ok(Period {
            fiscal_year: year,
            index,
            grain: grain_of,
            fiscal_start_month,
        })
    };
    // A label of a coarser grain expands to every plan period inside it.
    let (lo_grain, lo_index) = match suffix {
        None => (Grain::Year, 1),
        Some(s) => {
            let (g, digits) = if let Some(d) = s.strip_prefix('Q') {
                (Grain::Quarter, d)
            } else if let Some(d) = s.strip_prefix('H') {
                (Grain::Half, d)
            } else if let Some(d) = s.strip_prefix('M') {
                (Grain::Month, d)
            } else {
                (Grain::Month, s)
            };
            let idx: u32 = digits.parse().map_err(|_| format!("cannot read {s:?}"))?;
            (g, idx)
        }
    };
    let outer = per(lo_grain, lo_index)?;
    if lo_grain.months() < grain.months() {
        return Err(format!(
            "{} is shorter than the plan's period ({})",
            lo_grain.keyword(),
            grain.keyword()
        ));
    }
    let r = outer.range();
    Ok((
        Period::containing(r.start, grain, fiscal_start_month),
        Period::containing(r.end, grain, fiscal_start_month),
    ))
}

/// Parses a period or an inclusive range of periods: `2026-Q1`, `2026-03`, `2026-H1`, `2026`,
/// `2026-01..2026-12`, `FY2026-Q2` (for fiscal years not starting in January). Labels coarser
/// than the plan grain cover every period inside them. Returns the first and last period.
pub fn parse_period_range(
    text: &str,
    grain: Grain,
    fiscal_start_month: u8,
) -> Result<(Period, Period), PeriodParseError> {
    let err = |reason: String| PeriodParseError {
        text: text.to_string(),
        reason,
    };
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
}
