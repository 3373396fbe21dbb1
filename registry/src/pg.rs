//! The multi-node engine: PostgreSQL through the synchronous rust-postgres
//! client. Every recording transaction first locks the single allocator row
//! (`SELECT … FOR UPDATE`), so issuing nodes serialise their allocations while
//! signing in parallel; batches go to the server as arrays (`unnest`), one round
//! trip per statement. Lock waits are bounded by `lock_timeout` (→ `Locked`).

use std::collections::{HashMap, HashSet};

use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls, Transaction};

use crate::alloc::{self, AllocState};
use crate::error::{RegistryError, Result};
use crate::model::*;
use crate::sqlite::{decode_change, sha256_hex, SCHEMA_VERSION};
use crate::store::{ListSigner, Store};
use crate::{check_config, check_new, OpenOptions};

const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE allocator (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  list_id BIGINT NOT NULL,
  next_index BIGINT NOT NULL
);
CREATE TABLE status_lists (
  list_id BIGINT PRIMARY KEY,
  size BIGINT NOT NULL,
  opened_at BIGINT NOT NULL
);
CREATE TABLE licenses (
  id BIGSERIAL PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  license_type TEXT NOT NULL,
  license_number TEXT NOT NULL,
  holder_fpr TEXT,
  key_id TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT,
  list_id BIGINT NOT NULL REFERENCES status_lists(list_id),
  idx BIGINT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  UNIQUE (license_type, license_number),
  UNIQUE (list_id, idx)
);
CREATE INDEX licenses_by_number ON licenses(license_number);
CREATE INDEX licenses_not_valid ON licenses(list_id, idx) WHERE status <> 0;
CREATE TABLE history (
  seq BIGSERIAL PRIMARY KEY,
  license_id BIGINT NOT NULL REFERENCES licenses(id),
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status INTEGER NOT NULL,
  to_status INTEGER NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX history_by_license ON history(license_id, seq);
CREATE TABLE publications (
  seq BIGSERIAL PRIMARY KEY,
  list_id BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  size BIGINT NOT NULL,
  revoked BIGINT NOT NULL,
  suspended BIGINT NOT NULL,
  as_of_change BIGINT NOT NULL,
  token_sha256 TEXT NOT NULL
);
CREATE FUNCTION lz_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'registry % rows are append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
  FOR EACH ROW EXECUTE FUNCTION lz_refuse();
CREATE TRIGGER licenses_no_delete BEFORE DELETE ON licenses
  FOR EACH ROW EXECUTE FUNCTION lz_refuse();
CREATE TRIGGER licenses_keep_slot
  BEFORE UPDATE OF request_id, license_type, license_number, list_id, idx ON licenses
  FOR EACH ROW EXECUTE FUNCTION lz_refuse();
"#;

const RECORD_COLUMNS: &str = "request_id, license_type, license_number, holder_fpr, key_id, \
     issued_at, valid_from, valid_until, list_id, idx, status";

/// A registry in a PostgreSQL database.
pub struct PgStore {
    client: Client,
}

fn map_err(e: postgres::Error) -> RegistryError {
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED => {
            RegistryError::Locked
        }
        Some(c) if *c == SqlState::DISK_FULL || *c == SqlState::OUT_OF_MEMORY => {
            RegistryError::DiskFull
        }
        Some(c) if *c == SqlState::UNDEFINED_TABLE => RegistryError::NotInitialised,
        _ => RegistryError::Storage(match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        }),
    }
}

fn to_i64(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| RegistryError::BadInput(format!("{what} out of range")))
}

fn record_of(row: &postgres::Row) -> Result<LicenseRecord> {
    let bad = |w: &str| RegistryError::Storage(format!("bad {w} in licenses"));
    let status: i32 = row.get(10);
    Ok(LicenseRecord {
        license: NewLicense {
            request_id: row.get(0),
            license_type: row.get(1),
            license_number: row.get(2),
            holder_fingerprint: row.get(3),
            key_id: row.get(4),
            issued_at: u64::try_from(row.get::<_, i64>(5)).map_err(|_| bad("time"))?,
            valid_from: row.get(6),
            valid_until: row.get(7),
        },
        list: u32::try_from(row.get::<_, i64>(8)).map_err(|_| bad("list"))?,
        index: u64::try_from(row.get::<_, i64>(9)).map_err(|_| bad("index"))?,
        status: LicenseStatus::from_code(i64::from(status)).ok_or_else(|| bad("status"))?,
    })
}

