//! Verifier authenticity for 授权用证 (issue 9 item 5): a wallet shows a
//! request's verifier as verified only when the request is signed by the key a
//! root-signed registration names, within the registration's window and scope;
//! stale and future requests, bidi/control characters and requests beyond the
//! registration are refused; a counter accepts each request's nonce once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use ciborium::value::Value;
use liangzheng::alg::SignatureAlgorithm;
use liangzheng::cbor;
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner, SoftwareIssuerKey};
use liangzheng::lang::Localized as _;
use liangzheng::qr::{self, QrKind};
use liangzheng::registration::{Grant, Registration, RegistrationError, REGISTRATION_TYP};
use liangzheng::request::{
    ReceivedRequest, Request, RequestError, RequestPolicy, UnverifiedReason, VerifierIdentity,
    REQUEST_TYP,
};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{
    CheckKind, Outcome, Policy, StatusPolicy, Verdict, Verifier, VerifyError,
};
use liangzheng::wallet::{Wallet, WalletError};
use rand_core::{CryptoRng, RngCore};

/// 2026-01-01 08:00:00 CST.
const NOW: UnixTime = UnixTime(1_767_225_600);
const ID_CARD: &str = "11370100004307520K";
const ID_TYPE: &str = "11100000000013338W901";
const PSB_ID: &str = "11110000000021135M";

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[90; 32])
}

fn psb_key() -> IssuerKey {
    IssuerKey::from_seed(&[91; 32])
}

fn registration(key: &dyn IssuerSigner) -> Registration {
    Registration {
        verifier_id: PSB_ID.into(),
        name_zh: "北京市公安局".into(),
        name_en: "Beijing Municipal Public Security Bureau".into(),
        grants: vec![Grant {
            type_code: ID_TYPE.into(),
            fields: vec![3, 8],
        }],
        not_before: NOW.minus(86_400).0,
        not_after: NOW.plus(365 * 86_400).0,
        public_key: key.public_key(),
        issued_at: NOW.minus(86_400).0,
    }
}

/// A deterministic test RNG (nonces only; never for keys).
struct TestRng(u64);
impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            *b = self.next_u64() as u8;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for TestRng {}

fn rng(seed: u8) -> TestRng {
    TestRng(u64::from(seed))
}

fn request(fields: Vec<u32>, time: UnixTime, reg: Option<Vec<u8>>) -> Request {
    let r = Request::new(
        PSB_ID,
        "北京市公安局",
        "办理户籍业务：核验身份",
        ID_TYPE,
        fields,
        time,
        &mut rng(7),
    )
    .unwrap();
    match reg {
        Some(b) => r.with_registration(b),
        None => r,
    }
}

fn signed(req: &Request, key: &dyn IssuerSigner) -> ReceivedRequest {
    ReceivedRequest::parse(&req.to_signed_bytes(key).unwrap()).unwrap()
}

fn auth(r: &ReceivedRequest, now: UnixTime) -> Result<VerifierIdentity, RequestError> {
    r.authenticate(Some(&root().public_key()), &RequestPolicy::at(now))
}

fn reason(id: VerifierIdentity) -> UnverifiedReason {
    match id {
        VerifierIdentity::Unverified {
            claimed_name,
            reason,
        } => {
            assert_eq!(claimed_name, "北京市公安局");
            reason
        }
        VerifierIdentity::Verified { .. } => panic!("expected unverified"),
    }
}

#[test]
fn a_registered_request_is_verified_and_shows_the_registered_names() {
    for alg in [
        SignatureAlgorithm::Ed25519,
        SignatureAlgorithm::Es256,
        SignatureAlgorithm::Sm2,
    ] {
        let key = SoftwareIssuerKey::generate(alg);
        let reg = registration(&key).sign(&root()).unwrap();
        let r = signed(&request(vec![3, 8], NOW.minus(10), Some(reg)), &key);
        let id = auth(&r, NOW).unwrap();
        assert!(id.is_verified(), "{alg:?}");
        assert_eq!(id.display_zh(), "北京市公安局");
        assert_eq!(id.display_en(), "Beijing Municipal Public Security Bureau");
        match id {
            VerifierIdentity::Verified { registration } => {
                assert_eq!(registration.public_key, key.public_key());
                assert_eq!(registration.grants[0].fields, vec![3, 8]);
            }
            VerifierIdentity::Unverified { .. } => unreachable!(),
        }
    }
}

