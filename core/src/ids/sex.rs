//! 性别 codes of GB/T 2261.1-2003 (人的性别代码).

use std::fmt;

/// Sex as coded by GB/T 2261.1: `0` 未知的性别, `1` 男, `2` 女, `9` 未说明的性别.
///
/// ```
/// # use liangzheng::ids::Sex;
/// assert_eq!(Sex::from_code(2), Some(Sex::Female));
/// assert_eq!(Sex::from_zh("男"), Some(Sex::Male));
/// assert_eq!(Sex::Female.zh(), "女");
/// ```
/// The code set is closed (the standard defines exactly these four), so the
/// enum is exhaustive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    /// `0` 未知的性别 — not known.
    Unknown,
    /// `1` 男 — male.
    Male,
    /// `2` 女 — female.
    Female,
    /// `9` 未说明的性别 — not stated.
    Unspecified,
}

impl Sex {
    /// Every code in the standard's order.
    pub const ALL: [Sex; 4] = [Sex::Unknown, Sex::Male, Sex::Female, Sex::Unspecified];

    /// The GB/T 2261.1 code (0, 1, 2 or 9).
    pub fn code(self) -> u8 {
        match self {
            Sex::Unknown => 0,
            Sex::Male => 1,
            Sex::Female => 2,
            Sex::Unspecified => 9,
        }
    }

    /// The value for a GB/T 2261.1 code, or `None` for a code the standard does not define.
    pub fn from_code(code: u8) -> Option<Sex> {
        Sex::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The standard's Chinese name: `未知的性别`, `男`, `女`, `未说明的性别`.
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Unknown => "未知的性别",
            Sex::Male => "男",
            Sex::Female => "女",
            Sex::Unspecified => "未说明的性别",
        }
    }

    /// An English name: `unknown`, `male`, `female`, `unspecified`.
    pub fn en(self) -> &'static str {
        match self {
            Sex::Unknown => "unknown",
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unspecified => "unspecified",
        }
    }

    /// The value for a Chinese name as printed on licenses: the standard's
    /// names, plus `男性` / `女性`.
    pub fn from_zh(name: &str) -> Option<Sex> {
        match name {
            "男性" => Some(Sex::Male),
            "女性" => Some(Sex::Female),
            _ => Sex::ALL.into_iter().find(|s| s.zh() == name),
        }
    }
}

impl fmt::Display for Sex {
    /// The Chinese name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_of_gb_t_2261_1() {
        assert_eq!(Sex::from_code(0), Some(Sex::Unknown));
        assert_eq!(Sex::from_code(1), Some(Sex::Male));
        assert_eq!(Sex::from_code(2), Some(Sex::Female));
        assert_eq!(Sex::from_code(9), Some(Sex::Unspecified));
        for undefined in [3, 4, 5, 6, 7, 8, 10, 255] {
            assert_eq!(Sex::from_code(undefined), None);
        }
    }

    #[test]
    fn chinese_names_round_trip() {
        for s in Sex::ALL {
            assert_eq!(Sex::from_zh(s.zh()), Some(s));
            assert_eq!(Sex::from_code(s.code()), Some(s));
        }
        assert_eq!(Sex::from_zh("女性"), Some(Sex::Female));
        assert_eq!(Sex::from_zh("male"), None);
    }

    #[test]
    fn english_names_are_plain() {
        assert_eq!(Sex::Male.en(), "male");
        assert_eq!(Sex::Female.to_string(), "女");
    }
}
