//! 一照通 bundles end to end with the demo data: a business license and twelve
//! permits of one hotel company, from three departments, bound by one holder
//! signature, sent as an animated code with 30% of the frames lost and the
//! rest shuffled, verified member by member; and every way a bundle must fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use liangzheng::bundle::Bundle;
use liangzheng::credential::IssuedLicense;
use liangzheng::holder::DeviceSigner as _;
use liangzheng::qr::frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus};
use liangzheng::qr::QrKind;
use liangzheng::time::UnixTime;
use liangzheng::verify::{BundleError, CheckKind, Outcome, Policy, Verdict, Verifier, VerifyError};
use liangzheng::wallet::Wallet;
use lz_examples::demo::{self, AUTHORITIES, HOTEL_USCC, OTHER_USCC, PERMIT_AUTHORITIES};
use rand_core::RngCore as _;

fn now() -> UnixTime {
    demo::DEMO_NOW
}

fn verifier() -> Verifier {
    let mut v = Verifier::new(demo::bundle_trust_store());
    for t in demo::status_tokens(now().minus(60), 86_400)
        .into_iter()
        .chain(demo::bundle_status_tokens(now().minus(60), 86_400))
    {
        v.add_status_list(&t).unwrap();
    }
    v
}

fn issue(
    a: &demo::Authority,
    claims: &liangzheng::credential::Claims,
    bound: bool,
) -> IssuedLicense {
    let key = demo::holder_ed25519("杭州示例酒店的手机").public_key();
    demo::issuer(a)
        .issue(claims, bound.then_some(&key), now().minus(3600))
        .unwrap()
}

/// The hotel's wallet with its business license (index 0) and twelve permits.
fn hotel_wallet(bound: bool) -> Wallet {
    let mut w = Wallet::new(demo::holder_ed25519("杭州示例酒店的手机"));
    w.add(issue(
        &AUTHORITIES[1],
        &demo::hotel_business_claims(),
        bound,
    ))
    .unwrap();
    for (a, c) in demo::hotel_permit_claims(HOTEL_USCC) {
        w.add(issue(&PERMIT_AUTHORITIES[a], &c, bound)).unwrap();
    }
    w
}

const SHOWN: &[&str] = &["uscc", "name"];

fn all_members(w: &Wallet) -> Vec<(usize, &'static [&'static str])> {
    (0..w.len()).map(|i| (i, SHOWN)).collect()
}

/// Frames of `body` as the phone loops them, each loop shuffled and 30% of
/// the frames dropped at random, assembled (at most five loops).
fn over_the_air(kind: QrKind, body: &[u8], seed: &str) -> Vec<u8> {
    let mut frames = encode_frames(kind, body, &FrameOptions::default()).unwrap();
    let mut rng = demo::rng(seed);
    let mut asm = FrameAssembler::new();
    for _loop in 0..5 {
        for k in (1..frames.len()).rev() {
            frames.swap(k, rng.next_u32() as usize % (k + 1));
        }
        for f in &frames {
            if rng.next_u32() % 100 < 30 {
                continue;
            }
            if let FrameStatus::Complete(p) = asm.push(f).unwrap() {
                assert_eq!(p.kind, kind);
                return p.body;
            }
        }
    }
    panic!(
        "five loops minus 30% did not assemble: {} B body, {:?}",
        body.len(),
        asm.progress()
    )
}

#[test]
fn a_business_license_and_twelve_permits_verify_as_one_bundle_over_lossy_frames() {
    let w = hotel_wallet(true);
    assert_eq!(w.len(), 13);
    let body = w.present_bundle(&all_members(&w), now()).unwrap();
    for seed in ["a", "b", "c", "d", "e"] {
        let got = over_the_air(QrKind::Bundle, &body, seed);
        assert_eq!(got, body);
    }
    let r = verifier().verify_bundle(&body, &Policy::at(now().plus(5)));
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    assert!(r.holder_signed && r.problems.is_empty());
    assert_eq!(r.subject_code.as_deref(), Some(HOTEL_USCC));
    assert_eq!(r.subject_name.as_deref(), Some("杭州示例酒店管理有限公司"));
    assert_eq!(r.members.len(), 13);
    let types: Vec<String> = r
        .members
        .iter()
        .map(|m| m.report.license.as_ref().unwrap().type_zh.clone())
        .collect();
    assert_eq!(types[0], "营业执照");
    assert_eq!(types.iter().filter(|t| *t == "食品经营许可证").count(), 5);
    assert_eq!(
        types.iter().filter(|t| *t == "公共场所卫生许可证").count(),
        5
    );
    assert_eq!(types.iter().filter(|t| *t == "特种行业许可证").count(), 2);
    for m in &r.members {
        assert_eq!(m.verdict, Verdict::Valid);
        assert_eq!(m.same_subject, Some(true));
        assert_eq!(
            m.report.outcome(CheckKind::HolderSignature),
            Some(&Outcome::Passed)
        );
        assert_eq!(m.report.outcome(CheckKind::Status), Some(&Outcome::Passed));
        assert_eq!(
            m.report.outcome(CheckKind::IssuerAuthorized),
            Some(&Outcome::Passed)
        );
    }
    // Each permit was checked against its own department.
    let issuers: Vec<&str> = r
        .members
        .iter()
        .map(|m| m.report.license.as_ref().unwrap().issuer_zh.as_str())
        .collect();
    assert!(issuers.contains(&"杭州市卫生健康委员会") && issuers.contains(&"杭州市公安局"));
    // Too late: every member is stale (one signature, one freshness).
    let late = verifier().verify_bundle(&body, &Policy::at(now().plus(600)));
    assert_eq!(late.verdict, Verdict::Invalid);
    assert!(late
        .members
        .iter()
        .all(|m| m.report.first_problem().map(|(_, e)| e.code()) == Some("stale")));
}

