//! Bulk issuance through the registry, resumable after a crash.
//!
//! For each chunk of input lines: validate every line (a bad line gets an error
//! result and records nothing), record the valid ones in **one** transaction
//! (which allocates their status slots), sign them in parallel with their slots,
//! then append their result lines to the output and `fsync` it. The three steps
//! run as a pipeline (see [`run`]): chunk *k + 1* is recorded while chunk *k* is
//! signed and chunk *k − 1* written. The registry is the source of truth, the
//! output file follows it:
//!
//! - killed before the commit: nothing of the chunk is recorded, no slot is used;
//! - killed after a commit, before that chunk's output is synced (a few chunks
//!   can be in flight): on resume the lines are found in the registry by request
//!   id and re-signed **with the same slot** (the holder had received nothing; no
//!   second record, no second slot);
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
use liangzheng::credential::{CheckedClaims, Claims, Issuer};
use liangzheng::holder::HolderPublicKey;
use liangzheng::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::mpsc;

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

struct Prepared<'a> {
    claims: CheckedClaims<'a>,
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

fn prepare<'a>(
    issuer: &'a Issuer,
    line_no: u64,
    line: &str,
    opts: &BatchOptions<'_>,
) -> std::result::Result<Prepared<'a>, String> {
    if line.trim().is_empty() {
        return Err("空行 / empty line".into());
    }
    // One pass into the typed line (the usual case); anything else goes the slow
    // way through a JSON value, which tells a bare claims object from a bad line.
    let w: Wrapped = match serde_json::from_str::<Wrapped>(line) {
        Ok(w) => w,
        Err(_) => parse_slowly(line)?,
    };
    finish_prepare(issuer, line_no, w, opts)
}

fn parse_slowly(line: &str) -> std::result::Result<Wrapped, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("不是 JSON / not JSON: {e}"))?;
    Ok(if v.get("claims").is_some() {
        serde_json::from_value(v).map_err(|e| format!("批量行格式错误 / bad batch line: {e}"))?
    } else {
        Wrapped {
            request_id: None,
            claims: serde_json::from_value(v)
                .map_err(|e| format!("证照信息格式错误 / bad claims: {e}"))?,
            holder_key: None,
        }
    })
}

fn finish_prepare<'a>(
    issuer: &'a Issuer,
    line_no: u64,
    w: Wrapped,
    opts: &BatchOptions<'_>,
) -> std::result::Result<Prepared<'a>, String> {
    if w.claims.status.is_some() {
        return Err(
            "状态列表位置由登记簿分配，请删除 status / the registry allocates status slots: remove `status`"
                .into(),
        );
    }
    // Validated once here; the signing stage signs these typed values.
    let checked = issuer.check(w.claims).map_err(|e| e.to_string())?;
    let ty = checked.license_type();
    let claims = checked.claims();
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
        license_number: claims.license_number.trim().to_string(),
        holder_fingerprint: holder.as_ref().map(holder_fingerprint),
        key_id: issuer.key_id().to_hex(),
        issued_at: opts.now.0,
        valid_from: claims.valid_from.to_string(),
        valid_until: claims.valid_until.map(|d| d.to_string()),
    };
    crate::check_new(&item).map_err(|e| e.to_string())?;
    Ok(Prepared {
        claims: checked,
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

/// Chunks that may wait between two pipeline stages (bounded: memory stays
/// flat, and at most a few chunks are recorded but not yet in the output when
/// the process dies, which a resume re-signs with their slots).
const PIPELINE_DEPTH: usize = 2;

/// A recorded chunk on its way to the signing workers.
type SignJob<'a> = Vec<(u64, std::result::Result<(Prepared<'a>, Recorded), Failed>)>;

/// A line that failed before signing: its request id (if it had one) and why.
type Failed = (Option<String>, String);

/// A signed chunk on its way to the output writer: its result lines (JSON
/// text without the newline, in input order) and what it counts.
struct WriteJob {
    lines: u64,
    text: Vec<String>,
    issued: u64,
    resumed: u64,
    failed: u64,
}

/// Issues the lines of a JSONL batch through the registry, appending one result
/// line per input line to `out` (resuming where an earlier run stopped).
///
/// Three stages run at the same time, joined by bounded channels: the calling
/// thread parses and validates a chunk (on the rayon pool) and records it in
/// one transaction (the only thread that touches the registry); a signing
/// thread signs recorded chunks on the rayon pool; a writer thread appends
/// their result lines and `fsync`s the output. A chunk's licenses are signed
/// only after its transaction committed, so the output never holds a license
/// the registry lacks.
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
    let (file, done) = resume_output(out)?;
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
    let total_chunks = pending.len().div_ceil(opts.chunk);
    let chunks = opts
        .max_chunks
        .map_or(total_chunks, |m| m.min(total_chunks));
    let finished = report.already_done;
    (opts.progress)(finished);
    let (fed, signed, written) = std::thread::scope(|s| {
        let (sign_tx, sign_rx) = mpsc::sync_channel::<SignJob>(PIPELINE_DEPTH);
        let (write_tx, write_rx) = mpsc::sync_channel::<WriteJob>(PIPELINE_DEPTH);
        let signer = s.spawn(move || -> Result<()> {
            for job in sign_rx {
                let done = sign_chunk(job)?;
                if write_tx.send(done).is_err() {
                    break; // the writer stopped: its error is the one to report
                }
            }
            Ok(())
        });
        let progress = opts.progress;
        let writer = s.spawn(move || -> Result<(u64, u64, u64)> {
            let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
            let (mut finished, mut counts) = (finished, (0, 0, 0));
            for job in write_rx {
                for line in &job.text {
                    file.write_all(line.as_bytes())
                        .and_then(|()| file.write_all(b"\n"))
                        .map_err(|e| io_error(out, e))?;
                }
                file.flush().map_err(|e| io_error(out, e))?;
                file.get_ref().sync_data().map_err(|e| io_error(out, e))?;
                counts.0 += job.issued;
                counts.1 += job.resumed;
                counts.2 += job.failed;
                finished += job.lines;
                progress(finished);
            }
            Ok(counts)
        });
        let fed = (|| -> Result<()> {
            for chunk in pending.chunks(opts.chunk).take(chunks) {
                let job = record_chunk(store, issuer, chunk, opts)?;
                if sign_tx.send(job).is_err() {
                    break; // a later stage stopped: its error is the one to report
                }
            }
            Ok(())
        })();
        drop(sign_tx);
        let signed = signer.join();
        let written = writer.join();
        (fed, signed, written)
    });
    let panicked = || RegistryError::Storage("internal: a batch worker panicked".into());
    fed?;
    signed.map_err(|_| panicked())??;
    let (issued, resumed, failed) = written.map_err(|_| panicked())??;
    report.issued = issued;
    report.resumed = resumed;
    report.failed = failed;
    report.complete = chunks == total_chunks;
    Ok(report)
}

