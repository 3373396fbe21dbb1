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

pub(crate) mod canonical;

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

/// Appends the deterministic (shortest) head of major type `major` (0–7) with argument `arg`:
/// what [`encode`] writes for that head, for callers that write a fixed structure directly.
pub(crate) fn write_head(major: u8, arg: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if let Ok(a) = u8::try_from(arg) {
        out.extend_from_slice(&[m | 24, a]);
    } else if let Ok(a) = u16::try_from(arg) {
        out.push(m | 25);
        out.extend_from_slice(&a.to_be_bytes());
    } else if let Ok(a) = u32::try_from(arg) {
        out.push(m | 26);
        out.extend_from_slice(&a.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
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

/// Checks that `bytes` is exactly one deterministically encoded CBOR item of
/// at most `max_len` bytes, with the limits of [`decode_strict`], without
/// decoding or allocating anything: it accepts exactly what [`decode_strict`]
/// accepts (large documents are validated this way, then read in place).
pub fn validate_strict(bytes: &[u8], max_len: usize) -> Result<(), CborError> {
    canonical::validate(bytes, max_len)
}

/// Decodes exactly one deterministically encoded CBOR item of at most `max_len` bytes.
///
/// The bytes are first checked by the allocation-free validator (which
/// decides exactly as the decode-and-compare reference below: property test
/// here, fuzz target `cbor`), then read into a tree in one pass. Input it
/// refuses gets the reference's error, so the error kinds are unchanged.
pub fn decode_strict(bytes: &[u8], max_len: usize) -> Result<Value, CborError> {
    match canonical::validate(bytes, max_len) {
        Ok(()) => canonical::build(bytes).ok_or(CborError::Malformed),
        // Refused either way; the reference names why, as it always did.
        Err(e) => Err(decode_reference(bytes, max_len).err().unwrap_or(e)),
    }
}

/// The reference decoder that [`decode_strict`] is checked against (and
/// takes its errors from): ciborium decodes, then the tree must encode
/// deterministically to exactly `bytes`. Same result as [`decode_strict`]
/// for every input, slower; public for the differential fuzz target.
pub fn decode_reference(bytes: &[u8], max_len: usize) -> Result<Value, CborError> {
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
    // The deterministic encoding of `value` must be exactly `bytes`: compared
    // node by node against the input, without building the re-encoding (a
    // national trust list is 8 MB) and with map keys compared as the input
    // slices they must equal (strictly ascending: sorted, no duplicates).
    let mut pos = 0;
    if !encodes_as(&value, bytes, &mut pos) || pos != bytes.len() {
        return Err(CborError::NotDeterministic);
    }
    Ok(value)
}

/// Whether the core deterministic encoding (RFC 8949 §4.2.1) of the head
/// `major`/`arg` is at `input[*pos..]`; advances `pos` past it.
fn head_is(major: u8, arg: u64, input: &[u8], pos: &mut usize) -> bool {
    let m = major << 5;
    let mut head = [0u8; 9];
    let len = if arg < 24 {
        head[0] = m | arg as u8;
        1
    } else if let Ok(a) = u8::try_from(arg) {
        head[0] = m | 24;
        head[1] = a;
        2
    } else if let Ok(a) = u16::try_from(arg) {
        head[0] = m | 25;
        head[1..3].copy_from_slice(&a.to_be_bytes());
        3
    } else if let Ok(a) = u32::try_from(arg) {
        head[0] = m | 26;
        head[1..5].copy_from_slice(&a.to_be_bytes());
        5
    } else {
        head[0] = m | 27;
        head[1..9].copy_from_slice(&arg.to_be_bytes());
        9
    };
    slice_is(&head[..len], input, pos)
}

/// Whether `input[*pos..]` starts with `expected`; advances `pos` past it.
fn slice_is(expected: &[u8], input: &[u8], pos: &mut usize) -> bool {
    let Some(end) = pos.checked_add(expected.len()) else {
        return false;
    };
    if input.get(*pos..end) != Some(expected) {
        return false;
    }
    *pos = end;
    true
}

/// Whether `value`'s deterministic encoding is at `input[*pos..]` (advancing
/// `pos` past it), with every map's keys strictly ascending by their encoded
/// bytes. Equivalent to encoding `value` with ciborium (which writes shortest
/// forms and definite lengths) and comparing, except that integers beyond
/// the 64-bit major types (ciborium's bignum tags 2/3) are refused: this
/// format never uses them.
fn encodes_as(value: &Value, input: &[u8], pos: &mut usize) -> bool {
    let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    match value {
        Value::Integer(i) => {
            let i = i128::from(*i);
            match (u64::try_from(i), u64::try_from(-1 - i)) {
                (Ok(u), _) => head_is(0, u, input, pos),
                (_, Ok(n)) => head_is(1, n, input, pos),
                _ => false,
            }
        }
        Value::Bytes(b) => head_is(2, len(b.len()), input, pos) && slice_is(b, input, pos),
        Value::Text(t) => {
            head_is(3, len(t.len()), input, pos) && slice_is(t.as_bytes(), input, pos)
        }
        Value::Array(a) => {
            head_is(4, len(a.len()), input, pos) && a.iter().all(|v| encodes_as(v, input, pos))
        }
        Value::Map(m) => {
            if !head_is(5, len(m.len()), input, pos) {
                return false;
            }
            let mut previous: Option<&[u8]> = None;
            for (k, v) in m {
                let start = *pos;
                if !encodes_as(k, input, pos) {
                    return false;
                }
                // The key's encoding is the input slice it just matched.
                let key = input.get(start..*pos);
                if previous.is_some() && previous >= key {
                    return false;
                }
                previous = key;
                if !encodes_as(v, input, pos) {
                    return false;
                }
            }
            true
        }
        Value::Tag(t, inner) => head_is(6, *t, input, pos) && encodes_as(inner, input, pos),
        Value::Bool(false) => slice_is(&[0xf4], input, pos),
        Value::Bool(true) => slice_is(&[0xf5], input, pos),
        Value::Null => slice_is(&[0xf6], input, pos),
        // Floats are refused by `check_values`; anything else is not ours.
        _ => false,
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
        // Bignums are not part of the format, whatever they hold.
        Value::Tag(2 | 3, _) => Err(CborError::UnsupportedValue),
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
    fn nesting_at_the_depth_limit_is_decided_as_the_reference_does() {
        for depth in MAX_DEPTH - 2..=MAX_DEPTH + 2 {
            for (open, leaf) in [(0x81u8, 0x01u8), (0xa1, 0x01), (0xc6, 0x01)] {
                let mut bytes = Vec::new();
                for _ in 0..depth {
                    bytes.push(open);
                    if open == 0xa1 {
                        bytes.push(0x01); // key
                    }
                }
                bytes.push(leaf);
                assert_eq!(
                    decode_strict(&bytes, 1024),
                    decode_reference(&bytes, 1024),
                    "depth {depth}, {open:02x}"
                );
                assert_eq!(
                    canonical::validate(&bytes, 1024).is_ok(),
                    decode_reference(&bytes, 1024).is_ok(),
                    "depth {depth}, {open:02x}"
                );
            }
        }
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
    fn bignums_are_rejected_by_both_checks() {
        // 2^64 (the proptest regression), -1 as a one-byte negative bignum,
        // 5 as a one-byte bignum, and a bignum inside an array.
        for bytes in [
            &[0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0][..],
            &[0xc3, 0x41, 0x00],
            &[0xc2, 0x41, 0x05],
            &[0x81, 0xc2, 0x41, 0x05],
        ] {
            assert!(decode_strict(bytes, 64).is_err(), "{bytes:02x?}");
            assert_eq!(
                canonical::validate(bytes, 64),
                Err(CborError::UnsupportedValue),
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn a_float_map_key_is_rejected_by_both_checks() {
        // The other proptest regression: a float64 map key.
        let bytes = [0xa1, 0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x01];
        assert_eq!(decode_strict(&bytes, 64), Err(CborError::UnsupportedValue));
        assert_eq!(
            canonical::validate(&bytes, 64),
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

    /// The previous check, kept as the reference: re-encode with ciborium,
    /// compare the bytes, and require strictly ascending encoded map keys.
    fn reference_ok(bytes: &[u8]) -> bool {
        fn sorted(v: &Value) -> bool {
            match v {
                Value::Map(m) => {
                    let keys: Vec<Vec<u8>> = m
                        .iter()
                        .map(|(k, _)| {
                            let mut out = Vec::new();
                            let _ = ciborium::ser::into_writer(k, &mut out);
                            out
                        })
                        .collect();
                    keys.windows(2).all(|w| w[0] < w[1])
                        && m.iter().all(|(k, v)| sorted(k) && sorted(v))
                }
                Value::Array(a) => a.iter().all(sorted),
                // The format has no floating-point values and no bignums
                // (FORMAT.md §1.1 item 2), whatever ciborium makes of them.
                Value::Float(_) | Value::Tag(2 | 3, _) => false,
                Value::Tag(_, i) => sorted(i),
                Value::Integer(i) => {
                    let i = i128::from(*i);
                    u64::try_from(i).is_ok() || u64::try_from(-1 - i).is_ok()
                }
                _ => true,
            }
        }
        let mut reader = bytes;
        let Ok(value) =
            ciborium::de::from_reader_with_recursion_limit::<Value, _>(&mut reader, MAX_DEPTH)
        else {
            return false;
        };
        let mut again = Vec::new();
        reader.is_empty()
            && sorted(&value)
            && ciborium::ser::into_writer(&value, &mut again).is_ok()
            && again == bytes
    }

    fn arb_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            any::<u64>().prop_map(|n| Value::Integer(n.into())),
            (0u64..300).prop_map(|n| Value::Integer(
                (-1 - i128::from(n)).try_into().unwrap_or(0u8.into())
            )),
            proptest::collection::vec(any::<u8>(), 0..30).prop_map(Value::Bytes),
            "[a-z张三]{0,8}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..5)
                    .prop_map(Value::Map),
                (0u64..300, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest::proptest! {
        /// The node-by-node comparison decides exactly as re-encoding did,
        /// on canonical encodings, on ciborium's (unsorted) encodings, and on
        /// random one-byte mutations of both.
        #[test]
        fn in_place_check_decides_as_re_encoding(v in arb_value(), at in 0usize..512, b in 0u8..=255) {
            for bytes in [encode(&v), {
                let mut raw = Vec::new();
                let _ = ciborium::ser::into_writer(&v, &mut raw);
                raw
            }] {
                let mut mutated = bytes.clone();
                if !mutated.is_empty() {
                    let i = at % mutated.len();
                    mutated[i] = b;
                }
                for input in [bytes, mutated] {
                    // The allocation-free validator decides as decode_strict does.
                    proptest::prop_assert_eq!(
                        canonical::validate(&input, 1 << 20).is_ok(),
                        decode_reference(&input, 1 << 20).is_ok(),
                        "validate vs decode_strict on {:02x?}", input
                    );
                    let ours = decode_strict(&input, 1 << 20);
                    // The one-pass tree and every error are the reference decoder's.
                    proptest::prop_assert_eq!(
                        &ours, &decode_reference(&input, 1 << 20), "{:02x?}", input
                    );
                    let ours_ok = ours.is_ok();
                    let reference = reference_ok(&input);
                    // Item limits aside, both agree.
                    if !matches!(ours, Err(CborError::TooManyItems)) {
                        proptest::prop_assert_eq!(ours_ok, reference, "{:02x?}", input);
                    }
                }
            }
        }
    }
}
