//! Arithmetic on untrusted values never panics or wraps: extreme values (0,
//! u64::MAX, i64 extremes) in every time field of a credential and a
//! presentation, and in the verifier's own clock and policy. Run as a normal
//! test build, i.e. with overflow checks on (a wrapping add panics there).
//!
//! Also: field rules and license facts are only evaluated for a credential
//! whose issuer signature verified.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use ciborium::value::{Integer, Value};
use liangzheng::cbor::{self, read};
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Credential, IssuedLicense, Issuer};
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::presentation::{transcript, HolderProof, Presentation};
use liangzheng::qr::{self, QrKind};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{CheckKind, Outcome, Policy, Verdict, Verifier};
use proptest::prelude::*;

/// 2026-01-01 00:00 UTC.
const NOW: UnixTime = UnixTime(1_767_225_600);
const ISSUER_CODE: &str = "11370100004307520K";

fn claims() -> Claims {
    common::id_card_claims()
}

fn trusted_key() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[1; 32]))
}

fn phone() -> Arc<Ed25519DeviceSigner> {
    Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]))
}

fn license() -> IssuedLicense {
    Issuer::new(
        trusted_key(),
        "济南市公安局",
        Uscc::parse(ISSUER_CODE).unwrap(),
    )
    .issue(&claims(), Some(&phone().public_key()), NOW.minus(86_400))
    .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: trusted_key().public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: ISSUER_CODE.into(),
        region: "370100".into(),
        types: vec!["11100000000013338W901".into()],
        not_before: 0,
        not_after: None,
    }]))
}

/// The license's credential with its time claims replaced (`None` removes
/// one), re-signed by `signer` (the trusted key, or an attacker's).
fn resigned(
    license: &IssuedLicense,
    times: [Option<Value>; 3],
    signer: &dyn IssuerSigner,
) -> Vec<u8> {
    let payload = Credential::parse(&license.credential)
        .unwrap()
        .sign1
        .payload;
    let Value::Map(claims) = cbor::decode_strict(&payload, 8192).unwrap() else {
        panic!("claims are a map")
    };
    let mut out: Vec<(Value, Value)> = claims
        .into_iter()
        .filter(|(k, _)| !matches!(read::int(k), Some(4..=6)))
        .collect();
    for (key, v) in [4, 5, 6].into_iter().zip(times) {
        if let Some(v) = v {
            out.push((read::i(key), v));
        }
    }
    Sign1::sign(&cbor::encode(&Value::Map(out)), None, signer).unwrap()
}

/// Shows `credential` with the license's name, sex and birth-date disclosures
/// (so the field rules have something to evaluate), with a proof at `time`.
fn shown(license: &IssuedLicense, credential: &[u8], time: u64, lifetime: u64) -> String {
    let disclosures: Vec<Vec<u8>> = license
        .disclosures
        .iter()
        .filter(|d| matches!(Disclosure::parse(d).unwrap().field_id, 3 | 4 | 6 | 8))
        .cloned()
        .collect();
    let ids: Vec<u32> = disclosures
        .iter()
        .map(|d| Disclosure::parse(d).unwrap().field_id)
        .collect();
    let t = transcript(
        liangzheng::alg::DigestAlgorithm::Sha256,
        credential,
        &ids,
        UnixTime(time),
        lifetime,
        None,
    );
    let p = Presentation {
        credential: credential.to_vec(),
        disclosures,
        proof: Some(HolderProof {
            time: UnixTime(time),
            lifetime,
            signature: phone().sign(&t).unwrap(),
            nonce: None,
        }),
    };
    qr::encode_text(QrKind::Presentation, &p.to_bytes())
}

fn extreme_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(i64::MAX as u64),
        Just(i64::MAX as u64 + 1),
        Just(NOW.0),
        any::<u64>(),
    ]
}

