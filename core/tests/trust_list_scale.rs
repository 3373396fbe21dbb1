//! National-scale trust lists: tens of thousands of issuers load and verify,
//! the same key listed twice is refused, and an older list never replaces a
//! newer one (rollback). Lists are generated here from a seed, not committed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use liangzheng::alg::PublicKey;
use std::sync::Arc;

use ciborium::value::Value;
use liangzheng::cbor::{self, read};
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustError, TrustStore, TrustedIssuer, TRUST_LIST_TYP};
use liangzheng::verify::{Policy, Verdict, Verifier};
use liangzheng::wallet::Wallet;

/// 2026-01-01 00:00 UTC.
const NOW: UnixTime = UnixTime(1_767_225_600);
const ID_CARD: &str = "11100000000013338W901";
const ISSUER_CODE: &str = "11370100004307520K";

/// A deterministic issuer key for entry `i` (seeded, so the list is reproducible).
fn seed_key(i: u32) -> IssuerKey {
    let mut seed = [0x5a; 32];
    seed[..4].copy_from_slice(&i.to_be_bytes());
    IssuerKey::from_seed(&seed)
}

fn entry(i: u32, public_key: PublicKey) -> TrustedIssuer {
    TrustedIssuer {
        public_key,
        name_zh: format!("第{i}号县公安局"),
        name_en: format!("County Public Security Bureau No. {i}"),
        code: ISSUER_CODE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into()],
        not_before: 0,
        not_after: None,
    }
}

/// Entries that scans in these tests use get real seeded keys; the others get
/// 32 filler bytes derived from the index (deriving 50,000 Ed25519 keys would
/// dominate the test's time, and a verifier never touches an entry's key
/// until a credential names it).
const SCANNED: [u32; 6] = [0, 3, 7, 25_000, 49_999, 50_000];

fn public_key(i: u32) -> PublicKey {
    if SCANNED.contains(&i) {
        seed_key(i).public_key()
    } else {
        use sha2::Digest as _;
        PublicKey::Ed25519(sha2::Sha256::digest(format!("filler key {i}")).into())
    }
}

/// A trust store of `n` seeded entries.
fn store(n: u32, issued_at: UnixTime) -> TrustStore {
    TrustStore {
        issuers: (0..n).map(|i| entry(i, public_key(i))).collect(),
        issued_at,
        expires: Some(NOW.plus(365 * 86_400)),
    }
}

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[9; 32])
}

fn claims() -> Claims {
    common::id_card_claims()
}

/// An ID card issued by the key of entry `i`, shown (name only) at NOW.
fn shown_by(i: u32) -> String {
    let issuer = Issuer::new(
        Arc::new(seed_key(i)),
        "县公安局",
        Uscc::parse(ISSUER_CODE).unwrap(),
    );
    let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
    let license = issuer
        .issue(&claims(), Some(&phone.public_key()), NOW.minus(3_600))
        .unwrap();
    let mut wallet = Wallet::new(phone);
    wallet.add(license).unwrap();
    wallet.present(0, &["name"], NOW).unwrap()
}

#[test]
fn a_list_of_256_issuers_loads() {
    // Used to fail with "too many CBOR items" (a fixed limit of 4,096 items).
    let root = root();
    let bytes = store(256, NOW).sign(&root).unwrap();
    let loaded = TrustStore::from_signed(&bytes, &root.public_key()).unwrap();
    assert_eq!(loaded.issuers.len(), 256);
}

#[test]
fn a_national_list_of_50000_issuers_loads_and_verifies() {
    let root = root();
    let bytes = store(50_000, NOW).sign(&root).unwrap();
    assert!(bytes.len() > 5_000_000, "{} bytes", bytes.len());
    let loaded = TrustStore::from_signed(&bytes, &root.public_key()).unwrap();
    assert_eq!(loaded.issuers.len(), 50_000);
    let verifier = Verifier::new(loaded);
    let mut policy = Policy::at(NOW);
    policy.status = liangzheng::verify::StatusPolicy::Lenient;
    // The first, a middle and the last entry all verify.
    for i in [0, 25_000, 49_999] {
        let report = verifier.verify_text(&shown_by(i), &policy);
        assert_eq!(report.verdict, Verdict::Valid, "entry {i}: {report:?}");
        let issuer = &report.license.as_ref().unwrap().issuer_zh;
        assert_eq!(issuer, &format!("第{i}号县公安局"));
    }
    // A key that is not on the list is still unknown.
    let report = verifier.verify_text(&shown_by(50_000), &policy);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.first_problem().unwrap().1.code(), "unknown_issuer");
}

