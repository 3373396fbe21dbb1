//! Wall-time benches of the whole flow, with the bare Ed25519 operations
//! measured in the same run as the yardstick: issue → present → verify, a
//! batch of 1,000 verifications (one by one, and as one ed25519-dalek
//! `verify_batch` over their 2,000 signatures), and QR rendering; then the
//! same flow under the SM2 + SM3 suite against bare SM2 sign/verify, and SM3
//! against SHA-256, all in the same run.
//!
//! `cargo bench -p liangzheng --bench pipeline` (or `scripts/bench.sh`). After
//! criterion's own output, a table of medians and ratios to the bare
//! operations is printed (read back from criterion's `estimates.json`).
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use criterion::Criterion;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use liangzheng::alg::{
    PublicKey, SignatureAlgorithm, VerifyingKey as AlgVerifyingKey, P256_BACKEND,
};
use liangzheng::credential::Credential;
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{DeviceSigner, HolderPublicKey, P256DeviceSigner};
use liangzheng::keys::verify_ed25519_strict;
use liangzheng::presentation::{transcript, Presentation};
use liangzheng::qr::{self, RenderOptions};
use liangzheng::status::{list_uri, StatusList, StatusToken};
use liangzheng::verify::{Policy, Verdict, Verifier};
use liangzheng::wallet::Wallet;

const BATCH: usize = 1000;

fn verifier() -> Verifier {
    let mut v = Verifier::new(trust());
    let list = StatusList::new(4096, 2).unwrap();
    let token = StatusToken::sign(
        &list,
        &list_uri("11370100004307520K", 1),
        NOW,
        Some(86_400),
        None,
        issuer_key().as_ref(),
    )
    .unwrap();
    v.add_status_list(&token).unwrap();
    v
}

fn policy() -> Policy {
    Policy::at(NOW.plus(5))
}

/// The two signatures a holder-bound presentation carries, as (message, signature, key).
fn signatures_of(text: &str) -> [(Vec<u8>, ed25519_dalek::Signature, VerifyingKey); 2] {
    let body = qr::decode_text(text).unwrap().body;
    let p = Presentation::parse(&body).unwrap();
    let cred = Credential::parse(&p.credential).unwrap();
    let ids: Vec<u32> = p
        .disclosures
        .iter()
        .map(|d| Disclosure::parse(d).unwrap().field_id)
        .collect();
    let proof = p.proof.unwrap();
    let Some(HolderPublicKey::Ed25519(hk)) = cred.holder.clone() else {
        unreachable!()
    };
    let sig = |b: &[u8]| ed25519_dalek::Signature::from_slice(b).unwrap();
    [
        (
            cred.sign1.to_be_signed(&[]),
            sig(cred.sign1.signature()),
            VerifyingKey::from_bytes(&issuer_key().public_key_bytes()).unwrap(),
        ),
        (
            transcript(
                cred.suite().digest,
                &p.credential,
                &ids,
                proof.time,
                proof.lifetime,
                None,
            ),
            sig(&proof.signature),
            VerifyingKey::from_bytes(&hk).unwrap(),
        ),
    ]
}

fn bench_ed25519(c: &mut Criterion) {
    let mut g = c.benchmark_group("ed25519");
    let key = SigningKey::from_bytes(&[1; 32]);
    let vk = key.verifying_key();
    let pk = vk.to_bytes();
    // About the size of a credential's Sig_structure.
    let msg = vec![0x5a; 200];
    let sig = key.sign(&msg);
    let sig_bytes = sig.to_bytes();
    g.bench_function("sign", |b| b.iter(|| key.sign(black_box(&msg))));
    g.bench_function("verify_strict", |b| {
        b.iter(|| vk.verify_strict(black_box(&msg), black_box(&sig)).unwrap())
    });
    // What core calls: decompress the key, reject weak keys, verify_strict.
    g.bench_function("verify_strict_from_bytes", |b| {
        b.iter(|| {
            assert!(verify_ed25519_strict(
                black_box(&pk),
                black_box(&msg),
                black_box(&sig_bytes)
            ))
        })
    });
    g.finish();
}

