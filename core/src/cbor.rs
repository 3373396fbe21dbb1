//! Deterministic CBOR (RFC 8949 §4.2.1) with hostile-input limits.
//!
//! Everything this crate signs or hashes is encoded deterministically: shortest
//! integer and length forms, definite lengths, map keys sorted by their encoded
//! bytes, no duplicate keys. Everything it *reads* must already be in that form:
//! [`decode_strict`] decodes, re-encodes deterministically and requires the same
//! bytes back. That one comparison rejects non-minimal integers, indefinite
//! lengths, unsorted or duplicate map keys and trailing bytes, so two parties can
//! never disagree about what a signature or digest covered.
//!
//! Limits are enforced before anything is allocated from an attacker-chosen
//! length: the input size is capped by the caller, nesting depth is capped
//! here, and ciborium never pre-allocates from a declared length beyond the
//! bytes actually present.

use ciborium::value::Value;
use std::borrow::Cow;

use crate::lang::Localized;

/// Maximum nesting depth of any CBOR item this crate accepts.
pub const MAX_DEPTH: usize = 16;
/// Items allowed in a document of `len` bytes: `len / 4 + 64`.
///
/// Counted recursively: every data item (a map entry is two items, its key and
/// its value; a tag and the item it wraps are two). Every item takes at least
/// one byte, so a count limit only matters as a bound on the memory a decoded
/// tree takes; deriving it from the size lets a large signed document (a
/// national trust list of 50,000 issuers has ≈ 8 bytes per item) load while a
/// small one full of one-byte items is still refused.
pub fn max_items(len: usize) -> usize {
    len / 4 + 64
}

/// Why some bytes are not acceptable CBOR for this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborError {
    /// Input larger than the limit for this kind of document.
    TooLarge {
        /// Size of the input in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// Not well-formed CBOR (truncated, bad major type, nesting too deep…).
    Malformed,
    /// Bytes left after the single top-level item.
    TrailingBytes,
    /// Well-formed but not deterministically encoded (or a duplicate map key).
    NotDeterministic,
    /// Too many items in one document.
    TooManyItems,
    /// Floating-point or other values this format never uses.
    UnsupportedValue,
}

impl Localized for CborError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            CborError::TooLarge { len, max } => {
                format!("数据过大（{len} 字节，上限 {max} 字节）").into()
            }
            CborError::Malformed => "数据格式错误（CBOR 无法解析或被截断）".into(),
            CborError::TrailingBytes => "数据末尾有多余字节".into(),
            CborError::NotDeterministic => "数据不是确定性编码（可能被改写或重复键）".into(),
            CborError::TooManyItems => "数据项数量超过上限".into(),
            CborError::UnsupportedValue => "数据包含本格式不使用的值类型".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            CborError::TooLarge { len, max } => {
                format!("data too large ({len} bytes, limit {max})").into()
            }
            CborError::Malformed => "malformed CBOR (unparseable or truncated)".into(),
            CborError::TrailingBytes => "trailing bytes after the CBOR item".into(),
            CborError::NotDeterministic => {
                "CBOR is not deterministically encoded (re-encoded or duplicate keys)".into()
            }
            CborError::TooManyItems => "too many CBOR items".into(),
            CborError::UnsupportedValue => {
                "CBOR contains a value type this format never uses".into()
            }
        }
    }
}

impl std::fmt::Display for CborError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for CborError {}

/// Encodes a value deterministically (map keys sorted by encoded bytes).
pub fn encode(value: &Value) -> Vec<u8> {
    let canonical = canonicalize(value);
    let mut out = Vec::new();
    // Writing into a Vec cannot fail; the only error ciborium reports is from the writer.
    if ciborium::ser::into_writer(&canonical, &mut out).is_err() {
        out.clear();
    }
    out
}

