//! Verifier request bodies (signed or bare).
#![no_main]
use liangzheng::request::ReceivedRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = ReceivedRequest::parse(data) {
        let _ = r.hash();
        let _ = r.verify_signature(&liangzheng_fuzz::trusted_issuer().public_key);
    }
});
