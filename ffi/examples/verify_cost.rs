//! Per-call cost of one verification in Rust, to compare with the same call made
//! from Kotlin (scripts/test-kotlin.sh prints that one): the difference is what
//! crossing the FFI costs.
//!
//! `cargo run --release -p liangzheng-ffi --example verify_cost [CASE.json] [N]`
//! (default: test-vectors/cases/id-card-identity-view-valid.json, N = 2000).
//! Reports the median of N timed calls after a warm-up, for core's
//! `verify_text` and for this crate's `Verifier::verify` (which adds the
//! conversion of the report into FFI records).

use std::time::Instant;

use liangzheng_ffi::{StatusMode, Verdict, Verifier, VerifyPolicy};

fn median_micros(n: usize, mut call: impl FnMut()) -> f64 {
    for _ in 0..300 {
        call();
    }
    let mut t: Vec<u128> = (0..n)
        .map(|_| {
            let start = Instant::now();
            call();
            start.elapsed().as_nanos()
        })
        .collect();
    t.sort_unstable();
    t[n / 2] as f64 / 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "test-vectors/cases/id-card-identity-view-valid.json".into());
    let n: usize = args.next().map_or(Ok(2000), |s| s.parse())?;
    let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let input = &case["input"];
    let bytes = |v: &serde_json::Value| {
        v.as_str()
            .and_then(liangzheng::b64::decode)
            .ok_or("bad base64url in the case")
    };
    let verifier = Verifier::new(
        bytes(&input["trust_list"])?,
        bytes(&input["root_public_key"])?,
    )?;
    for token in input["status_lists"].as_array().ok_or("status_lists")? {
        // A list that fails is remembered; the case's verdict accounts for it.
        let _ = verifier.add_status_list(bytes(token)?);
    }
    if !input["request"].is_null() {
        verifier.expect_request(bytes(&input["request"])?)?;
    }
    let p = &input["policy"];
    let policy = VerifyPolicy {
        now: input["now"].as_u64().ok_or("now")?,
        status: if p["status"] == "lenient" {
            StatusMode::Lenient
        } else {
            StatusMode::Strict
        },
        skew_secs: p["skew_secs"].as_u64().ok_or("skew")?,
        max_presentation_age_secs: p["max_presentation_age_secs"].as_u64().ok_or("age")?,
        require_holder_binding: p["require_holder_binding"].as_bool().ok_or("binding")?,
        accepted_types: None,
    };
    let qr = input["qr_text"].as_str().ok_or("qr_text")?.to_string();
    let report = verifier.verify(qr.clone(), policy.clone());
    println!("case {}: verdict {:?}", case["name"], report.verdict);

    // The core verifier, with the same inputs, for the cost without FFI records.
    let mut core = liangzheng::verify::Verifier::new(liangzheng::trust::TrustStore::from_signed(
        &bytes(&input["trust_list"])?,
        &liangzheng::alg::PublicKey::ed25519(&bytes(&input["root_public_key"])?)
            .map_err(|_| "root key")?,
    )?);
    for token in input["status_lists"].as_array().ok_or("status_lists")? {
        let _ = core.add_status_list(&bytes(token)?);
    }
    let mut core_policy = liangzheng::verify::Policy::at(liangzheng::time::UnixTime(policy.now));
    core_policy.status = match policy.status {
        StatusMode::Strict => liangzheng::verify::StatusPolicy::Strict,
        StatusMode::Lenient => liangzheng::verify::StatusPolicy::Lenient,
    };

    let core_us = median_micros(n, || {
        std::hint::black_box(core.verify_text(std::hint::black_box(&qr), &core_policy));
    });
    let ffi_us = median_micros(n, || {
        let r = verifier.verify(std::hint::black_box(qr.clone()), policy.clone());
        assert!(r.verdict == Verdict::Valid || report.verdict != Verdict::Valid);
    });
    println!("core verify_text:          median {core_us:.1} µs per call (n={n})");
    println!("ffi Verifier::verify (Rust): median {ffi_us:.1} µs per call (n={n})");
    Ok(())
}