/// Bare ES256 with this build's backend (`alg::P256_BACKEND`): verify through core's algorithm
/// table (key decoded once), and the software holder signer's sign.
fn bench_p256(c: &mut Criterion) {
    let mut g = c.benchmark_group("p256");
    let signer = P256DeviceSigner::from_scalar(&[3; 32]).unwrap();
    let HolderPublicKey::P256(sec1) = signer.public_key() else {
        unreachable!()
    };
    let vk = AlgVerifyingKey::new(&PublicKey::p256_from_sec1(&sec1).unwrap()).unwrap();
    let msg = vec![0x5a; 200];
    let sig = signer.sign(&msg).unwrap();
    assert!(vk.verify(SignatureAlgorithm::Es256, &msg, &sig));
    g.bench_function("verify", |b| {
        b.iter(|| assert!(vk.verify(SignatureAlgorithm::Es256, black_box(&msg), black_box(&sig))))
    });
    g.bench_function("sign", |b| b.iter(|| signer.sign(black_box(&msg)).unwrap()));
    // RFC 6979 with RustCrypto p256 in every build: the same as `sign` without `p256-ring`,
    // the pure-Rust side of the comparison with it (same run).
    let rfc6979 = P256DeviceSigner::from_scalar_rfc6979(&[3; 32]).unwrap();
    assert!(vk.verify(
        SignatureAlgorithm::Es256,
        &msg,
        &rfc6979.sign(&msg).unwrap()
    ));
    g.bench_function("sign_rfc6979", |b| {
        b.iter(|| rfc6979.sign(black_box(&msg)).unwrap())
    });
    g.finish();
}

fn bench_license(c: &mut Criterion) {
    let phone = holder(0);
    let verifier = verifier();
    let policy = policy();
    let license = issue(ID_CARD, Some(&phone));
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(license.clone()).unwrap();
    let view_text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    let full_text = present_full(&license, ID_CARD, &["name", "id_number"], Some(&phone));
    for t in [&view_text, &full_text] {
        let r = verifier.verify_text(t, &policy);
        assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    }

    let mut g = c.benchmark_group("license");
    let claims = claims(ID_CARD);
    let issuer = issuer();
    let holder_key = liangzheng::holder::DeviceSigner::public_key(phone.as_ref());
    g.bench_function("issue_id_card", |b| {
        b.iter(|| {
            issuer
                .issue(black_box(&claims), Some(&holder_key), NOW)
                .unwrap()
        })
    });
    g.bench_function("present_view", |b| {
        b.iter(|| {
            wallet
                .present(i, black_box(&["name", "id_number"]), NOW)
                .unwrap()
        })
    });
    // The floor inside this group (the load drifts between groups): the presentation's own two
    // signatures over its own messages, keys already decompressed, `verify_strict` each.
    let [issuer_sig, holder_sig] = signatures_of(&view_text);
    g.bench_function("two_bare_verifies", |b| {
        b.iter(|| {
            for (msg, sig, vk) in [&issuer_sig, &holder_sig] {
                vk.verify_strict(black_box(msg), black_box(sig)).unwrap();
            }
        })
    });
    g.bench_function("verify_view", |b| {
        b.iter(|| verifier.verify_text(black_box(&view_text), &policy))
    });
    g.bench_function("verify_full", |b| {
        b.iter(|| verifier.verify_text(black_box(&full_text), &policy))
    });

    // 授权用证: the same two fields answering a registered counter's signed request.
    let (req_verifier, req_text) = request_bound(&wallet, i);
    g.bench_function("verify_view_request", |b| {
        b.iter(|| req_verifier.verify_text(black_box(&req_text), &policy))
    });

    // The same ID card bound to a P-256 phone key (Android Keystore / Secure Enclave keys are P-256).
    let p256_phone = Arc::new(P256DeviceSigner::from_scalar(&[3; 32]).unwrap());
    let p256_key = p256_phone.public_key();
    let p256_license = issuer.issue(&claims, Some(&p256_key), NOW).unwrap();
    let mut p256_wallet = Wallet::new(p256_phone);
    let j = p256_wallet.add(p256_license).unwrap();
    let p256_text = p256_wallet.present(j, &["name", "id_number"], NOW).unwrap();
    let r = verifier.verify_text(&p256_text, &policy);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    g.bench_function("present_view_p256_holder", |b| {
        b.iter(|| {
            p256_wallet
                .present(j, black_box(&["name", "id_number"]), NOW)
                .unwrap()
        })
    });
    // The same wallet with the pure-Rust RFC 6979 signer (same key), for the same-run comparison.
    let mut rfc6979_wallet = Wallet::new(Arc::new(
        P256DeviceSigner::from_scalar_rfc6979(&[3; 32]).unwrap(),
    ));
    let k = rfc6979_wallet
        .add(issuer.issue(&claims, Some(&p256_key), NOW).unwrap())
        .unwrap();
    g.bench_function("present_view_p256_holder_rfc6979", |b| {
        b.iter(|| {
            rfc6979_wallet
                .present(k, black_box(&["name", "id_number"]), NOW)
                .unwrap()
        })
    });
    g.bench_function("verify_view_p256_holder", |b| {
        b.iter(|| verifier.verify_text(black_box(&p256_text), &policy))
    });
    g.finish();
}

