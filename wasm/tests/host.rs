//! The wasm crate's Rust-level API on the host: the committed test vectors give
//! the Rust suite's verdicts through `Verifier::from_signed` + `check`, bad input
//! gives typed errors, a holder's presentation verifies, and a camera frame decodes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use liangzheng::b64;
use liangzheng::qr::{render_png, RenderOptions};
use liangzheng_wasm::{scan::frame_text, Holder, Verifier, VerifyPolicy};
use serde_json::Value;

fn case(name: &str) -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../test-vectors/cases/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    b64::decode(v.as_str().unwrap()).unwrap()
}

/// The pinned root as the WASM verifier takes it: raw Ed25519, or the SPKI DER
/// a vector gives for a P-256 / SM2 root.
fn root(input: &Value) -> Vec<u8> {
    if input["root_public_key_spki"].is_string() {
        bytes(&input["root_public_key_spki"])
    } else {
        bytes(&input["root_public_key"])
    }
}

fn verifier_for(input: &Value) -> Verifier {
    let mut v = Verifier::from_signed(&bytes(&input["trust_list"]), &root(input), None).unwrap();
    for token in input["status_lists"].as_array().unwrap() {
        let _ = v.add_status(&bytes(token));
    }
    if !input["request"].is_null() {
        v.expect(&bytes(&input["request"])).unwrap();
    }
    v
}

fn policy(input: &Value) -> liangzheng::verify::Policy {
    // The vectors' policy object has every field but `now`, which is beside it.
    let mut obj = input["policy"].clone();
    obj["now"] = input["now"].clone();
    let p: VerifyPolicy = serde_json::from_value(obj).unwrap();
    p.to_core().unwrap()
}

#[test]
fn every_vector_gives_the_rust_suites_result() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/cases");
    let (mut n, mut sm2) = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let c = case(&name);
        let (input, exp) = (&c["input"], &c["expected"]);
        n += 1;
        sm2 += usize::from(name.starts_with("sm2-"));
        let trust = Verifier::from_signed(&bytes(&input["trust_list"]), &root(input), None);
        match (&trust, exp["trust_list_error"].as_str()) {
            (Err(e), Some(code)) => {
                assert_eq!((e.kind, e.code.as_str()), ("trust_list", code), "{name}");
                continue;
            }
            (Ok(_), None) => {}
            (other, want) => panic!("{name}: trust list {other:?}, expected error {want:?}"),
        }
        let report = verifier_for(input).check(input["qr_text"].as_str().unwrap(), &policy(input));
        assert_eq!(
            Some(report.verdict),
            exp["verdict"].as_str(),
            "{name}: verdict"
        );
        assert_eq!(
            report.failing_check.as_deref(),
            exp["failing_check"].as_str(),
            "{name}: check"
        );
        assert_eq!(
            report.problem.as_ref().map(|p| p.code.as_str()),
            exp["error_code"].as_str(),
            "{name}: code"
        );
        let fields: Vec<Value> = report
            .fields
            .iter()
            .map(|f| serde_json::json!({"key": f.key, "value": f.value_zh}))
            .collect();
        assert_eq!(Value::Array(fields), exp["fields"], "{name}: fields");
        assert_eq!(report.checks.len(), 11, "{name}: every check");
    }
    assert!(n >= 40, "the full vector set, found {n}");
    assert!(sm2 >= 8, "the SM2 + SM3 vectors ran, found {sm2}");
}

#[test]
fn bad_input_gives_typed_errors() {
    let c = case("id-card-identity-view-valid");
    let input = &c["input"];
    let e = Verifier::from_signed(&bytes(&input["trust_list"]), &[0; 31], None).unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_str()),
        ("invalid_input", "bad_public_key")
    );
    let e =
        Verifier::from_signed(b"\x01\x02", &bytes(&input["root_public_key"]), None).unwrap_err();
    assert_eq!((e.kind, e.code.as_str()), ("trust_list", "malformed"));
    assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
    let e = Verifier::from_signed(
        &bytes(&input["trust_list"]),
        &bytes(&input["root_public_key"]),
        Some("{"),
    )
    .unwrap_err();
    assert_eq!(e.kind, "license_types");
    let mut bad = VerifyPolicy::at(1);
    bad.status = Some("sloppy".into());
    assert_eq!(bad.to_core().unwrap_err().code, "bad_policy");
    let e = frame_text(2, 2, &[0; 15]).unwrap_err();
    assert_eq!((e.kind, e.code.as_str()), ("invalid_input", "bad_frame"));
    let e = frame_text(u32::MAX, u32::MAX, &[]).unwrap_err();
    assert_eq!(e.code, "bad_frame");
    let e = frame_text(8, 8, &[255; 256]).unwrap_err();
    assert_eq!((e.kind, e.code.as_str()), ("qr", "no_qr_found"));
    let e = Holder::from_parts(b"not a license", "ed25519", &[7; 32]).unwrap_err();
    assert_eq!((e.kind, e.code.as_str()), ("wallet", "bad_license"));
    let e = Holder::from_parts(b"x", "rsa", &[7; 32]).unwrap_err();
    assert_eq!(e.code, "bad_holder_key");
}

#[test]
fn a_camera_frame_decodes_to_the_text_it_shows() {
    let text = case("id-card-identity-view-valid")["input"]["qr_text"]
        .as_str()
        .unwrap()
        .to_string();
    let png = render_png(&text, &RenderOptions::default()).unwrap();
    let rgba = image::load_from_memory(&png).unwrap().into_rgba8();
    assert_eq!(
        frame_text(rgba.width(), rgba.height(), rgba.as_raw()).unwrap(),
        text
    );
}

