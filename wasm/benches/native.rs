//! The native floor for scripts/bench-web.sh: the same work the WASM build is
//! timed on (web/test/bench.mjs), on the host, same vectors, same loop.
//! Prints one JSON object per measurement: `{"name", "median_us", "runs"}`.
//!
//! `cargo bench -p liangzheng-wasm --bench native -- FRAME.rgba FRAME_NOQR.rgba`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use liangzheng::b64;
use liangzheng::time::UnixTime;
use liangzheng::verify::Policy;
use liangzheng_wasm::{scan::frame_text, Verifier};
use serde_json::Value;

/// The vectors timed (valid presentations: every check runs).
pub const CASES: [&str; 3] = [
    "id-card-identity-view-valid",
    "id-card-full-credential-four-fields-valid",
    "health-certificate-fit-for-work-p256-valid",
];

fn bytes(v: &Value) -> Vec<u8> {
    b64::decode(v.as_str().unwrap()).unwrap()
}

/// Median of `rounds` timings of `per_round` calls, in µs per call.
fn median_us(rounds: usize, per_round: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..per_round {
        f();
    }
    let mut t: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_round {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / per_round as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn load(input: &Value) -> Verifier {
    let mut v = Verifier::from_signed(
        &bytes(&input["trust_list"]),
        &bytes(&input["root_public_key"]),
        None,
    )
    .unwrap();
    for s in input["status_lists"].as_array().unwrap() {
        let _ = v.add_status(&bytes(s));
    }
    v
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cases");
    for name in CASES {
        let c: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let input = &c["input"];
        let text = input["qr_text"].as_str().unwrap().to_string();
        let policy = Policy::at(UnixTime(input["now"].as_u64().unwrap()));
        let v = load(input);
        assert_eq!(v.check(&text, &policy).verdict, "valid", "{name}");
        let us = median_us(21, 200, || {
            black_box(v.check(black_box(&text), &policy));
        });
        println!("{{\"name\": \"verify {name}\", \"median_us\": {us:.1}, \"runs\": 21}}");
        let us = median_us(21, 50, || {
            let v = load(input);
            black_box(v.check(black_box(&text), &policy));
        });
        println!(
            "{{\"name\": \"load lists + verify {name}\", \"median_us\": {us:.1}, \"runs\": 21}}"
        );
    }
    // Camera frames: 640 × 480 RGBA with a code, and without one.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a.ends_with(".rgba"))
        .collect();
    for (label, file) in ["frame 640x480 with QR", "frame 640x480 without QR"]
        .iter()
        .zip(&args)
    {
        let frame = std::fs::read(file).unwrap();
        let _ = frame_text(640, 480, &frame);
        let us = median_us(11, 3, || {
            let _ = black_box(frame_text(640, 480, black_box(&frame)));
        });
        println!("{{\"name\": \"decode {label}\", \"median_us\": {us:.1}, \"runs\": 11}}");
    }
}
