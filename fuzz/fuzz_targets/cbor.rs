//! Strict deterministic CBOR decoding, and the allocation-free validator
//! (used for trust lists) differentially against it.
#![no_main]
use liangzheng::cbor::{decode_reference, decode_strict, encode, validate_strict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = decode_strict(data, 64 * 1024);
    let reference = decode_reference(data, 64 * 1024);
    assert_eq!(
        validate_strict(data, 64 * 1024).is_ok(),
        reference.is_ok(),
        "validate_strict and the reference decoder disagree"
    );
    // The one-pass decoder gives the reference's tree or error, always.
    assert_eq!(decoded, reference, "decode_strict and decode_reference disagree");
    if let Ok(v) = decoded {
        // Accepted input is canonical: encoding the value gives the input back.
        assert_eq!(encode(&v), data);
    }
});
