//! The embedded engine: one SQLite file (bundled SQLite), WAL journal,
//! `synchronous=FULL` (a committed change survives power loss), every write in
//! a `BEGIN IMMEDIATE` transaction so concurrent issuing processes serialise on
//! the file lock and wait up to the busy timeout.

use std::collections::HashSet;

use rusqlite::{
    params, Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior,
};

use crate::alloc::{self, AllocState};
use crate::error::{RegistryError, Result};
use crate::model::*;
use crate::store::{ListSigner, Store};
use crate::{check_config, check_new, OpenOptions};

/// Schema version written at `init`.
pub const SCHEMA_VERSION: &str = "1";

const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE allocator (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  list_id INTEGER NOT NULL,
  next_index INTEGER NOT NULL
) STRICT;
CREATE TABLE status_lists (
  list_id INTEGER PRIMARY KEY,
  size INTEGER NOT NULL,
  opened_at INTEGER NOT NULL
) STRICT;
CREATE TABLE licenses (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  license_type TEXT NOT NULL,
  license_number TEXT NOT NULL,
  holder_fpr TEXT,
  key_id TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT,
  list_id INTEGER NOT NULL REFERENCES status_lists(list_id),
  idx INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  UNIQUE (license_type, license_number),
  UNIQUE (list_id, idx)
) STRICT;
CREATE INDEX licenses_by_number ON licenses(license_number);
CREATE INDEX licenses_not_valid ON licenses(list_id, idx) WHERE status <> 0;
CREATE TABLE history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  license_id INTEGER NOT NULL REFERENCES licenses(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status INTEGER NOT NULL,
  to_status INTEGER NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL
) STRICT;
CREATE INDEX history_by_license ON history(license_id, seq);
CREATE TABLE publications (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  list_id INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  revoked INTEGER NOT NULL,
  suspended INTEGER NOT NULL,
  as_of_change INTEGER NOT NULL,
  token_sha256 TEXT NOT NULL
) STRICT;
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  BEGIN SELECT RAISE(ABORT, 'licenses are never deleted'); END;
CREATE TRIGGER licenses_keep_slot
  BEFORE UPDATE OF request_id, license_type, license_number, list_id, idx ON licenses
  BEGIN SELECT RAISE(ABORT, 'a license keeps its number and slot'); END;
"#;

const RECORD_COLUMNS: &str = "request_id, license_type, license_number, holder_fpr, key_id, \
     issued_at, valid_from, valid_until, list_id, idx, status";

/// A registry in a SQLite file.
pub struct SqliteStore {
    conn: Connection,
}

fn map_err(e: rusqlite::Error) -> RegistryError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return RegistryError::Locked,
            ErrorCode::DiskFull => return RegistryError::DiskFull,
            _ => {
                if let Some(m) = msg {
                    if m.starts_with("no such table") {
                        return RegistryError::NotInitialised;
                    }
                }
            }
        }
    }
    RegistryError::Storage(e.to_string())
}

fn to_i64(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| RegistryError::BadInput(format!("{what} out of range")))
}

fn row_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<(NewLicense, i64, i64, i64)> {
    Ok((
        NewLicense {
            request_id: row.get(0)?,
            license_type: row.get(1)?,
            license_number: row.get(2)?,
            holder_fingerprint: row.get(3)?,
            key_id: row.get(4)?,
            issued_at: u64::try_from(row.get::<_, i64>(5)?).unwrap_or(0),
            valid_from: row.get(6)?,
            valid_until: row.get(7)?,
        },
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
    ))
}

fn to_record(raw: (NewLicense, i64, i64, i64)) -> Result<LicenseRecord> {
    let (license, list, index, status) = raw;
    Ok(LicenseRecord {
        license,
        list: u32::try_from(list).map_err(|_| RegistryError::Storage("list id".into()))?,
        index: u64::try_from(index).map_err(|_| RegistryError::Storage("index".into()))?,
        status: LicenseStatus::from_code(status)
            .ok_or_else(|| RegistryError::Storage(format!("unknown status code {status}")))?,
    })
}

