//! 电子证照标识, the electronic license identifier of GB/T 36904-2018, and
//! the 证照类型代码 (license type code) it embeds.
//!
//! An identifier reads
//! `1.2.156.3005.2.<type code 21>.<issuer USCC 18>.<serial>.<version 3 digits>.<check>`:
//! a fixed OID root, the license type code (the USCC of the authority that
//! defined the type plus a 3-digit sequence), the issuing authority's USCC,
//! an issuer-chosen serial (seen in the wild: 7, 10 and 11 digits, 32 hex
//! characters), a version and an ISO/IEC 7064 MOD 37,36 check character over
//! everything after the root with the dots removed.
//!
//! Some identifiers in circulation carry a check character that does not
//! conform to the standard. That is reported through [`Conformance`] rather
//! than as a parse error, so a verifier can show it as a finding of its own
//! instead of rejecting an otherwise genuine credential. Structural problems
//! (wrong root, wrong number of parts, bad lengths or characters) are errors.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::uscc::{Uscc, UsccError};
use crate::lang::Localized;

/// The check alphabet of ISO/IEC 7064 MOD 37,36: `0`–`9` are 0–9, `A`–`Z` are 10–35.
const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The value (0–35) of an alphanumeric character; lower-case letters count as upper-case.
fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' | 'A'..='Z' | 'a'..='z' => c.to_digit(36),
        _ => None,
    }
}

/// The ISO/IEC 7064 MOD 37,36 (hybrid system) check character of `data`,
/// or `None` if `data` holds anything but ASCII letters and digits.
///
/// Letters are valued case-insensitively (`a` = `A` = 10).
///
/// ```
/// # use liangzheng::ids::iso7064_mod37_36;
/// // type code + issuer + serial + version of a published identifier ending in `.U`
/// let body = "11100000000013338W011".to_owned() + "11430000006122244L" + "20230000403" + "001";
/// assert_eq!(iso7064_mod37_36(&body), Some('U'));
/// ```
pub fn iso7064_mod37_36(data: &str) -> Option<char> {
    let mut p: u32 = 36;
    for c in data.chars() {
        let mut t = (p + value(c)?) % 36;
        if t == 0 {
            t = 36;
        }
        p = (2 * t) % 37;
    }
    ALPHABET
        .get(((37 - p) % 36) as usize)
        .map(|&c| char::from(c))
}

/// A 证照类型代码 (license type code, GB/T 36903 field `ZZLXDM`): the USCC of
/// the authority that defined the license type, then a 3-digit sequence.
///
/// ```
/// # use liangzheng::ids::LicenseTypeCode;
/// let t = LicenseTypeCode::parse("11100000000013338W032").unwrap();
/// assert_eq!(t.authority().as_str(), "11100000000013338W");
/// assert_eq!(t.sequence(), 32);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LicenseTypeCode {
    text: String,
    authority: Uscc,
}

/// Why a text is not a valid 证照类型代码.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LicenseTypeCodeError {
    /// Not 21 characters long.
    Length {
        /// The number of characters found.
        found: usize,
    },
    /// The first 18 characters are not a valid USCC.
    Authority(UsccError),
    /// The last 3 characters are not digits (or a sequence above 999 was given).
    Sequence,
}

impl Localized for LicenseTypeCodeError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            LicenseTypeCodeError::Length { .. } => "证照类型代码应为21位".into(),
            LicenseTypeCodeError::Authority(e) => {
                format!("证照类型代码中的机构代码不合法：{}", e.zh()).into()
            }
            LicenseTypeCodeError::Sequence => "证照类型代码末3位应为数字".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            LicenseTypeCodeError::Length { .. } => "license type code must be 21 characters".into(),
            LicenseTypeCodeError::Authority(e) => format!(
                "license type code has an invalid authority code: {}",
                e.en()
            )
            .into(),
            LicenseTypeCodeError::Sequence => "license type code must end in 3 digits".into(),
        }
    }
}

impl fmt::Display for LicenseTypeCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for LicenseTypeCodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LicenseTypeCodeError::Authority(e) => Some(e),
            _ => None,
        }
    }
}

