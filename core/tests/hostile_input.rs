//! Hostile input never panics: every malformed, truncated, oversized,
//! re-encoded, mis-signed or algorithm-confused input gives a typed error or a
//! report naming the check that refused it.
//!
//! Each test builds the hostile input from an honest one (issued below with
//! fixed keys) and asserts the *specific* outcome: the parse error variant, or
//! the report's first problem (check kind + `VerifyError::code()`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use ciborium::value::{Integer, Value};
use liangzheng::cbor::{self, CborError};
use liangzheng::cose::CoseError;
use liangzheng::credential::{Claims, Credential, CredentialFormatError, IssuedLicense, Issuer};
use liangzheng::disclosure::{Disclosure, SALT_LEN};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{verify_ed25519_strict, IssuerKey, IssuerSigner, KeyId};
use liangzheng::presentation::{transcript, HolderProof, Presentation, MAX_DISCLOSURES};
use liangzheng::qr::{self, base45::Base45Error, QrError, QrKind, MAX_QR_TEXT_LEN};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{CheckKind, Policy, Report, Verdict, Verifier};

/// 2026-01-01 00:00 UTC.
const NOW: UnixTime = UnixTime(1_767_225_600);
const ID_CARD: &str = "11100000000013338W901";
const ISSUER_CODE: &str = "11370100004307520K";

// ---------------------------------------------------------------- fixtures

struct Fixture {
    /// The key that really signs.
    key_a: Arc<IssuerKey>,
    /// Another trusted key of the same authority.
    key_b: Arc<IssuerKey>,
    phone: Arc<Ed25519DeviceSigner>,
    license: IssuedLicense,
}

fn claims() -> Claims {
    common::id_card_claims()
}

fn fixture() -> Fixture {
    let key_a = Arc::new(IssuerKey::from_seed(&[1; 32]));
    let key_b = Arc::new(IssuerKey::from_seed(&[3; 32]));
    let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
    let issuer = Issuer::new(
        key_a.clone(),
        "济南市公安局",
        Uscc::parse(ISSUER_CODE).unwrap(),
    );
    let license = issuer
        .issue(&claims(), Some(&phone.public_key()), NOW)
        .unwrap();
    Fixture {
        key_a,
        key_b,
        phone,
        license,
    }
}

fn trusted(public_key: liangzheng::alg::PublicKey) -> TrustedIssuer {
    TrustedIssuer {
        public_key,
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: ISSUER_CODE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into()],
        not_before: 0,
        not_after: None,
    }
}

impl Fixture {
    fn verifier(&self) -> Verifier {
        Verifier::new(TrustStore::from_issuers(vec![
            trusted(self.key_a.public_key()),
            trusted(self.key_b.public_key()),
        ]))
    }

    /// The full credential's payload (claims CBOR) as issued.
    fn payload(&self) -> Vec<u8> {
        Credential::parse(&self.license.credential)
            .unwrap()
            .sign1
            .payload
    }

    /// Disclosures of `name` (3) and `id_number` (8) of the full credential.
    fn disclosures(&self) -> Vec<Vec<u8>> {
        self.license
            .disclosures
            .iter()
            .filter(|d| matches!(Disclosure::parse(d).unwrap().field_id, 3 | 8))
            .cloned()
            .collect()
    }

    /// A holder-bound presentation of `credential` (any bytes) with these
    /// disclosures, properly signed by the holder.
    fn present(&self, credential: &[u8], disclosures: Vec<Vec<u8>>) -> Presentation {
        let ids: Vec<u32> = disclosures
            .iter()
            .map(|d| Disclosure::parse(d).map_or(0, |d| d.field_id))
            .collect();
        let t = transcript(
            liangzheng::alg::DigestAlgorithm::Sha256,
            credential,
            &ids,
            NOW,
            60,
            None,
        );
        Presentation {
            credential: credential.to_vec(),
            disclosures,
            proof: Some(HolderProof {
                time: NOW,
                lifetime: 60,
                signature: self.phone.sign(&t).unwrap(),
                nonce: None,
            }),
        }
    }