/// Signs a payload by hand, so a list with a repeated key reaches the reader.
fn sign_raw(issuers: &[TrustedIssuer], root: &dyn IssuerSigner) -> Vec<u8> {
    let entries = issuers
        .iter()
        .map(|e| {
            Value::Map(vec![
                (read::i(1), Value::Bytes(e.public_key.as_bytes().to_vec())),
                (read::i(2), Value::Text(e.name_zh.clone())),
                (read::i(3), Value::Text(e.name_en.clone())),
                (read::i(4), Value::Text(e.code.clone())),
                (read::i(5), Value::Text(e.region.clone())),
                (
                    read::i(6),
                    Value::Array(e.types.iter().map(|t| Value::Text(t.clone())).collect()),
                ),
                (read::i(7), read::u(e.not_before)),
                (read::i(9), read::i(e.public_key.cose_alg())),
            ])
        })
        .collect();
    let payload = Value::Map(vec![
        (read::i(1), read::u(1)),
        (read::i(2), read::u(NOW.0)),
        (read::i(4), Value::Array(entries)),
    ]);
    Sign1::sign(&cbor::encode(&payload), Some(TRUST_LIST_TYP), root).unwrap()
}

#[test]
fn the_same_key_twice_is_refused_when_signing_and_when_loading() {
    let root = root();
    let key = seed_key(7).public_key();
    let mut other_types = entry(8, key.clone());
    other_types.types = vec!["11100000000013338W903".into()];
    let dup = vec![entry(7, key.clone()), other_types];
    let kid = entry(7, key).key_id().to_hex();

    let store = TrustStore::from_issuers(dup.clone());
    assert_eq!(
        store.sign(&root),
        Err(TrustError::DuplicateKey {
            key_id: kid.clone()
        })
    );
    let err = TrustStore::from_signed(&sign_raw(&dup, &root), &root.public_key()).unwrap_err();
    assert_eq!(
        err,
        TrustError::DuplicateKey {
            key_id: kid.clone()
        }
    );
    use liangzheng::lang::Localized as _;
    assert!(err.zh().contains(&kid) && err.zh().contains("多次"));
    assert!(err.en().contains("listed twice"));

    // A store built directly keeps the first entry, in `find` and in the verifier alike.
    let verifier = Verifier::new(TrustStore::from_issuers(dup));
    let mut policy = Policy::at(NOW);
    policy.status = liangzheng::verify::StatusPolicy::Lenient;
    assert_eq!(
        verifier.verify_text(&shown_by(7), &policy).verdict,
        Verdict::Valid
    );
}

#[test]
fn an_older_trust_list_never_replaces_a_newer_one() {
    let root = root();
    let newer =
        TrustStore::from_signed(&store(3, NOW).sign(&root).unwrap(), &root.public_key()).unwrap();
    // The older list still trusts key 3, since removed.
    let older = TrustStore::from_signed(
        &store(4, NOW.minus(86_400)).sign(&root).unwrap(),
        &root.public_key(),
    )
    .unwrap();
    let mut verifier = Verifier::new(newer.clone());
    assert_eq!(
        verifier.update_trust(older),
        Err(TrustError::OlderThanCurrent {
            have: NOW.0,
            got: NOW.0 - 86_400
        })
    );
    let mut policy = Policy::at(NOW);
    policy.status = liangzheng::verify::StatusPolicy::Lenient;
    assert_eq!(
        verifier
            .verify_text(&shown_by(3), &policy)
            .first_problem()
            .unwrap()
            .1
            .code(),
        "unknown_issuer"
    );
    // Reloading the same list, or a later one, is accepted.
    assert_eq!(verifier.update_trust(newer), Ok(()));
    assert_eq!(verifier.update_trust(store(4, NOW.plus(60))), Ok(()));
    assert_eq!(
        verifier.verify_text(&shown_by(3), &policy).verdict,
        Verdict::Valid
    );
}
