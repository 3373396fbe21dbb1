//! Writes the seed corpus under `fuzz/seeds/<target>/`: valid inputs for every
//! target, built from the fixtures in `src/lib.rs` (so they verify as valid
//! against the verifier the targets use), plus the `qr_text` of every test
//! vector in `test-vectors/cases/*.json` when those exist.
//!
//! Run from `fuzz/`: `cargo run --example gen_seeds`.

use std::fs;
use std::path::{Path, PathBuf};

use liangzheng::credential::IssuedLicense;
use liangzheng::presentation::Presentation;
use liangzheng::qr::{self, QrKind};
use liangzheng::request::Request;
use liangzheng::status::StatusList;
use liangzheng::wallet::Wallet;
use liangzheng_fuzz::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    fs::create_dir_all(&d).expect("mkdir");
    fs::write(d.join(name), bytes).expect("write seed");
}

/// The `qr_frames` input for a body: a few source and repair frames (symbol
/// size 64) as binary records `1 | len u16 BE | frame bytes`, out of order.
fn frame_records(body: &[u8]) -> Vec<u8> {
    let encoder = qr::frames::FrameEncoder::new(QrKind::Presentation, body, 64).expect("frames");
    let k = encoder.source_frames();
    let mut out = Vec::new();
    for index in (1..k).chain([k + 3, k + 7, 0]) {
        let text = encoder.frame(index).expect("frame");
        let encoded = text.strip_prefix(qr::frames::FRAME_PREFIX).expect("prefix");
        let bytes = qr::base45::decode(encoded).expect("base45");
        out.push(1);
        out.extend_from_slice(&u16::try_from(bytes.len()).expect("small").to_be_bytes());
        out.extend_from_slice(&bytes);
    }
    out
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("seeds");
    let _ = fs::remove_dir_all(&out);
    let mut rng = ChaCha20Rng::from_seed([7; 32]);
    let issuer = issuer();
    let phone = holder();
    let holder_key = liangzheng::holder::DeviceSigner::public_key(phone.as_ref());

    let id = issuer
        .issue_with_rng(&id_card_claims(), Some(&holder_key), NOW, &mut rng)
        .expect("issue id card");
    let biz = issuer
        .issue_with_rng(&business_claims(), None, NOW, &mut rng)
        .expect("issue business licence");
    let health = issuer
        .issue_with_rng(&health_claims(), Some(&holder_key), NOW, &mut rng)
        .expect("issue health certificate");

    let mut wallet = Wallet::new(phone.clone());
    let i_id = wallet.add(id.clone()).expect("add");
    let i_biz = wallet.add(biz.clone()).expect("add");
    let i_health = wallet.add(health.clone()).expect("add");

    let mut texts: Vec<(String, String)> = vec![
        (
            "id_view".into(),
            wallet
                .present(i_id, &["name", "id_number"], NOW)
                .expect("present"),
        ),
        (
            "id_full".into(),
            wallet
                .present(i_id, &["name", "sex", "birth_date", "address"], NOW)
                .expect("present"),
        ),
        (
            "id_name".into(),
            wallet.present(i_id, &["name"], NOW).expect("present"),
        ),
        (
            "biz_static".into(),
            wallet
                .present(i_biz, &["uscc", "name", "scope"], NOW)
                .expect("present"),
        ),
        (
            "health_revoked".into(),
            wallet
                .present(i_health, &["name", "category"], NOW)
                .expect("present"),
        ),
    ];

    // A signed request and the answer to it.
    let request = Request::new(
        ISSUER_CODE,
        "济南市政务服务中心",
        "办理业务身份核验",
        ID_CARD,
        vec![3, 8],
        NOW,
        &mut rng,
    )
    .expect("request");
    let signed = request
        .to_signed_bytes(issuer_key().as_ref())
        .expect("sign request");
    let bare = request.to_bytes();
    let req_text = qr::encode_text(QrKind::Request, &signed);
    let prompt = wallet.read_request(&req_text, &liangzheng::request::RequestPolicy::at(NOW)).expect("read request");
    texts.push((
        "id_answer".into(),
        wallet
            .respond(i_id, &prompt.request, &["name", "id_number"], NOW)
            .expect("respond"),
    ));
    texts.push(("request_signed".into(), req_text.clone()));
    texts.push((
        "request_bare".into(),
        qr::encode_text(QrKind::Request, &bare),
    ));

    // Test vectors, when the lead's generator has written them.
    let cases = root.join("../test-vectors/cases");
    if let Ok(entries) = fs::read_dir(&cases) {
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let Ok(json) = fs::read_to_string(&p) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&json) else {
                continue;
            };
            let text = v
                .get("qr_text")
                .or_else(|| v.pointer("/inputs/qr_text"))
                .and_then(|t| t.as_str());
            if let Some(t) = text {
                let stem = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                texts.push((format!("tv_{stem}"), t.to_string()));
            }
        }
    }

    for (name, text) in &texts {
        let report = verifier().verify_text(text, &policy());
        println!(
            "{name:>16}: {:?} {:?}",
            report.verdict,
            report.first_problem().map(|(k, e)| (k, e.code()))
        );
        write(&out, "qr_text", name, text.as_bytes());
        write(&out, "verify_full", &format!("{name}.txt"), text.as_bytes());
        let Ok(payload) = qr::decode_text(text) else {
            continue;
        };
        write(&out, "cbor", name, &payload.body);
        if payload.kind == QrKind::Request {
            write(&out, "request_parse", name, &payload.body);
            continue;
        }
        // Only our own presentations go in as bodies (test vectors may be hostile on purpose).
        if name.starts_with("tv_") {
            continue;
        }
        write(&out, "verify_full", &format!("{name}.bin"), &payload.body);
        write(&out, "presentation_parse", name, &payload.body);
        write(&out, "qr_frames", name, &frame_records(&payload.body));
        if let Ok(p) = Presentation::parse(&payload.body) {
            write(&out, "credential_parse", name, &p.credential);
            if let Some(d) = p.disclosures.first() {
                write(&out, "presentation_parse", &format!("{name}_disclosure"), d);
            }
        }
    }
    for (name, lic) in [("id", &id), ("biz", &biz), ("health", &health)] {
        write(
            &out,
            "credential_parse",
            &format!("{name}_full"),
            &lic.credential,
        );
        for v in &lic.views {
            write(
                &out,
                "credential_parse",
                &format!("{name}_view{}", v.view_id),
                &v.credential,
            );
        }
        let stored: Vec<u8> = IssuedLicense::to_bytes(lic);
        write(&out, "cbor", &format!("{name}_stored"), &stored);
    }

    // Trust list and status list.
    let trust = trust_store().sign(&root_key()).expect("sign trust list");
    write(&out, "trust_list", "signed", &trust);
    write(&out, "cbor", "trust_list", &trust);
    let token = status_token();
    write(&out, "status_list", "token", &token);
    write(&out, "cbor", "status_token", &token);
    let mut list = StatusList::new(64, 2).expect("list");
    let _ = list.set(5, 1);
    let _ = list.set(6, 2);
    write(
        &out,
        "status_list",
        "cbor_2bit",
        &list.to_cbor().expect("cbor"),
    );
    let list1 = StatusList::new(16, 1).expect("list");
    write(
        &out,
        "status_list",
        "cbor_1bit",
        &list1.to_cbor().expect("cbor"),
    );
    // The bundle target: a static one-member bundle and a two-member one (valid
    // against the fixture), and the same with the members swapped.
    let bundle = wallet
        .present_bundle(&[(i_biz, &["uscc", "name"][..])], NOW)
        .expect("bundle");
    write(&out, "bundle_verify", "one_member", &bundle);
    let two = wallet
        .present_bundle(
            &[(i_biz, &["uscc", "name"][..]), (i_biz, &["uscc", "scope"][..])],
            NOW,
        )
        .expect("bundle");
    write(&out, "bundle_verify", "same_twice", &two);
    // The portrait target: the synthetic demo face and three hostile variants.
    let face: &[u8] = include_bytes!("../../examples/data/synthetic-face.jpg");
    write(&out, "portrait", "face.jpg", face);
    write(&out, "portrait", "truncated.jpg", &face[..face.len() / 2]);
    let sof = face
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0 in the face");
    let mut progressive = face.to_vec();
    progressive[sof + 1] = 0xC2;
    write(&out, "portrait", "progressive.jpg", &progressive);
    let mut huge = face.to_vec();
    huge[sof + 5..sof + 9].copy_from_slice(&[0xFF; 4]);
    write(&out, "portrait", "huge-dims.jpg", &huge);
    println!("wrote seeds under {}", out.display());
}