impl LicenseTypeCode {
    /// Parses a 21-character type code, validating the USCC part fully.
    pub fn parse(s: &str) -> Result<LicenseTypeCode, LicenseTypeCodeError> {
        let found = s.chars().count();
        if found != 21 || !s.is_char_boundary(18) {
            return Err(LicenseTypeCodeError::Length { found });
        }
        let (uscc, seq) = s.split_at(18);
        let authority = Uscc::parse(uscc).map_err(LicenseTypeCodeError::Authority)?;
        if !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LicenseTypeCodeError::Sequence);
        }
        Ok(LicenseTypeCode {
            text: s.to_owned(),
            authority,
        })
    }

    /// The type code `sequence` (0–999) of the defining `authority`.
    pub fn new(authority: &Uscc, sequence: u16) -> Result<LicenseTypeCode, LicenseTypeCodeError> {
        if sequence > 999 {
            return Err(LicenseTypeCodeError::Sequence);
        }
        Ok(LicenseTypeCode {
            text: format!("{}{sequence:03}", authority.as_str()),
            authority: authority.clone(),
        })
    }

    /// The full 21-character code.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The USCC of the authority that defined the license type.
    pub fn authority(&self) -> &Uscc {
        &self.authority
    }

    /// The 3-digit sequence number under that authority.
    pub fn sequence(&self) -> u16 {
        self.text[18..].parse().unwrap_or(0)
    }
}

impl fmt::Display for LicenseTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for LicenseTypeCode {
    type Err = LicenseTypeCodeError;

    fn from_str(s: &str) -> Result<LicenseTypeCode, LicenseTypeCodeError> {
        LicenseTypeCode::parse(s)
    }
}

impl Serialize for LicenseTypeCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for LicenseTypeCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        LicenseTypeCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether an identifier's check character is the one GB/T 36904 calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Conformance {
    /// The check character matches.
    Conforming,
    /// The check character differs from the computed one: a finding to
    /// report, not a reason to reject the credential on its own.
    NonConformingCheck {
        /// The check character in the identifier.
        found: char,
        /// The check character the standard calls for.
        expected: char,
    },
}

impl Conformance {
    /// Whether the identifier conforms to the standard.
    pub fn is_conforming(&self) -> bool {
        matches!(self, Conformance::Conforming)
    }
}

impl Localized for Conformance {
    fn zh(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Conformance::Conforming => "证照标识校验位符合 GB/T 36904",
            Conformance::NonConformingCheck { .. } => "证照标识校验位不符合 GB/T 36904",
        })
    }

    fn en(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Conformance::Conforming => "license identifier check character conforms to GB/T 36904",
            Conformance::NonConformingCheck { .. } => {
                "license identifier check character does not conform to GB/T 36904"
            }
        })
    }
}

/// Why a text is not a structurally valid 电子证照标识.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LicenseIdError {
    /// It does not start with the root `1.2.156.3005.2.`.
    Root,
    /// After the root there are not exactly five dot-separated parts.
    PartCount {
        /// The number of parts found after the root.
        found: usize,
    },
    /// The license type code part is invalid.
    TypeCode(LicenseTypeCodeError),
    /// The issuing authority's USCC part is invalid.
    Issuer(UsccError),
    /// The serial is empty or holds a character other than an ASCII letter or digit.
    Serial,
    /// The version is not 3 digits (or a version above 999 was given).
    Version,
    /// The check part is not a single ASCII letter or digit.
    CheckCharacter,
}

impl Localized for LicenseIdError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            LicenseIdError::Root => "证照标识应以 1.2.156.3005.2 开头".into(),
            LicenseIdError::PartCount { .. } => {
                "证照标识应由类型代码、颁发机构代码、流水号、版本号、校验位五部分组成".into()
            }
            LicenseIdError::TypeCode(e) => format!("证照标识中：{}", e.zh()).into(),
            LicenseIdError::Issuer(e) => {
                format!("证照标识中的颁发机构代码不合法：{}", e.zh()).into()
            }
            LicenseIdError::Serial => "证照标识中的流水号应为非空的字母或数字".into(),
            LicenseIdError::Version => "证照标识中的版本号应为3位数字".into(),
            LicenseIdError::CheckCharacter => "证照标识的校验位应为1位字母或数字".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            LicenseIdError::Root => "license identifier must start with 1.2.156.3005.2".into(),
            LicenseIdError::PartCount { .. } => {
                "license identifier must have five parts after the root: type code, issuer code, serial, version, check".into()
            }
            LicenseIdError::TypeCode(e) => format!("in license identifier: {}", e.en()).into(),
            LicenseIdError::Issuer(e) => {
                format!("license identifier has an invalid issuer code: {}", e.en()).into()
            }
            LicenseIdError::Serial => {
                "license identifier serial must be non-empty letters or digits".into()
            }
            LicenseIdError::Version => "license identifier version must be 3 digits".into(),
            LicenseIdError::CheckCharacter => {
                "license identifier check must be one letter or digit".into()
            }
        }
    }
}

