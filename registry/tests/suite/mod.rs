//! The engine-independent registry test suite: every engine runs all of it.

#![allow(dead_code)]

use std::sync::Arc;

use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::status::{list_uri, StatusToken, StatusValue};
use lz_registry::publish::{publish, PublishOptions};
use lz_registry::*;

/// A USCC that passes the check-digit test.
pub const CODE: &str = "11430000006122244L";

/// Makes a fresh, empty database and opens it.
pub type Fresh<'a> = dyn Fn() -> Box<dyn Store> + 'a;

pub fn config(list_size: u64) -> RegistryConfig {
    RegistryConfig {
        issuer_code: CODE.into(),
        list_size,
    }
}

pub fn item(n: usize) -> NewLicense {
    NewLicense {
        request_id: format!("req-{n}"),
        license_type: "cn.resident-id-card".into(),
        license_number: format!("N{n:08}"),
        holder_fingerprint: Some(format!("{n:064x}")),
        key_id: "0011223344556677".into(),
        issued_at: 1_760_000_000 + n as u64,
        valid_from: "2025-01-01".into(),
        valid_until: Some("2045-01-01".into()),
    }
}

fn key(n: usize) -> LicenseKey {
    LicenseKey {
        number: format!("N{n:08}"),
        license_type: None,
    }
}

fn change(n: usize, action: Action, reason: Reason, at: u64) -> ChangeRequest {
    ChangeRequest {
        license: key(n),
        action,
        reason,
        actor: "operator-7".into(),
        note: "案件 2025-001".into(),
        at,
    }
}

fn new_records(r: Vec<Recorded>) -> Vec<LicenseRecord> {
    r.into_iter()
        .map(|x| match x {
            Recorded::New(rec) => rec,
            other => panic!("expected a new record, got {other:?}"),
        })
        .collect()
}

fn signer() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[42u8; 32]))
}

fn verify_token(token: &[u8], pk: &liangzheng::alg::PublicKey) -> StatusToken {
    let vk = pk.verifying_key().expect("key");
    StatusToken::parse_verified(token, |_, _| Some(vk.clone())).expect("token verifies")
}

pub fn init_twice_and_uninitialised(fresh: &Fresh<'_>) {
    let mut s = fresh();
    assert_eq!(s.config().err(), Some(RegistryError::NotInitialised));
    assert_eq!(
        s.record(&[item(1)]).err(),
        Some(RegistryError::NotInitialised)
    );
    assert!(matches!(
        s.init(
            &RegistryConfig {
                issuer_code: "not a uscc".into(),
                list_size: 64
            },
            1
        ),
        Err(RegistryError::BadInput(_))
    ));
    assert!(matches!(
        s.init(&config(7), 1),
        Err(RegistryError::BadInput(_))
    ));
    s.init(&config(64), 1).expect("init");
    assert_eq!(s.config().expect("config"), config(64));
    assert_eq!(
        s.init(&config(64), 1).err(),
        Some(RegistryError::AlreadyInitialised)
    );
}

pub fn allocation_is_consecutive_and_rolls_over(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(8), 1).expect("init");
    let items: Vec<_> = (0..13).map(item).collect();
    let recs = new_records(s.record(&items).expect("record"));
    let slots: Vec<(u32, u64)> = recs.iter().map(|r| (r.list, r.index)).collect();
    let want: Vec<(u32, u64)> = (0..8u64)
        .map(|i| (0, i))
        .chain((0..5u64).map(|i| (1, i)))
        .collect();
    assert_eq!(slots, want);
    let more = new_records(
        s.record(&(13..20).map(item).collect::<Vec<_>>())
            .expect("record"),
    );
    assert_eq!(
        more.iter().map(|r| (r.list, r.index)).collect::<Vec<_>>(),
        vec![(1, 5), (1, 6), (1, 7), (2, 0), (2, 1), (2, 2), (2, 3)]
    );
    let stats = s.stats().expect("stats");
    assert_eq!(
        stats.lists,
        vec![
            ListUsage {
                list: 0,
                size: 8,
                used: 8
            },
            ListUsage {
                list: 1,
                size: 8,
                used: 8
            },
            ListUsage {
                list: 2,
                size: 8,
                used: 4
            }
        ]
    );
    let integrity = s.integrity().expect("integrity");
    assert!(integrity.is_clean(), "{integrity:?}");
    assert_eq!(integrity.licenses, 20);
    let found = s.find(&key(9)).expect("find");
    assert_eq!((found.list, found.index), (1, 1));
    assert_eq!(found.license, item(9));
}

pub fn resume_is_idempotent(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(64), 1).expect("init");
    let items: Vec<_> = (0..10).map(item).collect();
    let first = new_records(s.record(&items[..6]).expect("record"));
    let again = s.record(&items).expect("record again");
    for (i, r) in again.iter().enumerate() {
        match r {
            Recorded::Existing(rec) if i < 6 => assert_eq!(rec, &first[i]),
            Recorded::New(rec) if i >= 6 => assert_eq!(rec.index, i as u64),
            other => panic!("item {i}: {other:?}"),
        }
    }
    let found = s
        .by_request(&["req-3".to_string(), "req-99".to_string()])
        .expect("by_request");
    assert_eq!(found, vec![first[3].clone()]);
    let integrity = s.integrity().expect("integrity");
    assert!(
        integrity.is_clean() && integrity.licenses == 10,
        "{integrity:?}"
    );
}