/// A time claim: absent, an extreme uint, or an i64 extreme (negative ones are
/// not uints at all and must be refused as malformed, not wrapped).
fn time_claim() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        extreme_u64().prop_map(|t| Some(read::u(t))),
        Just(Some(Value::Integer(Integer::from(i64::MIN)))),
        Just(Some(Value::Integer(Integer::from(-1i64)))),
        Just(Some(Value::Integer(Integer::from(i64::MAX)))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn extreme_times_never_panic(
        exp in time_claim(),
        nbf in time_claim(),
        iat in time_claim(),
        proof_time in extreme_u64(),
        lifetime in extreme_u64(),
        now in extreme_u64(),
        skew in extreme_u64(),
        max_age in extreme_u64(),
        trusted_signer in any::<bool>(),
    ) {
        let license = license();
        let attacker = IssuerKey::from_seed(&[7; 32]);
        let trusted = trusted_key();
        let signer: &dyn IssuerSigner = if trusted_signer { trusted.as_ref() } else { &attacker };
        let cred = resigned(&license, [exp, nbf, iat], signer);
        let text = shown(&license, &cred, proof_time, lifetime);
        let mut policy = Policy::at(UnixTime(now));
        policy.skew_secs = skew;
        policy.max_presentation_age_secs = max_age;
        policy.status_max_age_secs = max_age;
        let report = verifier().verify_text(&text, &policy);
        // Every report is displayable (times formatted) without panicking.
        let _ = format!("{report:?}");
        if let Some(l) = &report.license {
            let _ = UnixTime(l.valid_from).to_string();
            let _ = l.valid_until.map(|t| UnixTime(t).to_string());
        }
        if !trusted_signer {
            prop_assert_eq!(report.verdict, Verdict::Invalid);
            prop_assert!(report.license.is_none());
            prop_assert!(report.fields.is_empty());
        }
    }
}

#[test]
fn max_validity_signed_by_an_attacker_gets_no_rules_and_no_facts() {
    // Used to panic ("attempt to add with overflow" in UnixTime::cst_date):
    // the field rules ran because the digests matched, although the
    // credential was signed by a key nobody trusts.
    let license = license();
    let attacker = IssuerKey::from_seed(&[7; 32]);
    let cred = resigned(
        &license,
        [
            Some(read::u(u64::MAX)),
            Some(read::u(u64::MAX)),
            Some(read::u(NOW.0)),
        ],
        &attacker,
    );
    let report = verifier().verify_text(&shown(&license, &cred, NOW.0, 60), &Policy::at(NOW));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.first_problem().unwrap().1.code(), "unknown_issuer");
    assert_eq!(report.outcome(CheckKind::Fields), Some(&Outcome::Skipped));
    assert!(report.license.is_none(), "no license facts of a forgery");
    assert!(report.fields.is_empty());
}

#[test]
fn a_bad_issuer_signature_shows_no_license_facts() {
    let license = license();
    let mut cred = license.credential.clone();
    let last = cred.len() - 1;
    cred[last] ^= 1;
    let report = verifier().verify_text(&shown(&license, &cred, NOW.0, 60), &Policy::at(NOW));
    assert_eq!(
        report.first_problem().unwrap().1.code(),
        "bad_issuer_signature"
    );
    assert_eq!(report.outcome(CheckKind::Fields), Some(&Outcome::Skipped));
    assert!(
        report.license.is_none(),
        "issuer name and validity of a forgery shown"
    );
}

#[test]
fn max_validity_signed_by_the_issuer_is_evaluated_without_overflow() {
    let license = license();
    let trusted = trusted_key();
    let cred = resigned(
        &license,
        [
            Some(read::u(u64::MAX)),
            Some(read::u(0)),
            Some(read::u(NOW.0)),
        ],
        trusted.as_ref(),
    );
    let report = verifier().verify_text(&shown(&license, &cred, NOW.0, 60), &Policy::at(NOW));
    // 0 → 9999-12-31 is not an ID card term: refused by the rule, not by a panic.
    assert_eq!(report.first_problem().unwrap().1.code(), "rule_violated");
    assert!(report.license.is_some());
}