    fn verify_credential(&self, credential: &[u8]) -> Report {
        let p = self.present(credential, self.disclosures());
        self.verifier().verify_text(
            &qr::encode_text(QrKind::Presentation, &p.to_bytes()),
            &policy(),
        )
    }
}

fn policy() -> Policy {
    Policy::at(NOW.plus(5))
}

fn int(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}

/// The protected header `{1: alg, 4: kid, ...extra}`.
fn protected(alg: i64, kid: KeyId, extra: Vec<(Value, Value)>) -> Value {
    let mut m = vec![(int(1), int(alg)), (int(4), Value::Bytes(kid.0.to_vec()))];
    m.extend(extra);
    Value::Map(m)
}

/// A tagged COSE_Sign1 over `payload` (used as is, however it is encoded)
/// with this protected header, really signed by `key`.
fn sign1(protected: &Value, payload: &[u8], key: &IssuerKey) -> Vec<u8> {
    let prot = cbor::encode(protected);
    let tbs = cbor::encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(prot.clone()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]));
    let sig = key.sign(&tbs).unwrap();
    cbor::encode(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(prot),
            Value::Map(Vec::new()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(sig.to_vec()),
        ])),
    ))
}

/// Replaces the signature of a COSE_Sign1.
fn with_signature(sign1: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v: Value = ciborium::de::from_reader(sign1).unwrap();
    let Value::Tag(18, inner) = &mut v else {
        panic!("not tag 18")
    };
    let Value::Array(items) = inner.as_mut() else {
        panic!("not an array")
    };
    let Value::Bytes(sig) = &mut items[3] else {
        panic!("no signature")
    };
    f(sig);
    cbor::encode(&v)
}

/// Adds the group order L to the S half of an Ed25519 signature (a
/// non-canonical S: same scalar mod L).
fn add_l_to_s(sig: &mut [u8]) {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (s, l) in sig[32..64].iter_mut().zip(L) {
        let sum = u16::from(*s) + u16::from(l) + carry;
        *s = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
}

#[track_caller]
fn assert_problem(report: &Report, kind: CheckKind, code: &str) {
    let (k, e) = report
        .first_problem()
        .unwrap_or_else(|| panic!("expected {kind:?}/{code}, got no problem: {report:?}"));
    assert_eq!((k, e.code()), (kind, code), "report: {}", report.summary());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.fields.is_empty(),
        "no field is shown from a refused presentation"
    );
}

// ------------------------------------------------------- the honest baseline

#[test]
fn honest_presentation_and_hand_built_envelope_are_valid() {
    // The helpers that build hostile inputs must themselves produce valid ones,
    // or the negative tests below would prove nothing.
    let fx = fixture();
    let report = fx.verify_credential(&fx.license.credential);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary());
    let rebuilt = sign1(
        &protected(-19, fx.key_a.key_id(), vec![]),
        &fx.payload(),
        &fx.key_a,
    );
    assert_eq!(
        rebuilt, fx.license.credential,
        "same deterministic bytes as Sign1::sign (RFC 9864 Ed25519 = -19)"
    );
    // The legacy polymorphic EdDSA id (-8) of older credentials is still accepted.
    let legacy = sign1(
        &protected(-8, fx.key_a.key_id(), vec![]),
        &fx.payload(),
        &fx.key_a,
    );
    let report = fx.verify_credential(&legacy);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary());
    assert_eq!(fx.verify_credential(&rebuilt).verdict, Verdict::Valid);
}

// ------------------------------------------------------------------ QR text

#[test]
fn qr_text_over_the_length_limit_is_refused_before_decoding() {
    let text = format!("LZ1P:{}", "0".repeat(MAX_QR_TEXT_LEN));
    assert_eq!(
        qr::decode_text(&text),
        Err(QrError::TooLong {
            len: MAX_QR_TEXT_LEN + 5,
            max: MAX_QR_TEXT_LEN
        })
    );
    // Even a text of garbage that is not UTF-8 Base45 at all.
    let report = fixture()
        .verifier()
        .verify_text(&"好".repeat(2000), &policy());
    assert_problem(&report, CheckKind::Format, "malformed_qr");
}

