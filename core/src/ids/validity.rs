//! The validity term (有效期限) of a 居民身份证, fixed by age at issue.
//!
//! 中华人民共和国居民身份证法 第五条: under 16 → 5 years (issued on request);
//! 16–25 → 10 years; 26–45 → 20 years; 46 and over → long-term (长期). The
//! term runs from the start date to the same month and day N years later
//! (e.g. 2015.03.10–2025.03.10); February 29 ends on February 28.
//!
//! The law sets the term by the age at *application* (申领), while the card
//! only carries the start of validity (the issue date). The 居民身份证法 第十条
//! gives the police 60 days (90 in remote areas) from application to issue, so
//! the term is accepted when it fits the holder's age in completed years
//! (周岁) on any day of the [`APPLICATION_WINDOW_DAYS`] days up to and
//! including the start date. This also covers the birthday itself, which is
//! read both ways in Chinese practice (criminal law counts from the day after).

use std::borrow::Cow;
use std::fmt;

use super::date::Date;
use crate::lang::Localized;

/// How many days before the start of validity the application may have been
/// made (居民身份证法 第十条: at most 90 days from application to issue).
pub const APPLICATION_WINDOW_DAYS: i64 = 90;

/// The term in years of a 居民身份证 issued on `issue` to someone born on
/// `birth`, or `None` for long-term (长期).
///
/// An issue date before the birth date counts as age 0.
///
/// ```
/// # use liangzheng::ids::{expected_id_card_validity, Date};
/// let birth = Date::new(1990, 1, 1).unwrap();
/// assert_eq!(expected_id_card_validity(birth, Date::new(2005, 12, 31).unwrap()), Some(5));
/// assert_eq!(expected_id_card_validity(birth, Date::new(2006, 1, 1).unwrap()), Some(10));
/// assert_eq!(expected_id_card_validity(birth, Date::new(2036, 1, 1).unwrap()), None);
/// ```
pub fn expected_id_card_validity(birth: Date, issue: Date) -> Option<u32> {
    term_for_age(issue.years_since(birth).unwrap_or(0))
}

/// The term in years for an age in completed years, `None` for long-term.
fn term_for_age(age: u32) -> Option<u32> {
    match age {
        0..=15 => Some(5),
        16..=25 => Some(10),
        26..=45 => Some(20),
        _ => None,
    }
}

/// Why a 居民身份证 validity term does not fit the holder's age.
///
/// Messages name no dates or terms: a term reveals the holder's age bracket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidityError {
    /// The term starts before the holder was born.
    StartBeforeBirth,
    /// The term ends before it starts.
    EndBeforeStart,
    /// The card says long-term (长期) but the holder was under 46 at the start.
    UnexpectedLongTerm {
        /// The term in years the holder's age calls for.
        expected_years: u32,
    },
    /// The card has an end date but the holder was 46 or over: it should be long-term.
    ExpectedLongTerm,
    /// The end date is not the start date plus the term for the holder's age.
    WrongEnd {
        /// The term in years the holder's age calls for.
        expected_years: u32,
    },
}

impl Localized for ValidityError {
    fn zh(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            ValidityError::StartBeforeBirth => "有效期起始日期早于出生日期",
            ValidityError::EndBeforeStart => "有效期截止日期早于起始日期",
            ValidityError::UnexpectedLongTerm { .. } => "有效期为长期，但签发时未满四十六周岁",
            ValidityError::ExpectedLongTerm => "签发时已满四十六周岁，有效期应为长期",
            ValidityError::WrongEnd { .. } => "有效期限与签发时的年龄不符",
        })
    }

    fn en(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            ValidityError::StartBeforeBirth => "validity starts before the date of birth",
            ValidityError::EndBeforeStart => "validity ends before it starts",
            ValidityError::UnexpectedLongTerm { .. } => {
                "validity is long-term but the holder was under 46 at issue"
            }
            ValidityError::ExpectedLongTerm => {
                "holder was 46 or over at issue, so validity should be long-term"
            }
            ValidityError::WrongEnd { .. } => {
                "validity term does not match the holder's age at issue"
            }
        })
    }
}

