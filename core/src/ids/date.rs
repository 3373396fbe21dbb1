//! Civil dates (proleptic Gregorian calendar, no time zone) and date ranges.
//!
//! Licenses carry dates, not instants: a birth date, an issue date, a
//! validity term. [`Date`] is always a real calendar day between
//! 0001-01-01 and 9999-12-31; it converts to and from a day count since
//! 1970-01-01 so that `crate::time` can turn it into an instant in China
//! Standard Time. [`DateRange`] is a validity term whose end may be open
//! (长期, long-term).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::Localized;

/// A calendar day, e.g. 1949-12-31.
///
/// Ordering is chronological. `Display` and `FromStr` use ISO 8601
/// (`YYYY-MM-DD`); serde uses the same text.
///
/// ```
/// # use liangzheng::ids::Date;
/// let d: Date = "1949-12-31".parse().unwrap();
/// assert_eq!(d, Date::parse_yyyymmdd("19491231").unwrap());
/// assert_eq!(d.to_string(), "1949-12-31");
/// assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date or a date range was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not in the expected layout (`YYYYMMDD` or `YYYY-MM-DD`, ASCII digits).
    Format,
    /// The year is outside 0001–9999.
    YearOutOfRange,
    /// The month is not 1–12.
    Month,
    /// The day does not exist in that month (e.g. 02-30, or 02-29 in a common year).
    Day,
    /// A range ends before it starts.
    EndBeforeStart,
}

impl Localized for DateError {
    fn zh(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            DateError::Format => "日期格式错误",
            DateError::YearOutOfRange => "年份超出 0001–9999 范围",
            DateError::Month => "月份不存在",
            DateError::Day => "该月没有这一天",
            DateError::EndBeforeStart => "截止日期早于起始日期",
        })
    }

    fn en(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            DateError::Format => "malformed date",
            DateError::YearOutOfRange => "year outside 0001-9999",
            DateError::Month => "no such month",
            DateError::Day => "no such day in that month",
            DateError::EndBeforeStart => "end date is before start date",
        })
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for DateError {}

/// Whether `year` is a leap year in the Gregorian calendar.
pub fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in `month` (1–12) of `year`, or `None` for a month that does not exist.
pub fn days_in_month(year: u16, month: u8) -> Option<u8> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Parses exactly `N` ASCII digits into a number.
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')))
}

