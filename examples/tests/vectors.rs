//! The committed test vectors: each one verifies as it says, and regenerating
//! them from the fixed seeds gives identical bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

/// The JSON files of one test-vectors directory (`cases`, `requests`,
/// `multiframe`), by file name, sorted.
fn cases_in(sub: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let dir = vectors_dir().join(sub);
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("test-vectors/{sub}: {e}")) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn cases() -> Vec<(String, Value)> {
    cases_in("cases")
}

#[test]
fn every_vector_verifies_as_expected() {
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "expected the full vector set, found {}",
        cases.len()
    );
    for (name, case) in &cases {
        assert_eq!(case["format"], "liangzheng-test-vector", "{name}");
        let (trust_err, outcome, fields) = lz_examples::vectors::run_case(&case["input"]).unwrap();
        let exp = &case["expected"];
        assert_eq!(
            trust_err.as_deref(),
            exp["trust_list_error"].as_str(),
            "{name}"
        );
        if let Some((verdict, check, code)) = outcome {
            assert_eq!(
                Some(verdict.as_str()),
                exp["verdict"].as_str(),
                "{name}: verdict"
            );
            assert_eq!(
                check.as_str(),
                exp["failing_check"].as_str().unwrap_or(""),
                "{name}: check"
            );
            assert_eq!(
                code.as_str(),
                exp["error_code"].as_str().unwrap_or(""),
                "{name}: code"
            );
            assert_eq!(&Value::Array(fields), &exp["fields"], "{name}: fields");
        }
    }
}

#[test]
fn every_failure_kind_has_a_vector() {
    let codes: Vec<String> = cases()
        .iter()
        .filter_map(|(_, c)| c["expected"]["error_code"].as_str().map(str::to_string))
        .collect();
    for code in [
        "malformed_qr",
        "malformed_credential",
        "unsupported_algorithm",
        "not_a_presentation",
        "unknown_issuer",
        "trust_list_expired",
        "unknown_license_type",
        "type_not_accepted",
        "issuer_not_authorized_for_type",
        "key_not_valid_at_issuance",
        "bad_issuer_signature",
        "not_yet_valid",
        "expired",
        "issued_in_future",
        "disclosure_not_signed",
        "duplicate_disclosure",
        "unknown_field",
        "invalid_field_value",
        "rule_violated",
        "license_id_mismatch",
        "holder_proof_missing",
        "bad_holder_signature",
        "not_holder_bound",
        "stale",
        "from_future",
        "nonce_mismatch",
        "request_not_answered",
        "request_not_satisfied",
        "revoked",
        "suspended",
        "status_list_missing",
        "status_list_expired",
        "status_list_invalid",
        "holder_binding_required_by_type",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "no vector for failure kind {code}"
        );
    }
}

/// Issue 10: the SM2 + SM3 suite has a valid vector and one for every failure
/// that depends on the algorithm, each run in the SM2 world it names.
#[test]
fn the_sm2_suite_has_its_vectors() {
    let cases = cases();
    let get = |name: &str| {
        cases
            .iter()
            .find(|(n, _)| n == &format!("{name}.json"))
            .map(|(_, c)| c)
            .unwrap_or_else(|| panic!("no vector {name}"))
    };
    for (name, root_alg, verdict, code) in [
        ("sm2-id-card-identity-view-valid", -66037, "valid", ""),
        ("sm2-id-card-revoked", -66037, "invalid", "revoked"),
        (
            "sm2-id-card-bad-issuer-signature",
            -66037,
            "invalid",
            "bad_issuer_signature",
        ),
        (
            "sm2-id-card-bad-holder-signature",
            -66037,
            "invalid",
            "bad_holder_signature",
        ),
        (
            "sm2-signature-under-ed25519-key",
            -19,
            "invalid",
            "key_algorithm_mismatch",
        ),
        (
            "ed25519-signature-under-sm2-key",
            -66037,
            "invalid",
            "key_algorithm_mismatch",
        ),
        (
            "sm2-status-list-signed-by-ed25519-key",
            -66037,
            "indeterminate",
            "status_list_invalid",
        ),
        (
            "sm2-cbor-not-deterministic",
            -66037,
            "invalid",
            "malformed_credential",
        ),
        (
            "sm2-issuer-signature-der-encoded",
            -66037,
            "invalid",
            "bad_issuer_signature",
        ),
    ] {
        let c = get(name);
        assert_eq!(c["input"]["root_key_alg"], root_alg, "{name}: root key alg");
        assert_eq!(c["expected"]["verdict"], verdict, "{name}: verdict");
        assert_eq!(
            c["expected"]["error_code"].as_str().unwrap_or(""),
            code,
            "{name}: code"
        );
    }
    // The valid one really is SM2 throughout: the credential's header names SM2
    // and the holder key in it is an SM2 key.
    let text = get("sm2-id-card-identity-view-valid")["input"]["qr_text"]
        .as_str()
        .unwrap();
    let body = liangzheng::qr::decode_text(text).unwrap().body;
    let p = liangzheng::presentation::Presentation::parse(&body).unwrap();
    let cred = liangzheng::credential::Credential::parse(&p.credential).unwrap();
    assert_eq!(cred.suite(), liangzheng::alg::Suite::SM2_SM3);
    assert_eq!(
        cred.holder.as_ref().map(|k| k.algorithm()),
        Some(liangzheng::alg::SignatureAlgorithm::Sm2)
    );
}

