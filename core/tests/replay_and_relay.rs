//! A counter notices a second scan of a presentation it already accepted, and
//! tells a wrong device clock apart from a stale (replayed) code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::lang::Localized as _;
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{
    CheckKind, Outcome, Policy, StatusPolicy, Verdict, Verifier, VerifyError,
};
use liangzheng::wallet::Wallet;

/// 2026-01-01 08:00:00 CST.
const NOW: UnixTime = UnixTime(1_767_225_600);
const CODE: &str = "11370100004307520K";

fn wallet() -> Wallet {
    let key = Arc::new(IssuerKey::from_seed(&[1; 32]));
    let claims: Claims = serde_json::from_str(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
    .unwrap();
    let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
    let license = Issuer::new(key, "济南市公安局", Uscc::parse(CODE).unwrap())
        .issue(&claims, Some(&phone.public_key()), NOW.minus(3_600))
        .unwrap();
    let mut w = Wallet::new(phone);
    w.add(license).unwrap();
    w
}

fn verifier() -> Verifier {
    Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: IssuerKey::from_seed(&[1; 32]).public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan PSB".into(),
        code: CODE.into(),
        region: "370100".into(),
        types: vec!["11100000000013338W901".into()],
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
fn a_second_scan_of_the_same_presentation_is_reported_as_already_verified() {
    let w = wallet();
    let v = verifier();
    let text = w.present(0, &["name"], NOW).unwrap();
    assert_eq!(v.verify_scan(&text, &policy(NOW)).verdict, Verdict::Valid);
    let again = v.verify_scan(&text, &policy(NOW.plus(20)));
    assert_eq!(again.verdict, Verdict::Indeterminate);
    assert_eq!(
        again.outcome(CheckKind::Freshness),
        Some(&Outcome::Indeterminate(VerifyError::AlreadyVerified {
            at: NOW.0
        }))
    );
    let (_, err) = again.first_problem().unwrap();
    assert_eq!(err.code(), "already_verified");
    assert!(
        err.zh().contains("已核验过") && err.zh().contains("08:00:00"),
        "{}",
        err.zh()
    );
    assert!(
        err.en().contains("already verified at 08:00:00"),
        "{}",
        err.en()
    );
    // The stateless check is unchanged, and a fresh presentation of the same license is new.
    assert_eq!(
        v.verify_text(&text, &policy(NOW.plus(20))).verdict,
        Verdict::Valid
    );
    let fresh = w.present(0, &["name"], NOW.plus(15)).unwrap();
    assert_eq!(
        v.verify_scan(&fresh, &policy(NOW.plus(20))).verdict,
        Verdict::Valid
    );
    // Past its lifetime + skew it is stale, and forgotten.
    let late = v.verify_scan(&text, &policy(NOW.plus(91)));
    assert_eq!(late.first_problem().unwrap().1.code(), "stale");
    assert_eq!(v.seen_presentations().len(), 1);
}

#[test]
fn the_replay_memory_is_bounded() {
    let w = wallet();
    let v = verifier().with_replay_capacity(3);
    let texts: Vec<String> = (0..5)
        .map(|i| w.present(0, &["name"], NOW.plus(i)).unwrap())
        .collect();
    for t in &texts {
        assert_eq!(
            v.verify_scan(t, &policy(NOW.plus(5))).verdict,
            Verdict::Valid
        );
    }
    assert_eq!(v.seen_presentations().len(), 3);
    assert_eq!(v.seen_presentations().capacity(), 3);
    // The newest are still noticed; the evicted oldest one is not.
    assert_eq!(
        v.verify_scan(&texts[4], &policy(NOW.plus(6))).verdict,
        Verdict::Indeterminate
    );
    assert_eq!(
        v.verify_scan(&texts[0], &policy(NOW.plus(6))).verdict,
        Verdict::Valid
    );
}

#[test]
fn a_refused_presentation_is_not_remembered() {
    let w = wallet();
    let v = verifier();
    let text = w.present(0, &["name"], NOW).unwrap();
    let mut strict = policy(NOW);
    strict.accepted_types = Some(vec!["11100000000013338W902".into()]);
    assert_eq!(v.verify_scan(&text, &strict).verdict, Verdict::Invalid);
    assert_eq!(v.verify_scan(&text, &policy(NOW)).verdict, Verdict::Valid);
}

#[test]
fn a_clock_ahead_says_check_the_device_clock_and_stale_says_show_again() {
    let w = wallet();
    let v = verifier();
    let ahead = w.present(0, &["name"], NOW.plus(31)).unwrap();
    let r = v.verify_scan(&ahead, &policy(NOW));
    let (check, err) = r.first_problem().unwrap();
    assert_eq!((check, err.code()), (CheckKind::Freshness, "from_future"));
    assert!(err.zh().contains("核对设备时间"), "{}", err.zh());
    assert!(err.en().contains("check the device clock"), "{}", err.en());
    let old = w.present(0, &["name"], NOW.minus(91)).unwrap();
    let r = v.verify_scan(&old, &policy(NOW));
    let (_, stale) = r.first_problem().unwrap();
    assert_eq!(stale.code(), "stale");
    assert!(!stale.zh().contains("核对设备时间") && stale.zh().contains("重新亮证"));
}

#[test]
fn a_second_scan_of_an_assembled_presentation_is_already_verified_too() {
    let w = wallet();
    let v = verifier();
    let body = w.present_bytes(0, &["name"], NOW).unwrap();
    // Stateless verification never remembers; the counter's scan does, across both forms.
    assert_eq!(v.verify_body(&body, &policy(NOW)).verdict, Verdict::Valid);
    assert_eq!(v.verify_body(&body, &policy(NOW)).verdict, Verdict::Valid);
    assert_eq!(
        v.verify_scan_body(&body, &policy(NOW)).verdict,
        Verdict::Valid
    );
    let again = v.verify_scan_body(&body, &policy(NOW.plus(5)));
    assert_eq!(again.verdict, Verdict::Indeterminate);
    assert_eq!(again.first_problem().unwrap().1.code(), "already_verified");
    let text = liangzheng::qr::encode_text(liangzheng::qr::QrKind::Presentation, &body);
    assert_eq!(
        v.verify_scan(&text, &policy(NOW.plus(6)))
            .first_problem()
            .unwrap()
            .1
            .code(),
        "already_verified"
    );
}