impl Date {
    /// The earliest representable date, 0001-01-01.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };
    /// The latest representable date, 9999-12-31.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };
    /// 1970-01-01, day 0 of [`Date::days_since_epoch`].
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// A date, if it exists in the calendar (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError::YearOutOfRange);
        }
        let last = days_in_month(year, month).ok_or(DateError::Month)?;
        if day == 0 || day > last {
            return Err(DateError::Day);
        }
        Ok(Date { year, month, day })
    }

    /// The year (1–9999).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month (1–12).
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month (1–31).
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Parses the compact form `YYYYMMDD` used inside ID numbers (e.g. `19491231`).
    pub fn parse_yyyymmdd(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 8 {
            return Err(DateError::Format);
        }
        Self::from_parts(&b[0..4], &b[4..6], &b[6..8])
    }

    /// Parses ISO 8601 `YYYY-MM-DD` (e.g. `1949-12-31`).
    pub fn parse_iso(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        Self::from_parts(&b[0..4], &b[5..7], &b[8..10])
    }

    fn from_parts(y: &[u8], m: &[u8], d: &[u8]) -> Result<Date, DateError> {
        let y = digits(y).ok_or(DateError::Format)?;
        let m = digits(m).ok_or(DateError::Format)?;
        let d = digits(d).ok_or(DateError::Format)?;
        // At most 4 and 2 digits, so these conversions cannot fail.
        let y = u16::try_from(y).map_err(|_| DateError::Format)?;
        let m = u8::try_from(m).map_err(|_| DateError::Format)?;
        let d = u8::try_from(d).map_err(|_| DateError::Format)?;
        Date::new(y, m, d)
    }

    /// The compact form `YYYYMMDD`.
    pub fn to_yyyymmdd(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before it), proleptic Gregorian calendar.
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's `days_from_civil`: count in 400-year eras that start on March 1st,
        // so the leap day is the last day of the (shifted) year.
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    ///
    /// Saturates at [`Date::MIN`] and [`Date::MAX`] rather than failing, so
    /// that a day count computed from any timestamp still yields a date.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days.clamp(Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
        // Hinnant's `civil_from_days`, the inverse of `days_since_epoch`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        // The clamp above keeps every component in range.
        Date {
            year: u16::try_from(y).unwrap_or(9999),
            month: u8::try_from(m).unwrap_or(12),
            day: u8::try_from(d).unwrap_or(31),
        }
    }

    /// This date moved by `days` days, saturating at [`Date::MIN`] / [`Date::MAX`].
    pub fn add_days(&self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// This date `years` years later (earlier when negative), or `None` outside 0001–9999.
    ///
    /// February 29 becomes February 28 in a common year.
    pub fn checked_add_years(&self, years: i32) -> Option<Date> {
        let y = i32::from(self.year).checked_add(years)?;
        let year = u16::try_from(y).ok().filter(|y| (1..=9999).contains(y))?;
        let last = days_in_month(year, self.month)?;
        Some(Date {
            year,
            month: self.month,
            day: self.day.min(last),
        })
    }

    /// This date `years` years later (earlier when negative), saturating at
    /// [`Date::MIN`] / [`Date::MAX`]. February 29 becomes February 28 in a common year.
    pub fn add_years(&self, years: i32) -> Date {
        match self.checked_add_years(years) {
            Some(d) => d,
            None if years < 0 => Date::MIN,
            None => Date::MAX,
        }
    }

    /// Completed years from `birth` to `self` (周岁): the age on this date of a
    /// person born on `birth`, or `None` if `self` is before `birth`.
    ///
    /// The age goes up on the birthday itself; someone born on February 29
    /// turns a year older on March 1 in common years.
    pub fn years_since(&self, birth: Date) -> Option<u32> {
        if *self < birth {
            return None;
        }
        let mut years = u32::from(self.year - birth.year);
        if (self.month, self.day) < (birth.month, birth.day) {
            years -= 1;
        }
        Some(years)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    /// Parses ISO 8601 `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse_iso(s)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let s = String::deserialize(deserializer)?;
        Date::parse_iso(&s).map_err(serde::de::Error::custom)
    }
}

/// A validity term: from `start` to `end` inclusive, or open-ended (长期, long-term)
/// when `end` is `None`. Always `start <= end`.
///
/// ```
/// # use liangzheng::ids::{Date, DateRange};
/// let start = Date::new(2015, 3, 10).unwrap();
/// let term = DateRange::new(start, Some(start.add_years(10))).unwrap();
/// assert!(term.contains(Date::new(2025, 3, 10).unwrap()));
/// assert!(!term.contains(Date::new(2025, 3, 11).unwrap()));
/// assert!(DateRange::long_term(start).is_long_term());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "DateRangeRepr")]
pub struct DateRange {
    start: Date,
    end: Option<Date>,
}

/// The unchecked serde form of [`DateRange`], validated on the way in.
#[derive(Deserialize)]
struct DateRangeRepr {
    start: Date,
    end: Option<Date>,
}

impl TryFrom<DateRangeRepr> for DateRange {
    type Error = DateError;

    fn try_from(r: DateRangeRepr) -> Result<DateRange, DateError> {
        DateRange::new(r.start, r.end)
    }
}

impl DateRange {
    /// A term from `start` to `end` (inclusive); `end = None` means long-term (长期).
    pub fn new(start: Date, end: Option<Date>) -> Result<DateRange, DateError> {
        match end {
            Some(e) if e < start => Err(DateError::EndBeforeStart),
            _ => Ok(DateRange { start, end }),
        }
    }

    /// A long-term (长期) term starting on `start`.
    pub fn long_term(start: Date) -> DateRange {
        DateRange { start, end: None }
    }

    /// The first day of the term.
    pub fn start(&self) -> Date {
        self.start
    }

    /// The last day of the term, or `None` for long-term (长期).
    pub fn end(&self) -> Option<Date> {
        self.end
    }

