//! Presentation bytes and the disclosures (and credential) inside them; the
//! raw input is also tried as a single disclosure.
#![no_main]
use liangzheng::credential::Credential;
use liangzheng::disclosure::Disclosure;
use liangzheng::presentation::Presentation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Disclosure::parse(data);
    if let Ok(p) = Presentation::parse(data) {
        // Parsing is strict, so the encoding is canonical: it must round-trip.
        assert_eq!(p.to_bytes(), data);
        for d in &p.disclosures {
            let _ = Disclosure::parse(d).map(|d| {
                d.digest(liangzheng::alg::DigestAlgorithm::Sha256);
                d.digest(liangzheng::alg::DigestAlgorithm::Sm3)
            });
        }
        let _ = Credential::parse(&p.credential);
    }
});
