//! 公民身份号码, the citizen identity number of GB 11643-1999.
//!
//! 18 characters: a 6-digit administrative region code (GB/T 2260), the
//! birth date as `YYYYMMDD`, a 3-digit sequence number (odd for men, even for
//! women) and a check character (`0`–`9` or `X`) computed with ISO 7064
//! MOD 11-2 over the first 17 digits.
//!
//! The checksum, birth-date and region checks are separate functions because
//! they fail for different reasons and a verifier may weigh them differently:
//! a wrong check character is a typo or a forgery, while a region code missing
//! from today's GB/T 2260 tables may simply be a county that has since been
//! merged or renamed. That is why the region check here looks at the shape of
//! the code only, never at a table of current codes.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::mask::mask_middle;
use super::sex::Sex;
use crate::lang::Localized;

/// Weights of the first 17 digits (2^(18-i) mod 11 for position i = 1..17).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level prefixes of GB/T 2260 (11 北京 … 65 新疆, 71 台湾, 81 香港,
/// 82 澳门), plus 83, which the 港澳台居民居住证 uses for residents of Taiwan.
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", // 华北
    "21", "22", "23", // 东北
    "31", "32", "33", "34", "35", "36", "37", // 华东
    "41", "42", "43", "44", "45", "46", // 中南
    "50", "51", "52", "53", "54", // 西南
    "61", "62", "63", "64", "65", // 西北
    "71", "81", "82", "83", // 台湾、香港、澳门、居住证
];

/// A valid 公民身份号码 (GB 11643-1999), stored with an upper-case `X`.
///
/// `Debug` prints a masked form so that the number does not end up in logs;
/// `Display` and [`IdNumber::as_str`] give the full number.
///
/// ```
/// # use liangzheng::ids::{Date, IdNumber, Sex};
/// let id = IdNumber::parse("11010519491231002x").unwrap();
/// assert_eq!(id.as_str(), "11010519491231002X");
/// assert_eq!(id.region_code(), "110105");
/// assert_eq!(id.birth_date(), Date::new(1949, 12, 31).unwrap());
/// assert_eq!(id.sex(), Sex::Female);
/// assert_eq!(id.masked(), "1101**********002X");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// Why a text is not a valid 公民身份号码.
///
/// Variants carry positions and counts, never the number itself; messages
/// print neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdNumberError {
    /// Not 18 characters long.
    Length {
        /// The number of characters found.
        found: usize,
    },
    /// A character that is not allowed where it stands (digits only, `X` only last).
    InvalidCharacter {
        /// 1-based position of the first offending character.
        position: usize,
    },
    /// The check character does not match the first 17 digits.
    Checksum {
        /// The check character the first 17 digits call for.
        expected: char,
    },
    /// Positions 7–14 are not a real calendar date.
    BirthDate,
    /// The birth date is after the reference date the caller gave.
    BirthDateInFuture,
    /// Positions 1–6 cannot be a GB/T 2260 county-level region code.
    Region,
}

impl Localized for IdNumberError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            IdNumberError::Length { .. } => "公民身份号码应为18位".into(),
            IdNumberError::InvalidCharacter { position } => {
                format!("公民身份号码第{position}位字符不合法").into()
            }
            IdNumberError::Checksum { .. } => "公民身份号码校验码错误".into(),
            IdNumberError::BirthDate => "公民身份号码中的出生日期不存在".into(),
            IdNumberError::BirthDateInFuture => "公民身份号码中的出生日期晚于当前日期".into(),
            IdNumberError::Region => "公民身份号码中的行政区划代码不合法".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            IdNumberError::Length { .. } => "citizen ID number must be 18 characters".into(),
            IdNumberError::InvalidCharacter { position } => {
                format!("citizen ID number has an invalid character at position {position}").into()
            }
            IdNumberError::Checksum { .. } => "citizen ID number check character is wrong".into(),
            IdNumberError::BirthDate => "citizen ID number birth date is not a real date".into(),
            IdNumberError::BirthDateInFuture => {
                "citizen ID number birth date is in the future".into()
            }
            IdNumberError::Region => "citizen ID number region code is not valid".into(),
        }
    }
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for IdNumberError {}

