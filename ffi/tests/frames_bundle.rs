//! The FFI's frame assembler, portraits and bundle reports, through the same
//! calls the Kotlin and Python suites make (bindings/kotlin/test/Frames.kt,
//! bindings/python/tests/test_frames.py): frames fed one by one.
#![cfg(feature = "full")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use liangzheng_ffi::{
    default_policy, sign_trust_list, AssembledReport, BundleMemberChoice, FrameAssembler,
    FrameStatus, Issuer, SigningKey, StatusMode, TrustListEntry, Verdict, Verifier, VerifyPolicy,
    Wallet,
};
use serde_json::Value;

const FACE: &[u8] = include_bytes!("../../examples/data/synthetic-face.jpg");

fn fixture() -> Value {
    serde_json::from_str(include_str!("../../bindings/testdata/hotel-bundle.json")).unwrap()
}

/// The public demo seed of a label (examples/src/demo.rs).
fn seed(label: &str) -> Vec<u8> {
    use sha2_free::sha256;
    let mut s = sha256(format!("liangzheng demo seed 1 {label}").as_bytes())[..16].to_vec();
    s.extend_from_slice(&sha256(format!("liangzheng demo seed 2 {label}").as_bytes())[..16]);
    s
}

mod sha2_free {
    /// SHA-256 through core (the FFI crate has no direct sha2 dependency).
    pub fn sha256(data: &[u8]) -> Vec<u8> {
        liangzheng::disclosure::digest(liangzheng::alg::DigestAlgorithm::Sha256, data).to_vec()
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

struct Demo {
    verifier: Arc<Verifier>,
    wallet: Arc<Wallet>,
    now: u64,
    issuers: Vec<Arc<Issuer>>,
}

fn demo() -> Demo {
    let f = fixture();
    let now = f["now"].as_u64().unwrap();
    let root = SigningKey::from_ed25519_seed(seed(&s(&f["root_label"]))).unwrap();
    let mut entries = Vec::new();
    let mut issuers = Vec::new();
    for a in f["authorities"].as_array().unwrap() {
        let issuer =
            Issuer::from_seed(seed(&s(&a["label"])), s(&a["name_zh"]), s(&a["code"])).unwrap();
        entries.push(TrustListEntry {
            public_key: issuer.public_key(),
            name_zh: s(&a["name_zh"]),
            name_en: s(&a["name_en"]),
            code: s(&a["code"]),
            region: s(&a["region"]),
            types: a["types"].as_array().unwrap().iter().map(s).collect(),
            not_before: a["not_before"].as_u64().unwrap(),
            not_after: None,
        });
        issuers.push(issuer);
    }
    // The ID card issuer (济南市公安局) for the portrait.
    let psb = Issuer::from_seed(
        seed("济南市公安局"),
        "济南市公安局".into(),
        "11370100004307520K".into(),
    )
    .unwrap();
    entries.push(TrustListEntry {
        public_key: psb.public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Municipal Public Security Bureau".into(),
        code: "11370100004307520K".into(),
        region: "370100".into(),
        types: vec!["cn.resident-id-card".into()],
        not_before: 1_577_836_800,
        not_after: None,
    });
    issuers.push(psb);
    let list = sign_trust_list(
        entries,
        f["trust_list_issued_at"].as_u64().unwrap(),
        f["trust_list_expires"].as_u64(),
        root.clone(),
    )
    .unwrap();
    let verifier = Verifier::new(list, root.public_key_spki()).unwrap();
    let wallet = Wallet::from_ed25519_seed(seed(&s(&f["holder_label"]))).unwrap();
    Demo {
        verifier,
        wallet,
        now,
        issuers,
    }
}

fn policy(now: u64) -> VerifyPolicy {
    let mut p = default_policy(now);
    p.status = StatusMode::Lenient;
    p
}

/// xorshift64, as the Kotlin and Python suites use.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_portrait_presentation_over_lossy_shuffled_interleaved_frames() {
    let d = demo();
    let claims = format!(
        r#"{{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-05-12", "valid_until": "2040-05-12",
        "fields": {{"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局", "portrait": "{}"}}}}"#,
        liangzheng::b64::encode_standard(FACE)
    );
    let psb = d.issuers.last().unwrap();
    let i = d
        .wallet
        .add(
            psb.issue(claims, Some(d.wallet.holder_key()), d.now - 3600)
                .unwrap(),
        )
        .unwrap();
    let code = d
        .wallet
        .present_frames(i, vec!["name".into(), "portrait".into()], d.now, None)
        .unwrap();
    assert!(code.source_frames >= 10, "{}", code.source_frames);
    assert_eq!(code.frames.len() as u32, 2 * code.source_frames);
    assert_eq!((code.qr_version, code.fps, code.symbol_size), (10, 10, 179));
    let other = d
        .wallet
        .present_frames(i, vec!["id_number".into(), "portrait".into()], d.now, None)
        .unwrap();

    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut kept: Vec<&String> = code
        .frames
        .iter()
        .filter(|_| rng.next() % 10 >= 3)
        .collect();
    for k in (1..kept.len()).rev() {
        kept.swap(k, (rng.next() % (k as u64 + 1)) as usize);
    }
    let assembler = FrameAssembler::new().unwrap();
    let first = assembler.push(kept[0].clone());
    assert_eq!(first.status, FrameStatus::Accepted);
    assert_eq!(first.frames_needed, code.source_frames);
    let mut last_seen = first.frames_seen;
    let mut done = None;
    for (n, text) in kept[1..].iter().enumerate() {
        // Interleave a frame of the other presentation: ignored.
        let o = assembler.push(other.frames[n % other.frames.len()].clone());
        assert_eq!(o.status, FrameStatus::OtherCode);
        assert_eq!(o.frames_seen, last_seen);
        let p = assembler.push((*text).clone());
        if p.complete {
            assert_eq!(p.status, FrameStatus::Complete);
            assert_eq!(p.percent, 100);
            done = Some(p);
            break;
        }
        assert_eq!(p.status, FrameStatus::Accepted);
        assert_eq!(p.frames_seen, last_seen + 1);
        assert!(p.percent < 100);
        last_seen = p.frames_seen;
    }
    assert!(
        done.is_some(),
        "not assembled from {} of {} frames",
        kept.len(),
        code.frames.len()
    );
    let result = assembler.result().unwrap();
    let AssembledReport::Presentation { report } =
        d.verifier.verify_assembled(result, policy(d.now + 5))
    else {
        panic!("not a presentation")
    };
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary);
    assert_eq!(report.images.len(), 1);
    assert_eq!(report.images[0].bytes, FACE);
    assert_eq!(
        (report.images[0].width, report.images[0].height),
        (102, 126)
    );
    assert_eq!(report.images[0].media_type, "image/jpeg");
}

#[test]
fn bad_frames_are_typed_refusals() {
    let d = demo();
    let f = fixture();
    let business = &f["business"];
    let i = d
        .wallet
        .add(
            d.issuers[0]
                .issue(
                    s(&business["claims_json"]),
                    Some(d.wallet.holder_key()),
                    d.now - 3600,
                )
                .unwrap(),
        )
        .unwrap();
    let code = d
        .wallet
        .present_bundle(
            vec![BundleMemberChoice {
                index: i,
                field_keys: vec![
                    "uscc".into(),
                    "name".into(),
                    "scope".into(),
                    "domicile".into(),
                ],
            }],
            d.now,
            None,
        )
        .unwrap();
    let a = FrameAssembler::new().unwrap();
    let code_of = |t: String| a.push(t).problem.map(|p| p.code);
    assert_eq!(code_of("LZ1P:ABC".into()).as_deref(), Some("not_a_frame"));
    let frame = &code.frames[0];
    assert_eq!(
        code_of(frame[..frame.len() - 3].to_string()).as_deref(),
        Some("truncated")
    );
    assert_eq!(a.push(frame.clone()).status, FrameStatus::Accepted);
    assert_eq!(a.push(frame.clone()).status, FrameStatus::Duplicate);
}
