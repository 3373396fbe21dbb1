//! Bulk issuance through the registry, resumable after a crash.
//!
//! For each chunk of input lines: validate every line (a bad line gets an error
//! result and records nothing), record the valid ones in **one** transaction
//! (which allocates their status slots), sign them in parallel with their slots,
//! then append their result lines to the output and `fsync` it. The registry is
//! the source of truth, the output file follows it:
//!
//! - killed before the commit: nothing of the chunk is recorded, no slot is used;
//! - killed after the commit, before the output is synced: on resume the lines
//!   are found in the registry by request id and re-signed **with the same slot**
//!   (the holder had received nothing; no second record, no second slot);
//! - a torn last output line is cut off on resume.
//!
//! Every line gets exactly one result line: the request id (the line's
//! `request_id`, else `<batch id>:<line number>`) makes a resumed run skip what
//! the output already has and never record anything twice.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;

use liangzheng::b64;
use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::HolderPublicKey;
use liangzheng::time::UnixTime;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{RegistryError, Result};
use crate::holder_fingerprint;
use crate::model::{NewLicense, Recorded};
use crate::store::Store;

/// Parses a holder key as given in a batch line (`ed25519:…`, `p256:…`).
pub type HolderParser = dyn Fn(&str) -> std::result::Result<HolderPublicKey, String> + Sync;

/// Settings of a batch run.
pub struct BatchOptions<'a> {
    /// Names the batch: default request ids are `<batch id>:<line>`.
    pub batch_id: String,
    /// Issue time of every license.
    pub now: UnixTime,
    /// Lines per transaction.
    pub chunk: usize,
    /// Holder-key parser.
    pub holder_parser: &'a HolderParser,
    /// Called after each chunk with the number of lines done so far.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Stop after this many chunks (for tests of resumption; `None` = run to the end).
    pub max_chunks: Option<usize>,
}

/// One line of the output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultLine {
    /// Input line number (1-based).
    pub line: u64,
    /// Whether a license was issued.
    pub ok: bool,
    /// Request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// 证照编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_number: Option<String>,
    /// Status list id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<u32>,
    /// Status index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// Recorded by an earlier (interrupted) run and signed again with the same slot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
    /// The holder's license package (base64url of `IssuedLicense::to_bytes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Why the line failed (中文 / English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a batch run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// Lines in the input.
    pub lines: u64,
    /// Lines the output already had (skipped).
    pub already_done: u64,
    /// Newly recorded and issued.
    pub issued: u64,
    /// Found recorded by an interrupted run and re-signed with their slot.
    pub resumed: u64,
    /// Failed lines (error results).
    pub failed: u64,
    /// Whether every line now has a result.
    pub complete: bool,
}

struct Prepared {
    claims: Claims,
    holder: Option<HolderPublicKey>,
    item: NewLicense,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    #[serde(default)]
    request_id: Option<String>,
    claims: Claims,
    #[serde(default)]
    holder_key: Option<String>,
}

fn prepare(
    issuer: &Issuer,
    line_no: u64,
    line: &str,
    opts: &BatchOptions<'_>,
) -> std::result::Result<Prepared, String> {
    if line.trim().is_empty() {
        return Err("空行 / empty line".into());
    }
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("不是 JSON / not JSON: {e}"))?;
    let w: Wrapped = if v.get("claims").is_some() {
        serde_json::from_value(v).map_err(|e| format!("批量行格式错误 / bad batch line: {e}"))?
    } else {
        Wrapped {
            request_id: None,
            claims: serde_json::from_value(v)
                .map_err(|e| format!("证照信息格式错误 / bad claims: {e}"))?,
            holder_key: None,
        }
    };
    if w.claims.status.is_some() {
        return Err(
            "状态列表位置由登记簿分配，请删除 status / the registry allocates status slots: remove `status`"
                .into(),
        );
    }
    let (ty, _) = issuer.validate(&w.claims).map_err(|e| e.to_string())?;
    let holder = w
        .holder_key
        .as_deref()
        .map(|s| (opts.holder_parser)(s))
        .transpose()?;
    let item = NewLicense {
        request_id: w
            .request_id
            .unwrap_or_else(|| format!("{}:{line_no}", opts.batch_id)),
        license_type: ty.id.clone(),
        license_number: w.claims.license_number.trim().to_string(),
        holder_fingerprint: holder.as_ref().map(holder_fingerprint),
        key_id: issuer.key_id().to_hex(),
        issued_at: opts.now.0,
        valid_from: w.claims.valid_from.to_string(),
        valid_until: w.claims.valid_until.map(|d| d.to_string()),
    };
    crate::check_new(&item).map_err(|e| e.to_string())?;
    Ok(Prepared {
        claims: w.claims,
        holder,
        item,
    })
}

/// Reads the lines an earlier run wrote, cutting off a torn last line.
fn resume_output(path: &Path) -> Result<(File, BTreeSet<u64>)> {
    let io = |e: std::io::Error| io_error(path, e);
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    let mut done = BTreeSet::new();
    let mut good_len: u64 = 0;
    {
        let mut reader = BufReader::new(&mut file);
        reader.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io)?;
            if n == 0 || buf.last() != Some(&b'\n') {
                break;
            }
            match serde_json::from_slice::<ResultLine>(&buf) {
                Ok(r) => {
                    done.insert(r.line);
                    good_len += n as u64;
                }
                Err(_) => break,
            }
        }
    }
    if file.metadata().map_err(io)?.len() != good_len {
        file.set_len(good_len).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    Ok((file, done))
}

