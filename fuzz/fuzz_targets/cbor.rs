//! Strict deterministic CBOR decoding, and the allocation-free validator
//! (used for trust lists) differentially against it.
#![no_main]
use liangzheng::cbor::{decode_strict, encode, validate_strict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = decode_strict(data, 64 * 1024);
    assert_eq!(
        validate_strict(data, 64 * 1024).is_ok(),
        decoded.is_ok(),
        "validate_strict and decode_strict disagree"
    );
    if let Ok(v) = decoded {
        // Accepted input is canonical: encoding the value gives the input back.
        assert_eq!(encode(&v), data);
    }
});