/// Parses and validates a chunk (on this thread), then records its valid lines in
/// one transaction, which allocates their slots.
fn record_chunk<'a>(
    store: &mut dyn Store,
    issuer: &'a Issuer,
    chunk: &[(u64, &str)],
    opts: &BatchOptions<'_>,
) -> Result<SignJob<'a>> {
    // Sequential on purpose: this thread runs beside the signing pool; handing
    // the parse to the (busy) pool would queue it behind a chunk's signatures
    // and leave a core idle while the transaction commits.
    let prepared: Vec<(u64, std::result::Result<Prepared<'a>, String>)> = chunk
        .iter()
        .map(|(n, l)| (*n, prepare(issuer, *n, l, opts)))
        .collect();
    let items: Vec<NewLicense> = prepared
        .iter()
        .filter_map(|(_, p)| p.as_ref().ok().map(|p| p.item.clone()))
        .collect();
    let mut recorded = store.record(&items)?.into_iter();
    Ok(prepared
        .into_iter()
        .map(|(n, p)| {
            let work = match p {
                Ok(p) => match recorded.next() {
                    Some(Recorded::Refused(e)) => Err((Some(p.item.request_id), e.to_string())),
                    Some(r) => Ok((p, r)),
                    None => Err((
                        Some(p.item.request_id),
                        "internal: missing record".to_string(),
                    )),
                },
                Err(e) => Err((None, e)),
            };
            (n, work)
        })
        .collect())
}

/// Signs a recorded chunk on the rayon pool; each worker draws salts and decoys
/// from its own ChaCha20 generator seeded from the OS (one `getrandom` per
/// worker and chunk instead of one per salt). Returns the chunk's result lines.
fn sign_chunk(job: SignJob<'_>) -> Result<WriteJob> {
    let lines = job.len() as u64;
    let results: Vec<Result<(bool, bool, String)>> = job
        .into_par_iter()
        .map_init(
            || ChaCha20Rng::from_rng(OsRng),
            |rng, (n, work)| {
                let r = match work {
                    Err((request_id, error)) => fail(n, request_id, error),
                    Ok((p, rec)) => {
                        let rng = rng.as_mut().map_err(|e| {
                            RegistryError::Signer(liangzheng::keys::KeyError::SignerFailed(
                                format!("系统随机数不可用 / OS random number generator: {e}"),
                            ))
                        })?;
                        sign_line(n, p, rec, rng)?
                    }
                };
                let text =
                    serde_json::to_string(&r).map_err(|e| RegistryError::Storage(e.to_string()))?;
                Ok((r.ok, r.resumed, text))
            },
        )
        .collect();
    let mut done = WriteJob {
        lines,
        text: Vec::with_capacity(results.len()),
        issued: 0,
        resumed: 0,
        failed: 0,
    };
    for r in results {
        let (ok, resumed, text) = r?;
        match (ok, resumed) {
            (true, false) => done.issued += 1,
            (true, true) => done.resumed += 1,
            (false, _) => done.failed += 1,
        }
        done.text.push(text);
    }
    Ok(done)
}

/// Signs one recorded line with its slot.
fn sign_line(n: u64, p: Prepared<'_>, rec: Recorded, rng: &mut ChaCha20Rng) -> Result<ResultLine> {
    let (rec, resumed) = match rec {
        Recorded::New(rec) => (rec, false),
        Recorded::Existing(rec) => (rec, true),
        Recorded::Refused(e) => return Ok(fail(n, Some(p.item.request_id), e.to_string())),
    };
    let mut checked = p.claims;
    checked.set_status(rec.list, rec.index);
    let license = checked
        .issue_with_rng(p.holder.as_ref(), UnixTime(rec.license.issued_at), rng)
        .map_err(|e| match e {
            liangzheng::credential::IssueError::Key(k) => RegistryError::Signer(k),
            other => RegistryError::BadInput(other.to_string()),
        })?;
    Ok(ResultLine {
        line: n,
        ok: true,
        request_id: Some(rec.license.request_id),
        license_number: Some(rec.license.license_number),
        list: Some(rec.list),
        index: Some(rec.index),
        resumed,
        license: Some(b64::encode(&license.to_bytes())),
        error: None,
    })
}

/// The batch id of an input: hex SHA-256 of its bytes, first 16 bytes.
pub fn batch_id_of(input: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(input)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
