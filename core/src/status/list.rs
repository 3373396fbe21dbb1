//! The Status List of the IETF Token Status List (draft-ietf-oauth-status-list),
//! encoding layer only: the bit array, its ZLIB compression (`lst`) and the CBOR
//! Status List object `{"bits": b, "lst": h'..'}`.
//!
//! Layout, as the draft specifies: every Referenced Token has an index; its
//! status takes `bits` bits (1, 2, 4 or 8). Statuses are packed into bytes
//! starting at the least significant bit: with 2 bits, index 0 is bits 0–1 of
//! byte 0, index 3 is bits 6–7 of byte 0, index 4 is bits 0–1 of byte 1. The
//! byte array is compressed with DEFLATE in the ZLIB format (RFC 1950/1951).
//!
//! Decoding is bounded: [`StatusList::from_lst`] and [`StatusList::from_cbor`]
//! take the largest decompressed size the caller accepts and stop inflating
//! one byte past it, so a small "zip bomb" cannot make the verifier allocate
//! much. Nothing here is sized from a length declared in the input.
//!
//! Signing (the Status List Token as a CWT), time-to-live and the verdict
//! built on top live elsewhere in `status`.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use flate2::{Compress, Compression, FlushCompress, Status};

use crate::lang::Localized;
use crate::status::value::StatusValue;

/// ZLIB compression level used by [`StatusList::to_lst`].
///
/// 9 ("best"; the draft's examples were made with C zlib at level 9). With the
/// `zlib-rs` backend this reproduces four of the draft's six CBOR vectors byte
/// for byte (the two short examples, 4-bit and 8-bit); for the 1-bit and 2-bit
/// 2^20-entry vectors zlib-rs emits a different, equally valid DEFLATE stream
/// (it ports zlib-ng, whose match finder differs from zlib's), and no other
/// level reproduces both of those either. Decoders must therefore never
/// compare `lst` bytes, only the inflated statuses.
pub const LST_COMPRESSION_LEVEL: u32 = 9;

/// Size of the scratch buffer used while (de)compressing.
const CHUNK: usize = 16 * 1024;

/// A Token Status List: `len` statuses of `bits` bits each, packed LSB-first.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    /// Bits per status: 1, 2, 4 or 8.
    bits: u8,
    /// Number of statuses.
    len: usize,
    /// Packed statuses; `ceil(len * bits / 8)` bytes, unused high bits zero.
    bytes: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Do not dump up to megabytes of status bytes into logs.
        f.debug_struct("StatusList")
            .field("bits", &self.bits)
            .field("len", &self.len)
            .field("bytes_len", &self.bytes.len())
            .finish()
    }
}

/// Why a Status List could not be built, changed, encoded or decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusListError {
    /// `bits` is not 1, 2, 4 or 8.
    InvalidBits {
        /// The value given.
        bits: u64,
    },
    /// The index is not in the list.
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The number of statuses in the list.
        len: usize,
    },
    /// The status value needs more bits than the list has per status.
    ValueTooLarge {
        /// The value given.
        value: u8,
        /// Bits per status in the list.
        bits: u8,
    },
    /// The `lst` bytes are not a complete, well-formed ZLIB stream (corrupt,
    /// truncated, bad checksum, or followed by extra bytes).
    Inflate,
    /// Compression failed (not expected to happen with in-memory buffers).
    Deflate,
    /// The list is larger than allowed: decompressed, more than `max` bytes
    /// (or, when creating a list, more than the address space allows).
    TooLarge {
        /// The limit, in bytes of packed statuses.
        max: usize,
    },
    /// The CBOR Status List is not well-formed CBOR or not of the expected
    /// shape (a map with an unsigned `bits` and a byte-string `lst`).
    Malformed {
        /// What is wrong, as a short language-neutral tag (a CBOR key or
        /// `"cbor"`, `"map"`, `"trailing bytes"`).
        what: &'static str,
    },
}

