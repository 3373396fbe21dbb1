//! The 一照通 demo data as the binding suites read it (bindings/testdata/hotel-bundle.json):
//! the hotel company's business license and twelve permits, another company's
//! permit, and the authorities that issue them, exactly as examples/src/demo.rs
//! has them. The Kotlin and Python suites issue and verify these through the FFI;
//! this test keeps the file from drifting from the demo. `LZ_WRITE_FIXTURE=1`
//! rewrites it from demo.rs instead of checking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lz_examples::demo::{self, Authority, AUTHORITIES, HOTEL_USCC, OTHER_USCC, PERMIT_AUTHORITIES};
use serde_json::{json, Value};

fn authority(a: &Authority) -> Value {
    json!({
        "label": a.label, "name_zh": a.name_zh, "name_en": a.name_en,
        "code": a.code, "region": a.region, "types": a.types,
        // Trust-list window, as demo::trusted has it.
        "not_before": demo::trusted(a).not_before,
    })
}

fn fixture() -> Value {
    // Authority 0 issues the business license; 1..=4 are PERMIT_AUTHORITIES[0..4].
    let mut authorities = vec![authority(&AUTHORITIES[1])];
    authorities.extend(PERMIT_AUTHORITIES.iter().map(authority));
    let member = |a: usize, c: &liangzheng::credential::Claims| json!({ "authority": a, "claims_json": serde_json::to_string(c).unwrap() });
    let permits: Vec<Value> = demo::hotel_permit_claims(HOTEL_USCC)
        .iter()
        .map(|(a, c)| member(a + 1, c))
        .collect();
    let (a, other) = &demo::hotel_permit_claims(OTHER_USCC)[0];
    let store = demo::bundle_trust_store();
    json!({
        "comment": "Generated from examples/src/demo.rs by examples/tests/bindings_fixture.rs (LZ_WRITE_FIXTURE=1); demo data, public seeds.",
        "now": demo::DEMO_NOW.0,
        "trust_list_issued_at": store.issued_at.0,
        "trust_list_expires": store.expires.map(|t| t.0),
        "root_label": "root: 山东省一体化政务服务平台",
        "holder_label": "杭州示例酒店的手机",
        "subject_uscc": HOTEL_USCC,
        "other_uscc": OTHER_USCC,
        "authorities": authorities,
        "business": member(0, &demo::hotel_business_claims()),
        "permits": permits,
        "other_company_permit": member(a + 1, other),
    })
}

#[test]
fn the_binding_suites_bundle_fixture_is_the_demo_data() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bindings/testdata/hotel-bundle.json");
    let want = fixture();
    if std::env::var_os("LZ_WRITE_FIXTURE").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&want).unwrap() + "\n").unwrap();
    }
    let have: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        have,
        want,
        "{} is stale: rerun with LZ_WRITE_FIXTURE=1",
        path.display()
    );
    assert_eq!(want["permits"].as_array().unwrap().len(), 12);
    // The demo root and the bundle trust store's signer agree with the label above.
    assert_eq!(
        demo::root_key().public_key_bytes(),
        demo::issuer_key("root: 山东省一体化政务服务平台").public_key_bytes()
    );
}
