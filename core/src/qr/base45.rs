//! Base45 (RFC 9285): two bytes become three characters of the QR
//! alphanumeric alphabet.
//!
//! We keep our own implementation (about forty lines) rather than the
//! crates.io `base45` crate. Version 3.2.0 of that crate was run against
//! `vectors/base45/rfc9285.json`: it encodes every valid case and rejects
//! ten of the twelve invalid ones, but it *accepts* a final pair above 255
//! (`"V5"` decodes to `[0x00]`, `"::"` to `[0xe8]`) because it truncates the
//! value to a byte. That makes decoding non-canonical: two different texts
//! give the same bytes, which a verifier of signed data should not allow.
//! It also uses `<[T]>::as_chunks`, which needs Rust 1.88, above our MSRV.
//!
//! The decoder is strict: uppercase alphabet only, no whitespace trimming
//! (the alphabet contains a space), no length 1 mod 3, every triplet at most
//! 65535 and every final pair at most 255.

use std::borrow::Cow;
use std::fmt;

use crate::lang::Localized;

/// The 45 characters, in value order (RFC 9285 §4). Index 36 is a space.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why a text is not valid Base45.
///
/// Positions are byte offsets into the decoded text; they never carry data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base45Error {
    /// A character outside the Base45 alphabet (lowercase letters included).
    InvalidCharacter {
        /// Byte offset of the first offending character.
        position: usize,
    },
    /// The length is 1 more than a multiple of 3: a lone trailing character.
    InvalidLength {
        /// Length of the text, in bytes.
        len: usize,
    },
    /// A triplet above 65535 or a final pair above 255.
    ValueOutOfRange {
        /// Byte offset of the group's first character.
        position: usize,
    },
}

impl Localized for Base45Error {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Self::InvalidCharacter { position } => {
                format!("Base45 文本第 {position} 个字节处有非法字符").into()
            }
            Self::InvalidLength { len } => {
                format!("Base45 文本长度 {len} 无效（除以 3 余 1）").into()
            }
            Self::ValueOutOfRange { position } => {
                format!("Base45 文本第 {position} 个字节起的一组取值超出范围").into()
            }
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            Self::InvalidCharacter { position } => {
                format!("invalid Base45 character at byte {position}").into()
            }
            Self::InvalidLength { len } => {
                format!("invalid Base45 length {len} (1 more than a multiple of 3)").into()
            }
            Self::ValueOutOfRange { position } => {
                format!("Base45 group at byte {position} is out of range").into()
            }
        }
    }
}

impl fmt::Display for Base45Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for Base45Error {}

/// The length of the Base45 text for `n` input bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    n / 2 * 3 + n % 2 * 2
}

/// Encodes bytes as Base45 text (RFC 9285 §4).
///
/// ```
/// # use liangzheng::qr::base45;
/// assert_eq!(base45::encode(b"AB"), "BB8");
/// ```
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    let mut push = |v: usize, digits: usize| {
        let mut v = v;
        for _ in 0..digits {
            out.push(char::from(ALPHABET[v % 45]));
            v /= 45;
        }
    };
    let mut chunks = bytes.chunks_exact(2);
    for pair in &mut chunks {
        push(usize::from(pair[0]) << 8 | usize::from(pair[1]), 3);
    }
    if let [last] = chunks.remainder() {
        push(usize::from(*last), 2);
    }
    out
}

/// Decodes Base45 text (RFC 9285 §4), strictly: see [`Base45Error`].
///
/// Callers trim scanner-gun line endings before calling this, never inside.
///
/// ```
/// # use liangzheng::qr::base45;
/// assert_eq!(base45::decode("QED8WEX0").unwrap(), b"ietf!");
/// assert!(base45::decode("qed8wex0").is_err());
/// ```
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let input = text.as_bytes();
    if input.len() % 3 == 1 {
        return Err(Base45Error::InvalidLength { len: input.len() });
    }
    let mut out = Vec::with_capacity(input.len() / 3 * 2 + 1);
    for (i, group) in input.chunks(3).enumerate() {
        let position = i * 3;
        let mut value = 0u32;
        let mut weight = 1u32;
        for (j, &c) in group.iter().enumerate() {
            let digit = value_of(c).ok_or(Base45Error::InvalidCharacter {
                position: position + j,
            })?;
            value += digit * weight;
            weight *= 45;
        }
        let out_of_range = Base45Error::ValueOutOfRange { position };
        if group.len() == 3 {
            let v = u16::try_from(value).map_err(|_| out_of_range)?;
            out.extend_from_slice(&v.to_be_bytes());
        } else {
            out.push(u8::try_from(value).map_err(|_| out_of_range)?);
        }
    }
    Ok(out)
}