#[test]
fn truncated_qr_text_is_malformed_at_every_cut() {
    let fx = fixture();
    let p = fx.present(&fx.license.credential, fx.disclosures());
    let text = qr::encode_text(QrKind::Presentation, &p.to_bytes());
    assert!(text.starts_with("LZ1P:"), "uncompressed");
    let verifier = fx.verifier();
    for cut in 0..text.len() {
        let report = verifier.verify_text(&text[..cut], &policy());
        let (kind, e) = report.first_problem().unwrap();
        assert_eq!(kind, CheckKind::Format, "cut at {cut}");
        // A lone trailing Base45 character is a QR error; a whole number of
        // groups decodes to truncated CBOR, a credential error.
        // A lone trailing Base45 character, or a final pair above 255, is a QR
        // error; whole groups decode to truncated CBOR, a credential error.
        let expected = match qr::decode_text(&text[..cut]) {
            _ if cut < 5 || (cut - 5) % 3 == 1 => "malformed_qr",
            Err(QrError::Base45(Base45Error::ValueOutOfRange { .. })) if (cut - 5) % 3 == 2 => {
                "malformed_qr"
            }
            _ => "malformed_credential",
        };
        assert_eq!(e.code(), expected, "cut at {cut}");
    }
    assert_eq!(
        qr::decode_text(&text[..9]),
        Err(QrError::Base45(Base45Error::InvalidLength { len: 4 }))
    );
}

#[test]
fn garbage_base45_is_a_typed_error() {
    assert_eq!(
        qr::decode_text("LZ1P:#&!"),
        Err(QrError::Base45(Base45Error::InvalidCharacter {
            position: 0
        }))
    );
    // "GGW" = 16 + 16·45 + 32·45² = 65536, one past the largest triplet.
    assert_eq!(
        qr::decode_text("LZ1P:GGW"),
        Err(QrError::Base45(Base45Error::ValueOutOfRange {
            position: 0
        }))
    );
    let report = fixture().verifier().verify_text("LZ1P:GGW", &policy());
    assert_problem(&report, CheckKind::Format, "malformed_qr");
}

// --------------------------------------------------------------------- CBOR

#[test]
fn garbage_cbor_is_malformed() {
    let verifier = fixture().verifier();
    for body in [
        &b"\xff\xff\xff"[..],
        b"",
        b"\x1c",
        b"hello world",
        &[0x83, 0x40, 0x80],
    ] {
        let report = verifier.verify_text(&qr::encode_text(QrKind::Presentation, body), &policy());
        assert_problem(&report, CheckKind::Format, "malformed_credential");
    }
}

