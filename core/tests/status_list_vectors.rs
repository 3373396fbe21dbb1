//! IETF Token Status List test vectors (draft-ietf-oauth-status-list,
//! `examples/status_list_encoding*` and the appendix "Test vectors for Status
//! List encoding"), read from the shared vectors folder at test time.
//!
//! For every CBOR vector: build the same list from the documented inputs and
//! compare the CBOR bytes; decode the expected bytes and read the statuses
//! back. The JSON variants' `lst` (base64url) must decode to the same list.
//!
//! Folder: `$LZ_SHARED_VECTORS` if set, else `../../shared/vectors` relative
//! to this crate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::Engine as _;
use liangzheng::status::{StatusList, StatusValue};

/// Generous limit for decoding the vectors (2^20 entries × 8 bits = 1 MiB).
const MAX: usize = 2 * 1024 * 1024;

fn vectors_dir() -> PathBuf {
    let base = match std::env::var_os("LZ_SHARED_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors")),
    };
    let dir = base.join("token-status-list");
    assert!(
        dir.is_dir(),
        "token-status-list vectors not found at {} (set LZ_SHARED_VECTORS)",
        dir.display()
    );
    dir
}

fn read(name: &str) -> String {
    let path = vectors_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", path.display()))
}

/// The hex of a `*_cbor.md` file: the lines after `encoded:` if present, else
/// every line, keeping only hex digits.
fn cbor_hex(text: &str) -> Vec<u8> {
    let body = match text.find("encoded:") {
        Some(i) => &text[i + "encoded:".len()..],
        None => text,
    };
    let hex: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(&hex).unwrap_or_else(|e| panic!("bad hex in vector: {e}: {hex}"))
}

/// `byte_array = [0xb9, 0xa3]` from the short vectors.
fn byte_array(text: &str) -> Vec<u8> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("byte_array"))
        .expect("byte_array line");
    let inner = line
        .split_once('[')
        .and_then(|(_, r)| r.split_once(']'))
        .map(|(i, _)| i)
        .expect("byte_array brackets");
    inner
        .split(',')
        .map(|s| {
            let s = s.trim().trim_start_matches("0x");
            u8::from_str_radix(s, 16).expect("byte_array hex byte")
        })
        .collect()
}

/// `bits` and the base64url-decoded `lst` of a `*_json.md` file. The files wrap
/// the `lst` string over several lines, so this is not strict JSON parsing.
fn json_bits_lst(text: &str) -> (u8, Vec<u8>) {
    let bits_at = text.find("\"bits\"").expect("\"bits\" in JSON vector");
    let after = &text[bits_at + 6..];
    let after = after.trim_start().strip_prefix(':').expect("bits colon");
    let digits: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let bits: u8 = digits.parse().expect("bits number");
    let lst_at = text.find("\"lst\"").expect("\"lst\" in JSON vector");
    let after = &text[lst_at + 5..];
    let open = after.find('"').expect("lst opening quote");
    let rest = &after[open + 1..];
    let close = rest.find('"').expect("lst closing quote");
    let b64: String = rest[..close]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let lst = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64.as_bytes())
        .unwrap_or_else(|e| panic!("bad base64url lst: {e}"));
    (bits, lst)
}

/// The appendix: list size and, per `bits`, the `status[i] = 0b…` pairs.
struct Appendix {
    size: usize,
    by_bits: BTreeMap<u8, Vec<(usize, u8)>>,
}