/// A verifier expecting a registered counter's signed request for name + ID number, and the
/// wallet's answer to it (the request carries the root-signed registration, as in the field).
fn request_bound(wallet: &Wallet, index: usize) -> (Verifier, String) {
    use liangzheng::keys::{IssuerKey, IssuerSigner as _};
    use liangzheng::registration::{Grant, Registration};
    use liangzheng::request::{ReceivedRequest, Request};
    use rand_chacha::rand_core::SeedableRng as _;
    let root = IssuerKey::from_seed(&[90; 32]);
    let counter = IssuerKey::from_seed(&[91; 32]);
    let ty = liangzheng::schema::Registry::builtin();
    let ty = ty.get(ID_CARD).unwrap();
    let fields = vec![
        ty.field("name").unwrap().id,
        ty.field("id_number").unwrap().id,
    ];
    let registration = Registration {
        verifier_id: "11110000000021135M".into(),
        name_zh: "北京市公安局".into(),
        name_en: "Beijing Municipal Public Security Bureau".into(),
        grants: vec![Grant {
            type_code: ID_CARD.into(),
            fields: fields.clone(),
        }],
        not_before: NOW.minus(86_400).0,
        not_after: NOW.plus(365 * 86_400).0,
        public_key: counter.public_key(),
        issued_at: NOW.minus(86_400).0,
    }
    .sign(&root)
    .unwrap();
    let request = Request::new(
        "11110000000021135M",
        "北京市公安局",
        "办理户籍业务：核验身份",
        ID_CARD,
        fields,
        NOW,
        &mut rand_chacha::ChaCha20Rng::seed_from_u64(7),
    )
    .unwrap()
    .with_registration(registration);
    let received = ReceivedRequest::parse(&request.to_signed_bytes(&counter).unwrap()).unwrap();
    let text = wallet
        .respond(index, &received, &["name", "id_number"], NOW)
        .unwrap();
    let mut v = verifier();
    v.expect_request(received);
    let r = v.verify_text(&text, &policy());
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    (v, text)
}