#[test]
fn unsorted_claim_keys_in_a_signed_credential_are_rejected() {
    let fx = fixture();
    let mut v: Value = ciborium::de::from_reader(&fx.payload()[..]).unwrap();
    let Value::Map(entries) = &mut v else {
        panic!()
    };
    entries.reverse();
    let mut payload = Vec::new();
    ciborium::ser::into_writer(&v, &mut payload).unwrap(); // ciborium keeps the order given
    let cred = sign1(
        &protected(-19, fx.key_a.key_id(), vec![]),
        &payload,
        &fx.key_a,
    );
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cbor(CborError::NotDeterministic))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn non_minimal_integer_in_a_signed_credential_is_rejected() {
    let fx = fixture();
    let payload = fx.payload();
    // iat (key 6) as a 4-byte uint, re-encoded in the 8-byte form.
    let iat = u32::try_from(NOW.0).unwrap().to_be_bytes();
    let needle = [&[0x06, 0x1a][..], &iat].concat();
    let at = payload
        .windows(6)
        .position(|w| w == needle)
        .expect("iat in payload");
    let mut bad = payload[..at].to_vec();
    bad.extend_from_slice(&[0x06, 0x1b, 0, 0, 0, 0]);
    bad.extend_from_slice(&iat);
    bad.extend_from_slice(&payload[at + 6..]);
    let cred = sign1(&protected(-19, fx.key_a.key_id(), vec![]), &bad, &fx.key_a);
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cbor(CborError::NotDeterministic))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn indefinite_length_map_in_a_signed_credential_is_rejected() {
    let fx = fixture();
    let mut payload = fx.payload();
    assert_eq!(payload[0] & 0xe0, 0xa0, "claims are a short definite map");
    payload[0] = 0xbf;
    payload.push(0xff);
    let cred = sign1(
        &protected(-19, fx.key_a.key_id(), vec![]),
        &payload,
        &fx.key_a,
    );
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cbor(CborError::NotDeterministic))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn indefinite_length_envelope_is_rejected() {
    let fx = fixture();
    let mut cred = fx.license.credential.clone();
    assert_eq!(&cred[..2], &[0xd2, 0x84], "tag 18, array(4)");
    cred[1] = 0x9f;
    cred.push(0xff);
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cose(CoseError::Cbor(
            CborError::NotDeterministic
        )))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn duplicate_map_keys_are_rejected() {
    let fx = fixture();
    let payload = fx.payload();
    // Repeat the whole iat entry right after itself: keys stay sorted, one is duplicated.
    let iat = u32::try_from(NOW.0).unwrap().to_be_bytes();
    let needle = [&[0x06, 0x1a][..], &iat].concat();
    let at = payload.windows(6).position(|w| w == needle).unwrap();
    let mut bad = vec![payload[0] + 1];
    bad.extend_from_slice(&payload[1..at + 6]);
    bad.extend_from_slice(&needle);
    bad.extend_from_slice(&payload[at + 6..]);
    assert_eq!(
        cbor::decode_strict(&bad, 8192),
        Err(CborError::NotDeterministic)
    );
    let cred = sign1(&protected(-19, fx.key_a.key_id(), vec![]), &bad, &fx.key_a);
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cbor(CborError::NotDeterministic))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn trailing_bytes_are_rejected() {
    let fx = fixture();
    let mut cred = fx.license.credential.clone();
    cred.push(0x00);
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cose(CoseError::Cbor(
            CborError::TrailingBytes
        )))
    );
    let mut body = fx
        .present(&fx.license.credential, fx.disclosures())
        .to_bytes();
    body.push(0x00);
    assert_eq!(Presentation::parse(&body), Err(CborError::TrailingBytes));
    assert_problem(
        &fx.verifier().verify_body(&body, &policy()),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn deeply_nested_cbor_is_rejected_without_overflow() {
    let fx = fixture();
    let mut deep = vec![0x81u8; 5000];
    deep.push(0x00);
    assert_eq!(Presentation::parse(&deep), Err(CborError::Malformed));
    assert_problem(
        &fx.verifier().verify_body(&deep, &policy()),
        CheckKind::Format,
        "malformed_credential",
    );
    // Nested inside a disclosure's value, behind a byte string.
    let mut disclosure = vec![0x83, 0x50];
    disclosure.extend_from_slice(&[7; SALT_LEN]);
    disclosure.push(0x03);
    disclosure.extend_from_slice(&[0x81; 2000]);
    disclosure.push(0x00);
    assert_eq!(Disclosure::parse(&disclosure), Err(CborError::Malformed));
    let p = fx.present(&fx.license.credential, vec![disclosure]);
    let report = fx.verifier().verify_body(&p.to_bytes(), &policy());
    assert_problem(&report, CheckKind::Format, "malformed_credential");
}

#[test]
fn huge_declared_lengths_do_not_allocate() {
    let verifier = fixture().verifier();
    let hostile: [&[u8]; 4] = [
        // A byte string of 2^64 − 1 bytes carrying 3.
        &[
            0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3,
        ],
        // An array of 2^32 − 1 items.
        &[0x9a, 0xff, 0xff, 0xff, 0xff, 0x00],
        // A map of 2^64 − 1 entries.
        &[
            0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
        ],
        // A presentation whose credential claims 4 GiB.
        &[0x83, 0x5a, 0xff, 0xff, 0xff, 0xff, 0xd2],
    ];
    for body in hostile {
        assert_eq!(
            Presentation::parse(body),
            Err(CborError::Malformed),
            "{body:02x?}"
        );
        assert_problem(
            &verifier.verify_body(body, &policy()),
            CheckKind::Format,
            "malformed_credential",
        );
    }
}

// --------------------------------------------------------------------- COSE

#[test]
fn unknown_critical_header_is_rejected() {
    let fx = fixture();
    // crit (2) naming a text label the verifier does not understand, and one
    // naming the kid (a parameter we read, but never as critical).
    let x = Value::Text("x-lz-must-understand".into());
    let crits = [
        vec![(int(2), Value::Array(vec![x.clone()])), (x, int(1))],
        vec![(int(2), Value::Array(vec![int(4)]))],
    ];
    for extra in crits {
        let cred = sign1(
            &protected(-19, fx.key_a.key_id(), extra),
            &fx.payload(),
            &fx.key_a,
        );
        assert_eq!(
            Credential::parse(&cred).err(),
            Some(CredentialFormatError::Cose(
                CoseError::UnknownCriticalHeader
            ))
        );
        assert_problem(
            &fx.verify_credential(&cred),
            CheckKind::Format,
            "malformed_credential",
        );
    }
    // An unassigned integer label in crit, or an empty crit array, is refused
    // one step earlier by coset's parser (RFC 9052 §3.1: crit must be non-empty).
    for crit in [Value::Array(vec![int(99)]), Value::Array(Vec::new())] {
        let cred = sign1(
            &protected(-19, fx.key_a.key_id(), vec![(int(2), crit)]),
            &fx.payload(),
            &fx.key_a,
        );
        assert_eq!(
            Credential::parse(&cred).err(),
            Some(CredentialFormatError::Cose(CoseError::NotSign1))
        );
        assert_problem(
            &fx.verify_credential(&cred),
            CheckKind::Format,
            "malformed_credential",
        );
    }
}

#[test]
fn algorithm_confusion_is_refused() {
    let fx = fixture();
    // A genuine Ed25519 signature under a header claiming ES256/ESP256: both are
    // in the table, but the trusted key is Ed25519, so it cannot verify.
    for alg in [-7, -9, -66037] {
        let cred = sign1(
            &protected(alg, fx.key_a.key_id(), vec![]),
            &fx.payload(),
            &fx.key_a,
        );
        assert!(Credential::parse(&cred).is_ok(), "alg {alg}");
        assert_problem(
            &fx.verify_credential(&cred),
            CheckKind::IssuerSignature,
            "key_algorithm_mismatch",
        );
    }
    // An unassigned -999, ES384 (-35), or 0: not in the table.
    for alg in [-999, -35, 0] {
        let cred = sign1(
            &protected(alg, fx.key_a.key_id(), vec![]),
            &fx.payload(),
            &fx.key_a,
        );
        assert!(
            matches!(
                Credential::parse(&cred).err(),
                Some(CredentialFormatError::Cose(
                    CoseError::UnsupportedAlgorithm(_)
                ))
            ),
            "alg {alg}"
        );
        assert_problem(
            &fx.verify_credential(&cred),
            CheckKind::Format,
            "unsupported_algorithm",
        );
    }
    // No algorithm at all.
    let prot = Value::Map(vec![(int(4), Value::Bytes(fx.key_a.key_id().0.to_vec()))]);
    let cred = sign1(&prot, &fx.payload(), &fx.key_a);
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Cose(CoseError::MissingAlgorithm))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

#[test]
fn kid_of_another_trusted_key_fails_the_issuer_signature() {
    let fx = fixture();
    // Signed by key A, labelled with key B (also trusted for this type).
    let cred = sign1(
        &protected(-19, fx.key_b.key_id(), vec![]),
        &fx.payload(),
        &fx.key_a,
    );
    let report = fx.verify_credential(&cred);
    assert_problem(&report, CheckKind::IssuerSignature, "bad_issuer_signature");
    assert_eq!(
        report.outcome(CheckKind::IssuerKnown),
        Some(&liangzheng::verify::Outcome::Passed)
    );
    // Labelled with a key nobody trusts.
    let stranger = IssuerKey::from_seed(&[9; 32]).key_id();
    let cred = sign1(&protected(-19, stranger, vec![]), &fx.payload(), &fx.key_a);
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::IssuerKnown,
        "unknown_issuer",
    );
}

