//! SM2 implementations side by side with the Ed25519 floor, in one run (200-byte message, the
//! GM/T 0003.5 key, default user id). Then `openssl speed` for OpenSSL's SM2, Ed25519 and P-256
//! in the same run, and one table of medians and ratios to ed25519-dalek `verify_strict`.
//! Run by scripts/bench-sm2.sh; results in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

use criterion::{criterion_group, Criterion};
use ed25519_dalek::{Signer as _, SigningKey};
use sha2::Digest as _;
use sm2_compare::{public_sec1, std_d, EfficientSm2, GmSm2, Libsm, RustCrypto, Sm2Impl, Smcrypto};

const MSG: [u8; 200] = [0x5a; 200];

fn ed25519(c: &mut Criterion) {
    let sk = SigningKey::from_bytes(&[7; 32]);
    let vk = sk.verifying_key();
    let sig = sk.sign(&MSG);
    let mut g = c.benchmark_group("ed25519");
    g.bench_function("sign", |b| b.iter(|| sk.sign(black_box(&MSG))));
    g.bench_function("verify_strict", |b| {
        b.iter(|| vk.verify_strict(black_box(&MSG), &sig).unwrap())
    });
    g.finish();
}

fn p256(c: &mut Criterion) {
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    let sk = p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap();
    let vk = *sk.verifying_key();
    let sig: p256::ecdsa::Signature = sk.sign(&MSG);
    let mut g = c.benchmark_group("p256");
    g.bench_function("rustcrypto_verify", |b| {
        b.iter(|| vk.verify(black_box(&MSG), &sig).unwrap())
    });
    let ring_pk = vk.to_encoded_point(false);
    let ring_vk = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        ring_pk.as_bytes().to_vec(),
    );
    let raw = sig.to_bytes();
    g.bench_function("ring_verify", |b| {
        b.iter(|| ring_vk.verify(black_box(&MSG), &raw).unwrap())
    });
    g.finish();
}

fn one<I: Sm2Impl>(c: &mut Criterion, id: &str) {
    let d = std_d();
    let sk = I::sk(&d);
    let vk = I::vk(&public_sec1(&d));
    let sig = I::sign(&sk, &MSG);
    assert!(I::verify(&vk, &MSG, &sig), "{} self-check", I::NAME);
    let mut g = c.benchmark_group(id);
    g.bench_function("sign", |b| b.iter(|| I::sign(&sk, black_box(&MSG))));
    g.bench_function("verify", |b| {
        b.iter(|| assert!(I::verify(&vk, black_box(&MSG), &sig)))
    });
    g.finish();
}

fn sm2(c: &mut Criterion) {
    one::<RustCrypto>(c, "sm2_rustcrypto");
    one::<EfficientSm2>(c, "sm2_efficient");
    one::<GmSm2>(c, "sm2_gm");
    one::<Libsm>(c, "sm2_libsm");
    one::<Smcrypto>(c, "sm2_smcrypto");
}

fn digests(c: &mut Criterion) {
    let mut g = c.benchmark_group("digest");
    g.bench_function("sha256_200B", |b| {
        b.iter(|| sha2::Sha256::digest(black_box(MSG)))
    });
    g.bench_function("sm3_200B", |b| b.iter(|| sm3::Sm3::digest(black_box(MSG))));
    g.finish();
}

criterion_group!(benches, ed25519, p256, sm2, digests);

fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("criterion");
    }
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .nth(3)
        .map(|t| t.join("criterion"))
        .unwrap_or_default()
}

fn median_ns(id: &str) -> Option<f64> {
    let path = criterion_dir().join(id).join("new").join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    // {"mean":{...},"median":{"confidence_interval":{...},"point_estimate":N,...}
    let after = &text[text.find("\"median\"")?..];
    let pe = &after[after.find("\"point_estimate\":")? + 17..];
    let end = pe.find([',', '}'])?;
    pe[..end].trim().parse().ok()
}

/// `openssl speed -seconds N ALG…`: (label, sign µs, verify µs) from its sign/s and verify/s.
fn openssl_speed(seconds: &str) -> Vec<(String, f64, f64)> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", seconds, "sm2", "ed25519", "ecdsap256"])
        .output()
        .expect("`openssl` not found: it is the reference of this bench (scripts/install-deps.sh)");
    assert!(
        out.status.success(),
        "openssl speed failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = Vec::new();
    for line in text.lines() {
        let Some(open) = line.find('(') else { continue };
        let Some(close) = line.find(')') else {
            continue;
        };
        let label = &line[open + 1..close];
        if !["CurveSM2", "Ed25519", "nistp256"].contains(&label) {
            continue;
        }
        let nums: Vec<f64> = line[close + 1..]
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        if nums.len() >= 2 {
            let (sign_s, verify_s) = (nums[nums.len() - 2], nums[nums.len() - 1]);
            rows.push((label.to_string(), 1e6 / sign_s, 1e6 / verify_s));
        }
    }
    assert_eq!(
        rows.len(),
        3,
        "could not read openssl speed's output:\n{text}"
    );
    rows
}

fn us(ns: f64) -> String {
    format!("{:.1} µs", ns / 1e3)
}

fn print_table(openssl: &[(String, f64, f64)]) {
    let floor = median_ns("ed25519/verify_strict").expect("floor ran");
    println!("\n| implementation | sign median | verify median | verify × ed25519 verify_strict |");
    println!("|---|---:|---:|---:|");
    let rows: [(&str, &str); 6] = [
        ("ed25519", "ed25519-dalek 2.2.0 (floor)"),
        ("sm2_rustcrypto", "RustCrypto sm2 0.13.3"),
        ("sm2_efficient", "efficient-sm2 0.2.5"),
        ("sm2_gm", "gm-sm2 0.13.0"),
        ("sm2_libsm", "libsm 0.6.1"),
        ("sm2_smcrypto", "smcrypto 0.3.1"),
    ];
    for (id, name) in rows {
        let sign = median_ns(&format!("{id}/sign"));
        let verify =
            median_ns(&format!("{id}/verify")).or(median_ns(&format!("{id}/verify_strict")));
        if let (Some(s), Some(v)) = (sign, verify) {
            println!("| {name} | {} | {} | {:.2} |", us(s), us(v), v / floor);
        }
    }
    for (id, name) in [
        (
            "p256/rustcrypto_verify",
            "RustCrypto p256 0.13 ECDSA (verify only)",
        ),
        ("p256/ring_verify", "ring 0.17 P-256 ECDSA (verify only)"),
    ] {
        if let Some(v) = median_ns(id) {
            println!("| {name} | | {} | {:.2} |", us(v), v / floor);
        }
    }
    for (label, s, v) in openssl {
        println!(
            "| OpenSSL `speed` {label} (mean of its loop) | {:.1} µs | {:.1} µs | {:.2} |",
            s,
            v,
            v * 1e3 / floor
        );
    }
    if let (Some(sha), Some(sm3)) = (
        median_ns("digest/sha256_200B"),
        median_ns("digest/sm3_200B"),
    ) {
        println!("\n| digest (200 bytes) | median | × SHA-256 |\n|---|---:|---:|");
        println!("| SHA-256 (sha2 0.10) | {} | 1.00 |", us(sha));
        println!("| SM3 (sm3 0.4.2) | {} | {:.2} |", us(sm3), sm3 / sha);
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let seconds = std::env::var("OPENSSL_SECONDS").unwrap_or_else(|_| "3".into());
    let openssl = openssl_speed(&seconds);
    print_table(&openssl);
}
