//! A license type that exists only as a data file (社会保障卡) is issued,
//! presented and verified with no code change; a verifier without the file
//! reports the type as unknown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{CheckKind, Policy, Verdict, Verifier, VerifyError};
use liangzheng::wallet::Wallet;

const EXTRA: &str = include_str!("../data/extra/social-security-card.json");
const NOW: UnixTime = UnixTime(1_795_395_600);

fn setup() -> (Arc<Registry>, Issuer, Arc<Ed25519DeviceSigner>, TrustStore) {
    let registry = Arc::new(Registry::load_json(EXTRA).expect("the extra type file loads"));
    // The built-in types (居民身份证, 营业执照, 健康证明 and three permits) plus the file's one.
    assert_eq!(registry.types().len(), 7);
    let key = Arc::new(IssuerKey::from_seed(&[41; 32]));
    let code = "11370100004307520K";
    let issuer = Issuer::new(
        key.clone(),
        "济南市人力资源和社会保障局",
        Uscc::parse(code).unwrap(),
    )
    .with_registry(registry.clone());
    let holder = Arc::new(Ed25519DeviceSigner::from_seed(&[42; 32]));
    let trust = TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: key.public_key(),
        name_zh: "济南市人力资源和社会保障局".into(),
        name_en: "Jinan Human Resources and Social Security Bureau".into(),
        code: code.into(),
        region: "370100".into(),
        types: vec!["11100000000013338W904".into()],
        not_before: 0,
        not_after: None,
    }]);
    (registry, issuer, holder, trust)
}

fn claims() -> Claims {
    serde_json::from_str(
        r#"{"type": "cn.social-security-card", "license_number": "A12345678", "valid_from": "2024-01-01",
        "valid_until": "2034-01-01", "fields": {"name": "张三", "sex": "男", "ssn": "370102199003070016",
        "card_number": "A12345678", "issuing_region": "370100", "generation": "第三代", "issue_date": "2024-01-01"}}"#,
    )
    .unwrap()
}

#[test]
fn a_type_loaded_from_data_issues_and_verifies() {
    let (registry, issuer, holder, trust) = setup();
    let license = issuer
        .issue(&claims(), Some(&holder.public_key()), NOW)
        .unwrap();
    assert_eq!(license.views.len(), 1, "the type's one view is signed");
    let mut wallet = Wallet::new(holder).with_registry(registry.clone());
    wallet.add(license).unwrap();
    let text = wallet.present(0, &["name", "ssn"], NOW).unwrap();
    let report = Verifier::new(trust)
        .with_registry(registry)
        .verify_text(&text, &Policy::at(NOW));
    assert_eq!(
        report.verdict,
        Verdict::Valid,
        "{:?}",
        report.first_problem()
    );
    let ssn = report.fields.iter().find(|f| f.key == "ssn").unwrap();
    assert_eq!(ssn.label_zh, "社会保障号码");
    assert_eq!(ssn.display, "3701*************6");
    assert!(report.license.unwrap().view.unwrap().contains("参保核验"));
}

#[test]
fn a_verifier_without_the_type_file_reports_an_unknown_type() {
    let (registry, issuer, holder, trust) = setup();
    let license = issuer
        .issue(&claims(), Some(&holder.public_key()), NOW)
        .unwrap();
    let mut wallet = Wallet::new(holder).with_registry(registry);
    wallet.add(license).unwrap();
    let text = wallet.present(0, &["name"], NOW).unwrap();
    let report = Verifier::new(trust).verify_text(&text, &Policy::at(NOW));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(
        report.first_problem(),
        Some((
            CheckKind::IssuerAuthorized,
            &VerifyError::UnknownLicenseType
        ))
    );
}

#[test]
fn validation_in_the_data_file_applies() {
    let (_, issuer, holder, _) = setup();
    let mut bad = claims();
    bad.fields.insert("sex".into(), "女".into());
    let err = issuer
        .issue(&bad, Some(&holder.public_key()), NOW)
        .unwrap_err();
    assert!(err.to_string().contains("citizen_id_sex"), "{err}");
    let mut bad = claims();
    bad.fields.insert("issuing_region".into(), "37010".into());
    assert!(issuer.issue(&bad, Some(&holder.public_key()), NOW).is_err());
}