#[test]
fn a_registration_signed_by_the_root_under_sm2_verifies_under_an_sm2_root() {
    let sm2_root = SoftwareIssuerKey::generate(SignatureAlgorithm::Sm2);
    let reg = registration(&psb_key()).sign(&sm2_root).unwrap();
    let parsed = Registration::from_signed(&reg, &sm2_root.public_key()).unwrap();
    assert_eq!(parsed, registration(&psb_key()));
    assert_eq!(
        Registration::from_signed(&reg, &root().public_key()),
        Err(RegistrationError::WrongRoot)
    );
}

#[test]
fn unsigned_and_unregistered_requests_are_unverified_never_named_as_verified() {
    let unsigned =
        ReceivedRequest::parse(&request(vec![3, 8], NOW.minus(10), None).to_bytes()).unwrap();
    let id = auth(&unsigned, NOW).unwrap();
    assert_eq!(id.display_zh(), "未认证的核验方");
    assert_eq!(id.display_en(), "unverified verifier");
    assert_eq!(reason(id), UnverifiedReason::Unsigned);

    // Signed, but no registration: a key anyone can make.
    let r = signed(&request(vec![3, 8], NOW.minus(10), None), &psb_key());
    assert_eq!(
        reason(auth(&r, NOW).unwrap()),
        UnverifiedReason::NoRegistration
    );

    // The wallet pins no root.
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    let r = signed(&request(vec![3, 8], NOW.minus(10), Some(reg)), &psb_key());
    assert_eq!(
        reason(r.authenticate(None, &RequestPolicy::at(NOW)).unwrap()),
        UnverifiedReason::NoTrustRoot
    );
}

#[test]
fn a_phishing_counter_cannot_claim_to_be_the_police() {
    // It registers itself with its own "root": the wallet's root did not sign it.
    let rogue_root = IssuerKey::from_seed(&[66; 32]);
    let rogue = IssuerKey::from_seed(&[67; 32]);
    let reg = registration(&rogue).sign(&rogue_root).unwrap();
    let r = signed(&request(vec![3, 8], NOW.minus(10), Some(reg)), &rogue);
    assert_eq!(
        reason(auth(&r, NOW).unwrap()),
        UnverifiedReason::RegistrationInvalid(RegistrationError::WrongRoot)
    );

    // It copies the police's genuine registration but signs with its own key.
    let genuine = registration(&psb_key()).sign(&root()).unwrap();
    let r = signed(&request(vec![3, 8], NOW.minus(10), Some(genuine)), &rogue);
    let id = auth(&r, NOW).unwrap();
    assert_eq!(id.display_zh(), "未认证的核验方");
    assert_eq!(reason(id), UnverifiedReason::KeyNotRegistered);

    // A tampered registration (same bytes, one flipped in the signature).
    let mut tampered = registration(&psb_key()).sign(&root()).unwrap();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let r = signed(
        &request(vec![3, 8], NOW.minus(10), Some(tampered)),
        &psb_key(),
    );
    assert_eq!(
        reason(auth(&r, NOW).unwrap()),
        UnverifiedReason::RegistrationInvalid(RegistrationError::BadSignature)
    );
}

#[test]
fn a_registration_outside_its_window_is_unverified() {
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    let late = NOW.plus(366 * 86_400);
    let r = signed(
        &request(vec![3, 8], late.minus(5), Some(reg.clone())),
        &psb_key(),
    );
    assert_eq!(
        reason(auth(&r, late).unwrap()),
        UnverifiedReason::RegistrationExpired
    );
    let early = NOW.minus(2 * 86_400);
    let r = signed(&request(vec![3, 8], early.minus(5), Some(reg)), &psb_key());
    assert_eq!(
        reason(auth(&r, early).unwrap()),
        UnverifiedReason::RegistrationNotYetValid
    );
}

