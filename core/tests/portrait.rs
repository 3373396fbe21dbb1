//! The portrait field of the 居民身份证 type: committed like every other field,
//! disclosed only when the holder chooses it, bounded by its profile at issue
//! time and at verify time (typed errors, nothing decoded before the check),
//! returned as bytes in the report, and carried over the multi-frame transport.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use base64::Engine as _;
use ciborium::value::Value;
use liangzheng::cbor::{self, read};
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Credential, IssueError, Issuer};
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{DeviceSigner as _, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::lang::Localized as _;
use liangzheng::presentation::{transcript, HolderProof, Presentation};
use liangzheng::qr::frames::{FrameAssembler, FrameEncoder, FrameStatus, RECOMMENDED_SYMBOL_SIZE};
use liangzheng::qr::QrKind;
use liangzheng::schema::{ImageError, Registry, SchemaError, ValueKind};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{CheckKind, Outcome, Policy, Verdict, Verifier, VerifyError};
use liangzheng::wallet::Wallet;

/// The synthetic demo face (scripts/gen-synthetic-face.py: drawn shapes, no real person).
const FACE: &[u8] = include_bytes!("../../examples/data/synthetic-face.jpg");
const NOW: UnixTime = UnixTime(1_767_225_600);
const CODE: &str = "11370100004307520K";
const PORTRAIT_ID: u32 = 10;

fn key() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[1; 32]))
}

fn phone() -> Arc<Ed25519DeviceSigner> {
    Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]))
}

fn issuer() -> Issuer {
    Issuer::new(key(), "济南市公安局", Uscc::parse(CODE).unwrap())
}

fn verifier() -> Verifier {
    Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: key().public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan PSB".into(),
        code: CODE.into(),
        region: "370100".into(),
        types: vec!["11100000000013338W901".into()],
        not_before: 0,
        not_after: None,
    }]))
}

fn claims(portrait: Option<&[u8]>) -> Claims {
    let mut c: Claims = serde_json::from_str(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
    .unwrap();
    if let Some(p) = portrait {
        c.fields.insert(
            "portrait".into(),
            base64::engine::general_purpose::STANDARD.encode(p),
        );
    }
    c
}

fn policy() -> Policy {
    Policy::at(NOW.plus(5))
}

/// Sends presentation bytes as an animated code and assembles them again.
fn through_frames(body: &[u8]) -> Vec<u8> {
    let enc = FrameEncoder::new(QrKind::Presentation, body, RECOMMENDED_SYMBOL_SIZE).unwrap();
    let mut asm = FrameAssembler::new();
    // Start in the middle, skip every third frame.
    for i in (3..200).filter(|i| i % 3 != 0) {
        if let FrameStatus::Complete(p) = asm.push(&enc.frame(i).unwrap()).unwrap() {
            assert_eq!(p.kind, QrKind::Presentation);
            return p.body;
        }
    }
    panic!("not assembled");
}

/// The face with one marker byte changed at the first occurrence of `from`.
fn with_marker(from: [u8; 2], to: u8) -> Vec<u8> {
    let mut v = FACE.to_vec();
    let at = v.windows(2).position(|w| w == from).expect("marker");
    v[at + 1] = to;
    v
}

#[test]
fn the_demo_face_fits_the_profile_and_a_real_decoder_agrees() {
    let ty = Registry::builtin();
    let ty = ty.get("cn.resident-id-card").unwrap();
    let field = ty.field("portrait").unwrap();
    assert!(field.sensitive && !field.required);
    let ValueKind::Image(profile) = field.kind else {
        panic!("portrait is an image field")
    };
    let info = profile.check(FACE).unwrap();
    assert_eq!((info.width, info.height, info.components), (102, 126, 3));
    // An independent decoder (image's JPEG decoder) reads the same size.
    let decoded = image::load_from_memory_with_format(FACE, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (102, 126));
    assert!(FACE.len() <= 3072);
}

#[test]
fn a_portrait_presentation_verifies_and_returns_the_exact_bytes() {
    let license = issuer()
        .issue(&claims(Some(FACE)), Some(&phone().public_key()), NOW)
        .unwrap();
    let mut wallet = Wallet::new(phone());
    let i = wallet.add(license).unwrap();
    let body = wallet
        .present_bytes(i, &["name", "id_number", "portrait"], NOW)
        .unwrap();
    let report = verifier().verify_body(&through_frames(&body), &policy());
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    assert_eq!(report.images.len(), 1);
    let img = &report.images[0];
    assert_eq!(img.bytes, FACE);
    assert_eq!(
        (img.key.as_str(), img.width, img.height),
        ("portrait", 102, 126)
    );
    assert_eq!(img.media_type, "image/jpeg");
    let f = report.fields.iter().find(|f| f.key == "portrait").unwrap();
    assert_eq!(f.label_zh, "照片");
    assert_eq!(f.display, format!("JPEG 照片 102×126，{} 字节", FACE.len()));
    // JSON carries the image as standard Base64.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["images"][0]["bytes"],
        base64::engine::general_purpose::STANDARD.encode(FACE)
    );
}

