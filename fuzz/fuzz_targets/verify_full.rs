//! The whole verifier, on text (`verify_text`) and on bytes (`verify_body`),
//! with a fixed trust store, status list and policy.
#![no_main]
use liangzheng::verify::{Outcome, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verifier = liangzheng_fuzz::verifier();
    let policy = liangzheng_fuzz::policy();
    let mut reports = vec![verifier.verify_body(data, &policy)];
    if let Ok(text) = std::str::from_utf8(data) {
        reports.push(verifier.verify_text(text, &policy));
    }
    for r in reports {
        // A report is consistent: fields only when not invalid, and a valid
        // verdict only when no check failed, was undecided or skipped.
        if r.verdict == Verdict::Invalid {
            assert!(r.fields.is_empty());
        }
        if r.verdict == Verdict::Valid {
            assert!(r
                .checks
                .iter()
                .all(|c| matches!(c.outcome, Outcome::Passed | Outcome::NotApplicable)));
        }
        let _ = r.summary();
    }
});