#[test]
fn a_request_naming_another_verifier_than_its_registration_is_unverified() {
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    let r = Request::new(
        PSB_ID,
        "北京市公安局朝阳分局",
        "核验身份",
        ID_TYPE,
        vec![3],
        NOW.minus(10),
        &mut rng(1),
    )
    .unwrap()
    .with_registration(reg);
    let r = signed(&r, &psb_key());
    match auth(&r, NOW).unwrap() {
        VerifierIdentity::Unverified {
            claimed_name,
            reason,
        } => {
            assert_eq!(claimed_name, "北京市公安局朝阳分局");
            assert_eq!(reason, UnverifiedReason::VerifierMismatch);
        }
        VerifierIdentity::Verified { .. } => panic!("mismatch verified"),
    }
}

#[test]
fn requests_beyond_the_registration_are_refused() {
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    // Address (7) is not granted.
    let r = signed(
        &request(vec![3, 7, 8], NOW.minus(10), Some(reg.clone())),
        &psb_key(),
    );
    let e = auth(&r, NOW).unwrap_err();
    assert_eq!(
        e,
        RequestError::BeyondRegistration {
            type_code: ID_TYPE.into(),
            fields: vec![7]
        }
    );
    assert_eq!(e.code(), "beyond_registration");
    assert!(e.zh().contains("登记范围以外"), "{}", e.zh());
    assert!(e.en().contains("beyond its registration"), "{}", e.en());

    // Another license type altogether.
    let r = Request::new(
        PSB_ID,
        "北京市公安局",
        "核验",
        "11100000000013338W903",
        vec![3],
        NOW.minus(10),
        &mut rng(2),
    )
    .unwrap()
    .with_registration(reg);
    let e = auth(&signed(&r, &psb_key()), NOW).unwrap_err();
    assert!(matches!(e, RequestError::BeyondRegistration { ref fields, .. } if fields.is_empty()));
}

#[test]
fn stale_and_future_requests_are_refused_signed_or_not() {
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    for reg in [Some(reg), None] {
        // 5 minutes + 30 s skew is the last second accepted.
        let r = signed(&request(vec![3], NOW.minus(330), reg.clone()), &psb_key());
        assert!(auth(&r, NOW).is_ok());
        let r = signed(&request(vec![3], NOW.minus(331), reg.clone()), &psb_key());
        let e = auth(&r, NOW).unwrap_err();
        assert_eq!(
            e,
            RequestError::Stale {
                age_secs: 331,
                max_age_secs: 300
            }
        );
        assert_eq!(e.code(), "request_stale");
        let day_old = signed(
            &request(vec![3], NOW.minus(86_400), reg.clone()),
            &psb_key(),
        );
        assert_eq!(auth(&day_old, NOW).unwrap_err().code(), "request_stale");

        let r = signed(&request(vec![3], NOW.plus(30), reg.clone()), &psb_key());
        assert!(auth(&r, NOW).is_ok());
        let r = signed(&request(vec![3], NOW.plus(31), reg.clone()), &psb_key());
        let e = auth(&r, NOW).unwrap_err();
        assert_eq!(e, RequestError::FromFuture { ahead_secs: 31 });
        assert!(e.zh().contains("核对设备时间"));
        let far = signed(&request(vec![3], UnixTime(u64::MAX), reg), &psb_key());
        assert_eq!(auth(&far, NOW).unwrap_err().code(), "request_from_future");
    }
}

/// A request map with `name` and `purpose` as given, bypassing [`Request::new`]'s checks.
fn raw_request(name: &str, purpose: &str) -> Vec<u8> {
    let i = |n: i64| Value::Integer(n.into());
    cbor::encode(&Value::Map(vec![
        (i(1), Value::Text(PSB_ID.into())),
        (i(2), Value::Text(name.into())),
        (i(3), Value::Text(purpose.into())),
        (i(4), Value::Text(ID_TYPE.into())),
        (i(5), Value::Array(vec![i(3)])),
        (i(6), Value::Bytes(vec![9; 16])),
        (i(7), Value::Integer(NOW.0.into())),
    ]))
}