impl fmt::Display for LicenseIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for LicenseIdError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LicenseIdError::TypeCode(e) => Some(e),
            LicenseIdError::Issuer(e) => Some(e),
            _ => None,
        }
    }
}

/// A structurally valid 电子证照标识 (GB/T 36904-2018), conforming or not.
///
/// ```
/// # use liangzheng::ids::{Conformance, LicenseId};
/// let id = LicenseId::parse(
///     "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
/// ).unwrap();
/// assert_eq!(id.conformance(), Conformance::Conforming);
/// assert_eq!(id.issuer().as_str(), "11220000013544541J");
/// assert_eq!(id.serial(), "2430599");
/// assert_eq!(id.version(), 1);
///
/// let rebuilt = LicenseId::new(id.type_code(), id.issuer(), "2430599", 1).unwrap();
/// assert_eq!(rebuilt, id);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LicenseId {
    text: String,
    type_code: LicenseTypeCode,
    issuer: Uscc,
    serial: String,
    version: u16,
    check: char,
    expected: char,
}

impl LicenseId {
    /// The OID root every identifier starts with (China's 2.156 arc, e-license branch).
    pub const ROOT: &'static str = "1.2.156.3005.2";

    /// Parses an identifier. A check character that does not match is *not*
    /// an error: see [`LicenseId::conformance`].
    pub fn parse(s: &str) -> Result<LicenseId, LicenseIdError> {
        let rest = s
            .strip_prefix(Self::ROOT)
            .and_then(|r| r.strip_prefix('.'))
            .ok_or(LicenseIdError::Root)?;
        let parts: Vec<&str> = rest.split('.').collect();
        let [type_code, issuer, serial, version, check] = parts[..] else {
            return Err(LicenseIdError::PartCount { found: parts.len() });
        };
        let type_code = LicenseTypeCode::parse(type_code).map_err(LicenseIdError::TypeCode)?;
        let issuer = Uscc::parse(issuer).map_err(LicenseIdError::Issuer)?;
        check_serial(serial)?;
        if version.len() != 3 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LicenseIdError::Version);
        }
        let version: u16 = version.parse().map_err(|_| LicenseIdError::Version)?;
        let mut chars = check.chars();
        let check = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => c,
            _ => return Err(LicenseIdError::CheckCharacter),
        };
        let expected = compute_check(&type_code, &issuer, serial, version)?;
        Ok(LicenseId {
            text: s.to_owned(),
            type_code,
            issuer,
            serial: serial.to_owned(),
            version,
            check,
            expected,
        })
    }

    /// Builds a conforming identifier, computing its check character.
    ///
    /// Fails if `serial` is empty or not ASCII letters and digits, or `version > 999`.
    pub fn new(
        type_code: &LicenseTypeCode,
        issuer: &Uscc,
        serial: &str,
        version: u16,
    ) -> Result<LicenseId, LicenseIdError> {
        check_serial(serial)?;
        if version > 999 {
            return Err(LicenseIdError::Version);
        }
        let expected = compute_check(type_code, issuer, serial, version)?;
        Ok(LicenseId {
            text: format!(
                "{}.{}.{}.{serial}.{version:03}.{expected}",
                Self::ROOT,
                type_code.as_str(),
                issuer.as_str()
            ),
            type_code: type_code.clone(),
            issuer: issuer.clone(),
            serial: serial.to_owned(),
            version,
            check: expected,
            expected,
        })
    }

    /// The identifier exactly as parsed (or built).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The license type code (证照类型代码).
    pub fn type_code(&self) -> &LicenseTypeCode {
        &self.type_code
    }

    /// The issuing authority's USCC (颁发机构代码).
    pub fn issuer(&self) -> &Uscc {
        &self.issuer
    }

    /// The issuer-chosen serial (流水号).
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The version number (版本号, printed as 3 digits).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The check character the identifier carries.
    pub fn check_character(&self) -> char {
        self.check
    }

    /// The check character GB/T 36904 calls for.
    pub fn expected_check_character(&self) -> char {
        self.expected
    }

    /// Whether the carried check character is the standard one (letters compared case-insensitively).
    pub fn conformance(&self) -> Conformance {
        if self.check.eq_ignore_ascii_case(&self.expected) {
            Conformance::Conforming
        } else {
            Conformance::NonConformingCheck {
                found: self.check,
                expected: self.expected,
            }
        }
    }
}