/// Each byte's value in [`ALPHABET`], `NOT_BASE45` outside it (built from the alphabet at
/// compile time: one lookup per character).
const VALUES: [u8; 256] = {
    let mut table = [NOT_BASE45; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const NOT_BASE45: u8 = 0xff;

/// The value of one Base45 character, or `None` outside the alphabet.
fn value_of(c: u8) -> Option<u32> {
    match VALUES[usize::from(c)] {
        NOT_BASE45 => None,
        v => Some(u32::from(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lookup_table_is_the_alphabet_and_nothing_else() {
        for c in 0..=255u8 {
            let expected = ALPHABET
                .iter()
                .position(|a| *a == c)
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX));
            assert_eq!(value_of(c), expected, "byte {c:#04x}");
        }
    }

    fn vectors_dir() -> std::path::PathBuf {
        match std::env::var_os("LZ_SHARED_VECTORS") {
            Some(dir) => dir.into(),
            None => concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into(),
        }
    }

    #[test]
    fn rfc9285_vector_file() {
        let path = vectors_dir().join("base45/rfc9285.json");
        let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "Base45 vectors missing at {} ({e}); set LZ_SHARED_VECTORS",
                path.display()
            )
        });
        let doc: serde_json::Value = serde_json::from_str(&doc).expect("vector file is JSON");
        let cases = |name: &str| doc[name].as_array().cloned().expect("array of cases");
        let field = |case: &serde_json::Value, key: &str| -> String {
            case[key].as_str().expect("string field").to_owned()
        };
        let (valid, invalid) = (cases("valid"), cases("invalid_decode"));
        assert_eq!(valid.len(), 10, "valid cases in the file");
        assert_eq!(invalid.len(), 12, "invalid cases in the file");
        for case in &valid {
            let bytes = hex::decode(field(case, "bytes_hex")).expect("hex");
            let text = field(case, "base45");
            assert_eq!(encode(&bytes), text, "encode: {case}");
            assert_eq!(decode(&text), Ok(bytes), "decode: {case}");
        }
        for case in &invalid {
            let text = field(case, "base45");
            assert!(decode(&text).is_err(), "must reject {text:?}");
        }
    }

    #[test]
    fn final_pair_above_255_is_rejected_not_truncated() {
        assert_eq!(
            decode("V5"),
            Err(Base45Error::ValueOutOfRange { position: 0 })
        );
        assert_eq!(
            decode("BB8::"),
            Err(Base45Error::ValueOutOfRange { position: 3 })
        );
    }

    #[test]
    fn triplet_above_65535_is_rejected() {
        assert_eq!(
            decode("GGW"),
            Err(Base45Error::ValueOutOfRange { position: 0 })
        );
    }

    #[test]
    fn lowercase_is_an_invalid_character() {
        assert_eq!(
            decode("BB8bb8"),
            Err(Base45Error::InvalidCharacter { position: 3 })
        );
    }

    #[test]
    fn lone_trailing_character_is_an_invalid_length() {
        assert_eq!(decode("BB8A"), Err(Base45Error::InvalidLength { len: 4 }));
    }

    #[test]
    fn space_is_part_of_the_alphabet() {
        assert_eq!(decode("%69 VD92EX0"), Ok(b"Hello!!".to_vec()));
    }

    #[test]
    fn round_trips_every_length_up_to_300() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state.to_le_bytes()[0]
                })
                .collect();
            let text = encode(&bytes);
            assert_eq!(text.len(), encoded_len(len));
            assert_eq!(decode(&text), Ok(bytes));
        }
    }
}