#[test]
fn bidi_and_control_characters_in_names_and_purposes_are_refused() {
    for bad in [
        '\u{202e}', '\u{2066}', '\u{200f}', '\u{200b}', '\u{0}', '\u{1b}', '\u{feff}',
    ] {
        let name = format!("北京市公安局{bad}局安公");
        let e =
            Request::new(PSB_ID, &name, "核验", ID_TYPE, vec![3], NOW, &mut rng(3)).unwrap_err();
        assert_eq!(
            e,
            RequestError::UnsafeText {
                field: "verifier name",
                code_point: u32::from(bad)
            }
        );
        assert_eq!(e.code(), "unsafe_text");
        assert!(e.zh().contains("文字方向字符"), "{}", e.zh());

        // As received: bare and signed.
        let bare = raw_request(&name, "核验");
        assert_eq!(
            ReceivedRequest::parse(&bare).unwrap_err().code(),
            "unsafe_text"
        );
        let signed = Sign1::sign(
            &raw_request("北京市公安局", &format!("核验{bad}")),
            Some(REQUEST_TYP),
            &psb_key(),
        )
        .unwrap();
        assert!(matches!(
            ReceivedRequest::parse(&signed).unwrap_err(),
            RequestError::UnsafeText {
                field: "purpose",
                ..
            }
        ));
    }

    // The root's tooling refuses to sign such a registration; one signed
    // anyway (bypassing the check) is not a valid registration.
    let mut reg = registration(&psb_key());
    reg.name_zh = "北京市公安局\u{202e}".into();
    assert!(matches!(
        reg.sign(&root()),
        Err(RegistrationError::UnsafeText { field: "name", .. })
    ));
    let payload = reg.to_payload();
    let forced = Sign1::sign(&payload, Some(REGISTRATION_TYP), &root()).unwrap();
    assert!(matches!(
        Registration::from_signed(&forced, &root().public_key()),
        Err(RegistrationError::UnsafeText {
            field: "name",
            code_point: 0x202e
        })
    ));
}

#[test]
fn malformed_registrations_are_typed_errors() {
    let root_pk = root().public_key();
    for bytes in [
        vec![],
        vec![0xff],
        vec![0xd2, 0x84],
        b"not cbor at all".to_vec(),
    ] {
        let e = Registration::from_signed(&bytes, &root_pk).unwrap_err();
        assert_eq!(e.code(), "malformed");
    }
    // Rules checked at signing: empty grants, unsorted fields, window backwards.
    let mut r = registration(&psb_key());
    r.grants.clear();
    assert_eq!(r.sign(&root()).unwrap_err().code(), "malformed");
    let mut r = registration(&psb_key());
    r.grants[0].fields = vec![8, 3];
    assert_eq!(r.sign(&root()).unwrap_err().code(), "malformed");
    let mut r = registration(&psb_key());
    r.not_after = r.not_before - 1;
    assert_eq!(r.sign(&root()).unwrap_err().code(), "malformed");
    // Deterministic: signing twice gives one encoding, and it round-trips.
    let r = registration(&psb_key());
    let signed = r.sign(&root()).unwrap();
    assert_eq!(Registration::from_signed(&signed, &root_pk).unwrap(), r);
}

fn wallet() -> (Wallet, IssuerKey) {
    let issuer_key = IssuerKey::from_seed(&[1; 32]);
    let claims: Claims = serde_json::from_str(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
    .unwrap();
    let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
    let license = Issuer::new(
        Arc::new(IssuerKey::from_seed(&[1; 32])),
        "济南市公安局",
        Uscc::parse(ID_CARD).unwrap(),
    )
    .issue(&claims, Some(&phone.public_key()), NOW.minus(3_600))
    .unwrap();
    let mut w = Wallet::new(phone).with_request_root(root().public_key());
    w.add(license).unwrap();
    (w, issuer_key)
}

#[test]
fn the_wallet_authenticates_before_the_consent_prompt() {
    let (w, _) = wallet();
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    let req = request(vec![3, 8], NOW.minus(10), Some(reg));
    let text = qr::encode_text(QrKind::Request, &req.to_signed_bytes(&psb_key()).unwrap());
    let prompt = w.read_request(&text, &RequestPolicy::at(NOW)).unwrap();
    assert!(prompt.verifier.is_verified());
    assert_eq!(prompt.verifier.display_zh(), "北京市公安局");
    assert_eq!(prompt.license_index, Some(0));

    let unsigned = qr::encode_text(QrKind::Request, &request(vec![3], NOW, None).to_bytes());
    let prompt = w.read_request(&unsigned, &RequestPolicy::at(NOW)).unwrap();
    assert_eq!(prompt.verifier.display_zh(), "未认证的核验方");

    let stale = qr::encode_text(
        QrKind::Request,
        &request(vec![3], NOW.minus(3_600), None).to_bytes(),
    );
    let e = w.read_request(&stale, &RequestPolicy::at(NOW)).unwrap_err();
    assert!(matches!(
        e,
        WalletError::Request(RequestError::Stale { .. })
    ));
    assert!(e.zh().contains("用证请求已过期"), "{}", e.zh());

    // A shorter wallet policy.
    let mut p = RequestPolicy::at(NOW);
    p.max_age_secs = 60;
    let two_min = qr::encode_text(
        QrKind::Request,
        &request(vec![3], NOW.minus(120), None).to_bytes(),
    );
    assert!(w.read_request(&two_min, &p).is_err());
    assert!(w.read_request(&two_min, &RequestPolicy::at(NOW)).is_ok());
}

fn counter() -> Verifier {
    Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: IssuerKey::from_seed(&[1; 32]).public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan PSB".into(),
        code: ID_CARD.into(),
        region: "370100".into(),
        types: vec![ID_TYPE.into()],
        not_before: 0,
        not_after: None,
    }]))
}