fn bench_batch(c: &mut Criterion) {
    let verifier = verifier();
    let policy = policy();
    // 1,000 holders, each with their own ID card, each showing the identity view.
    let texts: Vec<String> = (0..BATCH as u32)
        .map(|n| {
            let phone = holder(n);
            let mut wallet = Wallet::new(phone.clone());
            let i = wallet.add(issue(ID_CARD, Some(&phone))).unwrap();
            wallet.present(i, &["name", "id_number"], NOW).unwrap()
        })
        .collect();
    assert!(texts
        .iter()
        .all(|t| verifier.verify_text(t, &policy).verdict == Verdict::Valid));
    let sigs: Vec<_> = texts.iter().flat_map(|t| signatures_of(t)).collect();
    let messages: Vec<&[u8]> = sigs.iter().map(|(m, _, _)| m.as_slice()).collect();
    let signatures: Vec<_> = sigs.iter().map(|(_, s, _)| *s).collect();
    let keys: Vec<_> = sigs.iter().map(|(_, _, k)| *k).collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).unwrap();

    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.bench_function("verify_text_x1000", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(verifier.verify_text(black_box(t), &policy));
            }
        })
    });
    g.bench_function("dalek_verify_batch_2000", |b| {
        b.iter(|| ed25519_dalek::verify_batch(black_box(&messages), &signatures, &keys).unwrap())
    });
    g.bench_function("dalek_verify_strict_x2000", |b| {
        b.iter(|| {
            for ((m, s), k) in messages.iter().zip(&signatures).zip(&keys) {
                k.verify_strict(black_box(m), s).unwrap();
            }
        })
    });
    g.finish();
}

/// The SM2 + SM3 suite: bare SM2 and digests, then issue → present → verify
/// with an SM2 issuer and an SM2 holder key.
fn bench_sm2(c: &mut Criterion) {
    use liangzheng::alg::{DigestAlgorithm, SignatureAlgorithm};
    use liangzheng::keys::IssuerSigner as _;
    let key = sm2_issuer_key();
    let pk = key.public_key();
    let vk = pk.verifying_key().unwrap();
    // About the size of a credential's Sig_structure, as for Ed25519.
    let msg = vec![0x5a; 200];
    let sig = key.sign(&msg).unwrap();
    assert!(vk.verify(SignatureAlgorithm::Sm2, &msg, &sig));
    let mut g = c.benchmark_group("sm2");
    g.bench_function("sign", |b| b.iter(|| key.sign(black_box(&msg)).unwrap()));
    g.bench_function("verify", |b| {
        b.iter(|| assert!(vk.verify(SignatureAlgorithm::Sm2, black_box(&msg), &sig)))
    });
    // Decode the point and compute Z_A each time (a key not yet in the index).
    g.bench_function("verify_from_bytes", |b| {
        b.iter(|| assert!(black_box(&pk).verify(black_box(&msg), &sig)))
    });
    g.finish();

    let mut g = c.benchmark_group("digest");
    g.bench_function("sha256_200", |b| {
        b.iter(|| DigestAlgorithm::Sha256.digest(black_box(&msg)))
    });
    g.bench_function("sm3_200", |b| {
        b.iter(|| DigestAlgorithm::Sm3.digest(black_box(&msg)))
    });
    g.finish();

    let phone = sm2_holder(0);
    let verifier = sm2_verifier();
    let policy = policy();
    let license = issue_sm2(ID_CARD, Some(phone.as_ref()));
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(license).unwrap();
    let view_text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    let r = verifier.verify_text(&view_text, &policy);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    let claims = claims(ID_CARD);
    let issuer = sm2_issuer();
    let holder_key = liangzheng::holder::DeviceSigner::public_key(phone.as_ref());
    let mut g = c.benchmark_group("license_sm2");
    g.bench_function("issue_id_card", |b| {
        b.iter(|| {
            issuer
                .issue(black_box(&claims), Some(&holder_key), NOW)
                .unwrap()
        })
    });
    g.bench_function("present_view", |b| {
        b.iter(|| {
            wallet
                .present(i, black_box(&["name", "id_number"]), NOW)
                .unwrap()
        })
    });
    // The floor again, right next to the presentation bench (a shared
    // machine's load drifts between groups): two bare SM2 verifications.
    g.bench_function("two_bare_verifies", |b| {
        b.iter(|| {
            assert!(vk.verify(SignatureAlgorithm::Sm2, black_box(&msg), &sig));
            assert!(vk.verify(SignatureAlgorithm::Sm2, black_box(&msg), &sig));
        })
    });
    g.bench_function("verify_view", |b| {
        b.iter(|| verifier.verify_text(black_box(&view_text), &policy))
    });
    g.finish();
}