fn find_in(tx: &mut Transaction<'_>, key: &LicenseKey, lock: bool) -> Result<(i64, LicenseRecord)> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS}, id FROM licenses WHERE license_number = $1 AND ($2::text IS NULL OR license_type = $2) LIMIT 2{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let rows = tx
        .query(&sql, &[&key.number, &key.license_type])
        .map_err(map_err)?;
    match rows.len() {
        0 => Err(RegistryError::UnknownLicense {
            number: key.number.clone(),
        }),
        1 => Ok((rows[0].get(11), record_of(&rows[0])?)),
        _ => Err(RegistryError::AmbiguousLicense {
            number: key.number.clone(),
        }),
    }
}

fn alloc_state(tx: &mut Transaction<'_>, lock: bool) -> Result<AllocState> {
    // The allocator row alone is locked; the list size is read by a second
    // statement. (A join with FOR UPDATE would be re-checked after a concurrent
    // rollover against the old snapshot, which lacks the new list's row.)
    let sql = format!(
        "SELECT list_id, next_index FROM allocator WHERE id = 1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let row = tx.query_one(&sql, &[]).map_err(map_err)?;
    let bad = |w: &str| RegistryError::Storage(format!("allocator {w}"));
    let list: i64 = row.get(0);
    let size: i64 = tx
        .query_opt("SELECT size FROM status_lists WHERE list_id = $1", &[&list])
        .map_err(map_err)?
        .ok_or_else(|| bad("list row missing"))?
        .get(0);
    Ok(AllocState {
        list: u32::try_from(list).map_err(|_| bad("list"))?,
        next: u64::try_from(row.get::<_, i64>(1)).map_err(|_| bad("next"))?,
        size: u64::try_from(size).map_err(|_| bad("size"))?,
    })
}

fn count(
    tx: &mut Transaction<'_>,
    sql: &str,
    p: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<u64> {
    let n: i64 = tx.query_one(sql, p).map_err(map_err)?.get(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

fn not_valid_of(tx: &mut Transaction<'_>, list_id: i64) -> Result<Vec<(u64, LicenseStatus)>> {
    tx.query(
        "SELECT idx, status FROM licenses WHERE list_id = $1 AND status <> 0 ORDER BY idx",
        &[&list_id],
    )
    .map_err(map_err)?
    .iter()
    .map(|r| {
        Ok((
            u64::try_from(r.get::<_, i64>(0))
                .map_err(|_| RegistryError::Storage("index".into()))?,
            LicenseStatus::from_code(i64::from(r.get::<_, i32>(1)))
                .ok_or_else(|| RegistryError::Storage("status".into()))?,
        ))
    })
    .collect()
}

impl PgStore {
    /// Connects (`postgres://user@host:port/db` or `host=… port=… user=… dbname=…`). Writes nothing.
    pub fn connect(url: &str, opts: &OpenOptions) -> Result<Self> {
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| RegistryError::Storage(format!("cannot connect to PostgreSQL: {e}")))?;
        let ms = opts.busy_timeout.as_millis().max(1);
        client
            .batch_execute(&format!(
                "SET lock_timeout = {ms}; SET synchronous_commit = on"
            ))
            .map_err(map_err)?;
        Ok(PgStore { client })
    }

    fn tx(&mut self) -> Result<Transaction<'_>> {
        self.client.transaction().map_err(map_err)
    }
}

impl Store for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    fn init(&mut self, config: &RegistryConfig, now: u64) -> Result<()> {
        check_config(config)?;
        let mut tx = self.tx()?;
        // Two concurrent inits of one database: the second waits, then sees the first.
        tx.batch_execute("SELECT pg_advisory_xact_lock(1819243618)")
            .map_err(map_err)?;
        let exists: Option<String> = tx
            .query_one("SELECT to_regclass('meta')::text", &[])
            .map_err(map_err)?
            .get(0);
        if exists.is_some() {
            return Err(RegistryError::AlreadyInitialised);
        }
        tx.batch_execute(SCHEMA).map_err(map_err)?;
        for (k, v) in [
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("issuer_code", config.issuer_code.clone()),
            ("list_size", config.list_size.to_string()),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES ($1, $2)", &[&k, &v])
                .map_err(map_err)?;
        }
        tx.execute(
            "INSERT INTO status_lists (list_id, size, opened_at) VALUES (0, $1, $2)",
            &[
                &to_i64(config.list_size, "list size")?,
                &to_i64(now, "time")?,
            ],
        )
        .map_err(map_err)?;
        tx.execute(
            "INSERT INTO allocator (id, list_id, next_index) VALUES (1, 0, 0)",
            &[],
        )
        .map_err(map_err)?;
        tx.commit().map_err(map_err)
    }

    fn config(&mut self) -> Result<RegistryConfig> {
        let rows = self
            .client
            .query("SELECT key, value FROM meta", &[])
            .map_err(map_err)?;
        let m: HashMap<String, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let version = m
            .get("schema_version")
            .ok_or(RegistryError::NotInitialised)?;
        if version != SCHEMA_VERSION {
            return Err(RegistryError::SchemaVersion(version.clone()));
        }
        Ok(RegistryConfig {
            issuer_code: m
                .get("issuer_code")
                .cloned()
                .ok_or(RegistryError::NotInitialised)?,
            list_size: m
                .get("list_size")
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| RegistryError::Storage("list_size missing".into()))?,
        })
    }

    fn record(&mut self, items: &[NewLicense]) -> Result<Vec<Recorded>> {
        let list_size = self.config()?.list_size;
        let mut tx = self.tx()?;
        // The allocator lock first: every check below sees all committed records.
        let state = alloc_state(&mut tx, true)?;
        let ids: Vec<&str> = items.iter().map(|i| i.request_id.as_str()).collect();
        let existing: HashMap<String, LicenseRecord> = tx
            .query(
                &format!("SELECT {RECORD_COLUMNS} FROM licenses WHERE request_id = ANY($1)"),
                &[&ids],
            )
            .map_err(map_err)?
            .iter()
            .map(|r| record_of(r).map(|rec| (rec.license.request_id.clone(), rec)))
            .collect::<Result<_>>()?;
        let types: Vec<&str> = items.iter().map(|i| i.license_type.as_str()).collect();
        let numbers: Vec<&str> = items.iter().map(|i| i.license_number.as_str()).collect();
        let taken: HashSet<(String, String)> = tx
            .query(
                "SELECT l.license_type, l.license_number FROM licenses l \
                 JOIN unnest($1::text[], $2::text[]) AS u(t, n) ON l.license_type = u.t AND l.license_number = u.n",
                &[&types, &numbers],
            )
            .map_err(map_err)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut out: Vec<Option<Recorded>> = vec![None; items.len()];
        let mut fresh = Vec::new();
        let mut seen_requests: HashSet<&str> = HashSet::new();
        let mut seen_numbers: HashSet<(&str, &str)> = HashSet::new();
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
            if let Some(rec) = existing.get(&item.request_id) {
                out[i] = Some(
                    if rec.license.license_type == item.license_type
                        && rec.license.license_number == item.license_number
                    {
                        Recorded::Existing(rec.clone())
                    } else {
                        Recorded::Refused(RegistryError::DuplicateRequest {
                            request_id: item.request_id.clone(),
                        })
                    },
                );
                continue;
            }
            if taken.contains(&(item.license_type.clone(), item.license_number.clone()))
                || !seen_numbers.insert((&item.license_type, &item.license_number))
            {
                out[i] = Some(Recorded::Refused(RegistryError::DuplicateLicense {
                    license_type: item.license_type.clone(),
                    number: item.license_number.clone(),
                }));
                continue;
            }
            fresh.push(i);
        }
        if !fresh.is_empty() {
            let (runs, next) = alloc::take(state, fresh.len() as u64)?;
            for run in &runs {
                if run.list != state.list {
                    tx.execute(
                        "INSERT INTO status_lists (list_id, size, opened_at) VALUES ($1, $2, $3)",
                        &[
                            &i64::from(run.list),
                            &to_i64(list_size, "list size")?,
                            &to_i64(items[fresh[0]].issued_at, "time")?,
                        ],
                    )
                    .map_err(map_err)?;
                }
            }
            tx.execute(
                "UPDATE allocator SET list_id = $1, next_index = $2 WHERE id = 1",
                &[&i64::from(next.list), &to_i64(next.next, "index")?],
            )
            .map_err(map_err)?;
            let slots: Vec<(u32, u64)> = alloc::slots(&runs).collect();
            let pick = |f: &dyn Fn(&NewLicense) -> Option<String>| -> Vec<Option<String>> {
                fresh.iter().map(|&i| f(&items[i])).collect()
            };
            let req = pick(&|x| Some(x.request_id.clone()));
            let typ = pick(&|x| Some(x.license_type.clone()));
            let num = pick(&|x| Some(x.license_number.clone()));
            let fpr = pick(&|x| x.holder_fingerprint.clone());
            let kid = pick(&|x| Some(x.key_id.clone()));
            let from = pick(&|x| Some(x.valid_from.clone()));
            let until = pick(&|x| x.valid_until.clone());
            let at: Vec<i64> = fresh
                .iter()
                .map(|&i| to_i64(items[i].issued_at, "time"))
                .collect::<Result<_>>()?;
            let lists: Vec<i64> = slots.iter().map(|s| i64::from(s.0)).collect();
            let idx: Vec<i64> = slots
                .iter()
                .map(|s| to_i64(s.1, "index"))
                .collect::<Result<_>>()?;
            tx.execute(
                &format!(
                    "INSERT INTO licenses ({RECORD_COLUMNS}) SELECT *, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])"
                ),
                &[&req, &typ, &num, &fpr, &kid, &at, &from, &until, &lists, &idx],
            )
            .map_err(map_err)?;
            for (&i, (list, index)) in fresh.iter().zip(slots) {
                out[i] = Some(Recorded::New(LicenseRecord {
                    license: items[i].clone(),
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
        let rows = self
            .client
            .query(
                &format!("SELECT {RECORD_COLUMNS} FROM licenses WHERE request_id = ANY($1)"),
                &[&request_ids],
            )
            .map_err(map_err)?;
        let mut by_id: HashMap<String, LicenseRecord> = rows
            .iter()
            .map(|r| record_of(r).map(|rec| (rec.license.request_id.clone(), rec)))
            .collect::<Result<_>>()?;
        Ok(request_ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect())
    }

    fn find(&mut self, key: &LicenseKey) -> Result<LicenseRecord> {
        let mut tx = self.tx()?;
        let (_, rec) = find_in(&mut tx, key, false)?;
        tx.commit().map_err(map_err)?;
        Ok(rec)
    }

    fn change_status(&mut self, req: &ChangeRequest) -> Result<StatusChange> {
        let mut tx = self.tx()?;
        let (id, rec) = find_in(&mut tx, &req.license, true)?;
        let to = req
            .action
            .apply(rec.status)
            .ok_or(RegistryError::InvalidTransition {
                from: rec.status,
                action: req.action,
            })?;
        let to_code = to.code() as i32;
        let from_code = rec.status.code() as i32;
        tx.execute(
            "UPDATE licenses SET status = $1 WHERE id = $2",
            &[&to_code, &id],
        )
        .map_err(map_err)?;
        let seq: i64 = tx
            .query_one(
                "INSERT INTO history (license_id, at, actor, action, from_status, to_status, reason, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
                &[
                    &id,
                    &to_i64(req.at, "time")?,
                    &req.actor,
                    &req.action.name(),
                    &from_code,
                    &to_code,
                    &req.reason.code(),
                    &req.note,
                ],
            )
            .map_err(map_err)?
            .get(0);
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
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .map_err(map_err)?;
        let (id, rec) = find_in(&mut tx, key, false)?;
        let rows = tx
            .query(
                "SELECT seq, at, actor, action, from_status, to_status, reason, note FROM history WHERE license_id = $1 ORDER BY seq",
                &[&id],
            )
            .map_err(map_err)?;
        let changes = rows
            .iter()
            .map(|r| {
                decode_change(
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get::<_, String>(3).as_str(),
                    i64::from(r.get::<_, i32>(4)),
                    i64::from(r.get::<_, i32>(5)),
                    r.get::<_, String>(6).as_str(),
                    r.get(7),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        tx.commit().map_err(map_err)?;
        Ok((rec, changes))
    }

    fn publish(
        &mut self,
        now: u64,
        lists: Option<&[u32]>,
        sign: &mut ListSigner<'_>,
    ) -> Result<Vec<Publication>> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .map_err(map_err)?;
        // Before any query, so the snapshot is taken after the lock: publications
        // are serialised and each sees every earlier one.
        tx.batch_execute("LOCK TABLE publications IN EXCLUSIVE MODE")
            .map_err(map_err)?;
        let state = alloc_state(&mut tx, false)?;
        let as_of: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0)::bigint FROM history", &[])
            .map_err(map_err)?
            .get(0);
        let all: Vec<(i64, i64)> = tx
            .query(
                "SELECT list_id, size FROM status_lists ORDER BY list_id",
                &[],
            )
            .map_err(map_err)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut pubs = Vec::new();
        for (list_id, size) in all {
            let list =
                u32::try_from(list_id).map_err(|_| RegistryError::Storage("list id".into()))?;
            if lists.is_some_and(|l| !l.contains(&list)) {
                continue;
            }
            let size = u64::try_from(size).map_err(|_| RegistryError::Storage("size".into()))?;
            let used = if list == state.list { state.next } else { size };
            let not_valid = not_valid_of(&mut tx, list_id)?;
            let last: Option<i64> = tx
                .query_one(
                    "SELECT MAX(issued_at) FROM publications WHERE list_id = $1",
                    &[&list_id],
                )
                .map_err(map_err)?
                .get(0);
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
            let seq: i64 = tx
                .query_one(
                    "INSERT INTO publications (list_id, issued_at, size, revoked, suspended, as_of_change, token_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
                    &[
                        &list_id,
                        &to_i64(iat, "time")?,
                        &to_i64(size, "size")?,
                        &to_i64(revoked, "count")?,
                        &to_i64(suspended, "count")?,
                        &as_of,
                        &sha256_hex(&token),
                    ],
                )
                .map_err(map_err)?
                .get(0);
            pubs.push(Publication {
                seq,
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
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .map_err(map_err)?;
        let state = alloc_state(&mut tx, false)?;
        let row = tx
            .query_opt(
                "SELECT size FROM status_lists WHERE list_id = $1",
                &[&i64::from(list)],
            )
            .map_err(map_err)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let size = u64::try_from(row.get::<_, i64>(0))
            .map_err(|_| RegistryError::Storage("size".into()))?;
        let not_valid = not_valid_of(&mut tx, i64::from(list))?;
        tx.commit().map_err(map_err)?;
        Ok(Some(ListSnapshot {
            list,
            size,
            used: if list == state.list { state.next } else { size },
            not_valid,
        }))
    }

    fn stats(&mut self) -> Result<Stats> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .map_err(map_err)?;
        let state = alloc_state(&mut tx, false)?;
        let by_type_status = tx
            .query(
                "SELECT license_type, status, COUNT(*) FROM licenses GROUP BY license_type, status ORDER BY license_type, status",
                &[],
            )
            .map_err(map_err)?
            .iter()
            .map(|r| {
                Ok((
                    r.get::<_, String>(0),
                    LicenseStatus::from_code(i64::from(r.get::<_, i32>(1)))
                        .ok_or_else(|| RegistryError::Storage("status".into()))?,
                    u64::try_from(r.get::<_, i64>(2)).unwrap_or(0),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let lists = tx
            .query(
                "SELECT list_id, size FROM status_lists ORDER BY list_id",
                &[],
            )
            .map_err(map_err)?
            .iter()
            .map(|r| {
                let list = u32::try_from(r.get::<_, i64>(0))
                    .map_err(|_| RegistryError::Storage("list".into()))?;
                let size = u64::try_from(r.get::<_, i64>(1)).unwrap_or(0);
                Ok(ListUsage {
                    list,
                    size,
                    used: if list == state.list { state.next } else { size },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let changes = count(&mut tx, "SELECT COUNT(*) FROM history", &[])?;
        let publications = count(&mut tx, "SELECT COUNT(*) FROM publications", &[])?;
        tx.commit().map_err(map_err)?;
        Ok(Stats {
            by_type_status,
            lists,
            changes,
            publications,
        })
    }

    fn integrity(&mut self) -> Result<Integrity> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .map_err(map_err)?;
        let state = alloc_state(&mut tx, false)?;
        let cur = i64::from(state.list);
        let next = to_i64(state.next, "index")?;
        let licenses = count(&mut tx, "SELECT COUNT(*) FROM licenses", &[])?;
        let before = count(
            &mut tx,
            "SELECT COALESCE(SUM(size), 0)::bigint FROM status_lists WHERE list_id < $1",
            &[&cur],
        )?;
        let allocated = before + state.next;
        let duplicate_slots = count(
            &mut tx,
            "SELECT COUNT(*) FROM (SELECT list_id, idx FROM licenses GROUP BY list_id, idx HAVING COUNT(*) > 1) d",
            &[],
        )?;
        let in_range = count(
            &mut tx,
            "SELECT COUNT(*) FROM (SELECT DISTINCT l.list_id, l.idx FROM licenses l JOIN status_lists s ON s.list_id = l.list_id \
             WHERE l.idx >= 0 AND l.idx < s.size AND (l.list_id < $1 OR (l.list_id = $1 AND l.idx < $2))) d",
            &[&cur, &next],
        )?;
        let status_mismatches = count(
            &mut tx,
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