pub fn duplicates_and_bad_items_are_refused_alone(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(64), 1).expect("init");
    new_records(s.record(&[item(1)]).expect("record"));
    let mut same_number = item(1);
    same_number.request_id = "another".into();
    let mut empty = item(3);
    empty.license_number = String::new();
    let mut reused_request = item(4);
    reused_request.request_id = "req-1".into();
    let batch = vec![same_number, item(2), empty, reused_request, item(2)];
    let out = s.record(&batch).expect("record");
    assert!(matches!(
        out[0],
        Recorded::Refused(RegistryError::DuplicateLicense { .. })
    ));
    assert!(matches!(&out[1], Recorded::New(r) if r.index == 1));
    assert!(matches!(
        out[2],
        Recorded::Refused(RegistryError::BadInput(_))
    ));
    assert!(matches!(
        out[3],
        Recorded::Refused(RegistryError::DuplicateRequest { .. })
    ));
    assert!(matches!(
        out[4],
        Recorded::Refused(RegistryError::DuplicateRequest { .. })
    ));
    let integrity = s.integrity().expect("integrity");
    assert!(
        integrity.is_clean() && integrity.licenses == 2,
        "{integrity:?}"
    );
}

pub fn status_changes_and_history(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(64), 1).expect("init");
    new_records(
        s.record(&(0..3).map(item).collect::<Vec<_>>())
            .expect("record"),
    );
    let c1 = s
        .change_status(&change(1, Action::Suspend, Reason::Withheld, 100))
        .expect("suspend");
    assert_eq!(
        (c1.from, c1.to),
        (LicenseStatus::Valid, LicenseStatus::Suspended)
    );
    let c2 = s
        .change_status(&change(1, Action::Reinstate, Reason::Restored, 200))
        .expect("reinstate");
    let c3 = s
        .change_status(&change(1, Action::Revoke, Reason::Lost, 300))
        .expect("revoke");
    assert!(c1.seq < c2.seq && c2.seq < c3.seq);
    // Refused changes change nothing.
    assert_eq!(
        s.change_status(&change(1, Action::Revoke, Reason::Lost, 400))
            .err(),
        Some(RegistryError::InvalidTransition {
            from: LicenseStatus::Revoked,
            action: Action::Revoke
        })
    );
    assert_eq!(
        s.change_status(&change(1, Action::Reinstate, Reason::Restored, 400))
            .err(),
        Some(RegistryError::InvalidTransition {
            from: LicenseStatus::Revoked,
            action: Action::Reinstate
        })
    );
    assert_eq!(
        s.change_status(&change(2, Action::Reinstate, Reason::Restored, 400))
            .err(),
        Some(RegistryError::InvalidTransition {
            from: LicenseStatus::Valid,
            action: Action::Reinstate
        })
    );
    assert_eq!(
        s.change_status(&change(77, Action::Revoke, Reason::Lost, 400))
            .err(),
        Some(RegistryError::UnknownLicense {
            number: "N00000077".into()
        })
    );
    let (rec, history) = s.history(&key(1)).expect("history");
    assert_eq!(rec.status, LicenseStatus::Revoked);
    assert_eq!(history, vec![c1, c2, c3]);
    assert_eq!(history[2].reason, Reason::Lost);
    assert_eq!(history[2].actor, "operator-7");
    assert_eq!(history[2].note, "案件 2025-001");
    let (_, none) = s.history(&key(0)).expect("history");
    assert!(none.is_empty());
    let stats = s.stats().expect("stats");
    assert_eq!(stats.changes, 3);
    assert_eq!(
        stats.by_type_status,
        vec![
            ("cn.resident-id-card".to_string(), LicenseStatus::Valid, 2),
            ("cn.resident-id-card".to_string(), LicenseStatus::Revoked, 1)
        ]
    );
    assert!(s.integrity().expect("integrity").is_clean());
}

pub fn same_number_under_two_types(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(64), 1).expect("init");
    let mut other = item(5);
    other.request_id = "other-type".into();
    other.license_type = "cn.business-license".into();
    new_records(s.record(&[item(5), other]).expect("record"));
    assert_eq!(
        s.change_status(&change(5, Action::Revoke, Reason::Cancelled, 10))
            .err(),
        Some(RegistryError::AmbiguousLicense {
            number: "N00000005".into()
        })
    );
    let mut req = change(5, Action::Revoke, Reason::Cancelled, 10);
    req.license.license_type = Some("cn.business-license".into());
    s.change_status(&req).expect("revoke with type");
    let mut k = key(5);
    k.license_type = Some("cn.resident-id-card".into());
    assert_eq!(s.find(&k).expect("find").status, LicenseStatus::Valid);
}