// ------------------------------------------------------------------ Ed25519

/// Wycheproof ed25519_test.json, tcId 3 (valid) and 63–70 (S replaced by
/// S + kL, S + 2^253…, S + p) and 85 (S just above L): public key, message,
/// signature.
const WYCHEPROOF_PK: &str = "7d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa";
const WYCHEPROOF_MSG: &str = "54657374";
const WYCHEPROOF_VALID: &str = "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab07a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b30d";
const WYCHEPROOF_MALLEABLE: [&str; 8] = [
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab067654bce3832c2d76f8f6f5dafc08d9339d4eef676573336a5c51eb6f946b31d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab05439412b5395d42f462c67008eba6ca839d4eef676573336a5c51eb6f946b32d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab02ee12ce5875bf9dff26556464bae2ad239d4eef676573336a5c51eb6f946b34d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0e2300459f1e742404cd934d2c595a6253ad4eef676573336a5c51eb6f946b38d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab07a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b32d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab07a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b34d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab07a9155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b38d",
    "7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab0679155711ecfaf7f99f277bad0c6ae7e39d4eef676573336a5c51eb6f946b38d",
];
const WYCHEPROOF_85: [&str; 3] = [
    "100fdf47fb94f1536a4f7c3fda27383fa03375a8f527c537e6f1703c47f94f86",
    "6a0bc2b0057cedfc0fa2e3f7f7d39279b30f454a69dfd1117c758d86b19d85e0",
    "0971f86d2c9c78582524a103cb9cf949522ae528f8054dc20107d999be673ff4e25ebf2f2928766b1248bec6e91697775f8446639ede46ad4df4053000000010",
];

