//! The registry suite on PostgreSQL. Needs a server: `scripts/test-registry.sh`
//! starts one and sets `LZ_TEST_PG_URL` (a superuser URL); run with
//! `--include-ignored`. Without the variable the test fails loudly.

mod suite;

use std::sync::atomic::{AtomicUsize, Ordering};

use lz_registry::*;

fn admin_url() -> String {
    std::env::var("LZ_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("LZ_TEST_PG_URL is not set: PostgreSQL tests need the server scripts/test-registry.sh starts")
    })
}

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on the test server; returns its URL.
pub fn fresh_db(tag: &str) -> String {
    let admin = admin_url();
    let name = format!(
        "lzt_{tag}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut c =
        postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the test server");
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("URL ends with /dbname");
    format!("{base}/{name}")
}

#[test]
#[ignore = "needs PostgreSQL: run by scripts/test-registry.sh (--include-ignored)"]
fn suite_on_postgres() {
    let fresh =
        || -> Box<dyn Store> { open(&fresh_db("suite"), &OpenOptions::default()).expect("open") };
    suite::run_all(&fresh);
}

#[test]
#[ignore = "needs PostgreSQL: run by scripts/test-registry.sh (--include-ignored)"]
fn a_locked_allocator_is_a_typed_error_and_changes_nothing() {
    let url = fresh_db("lock");
    let mut s = open(&url, &OpenOptions::default()).expect("open");
    s.init(&suite::config(64), 1).expect("init");
    s.record(&[suite::item(1)]).expect("record");
    let mut blocker = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let mut tx = blocker.transaction().expect("tx");
    tx.batch_execute("SELECT * FROM allocator FOR UPDATE; SELECT * FROM licenses FOR UPDATE")
        .expect("lock");
    let quick = OpenOptions {
        busy_timeout: std::time::Duration::from_millis(200),
    };
    let mut s2 = open(&url, &quick).expect("open");
    assert_eq!(
        s2.record(&[suite::item(2)]).err(),
        Some(RegistryError::Locked)
    );
    let req = ChangeRequest {
        license: LicenseKey {
            number: "N00000001".into(),
            license_type: None,
        },
        action: Action::Revoke,
        reason: Reason::Lost,
        actor: "op".into(),
        note: String::new(),
        at: 5,
    };
    assert_eq!(s2.change_status(&req).err(), Some(RegistryError::Locked));
    tx.rollback().expect("release");
    let i = s2.integrity().expect("integrity");
    assert!(i.is_clean() && i.licenses == 1, "{i:?}");
    s2.change_status(&req).expect("works once unlocked");
}

#[test]
#[ignore = "needs PostgreSQL: run by scripts/test-registry.sh (--include-ignored)"]
fn history_is_append_only_in_the_database_itself() {
    let url = fresh_db("append");
    let mut s = open(&url, &OpenOptions::default()).expect("open");
    s.init(&suite::config(64), 1).expect("init");
    s.record(&[suite::item(1)]).expect("record");
    s.change_status(&ChangeRequest {
        license: LicenseKey {
            number: "N00000001".into(),
            license_type: None,
        },
        action: Action::Suspend,
        reason: Reason::Withheld,
        actor: "op".into(),
        note: String::new(),
        at: 5,
    })
    .expect("suspend");
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    for sql in [
        "UPDATE history SET reason = 'other'",
        "DELETE FROM history",
        "DELETE FROM licenses",
        "UPDATE licenses SET idx = 99",
    ] {
        let err = raw.batch_execute(sql).expect_err(sql);
        assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
    }
}
