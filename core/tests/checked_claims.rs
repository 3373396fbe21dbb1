//! `Issuer::check` + `CheckedClaims::issue_with_rng` (validate once, sign
//! later: the registry's bulk path) issue exactly what `issue_with_rng` does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use liangzheng::credential::{Claims, Issuer, StatusRefJson};
use liangzheng::holder::HolderPublicKey;
use liangzheng::ids::Uscc;
use liangzheng::keys::IssuerKey;
use liangzheng::time::UnixTime;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const NOW: UnixTime = UnixTime(1_767_225_600);

fn issuer() -> Issuer {
    Issuer::new(
        Arc::new(IssuerKey::from_seed(&[1; 32])),
        "济南市",
        Uscc::parse("11370100004307520K").unwrap(),
    )
}

fn claims() -> Claims {
    common::id_card_claims()
}

fn holder() -> HolderPublicKey {
    HolderPublicKey::ed25519(
        &ed25519_dalek::SigningKey::from_bytes(&[9; 32])
            .verifying_key()
            .to_bytes(),
    )
    .unwrap()
}

#[test]
fn checked_issue_is_byte_identical_to_issue_with_status_set_later() {
    let issuer = issuer();
    let holder = holder();
    let mut with_status = claims();
    with_status.status = Some(StatusRefJson {
        list: 7,
        index: 123_456,
    });
    let direct = issuer
        .issue_with_rng(
            &with_status,
            Some(&holder),
            NOW,
            &mut ChaCha20Rng::from_seed([3; 32]),
        )
        .unwrap();

    let mut checked = issuer.check(claims()).unwrap();
    assert_eq!(checked.license_type().id, "cn.resident-id-card");
    assert!(checked.claims().status.is_none());
    checked.set_status(7, 123_456);
    let later = checked
        .issue_with_rng(Some(&holder), NOW, &mut ChaCha20Rng::from_seed([3; 32]))
        .unwrap();
    assert_eq!(later.to_bytes(), direct.to_bytes());
    assert_eq!(later.views.len(), direct.views.len());
    assert!(!later.views.is_empty());

    // Without the slot the credential differs (the status reference is signed).
    let unslotted = issuer
        .check(claims())
        .unwrap()
        .issue_with_rng(Some(&holder), NOW, &mut ChaCha20Rng::from_seed([3; 32]))
        .unwrap();
    assert_ne!(unslotted.to_bytes(), direct.to_bytes());
}

#[test]
fn check_refuses_what_issue_refuses_with_the_same_error() {
    let issuer = issuer();
    let mut bad = claims();
    bad.fields
        .insert("id_number".into(), "370102199003070017".into());
    let by_issue = issuer
        .issue(&bad, Some(&holder()), NOW)
        .unwrap_err()
        .to_string();
    let by_check = issuer.check(bad).unwrap_err().to_string();
    assert_eq!(by_check, by_issue);
    assert!(by_check.contains("id_number"), "{by_check}");
}

#[test]
fn holder_requirement_is_still_enforced_when_signing_checked_claims() {
    // The ID card type requires a holder key; checking does not waive it.
    let issuer = issuer();
    let err = issuer
        .check(claims())
        .unwrap()
        .issue_with_rng(None, NOW, &mut ChaCha20Rng::from_seed([3; 32]))
        .unwrap_err();
    assert!(
        matches!(err, liangzheng::credential::IssueError::HolderKeyRequired),
        "{err:?}"
    );
}
