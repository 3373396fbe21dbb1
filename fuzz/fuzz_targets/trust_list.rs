//! Signed trust lists against a fixed pinned root key.
#![no_main]
use liangzheng::keys::IssuerSigner;
use liangzheng::trust::TrustStore;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static ROOT: OnceLock<liangzheng::alg::PublicKey> = OnceLock::new();
    let root = ROOT.get_or_init(|| liangzheng_fuzz::root_key().public_key());
    if let Ok(store) = TrustStore::from_signed(data, root) {
        for i in &store.issuers {
            let _ = store.find(&i.key_id());
        }
    }
});
