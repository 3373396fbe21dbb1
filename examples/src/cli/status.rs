//! `lz status`: an issuer's revocation / suspension lists and their signed tokens.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use liangzheng::b64;
use liangzheng::keys::IssuerSigner;
use liangzheng::status::{list_uri, StatusList, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use serde_json::json;

use super::files::{
    load, load_public_key, load_status_token, sniff, StatusListFile, StatusTokenFile,
    STATUS_LIST_FORMAT, STATUS_TOKEN_FORMAT, VERSION,
};
use super::{ctx, now_or, parse_time, CliError, CliResult};
use crate::cli::files::{load_issuer_key, save};

/// `lz status` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: StatusCommand,
}

/// `lz status` subcommands.
#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// 新建 A new list, every entry valid.
    New {
        /// List number (credentials carry [list, index]).
        #[arg(long)]
        list_id: u32,
        /// Number of entries.
        #[arg(long)]
        size: u64,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// 吊销 Mark an entry revoked.
    Revoke(Mark),
    /// 暂停 Mark an entry suspended.
    Suspend(Mark),
    /// 恢复 Mark an entry valid again.
    Reinstate(Mark),
    /// 发布 Sign the list as a status list token (CWT).
    Publish {
        /// The list.
        #[arg(long)]
        list: PathBuf,
        /// Issuer private key PEM.
        #[arg(long)]
        key: PathBuf,
        /// Issuer USCC (names the list: `urn:liangzheng:status:<code>:<list id>`).
        #[arg(long)]
        issuer_code: String,
        /// Time-to-live in seconds: past it verifiers say "indeterminate".
        #[arg(long)]
        ttl: u64,
        /// Signing time (default: now).
        #[arg(long, value_parser = parse_time)]
        now: Option<UnixTime>,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// 查看 Print a list or token as JSON (a token's signature is checked with --issuer-key).
    Inspect {
        /// The file.
        file: PathBuf,
        /// Issuer public key PEM (to verify a token).
        #[arg(long)]
        issuer_key: Option<PathBuf>,
    },
}

/// Arguments of revoke / suspend / reinstate.
#[derive(Debug, clap::Args)]
pub struct Mark {
    /// The list.
    #[arg(long)]
    list: PathBuf,
    /// Entry index.
    #[arg(long)]
    index: u64,
}

fn name(v: StatusValue) -> &'static str {
    match v {
        StatusValue::Valid => "valid 有效",
        StatusValue::Invalid => "revoked 已吊销",
        StatusValue::Suspended => "suspended 已暂停",
        _ => "other 其他",
    }
}

fn mark(m: &Mark, value: StatusValue) -> CliResult {
    let mut f: StatusListFile = load(&m.list, STATUS_LIST_FORMAT)?;
    if m.index >= f.size {
        return Err(CliError::new(format!(
            "index {} outside the list (size {})",
            m.index, f.size
        )));
    }
    let mut list = f.list()?;
    let i = usize::try_from(m.index).map_err(ctx("index"))?;
    let before = list.status(i).unwrap_or(StatusValue::Valid);
    list.set_status(i, value).map_err(ctx("status"))?;
    f.statuses = b64::encode(list.as_bytes());
    save(&m.list, &f)?;
    println!(
        "list {} index {}: {} → {}",
        f.list_id,
        m.index,
        name(before),
        name(value)
    );
    Ok(0)
}

