//! The registry suite on SQLite, plus SQLite's own failure paths.

mod suite;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lz_registry::sqlite::SqliteStore;
use lz_registry::*;

static N: AtomicUsize = AtomicUsize::new(0);

fn fresh_path(dir: &tempfile::TempDir) -> String {
    let n = N.fetch_add(1, Ordering::SeqCst);
    dir.path()
        .join(format!("r{n}.db"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn suite_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fresh =
        || -> Box<dyn Store> { open(&fresh_path(&dir), &OpenOptions::default()).expect("open") };
    suite::run_all(&fresh);
}

#[test]
fn a_locked_database_is_a_typed_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fresh_path(&dir);
    let mut s = SqliteStore::open(&path, &OpenOptions::default()).expect("open");
    s.init(&suite::config(64), 1).expect("init");
    s.record(&[suite::item(1)]).expect("record");
    let blocker = rusqlite::Connection::open(&path).expect("second connection");
    blocker
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("take the write lock");
    let quick = OpenOptions {
        busy_timeout: Duration::from_millis(200),
    };
    let mut s2 = SqliteStore::open(&path, &quick).expect("open while locked");
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
    let msg = RegistryError::Locked.to_string();
    assert!(msg.contains("锁定") && msg.contains("locked"), "{msg}");
    blocker.execute_batch("ROLLBACK").expect("release");
    let i = s2.integrity().expect("integrity");
    assert!(i.is_clean() && i.licenses == 1, "{i:?}");
    assert_eq!(
        s2.find(&req.license).expect("find").status,
        LicenseStatus::Valid
    );
    s2.change_status(&req).expect("works once unlocked");
}

#[test]
fn a_full_disk_is_a_typed_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fresh_path(&dir);
    let mut s = SqliteStore::open(&path, &OpenOptions::default()).expect("open");
    s.init(&suite::config(1 << 20), 1).expect("init");
    s.record(&(0..10).map(suite::item).collect::<Vec<_>>())
        .expect("record");
    let pages: i64 = rusqlite::Connection::open(&path)
        .expect("conn")
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("page_count");
    // SQLite's own size limit makes writes fail exactly as a full disk does (SQLITE_FULL).
    s.set_max_page_count(u64::try_from(pages).expect("pages") + 2)
        .expect("limit");
    let big: Vec<_> = (10..5000).map(suite::item).collect();
    assert_eq!(s.record(&big).err(), Some(RegistryError::DiskFull));
    let msg = RegistryError::DiskFull.to_string();
    assert!(msg.contains("磁盘已满") && msg.contains("full"), "{msg}");
    let i = s.integrity().expect("integrity");
    assert!(i.is_clean() && i.licenses == 10, "{i:?}");
    assert_eq!(s.stats().expect("stats").lists[0].used, 10);
}

#[test]
fn history_is_append_only_in_the_database_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fresh_path(&dir);
    let mut s = SqliteStore::open(&path, &OpenOptions::default()).expect("open");
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
    let raw = rusqlite::Connection::open(&path).expect("conn");
    for sql in [
        "UPDATE history SET reason = 'other'",
        "DELETE FROM history",
        "DELETE FROM licenses",
        "UPDATE licenses SET idx = 99",
    ] {
        let err = raw.execute(sql, []).expect_err(sql);
        assert!(
            err.to_string().contains("ABORT")
                || err.to_string().contains("append-only")
                || err.to_string().contains("never")
                || err.to_string().contains("keeps"),
            "{sql}: {err}"
        );
    }
    // A status change committed before the call returned is there for a new connection.
    let status: i64 = raw
        .query_row("SELECT status FROM licenses", [], |r| r.get(0))
        .expect("status");
    assert_eq!(status, 2);
}
