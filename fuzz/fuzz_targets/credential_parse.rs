//! Credential bytes: COSE_Sign1 envelope + CWT claims.
#![no_main]
use liangzheng::credential::Credential;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = Credential::parse(data) {
        if let Ok(vk) = liangzheng_fuzz::trusted_issuer().public_key.verifying_key() {
            let _ = c.sign1.verify(&vk);
        }
        let _ = c.suite();
        let _ = c.commits_to(&[0; 16]);
    }
});