/// A serial is non-empty ASCII letters and digits (the check alphabet).
fn check_serial(serial: &str) -> Result<(), LicenseIdError> {
    if serial.is_empty() || !serial.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(LicenseIdError::Serial);
    }
    Ok(())
}

fn compute_check(
    type_code: &LicenseTypeCode,
    issuer: &Uscc,
    serial: &str,
    version: u16,
) -> Result<char, LicenseIdError> {
    let body = format!(
        "{}{}{serial}{version:03}",
        type_code.as_str(),
        issuer.as_str()
    );
    // Every part was checked to be alphanumeric, so this cannot fail.
    iso7064_mod37_36(&body).ok_or(LicenseIdError::Serial)
}

impl fmt::Display for LicenseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for LicenseId {
    type Err = LicenseIdError;

    fn from_str(s: &str) -> Result<LicenseId, LicenseIdError> {
        LicenseId::parse(s)
    }
}

impl Serialize for LicenseId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for LicenseId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<LicenseId, D::Error> {
        let s = String::deserialize(deserializer)?;
        LicenseId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const VALID: [&str; 3] = [
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
        "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
    ];

    #[test]
    fn check_character_is_iso7064_mod37_36_over_the_parts_without_dots() {
        assert_eq!(
            iso7064_mod37_36("11100000000013338W01111430000006122244L20230000403001"),
            Some('U')
        );
        assert_eq!(
            iso7064_mod37_36("11100000000013338W00911330105002500287C2025052201002"),
            Some('0')
        );
        assert_eq!(iso7064_mod37_36("a.b"), None);
    }

    #[test]
    fn mod37_36_detects_every_single_substitution() {
        let body = "11100000000013338W03211220000013544541J2430599001";
        let check = iso7064_mod37_36(body).unwrap();
        for i in 0..body.len() {
            for &c in ALPHABET {
                let mut changed = body.as_bytes().to_vec();
                if changed[i] == c {
                    continue;
                }
                changed[i] = c;
                let changed = String::from_utf8(changed).unwrap();
                assert_ne!(iso7064_mod37_36(&changed), Some(check), "{changed}");
            }
        }
    }

    #[test]
    fn published_identifiers_conform() {
        for s in VALID {
            let id = LicenseId::parse(s).unwrap();
            assert_eq!(id.conformance(), Conformance::Conforming, "{s}");
            assert_eq!(id.as_str(), s);
        }
    }

    #[test]
    fn parts_are_split_at_the_dots() {
        let id = LicenseId::parse(VALID[1]).unwrap();
        assert_eq!(id.type_code().as_str(), "11100000000013338W009");
        assert_eq!(id.type_code().sequence(), 9);
        assert_eq!(id.issuer().as_str(), "11330105002500287C");
        assert_eq!(id.serial(), "2025052201");
        assert_eq!(id.version(), 2);
        assert_eq!(id.check_character(), '0');
    }

    #[test]
    fn wrong_check_character_is_a_finding_not_an_error() {
        let id = LicenseId::parse(
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.U",
        )
        .unwrap();
        assert_eq!(
            id.conformance(),
            Conformance::NonConformingCheck {
                found: 'U',
                expected: 'E'
            }
        );
        assert!(!id.conformance().is_conforming());
        let id = LicenseId::parse(
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.U",
        )
        .unwrap();
        assert_eq!(id.expected_check_character(), 'S');
    }