fn policy(now: UnixTime) -> Policy {
    let mut p = Policy::at(now);
    p.status = StatusPolicy::Lenient;
    p
}

#[test]
fn a_counter_accepts_each_request_nonce_once() {
    let (w, _) = wallet();
    let reg = registration(&psb_key()).sign(&root()).unwrap();
    let bytes = request(vec![3, 8], NOW, Some(reg))
        .to_signed_bytes(&psb_key())
        .unwrap();
    let received = ReceivedRequest::parse(&bytes).unwrap();
    let mut c = counter();
    c.expect_request(received.clone());

    let first = w
        .respond(0, &received, &["name", "id_number"], NOW)
        .unwrap();
    let second = w
        .respond(0, &received, &["name", "id_number"], NOW.plus(2))
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(
        c.verify_scan(&first, &policy(NOW.plus(3))).verdict,
        Verdict::Valid
    );
    assert_eq!(c.consumed_nonces().len(), 1);

    // The same presentation again: already verified (replay cache).
    let again = c.verify_scan(&first, &policy(NOW.plus(4)));
    assert_eq!(again.first_problem().unwrap().1.code(), "already_verified");

    // Another answer to the same request: the nonce is used up.
    let r = c.verify_scan(&second, &policy(NOW.plus(5)));
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(
        r.outcome(CheckKind::Request),
        Some(&Outcome::Failed(VerifyError::NonceAlreadyUsed))
    );
    assert!(VerifyError::NonceAlreadyUsed.zh().contains("只能使用一次"));
    assert!(VerifyError::NonceAlreadyUsed.en().contains("single-use"));

    // verify_text stays stateless.
    assert_eq!(
        c.verify_text(&second, &policy(NOW.plus(5))).verdict,
        Verdict::Valid
    );
    // A fresh counter (another window) has not consumed it.
    let mut other = counter();
    other.expect_request(received);
    assert_eq!(
        other.verify_scan(&second, &policy(NOW.plus(5))).verdict,
        Verdict::Valid
    );
}

#[test]
fn a_rejected_answer_does_not_consume_the_nonce() {
    let (w, _) = wallet();
    let bytes = request(vec![3, 8], NOW, None).to_bytes();
    let received = ReceivedRequest::parse(&bytes).unwrap();
    let mut c = counter();
    c.expect_request(received.clone());
    // Answers only the name: request_not_satisfied, nonce not consumed.
    let partial = w.respond(0, &received, &["name"], NOW).unwrap();
    assert_eq!(
        c.verify_scan(&partial, &policy(NOW.plus(1))).verdict,
        Verdict::Invalid
    );
    assert!(c.consumed_nonces().is_empty());
    let full = w
        .respond(0, &received, &["name", "id_number"], NOW.plus(1))
        .unwrap();
    assert_eq!(
        c.verify_scan(&full, &policy(NOW.plus(2))).verdict,
        Verdict::Valid
    );
}