/// Runs `lz status`.
pub fn run(a: Args) -> CliResult {
    match a.command {
        StatusCommand::New { list_id, size, out } => {
            let n = usize::try_from(size).map_err(ctx("size"))?;
            let list = StatusList::new(n, 2).map_err(ctx("status list"))?;
            save(&out, &StatusListFile::new(list_id, size, &list))?;
            println!(
                "new status list {list_id}: {size} entries, all valid → {}",
                out.display()
            );
            Ok(0)
        }
        StatusCommand::Revoke(m) => mark(&m, StatusValue::REVOKED),
        StatusCommand::Suspend(m) => mark(&m, StatusValue::Suspended),
        StatusCommand::Reinstate(m) => mark(&m, StatusValue::Valid),
        StatusCommand::Publish {
            list,
            key,
            issuer_code,
            ttl,
            now,
            out,
        } => {
            let f: StatusListFile = load(&list, STATUS_LIST_FORMAT)?;
            let key = load_issuer_key(&key)?;
            let uri = list_uri(&issuer_code, f.list_id);
            let now = now_or(now);
            let bytes = StatusToken::sign(&f.list()?, &uri, now, Some(ttl), None, key.as_ref())
                .map_err(ctx("sign"))?;
            save(
                &out,
                &StatusTokenFile {
                    format: STATUS_TOKEN_FORMAT.into(),
                    version: VERSION,
                    uri: uri.clone(),
                    issued_at: now.0,
                    ttl: Some(ttl),
                    cose: b64::encode(&bytes),
                },
            )?;
            println!(
                "published 已发布 {uri} ({} bytes, ttl {ttl} s, kid {}) → {}",
                bytes.len(),
                key.key_id().to_hex(),
                out.display()
            );
            Ok(0)
        }
        StatusCommand::Inspect { file, issuer_key } => inspect(&file, issuer_key.as_deref()),
    }
}

fn summary(list: &StatusList, size: usize) -> serde_json::Value {
    let (mut revoked, mut suspended, mut other) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..size.min(list.len()) {
        match list.status(i) {
            Some(StatusValue::Valid) | None => {}
            Some(StatusValue::Invalid) => revoked.push(i),
            Some(StatusValue::Suspended) => suspended.push(i),
            Some(_) => other.push(i),
        }
    }
    json!({"size": size, "bits": list.bits(), "revoked": revoked, "suspended": suspended, "other": other})
}

fn inspect(file: &Path, issuer_key: Option<&Path>) -> CliResult {
    let (format, _) = sniff(file)?;
    let out = if format == STATUS_LIST_FORMAT {
        let f: StatusListFile = load(file, STATUS_LIST_FORMAT)?;
        let size = usize::try_from(f.size).map_err(ctx("size"))?;
        json!({"format": format, "list_id": f.list_id, "statuses": summary(&f.list()?, size)})
    } else if format == STATUS_TOKEN_FORMAT {
        let bytes = load_status_token(file)?;
        let key = issuer_key
            .map(load_public_key)
            .transpose()?
            .map(|k| k.verifying_key())
            .transpose()
            .map_err(ctx("issuer key"))?;
        // Learn the signer and URI even without a key (the closure sees them before any check).
        let seen = RefCell::new(None);
        let parsed = StatusToken::parse_verified(&bytes, |kid, uri| {
            *seen.borrow_mut() = Some((kid.to_hex(), uri.to_string()));
            key.clone()
        });
        let (kid, uri) = seen.into_inner().unzip();
        match (parsed, key) {
            (Ok(t), Some(_)) => json!({"format": format, "verified": true, "uri": t.uri,
                "signer_kid": t.signer.to_hex(), "issued_at": t.issued_at.0, "ttl": t.ttl,
                "expires": t.expires.map(|e| e.0), "statuses": summary(&t.list, t.list.len())}),
            (_, None) => json!({"format": format, "verified": false, "uri": uri, "signer_kid": kid,
                "bytes": bytes.len(), "note": "pass --issuer-key to verify and list the statuses"}),
            (Err(e), Some(_)) => {
                return Err(CliError::new(format!(
                    "{}: token rejected: {e}",
                    file.display()
                )))
            }
        }
    } else {
        return Err(CliError::new(format!(
            "{}: a {format}, not a status list",
            file.display()
        )));
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&out).map_err(ctx("JSON"))?
    );
    Ok(0)
}