    #[test]
    fn new_computes_the_check_character() {
        let t = LicenseTypeCode::parse("11100000000013338W011").unwrap();
        let issuer = Uscc::parse("11430000006122244L").unwrap();
        let id = LicenseId::new(&t, &issuer, "20230000403", 1).unwrap();
        assert_eq!(id.as_str(), VALID[0]);
        assert_eq!(
            LicenseId::new(&t, &issuer, "20230000404", 1)
                .unwrap()
                .check_character(),
            'E'
        );
        assert_eq!(
            LicenseId::new(&t, &issuer, "", 1),
            Err(LicenseIdError::Serial)
        );
        assert_eq!(
            LicenseId::new(&t, &issuer, "2023-1", 1),
            Err(LicenseIdError::Serial)
        );
        assert_eq!(
            LicenseId::new(&t, &issuer, "1", 1000),
            Err(LicenseIdError::Version)
        );
    }

    #[test]
    fn hex_serials_are_accepted_case_insensitively() {
        let t = LicenseTypeCode::parse("11100000000013338W011").unwrap();
        let issuer = Uscc::parse("11430000006122244L").unwrap();
        let upper = LicenseId::new(&t, &issuer, "0123456789ABCDEF0123456789ABCDEF", 1).unwrap();
        let lower = LicenseId::new(&t, &issuer, "0123456789abcdef0123456789abcdef", 1).unwrap();
        assert_eq!(upper.check_character(), lower.check_character());
    }

    #[test]
    fn root_must_be_the_e_license_arc() {
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.3.11100000000013338W032.11220000013544541J.2430599.001.F"
            ),
            Err(LicenseIdError::Root)
        );
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.211100000000013338W032.11220000013544541J.2430599.001.F"
            ),
            Err(LicenseIdError::Root)
        );
    }

    #[test]
    fn there_are_exactly_five_parts_after_the_root() {
        assert_eq!(
            LicenseId::parse("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001"),
            Err(LicenseIdError::PartCount { found: 4 })
        );
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430.599.001.F"
            ),
            Err(LicenseIdError::PartCount { found: 6 })
        );
    }

    #[test]
    fn embedded_codes_are_validated() {
        assert!(matches!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338X032.11220000013544541J.2430599.001.F"
            ),
            Err(LicenseIdError::TypeCode(LicenseTypeCodeError::Authority(_)))
        ));
        assert!(matches!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W03.11220000013544541J.2430599.001.F"
            ),
            Err(LicenseIdError::TypeCode(LicenseTypeCodeError::Length {
                found: 20
            }))
        ));
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W032.11220000013544541K.2430599.001.F"
            ),
            Err(LicenseIdError::Issuer(UsccError::Checksum {
                expected: 'J'
            }))
        );
    }

    #[test]
    fn version_is_three_digits_and_check_one_character() {
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.01.F"
            ),
            Err(LicenseIdError::Version)
        );
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.FF"
            ),
            Err(LicenseIdError::CheckCharacter)
        );
        assert_eq!(
            LicenseId::parse(
                "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001."
            ),
            Err(LicenseIdError::CheckCharacter)
        );
        assert_eq!(
            LicenseId::parse("1.2.156.3005.2.11100000000013338W032.11220000013544541J..001.F"),
            Err(LicenseIdError::Serial)
        );
    }

    #[test]
    fn type_code_is_a_uscc_and_three_digits() {
        let authority = Uscc::parse("11100000000013338W").unwrap();
        let t = LicenseTypeCode::new(&authority, 32).unwrap();
        assert_eq!(t.as_str(), "11100000000013338W032");
        assert_eq!(LicenseTypeCode::parse("11100000000013338W032"), Ok(t));
        assert_eq!(
            LicenseTypeCode::parse("11100000000013338W03A"),
            Err(LicenseTypeCodeError::Sequence)
        );
        assert_eq!(
            LicenseTypeCode::new(&authority, 1000),
            Err(LicenseTypeCodeError::Sequence)
        );
    }

    #[test]
    fn serde_keeps_non_conforming_identifiers() {
        let s = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.U";
        let json = format!("\"{s}\"");
        let id: LicenseId = serde_json::from_str(&json).unwrap();
        assert!(!id.conformance().is_conforming());
        assert_eq!(serde_json::to_string(&id).unwrap(), json);
        assert!(serde_json::from_str::<LicenseId>("\"1.2.3\"").is_err());
    }

    #[test]
    fn errors_speak_both_languages_and_nest() {
        let e = LicenseIdError::Issuer(UsccError::Length { found: 17 });
        assert!(e.zh().contains("18位"));
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e.to_string(), e.bilingual());
    }
}
