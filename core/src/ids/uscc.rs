//! 统一社会信用代码, the unified social credit code of GB 32100-2015.
//!
//! 18 characters from a 31-character set (digits and capitals without
//! I, O, S, V, Z): registration-authority code (1) + entity-type code (1) +
//! region code (6, GB/T 2260) + organisation code (9, GB 11714) + a check
//! character computed mod 31. Positions 1–8 may hold letters: department
//! codes include A–G and Y, so they are not required to be digits.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::mask::mask_middle;
use crate::lang::Localized;

/// The 31 characters of GB 32100-2015; a character's value is its index.
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value (0–30) of a character of [`USCC_CHARSET`].
fn value(c: char) -> Option<u32> {
    USCC_CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// A valid 统一社会信用代码 (GB 32100-2015).
///
/// A USCC is public (it is printed on the business license), so `Debug`
/// shows it in full.
///
/// ```
/// # use liangzheng::ids::Uscc;
/// let code = Uscc::parse("91350100M000100Y43").unwrap();
/// assert_eq!(code.registration_authority(), '9');
/// assert_eq!(code.entity_type(), '1');
/// assert_eq!(code.region_code(), "350100");
/// assert_eq!(code.organisation_code(), "M000100Y4");
/// assert_eq!(code.check_character(), '3');
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// Why a text is not a valid 统一社会信用代码.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsccError {
    /// Not 18 characters long.
    Length {
        /// The number of characters found.
        found: usize,
    },
    /// A character outside the 31-character set (lower case included).
    InvalidCharacter {
        /// 1-based position of the first offending character.
        position: usize,
    },
    /// The check character does not match the first 17 characters.
    Checksum {
        /// The check character the first 17 characters call for.
        expected: char,
    },
}

impl Localized for UsccError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            UsccError::Length { .. } => "统一社会信用代码应为18位".into(),
            UsccError::InvalidCharacter { position } => {
                format!("统一社会信用代码第{position}位字符不合法").into()
            }
            UsccError::Checksum { .. } => "统一社会信用代码校验码错误".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            UsccError::Length { .. } => "unified social credit code must be 18 characters".into(),
            UsccError::InvalidCharacter { position } => format!(
                "unified social credit code has an invalid character at position {position}"
            )
            .into(),
            UsccError::Checksum { .. } => {
                "unified social credit code check character is wrong".into()
            }
        }
    }
}

impl fmt::Display for UsccError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for UsccError {}

