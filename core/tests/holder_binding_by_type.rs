//! Holder binding is a property of the license type (data), not only a policy
//! switch: a static ID card or health certificate is refused under the
//! default policy with its own code; a static business licence is accepted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use liangzheng::cbor::{self, read};
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Credential, IssueError, Issuer};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::lang::Localized as _;
use liangzheng::presentation::Presentation;
use liangzheng::qr::{self, QrKind};
use liangzheng::schema::{HolderBinding, Registry};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{
    CheckKind, Finding, Policy, StatusPolicy, Verdict, Verifier, VerifyError,
};

const NOW: UnixTime = UnixTime(1_767_225_600);
const CODE: &str = "11370100004307520K";

fn key() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[1; 32]))
}

fn verifier() -> Verifier {
    Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: key().public_key(),
        name_zh: "济南市".into(),
        name_en: "Jinan".into(),
        code: CODE.into(),
        region: "370100".into(),
        types: vec![
            "11100000000013338W901".into(),
            "11100000000013338W902".into(),
            "11100000000013338W903".into(),
        ],
        not_before: 0,
        not_after: None,
    }]))
}

fn id_claims() -> Claims {
    common::id_card_claims()
}

fn business_claims() -> Claims {
    serde_json::from_str(
        r#"{"type": "cn.business-license", "license_number": "330100000123456",
        "valid_from": "2018-06-01",
        "fields": {"uscc": "91330100MA2H3L4P5A", "name": "杭州示例科技有限公司",
        "entity_type": "有限责任公司", "legal_rep": "李四", "capital": "100万元人民币",
        "established": "2018-06-01", "term_end": "长期",
        "scope": "技术开发", "domicile": "浙江省杭州市西湖区文三路90号", "registrar": "杭州市市场监督管理局"}}"#,
    )
    .unwrap()
}

fn issuer() -> Issuer {
    Issuer::new(key(), "济南市", Uscc::parse(CODE).unwrap())
}

fn policy() -> Policy {
    let mut p = Policy::at(NOW);
    p.status = StatusPolicy::Lenient;
    p
}

/// Shows every disclosure of a credential statically (no proof).
fn static_text(credential: &[u8], disclosures: &[Vec<u8>]) -> String {
    let p = Presentation {
        credential: credential.to_vec(),
        disclosures: disclosures.to_vec(),
        proof: None,
    };
    qr::encode_text(QrKind::Presentation, &p.to_bytes())
}

#[test]
fn the_type_data_says_which_types_need_a_holder_key() {
    let reg = Registry::builtin();
    let binding = |id: &str| reg.get(id).unwrap().holder_binding;
    assert_eq!(binding("cn.resident-id-card"), HolderBinding::Required);
    assert_eq!(binding("cn.health-certificate"), HolderBinding::Required);
    assert_eq!(binding("cn.business-license"), HolderBinding::Optional);
}

#[test]
fn an_issuer_refuses_a_static_id_card() {
    assert_eq!(
        issuer().issue(&id_claims(), None, NOW).unwrap_err(),
        IssueError::HolderKeyRequired
    );
}

#[test]
fn a_static_id_card_is_invalid_under_the_default_policy() {
    // Made as a rogue (or pre-change) issuer would: a holder-bound card with `cnf` removed, re-signed.
    let phone = liangzheng::holder::Ed25519DeviceSigner::from_seed(&[2; 32]);
    use liangzheng::holder::DeviceSigner as _;
    let license = issuer()
        .issue(&id_claims(), Some(&phone.public_key()), NOW)
        .unwrap();
    let payload = Credential::parse(&license.credential)
        .unwrap()
        .sign1
        .payload;
    let ciborium::value::Value::Map(m) = cbor::decode_strict(&payload, 8192).unwrap() else {
        panic!()
    };
    let m: Vec<_> = m
        .into_iter()
        .filter(|(k, _)| read::int(k) != Some(8))
        .collect();
    let cred = Sign1::sign(
        &cbor::encode(&ciborium::value::Value::Map(m)),
        None,
        key().as_ref() as &dyn IssuerSigner,
    )
    .unwrap();
    let report = verifier().verify_text(&static_text(&cred, &license.disclosures), &policy());
    assert_eq!(report.verdict, Verdict::Invalid);
    let (check, err) = report.first_problem().unwrap();
    assert_eq!(check, CheckKind::HolderSignature);
    assert_eq!(err, &VerifyError::HolderBindingRequiredByType);
    assert_eq!(err.code(), "holder_binding_required_by_type");
    assert!(err.zh().contains("本人亮证") && err.en().contains("holder"));
}

#[test]
fn a_static_business_licence_is_still_accepted_with_a_finding() {
    let license = issuer().issue(&business_claims(), None, NOW).unwrap();
    let report = verifier().verify_text(
        &static_text(&license.credential, &license.disclosures),
        &policy(),
    );
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    assert!(report.findings.contains(&Finding::NotHolderBound));
}
