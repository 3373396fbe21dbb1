//! Status list tokens (CWT) and bare CBOR Status List objects.
#![no_main]
use liangzheng::alg::VerifyingKey;
use liangzheng::keys::IssuerSigner;
use liangzheng::status::{StatusList, StatusToken};
use liangzheng::time::UnixTime;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Small enough that the fuzzer cannot spend its time inflating.
const MAX_DECOMPRESSED: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<Option<VerifyingKey>> = OnceLock::new();
    let key = KEY.get_or_init(|| liangzheng_fuzz::issuer_key().public_key().verifying_key().ok());
    if let Ok(t) = StatusToken::parse_verified(data, |_, _| key.clone()) {
        let _ = t.is_current(UnixTime(u64::MAX), u64::MAX);
        let _ = t.list.status(t.list.len().saturating_sub(1));
    }
    if let Ok(list) = StatusList::from_cbor(data, MAX_DECOMPRESSED) {
        let _ = list.get(list.len().saturating_sub(1));
        let _ = list.get(list.len());
    }
});