impl fmt::Display for ValidityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for ValidityError {}

/// Checks a 居民身份证 validity term (`start` to `end`, `None` = 长期)
/// against the holder's birth date: the end must be `start` plus the term
/// for the holder's age on some day in the [`APPLICATION_WINDOW_DAYS`] days
/// up to and including `start` (the day of application).
///
/// ```
/// # use liangzheng::ids::{check_id_card_validity, Date, ValidityError};
/// let birth = Date::new(1990, 6, 1).unwrap();
/// let start = Date::new(2015, 3, 10).unwrap(); // aged 24
/// assert_eq!(check_id_card_validity(birth, start, Some(Date::new(2025, 3, 10).unwrap())), Ok(()));
/// assert_eq!(
///     check_id_card_validity(birth, start, None),
///     Err(ValidityError::UnexpectedLongTerm { expected_years: 10 })
/// );
/// ```
pub fn check_id_card_validity(
    birth: Date,
    start: Date,
    end: Option<Date>,
) -> Result<(), ValidityError> {
    let age = start
        .years_since(birth)
        .ok_or(ValidityError::StartBeforeBirth)?;
    if end.is_some_and(|e| e < start) {
        return Err(ValidityError::EndBeforeStart);
    }
    let term = term_for_age(age);
    // Over the application window the age takes at most two values (the
    // window is shorter than a year), the one on `start` and the one on the
    // window's first day; a birth inside the window counts as age 0.
    let alternative = term_for_age(
        start
            .add_days(-APPLICATION_WINDOW_DAYS)
            .years_since(birth)
            .unwrap_or(0),
    );
    let accepted = [term, alternative];
    let matches = |years: Option<u32>| match (years, end) {
        (None, None) => true,
        (Some(y), Some(e)) => i32::try_from(y).is_ok_and(|y| start.add_years(y) == e),
        _ => false,
    };
    if matches(term) || (alternative != term && matches(alternative)) {
        return Ok(());
    }
    match (end, accepted.iter().flatten().next()) {
        (_, None) => Err(ValidityError::ExpectedLongTerm),
        (None, Some(&expected_years)) => Err(ValidityError::UnexpectedLongTerm { expected_years }),
        (Some(_), Some(&expected_years)) => Err(ValidityError::WrongEnd { expected_years }),
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
    fn under_16_gets_5_years() {
        let birth = d(2010, 5, 20);
        assert_eq!(expected_id_card_validity(birth, d(2010, 5, 20)), Some(5));
        assert_eq!(expected_id_card_validity(birth, d(2026, 5, 19)), Some(5));
    }

    #[test]
    fn from_16_to_25_gets_10_years() {
        let birth = d(2000, 5, 20);
        assert_eq!(expected_id_card_validity(birth, d(2016, 5, 20)), Some(10));
        assert_eq!(expected_id_card_validity(birth, d(2026, 5, 19)), Some(10));
    }

    #[test]
    fn from_26_to_45_gets_20_years() {
        let birth = d(1980, 5, 20);
        assert_eq!(expected_id_card_validity(birth, d(2006, 5, 20)), Some(20));
        assert_eq!(expected_id_card_validity(birth, d(2026, 5, 19)), Some(20));
    }

    #[test]
    fn from_46_is_long_term() {
        let birth = d(1970, 5, 20);
        assert_eq!(expected_id_card_validity(birth, d(2016, 5, 20)), None);
        assert_eq!(expected_id_card_validity(birth, d(2066, 1, 1)), None);
    }

    #[test]
    fn end_must_be_start_plus_the_term() {
        let birth = d(1990, 6, 1);
        let start = d(2015, 3, 10);
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2025, 3, 10))),
            Ok(())
        );
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2025, 3, 9))),
            Err(ValidityError::WrongEnd { expected_years: 10 })
        );
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2035, 3, 10))),
            Err(ValidityError::WrongEnd { expected_years: 10 })
        );
    }

    #[test]
    fn long_term_only_from_46() {
        let birth = d(1960, 1, 1);
        assert_eq!(check_id_card_validity(birth, d(2010, 1, 1), None), Ok(()));
        assert_eq!(
            check_id_card_validity(birth, d(2010, 1, 1), Some(d(2030, 1, 1))),
            Err(ValidityError::ExpectedLongTerm)
        );
        assert_eq!(
            check_id_card_validity(birth, d(2000, 1, 2), None),
            Err(ValidityError::UnexpectedLongTerm { expected_years: 20 })
        );
    }

    #[test]
    fn on_a_birthday_either_reading_of_the_age_is_accepted() {
        let birth = d(2000, 5, 20);
        let start = d(2016, 5, 20); // the 16th birthday
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2026, 5, 20))),
            Ok(())
        );
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2021, 5, 20))),
            Ok(())
        );
        // More than the application window after the birthday, only the
        // 10-year term fits.
        assert_eq!(
            check_id_card_validity(birth, d(2016, 8, 19), Some(d(2021, 8, 19))),
            Err(ValidityError::WrongEnd { expected_years: 10 })
        );
        // 46th birthday: long-term or 20 years.
        let birth = d(1970, 5, 20);
        assert_eq!(check_id_card_validity(birth, d(2016, 5, 20), None), Ok(()));
        assert_eq!(
            check_id_card_validity(birth, d(2016, 5, 20), Some(d(2036, 5, 20))),
            Ok(())
        );
    }

    #[test]
    fn a_birthday_between_application_and_issue_keeps_the_term_applied_for() {
        // Applied for at 25 (a 10-year card), issued five days after the 26th birthday.
        let birth = d(2000, 1, 10);
        let start = d(2026, 1, 15);
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2036, 1, 15))),
            Ok(())
        );
        // The term for the age on the start date is accepted too.
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2046, 1, 15))),
            Ok(())
        );
        // The last day of the window still counts; the day after it does not.
        let birth = d(2000, 1, 10);
        let last = d(2026, 1, 9).add_days(APPLICATION_WINDOW_DAYS);
        assert_eq!(
            check_id_card_validity(birth, last, Some(last.add_years(10))),
            Ok(())
        );
        let after = last.add_days(1);
        assert_eq!(
            check_id_card_validity(birth, after, Some(after.add_years(10))),
            Err(ValidityError::WrongEnd { expected_years: 20 })
        );
        // Five years is never right for an adult, window or not.
        assert!(check_id_card_validity(birth, start, Some(d(2031, 1, 15))).is_err());
    }

    #[test]
    fn february_29_start_ends_on_february_28() {
        let birth = d(1990, 1, 1);
        let start = d(2016, 2, 29); // aged 26: 20 years
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2036, 2, 29))),
            Ok(())
        );
        let start = d(2012, 2, 29); // aged 22: 10 years, 2022 is a common year
        assert_eq!(
            check_id_card_validity(birth, start, Some(d(2022, 2, 28))),
            Ok(())
        );
    }

    #[test]
    fn impossible_orders_are_reported() {
        let birth = d(2000, 1, 1);
        assert_eq!(
            check_id_card_validity(birth, d(1999, 12, 31), Some(d(2004, 12, 31))),
            Err(ValidityError::StartBeforeBirth)
        );
        assert_eq!(
            check_id_card_validity(birth, d(2010, 1, 1), Some(d(2009, 1, 1))),
            Err(ValidityError::EndBeforeStart)
        );
    }

    #[test]
    fn messages_name_no_term() {
        let e = ValidityError::WrongEnd { expected_years: 10 };
        assert!(!e.to_string().contains("10"));
        assert_eq!(e.to_string(), e.bilingual());
    }
}