#[test]
fn ed25519_non_canonical_s_is_rejected() {
    let pk = hex::decode(WYCHEPROOF_PK).unwrap();
    let msg = hex::decode(WYCHEPROOF_MSG).unwrap();
    assert!(verify_ed25519_strict(
        &pk,
        &msg,
        &hex::decode(WYCHEPROOF_VALID).unwrap()
    ));
    for sig in WYCHEPROOF_MALLEABLE {
        assert!(
            !verify_ed25519_strict(&pk, &msg, &hex::decode(sig).unwrap()),
            "{sig}"
        );
    }
    let [pk, msg, sig] = WYCHEPROOF_85.map(|h| hex::decode(h).unwrap());
    assert!(!verify_ed25519_strict(&pk, &msg, &sig));

    // Our own signatures with S + L: the issuer's, then the holder's.
    let fx = fixture();
    let cred = with_signature(&fx.license.credential, |s| add_l_to_s(s));
    assert!(
        Credential::parse(&cred).is_ok(),
        "well-formed; only the signature is wrong"
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::IssuerSignature,
        "bad_issuer_signature",
    );

    let mut p = fx.present(&fx.license.credential, fx.disclosures());
    if let Some(proof) = p.proof.as_mut() {
        add_l_to_s(&mut proof.signature);
    }
    let report = fx.verifier().verify_body(&p.to_bytes(), &policy());
    assert_problem(&report, CheckKind::HolderSignature, "bad_holder_signature");
}

/// The neutral element (y = 1): a point of order 1, and so of small order.
const IDENTITY: [u8; 32] = {
    let mut p = [0u8; 32];
    p[0] = 1;
    p
};