fn find_in(tx: &Connection, key: &LicenseKey) -> Result<(i64, LicenseRecord)> {
    let sql = format!("SELECT {RECORD_COLUMNS}, id FROM licenses WHERE license_number = ?1 AND (?2 IS NULL OR license_type = ?2) LIMIT 2");
    let mut stmt = tx.prepare_cached(&sql).map_err(map_err)?;
    let mut rows = stmt
        .query_map(params![key.number, key.license_type], |r| {
            Ok((row_record(r)?, r.get::<_, i64>(11)?))
        })
        .map_err(map_err)?;
    let first = rows.next().transpose().map_err(map_err)?;
    let second = rows.next().transpose().map_err(map_err)?;
    match (first, second) {
        (None, _) => Err(RegistryError::UnknownLicense {
            number: key.number.clone(),
        }),
        (Some(_), Some(_)) => Err(RegistryError::AmbiguousLicense {
            number: key.number.clone(),
        }),
        (Some((raw, id)), None) => Ok((id, to_record(raw)?)),
    }
}

fn alloc_state(tx: &Transaction<'_>) -> Result<AllocState> {
    let (list, next, size): (i64, i64, i64) = tx
        .query_row(
            "SELECT a.list_id, a.next_index, s.size FROM allocator a JOIN status_lists s ON s.list_id = a.list_id WHERE a.id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(map_err)?;
    Ok(AllocState {
        list: u32::try_from(list).map_err(|_| RegistryError::Storage("list id".into()))?,
        next: u64::try_from(next).map_err(|_| RegistryError::Storage("next index".into()))?,
        size: u64::try_from(size).map_err(|_| RegistryError::Storage("list size".into()))?,
    })
}

fn not_valid_of(tx: &Connection, list_id: i64) -> Result<Vec<(u64, LicenseStatus)>> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT idx, status FROM licenses WHERE list_id = ?1 AND status <> 0 ORDER BY idx",
        )
        .map_err(map_err)?;
    let rows = stmt
        .query_map([list_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(map_err)?;
    let mut v = Vec::new();
    for row in rows {
        let (i, s) = row.map_err(map_err)?;
        v.push((
            u64::try_from(i).map_err(|_| RegistryError::Storage("index".into()))?,
            LicenseStatus::from_code(s).ok_or_else(|| RegistryError::Storage("status".into()))?,
        ));
    }
    Ok(v)
}

impl SqliteStore {
    /// Opens (creating the file if needed) a registry database. Writes nothing.
    pub fn open(path: &str, opts: &OpenOptions) -> Result<Self> {
        let conn = Connection::open(path).map_err(map_err)?;
        conn.busy_timeout(opts.busy_timeout).map_err(map_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(map_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(map_err)?;
        Ok(SqliteStore { conn })
    }

    /// Limits the database to `pages` pages (to test the disk-full path).
    pub fn set_max_page_count(&mut self, pages: u64) -> Result<()> {
        self.conn
            .pragma_update(None, "max_page_count", pages)
            .map_err(map_err)
    }

    fn write_tx(&mut self) -> Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(map_err)
    }
}

impl Store for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    fn init(&mut self, config: &RegistryConfig, now: u64) -> Result<()> {
        check_config(config)?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(map_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(RegistryError::Storage(format!(
                "cannot switch to WAL (journal mode {mode})"
            )));
        }
        let tx = self.write_tx()?;
        let exists: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                [],
                |r| r.get(0),
            )
            .map_err(map_err)?;
        if exists > 0 {
            return Err(RegistryError::AlreadyInitialised);
        }
        tx.execute_batch(SCHEMA).map_err(map_err)?;
        for (k, v) in [
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("issuer_code", config.issuer_code.clone()),
            ("list_size", config.list_size.to_string()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(map_err)?;
        }
        tx.execute(
            "INSERT INTO status_lists (list_id, size, opened_at) VALUES (0, ?1, ?2)",
            params![to_i64(config.list_size, "list size")?, to_i64(now, "time")?],
        )
        .map_err(map_err)?;
        tx.execute(
            "INSERT INTO allocator (id, list_id, next_index) VALUES (1, 0, 0)",
            [],
        )
        .map_err(map_err)?;
        tx.commit().map_err(map_err)
    }

    fn config(&mut self) -> Result<RegistryConfig> {
        let get = |k: &str| -> Result<Option<String>> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()
                .map_err(map_err)
        };
        let version = get("schema_version")?.ok_or(RegistryError::NotInitialised)?;
        if version != SCHEMA_VERSION {
            return Err(RegistryError::SchemaVersion(version));
        }
        let issuer_code = get("issuer_code")?.ok_or(RegistryError::NotInitialised)?;
        let list_size = get("list_size")?
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| RegistryError::Storage("list_size missing".into()))?;
        Ok(RegistryConfig {
            issuer_code,
            list_size,
        })
    }

    fn record(&mut self, items: &[NewLicense]) -> Result<Vec<Recorded>> {
        let list_size = self.config()?.list_size;
        let tx = self.write_tx()?;
        let mut out: Vec<Option<Recorded>> = vec![None; items.len()];
        let mut fresh = Vec::new();
        let mut seen_requests: HashSet<&str> = HashSet::new();
        let mut seen_numbers: HashSet<(&str, &str)> = HashSet::new();
        {
            let by_request = format!("SELECT {RECORD_COLUMNS} FROM licenses WHERE request_id = ?1");
            let mut by_request = tx.prepare_cached(&by_request).map_err(map_err)?;
            let mut by_number = tx
                .prepare_cached(
                    "SELECT 1 FROM licenses WHERE license_type = ?1 AND license_number = ?2",
                )
                .map_err(map_err)?;
            for (i, item) in items.iter().enumerate() {
                if let Err(e) = check_new(item) {
                    out[i] = Some(Recorded::Refused(e));
                    continue;
                }
                if !seen_requests.insert(&item.request_id) {
                    out[i] = Some(Recorded::Refused(RegistryError::DuplicateRequest {
                        request_id: item.request_id.clone(),
                    }));
                    continue;
                }
                let existing = by_request
                    .query_row([&item.request_id], row_record)
                    .optional()
                    .map_err(map_err)?;
                if let Some(raw) = existing {
                    let rec = to_record(raw)?;
                    out[i] = Some(
                        if rec.license.license_type == item.license_type
                            && rec.license.license_number == item.license_number
                        {
                            Recorded::Existing(rec)
                        } else {
                            Recorded::Refused(RegistryError::DuplicateRequest {
                                request_id: item.request_id.clone(),
                            })
                        },
                    );
                    continue;
                }
                let taken = by_number
                    .exists(params![item.license_type, item.license_number])
                    .map_err(map_err)?;
                if taken || !seen_numbers.insert((&item.license_type, &item.license_number)) {
                    out[i] = Some(Recorded::Refused(RegistryError::DuplicateLicense {
                        license_type: item.license_type.clone(),
                        number: item.license_number.clone(),
                    }));
                    continue;
                }
                fresh.push(i);
            }
        }
        if !fresh.is_empty() {
            let state = alloc_state(&tx)?;
            let (runs, next) = alloc::take(state, fresh.len() as u64)?;
            for run in &runs {
                if run.list != state.list {
                    tx.execute(
                        "INSERT INTO status_lists (list_id, size, opened_at) VALUES (?1, ?2, ?3)",
                        params![
                            run.list,
                            to_i64(list_size, "list size")?,
                            to_i64(items[fresh[0]].issued_at, "time")?
                        ],
                    )
                    .map_err(map_err)?;
                }
            }
            tx.execute(
                "UPDATE allocator SET list_id = ?1, next_index = ?2 WHERE id = 1",
                params![next.list, to_i64(next.next, "index")?],
            )
            .map_err(map_err)?;
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO licenses ({RECORD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)"
                ))
                .map_err(map_err)?;
            for (&i, (list, index)) in fresh.iter().zip(alloc::slots(&runs)) {
                let item = &items[i];
                insert
                    .execute(params![
                        item.request_id,
                        item.license_type,
                        item.license_number,
                        item.holder_fingerprint,
                        item.key_id,
                        to_i64(item.issued_at, "time")?,
                        item.valid_from,
                        item.valid_until,
                        list,
                        to_i64(index, "index")?,
                    ])
                    .map_err(map_err)?;
                out[i] = Some(Recorded::New(LicenseRecord {
                    license: item.clone(),
                    list,
                    index,
                    status: LicenseStatus::Valid,
                }));
            }
        }
        tx.commit().map_err(map_err)?;
        out.into_iter()
            .map(|r| r.ok_or_else(|| RegistryError::Storage("unrecorded item".into())))
            .collect()
    }

    fn by_request(&mut self, request_ids: &[String]) -> Result<Vec<LicenseRecord>> {
        let tx = self.conn.transaction().map_err(map_err)?;
        let mut found = Vec::new();
        {
            let sql = format!("SELECT {RECORD_COLUMNS} FROM licenses WHERE request_id = ?1");
            let mut stmt = tx.prepare_cached(&sql).map_err(map_err)?;
            for id in request_ids {
                if let Some(raw) = stmt
                    .query_row([id], row_record)
                    .optional()
                    .map_err(map_err)?
                {
                    found.push(to_record(raw)?);
                }
            }
        }
        tx.commit().map_err(map_err)?;
        Ok(found)
    }

    fn find(&mut self, key: &LicenseKey) -> Result<LicenseRecord> {
        find_in(&self.conn, key).map(|(_, r)| r)
    }

    fn change_status(&mut self, req: &ChangeRequest) -> Result<StatusChange> {
        let tx = self.write_tx()?;
        let (id, rec) = find_in(&tx, &req.license)?;
        let to = req
            .action
            .apply(rec.status)
            .ok_or(RegistryError::InvalidTransition {
                from: rec.status,
                action: req.action,
            })?;
        tx.execute(
            "UPDATE licenses SET status = ?1 WHERE id = ?2",
            params![to.code(), id],
        )
        .map_err(map_err)?;
        tx.execute(
            "INSERT INTO history (license_id, at, actor, action, from_status, to_status, reason, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                to_i64(req.at, "time")?,
                req.actor,
                req.action.name(),
                rec.status.code(),
                to.code(),
                req.reason.code(),
                req.note
            ],
        )
        .map_err(map_err)?;
        let seq = tx.last_insert_rowid();
        tx.commit().map_err(map_err)?;
        Ok(StatusChange {
            seq,
            at: req.at,
            actor: req.actor.clone(),
            action: req.action,
            from: rec.status,
            to,
            reason: req.reason,
            note: req.note.clone(),
        })
    }

    fn history(&mut self, key: &LicenseKey) -> Result<(LicenseRecord, Vec<StatusChange>)> {
        let tx = self.conn.transaction().map_err(map_err)?;
        let (id, rec) = find_in(&tx, key)?;
        let mut changes = Vec::new();
        {
            let mut stmt = tx
                .prepare_cached("SELECT seq, at, actor, action, from_status, to_status, reason, note FROM history WHERE license_id = ?1 ORDER BY seq")
                .map_err(map_err)?;
            let rows = stmt
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                })
                .map_err(map_err)?;
            for row in rows {
                let (seq, at, actor, action, from, to, reason, note) = row.map_err(map_err)?;
                changes.push(decode_change(
                    seq, at, actor, &action, from, to, &reason, note,
                )?);
            }
        }
        tx.commit().map_err(map_err)?;
        Ok((rec, changes))
    }

    fn publish(
        &mut self,
        now: u64,
        lists: Option<&[u32]>,
        sign: &mut ListSigner<'_>,
    ) -> Result<Vec<Publication>> {
        let tx = self.write_tx()?;
        let state = alloc_state(&tx)?;
        let as_of: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM history", [], |r| {
                r.get(0)
            })
            .map_err(map_err)?;
        let all: Vec<(i64, i64)> = {
            let mut stmt = tx
                .prepare("SELECT list_id, size FROM status_lists ORDER BY list_id")
                .map_err(map_err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(map_err)?;
            rows.collect::<rusqlite::Result<_>>().map_err(map_err)?
        };
        let mut pubs = Vec::new();
        for (list_id, size) in all {
            let list =
                u32::try_from(list_id).map_err(|_| RegistryError::Storage("list id".into()))?;
            if lists.is_some_and(|l| !l.contains(&list)) {
                continue;
            }
            let size = u64::try_from(size).map_err(|_| RegistryError::Storage("size".into()))?;
            let used = if list == state.list { state.next } else { size };
            let not_valid = not_valid_of(&tx, list_id)?;
            let last: Option<i64> = tx
                .query_row(
                    "SELECT MAX(issued_at) FROM publications WHERE list_id = ?1",
                    [list_id],
                    |r| r.get(0),
                )
                .map_err(map_err)?;
            let iat = match last {
                Some(l) => now.max(u64::try_from(l).unwrap_or(0).saturating_add(1)),
                None => now,
            };
            let snap = ListSnapshot {
                list,
                size,
                used,
                not_valid,
            };
            let token = sign(&snap, iat)?;
            let revoked = snap
                .not_valid
                .iter()
                .filter(|(_, s)| *s == LicenseStatus::Revoked)
                .count() as u64;
            let suspended = snap.not_valid.len() as u64 - revoked;
            tx.execute(
                "INSERT INTO publications (list_id, issued_at, size, revoked, suspended, as_of_change, token_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    list_id,
                    to_i64(iat, "time")?,
                    to_i64(size, "size")?,
                    to_i64(revoked, "count")?,
                    to_i64(suspended, "count")?,
                    as_of,
                    sha256_hex(&token)
                ],
            )
            .map_err(map_err)?;
            pubs.push(Publication {
                seq: tx.last_insert_rowid(),
                list,
                issued_at: iat,
                size,
                revoked,
                suspended,
                as_of_change: as_of,
                token,
            });
        }
        tx.commit().map_err(map_err)?;
        Ok(pubs)
    }

    fn snapshot(&mut self, list: u32) -> Result<Option<ListSnapshot>> {
        let tx = self.conn.transaction().map_err(map_err)?;
        let state = alloc_state(&tx)?;
        let size: Option<i64> = tx
            .query_row(
                "SELECT size FROM status_lists WHERE list_id = ?1",
                [i64::from(list)],
                |r| r.get(0),
            )
            .optional()
            .map_err(map_err)?;
        let Some(size) = size else {
            return Ok(None);
        };
        let size = u64::try_from(size).map_err(|_| RegistryError::Storage("size".into()))?;
        let not_valid = not_valid_of(&tx, i64::from(list))?;
        tx.commit().map_err(map_err)?;
        Ok(Some(ListSnapshot {
            list,
            size,
            used: if list == state.list { state.next } else { size },
            not_valid,
        }))
    }

    fn stats(&mut self) -> Result<Stats> {
        let tx = self.conn.transaction().map_err(map_err)?;
        let state = alloc_state(&tx)?;
        let mut by_type_status = Vec::new();
        {
            let mut stmt = tx
                .prepare("SELECT license_type, status, COUNT(*) FROM licenses GROUP BY license_type, status ORDER BY license_type, status")
                .map_err(map_err)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(map_err)?;
            for row in rows {
                let (t, s, n) = row.map_err(map_err)?;
                by_type_status.push((
                    t,
                    LicenseStatus::from_code(s)
                        .ok_or_else(|| RegistryError::Storage("status".into()))?,
                    u64::try_from(n).unwrap_or(0),
                ));
            }
        }
        let mut lists = Vec::new();
        {
            let mut stmt = tx
                .prepare("SELECT list_id, size FROM status_lists ORDER BY list_id")
                .map_err(map_err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                .map_err(map_err)?;
            for row in rows {
                let (l, s) = row.map_err(map_err)?;
                let list = u32::try_from(l).map_err(|_| RegistryError::Storage("list".into()))?;
                let size = u64::try_from(s).unwrap_or(0);
                lists.push(ListUsage {
                    list,
                    size,
                    used: if list == state.list { state.next } else { size },
                });
            }
        }
        let count = |sql: &str| -> Result<u64> {
            tx.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(map_err)
        };
        let changes = count("SELECT COUNT(*) FROM history")?;
        let publications = count("SELECT COUNT(*) FROM publications")?;
        tx.commit().map_err(map_err)?;
        Ok(Stats {
            by_type_status,
            lists,
            changes,
            publications,
        })
    }

    fn integrity(&mut self) -> Result<Integrity> {
        let tx = self.conn.transaction().map_err(map_err)?;
        let state = alloc_state(&tx)?;
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u64> {
            tx.query_row(sql, p, |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(map_err)
        };
        let cur = i64::from(state.list);
        let next = to_i64(state.next, "index")?;
        let licenses = count("SELECT COUNT(*) FROM licenses", &[])?;
        let before: u64 = count(
            "SELECT COALESCE(SUM(size), 0) FROM status_lists WHERE list_id < ?1",
            &[&cur],
        )?;
        let allocated = before + state.next;
        let duplicate_slots = count(
            "SELECT COUNT(*) FROM (SELECT list_id, idx FROM licenses GROUP BY list_id, idx HAVING COUNT(*) > 1)",
            &[],
        )?;
        let in_range = count(
            "SELECT COUNT(*) FROM (SELECT DISTINCT l.list_id, l.idx FROM licenses l JOIN status_lists s ON s.list_id = l.list_id \
             WHERE l.idx >= 0 AND l.idx < s.size AND (l.list_id < ?1 OR (l.list_id = ?1 AND l.idx < ?2)))",
            &[&cur, &next],
        )?;
        let status_mismatches = count(
            "SELECT COUNT(*) FROM licenses l WHERE l.status <> COALESCE((SELECT h.to_status FROM history h WHERE h.license_id = l.id ORDER BY h.seq DESC LIMIT 1), 0)",
            &[],
        )?;
        tx.commit().map_err(map_err)?;
        Ok(Integrity {
            licenses,
            allocated,
            duplicate_slots,
            gaps: allocated.saturating_sub(in_range),
            status_mismatches,
        })
    }
}

/// Decodes one stored history row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decode_change(
    seq: i64,
    at: i64,
    actor: String,
    action: &str,
    from: i64,
    to: i64,
    reason: &str,
    note: String,
) -> Result<StatusChange> {
    let bad = |w: &str| RegistryError::Storage(format!("history row {seq}: bad {w}"));
    Ok(StatusChange {
        seq,
        at: u64::try_from(at).map_err(|_| bad("time"))?,
        actor,
        action: Action::from_name(action).ok_or_else(|| bad("action"))?,
        from: LicenseStatus::from_code(from).ok_or_else(|| bad("status"))?,
        to: LicenseStatus::from_code(to).ok_or_else(|| bad("status"))?,
        reason: Reason::parse(reason).ok_or_else(|| bad("reason"))?,
        note,
    })
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