    /// Whether the term has no end (长期).
    pub fn is_long_term(&self) -> bool {
        self.end.is_none()
    }

    /// Whether `date` falls within the term (both ends inclusive).
    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && self.end.is_none_or(|e| date <= e)
    }
}

impl fmt::Display for DateRange {
    /// `2015-03-10 至 2025-03-10`, or `2015-03-10 至 长期`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.end {
            Some(e) => write!(f, "{} 至 {}", self.start, e),
            None => write!(f, "{} 至 长期", self.start),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert_eq!(Date::new(1900, 2, 29), Err(DateError::Day));
        assert_eq!(Date::new(2023, 2, 29), Err(DateError::Day));
    }

    #[test]
    fn month_and_day_must_exist() {
        assert_eq!(Date::new(2024, 13, 1), Err(DateError::Month));
        assert_eq!(Date::new(2024, 0, 1), Err(DateError::Month));
        assert_eq!(Date::new(2024, 4, 31), Err(DateError::Day));
        assert_eq!(Date::new(2024, 1, 0), Err(DateError::Day));
        assert_eq!(Date::new(0, 1, 1), Err(DateError::YearOutOfRange));
        assert_eq!(Date::new(10000, 1, 1), Err(DateError::YearOutOfRange));
    }

    #[test]
    fn compact_and_iso_forms_parse_to_the_same_date() {
        assert_eq!(Date::parse_yyyymmdd("19491231"), Ok(d(1949, 12, 31)));
        assert_eq!(Date::parse_iso("1949-12-31"), Ok(d(1949, 12, 31)));
        assert_eq!("1949-12-31".parse::<Date>(), Ok(d(1949, 12, 31)));
        assert_eq!(d(1949, 12, 31).to_yyyymmdd(), "19491231");
    }

    #[test]
    fn malformed_text_is_a_format_error() {
        for bad in [
            "1949123",
            "194912311",
            "1949-12-3",
            "1949/12/31",
            "19491a31",
            "+9491231",
        ] {
            assert!(
                Date::parse_yyyymmdd(bad).is_err() && Date::parse_iso(bad).is_err(),
                "{bad}"
            );
        }
        assert_eq!(Date::parse_iso("1949-1231-"), Err(DateError::Format));
        assert_eq!(Date::parse_yyyymmdd("19911301"), Err(DateError::Month));
    }

    #[test]
    fn display_is_iso_8601_with_padding() {
        assert_eq!(d(5, 3, 7).to_string(), "0005-03-07");
        assert_eq!(d(2025, 5, 22).to_string(), "2025-05-22");
    }

    #[test]
    fn days_since_epoch_matches_known_values() {
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(d(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(d(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(d(2024, 2, 29).days_since_epoch(), 19_782);
        assert_eq!(d(1949, 12, 31).days_since_epoch(), -7_306);
        assert_eq!(Date::MIN.days_since_epoch(), -719_162);
        assert_eq!(Date::MAX.days_since_epoch(), 2_932_896);
    }

    #[test]
    fn day_count_round_trips_over_the_whole_range() {
        let (lo, hi) = (Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
        let mut prev: Option<Date> = None;
        for n in (lo..=hi).step_by(7) {
            let date = Date::from_days_since_epoch(n);
            assert_eq!(date.days_since_epoch(), n);
            assert!(Date::new(date.year(), date.month(), date.day()).is_ok());
            if let Some(p) = prev {
                assert!(p < date);
            }
            prev = Some(date);
        }
    }

    #[test]
    fn consecutive_days_are_consecutive_counts() {
        let mut date = d(1899, 12, 25);
        for _ in 0..1_000 {
            let next = date.add_days(1);
            assert_eq!(next.days_since_epoch(), date.days_since_epoch() + 1);
            date = next;
        }
        assert_eq!(d(2023, 12, 31).add_days(1), d(2024, 1, 1));
        assert_eq!(d(2024, 2, 28).add_days(1), d(2024, 2, 29));
        assert_eq!(d(2023, 2, 28).add_days(1), d(2023, 3, 1));
    }

    #[test]
    fn from_days_since_epoch_saturates() {
        assert_eq!(Date::from_days_since_epoch(i64::MIN), Date::MIN);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), Date::MAX);
        assert_eq!(Date::MAX.add_days(1), Date::MAX);
    }

    #[test]
    fn adding_years_keeps_month_and_day() {
        assert_eq!(d(2015, 3, 10).add_years(10), d(2025, 3, 10));
        assert_eq!(d(2015, 3, 10).add_years(-10), d(2005, 3, 10));
    }

    #[test]
    fn adding_years_to_february_29_lands_on_february_28() {
        assert_eq!(d(2024, 2, 29).add_years(1), d(2025, 2, 28));
        assert_eq!(d(2024, 2, 29).add_years(4), d(2028, 2, 29));
        assert_eq!(d(2024, 2, 29).add_years(76), d(2100, 2, 28));
    }

    #[test]
    fn adding_years_saturates_at_the_range_ends() {
        assert_eq!(d(9990, 1, 1).checked_add_years(10), None);
        assert_eq!(d(9990, 1, 1).add_years(10), Date::MAX);
        assert_eq!(d(5, 1, 1).add_years(-10), Date::MIN);
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(d(1949, 12, 31) < d(1950, 1, 1));
        assert!(d(2024, 1, 31) < d(2024, 2, 1));
        assert!(d(2024, 2, 1) < d(2024, 2, 2));
    }

    #[test]
    fn age_counts_completed_years() {
        let birth = d(2000, 6, 15);
        assert_eq!(d(2016, 6, 14).years_since(birth), Some(15));
        assert_eq!(d(2016, 6, 15).years_since(birth), Some(16));
        assert_eq!(d(2000, 6, 15).years_since(birth), Some(0));
        assert_eq!(d(2000, 6, 14).years_since(birth), None);
        let leap = d(2004, 2, 29);
        assert_eq!(d(2005, 2, 28).years_since(leap), Some(0));
        assert_eq!(d(2005, 3, 1).years_since(leap), Some(1));
    }

    #[test]
    fn range_end_must_not_precede_start() {
        let start = d(2020, 1, 1);
        assert_eq!(
            DateRange::new(start, Some(d(2019, 12, 31))),
            Err(DateError::EndBeforeStart)
        );
        assert!(DateRange::new(start, Some(start)).is_ok());
        assert!(DateRange::new(start, None).is_ok_and(|r| r.is_long_term()));
    }

    #[test]
    fn range_contains_both_ends_and_long_term_never_ends() {
        let r = DateRange::new(d(2020, 1, 1), Some(d(2020, 12, 31))).unwrap();
        assert!(r.contains(d(2020, 1, 1)));
        assert!(r.contains(d(2020, 12, 31)));
        assert!(!r.contains(d(2019, 12, 31)));
        assert!(!r.contains(d(2021, 1, 1)));
        let lt = DateRange::long_term(d(2020, 1, 1));
        assert!(lt.contains(Date::MAX));
        assert!(!lt.contains(d(2019, 12, 31)));
        assert_eq!(lt.to_string(), "2020-01-01 至 长期");
        assert_eq!(r.to_string(), "2020-01-01 至 2020-12-31");
    }

    #[test]
    fn serde_uses_iso_text_and_validates_ranges() {
        let date = d(1949, 12, 31);
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"1949-12-31\"");
        assert_eq!(
            serde_json::from_str::<Date>("\"1949-12-31\"").unwrap(),
            date
        );
        assert!(serde_json::from_str::<Date>("\"1949-02-30\"").is_err());
        let r = DateRange::new(d(2020, 1, 1), None).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, r#"{"start":"2020-01-01","end":null}"#);
        assert_eq!(serde_json::from_str::<DateRange>(&json).unwrap(), r);
        let backwards = r#"{"start":"2020-01-01","end":"2019-01-01"}"#;
        assert!(serde_json::from_str::<DateRange>(backwards).is_err());
    }

    #[test]
    fn date_errors_speak_both_languages() {
        let e = DateError::Day;
        assert_eq!(e.to_string(), e.bilingual());
        assert!(!e.zh().is_ascii());
        assert!(e.en().is_ascii());
    }
}