#[test]
fn ed25519_small_order_points_are_rejected() {
    use ed25519_dalek::Verifier as _;
    // R = identity, S = 0 "verifies" for *every* message under the identity key
    // with a lax check ([S]B = R + [k]A holds trivially); strict verification
    // refuses the small-order key and R.
    let sig: [u8; 64] = {
        let mut s = [0u8; 64];
        s[..32].copy_from_slice(&IDENTITY);
        s
    };
    let lax = ed25519_dalek::VerifyingKey::from_bytes(&IDENTITY).unwrap();
    assert!(lax
        .verify(b"any message", &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok());
    assert!(!verify_ed25519_strict(&IDENTITY, b"any message", &sig));

    // A trust list carrying a small-order issuer key cannot be exploited.
    let fx = fixture();
    let kid = KeyId::of_public_key(&IDENTITY);
    let prot = cbor::encode(&protected(-19, kid, vec![]));
    let payload = fx.payload();
    let cred = cbor::encode(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(prot),
            Value::Map(Vec::new()),
            Value::Bytes(payload),
            Value::Bytes(sig.to_vec()),
        ])),
    ));
    let verifier = Verifier::new(TrustStore::from_issuers(vec![trusted(
        liangzheng::alg::PublicKey::Ed25519(IDENTITY),
    )]));
    let p = fx.present(&cred, fx.disclosures());
    let report = verifier.verify_body(&p.to_bytes(), &policy());
    assert_problem(&report, CheckKind::IssuerSignature, "bad_issuer_signature");

    // A small-order holder key in `cnf` makes the credential malformed.
    let mut v: Value = ciborium::de::from_reader(&fx.payload()[..]).unwrap();
    let Value::Map(entries) = &mut v else {
        panic!()
    };
    let cnf = entries.iter_mut().find(|(k, _)| *k == int(8)).unwrap();
    cnf.1 = Value::Map(vec![(
        int(1),
        Value::Map(vec![
            (int(1), int(1)),
            (int(-1), int(6)),
            (int(-2), Value::Bytes(IDENTITY.to_vec())),
        ]),
    )]);
    let cred = sign1(
        &protected(-19, fx.key_a.key_id(), vec![]),
        &cbor::encode(&v),
        &fx.key_a,
    );
    assert_eq!(
        Credential::parse(&cred).err(),
        Some(CredentialFormatError::Claims("cnf key"))
    );
    assert_problem(
        &fx.verify_credential(&cred),
        CheckKind::Format,
        "malformed_credential",
    );
}

// -------------------------------------------------------------- disclosures

#[test]
fn disclosure_with_a_15_byte_salt_is_rejected() {
    let fx = fixture();
    let short = cbor::encode(&Value::Array(vec![
        Value::Bytes(vec![0x5a; SALT_LEN - 1]),
        int(3),
        Value::Text("张三".into()),
    ]));
    assert_eq!(Disclosure::parse(&short), Err(CborError::Malformed));
    let mut ds = fx.disclosures();
    ds.push(short);
    let report = fx.verifier().verify_body(
        &fx.present(&fx.license.credential, ds).to_bytes(),
        &policy(),
    );
    assert_problem(&report, CheckKind::Format, "malformed_credential");
}

#[test]
fn presentation_with_65_disclosures_is_rejected() {
    let fx = fixture();
    let one = fx.disclosures().remove(0);
    let at_limit = fx.present(&fx.license.credential, vec![one.clone(); MAX_DISCLOSURES]);
    assert!(
        Presentation::parse(&at_limit.to_bytes()).is_ok(),
        "64 is allowed by the parser"
    );
    let over = fx.present(&fx.license.credential, vec![one; MAX_DISCLOSURES + 1]);
    assert_eq!(MAX_DISCLOSURES + 1, 65);
    assert_eq!(
        Presentation::parse(&over.to_bytes()),
        Err(CborError::TooManyItems)
    );
    let report = fx.verifier().verify_body(&over.to_bytes(), &policy());
    assert_problem(&report, CheckKind::Format, "malformed_credential");
}