fn appendix() -> Appendix {
    let text = read("test-vectors-appendix.md");
    // "All examples are initialized with a size of 2^20 entries."
    let size_at = text
        .find("size of 2^")
        .expect("list size sentence in appendix");
    let exp: String = text[size_at + "size of 2^".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let size = 1usize << exp.parse::<u32>().expect("size exponent");
    let mut by_bits: BTreeMap<u8, Vec<(usize, u8)>> = BTreeMap::new();
    let mut current: Option<u8> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix("## ") {
            current = h
                .split_once("-bit")
                .and_then(|(n, _)| n.trim().parse().ok());
            if let Some(b) = current {
                by_bits.entry(b).or_default();
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix("status[") {
            let bits = current.expect("status line outside a N-bit section");
            let (idx, rhs) = rest.split_once(']').expect("status ]");
            let idx: usize = idx.trim().parse().expect("status index");
            let rhs = rhs.trim().strip_prefix('=').expect("status =").trim();
            let bin = rhs.strip_prefix("0b").expect("status value 0b…");
            let v = u8::from_str_radix(bin, 2).expect("status value binary");
            by_bits.get_mut(&bits).expect("section").push((idx, v));
        }
    }
    Appendix { size, by_bits }
}

fn build(size: usize, bits: u8, pairs: &[(usize, u8)]) -> StatusList {
    let mut l = StatusList::new(size, bits).expect("new list");
    for &(i, v) in pairs {
        l.set(i, v).expect("set status");
    }
    l
}

fn nonzero(l: &StatusList) -> usize {
    (0..l.len()).filter(|&i| l.get(i) != Some(0)).count()
}

/// The short examples of the draft's "Status List" section, given as packed
/// bytes: rebuild from per-index statuses, compare bytes, decode theirs.
fn check_short(cbor_file: &str, json_file: &str, bits: u8) {
    let text = read(cbor_file);
    let raw = byte_array(&text);
    let expected = cbor_hex(&text);
    let len = raw.len() * 8 / usize::from(bits);
    let per_byte = 8 / usize::from(bits);
    let mask = (1u16 << bits) as u8 - 1;
    let statuses: Vec<u8> = (0..len)
        .map(|i| (raw[i / per_byte] >> ((i % per_byte) * usize::from(bits))) & mask)
        .collect();
    let pairs: Vec<(usize, u8)> = statuses.iter().copied().enumerate().collect();
    let ours = build(len, bits, &pairs);
    assert_eq!(ours.as_bytes(), &raw[..], "{cbor_file}: packing");
    assert_eq!(
        hex::encode(ours.to_cbor().expect("to_cbor")),
        hex::encode(&expected),
        "{cbor_file}: CBOR bytes"
    );
    let theirs = StatusList::from_cbor(&expected, MAX).expect("decode vector");
    assert_eq!(theirs.bits(), bits);
    assert_eq!(theirs.len(), len);
    for (i, &v) in statuses.iter().enumerate() {
        assert_eq!(theirs.get(i), Some(v), "{cbor_file}: status[{i}]");
    }
    let (jbits, jlst) = json_bits_lst(&read(json_file));
    assert_eq!(jbits, bits, "{json_file}: bits");
    assert_eq!(
        jlst,
        ours.to_lst().expect("to_lst"),
        "{json_file}: lst bytes"
    );
    let from_json = StatusList::from_lst(jbits, &jlst, MAX).expect("decode JSON lst");
    assert_eq!(from_json, theirs, "{json_file}: same list as CBOR");
}

#[test]
fn short_1bit_example() {
    check_short(
        "status_list_encoding_cbor.md",
        "status_list_encoding_json.md",
        1,
    );
}

#[test]
fn short_2bit_example() {
    check_short(
        "status_list_encoding2_cbor.md",
        "status_list_encoding2_json.md",
        2,
    );
}

/// Vectors whose `lst` the `zlib-rs` backend does not reproduce byte for byte
/// at any level (they were made with C zlib, which reproduces them at level 9).
/// zlib-rs ports zlib-ng, whose match finder differs from zlib's, so the same
/// data can compress to different — equally valid — DEFLATE streams. For these
/// the list, the CBOR framing and the round trip are compared instead.
const ZLIB_RS_DIFFERS: &[&str] = &[
    "status_list_encoding1_long_cbor.md",
    "status_list_encoding2_long_cbor.md",
];

/// For a vector in [`ZLIB_RS_DIFFERS`]: same CBOR framing (`bits`, key order,
/// `lst` as a byte string) and both `lst` values inflate to the same list.
fn assert_same_but_recompressed(cbor_file: &str, ours: &[u8], expected: &[u8]) {
    if ours == expected {
        eprintln!("NOTE {cbor_file}: now reproduced byte for byte; drop it from ZLIB_RS_DIFFERS");
        return;
    }
    eprintln!(
        "NOTE {cbor_file}: zlib-rs output differs from the C zlib vector ({} vs {} CBOR bytes); \
         comparing framing and content",
        ours.len(),
        expected.len()
    );
    // a2 64 "bits" <bits> 63 "lst" — identical 11-byte prefix, then bytes(n).
    assert_eq!(ours[..11], expected[..11], "{cbor_file}: CBOR framing");
    assert_eq!(ours[11] >> 5, 2, "{cbor_file}: lst is a byte string");
    let a = StatusList::from_cbor(ours, MAX).expect("decode ours");
    let b = StatusList::from_cbor(expected, MAX).expect("decode theirs");
    assert_eq!(a, b, "{cbor_file}: same statuses");
}

/// The appendix vectors: 2^20 entries, the listed indices set, the rest 0.
fn check_long(bits: u8, cbor_file: &str, json_file: &str) {
    let app = appendix();
    let pairs = app
        .by_bits
        .get(&bits)
        .unwrap_or_else(|| panic!("no {bits}-bit section in the appendix"));
    assert!(!pairs.is_empty(), "{bits}-bit section lists no statuses");
    let expected = cbor_hex(&read(cbor_file));

    // Decode theirs and read every listed status back; all others are 0.
    let theirs = StatusList::from_cbor(&expected, MAX).expect("decode vector");
    assert_eq!(theirs.bits(), bits, "{cbor_file}: bits");
    assert_eq!(theirs.len(), app.size, "{cbor_file}: length");
    for &(i, v) in pairs {
        assert_eq!(theirs.get(i), Some(v), "{cbor_file}: status[{i}]");
    }
    let ours = build(app.size, bits, pairs);
    let listed_nonzero = nonzero(&ours);
    let their_nonzero = nonzero(&theirs);

    let ours_cbor = ours.to_cbor().expect("to_cbor");
    if listed_nonzero == their_nonzero {
        // Complete inputs: same list, same bytes.
        assert_eq!(ours, theirs, "{cbor_file}: decoded list");
        if ZLIB_RS_DIFFERS.contains(&cbor_file) {
            assert_same_but_recompressed(cbor_file, &ours_cbor, &expected);
        } else {
            assert_eq!(
                hex::encode(&ours_cbor),
                hex::encode(&expected),
                "{cbor_file}: CBOR bytes"
            );
        }
    } else {
        // The shared copy of the appendix is truncated for this section (it
        // lists fewer statuses than the vector holds). Everything listed was
        // checked above; compare the encoder on the decoded list instead.
        eprintln!(
            "NOTE {cbor_file}: appendix lists {listed_nonzero} of {their_nonzero} non-zero \
             statuses; comparing the re-encoded decoded list byte for byte"
        );
        assert!(
            listed_nonzero < their_nonzero,
            "{cbor_file}: extra statuses"
        );
        assert_eq!(
            hex::encode(theirs.to_cbor().expect("to_cbor")),
            hex::encode(&expected),
            "{cbor_file}: CBOR bytes of re-encoded list"
        );
    }
    assert_eq!(
        StatusList::from_cbor(&ours_cbor, MAX).expect("decode ours"),
        ours
    );

    let (jbits, jlst) = json_bits_lst(&read(json_file));
    assert_eq!(jbits, bits, "{json_file}: bits");
    let from_json = StatusList::from_lst(jbits, &jlst, MAX).expect("decode JSON lst");
    assert_eq!(from_json, theirs, "{json_file}: same list as CBOR");
    // Same compressed bytes in the JSON and the CBOR form of the vector.
    let (_, cbor_lst) = expected.split_at(expected.len() - jlst.len());
    assert_eq!(
        jlst, cbor_lst,
        "{json_file}: lst bytes equal the CBOR vector's"
    );
}

#[test]
fn long_1bit() {
    check_long(
        1,
        "status_list_encoding1_long_cbor.md",
        "status_list_encoding1_long_json.md",
    );
}

#[test]
fn long_2bit() {
    check_long(
        2,
        "status_list_encoding2_long_cbor.md",
        "status_list_encoding2_long_json.md",
    );
}

#[test]
fn long_4bit() {
    check_long(
        4,
        "status_list_encoding4_cbor.md",
        "status_list_encoding4_json.md",
    );
}

#[test]
fn long_8bit() {
    check_long(
        8,
        "status_list_encoding8_cbor.md",
        "status_list_encoding8_json.md",
    );
}

#[test]
fn statuses_read_as_values() {
    let expected = cbor_hex(&read("status_list_encoding2_cbor.md"));
    let l = StatusList::from_cbor(&expected, MAX).expect("decode");
    // [0xc9, 0x44, 0xf9]: status[0] = 1, status[1] = 2, status[3] = 3.
    assert_eq!(l.status(0), Some(StatusValue::Invalid));
    assert_eq!(l.status(1), Some(StatusValue::Suspended));
    assert_eq!(l.status(2), Some(StatusValue::Valid));
    assert_eq!(l.status(3), Some(StatusValue::ApplicationSpecific(3)));
    assert_eq!(l.status(12), None);
}

/// Size report: 1,000,000 entries at 2 bits, 1% revoked at random (seeded).
#[test]
fn one_million_two_bit_one_percent_revoked() {
    const N: usize = 1_000_000;
    let uncompressed = N * 2 / 8; // 250,000 bytes
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15; // xorshift64 seed
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut l = StatusList::new(N, 2).expect("new");
    let mut revoked = 0usize;
    for i in 0..N {
        if next() % 100 == 0 {
            l.set_status(i, StatusValue::REVOKED).expect("set");
            revoked += 1;
        }
    }
    let lst = l.to_lst().expect("to_lst");
    let cbor = l.to_cbor().expect("to_cbor");
    println!(
        "1,000,000 entries × 2 bits, {revoked} revoked ({:.2}%): uncompressed {uncompressed} B, \
         lst {} B ({:.1}%), CBOR Status List {} B",
        revoked as f64 * 100.0 / N as f64,
        lst.len(),
        lst.len() as f64 * 100.0 / uncompressed as f64,
        cbor.len()
    );
    assert!((9_500..=10_500).contains(&revoked), "revoked = {revoked}");
    // Measured (zlib-rs, level 9): 13,590 B lst, 13,604 B CBOR, 9,896 revoked
    // — 5.4% of 250,000 B. The entropy bound at p = 1% is ≈ 10,100 B.
    assert!(
        lst.len() < 15_000,
        "compressed {} B, expected well under the 250,000 B uncompressed",
        lst.len()
    );
    let back = StatusList::from_cbor(&cbor, uncompressed).expect("decode");
    assert_eq!(back, l);
}