impl IdNumber {
    /// Parses and fully validates a number: shape, check character, birth date, region code.
    ///
    /// A lower-case `x` is accepted and stored as `X`. Surrounding whitespace is not trimmed.
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        let n = Self::normalise(s)?;
        Self::check_checksum(&n)?;
        Self::check_birth_date(&n)?;
        Self::check_region(&n)?;
        Ok(IdNumber(n))
    }

    /// Checks length and character set only, and returns the number with `x` as `X`.
    ///
    /// The first 17 characters must be ASCII digits; the last a digit or `X`/`x`.
    pub fn normalise(s: &str) -> Result<String, IdNumberError> {
        let found = s.chars().count();
        if found != 18 {
            return Err(IdNumberError::Length { found });
        }
        let mut out = String::with_capacity(18);
        for (i, c) in s.chars().enumerate() {
            let c = match c {
                '0'..='9' => c,
                'x' | 'X' if i == 17 => 'X',
                _ => return Err(IdNumberError::InvalidCharacter { position: i + 1 }),
            };
            out.push(c);
        }
        Ok(out)
    }

    /// The check character for the first 17 digits, or `None` unless `first17`
    /// is exactly 17 ASCII digits.
    ///
    /// ```
    /// # use liangzheng::ids::IdNumber;
    /// assert_eq!(IdNumber::check_char("11010519491231002"), Some('X'));
    /// ```
    pub fn check_char(first17: &str) -> Option<char> {
        let b = first17.as_bytes();
        if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = b
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        CHECK_CHARS.get((sum % 11) as usize).map(|&c| char::from(c))
    }

    /// Checks the check character (after [`IdNumber::normalise`]).
    pub fn check_checksum(s: &str) -> Result<(), IdNumberError> {
        let n = Self::normalise(s)?;
        let expected =
            Self::check_char(&n[..17]).ok_or(IdNumberError::InvalidCharacter { position: 1 })?;
        if n.ends_with(expected) {
            Ok(())
        } else {
            Err(IdNumberError::Checksum { expected })
        }
    }

    /// Checks that positions 7–14 are a real calendar date, and returns it.
    pub fn check_birth_date(s: &str) -> Result<Date, IdNumberError> {
        let n = Self::normalise(s)?;
        Date::parse_yyyymmdd(&n[6..14]).map_err(|_| IdNumberError::BirthDate)
    }

    /// Checks the shape of the region code in positions 1–6.
    ///
    /// The code must start with a province-level prefix of GB/T 2260 (11–15,
    /// 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82) or 83, and must not be a
    /// bare province code (`xx0000`): numbers are issued under a county-level
    /// code, or a prefecture-level code for cities without counties such as
    /// 441900 东莞市. The exception is 810000 / 820000 / 830000, which the
    /// 港澳台居民居住证 (residence permit for Hong Kong, Macao and Taiwan
    /// residents) uses as its region code.
    ///
    /// The code is deliberately not looked up in a table: numbers issued
    /// under counties since merged or renamed stay valid for life.
    pub fn check_region(s: &str) -> Result<(), IdNumberError> {
        let n = Self::normalise(s)?;
        let (province, rest) = (&n[0..2], &n[2..6]);
        if !PROVINCE_PREFIXES.contains(&province) {
            return Err(IdNumberError::Region);
        }
        if rest == "0000" && !matches!(province, "81" | "82" | "83") {
            return Err(IdNumberError::Region);
        }
        Ok(())
    }

    /// Checks that the holder was born on or before `today` (a date the caller supplies).
    pub fn check_born_by(&self, today: Date) -> Result<(), IdNumberError> {
        if self.birth_date() > today {
            Err(IdNumberError::BirthDateInFuture)
        } else {
            Ok(())
        }
    }

    /// The full number, with an upper-case `X`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative region code (positions 1–6).
    pub fn region_code(&self) -> &str {
        &self.0[0..6]
    }

    /// The birth date (positions 7–14).
    pub fn birth_date(&self) -> Date {
        // Validated in `parse`; the fallback is unreachable.
        Date::parse_yyyymmdd(&self.0[6..14]).unwrap_or(Date::MIN)
    }

    /// The 3-digit sequence number (positions 15–17).
    pub fn sequence(&self) -> &str {
        &self.0[14..17]
    }

    /// Sex from the sequence number: odd is [`Sex::Male`], even is [`Sex::Female`].
    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes()[16];
        if (digit - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The check character (position 18).
    pub fn check_character(&self) -> char {
        char::from(self.0.as_bytes()[17])
    }

    /// First 4 and last 4 characters, 10 stars between: `1101**********002X`.
    ///
    /// This common convention hides the birth date but still shows the sex
    /// digit (position 17); use [`IdNumber::masked_keep`] with `keep_last <= 1`
    /// to hide it too.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 4, 4)
    }

    /// The number with all but the first `keep_first` and last `keep_last` characters starred.
    ///
    /// Positions 7–14 are the birth date and 17 the sex digit: keep at most 6
    /// first and 1 last to reveal neither.
    pub fn masked_keep(&self, keep_first: usize, keep_last: usize) -> String {
        mask_middle(&self.0, keep_first, keep_last)
    }
}

impl fmt::Debug for IdNumber {
    /// Masked, revealing neither birth date nor sex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber")
            .field(&self.masked_keep(4, 0))
            .finish()
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse(s)
    }
}

