//! The wallet's request path: a request body (signed or bare, with or without
//! an embedded registration) through parse and authenticate, and the same
//! bytes as a signed registration.
#![no_main]
use liangzheng::registration::Registration;
use liangzheng::request::{ReceivedRequest, RequestPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let root = liangzheng::keys::IssuerSigner::public_key(&liangzheng_fuzz::root_key());
    let _ = Registration::from_signed(data, &root);
    if let Ok(r) = ReceivedRequest::parse(data) {
        let policy = RequestPolicy::at(r.request.time);
        let _ = r.authenticate(Some(&root), &policy);
        let _ = r.authenticate(None, &RequestPolicy::at(liangzheng_fuzz::NOW));
    }
});
