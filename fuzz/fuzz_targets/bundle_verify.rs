//! 一照通 bundles: strict parse (re-encoding what parses gives the same bytes)
//! and the whole bundle verifier against the fixed trust store, with the
//! report's invariants: an invalid member shows no field, a valid bundle has
//! only valid members of one subject and no bundle-level problem.
#![no_main]
use liangzheng::bundle::Bundle;
use liangzheng::verify::Verdict;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = Bundle::parse(data) {
        assert_eq!(b.to_bytes(), data);
    }
    let verifier = liangzheng_fuzz::verifier();
    let r = verifier.verify_bundle(data, &liangzheng_fuzz::policy());
    for m in &r.members {
        if m.report.verdict == Verdict::Invalid {
            assert!(m.report.fields.is_empty() && m.verdict == Verdict::Invalid);
        }
    }
    if r.verdict == Verdict::Valid {
        assert!(r.problems.is_empty());
        assert!(r
            .members
            .iter()
            .all(|m| m.verdict == Verdict::Valid && m.same_subject == Some(true)));
    }
    let _ = r.summary();
});
