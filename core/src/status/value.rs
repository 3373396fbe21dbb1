//! Status values stored in a Token Status List.
//!
//! The IETF Token Status List (draft-ietf-oauth-status-list, section "Status
//! Types") gives every Referenced Token a status of 1, 2, 4 or 8 bits:
//!
//! | raw value        | meaning                                   |
//! |------------------|-------------------------------------------|
//! | `0x00`           | VALID                                     |
//! | `0x01`           | INVALID (for licenses: revoked, 已撤销)    |
//! | `0x02`           | SUSPENDED (temporarily not valid)         |
//! | `0x03`, `0x0C`–`0x0F` | application specific                 |
//! | everything else  | reserved for future registration          |
//!
//! Only [`StatusValue::Valid`] means "not revoked, not suspended". Callers
//! deciding a verdict should treat every other value — including reserved
//! and application-specific ones they do not understand — as "not valid",
//! never as a silent pass.

use std::borrow::Cow;
use std::fmt;

use crate::lang::Localized;

/// The status of one Referenced Token (one license) in a Status List.
///
/// Convert from the raw bits read out of a list with [`StatusValue::from_raw`]
/// (or `From<u8>`), and back with [`StatusValue::raw`] (or `From<StatusValue>
/// for u8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusValue {
    /// `0x00` VALID: the license is valid (有效).
    Valid,
    /// `0x01` INVALID: the license is revoked, annulled or cancelled (已撤销).
    /// This is the draft's "INVALID"; this crate calls it *revoked*.
    Invalid,
    /// `0x02` SUSPENDED: the license is temporarily not valid (已暂停).
    Suspended,
    /// `0x03` or `0x0C`–`0x0F`: reserved by the draft for application-specific
    /// meanings. The contained value is the raw status.
    ApplicationSpecific(u8),
    /// Any other value: reserved for future registration. The contained value
    /// is the raw status.
    Reserved(u8),
}

impl StatusValue {
    /// Alias for [`StatusValue::Invalid`]: the draft's INVALID is what this
    /// crate calls *revoked*.
    pub const REVOKED: StatusValue = StatusValue::Invalid;

    /// Interpret a raw status value as read out of a Status List.
    ///
    /// Total: every `u8` maps to exactly one variant, and
    /// `StatusValue::from_raw(v).raw() == v` for every `v`.
    pub const fn from_raw(raw: u8) -> Self {
        match raw {
            0x00 => StatusValue::Valid,
            0x01 => StatusValue::Invalid,
            0x02 => StatusValue::Suspended,
            0x03 | 0x0C..=0x0F => StatusValue::ApplicationSpecific(raw),
            other => StatusValue::Reserved(other),
        }
    }

    /// The raw value to store in a Status List.
    ///
    /// For [`StatusValue::ApplicationSpecific`] and [`StatusValue::Reserved`]
    /// this is the contained value as given, even if it does not fall in the
    /// range the variant name suggests.
    pub const fn raw(self) -> u8 {
        match self {
            StatusValue::Valid => 0x00,
            StatusValue::Invalid => 0x01,
            StatusValue::Suspended => 0x02,
            StatusValue::ApplicationSpecific(v) | StatusValue::Reserved(v) => v,
        }
    }

    /// `true` only for [`StatusValue::Valid`].
    pub const fn is_valid(self) -> bool {
        matches!(self, StatusValue::Valid)
    }

    /// `true` only for [`StatusValue::Invalid`] (revoked).
    pub const fn is_revoked(self) -> bool {
        matches!(self, StatusValue::Invalid)
    }

    /// The smallest Status List width (`bits`: 1, 2, 4 or 8) that can hold
    /// this value.
    pub const fn min_bits(self) -> u8 {
        match self.raw() {
            0..=1 => 1,
            2..=3 => 2,
            4..=15 => 4,
            _ => 8,
        }
    }
}

impl From<u8> for StatusValue {
    fn from(raw: u8) -> Self {
        StatusValue::from_raw(raw)
    }
}

impl From<StatusValue> for u8 {
    fn from(value: StatusValue) -> Self {
        value.raw()
    }
}

impl Localized for StatusValue {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            StatusValue::Valid => Cow::Borrowed("有效"),
            StatusValue::Invalid => Cow::Borrowed("已撤销"),
            StatusValue::Suspended => Cow::Borrowed("已暂停"),
            StatusValue::ApplicationSpecific(v) => Cow::Owned(format!("应用自定义状态 0x{v:02X}")),
            StatusValue::Reserved(v) => Cow::Owned(format!("保留的状态值 0x{v:02X}")),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            StatusValue::Valid => Cow::Borrowed("valid"),
            StatusValue::Invalid => Cow::Borrowed("revoked"),
            StatusValue::Suspended => Cow::Borrowed("suspended"),
            StatusValue::ApplicationSpecific(v) => {
                Cow::Owned(format!("application-specific status 0x{v:02X}"))
            }
            StatusValue::Reserved(v) => Cow::Owned(format!("reserved status value 0x{v:02X}")),
        }
    }
}

impl fmt::Display for StatusValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trip_for_every_byte() {
        for v in 0..=u8::MAX {
            assert_eq!(StatusValue::from_raw(v).raw(), v);
            assert_eq!(u8::from(StatusValue::from(v)), v);
        }
    }

    #[test]
    fn registered_and_reserved_ranges() {
        assert_eq!(StatusValue::from_raw(0), StatusValue::Valid);
        assert_eq!(StatusValue::from_raw(1), StatusValue::REVOKED);
        assert_eq!(StatusValue::from_raw(2), StatusValue::Suspended);
        assert_eq!(
            StatusValue::from_raw(3),
            StatusValue::ApplicationSpecific(3)
        );
        for v in 4..=0x0B {
            assert_eq!(StatusValue::from_raw(v), StatusValue::Reserved(v));
        }
        for v in 0x0C..=0x0F {
            assert_eq!(
                StatusValue::from_raw(v),
                StatusValue::ApplicationSpecific(v)
            );
        }
        assert_eq!(StatusValue::from_raw(0x10), StatusValue::Reserved(0x10));
        assert!(StatusValue::Valid.is_valid());
        assert!(!StatusValue::Suspended.is_valid());
        assert!(StatusValue::Invalid.is_revoked());
    }

    #[test]
    fn min_bits() {
        assert_eq!(StatusValue::Valid.min_bits(), 1);
        assert_eq!(StatusValue::Invalid.min_bits(), 1);
        assert_eq!(StatusValue::Suspended.min_bits(), 2);
        assert_eq!(StatusValue::ApplicationSpecific(3).min_bits(), 2);
        assert_eq!(StatusValue::ApplicationSpecific(0x0F).min_bits(), 4);
        assert_eq!(StatusValue::Reserved(0x10).min_bits(), 8);
    }

    #[test]
    fn names_in_both_languages() {
        assert_eq!(StatusValue::Invalid.bilingual(), "已撤销 / revoked");
        assert_eq!(StatusValue::Suspended.to_string(), "已暂停 / suspended");
        assert_eq!(
            StatusValue::ApplicationSpecific(0x0C).en(),
            "application-specific status 0x0C"
        );
    }
}