#[test]
fn a_permit_of_another_company_is_caught_and_named() {
    let mut w = hotel_wallet(true);
    let (a, c) = demo::hotel_permit_claims(OTHER_USCC).remove(3);
    let other = w.add(issue(&PERMIT_AUTHORITIES[a], &c, true)).unwrap();
    let mut members = all_members(&w);
    members.retain(|(i, _)| *i != 4);
    let body = w.present_bundle(&members, now()).unwrap();
    let r = verifier().verify_bundle(&body, &Policy::at(now().plus(5)));
    assert_eq!(r.verdict, Verdict::Invalid);
    let pos = members.iter().position(|(i, _)| *i == other).unwrap();
    assert_eq!(
        r.problems,
        vec![BundleError::SubjectMismatch { index: pos }]
    );
    assert_eq!(r.members[pos].verdict, Verdict::Invalid);
    assert_eq!(r.members[pos].same_subject, Some(false));
    // Its own report is valid: it is a genuine permit, of someone else.
    assert_eq!(r.members[pos].report.verdict, Verdict::Valid);
    assert_eq!(
        r.members
            .iter()
            .filter(|m| m.verdict == Verdict::Valid)
            .count(),
        12
    );
    let e = &r.problems[0];
    assert_eq!(e.code(), "subject_mismatch");
    assert!(liangzheng::lang::Localized::zh(e).contains("另一市场主体"));
}

#[test]
fn a_permit_from_a_department_not_authorised_for_its_type_fails_alone() {
    let mut w = hotel_wallet(true);
    let (_, food) = demo::hotel_permit_claims(HOTEL_USCC).remove(0);
    // The street office may issue hygiene permits only.
    let forged = w.add(issue(&PERMIT_AUTHORITIES[3], &food, true)).unwrap();
    let body = w.present_bundle(&all_members(&w), now()).unwrap();
    let r = verifier().verify_bundle(&body, &Policy::at(now().plus(5)));
    assert_eq!(r.verdict, Verdict::Invalid);
    let m = &r.members[forged];
    assert_eq!(m.verdict, Verdict::Invalid);
    assert_eq!(
        m.report.outcome(CheckKind::IssuerAuthorized),
        Some(&Outcome::Failed(VerifyError::IssuerNotAuthorizedForType))
    );
    assert!(r.members[..forged]
        .iter()
        .all(|m| m.verdict == Verdict::Valid));
}

#[test]
fn members_cannot_be_dropped_added_or_reordered_after_signing() {
    let w = hotel_wallet(true);
    let body = w.present_bundle(&all_members(&w), now()).unwrap();
    let policy = Policy::at(now().plus(5));
    let mut b = Bundle::parse(&body).unwrap();
    // Drop a permit the holder showed (hiding one from the inspector is the holder's
    // right before signing, never after).
    b.members.remove(5);
    let r = verifier().verify_bundle(&b.to_bytes(), &policy);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r
        .members
        .iter()
        .all(|m| m.report.outcome(CheckKind::HolderSignature)
            == Some(&Outcome::Failed(VerifyError::BadHolderSignature))));
    // Reorder.
    let mut b = Bundle::parse(&body).unwrap();
    b.members.swap(1, 2);
    assert_eq!(
        verifier().verify_bundle(&b.to_bytes(), &policy).verdict,
        Verdict::Invalid
    );
    // Duplicate.
    let mut b = Bundle::parse(&body).unwrap();
    let dup = b.members[1].clone();
    b.members.push(dup);
    let r = verifier().verify_bundle(&b.to_bytes(), &policy);
    assert!(r
        .problems
        .contains(&BundleError::DuplicateMember { index: 13 }));
    // Truncated and junk bytes: typed, no panic.
    for bad in [&body[..body.len() / 2], &[0xA0][..], &[][..]] {
        let r = verifier().verify_bundle(bad, &policy);
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.problems[0].code(), "malformed_bundle");
    }
}

#[test]
fn a_static_wall_bundle_has_no_signature_and_must_show_the_subject_code() {
    let w = hotel_wallet(false);
    let body = w.present_bundle(&all_members(&w), now()).unwrap();
    let policy = Policy::at(now().plus(5));
    let r = verifier().verify_bundle(&body, &policy);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    assert!(!r.holder_signed);
    assert!(r.members.iter().all(|m| m
        .report
        .findings
        .contains(&liangzheng::verify::Finding::NotHolderBound)));
    // A member that hides its 统一社会信用代码 cannot be placed.
    let mut members = all_members(&w);
    members[4] = (4, &["name"]);
    let body = w.present_bundle(&members, now()).unwrap();
    let r = verifier().verify_bundle(&body, &policy);
    assert_eq!(
        r.problems,
        vec![BundleError::SubjectNotDisclosed { index: 4 }]
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    // An ID card is not an entity's license: refused as a member.
    let phone = demo::holder_ed25519("杭州示例酒店的手机");
    let card = demo::issuer(&AUTHORITIES[0])
        .issue(
            &demo::id_card_claims(),
            Some(&phone.public_key()),
            now().minus(3600),
        )
        .unwrap();
    let mut w2 = hotel_wallet(true);
    let i = w2.add(card).unwrap();
    let mut members = all_members(&w2);
    members.last_mut().unwrap().1 = &["name", "id_number"];
    let body = w2.present_bundle(&members, now()).unwrap();
    let r = verifier().verify_bundle(&body, &policy);
    assert!(r.problems.contains(&BundleError::NotAnEntity { index: i }));
}
