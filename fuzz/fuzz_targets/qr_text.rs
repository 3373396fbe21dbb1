//! QR text envelope: header, Caps Lock recovery, Base45, bounded inflate.
#![no_main]
use liangzheng::qr::{decode_text, encode_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = decode_text(text) {
        // Whatever decodes must re-encode to a text that decodes to the same body.
        let again = decode_text(&encode_text(p.kind, &p.body));
        assert_eq!(again.map(|q| q.body), Ok(p.body));
    }
});