impl Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<IdNumber, D::Error> {
        let s = String::deserialize(deserializer)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn standard_examples_are_valid() {
        let a = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(a.region_code(), "110105");
        assert_eq!(a.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert_eq!(a.sex(), Sex::Female);
        let b = IdNumber::parse("440524188001010014").unwrap();
        assert_eq!(b.birth_date(), Date::new(1880, 1, 1).unwrap());
        assert_eq!(b.sex(), Sex::Male);
    }

    #[test]
    fn check_character_is_mod_11_2() {
        assert_eq!(IdNumber::check_char("11010519491231002"), Some('X'));
        assert_eq!(IdNumber::check_char("44052418800101001"), Some('4'));
        assert_eq!(IdNumber::check_char("36042619910102009"), Some('3'));
        assert_eq!(IdNumber::check_char("4405241890010100"), None);
        assert_eq!(IdNumber::check_char("4405241890010100a"), None);
    }

    #[test]
    fn wrong_check_character_is_a_checksum_error() {
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::Checksum { expected: 'X' })
        );
        assert_eq!(
            IdNumber::check_checksum("440524189001010014"),
            Err(IdNumberError::Checksum { expected: '9' })
        );
    }

    #[test]
    fn lower_case_x_is_the_same_number() {
        let lower = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(lower, IdNumber::parse("11010519491231002X").unwrap());
        assert_eq!(lower.as_str(), "11010519491231002X");
        assert_eq!(lower.check_character(), 'X');
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(
            IdNumber::parse("11010519491231002"),
            Err(IdNumberError::Length { found: 17 })
        );
        assert_eq!(
            IdNumber::parse("１1010519491231002X"),
            Err(IdNumberError::InvalidCharacter { position: 1 })
        );
    }

    #[test]
    fn x_is_only_allowed_last() {
        assert_eq!(
            IdNumber::parse("1101051949123100X2"),
            Err(IdNumberError::InvalidCharacter { position: 17 })
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdNumberError::InvalidCharacter { position: 18 })
        );
    }

    #[test]
    fn birth_date_must_exist_even_with_a_correct_checksum() {
        let s = "360426199113010079";
        assert_eq!(IdNumber::check_checksum(s), Ok(()));
        assert_eq!(IdNumber::check_birth_date(s), Err(IdNumberError::BirthDate));
        assert_eq!(IdNumber::parse(s), Err(IdNumberError::BirthDate));
    }

    #[test]
    fn birth_date_after_reference_date_is_reported() {
        let id = IdNumber::parse("44011320141005001X").unwrap();
        assert_eq!(id.check_born_by(Date::new(2014, 10, 5).unwrap()), Ok(()));
        assert_eq!(
            id.check_born_by(Date::new(2014, 10, 4).unwrap()),
            Err(IdNumberError::BirthDateInFuture)
        );
    }

    #[test]
    fn region_code_needs_a_real_province_prefix() {
        assert_eq!(IdNumber::check_region("110105194912310021"), Ok(()));
        // 441900 东莞市 issues numbers at prefecture level.
        assert_eq!(IdNumber::check_region("441900199001010000"), Ok(()));
        for bad in [
            "100105", "160105", "240105", "380105", "470105", "550105", "660105", "720105",
            "990105",
        ] {
            let s = format!("{bad}199001010000");
            assert_eq!(
                IdNumber::check_region(&s),
                Err(IdNumberError::Region),
                "{bad}"
            );
        }
    }

    #[test]
    fn region_code_is_not_a_bare_province_except_for_residence_permits() {
        assert_eq!(
            IdNumber::check_region("370000199001010000"),
            Err(IdNumberError::Region)
        );
        for permit in ["810000", "820000", "830000"] {
            let s = format!("{permit}199001010000");
            assert_eq!(IdNumber::check_region(&s), Ok(()), "{permit}");
        }
    }

    #[test]
    fn sex_follows_the_parity_of_the_sequence_number() {
        let male = IdNumber::parse("360426199101010071").unwrap();
        assert_eq!(male.sequence(), "007");
        assert_eq!(male.sex(), Sex::Male);
        let odd = IdNumber::parse("44011320141005001X").unwrap();
        assert_eq!(odd.sequence(), "001");
        // An `X` check character says nothing about sex: 001 is odd.
        assert_eq!(odd.sex(), Sex::Male);
        assert_eq!(
            IdNumber::parse("11010519491231002X").unwrap().sex(),
            Sex::Female
        );
    }

    #[test]
    fn masking_hides_the_birth_date() {
        let id = IdNumber::parse("360426199101010071").unwrap();
        assert_eq!(id.masked(), "3604**********0071");
        assert_eq!(id.masked_keep(6, 1), "360426***********1");
        assert!(!format!("{id:?}").contains("19910101"));
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }

    #[test]
    fn errors_never_print_the_number() {
        let e = IdNumberError::Checksum { expected: 'X' };
        assert!(!e.to_string().contains('X'));
        assert_eq!(e.to_string(), e.bilingual());
        let e = IdNumberError::InvalidCharacter { position: 17 };
        assert!(e.en().contains("17") && e.zh().contains("17"));
    }
}
