//! Credential bytes: COSE_Sign1 envelope + CWT claims.
#![no_main]
use liangzheng::credential::Credential;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = Credential::parse(data) {
        let _ = c
            .sign1
            .verify_ed25519(&liangzheng_fuzz::trusted_issuer().public_key);
        let _ = c.commits_to(&[0; 16]);
    }
});
