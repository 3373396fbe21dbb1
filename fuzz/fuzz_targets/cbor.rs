//! Strict deterministic CBOR decoding.
#![no_main]
use liangzheng::cbor::{decode_strict, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = decode_strict(data, 64 * 1024) {
        // Accepted input is canonical: encoding the value gives the input back.
        assert_eq!(encode(&v), data);
    }
});