fn sm2_verifier() -> Verifier {
    let mut v = Verifier::new(sm2_trust());
    let list = StatusList::new(4096, 2).unwrap();
    let token = StatusToken::sign(
        &list,
        &list_uri("11370100004307520K", 1),
        NOW,
        Some(86_400),
        None,
        sm2_issuer_key().as_ref(),
    )
    .unwrap();
    v.add_status_list(&token).unwrap();
    v
}

fn bench_qr(c: &mut Criterion) {
    let phone = holder(0);
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(issue(ID_CARD, Some(&phone))).unwrap();
    let text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    let options = RenderOptions::default();
    let mut g = c.benchmark_group("qr");
    g.bench_function("render_png", |b| {
        b.iter(|| qr::render_png(black_box(&text), &options).unwrap())
    });
    g.bench_function("render_svg", |b| {
        b.iter(|| qr::render_svg(black_box(&text), &options).unwrap())
    });
    g.finish();
}

/// criterion's output directory (as criterion itself finds it).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("criterion");
    }
    // …/target/release/deps/pipeline-<hash>
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .nth(3)
        .map(|t| t.join("criterion"))
        .unwrap_or_default()
}

/// Median in nanoseconds of one bench of this run, if it ran.
fn median_ns(id: &str) -> Option<f64> {
    let path = criterion_dir().join(id).join("new").join("estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json.pointer("/median/point_estimate")?.as_f64()
}

fn fmt(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn print_table() {
    let (Some(sign), Some(verify)) = (
        median_ns("ed25519/sign"),
        median_ns("ed25519/verify_strict"),
    ) else {
        return;
    };
    println!("\n| bench | median | × bare verify_strict | × bare sign | note |");
    println!("|---|---:|---:|---:|---|");
    let rows: [(&str, f64, &str); 20] = [
        ("ed25519/sign", 1.0, "baseline"),
        (
            "ed25519/verify_strict",
            1.0,
            "baseline (key pre-decompressed)",
        ),
        (
            "ed25519/verify_strict_from_bytes",
            1.0,
            "decompress + is_weak + verify_strict, as core calls it",
        ),
        (
            "p256/verify",
            1.0,
            "ES256 verify, backend in the line below",
        ),
        (
            "p256/sign",
            1.0,
            "P256DeviceSigner::sign (ring, random nonces, with p256-ring; else RFC 6979)",
        ),
        (
            "p256/sign_rfc6979",
            1.0,
            "P256DeviceSigner::from_scalar_rfc6979 (p256, RFC 6979)",
        ),
        (
            "license/issue_id_card",
            1.0,
            "full credential + 2 views = 3 issuer signatures",
        ),
        (
            "license/present_view",
            1.0,
            "1 holder signature + CBOR + Base45",
        ),
        (
            "license/verify_view",
            2.0,
            "per 2 bare verifies: issuer + holder signature",
        ),
        ("license/verify_full", 2.0, "per 2 bare verifies"),
        (
            "license/verify_view_request",
            2.0,
            "per 2 bare verifies: answers a signed request",
        ),
        (
            "license/present_view_p256_holder",
            1.0,
            "P-256 holder signature + CBOR + Base45",
        ),
        (
            "license/present_view_p256_holder_rfc6979",
            1.0,
            "the same with the RFC 6979 (p256) signer",
        ),
        (
            "license/verify_view_p256_holder",
            2.0,
            "per 2 bare Ed25519 verifies: Ed25519 issuer + P-256 holder",
        ),
        ("batch/verify_text_x1000", 2000.0, "per 2,000 bare verifies"),
        (
            "batch/dalek_verify_batch_2000",
            2000.0,
            "per 2,000 bare verifies",
        ),
        (
            "batch/dalek_verify_strict_x2000",
            2000.0,
            "per 2,000 bare verifies",
        ),
        ("qr/render_png", 1.0, ""),
        ("qr/render_svg", 1.0, ""),
        ("qr_scan/decode_image", 1.0, "(qr_scan bench, feature scan)"),
    ];
    for (id, per, note) in rows {
        if let Some(ns) = median_ns(id) {
            println!(
                "| {id} | {} | {:.2} | {:.2} | {note} |",
                fmt(ns),
                ns / (verify * per),
                ns / (sign * per)
            );
        }
    }
    println!("\nES256 backend: {P256_BACKEND}");
    if let (Some(fast), Some(det)) = (median_ns("p256/sign"), median_ns("p256/sign_rfc6979")) {
        println!(
            "ES256 holder signing: P256DeviceSigner::sign {} vs RFC 6979 (p256) {}: {:.2}× \
             ({:.2}× / {:.2}× a bare Ed25519 sign)",
            fmt(fast),
            fmt(det),
            det / fast,
            fast / sign,
            det / sign
        );
    }
    if let (Some(p), Some(e)) = (
        median_ns("license/verify_view_p256_holder"),
        median_ns("license/verify_view"),
    ) {
        println!(
            "P-256-holder presentation verify / Ed25519-holder presentation verify: {:.2}× (goal ≤ 2×)",
            p / e
        );
    }
    if let Some(v) = median_ns("license/verify_view") {
        println!(
            "Ed25519-holder presentation verify / 2 bare verify_strict: {:.2}× (goal ≤ 1.15×)",
            v / (2.0 * verify)
        );
    }
    if let Some(v) = median_ns("license/verify_view_request") {
        println!(
            "Request-bound presentation verify / 2 bare verify_strict: {:.2}× (goal ≤ 1.15×)",
            v / (2.0 * verify)
        );
    }
    if let Some(floor) = median_ns("license/two_bare_verifies") {
        for id in ["license/verify_view", "license/verify_view_request"] {
            if let Some(v) = median_ns(id) {
                println!(
                    "{id} / license/two_bare_verifies (its own two signatures, same group): {:.2}×",
                    v / floor
                );
            }
        }
    }
}

fn print_sm2_table() {
    let (Some(sign), Some(verify), Some(ed_verify)) = (
        median_ns("sm2/sign"),
        median_ns("sm2/verify"),
        median_ns("ed25519/verify_strict"),
    ) else {
        return;
    };
    println!(
        "\n| SM2 + SM3 bench | median | × bare SM2 verify | × bare SM2 sign | × bare Ed25519 verify_strict | note |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    let rows: [(&str, &str); 6] = [
        (
            "sm2/sign",
            "bare SM2 sign, 200-byte message (RustCrypto sm2 0.13.3)",
        ),
        (
            "sm2/verify",
            "bare SM2 verify (key decoded, Z_A precomputed)",
        ),
        ("sm2/verify_from_bytes", "decode point + Z_A + verify"),
        (
            "license_sm2/issue_id_card",
            "full credential + 2 views = 3 SM2 signatures",
        ),
        ("license_sm2/present_view", "1 SM2 holder signature"),
        (
            "license_sm2/verify_view",
            "issuer + holder SM2 signature, SM3 digests, status",
        ),
    ];
    for (id, note) in rows {
        if let Some(ns) = median_ns(id) {
            println!(
                "| {id} | {} | {:.2} | {:.2} | {:.2} | {note} |",
                fmt(ns),
                ns / verify,
                ns / sign,
                ns / ed_verify
            );
        }
    }
    if let Some(v) = median_ns("license_sm2/verify_view") {
        println!(
            "\nSM2 presentation verify / two bare SM2 verifies: {:.2} against 2 × sm2/verify, \
             {:.2} against the adjacent license_sm2/two_bare_verifies (goal ≤ 1.25)",
            v / (2.0 * verify),
            median_ns("license_sm2/two_bare_verifies").map_or(f64::NAN, |t| v / t)
        );
    }
    if let (Some(sha), Some(sm3)) = (median_ns("digest/sha256_200"), median_ns("digest/sm3_200")) {
        println!(
            "SM3 over 200 bytes {sm3:.0} ns vs SHA-256 {sha:.0} ns: {:.1}×",
            sm3 / sha
        );
    }
    if let (Some(issue), Some(ed_issue)) = (
        median_ns("license_sm2/issue_id_card"),
        median_ns("license/issue_id_card"),
    ) {
        println!(
            "Issuance throughput, one core: SM2 {:.0} ID cards/s, Ed25519 {:.0} ID cards/s (same run)",
            1e9 / issue,
            1e9 / ed_issue
        );
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    bench_ed25519(&mut c);
    bench_p256(&mut c);
    bench_license(&mut c);
    bench_batch(&mut c);
    bench_qr(&mut c);
    bench_sm2(&mut c);
    c.final_summary();
    print_table();
    print_sm2_table();
    paired_ratios();
}

/// Same-run ratios that a shared machine's drifting load cannot skew: each round times the
/// floor (two bare `verify_strict` of a 200-byte message, as `ed25519/verify_strict`), the
/// presentation's own two signatures (as `license/two_bare_verifies`), the Ed25519-holder
/// presentation and the request-bound one, one call each, back to back (order rotated); the
/// medians of the per-round ratios are printed. `PAIRED_ROUNDS` (default 3000; 0 skips it).
fn paired_ratios() {
    use std::time::Instant;
    let rounds: usize = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3000);
    if rounds == 0 {
        return;
    }
    let key = SigningKey::from_bytes(&[1; 32]);
    let vk = key.verifying_key();
    let msg = vec![0x5a; 200];
    let sig = key.sign(&msg);
    let phone = holder(0);
    let verifier = verifier();
    let policy = policy();
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(issue(ID_CARD, Some(&phone))).unwrap();
    let view_text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    let own = signatures_of(&view_text);
    let (req_verifier, req_text) = request_bound(&wallet, i);
    let mut subjects: [Box<dyn FnMut()>; 4] = [
        Box::new(|| {
            vk.verify_strict(black_box(&msg), black_box(&sig)).unwrap();
            vk.verify_strict(black_box(&msg), black_box(&sig)).unwrap();
        }),
        Box::new(|| {
            for (m, s, k) in &own {
                k.verify_strict(black_box(m), black_box(s)).unwrap();
            }
        }),
        Box::new(|| {
            black_box(verifier.verify_text(black_box(&view_text), &policy));
        }),
        Box::new(|| {
            black_box(req_verifier.verify_text(black_box(&req_text), &policy));
        }),
    ];
    let mut ns = vec![[0f64; 4]; rounds];
    for (r, row) in ns.iter_mut().enumerate() {
        for k in 0..4 {
            let j = (r + k) % 4;
            let t = Instant::now();
            subjects[j]();
            row[j] = t.elapsed().as_nanos() as f64;
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let col = |j: usize| median(ns.iter().map(|r| r[j]).collect());
    let ratio = |a: usize, b: usize| median(ns.iter().map(|r| r[a] / r[b]).collect());
    println!(
        "\nPaired, {rounds} rounds (medians): 2 bare verify_strict {}, own two signatures {}, \
         verify_view {}, verify_view_request {}",
        fmt(col(0)),
        fmt(col(1)),
        fmt(col(2)),
        fmt(col(3))
    );
    println!(
        "Paired ratios (median of per-round ratios): verify_view / 2 bare verify_strict {:.3}×, \
         verify_view_request / 2 bare verify_strict {:.3}× (goal ≤ 1.15×); against the own two \
         signatures: {:.3}×, {:.3}×",
        ratio(2, 0),
        ratio(3, 0),
        ratio(2, 1),
        ratio(3, 1)
    );
}
