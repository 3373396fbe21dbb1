//! National-scale trust lists: load time (verify the root signature, decode,
//! index) at 1,000 / 10,000 / 50,000 issuers, and the cost of one scan against
//! each, with floors measured in the same run: the root's bare Ed25519 check
//! over the same bytes (no loader can be faster) and a scan against a
//! one-entry list (per-scan cost must not grow with the list).
//!
//! `cargo bench -p liangzheng --bench trust_list` (or `scripts/bench.sh`).
//! Memory: `scripts/bench.sh` runs `examples/trust_list_rss.rs` under
//! `/usr/bin/time -v`.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::path::PathBuf;

use common::*;
use criterion::Criterion;
use liangzheng::cose::Sign1;
use liangzheng::keys::{verify_ed25519_strict, IssuerKey, IssuerSigner as _};
use liangzheng::trust::{TrustStore, TrustedIssuer, MAX_TRUST_LIST_LEN, TRUST_LIST_TYP};
use liangzheng::verify::{Policy, StatusPolicy, Verdict, Verifier};

const SIZES: [usize; 4] = [1, 1_000, 10_000, 50_000];

/// A list of `n` entries: the bench issuer's real key first, then filler keys.
fn signed_list(n: usize, root: &IssuerKey) -> Vec<u8> {
    let mut issuers = trust().issuers;
    for i in 1..n {
        use sha2::Digest as _;
        issuers.push(TrustedIssuer {
            public_key: sha2::Sha256::digest(format!("filler {i}")).into(),
            name_zh: format!("第{i}号县公安局"),
            name_en: format!("County Public Security Bureau No. {i}"),
            code: "11370100004307520K".into(),
            region: "370100".into(),
            types: vec![ID_CARD.into()],
            not_before: 0,
            not_after: None,
        });
    }
    TrustStore {
        issuers,
        issued_at: NOW,
        expires: None,
    }
    .sign(root)
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let root = IssuerKey::from_seed(&[9; 32]);
    let root_pk = root.public_key();
    let h = holder(0);
    let text = present_full(&issue(ID_CARD, Some(&h)), ID_CARD, &["name"], Some(&h));
    let mut policy = Policy::at(NOW.plus(5));
    policy.status = StatusPolicy::Lenient;
    let mut g = c.benchmark_group("trust_list");
    g.sample_size(10);
    for n in SIZES {
        let bytes = signed_list(n, &root);
        println!("trust list of {n} entries: {} bytes", bytes.len());
        let sign1 = Sign1::parse(&bytes, MAX_TRUST_LIST_LEN, Some(TRUST_LIST_TYP)).unwrap();
        let tbs = sign1.to_be_signed(&[]);
        let sig = sign1.signature().to_vec();
        g.bench_function(format!("bare_root_verify_{n}"), |b| {
            b.iter(|| assert!(verify_ed25519_strict(&root_pk, black_box(&tbs), &sig)))
        });
        g.bench_function(format!("load_{n}"), |b| {
            b.iter(|| Verifier::new(TrustStore::from_signed(black_box(&bytes), &root_pk).unwrap()))
        });
        let verifier = Verifier::new(TrustStore::from_signed(&bytes, &root_pk).unwrap());
        assert_eq!(verifier.verify_text(&text, &policy).verdict, Verdict::Valid);
        g.bench_function(format!("verify_view_{n}"), |b| {
            b.iter(|| verifier.verify_text(black_box(&text), &policy))
        });
    }
    g.finish();
}

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
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json.pointer("/median/point_estimate")?.as_f64()
}

fn print_table() {
    println!("\n| entries | load median | × bare root verify | scan median | × scan at 1 entry |");
    println!("|---:|---:|---:|---:|---:|");
    let Some(scan1) = median_ns("trust_list/verify_view_1") else {
        return;
    };
    for n in SIZES {
        let (Some(load), Some(bare), Some(scan)) = (
            median_ns(&format!("trust_list/load_{n}")),
            median_ns(&format!("trust_list/bare_root_verify_{n}")),
            median_ns(&format!("trust_list/verify_view_{n}")),
        ) else {
            continue;
        };
        println!(
            "| {n} | {:.2} ms | {:.2} | {:.1} µs | {:.2} |",
            load / 1e6,
            load / bare,
            scan / 1e3,
            scan / scan1
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    print_table();
}