#[test]
fn vectors_are_reproducible() {
    let generated = lz_examples::vectors::generate().unwrap();
    for (name, text) in &generated {
        let path = vectors_dir().join("cases").join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} missing: run `cargo run -p liangzheng-examples --bin gen-vectors`",
                path.display()
            )
        });
        assert!(
            committed == *text,
            "{name} differs from the generator's output: regenerate the vectors"
        );
    }
    let on_disk = cases().len();
    let generated_cases = generated
        .iter()
        .filter(|(n, _)| !n.starts_with(".."))
        .count();
    assert_eq!(
        on_disk, generated_cases,
        "stale files in test-vectors/cases"
    );
}

#[test]
fn batch_verification_gives_the_same_reports() {
    for (name, case) in cases() {
        let Ok((verifier, policy)) = lz_examples::vectors::case_verifier(&case["input"]).unwrap()
        else {
            continue;
        };
        let text = case["input"]["qr_text"].as_str().unwrap();
        let single = verifier.verify_text(text, &policy);
        let batch = verifier.verify_batch(&[text, text, text], &policy);
        assert_eq!(batch.len(), 3);
        for r in &batch {
            assert_eq!(r, &single, "{name}");
        }
    }
}

#[test]
fn every_request_vector_gives_its_expected_outcome() {
    let cases = cases_in("requests");
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "registered-request-verified.json",
        "registration-expired.json",
        "request-unregistered-key.json",
        "request-field-beyond-registration.json",
        "request-stale.json",
        "request-from-future.json",
        "request-bidi-in-name.json",
        "request-nonce-replayed.json",
    ] {
        assert!(names.contains(&want), "missing request vector {want}");
    }
    for (name, case) in &cases {
        assert_eq!(
            case["format"],
            lz_examples::vectors::REQUEST_VECTOR_FORMAT,
            "{name}"
        );
        match case["kind"].as_str() {
            Some("wallet") => {
                let got = lz_examples::vectors::run_wallet_case(&case["input"]).unwrap();
                assert_eq!(got, case["expected"], "{name}");
            }
            Some("counter") => {
                let got = lz_examples::vectors::run_counter_case(&case["input"]).unwrap();
                assert_eq!(got, case["expected"]["scans"], "{name}");
            }
            other => panic!("{name}: unknown kind {other:?}"),
        }
    }
    // No stale files: every one on disk is generated.
    let generated = lz_examples::vectors::generate().unwrap();
    let generated_requests = generated
        .iter()
        .filter(|(n, _)| n.starts_with("../requests/"))
        .count();
    assert_eq!(
        cases.len(),
        generated_requests,
        "stale files in test-vectors/requests"
    );
}

/// Issue 14: portraits (FORMAT.md §6.3), frames (§14) and bundles (§15) as a
/// counter's camera delivers them: every frame's status, then the verdicts.
#[test]
fn every_multiframe_vector_gives_its_expected_outcome() {
    let cases = cases_in("multiframe");
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "portrait-frames-shuffled-lossy-valid.json",
        "portrait-exif-metadata-signed-by-trusted-key.json",
        "frames-forged-frame-hash-mismatch.json",
        "frames-truncated-and-padded-frames.json",
        "frames-two-presentations-mixed.json",
        "bundle-13-members-lossy-frames-valid.json",
        "bundle-member-of-another-subject.json",
        "bundle-member-dropped-after-signing.json",
        "bundle-permit-from-unauthorised-department.json",
        "bundle-member-bound-to-another-key.json",
    ] {
        assert!(names.contains(&want), "missing multi-frame vector {want}");
    }
    for (name, case) in &cases {
        assert_eq!(
            case["format"],
            lz_examples::vectors::FRAMES_VECTOR_FORMAT,
            "{name}"
        );
        let got = lz_examples::vectors::run_frames_case(&case["input"]).unwrap();
        assert_eq!(got, case["expected"], "{name}");
    }
    // The cases say what they claim: spot checks on the committed expectations.
    let get = |n: &str| &cases.iter().find(|(x, _)| x == n).unwrap().1["expected"];
    let other_key = get("bundle-member-bound-to-another-key.json");
    let members = other_key["bundle"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 13);
    for m in &members[..12] {
        assert_eq!(m["verdict"], "valid", "{m}");
    }
    assert_eq!(members[12]["report"]["error_code"], "bad_holder_signature");
    let dropped = get("bundle-member-dropped-after-signing.json");
    assert!(dropped["bundle"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["report"]["error_code"] == "bad_holder_signature"));
    let mixed = get("frames-two-presentations-mixed.json");
    assert!(mixed["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "other_code"));
    let valid = get("portrait-frames-shuffled-lossy-valid.json");
    assert_eq!(valid["presentation"]["images"][0]["width"], 102);
    assert_eq!(valid["presentation"]["images"][0]["height"], 126);
    // No stale files.
    let generated = lz_examples::vectors::generate().unwrap();
    let generated_multi = generated
        .iter()
        .filter(|(n, _)| n.starts_with("../multiframe/"))
        .count();
    assert_eq!(
        cases.len(),
        generated_multi,
        "stale files in test-vectors/multiframe"
    );
}