fn io_error(path: &Path, e: std::io::Error) -> RegistryError {
    // ENOSPC / EDQUOT: the disk is full.
    if matches!(e.raw_os_error(), Some(28) | Some(122)) {
        RegistryError::DiskFull
    } else {
        RegistryError::Storage(format!("{}: {e}", path.display()))
    }
}

fn fail(line: u64, request_id: Option<String>, error: String) -> ResultLine {
    ResultLine {
        line,
        ok: false,
        request_id,
        license_number: None,
        list: None,
        index: None,
        resumed: false,
        license: None,
        error: Some(error),
    }
}

/// Issues the lines of a JSONL batch through the registry, appending one result
/// line per input line to `out` (resuming where an earlier run stopped).
pub fn run(
    store: &mut dyn Store,
    issuer: &Issuer,
    input: &str,
    out: &Path,
    opts: &BatchOptions<'_>,
) -> Result<BatchReport> {
    if opts.chunk == 0 {
        return Err(RegistryError::BadInput("chunk size 0".into()));
    }
    let lines: Vec<&str> = input.lines().collect();
    let (mut file, done) = resume_output(out)?;
    let mut report = BatchReport {
        lines: lines.len() as u64,
        already_done: done.len() as u64,
        ..Default::default()
    };
    let pending: Vec<(u64, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, *l))
        .filter(|(n, _)| !done.contains(n))
        .collect();
    let mut finished = report.already_done;
    (opts.progress)(finished);
    for (chunk_no, chunk) in pending.chunks(opts.chunk).enumerate() {
        if opts.max_chunks.is_some_and(|m| chunk_no >= m) {
            return Ok(report);
        }
        let prepared: Vec<(u64, std::result::Result<Prepared, String>)> = chunk
            .par_iter()
            .map(|(n, l)| (*n, prepare(issuer, *n, l, opts)))
            .collect();
        let items: Vec<NewLicense> = prepared
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok().map(|p| p.item.clone()))
            .collect();
        let mut recorded = store.record(&items)?.into_iter();
        let work: Vec<(
            u64,
            Option<&Prepared>,
            std::result::Result<Recorded, String>,
        )> = prepared
            .iter()
            .map(|(n, p)| match p {
                Ok(p) => match recorded.next() {
                    Some(r) => (*n, Some(p), Ok(r)),
                    None => (*n, Some(p), Err("internal: missing record".to_string())),
                },
                Err(e) => (*n, None, Err(e.clone())),
            })
            .collect();
        let results: Vec<std::result::Result<ResultLine, RegistryError>> = work
            .par_iter()
            .map(|(n, p, r)| {
                let (rec, resumed) = match (p, r) {
                    (_, Err(e)) => {
                        return Ok(fail(*n, p.map(|p| p.item.request_id.clone()), e.clone()))
                    }
                    (_, Ok(Recorded::Refused(e))) => {
                        return Ok(fail(
                            *n,
                            p.map(|p| p.item.request_id.clone()),
                            e.to_string(),
                        ))
                    }
                    (Some(_), Ok(Recorded::New(rec))) => (rec, false),
                    (Some(_), Ok(Recorded::Existing(rec))) => (rec, true),
                    (None, Ok(_)) => {
                        return Err(RegistryError::Storage(
                            "internal: record without line".into(),
                        ))
                    }
                };
                let p = p.ok_or_else(|| RegistryError::Storage("internal".into()))?;
                let mut claims = p.claims.clone();
                // (core does not re-export the JSON status type; its serde form is public.)
                claims.status = serde_json::from_value(serde_json::json!({
                    "list": rec.list,
                    "index": rec.index,
                }))
                .map_err(|e| RegistryError::Storage(e.to_string()))?;
                let issued_at = UnixTime(rec.license.issued_at);
                let license = issuer
                    .issue(&claims, p.holder.as_ref(), issued_at)
                    .map_err(|e| match e {
                        liangzheng::credential::IssueError::Key(k) => RegistryError::Signer(k),
                        other => RegistryError::BadInput(other.to_string()),
                    })?;
                Ok(ResultLine {
                    line: *n,
                    ok: true,
                    request_id: Some(rec.license.request_id.clone()),
                    license_number: Some(rec.license.license_number.clone()),
                    list: Some(rec.list),
                    index: Some(rec.index),
                    resumed,
                    license: Some(b64::encode(&license.to_bytes())),
                    error: None,
                })
            })
            .collect();
        let mut text = String::new();
        for r in results {
            let r = r?;
            match (r.ok, r.resumed) {
                (true, false) => report.issued += 1,
                (true, true) => report.resumed += 1,
                (false, _) => report.failed += 1,
            }
            text.push_str(
                &serde_json::to_string(&r).map_err(|e| RegistryError::Storage(e.to_string()))?,
            );
            text.push('\n');
        }
        file.write_all(text.as_bytes())
            .map_err(|e| io_error(out, e))?;
        file.sync_data().map_err(|e| io_error(out, e))?;
        finished += chunk.len() as u64;
        (opts.progress)(finished);
    }
    report.complete = true;
    Ok(report)
}

/// The batch id of an input: hex SHA-256 of its bytes, first 16 bytes.
pub fn batch_id_of(input: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(input)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