impl Localized for StatusListError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            StatusListError::InvalidBits { bits } => {
                Cow::Owned(format!("状态列表每项位数无效：{bits}（应为 1、2、4 或 8）"))
            }
            StatusListError::IndexOutOfRange { index, len } => {
                Cow::Owned(format!("状态索引 {index} 超出列表范围（共 {len} 项）"))
            }
            StatusListError::ValueTooLarge { value, bits } => {
                Cow::Owned(format!("状态值 {value} 无法用 {bits} 位表示"))
            }
            StatusListError::Inflate => Cow::Borrowed("状态列表压缩数据损坏，无法解压"),
            StatusListError::Deflate => Cow::Borrowed("状态列表压缩失败"),
            StatusListError::TooLarge { max } => {
                Cow::Owned(format!("状态列表过大（上限 {max} 字节）"))
            }
            StatusListError::Malformed { what } => {
                Cow::Owned(format!("状态列表 CBOR 结构不正确（{what}）"))
            }
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            StatusListError::InvalidBits { bits } => Cow::Owned(format!(
                "invalid bits per status in status list: {bits} (must be 1, 2, 4 or 8)"
            )),
            StatusListError::IndexOutOfRange { index, len } => Cow::Owned(format!(
                "status index {index} is out of range (list has {len} entries)"
            )),
            StatusListError::ValueTooLarge { value, bits } => {
                Cow::Owned(format!("status value {value} does not fit in {bits} bits"))
            }
            StatusListError::Inflate => {
                Cow::Borrowed("the compressed status list is corrupt and cannot be inflated")
            }
            StatusListError::Deflate => Cow::Borrowed("compressing the status list failed"),
            StatusListError::TooLarge { max } => {
                Cow::Owned(format!("status list is too large (limit {max} bytes)"))
            }
            StatusListError::Malformed { what } => {
                Cow::Owned(format!("malformed CBOR status list ({what})"))
            }
        }
    }
}

impl fmt::Display for StatusListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for StatusListError {}

/// Checks `bits` and returns it as `u8`.
fn check_bits(bits: u64) -> Result<u8, StatusListError> {
    match bits {
        1 | 2 | 4 | 8 => Ok(bits as u8),
        _ => Err(StatusListError::InvalidBits { bits }),
    }
}

impl StatusList {
    /// A list of `len` statuses of `bits` bits each (1, 2, 4 or 8), all
    /// [`StatusValue::Valid`] (0).
    ///
    /// Allocates `ceil(len * bits / 8)` bytes.
    pub fn new(len: usize, bits: u8) -> Result<Self, StatusListError> {
        let bits = check_bits(u64::from(bits))?;
        let total_bits = len
            .checked_mul(usize::from(bits))
            .ok_or(StatusListError::TooLarge { max: usize::MAX })?;
        let bytes = vec![0u8; total_bits.div_ceil(8)];
        Ok(StatusList { bits, len, bytes })
    }

