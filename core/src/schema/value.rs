use ciborium::value::{Integer, Value};

use super::types::ValueKind;
use crate::ids::{Date, IdNumber, LicenseId, Uscc};

/// CBOR tag for "days since 1970-01-01" (RFC 8943).
pub const TAG_DAYS: u64 = 100;

/// A field value, as carried in a disclosure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue {
    /// Text (names, addresses, identifiers).
    Text(String),
    /// A civil date.
    Date(Date),
    /// 长期: a date range with no end.
    LongTerm,
    /// A non-negative integer.
    Integer(u64),
    /// An enumeration code.
    Code(u32),
    /// Bytes (an `image:jpeg` portrait), checked against the field's profile.
    Bytes(Vec<u8>),
}

impl FieldValue {
    /// Parses a claim value written as text (`"1949-12-31"`, `"男"`, `"长期"` …) for a field kind.
    /// Returns the value or a reason (without personal data).
    pub fn parse(kind: &ValueKind, input: &str) -> Result<FieldValue, String> {
        let input = input.trim();
        let v = match kind {
            ValueKind::Text { .. } => FieldValue::Text(input.to_string()),
            ValueKind::Date => FieldValue::Date(parse_date(input)?),
            ValueKind::DateOrLongTerm => {
                if matches!(input, "长期" | "long-term" | "long_term") {
                    FieldValue::LongTerm
                } else {
                    FieldValue::Date(parse_date(input)?)
                }
            }
            ValueKind::Integer { .. } => FieldValue::Integer(
                input
                    .parse::<u64>()
                    .map_err(|_| "not a non-negative integer".to_string())?,
            ),
            ValueKind::Enum { entries, .. } => {
                let found = entries.iter().find(|e| {
                    e.zh == input
                        || e.en.eq_ignore_ascii_case(input)
                        || input.parse::<u32>().ok() == Some(e.code)
                        || (e.zh.ends_with('族') && e.zh.trim_end_matches('族') == input)
                });
                FieldValue::Code(
                    found
                        .map(|e| e.code)
                        .ok_or("not a code of the enumeration")?,
                )
            }
            ValueKind::CitizenId => FieldValue::Text(
                IdNumber::parse(input)
                    .map_err(|e| e.en().into_owned())?
                    .as_str()
                    .to_string(),
            ),
            ValueKind::Uscc | ValueKind::LicenseId | ValueKind::RegionCode => {
                FieldValue::Text(input.to_string())
            }
            // Claims carry an image as standard Base64 (RFC 4648 §4, padded).
            ValueKind::Image(_) => FieldValue::Bytes(
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, input)
                    .map_err(|_| "not standard Base64".to_string())?,
            ),
        };
        v.validate(kind)?;
        Ok(v)
    }

    /// Checks the value against its kind: length, bounds, check characters.
    pub fn validate(&self, kind: &ValueKind) -> Result<(), String> {
        match (kind, self) {
            (ValueKind::Text { max_len }, FieldValue::Text(t)) => {
                if t.trim().is_empty() {
                    return Err("empty text".into());
                }
                if t.chars().count() > *max_len {
                    return Err(format!("longer than {max_len} characters"));
                }
                if t.chars().any(|c| c.is_control() && c != '\n') {
                    return Err("contains control characters".into());
                }
                Ok(())
            }
            (ValueKind::Date, FieldValue::Date(_)) => Ok(()),
            (ValueKind::DateOrLongTerm, FieldValue::Date(_) | FieldValue::LongTerm) => Ok(()),
            (ValueKind::Integer { min, max }, FieldValue::Integer(n)) => {
                if n < min || n > max {
                    Err(format!("outside {min}..={max}"))
                } else {
                    Ok(())
                }
            }
            (ValueKind::Enum { entries, .. }, FieldValue::Code(c)) => {
                if entries.iter().any(|e| e.code == *c) {
                    Ok(())
                } else {
                    Err("not a code of the enumeration".into())
                }
            }
            (ValueKind::CitizenId, FieldValue::Text(t)) => {
                let id = IdNumber::parse(t).map_err(|e| e.en().into_owned())?;
                if id.as_str() != t {
                    return Err("not in normal form (lowercase x)".into());
                }
                Ok(())
            }
            (ValueKind::Uscc, FieldValue::Text(t)) => {
                Uscc::parse(t).map(|_| ()).map_err(|e| e.en().into_owned())
            }
            (ValueKind::LicenseId, FieldValue::Text(t)) => LicenseId::parse(t)
                .map(|_| ())
                .map_err(|e| e.en().into_owned()),
            (ValueKind::RegionCode, FieldValue::Text(t)) => {
                if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) && t != "000000" {
                    Ok(())
                } else {
                    Err("not a 6-digit region code".into())
                }
            }
            (ValueKind::Image(profile), FieldValue::Bytes(b)) => profile
                .check(b)
                .map(|_| ())
                .map_err(|e| e.en().into_owned()),
            _ => Err(format!("wrong value type for kind {}", kind.name())),
        }
    }

    /// The CBOR encoding (dates as tag 100 day numbers, long-term as null).
    pub fn to_cbor(&self) -> Value {
        match self {
            FieldValue::Text(t) => Value::Text(t.clone()),
            FieldValue::Date(d) => Value::Tag(
                TAG_DAYS,
                Box::new(Value::Integer(Integer::from(d.days_since_epoch()))),
            ),
            FieldValue::LongTerm => Value::Null,
            FieldValue::Integer(n) => Value::Integer(Integer::from(*n)),
            FieldValue::Code(c) => Value::Integer(Integer::from(*c)),
            FieldValue::Bytes(b) => Value::Bytes(b.clone()),
        }
    }

    /// Reads a value of the given kind from CBOR, then validates it.
    pub fn from_cbor(kind: &ValueKind, v: &Value) -> Result<FieldValue, String> {
        let value = match (kind, v) {
            (
                ValueKind::Text { .. }
                | ValueKind::CitizenId
                | ValueKind::Uscc
                | ValueKind::LicenseId
                | ValueKind::RegionCode,
                Value::Text(t),
            ) => FieldValue::Text(t.clone()),
            (ValueKind::Date | ValueKind::DateOrLongTerm, Value::Tag(TAG_DAYS, inner)) => {
                let days = match inner.as_ref() {
                    Value::Integer(i) => i64::try_from(i128::from(*i))
                        .map_err(|_| "date out of range".to_string())?,
                    _ => return Err("date is not a day number".into()),
                };
                // Years 1000..=9999 only: anything else is not a license date.
                if !(-354_285..=2_932_896).contains(&days) {
                    return Err("date out of range".into());
                }
                FieldValue::Date(Date::from_days_since_epoch(days))
            }
            (ValueKind::DateOrLongTerm, Value::Null) => FieldValue::LongTerm,
            (ValueKind::Integer { .. }, Value::Integer(i)) => FieldValue::Integer(
                u64::try_from(i128::from(*i)).map_err(|_| "integer out of range".to_string())?,
            ),
            (ValueKind::Enum { .. }, Value::Integer(i)) => FieldValue::Code(
                u32::try_from(i128::from(*i)).map_err(|_| "code out of range".to_string())?,
            ),
            (ValueKind::Image(profile), Value::Bytes(b)) => {
                // Size first, before the bytes are copied.
                if b.len() > profile.max_bytes {
                    return Err("image too large".into());
                }
                FieldValue::Bytes(b.clone())
            }
            _ => return Err(format!("wrong CBOR type for kind {}", kind.name())),
        };
        value.validate(kind)?;
        Ok(value)
    }

    /// Display text in Chinese and English (enumeration names, ISO dates, 长期).
    pub fn display(&self, kind: &ValueKind) -> (String, String) {
        match (self, kind) {
            (FieldValue::Code(c), ValueKind::Enum { entries, .. }) => entries
                .iter()
                .find(|e| e.code == *c)
                .map(|e| (e.zh.clone(), e.en.clone()))
                .unwrap_or_else(|| (c.to_string(), c.to_string())),
            (FieldValue::Text(t), _) => (t.clone(), t.clone()),
            (FieldValue::Date(d), _) => (d.to_string(), d.to_string()),
            (FieldValue::LongTerm, _) => ("长期".into(), "long-term".into()),
            (FieldValue::Integer(n), _) => (n.to_string(), n.to_string()),
            (FieldValue::Code(c), _) => (c.to_string(), c.to_string()),
            (FieldValue::Bytes(b), ValueKind::Image(p)) => match p.check(b) {
                Ok(i) => (
                    format!("JPEG 照片 {}×{}，{} 字节", i.width, i.height, i.len),
                    format!("JPEG portrait {}×{}, {} bytes", i.width, i.height, i.len),
                ),
                Err(e) => (e.zh().into_owned(), e.en().into_owned()),
            },
            (FieldValue::Bytes(b), _) => {
                (format!("{} 字节", b.len()), format!("{} bytes", b.len()))
            }
        }
    }

    /// The date, if this is a date.
    pub fn as_date(&self) -> Option<Date> {
        match self {
            FieldValue::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The bytes, if this is an image.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            FieldValue::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

fn parse_date(input: &str) -> Result<Date, String> {
    Date::parse_iso(input)
        .or_else(|_| Date::parse_yyyymmdd(input))
        .map_err(|_| "not a date (YYYY-MM-DD)".to_string())
}

use crate::lang::Localized as _;