pub fn publish_reflects_committed_state(fresh: &Fresh<'_>) {
    let mut s = fresh();
    s.init(&config(16), 1).expect("init");
    new_records(
        s.record(&(0..20).map(item).collect::<Vec<_>>())
            .expect("record"),
    );
    s.change_status(&change(3, Action::Revoke, Reason::Lost, 10))
        .expect("revoke");
    s.change_status(&change(17, Action::Suspend, Reason::Withheld, 11))
        .expect("suspend");
    let key = signer();
    let pk = key.public_key();
    let opts = PublishOptions {
        signer: key.clone(),
        ttl: Some(3600),
        now: 1000,
        lists: None,
    };
    let p1 = publish(s.as_mut(), &opts).expect("publish");
    assert_eq!(p1.len(), 2);
    assert_eq!((p1[0].list, p1[0].revoked, p1[0].suspended), (0, 1, 0));
    assert_eq!((p1[1].list, p1[1].revoked, p1[1].suspended), (1, 0, 1));
    assert!(p1[0].seq < p1[1].seq);
    let t0 = verify_token(&p1[0].token, &pk);
    assert_eq!(t0.uri, list_uri(CODE, 0));
    assert_eq!(t0.issued_at.0, 1000);
    assert_eq!(t0.list.len(), 16);
    for i in 0..16 {
        let want = if i == 3 {
            StatusValue::Invalid
        } else {
            StatusValue::Valid
        };
        assert_eq!(t0.list.status(i), Some(want), "index {i}");
    }
    let t1 = verify_token(&p1[1].token, &pk);
    assert_eq!(t1.list.status(1), Some(StatusValue::Suspended));
    // A revocation after the publication is not in it, and is in the next one.
    s.change_status(&change(4, Action::Revoke, Reason::Cancelled, 12))
        .expect("revoke after");
    assert_eq!(t0.list.status(4), Some(StatusValue::Valid));
    let p2 = publish(s.as_mut(), &opts).expect("publish again, same clock");
    assert!(p2[0].seq > p1[1].seq);
    assert_eq!(p2[0].issued_at, 1001, "iat strictly increases per list");
    assert!(p2[0].as_of_change > p1[0].as_of_change);
    let snap = s.snapshot(0).expect("snapshot").expect("list 0 exists");
    assert_eq!(
        snap.not_valid,
        vec![(3, LicenseStatus::Revoked), (4, LicenseStatus::Revoked)]
    );
    assert_eq!((snap.size, snap.used), (16, 16));
    assert_eq!(s.snapshot(1).expect("snapshot").map(|l| l.used), Some(4));
    assert_eq!(s.snapshot(9).expect("snapshot"), None);
    let t2 = verify_token(&p2[0].token, &pk);
    assert_eq!(t2.list.status(4), Some(StatusValue::Invalid));
    assert_eq!(t2.list.status(3), Some(StatusValue::Invalid));
    let only1 = publish(
        s.as_mut(),
        &PublishOptions {
            lists: Some(vec![1]),
            now: 5000,
            ..opts.clone()
        },
    )
    .expect("publish one list");
    assert_eq!(only1.len(), 1);
    assert_eq!((only1[0].list, only1[0].issued_at), (1, 5000));
    assert_eq!(s.stats().expect("stats").publications, 5);
}

/// Runs the whole suite.
pub fn run_all(fresh: &Fresh<'_>) {
    init_twice_and_uninitialised(fresh);
    allocation_is_consecutive_and_rolls_over(fresh);
    resume_is_idempotent(fresh);
    duplicates_and_bad_items_are_refused_alone(fresh);
    status_changes_and_history(fresh);
    same_number_under_two_types(fresh);
    publish_reflects_committed_state(fresh);
}

/// A citizen ID number (GB 11643, male, with its check character) and the
/// matching birth date, for person `n` (born 1980–1993: a 20-year term from 2020; unique for n < 2,352,000).
pub fn person(n: usize) -> (String, String) {
    let d = n / 500;
    let (year, month, day) = (1980 + d / 336, (d / 28) % 12 + 1, d % 28 + 1);
    let birth = format!("{year:04}-{month:02}-{day:02}");
    let body = format!("370102{year:04}{month:02}{day:02}{:03}", (n % 500) * 2 + 1);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    (format!("{body}{check}"), birth)
}

/// Parses a batch line's `holder_key` (`ed25519:` + hex), as `lz` does.
pub fn parse_holder(s: &str) -> std::result::Result<liangzheng::holder::HolderPublicKey, String> {
    let hex = s.strip_prefix("ed25519:").ok_or("not ed25519:")?;
    let raw: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect::<std::result::Result<_, _>>()?;
    liangzheng::holder::HolderPublicKey::ed25519(&raw).map_err(|e| e.to_string())
}

/// The result lines of a batch output file; every line must be whole JSON.
pub fn results(path: &std::path::Path) -> Vec<lz_registry::batch::ResultLine> {
    std::fs::read_to_string(path)
        .expect("read results")
        .lines()
        .map(|l| serde_json::from_str(l).expect("whole result line"))
        .collect()
}