/// Returns a copy of `value` with every map's entries sorted by encoded key bytes.
fn canonicalize(value: &Value) -> Value {
    match value {
        Value::Map(entries) => {
            let mut sorted: Vec<(Vec<u8>, Value, Value)> = entries
                .iter()
                .map(|(k, v)| {
                    let k = canonicalize(k);
                    let mut kb = Vec::new();
                    let _ = ciborium::ser::into_writer(&k, &mut kb);
                    (kb, k, canonicalize(v))
                })
                .collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(sorted.into_iter().map(|(_, k, v)| (k, v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonicalize).collect()),
        Value::Tag(t, inner) => Value::Tag(*t, Box::new(canonicalize(inner))),
        other => other.clone(),
    }
}

/// Decodes exactly one deterministically encoded CBOR item of at most `max_len` bytes.
pub fn decode_strict(bytes: &[u8], max_len: usize) -> Result<Value, CborError> {
    if bytes.len() > max_len {
        return Err(CborError::TooLarge {
            len: bytes.len(),
            max: max_len,
        });
    }
    let mut reader = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH)
        .map_err(|_| CborError::Malformed)?;
    if !reader.is_empty() {
        return Err(CborError::TrailingBytes);
    }
    let mut items = 0usize;
    check_values(&value, &mut items, max_items(bytes.len()))?;
    // Keys strictly ascending (bytewise, by encoding) means sorted and no
    // duplicates, so the value can be re-encoded as it is, without a sorted copy.
    if !keys_strictly_sorted(&value) {
        return Err(CborError::NotDeterministic);
    }
    let mut again = Vec::with_capacity(bytes.len());
    if ciborium::ser::into_writer(&value, &mut again).is_err() || again != bytes {
        return Err(CborError::NotDeterministic);
    }
    Ok(value)
}

fn keys_strictly_sorted(value: &Value) -> bool {
    // Two buffers reused for every key of the document: a national trust list
    // has hundreds of thousands of map keys, and an allocation per key was
    // most of its load time.
    let mut previous = Vec::new();
    let mut current = Vec::new();
    sorted_in(value, &mut previous, &mut current)
}

fn sorted_in(value: &Value, previous: &mut Vec<u8>, current: &mut Vec<u8>) -> bool {
    match value {
        Value::Map(m) => {
            for (i, (k, _)) in m.iter().enumerate() {
                current.clear();
                if ciborium::ser::into_writer(k, &mut *current).is_err() {
                    return false;
                }
                if i > 0 && *previous >= *current {
                    return false;
                }
                std::mem::swap(previous, current);
            }
            m.iter().all(|(k, v)| {
                (!matches!(k, Value::Map(_) | Value::Array(_) | Value::Tag(..))
                    || sorted_in(k, previous, current))
                    && sorted_in(v, previous, current)
            })
        }
        Value::Array(a) => a.iter().all(|v| sorted_in(v, previous, current)),
        Value::Tag(_, inner) => sorted_in(inner, previous, current),
        _ => true,
    }
}

fn check_values(value: &Value, items: &mut usize, max: usize) -> Result<(), CborError> {
    *items += 1;
    if *items > max {
        return Err(CborError::TooManyItems);
    }
    match value {
        Value::Float(_) => Err(CborError::UnsupportedValue),
        Value::Array(a) => a.iter().try_for_each(|v| check_values(v, items, max)),
        Value::Map(m) => m.iter().try_for_each(|(k, v)| {
            check_values(k, items, max)?;
            check_values(v, items, max)
        }),
        Value::Tag(_, inner) => check_values(inner, items, max),
        _ => Ok(()),
    }
}

/// Small helpers for reading decoded values without panicking.
pub mod read {
    use ciborium::value::{Integer, Value};

    /// Looks up an integer key in a map.
    pub fn get(map: &[(Value, Value)], key: i64) -> Option<&Value> {
        map.iter()
            .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(key)))
            .map(|(_, v)| v)
    }

    /// Reads an unsigned integer that fits in u64.
    pub fn uint(v: &Value) -> Option<u64> {
        match v {
            Value::Integer(i) => u64::try_from(i128::from(*i)).ok(),
            _ => None,
        }
    }

    /// Reads a signed integer that fits in i64.
    pub fn int(v: &Value) -> Option<i64> {
        match v {
            Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
            _ => None,
        }
    }

    /// Reads a byte string.
    pub fn bytes(v: &Value) -> Option<&[u8]> {
        match v {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// Reads a text string.
    pub fn text(v: &Value) -> Option<&str> {
        match v {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Reads an array.
    pub fn array(v: &Value) -> Option<&[Value]> {
        match v {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Reads a map.
    pub fn map(v: &Value) -> Option<&[(Value, Value)]> {
        match v {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Makes an integer value.
    pub fn i(n: i64) -> Value {
        Value::Integer(Integer::from(n))
    }

    /// Makes an unsigned integer value.
    pub fn u(n: u64) -> Value {
        Value::Integer(Integer::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_map_keys_are_rejected() {
        // {2: 0, 1: 0} — keys out of order.
        assert_eq!(
            decode_strict(&[0xa2, 0x02, 0x00, 0x01, 0x00], 64),
            Err(CborError::NotDeterministic)
        );
        assert!(decode_strict(&[0xa2, 0x01, 0x00, 0x02, 0x00], 64).is_ok());
    }

    #[test]
    fn duplicate_map_keys_are_rejected() {
        assert_eq!(
            decode_strict(&[0xa2, 0x01, 0x00, 0x01, 0x01], 64),
            Err(CborError::NotDeterministic)
        );
    }

    #[test]
    fn non_minimal_integers_are_rejected() {
        // 1 encoded as 0x18 0x01 instead of 0x01.
        assert_eq!(
            decode_strict(&[0x18, 0x01], 64),
            Err(CborError::NotDeterministic)
        );
    }

    #[test]
    fn indefinite_lengths_are_rejected() {
        assert_eq!(
            decode_strict(&[0x9f, 0x01, 0xff], 64),
            Err(CborError::NotDeterministic)
        );
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        assert_eq!(
            decode_strict(&[0x01, 0x02], 64),
            Err(CborError::TrailingBytes)
        );
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let deep = vec![0x81u8; 10_000];
        assert_eq!(decode_strict(&deep, 100_000), Err(CborError::Malformed));
    }

    #[test]
    fn huge_declared_lengths_do_not_allocate() {
        // A byte string that claims 2^32 bytes but carries 3.
        let hostile = [0x5a, 0xff, 0xff, 0xff, 0xff, 1, 2, 3];
        assert_eq!(decode_strict(&hostile, 64), Err(CborError::Malformed));
        // An array that claims 2^32 items.
        let hostile = [0x9a, 0xff, 0xff, 0xff, 0xff, 0];
        assert!(decode_strict(&hostile, 64).is_err());
    }

    #[test]
    fn oversized_input_is_rejected_before_parsing() {
        assert_eq!(
            decode_strict(&[0u8; 100], 10),
            Err(CborError::TooLarge { len: 100, max: 10 })
        );
    }

    #[test]
    fn item_limit_follows_the_document_size() {
        // 200 one-byte items in a 203-byte array: more than 203 / 4 + 64.
        let mut dense = vec![0x98, 200];
        dense.extend(std::iter::repeat_n(0x01, 200));
        assert_eq!(decode_strict(&dense, 1024), Err(CborError::TooManyItems));
        // The same count of 8-byte items (as in a trust list) is fine, and so
        // are 10,000 of them, beyond the old fixed limit of 4,096.
        let mut sparse = vec![0x99, 0x27, 0x10];
        for _ in 0..10_000 {
            sparse.extend([0x47, 1, 2, 3, 4, 5, 6, 7]);
        }
        assert!(decode_strict(&sparse, 1 << 20).is_ok());
    }

    #[test]
    fn floats_are_rejected() {
        assert_eq!(
            decode_strict(&[0xf9, 0x3c, 0x00], 64),
            Err(CborError::UnsupportedValue)
        );
    }

    #[test]
    fn encode_sorts_keys_bytewise() {
        let v = Value::Map(vec![
            (read::i(-65537), read::u(1)),
            (read::u(10), read::u(1)),
            (read::u(4), read::u(1)),
        ]);
        let bytes = encode(&v);
        assert_eq!(bytes[1], 0x04);
        assert_eq!(bytes[3], 0x0a);
        assert_eq!(bytes[5], 0x3a);
        assert_eq!(
            decode_strict(&bytes, 64),
            Ok(Value::Map(vec![
                (read::u(4), read::u(1)),
                (read::u(10), read::u(1)),
                (read::i(-65537), read::u(1)),
            ]))
        );
    }
}