#[test]
fn the_demo_verifier_and_a_holder_agree() {
    // `lz demo`'s ID card for 张三 is not at hand here; a vector's license is not
    // either, so the holder is checked with a freshly issued demo-style license.
    use liangzheng::credential::{Claims, Issuer};
    use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
    use liangzheng::ids::Uscc;
    use liangzheng::keys::IssuerKey;
    use liangzheng::time::UnixTime;
    use std::sync::Arc;
    let now = 1_795_395_600;
    let v = Verifier::demo_at(now).unwrap();
    assert_eq!(v.trust_summary().issuers.len(), 4);
    // A license from a key the demo does not trust: unknown_issuer, through the holder API.
    let key = Arc::new(IssuerKey::from_seed(&[9; 32]));
    let issuer = Issuer::new(key, "某机关", Uscc::parse("11370100004307520K").unwrap());
    let phone = Ed25519DeviceSigner::from_seed(&[3; 32]);
    let claims: Claims = serde_json::from_str(r#"{"type": "cn.resident-id-card",
      "license_number": "370102199003070016", "valid_from": "2020-01-01", "valid_until": "2040-01-01",
      "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
      "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016", "authority": "济南市公安局历下分局"}}"#).unwrap();
    let license = issuer
        .issue(&claims, Some(&phone.public_key()), UnixTime(now - 3600))
        .unwrap();
    let holder = Holder::from_parts(
        b64::encode(&license.to_bytes()).as_bytes(),
        "ed25519",
        &[3; 32],
    )
    .unwrap();
    let text = holder.show(&["name".into()], now).unwrap();
    let report = v.check(&text, &liangzheng::verify::Policy::at(UnixTime(now + 5)));
    assert_eq!(report.verdict, "invalid");
    assert_eq!(report.problem.unwrap().code, "unknown_issuer");
    // The wrong device key cannot present it.
    let wrong = Holder::from_parts(&license.to_bytes(), "ed25519", &[4; 32]).unwrap_err();
    assert_eq!(wrong.code, "wrong_holder_key");
}

/// Issue 14: every multi-frame vector (portraits, hostile frames, bundles)
/// through the wasm crate's `FrameAssembler` and `Verifier::check_assembled`:
/// the status of every frame, then the verdicts, codes, images and members
/// the Rust suite gives.
#[test]
fn every_multiframe_vector_assembles_and_verifies_as_in_the_rust_suite() {
    use liangzheng_wasm::{Assembled, FrameAssembler};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/multiframe");
    let mut n = 0;
    let (mut portraits, mut bundles) = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let c: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (input, exp) = (&c["input"], &c["expected"]);
        let name = path.display().to_string();
        let v = verifier_for(input);
        let mut asm = FrameAssembler::default();
        let mut statuses = Vec::new();
        for f in input["frames"].as_array().unwrap() {
            match asm.push_text(f.as_str().unwrap()) {
                Ok(p) => {
                    statuses.push(Value::from(p.status));
                    if p.status == "complete" {
                        break;
                    }
                }
                Err(e) => {
                    assert_eq!(e.kind, "frame", "{name}");
                    assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
                    statuses.push(Value::from(e.code));
                }
            }
        }
        assert_eq!(Value::Array(statuses), exp["statuses"], "{name}");
        match v.check_assembled(&mut asm, &policy(input)).unwrap() {
            Assembled::Presentation { report } => {
                let want = &exp["presentation"];
                assert_eq!(report.verdict, want["verdict"], "{name}");
                assert_eq!(
                    report.problem.as_ref().map(|p| p.code.as_str()),
                    want["error_code"].as_str(),
                    "{name}"
                );
                assert_eq!(
                    report.images.len(),
                    want["images"].as_array().unwrap().len()
                );
                for (got, w) in report.images.iter().zip(want["images"].as_array().unwrap()) {
                    assert_eq!(got.width, w["width"].as_u64().unwrap() as u16);
                    assert_eq!(got.height, w["height"].as_u64().unwrap() as u16);
                    assert_eq!(got.media_type, "image/jpeg");
                    let jpeg = b64::decode_standard(&got.data_base64).unwrap();
                    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
                    portraits += 1;
                }
            }
            Assembled::Bundle { bundle } => {
                let want = &exp["bundle"];
                assert_eq!(bundle.verdict, want["verdict"], "{name}");
                assert_eq!(
                    bundle.subject_code.as_deref(),
                    want["subject_code"].as_str()
                );
                assert_eq!(
                    bundle.members.len(),
                    want["members"].as_array().unwrap().len()
                );
                for (m, w) in bundle
                    .members
                    .iter()
                    .zip(want["members"].as_array().unwrap())
                {
                    assert_eq!(m.verdict, w["verdict"], "{name} member {}", m.index);
                    assert_eq!(
                        m.report.problem.as_ref().map(|p| p.code.as_str()),
                        w["report"]["error_code"].as_str(),
                        "{name} member {}",
                        m.index
                    );
                }
                let codes: Vec<&str> = bundle.problems.iter().map(|p| p.code).collect();
                let want_codes: Vec<&str> = want["problems"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["code"].as_str().unwrap())
                    .collect();
                assert_eq!(codes, want_codes, "{name}");
                bundles += 1;
            }
        }
        // Taken once: a second call is a typed error, not a stale result.
        assert_eq!(
            v.check_assembled(&mut asm, &policy(input))
                .unwrap_err()
                .code,
            "not_complete"
        );
        n += 1;
    }
    assert!(
        n >= 20 && portraits >= 6 && bundles >= 8,
        "{n} {portraits} {bundles}"
    );
}