    /// A list from already packed (uncompressed) status bytes. Its length is
    /// `bytes.len() * 8 / bits`, as when decoding.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusListError> {
        let bits = check_bits(u64::from(bits))?;
        let len = bytes
            .len()
            .checked_mul(8)
            .ok_or(StatusListError::TooLarge { max: usize::MAX })?
            / usize::from(bits);
        Ok(StatusList { bits, len, bytes })
    }

    /// Bits per status: 1, 2, 4 or 8.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// Number of statuses in the list.
    ///
    /// A decoded list always holds a whole number of bytes, so its length is
    /// a multiple of `8 / bits`; the padding entries read as 0.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the list holds no statuses.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed, uncompressed status bytes (LSB-first).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Byte position, bit shift and mask of the status at `index`, if any.
    fn locate(&self, index: usize) -> Option<(usize, u32, u8)> {
        if index >= self.len {
            return None;
        }
        let per_byte = 8 / usize::from(self.bits);
        let byte = index / per_byte;
        // < 8, so the cast cannot truncate.
        let shift = ((index % per_byte) * usize::from(self.bits)) as u32;
        let mask = u8::MAX >> (8 - u32::from(self.bits));
        Some((byte, shift, mask))
    }

    /// The raw status at `index`, or `None` when `index >= len()`.
    pub fn get(&self, index: usize) -> Option<u8> {
        let (byte, shift, mask) = self.locate(index)?;
        self.bytes.get(byte).map(|b| (b >> shift) & mask)
    }

    /// The status at `index` as a [`StatusValue`], or `None` when out of range.
    pub fn status(&self, index: usize) -> Option<StatusValue> {
        self.get(index).map(StatusValue::from_raw)
    }

    /// Sets the raw status at `index`.
    ///
    /// Fails when `index >= len()` or `value` needs more than `bits()` bits.
    pub fn set(&mut self, index: usize, value: u8) -> Result<(), StatusListError> {
        let len = self.len;
        let bits = self.bits;
        let (byte, shift, mask) = self
            .locate(index)
            .ok_or(StatusListError::IndexOutOfRange { index, len })?;
        if value > mask {
            return Err(StatusListError::ValueTooLarge { value, bits });
        }
        let slot = self
            .bytes
            .get_mut(byte)
            .ok_or(StatusListError::IndexOutOfRange { index, len })?;
        *slot = (*slot & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// Sets the status at `index` to `value`; see [`StatusList::set`].
    pub fn set_status(&mut self, index: usize, value: StatusValue) -> Result<(), StatusListError> {
        self.set(index, value.raw())
    }

    /// The `lst` value: the packed bytes compressed with DEFLATE in the ZLIB
    /// format at [`LST_COMPRESSION_LEVEL`].
    pub fn to_lst(&self) -> Result<Vec<u8>, StatusListError> {
        let mut c = Compress::new(Compression::new(LST_COMPRESSION_LEVEL), true);
        let mut out = Vec::new();
        let mut chunk = vec![0u8; CHUNK];
        loop {
            let consumed = usize::try_from(c.total_in()).map_err(|_| StatusListError::Deflate)?;
            let input = self.bytes.get(consumed..).ok_or(StatusListError::Deflate)?;
            let before_in = c.total_in();
            let before_out = c.total_out();
            let status = c
                .compress(input, &mut chunk, FlushCompress::Finish)
                .map_err(|_| StatusListError::Deflate)?;
            let produced = usize::try_from(c.total_out() - before_out)
                .map_err(|_| StatusListError::Deflate)?;
            out.extend_from_slice(chunk.get(..produced).ok_or(StatusListError::Deflate)?);
            match status {
                Status::StreamEnd => return Ok(out),
                Status::Ok | Status::BufError => {
                    if produced == 0 && c.total_in() == before_in {
                        return Err(StatusListError::Deflate);
                    }
                }
            }
        }
    }

    /// Decodes an `lst` value: inflates `lst` (ZLIB format) into at most
    /// `max_decompressed` bytes of packed statuses of `bits` bits each.
    ///
    /// Never allocates more than `max_decompressed + 1` bytes of output (plus
    /// a fixed scratch buffer): inflating stops one byte past the limit with
    /// [`StatusListError::TooLarge`]. The ZLIB stream must be complete (its
    /// Adler-32 checksum is checked) and must not be followed by extra bytes.
    pub fn from_lst(
        bits: u8,
        lst: &[u8],
        max_decompressed: usize,
    ) -> Result<Self, StatusListError> {
        let bits = check_bits(u64::from(bits))?;
        let bytes = inflate_bounded(lst, max_decompressed)?;
        StatusList::from_bytes(bits, bytes)
    }

    /// The CBOR Status List object `{"bits": b, "lst": h'..'}`, as in the
    /// draft's CBOR examples: a map with two text keys, `"bits"` first.
    ///
    /// The key order is fixed, so the bytes are deterministic; it is the order
    /// of the draft's examples (not the RFC 8949 §4.2.1 core deterministic
    /// order, which would put `"lst"` first).
    pub fn to_cbor(&self) -> Result<Vec<u8>, StatusListError> {
        let lst = self.to_lst()?;
        let mut out = Vec::with_capacity(lst.len() + 20);
        out.push(0xa2); // map(2)
        out.push(0x64); // text(4)
        out.extend_from_slice(b"bits");
        out.push(self.bits); // uint 1..=8 (< 24: one byte)
        out.push(0x63); // text(3)
        out.extend_from_slice(b"lst");
        crate::cbor::write_head(2, lst.len() as u64, &mut out); // bytes(n)
        out.extend_from_slice(&lst);
        Ok(out)
    }

    /// Decodes a CBOR Status List object (a map with `"bits"` and `"lst"`;
    /// other keys such as `"aggregation_uri"` are ignored), inflating `lst`
    /// into at most `max_decompressed` bytes (see [`StatusList::from_lst`]).
    ///
    /// The input must be exactly one CBOR data item. Duplicate keys, a
    /// non-text key, a missing key, a `bits` that is not an unsigned integer
    /// and an `lst` that is not a byte string are rejected.
    pub fn from_cbor(cbor: &[u8], max_decompressed: usize) -> Result<Self, StatusListError> {
        let mut reader = cbor;
        let value: Value = ciborium::de::from_reader(&mut reader)
            .map_err(|_| StatusListError::Malformed { what: "cbor" })?;
        if !reader.is_empty() {
            return Err(StatusListError::Malformed {
                what: "trailing bytes",
            });
        }
        let Value::Map(entries) = value else {
            return Err(StatusListError::Malformed { what: "map" });
        };
        let mut bits: Option<u64> = None;
        let mut lst: Option<Vec<u8>> = None;
        let mut seen: Vec<String> = Vec::with_capacity(entries.len());
        for (key, val) in entries {
            let Value::Text(key) = key else {
                return Err(StatusListError::Malformed { what: "key" });
            };
            if seen.contains(&key) {
                return Err(StatusListError::Malformed {
                    what: "duplicate key",
                });
            }
            match key.as_str() {
                "bits" => {
                    let Value::Integer(i) = val else {
                        return Err(StatusListError::Malformed { what: "bits" });
                    };
                    let b = u64::try_from(i128::from(i))
                        .map_err(|_| StatusListError::Malformed { what: "bits" })?;
                    bits = Some(b);
                }
                "lst" => {
                    let Value::Bytes(b) = val else {
                        return Err(StatusListError::Malformed { what: "lst" });
                    };
                    lst = Some(b);
                }
                _ => {}
            }
            seen.push(key);
        }
        let bits = bits.ok_or(StatusListError::Malformed { what: "bits" })?;
        let lst = lst.ok_or(StatusListError::Malformed { what: "lst" })?;
        let bits = check_bits(bits)?;
        StatusList::from_lst(bits, &lst, max_decompressed)
    }
}

/// Inflates a complete ZLIB stream into at most `max` bytes (`crate::zlib`: corrupt,
/// truncated, failing its checksum or followed by extra bytes is [`StatusListError::Inflate`]).
fn inflate_bounded(lst: &[u8], max: usize) -> Result<Vec<u8>, StatusListError> {
    crate::zlib::inflate_limited(lst, max).map_err(|e| match e {
        crate::zlib::InflateError::TooLarge => StatusListError::TooLarge { max },
        crate::zlib::InflateError::Corrupt => StatusListError::Inflate,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bits_must_be_1_2_4_8() {
        for b in [1u8, 2, 4, 8] {
            assert!(StatusList::new(16, b).is_ok());
        }
        for b in [0u8, 3, 5, 6, 7, 9, 16, 255] {
            assert_eq!(
                StatusList::new(16, b),
                Err(StatusListError::InvalidBits { bits: u64::from(b) })
            );
        }
    }

    #[test]
    fn lsb_first_packing_matches_draft_example() {
        // Draft, section "Status List": 1-bit example → [0xb9, 0xa3].
        let mut l = StatusList::new(16, 1).unwrap();
        for i in [0, 3, 4, 5, 7, 8, 9, 13, 15] {
            l.set(i, 1).unwrap();
        }
        assert_eq!(l.as_bytes(), &[0xb9, 0xa3]);
        // 2-bit example → [0xc9, 0x44, 0xf9].
        let mut l = StatusList::new(12, 2).unwrap();
        for (i, v) in [
            (0, 1),
            (1, 2),
            (2, 0),
            (3, 3),
            (4, 0),
            (5, 1),
            (6, 0),
            (7, 1),
        ] {
            l.set(i, v).unwrap();
        }
        for (i, v) in [(8, 1), (9, 2), (10, 3), (11, 3)] {
            l.set(i, v).unwrap();
        }
        assert_eq!(l.as_bytes(), &[0xc9, 0x44, 0xf9]);
        assert_eq!(l.status(1), Some(StatusValue::Suspended));
        assert_eq!(l.status(0), Some(StatusValue::Invalid));
    }

    #[test]
    fn set_get_bounds() {
        let mut l = StatusList::new(5, 2).unwrap();
        assert_eq!(l.as_bytes().len(), 2);
        assert_eq!(l.get(5), None);
        assert_eq!(
            l.set(5, 1),
            Err(StatusListError::IndexOutOfRange { index: 5, len: 5 })
        );
        assert_eq!(
            l.set(0, 4),
            Err(StatusListError::ValueTooLarge { value: 4, bits: 2 })
        );
        l.set(4, 3).unwrap();
        l.set(4, 1).unwrap();
        assert_eq!(l.get(4), Some(1));
        assert_eq!(l.get(3), Some(0));
        let mut l8 = StatusList::new(3, 8).unwrap();
        l8.set(2, 255).unwrap();
        assert_eq!(l8.get(2), Some(255));
    }

    #[test]
    fn round_trip_and_limits() {
        let mut l = StatusList::new(4096, 2).unwrap();
        l.set(7, 1).unwrap();
        l.set(4000, 2).unwrap();
        let cbor = l.to_cbor().unwrap();
        let back = StatusList::from_cbor(&cbor, 1024).unwrap();
        assert_eq!(back, l);
        // Exactly at the limit is fine; one byte less is not.
        assert!(StatusList::from_cbor(&cbor, 1023).is_err());
        assert_eq!(
            StatusList::from_cbor(&cbor, 1023),
            Err(StatusListError::TooLarge { max: 1023 })
        );
    }

    #[test]
    fn zip_bomb_stops_at_limit() {
        // 8 MiB of zeros compresses to a few KiB; the decoder must stop early.
        let l = StatusList::new(8 * 1024 * 1024 * 8, 1).unwrap();
        let lst = l.to_lst().unwrap();
        assert!(lst.len() < 20_000);
        assert_eq!(
            StatusList::from_lst(1, &lst, 1_000_000),
            Err(StatusListError::TooLarge { max: 1_000_000 })
        );
    }

    #[test]
    fn corrupt_truncated_trailing_lst() {
        let mut l = StatusList::new(1000, 1).unwrap();
        l.set(3, 1).unwrap();
        let lst = l.to_lst().unwrap();
        // Truncated.
        for cut in 0..lst.len() {
            assert_eq!(
                StatusList::from_lst(1, &lst[..cut], 1 << 20),
                Err(StatusListError::Inflate),
                "cut at {cut}"
            );
        }
        // Trailing garbage.
        let mut longer = lst.clone();
        longer.push(0);
        assert_eq!(
            StatusList::from_lst(1, &longer, 1 << 20),
            Err(StatusListError::Inflate)
        );
        // Bad checksum.
        let mut bad = lst.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert_eq!(
            StatusList::from_lst(1, &bad, 1 << 20),
            Err(StatusListError::Inflate)
        );
        // Raw DEFLATE without the ZLIB header is rejected.
        assert_eq!(
            StatusList::from_lst(1, &lst[2..], 1 << 20),
            Err(StatusListError::Inflate)
        );
    }

    #[test]
    fn cbor_shape_errors() {
        let good = StatusList::new(8, 1).unwrap().to_cbor().unwrap();
        assert!(StatusList::from_cbor(&good, 10).is_ok());
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(
            StatusList::from_cbor(&trailing, 10),
            Err(StatusListError::Malformed {
                what: "trailing bytes"
            })
        );
        assert_eq!(
            StatusList::from_cbor(&good[..good.len() - 1], 10),
            Err(StatusListError::Malformed { what: "cbor" })
        );
        // An array instead of a map.
        assert_eq!(
            StatusList::from_cbor(&[0x80], 10),
            Err(StatusListError::Malformed { what: "map" })
        );
        let enc = |v: &Value| {
            let mut out = Vec::new();
            ciborium::ser::into_writer(v, &mut out).unwrap();
            out
        };
        let lst = Value::Bytes(StatusList::new(8, 1).unwrap().to_lst().unwrap());
        let t = |s: &str| Value::Text(s.into());
        // bits = 3.
        let v = Value::Map(vec![(t("bits"), Value::from(3)), (t("lst"), lst.clone())]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::InvalidBits { bits: 3 })
        );
        // Negative bits.
        let v = Value::Map(vec![(t("bits"), Value::from(-1)), (t("lst"), lst.clone())]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::Malformed { what: "bits" })
        );
        // lst as text.
        let v = Value::Map(vec![(t("bits"), Value::from(1)), (t("lst"), t("eNo"))]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::Malformed { what: "lst" })
        );
        // Missing lst.
        let v = Value::Map(vec![(t("bits"), Value::from(1))]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::Malformed { what: "lst" })
        );
        // Duplicate key.
        let v = Value::Map(vec![
            (t("bits"), Value::from(1)),
            (t("lst"), lst.clone()),
            (t("bits"), Value::from(1)),
        ]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::Malformed {
                what: "duplicate key"
            })
        );
        // Integer key.
        let v = Value::Map(vec![
            (Value::from(1), Value::from(1)),
            (t("lst"), lst.clone()),
        ]);
        assert_eq!(
            StatusList::from_cbor(&enc(&v), 10),
            Err(StatusListError::Malformed { what: "key" })
        );
        // Unknown text keys (e.g. aggregation_uri) are ignored.
        let v = Value::Map(vec![
            (t("bits"), Value::from(1)),
            (t("lst"), lst),
            (t("aggregation_uri"), t("https://example.com/agg")),
        ]);
        assert!(StatusList::from_cbor(&enc(&v), 10).is_ok());
    }

    #[test]
    fn cbor_head_lengths() {
        for (n, head) in [
            (0u64, vec![0x40]),
            (23, vec![0x57]),
            (24, vec![0x58, 24]),
            (255, vec![0x58, 0xff]),
            (256, vec![0x59, 0x01, 0x00]),
            (65536, vec![0x5a, 0, 1, 0, 0]),
        ] {
            let mut out = Vec::new();
            crate::cbor::write_head(2, n, &mut out);
            assert_eq!(out, head);
        }
    }

    #[test]
    fn errors_are_bilingual() {
        let e = StatusListError::IndexOutOfRange { index: 9, len: 8 };
        let s = e.to_string();
        assert!(s.contains(" / "));
        assert!(s.contains("超出"));
        assert!(s.contains("out of range"));
        let _: &dyn std::error::Error = &e;
    }
}