#[test]
fn without_the_holders_choice_the_portrait_is_not_shown() {
    let license = issuer()
        .issue(&claims(Some(FACE)), Some(&phone().public_key()), NOW)
        .unwrap();
    let mut wallet = Wallet::new(phone());
    let i = wallet.add(license).unwrap();
    let text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    assert!(
        text.len() < 1500,
        "a portrait-less code stays one small symbol"
    );
    let report = verifier().verify_text(&text, &policy());
    assert_eq!(report.verdict, Verdict::Valid);
    assert!(report.images.is_empty());
    assert!(report.fields.iter().all(|f| f.key != "portrait"));
    // And a card issued without a portrait still issues and verifies.
    let plain = issuer()
        .issue(&claims(None), Some(&phone().public_key()), NOW)
        .unwrap();
    let mut w = Wallet::new(phone());
    let j = w.add(plain).unwrap();
    assert!(matches!(
        w.present(j, &["portrait"], NOW),
        Err(liangzheng::wallet::WalletError::UnknownField(_))
    ));
}

#[test]
fn a_changed_image_byte_breaks_the_digest() {
    let license = issuer()
        .issue(&claims(Some(FACE)), Some(&phone().public_key()), NOW)
        .unwrap();
    let mut wallet = Wallet::new(phone());
    let i = wallet.add(license).unwrap();
    let body = wallet.present_bytes(i, &["portrait"], NOW).unwrap();
    let mut pres = Presentation::parse(&body).unwrap();
    let d = Disclosure::parse(&pres.disclosures[0]).unwrap();
    let Value::Bytes(mut img) = d.value else {
        panic!()
    };
    // A pixel change inside the entropy-coded data: still a well-formed JPEG.
    let n = img.len();
    img[n - 40] ^= 0x01;
    pres.disclosures[0] = cbor::encode(&Value::Array(vec![
        Value::Bytes(d.salt.to_vec()),
        read::u(u64::from(PORTRAIT_ID)),
        Value::Bytes(img),
    ]));
    let report = verifier().verify_body(&pres.to_bytes(), &policy());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(
        report.outcome(CheckKind::Disclosures),
        Some(&Outcome::Failed(VerifyError::DisclosureNotSigned))
    );
    assert!(report.images.is_empty() && report.fields.is_empty());
}

#[test]
fn the_issuer_refuses_images_outside_the_profile_with_typed_errors() {
    let big = {
        let mut v = FACE.to_vec();
        let eoi = v.split_off(v.len() - 2);
        v.extend(std::iter::repeat_n(0x11, 1200));
        v.extend(eoi);
        v
    };
    let cases: Vec<(Vec<u8>, ImageError)> = vec![
        (big.clone(), ImageError::TooLarge { len: big.len(), max: 3072 }),
        (
            with_marker([0xFF, 0xC0], 0xC2),
            ImageError::UnsupportedMarker { marker: 0xC2 },
        ),
        (with_marker([0xFF, 0xE0], 0xE1), ImageError::Metadata { marker: 0xE1 }),
        (FACE[..FACE.len() - 300].to_vec(), ImageError::Truncated),
        (b"GIF89a not a jpeg at all, long enough to pass the length gate of the header check, padded to be sure it is long enough.".to_vec(), ImageError::NotJpeg),
    ];
    for (img, want) in cases {
        let err = issuer()
            .issue(&claims(Some(&img)), Some(&phone().public_key()), NOW)
            .unwrap_err();
        assert_eq!(
            err,
            IssueError::Schema(SchemaError::InvalidImage {
                field: "portrait".into(),
                error: want,
            })
        );
        assert!(
            err.zh().contains("照片") && err.en().contains("portrait"),
            "{err}"
        );
    }
    let mut c = claims(None);
    c.fields.insert("portrait".into(), "not base64!".into());
    assert!(matches!(
        issuer().issue(&c, Some(&phone().public_key()), NOW),
        Err(IssueError::Schema(SchemaError::InvalidValue { .. }))
    ));
}