impl Uscc {
    /// Parses and validates a code: length, character set, check character.
    ///
    /// Upper case only, as the standard prints it; no whitespace is trimmed.
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        let found = s.chars().count();
        if found != 18 {
            return Err(UsccError::Length { found });
        }
        if let Some(position) = s.chars().position(|c| value(c).is_none()) {
            return Err(UsccError::InvalidCharacter {
                position: position + 1,
            });
        }
        let expected =
            Self::check_char(&s[..17]).ok_or(UsccError::InvalidCharacter { position: 1 })?;
        if s.ends_with(expected) {
            Ok(Uscc(s.to_owned()))
        } else {
            Err(UsccError::Checksum { expected })
        }
    }

    /// The check character for the first 17 characters, or `None` unless
    /// `first17` is exactly 17 characters of [`USCC_CHARSET`].
    ///
    /// ```
    /// # use liangzheng::ids::Uscc;
    /// assert_eq!(Uscc::check_char("91110000600037341"), Some('L'));
    /// ```
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.chars().count() != 17 {
            return None;
        }
        let mut sum = 0u32;
        for (c, w) in first17.chars().zip(WEIGHTS) {
            sum += value(c)? * w;
        }
        let c = (31 - sum % 31) % 31;
        USCC_CHARSET.chars().nth(c as usize)
    }

    /// The full code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: registration-authority (登记管理部门) code, e.g. `9` 工商, `1` 机构编制.
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// Position 2: entity-type (机构类别) code under that authority, e.g. `1` in `91` 企业.
    pub fn entity_type(&self) -> char {
        char::from(self.0.as_bytes()[1])
    }

    /// Positions 3–8: administrative region code (登记管理机关行政区划码).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: organisation code (主体标识码, GB 11714 组织机构代码).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Position 18: the check character.
    pub fn check_character(&self) -> char {
        char::from(self.0.as_bytes()[17])
    }

    /// First 6 and last 4 characters, 8 stars between: `913501********0Y43`.
    ///
    /// A USCC is public, so this is for screens that want a short,
    /// recognisable form rather than for privacy: it keeps the authority,
    /// type and province/city, and the tail that people compare by eye.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 6, 4)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Uscc, UsccError> {
        Uscc::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Uscc, D::Error> {
        let s = String::deserialize(deserializer)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn charset_has_31_characters_without_i_o_s_v_z() {
        assert_eq!(USCC_CHARSET.chars().count(), 31);
        for c in ['I', 'O', 'S', 'V', 'Z'] {
            assert!(!USCC_CHARSET.contains(c));
        }
    }

    #[test]
    fn weights_are_powers_of_3_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn check_character_is_computed_mod_31() {
        assert_eq!(Uscc::check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(Uscc::check_char("12120000401359081"), Some('6'));
        assert_eq!(Uscc::check_char("9144030071526726X"), Some('G'));
        assert_eq!(Uscc::check_char("9135010OM000100Y4"), None);
        assert_eq!(Uscc::check_char("91350100M000100Y"), None);
    }

    #[test]
    fn remainder_zero_gives_check_character_0() {
        // 31 - 0 would be 31, which maps to 0.
        assert_eq!(Uscc::check_char("00000000000000000"), Some('0'));
        assert!(Uscc::parse("000000000000000000").is_ok());
    }

    #[test]
    fn wrong_check_character_is_a_checksum_error() {
        assert_eq!(
            Uscc::parse("91110000600037341N"),
            Err(UsccError::Checksum { expected: 'L' })
        );
    }

    #[test]
    fn characters_outside_the_set_are_located() {
        assert_eq!(
            Uscc::parse("91110000600O37341L"),
            Err(UsccError::InvalidCharacter { position: 12 })
        );
        assert_eq!(
            Uscc::parse("91110000600037341l"),
            Err(UsccError::InvalidCharacter { position: 18 })
        );
    }

    #[test]
    fn length_must_be_18() {
        assert_eq!(
            Uscc::parse("91110000600037341"),
            Err(UsccError::Length { found: 17 })
        );
        assert_eq!(
            Uscc::parse("91110000600037341LL"),
            Err(UsccError::Length { found: 19 })
        );
    }

    #[test]
    fn letters_are_allowed_in_the_first_eight_positions() {
        // Position 1 department codes include letters; the checksum still decides.
        let first17 = "Y1350100M000100Y4";
        let check = Uscc::check_char(first17).unwrap();
        let code = Uscc::parse(&format!("{first17}{check}")).unwrap();
        assert_eq!(code.registration_authority(), 'Y');
    }

    #[test]
    fn parts_are_split_at_the_standard_positions() {
        let code = Uscc::parse("11100000000013338W").unwrap();
        assert_eq!(code.registration_authority(), '1');
        assert_eq!(code.entity_type(), '1');
        assert_eq!(code.region_code(), "100000");
        assert_eq!(code.organisation_code(), "000013338");
        assert_eq!(code.check_character(), 'W');
    }

    #[test]
    fn masking_keeps_first_6_and_last_4() {
        let code = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.masked(), "913501********0Y43");
    }

    #[test]
    fn errors_never_print_the_code() {
        let e = UsccError::Checksum { expected: 'L' };
        assert!(!e.zh().contains('L'));
        assert_eq!(e.to_string(), e.bilingual());
    }
}