/// A presentation whose credential — signed by the *trusted* key, as a rogue
/// or buggy issuing system would — commits to a hostile image, with a valid
/// holder proof: the image check alone must refuse it, typed, and nothing of
/// the image may reach the report.
fn signed_with_image(img: &[u8]) -> Vec<u8> {
    let license = issuer()
        .issue(&claims(None), Some(&phone().public_key()), NOW)
        .unwrap();
    let cred = Credential::parse(&license.credential).unwrap();
    let hostile = Disclosure::new(
        PORTRAIT_ID,
        Value::Bytes(img.to_vec()),
        &mut rand_core::OsRng,
    );
    let mut digests = cred.digests.clone();
    digests.push(hostile.digest(cred.suite().digest));
    digests.sort();
    let Value::Map(mut m) = cbor::decode_strict(&cred.sign1.payload, 8192).unwrap() else {
        panic!()
    };
    for (k, v) in &mut m {
        if read::int(k) == Some(liangzheng::credential::CLAIM_LZ) {
            let Value::Map(lz) = v else { panic!() };
            for (lk, lv) in lz.iter_mut() {
                if read::int(lk) == Some(2) {
                    *lv = Value::Bytes(digests.concat());
                }
            }
        }
    }
    let credential = Sign1::sign(
        &cbor::encode(&Value::Map(m)),
        None,
        key().as_ref() as &dyn IssuerSigner,
    )
    .unwrap();
    let t = transcript(
        cred.suite().digest,
        &credential,
        &[PORTRAIT_ID],
        NOW,
        60,
        None,
    );
    Presentation {
        credential,
        disclosures: vec![hostile.bytes],
        proof: Some(HolderProof {
            time: NOW,
            lifetime: 60,
            signature: phone().sign(&t).unwrap(),
            nonce: None,
        }),
    }
    .to_bytes()
}

#[test]
fn the_verifier_bounds_hostile_images_before_anything_decodes_them() {
    // Control: the honest face through the same path is valid.
    let ok = verifier().verify_body(&signed_with_image(FACE), &policy());
    assert_eq!(ok.verdict, Verdict::Valid, "{ok:?}");
    assert_eq!(ok.images[0].bytes, FACE);

    let mut huge_dims = FACE.to_vec();
    let sof = huge_dims
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .unwrap();
    // Height and width 0xFFFF: a decompression bomb's header.
    huge_dims[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (huge_dims, "dimensions"),
        (with_marker([0xFF, 0xC0], 0xC2), "unsupported_marker"),
        (with_marker([0xFF, 0xC0], 0xC9), "unsupported_marker"),
        (with_marker([0xFF, 0xE0], 0xE1), "metadata"),
        (FACE[..FACE.len() / 2].to_vec(), "truncated"),
        (vec![0xFF; 3000], "not_jpeg"),
        (vec![0xAB; 3500], "too_large"),
    ];
    for (img, code) in cases {
        let report = verifier().verify_body(&signed_with_image(&img), &policy());
        assert_eq!(report.verdict, Verdict::Invalid, "{code}");
        let Some(Outcome::Failed(VerifyError::InvalidImage { field, error })) =
            report.outcome(CheckKind::Disclosures)
        else {
            panic!("{code}: {:?}", report.outcome(CheckKind::Disclosures))
        };
        assert_eq!(field, "portrait");
        let json = serde_json::to_value(error).unwrap();
        assert_eq!(json["code"], code, "{error:?}");
        let e = VerifyError::InvalidImage {
            field: field.clone(),
            error: *error,
        };
        assert_eq!(e.code(), "invalid_image");
        assert!(e.zh().contains("照片") && e.en().contains("portrait"));
        assert!(report.images.is_empty() && report.fields.is_empty());
    }
}
