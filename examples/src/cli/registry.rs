//! `lz registry`: the issuing authority's back office — a durable registry of
//! every license it issued (SQLite file or PostgreSQL), status slots allocated
//! by the registry, resumable batches, revocation with a reason and an
//! append-only history, publication of signed status lists, statistics, and an
//! audit that checks issued files against the registry. Issuer keys can be a
//! PEM file or a key inside a PKCS#11 HSM (`--pkcs11-module`, `--key-label`;
//! the PIN comes from an environment variable or a prompt, never from argv).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use liangzheng::b64;
use liangzheng::credential::{Claims, Credential, IssuedLicense, Issuer};
use liangzheng::ids::Uscc;
use liangzheng::keys::IssuerSigner;
use liangzheng::lang::Localized;
use liangzheng::status::{list_uri, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use lz_registry::batch::{self, BatchOptions, ResultLine};
use lz_registry::pkcs11::{Pkcs11Config, Pkcs11Key};
use lz_registry::publish::{publish, PublishOptions};
use lz_registry::{
    Action, ChangeRequest, LicenseKey, OpenOptions, Reason, RegistryConfig, RegistryError, Store,
    DEFAULT_LIST_SIZE,
};
use serde_json::json;
use zeroize::Zeroizing;

use super::files::{
    load_issuer_key, parse_holder_key, parse_holder_key_text, save, save_license, StatusTokenFile,
    STATUS_TOKEN_FORMAT, VERSION,
};
use super::{
    ctx, mkdir, now_or, parse_time, read, read_text, write, CliError, CliResult, EXIT_INVALID,
};

/// `lz registry` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 登记簿 Registry database: a SQLite file path (or `sqlite:PATH`), or a
    /// PostgreSQL URL `postgres://user@host:port/db`.
    #[arg(long, global = true, env = "LZ_REGISTRY")]
    pub db: Option<String>,
    /// How long to wait for another process's lock before failing (milliseconds).
    #[arg(long, global = true, default_value_t = 30_000)]
    pub busy_timeout_ms: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: RegistryCommand,
}

/// The issuer key: a PEM file, or a key in a PKCS#11 token.
#[derive(Debug, Clone, clap::Args)]
pub struct SignerArgs {
    /// 发证机关私钥 Issuer private key (PKCS#8 PEM).
    #[arg(long, conflicts_with = "pkcs11_module")]
    pub key: Option<PathBuf>,
    /// PKCS#11 模块 Path of the HSM's PKCS#11 library (e.g. libsofthsm2.so).
    #[arg(long, requires = "key_label")]
    pub pkcs11_module: Option<PathBuf>,
    /// 密钥标签 Label (CKA_LABEL) of the key pair in the token.
    #[arg(long, requires = "pkcs11_module")]
    pub key_label: Option<String>,
    /// 令牌标签 Token label (default: the first initialised token).
    #[arg(long)]
    pub token_label: Option<String>,
    /// Environment variable holding the user PIN (if unset: prompt on the terminal).
    #[arg(long, default_value = "LZ_PKCS11_PIN")]
    pub pin_env: String,
}

/// Which license a status command is about.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// 证照编号 License number.
    #[arg(long)]
    pub number: String,
    /// 证照类型 License type id, when the number exists under several types.
    #[arg(long = "type")]
    pub license_type: Option<String>,
}

/// revoke / suspend / reinstate arguments.
#[derive(Debug, clap::Args)]
pub struct ChangeArgs {
    /// The license.
    #[command(flatten)]
    pub target: Target,
    /// 原因 Reason: lost 挂失, cancelled 注销, withheld 暂扣, sanction 吊销, issued-in-error 错误签发, restored 恢复, other 其他.
    #[arg(long)]
    pub reason: String,
    /// 操作员 Operator id (recorded in the history).
    #[arg(long, env = "LZ_OPERATOR")]
    pub actor: String,
    /// 备注 Note (case number …; no personal data).
    #[arg(long, default_value = "")]
    pub note: String,
    /// Time of the change (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
}

/// `lz registry` subcommands.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// 初始化 Create a registry in an empty database.
    Init {
        /// 颁发机构统一社会信用代码 The authority's USCC (names its status lists).
        #[arg(long)]
        issuer_code: String,
        /// Entries per status list (a full list rolls over to the next list id).
        #[arg(long, default_value_t = DEFAULT_LIST_SIZE)]
        list_size: u64,
    },
    /// 签发 Issue one license or a JSONL batch; the registry allocates each status slot.
    Issue(IssueArgs),
    /// 吊销 Revoke a license (final).
    Revoke(ChangeArgs),
    /// 暂停 Suspend a license (暂扣).
    Suspend(ChangeArgs),
    /// 恢复 Reinstate a suspended license.
    Reinstate(ChangeArgs),
    /// 历史 Show a license's record and status history.
    History(Target),
    /// 发布 Sign every status list from the registry's current state.
    Publish {
        /// The issuer key.
        #[command(flatten)]
        signer: SignerArgs,
        /// Time-to-live of each token in seconds.
        #[arg(long)]
        ttl: u64,
        /// Output folder (gets `status-<list>.json` per list and publication.json).
        #[arg(long)]
        out_dir: PathBuf,
        /// Only this list (repeatable).
        #[arg(long = "list")]
        lists: Vec<u32>,
        /// Signing time (default: now).
        #[arg(long, value_parser = parse_time)]
        now: Option<UnixTime>,
    },
    /// 导出公钥 Export the issuer key's public key as a SubjectPublicKeyInfo PEM
    /// (for `lz trust add --issuer-key`); works for HSM keys (`--pkcs11-module`,
    /// `--key-label`; PIN from the environment or a prompt) and PEM keys alike.
    /// Needs no registry database.
    PublicKey {
        /// The issuer key.
        #[command(flatten)]
        signer: SignerArgs,
        /// Write the PEM here (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 统计 Counts by type and status, list use.
    Stats,
    /// 核对 Check batch results and published lists against the registry (exit 1 on any mismatch).
    Audit {
        /// results.jsonl files of `issue --batch` (repeatable).
        #[arg(long = "results")]
        results: Vec<PathBuf>,
        /// Folder written by `publish`: every token must verify with the issuer
        /// key and equal the registry's current state.
        #[arg(long)]
        published: Option<PathBuf>,
        /// The issuer key whose public key checks the published tokens.
        #[command(flatten)]
        signer: SignerArgs,
    },
}

/// `lz registry issue` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["claims", "batch"])))]
pub struct IssueArgs {
    /// The issuer key.
    #[command(flatten)]
    pub signer: SignerArgs,
    /// 颁发机构名称 Issuing authority's name.
    #[arg(long)]
    pub issuer_name: String,
    /// 证照信息 Claims JSON (one license), without `status`.
    #[arg(long, requires = "out")]
    pub claims: Option<PathBuf>,
    /// 持证人公钥 Holder public key for --claims.
    #[arg(long, conflicts_with = "batch")]
    pub holder_key: Option<String>,
    /// Request id for --claims (default: `<type>/<license number>`; re-running is idempotent).
    #[arg(long, conflicts_with = "batch")]
    pub request_id: Option<String>,
    /// 批量 JSONL batch: a claims object per line, or {"request_id", "claims", "holder_key"}.
    #[arg(long, requires = "out")]
    pub batch: Option<PathBuf>,
    /// License file (--claims) or results JSONL (--batch; appended to when resuming).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Lines per transaction.
    #[arg(long, default_value_t = 1000)]
    pub chunk: usize,
    /// Batch id (default: SHA-256 of the batch file): default request ids are `<batch id>:<line>`.
    #[arg(long)]
    pub batch_id: Option<String>,
    /// Issue time (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
}

fn reg_err(e: RegistryError) -> CliError {
    let code = match e {
        RegistryError::UnknownLicense { .. }
        | RegistryError::InvalidTransition { .. }
        | RegistryError::DuplicateLicense { .. } => EXIT_INVALID,
        _ => super::EXIT_USAGE,
    };
    CliError {
        message: e.to_string(),
        code,
    }
}

fn open_db(a: &Args) -> Result<Box<dyn Store>, CliError> {
    let db = a.db.as_deref().ok_or_else(|| {
        CliError::new(
            "give --db (or LZ_REGISTRY): a SQLite path or a postgres:// URL / 请指定登记簿数据库",
        )
    })?;
    lz_registry::open(
        db,
        &OpenOptions {
            busy_timeout: Duration::from_millis(a.busy_timeout_ms),
        },
    )
    .map_err(reg_err)
}

/// Reads the PKCS#11 user PIN from `var`, or prompts for it (never from argv).
pub fn read_pin(var: &str) -> Result<Zeroizing<String>, CliError> {
    if let Ok(pin) = std::env::var(var) {
        return Ok(Zeroizing::new(pin));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(format!(
            "PIN: set {var} or run on a terminal to be prompted / 请设置环境变量 {var} 或在终端输入 PIN"
        )));
    }
    rpassword::prompt_password("PKCS#11 用户 PIN / user PIN: ")
        .map(Zeroizing::new)
        .map_err(ctx("PIN prompt"))
}

/// The issuer signer the arguments name, with the number of parallel HSM sessions.
pub fn load_signer(s: &SignerArgs, sessions: usize) -> Result<Arc<dyn IssuerSigner>, CliError> {
    match (&s.key, &s.pkcs11_module, &s.key_label) {
        (Some(pem), None, _) => Ok(load_issuer_key(pem)?),
        (None, Some(module), Some(label)) => {
            let pin = read_pin(&s.pin_env)?;
            let key = Pkcs11Key::open(
                &Pkcs11Config {
                    module: module.clone(),
                    token_label: s.token_label.clone(),
                    key_label: label.clone(),
                    sessions,
                },
                &pin,
            )
            .map_err(reg_err)?;
            key.into_issuer_signer().map_err(reg_err)
        }
        _ => Err(CliError::new(
            "give --key PEM, or --pkcs11-module PATH with --key-label NAME / 请指定签发密钥",
        )),
    }
}

/// `lz registry public-key`: the signer's public key as SPKI PEM, its algorithm
/// and key id on standard error (the PEM alone on standard output or in `out`).
fn export_public_key(s: &SignerArgs, out: Option<&Path>) -> CliResult {
    let signer = load_signer(s, 1)?;
    let public = signer.public_key();
    let pem = public.to_spki_pem().map_err(ctx("public key PEM"))?;
    match out {
        Some(path) => write(path, pem.as_bytes())?,
        None => print!("{pem}"),
    }
    eprintln!(
        "public key 公钥: {} key, kid {}{}",
        public.alg_name(),
        public.key_id().to_hex(),
        out.map(|p| format!(" → {}", p.display()))
            .unwrap_or_default()
    );
    Ok(0)
}

/// Runs `lz registry`.
pub fn run(a: Args) -> CliResult {
    match &a.command {
        RegistryCommand::Init {
            issuer_code,
            list_size,
        } => {
            let mut store = open_db(&a)?;
            let config = RegistryConfig {
                issuer_code: issuer_code.clone(),
                list_size: *list_size,
            };
            store.init(&config, UnixTime::now().0).map_err(reg_err)?;
            println!(
                "registry initialised 登记簿已创建 ({}): issuer {issuer_code}, {list_size} entries per status list",
                store.engine()
            );
            Ok(0)
        }
        RegistryCommand::Issue(i) => issue(&a, i),
        RegistryCommand::PublicKey { signer, out } => export_public_key(signer, out.as_deref()),
        RegistryCommand::Revoke(c) => change(&a, c, Action::Revoke),
        RegistryCommand::Suspend(c) => change(&a, c, Action::Suspend),
        RegistryCommand::Reinstate(c) => change(&a, c, Action::Reinstate),
        RegistryCommand::History(t) => {
            let mut store = open_db(&a)?;
            let (rec, changes) = store.history(&key_of(t)).map_err(reg_err)?;
            let out = json!({"license": rec, "history": changes});
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(ctx("JSON"))?
            );
            Ok(0)
        }
        RegistryCommand::Publish {
            signer,
            ttl,
            out_dir,
            lists,
            now,
        } => {
            let mut store = open_db(&a)?;
            let signer = load_signer(signer, 1)?;
            let code = store.config().map_err(reg_err)?.issuer_code;
            let started = Instant::now();
            let pubs = publish(
                store.as_mut(),
                &PublishOptions {
                    signer: signer.clone(),
                    ttl: Some(*ttl),
                    now: now_or(*now).0,
                    lists: (!lists.is_empty()).then(|| lists.clone()),
                },
            )
            .map_err(reg_err)?;
            let signed = started.elapsed();
            mkdir(out_dir)?;
            for p in &pubs {
                save(
                    &out_dir.join(format!("status-{}.json", p.list)),
                    &StatusTokenFile {
                        format: STATUS_TOKEN_FORMAT.into(),
                        version: VERSION,
                        uri: list_uri(&code, p.list),
                        issued_at: p.issued_at,
                        ttl: Some(*ttl),
                        cose: b64::encode(&p.token),
                    },
                )?;
            }
            let manifest = json!({
                "format": "liangzheng-publication",
                "version": 1,
                "issuer_code": code,
                "signer_kid": signer.key_id().to_hex(),
                "lists": pubs,
            });
            write(
                &out_dir.join("publication.json"),
                serde_json::to_string_pretty(&manifest).map_err(ctx("JSON"))?,
            )?;
            for p in &pubs {
                println!(
                    "published 已发布 list {} seq {} iat {}: {} entries, {} revoked, {} suspended ({} bytes)",
                    p.list, p.seq, p.issued_at, p.size, p.revoked, p.suspended, p.token.len()
                );
            }
            eprintln!(
                "{} list(s) signed from one snapshot in {:.3} s → {}",
                pubs.len(),
                signed.as_secs_f64(),
                out_dir.display()
            );
            Ok(0)
        }
        RegistryCommand::Stats => {
            let mut store = open_db(&a)?;
            let stats = store.stats().map_err(reg_err)?;
            let mut by_type: BTreeMap<String, BTreeMap<&str, u64>> = BTreeMap::new();
            for (t, s, n) in &stats.by_type_status {
                by_type.entry(t.clone()).or_default().insert(s.name(), *n);
            }
            let out = json!({
                "engine": store.engine(),
                "by_type": by_type,
                "lists": stats.lists,
                "status_changes": stats.changes,
                "publications": stats.publications,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(ctx("JSON"))?
            );
            Ok(0)
        }
        RegistryCommand::Audit {
            results,
            published,
            signer,
        } => audit(&a, results, published.as_deref(), signer),
    }
}

fn key_of(t: &Target) -> LicenseKey {
    LicenseKey {
        number: t.number.clone(),
        license_type: t.license_type.clone(),
    }
}

fn change(a: &Args, c: &ChangeArgs, action: Action) -> CliResult {
    let reason = Reason::parse(&c.reason).ok_or_else(|| {
        CliError::new(format!(
            "unknown reason 未知原因 {:?}: one of {}",
            c.reason,
            Reason::ALL
                .iter()
                .map(|r| format!("{} {}", r.code(), r.zh()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let mut store = open_db(a)?;
    let done = store
        .change_status(&ChangeRequest {
            license: key_of(&c.target),
            action,
            reason,
            actor: c.actor.clone(),
            note: c.note.clone(),
            at: now_or(c.now).0,
        })
        .map_err(reg_err)?;
    // The change is committed (and synced) when change_status returns.
    println!(
        "{} {}: {} → {} ({} {}), change #{} committed 已提交",
        action.zh(),
        c.target.number,
        done.from.bilingual(),
        done.to.bilingual(),
        reason.zh(),
        reason.code(),
        done.seq
    );
    Ok(0)
}

fn issue(a: &Args, i: &IssueArgs) -> CliResult {
    let mut store = open_db(a)?;
    let config = store.config().map_err(reg_err)?;
    let threads = rayon::current_num_threads();
    let signer = load_signer(&i.signer, threads)?;
    let code = Uscc::parse(&config.issuer_code).map_err(ctx("registry issuer code"))?;
    let issuer = Issuer::new(signer.clone(), &i.issuer_name, code);
    let now = now_or(i.now);
    let out = i
        .out
        .as_deref()
        .ok_or_else(|| CliError::new("give --out"))?;
    // Batch lines carry the holder key as text (never a file name).
    let holder_parser = |s: &str| parse_holder_key_text(s).map_err(|e| e.message);
    if let Some(claims_path) = &i.claims {
        let claims: Claims =
            serde_json::from_str(&read_text(claims_path)?).map_err(ctx(claims_path.display()))?;
        let (ty, _) = issuer
            .validate(&claims)
            .map_err(ctx("cannot issue 无法签发"))?;
        let request_id = i
            .request_id
            .clone()
            .unwrap_or_else(|| format!("{}/{}", ty.id, claims.license_number.trim()));
        let mut line = json!({"request_id": request_id, "claims": claims});
        if let Some(h) = &i.holder_key {
            // `--holder-key` may name a key file: resolve it to the key's text here.
            line["holder_key"] = json!(parse_holder_key(h)?.to_text());
        }
        let input = serde_json::to_string(&line).map_err(ctx("JSON"))?;
        let dir = tempdir_near(out)?;
        let results = dir.join("result.jsonl");
        let report = batch::run(
            store.as_mut(),
            &issuer,
            &input,
            &results,
            &BatchOptions {
                batch_id: "single".into(),
                now,
                chunk: 1,
                holder_parser: &holder_parser,
                progress: &|_| {},
                max_chunks: None,
            },
        )
        .map_err(reg_err);
        let text = std::fs::read_to_string(&results).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        report?;
        let r: ResultLine = serde_json::from_str(text.trim()).map_err(ctx("result"))?;
        if !r.ok {
            return Err(CliError {
                message: r.error.unwrap_or_default(),
                code: EXIT_INVALID,
            });
        }
        let bytes = r
            .license
            .as_deref()
            .and_then(b64::decode)
            .ok_or_else(|| CliError::new("internal: no license"))?;
        let license = IssuedLicense::from_bytes(&bytes).map_err(ctx("license"))?;
        save_license(out, &license)?;
        println!(
            "issued 已签发 {} → list {} index {}{} → {}",
            r.license_number.unwrap_or_default(),
            r.list.unwrap_or_default(),
            r.index.unwrap_or_default(),
            if r.resumed {
                " (already recorded: same slot, signed again 已登记，同一位置重新签名)"
            } else {
                ""
            },
            out.display()
        );
        return Ok(0);
    }
    let batch_path = i
        .batch
        .as_deref()
        .ok_or_else(|| CliError::new("give --claims or --batch"))?;
    let bytes = read(batch_path)?;
    let input = String::from_utf8(bytes)
        .map_err(|_| CliError::new(format!("{} is not UTF-8", batch_path.display())))?;
    let batch_id = i
        .batch_id
        .clone()
        .unwrap_or_else(|| batch::batch_id_of(input.as_bytes()));
    let total = input.lines().count() as u64;
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} 签发 issuing [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let started = Instant::now();
    let report = batch::run(
        store.as_mut(),
        &issuer,
        &input,
        out,
        &BatchOptions {
            batch_id,
            now,
            chunk: i.chunk,
            holder_parser: &holder_parser,
            progress: &|n| bar.set_position(n),
            max_chunks: None,
        },
    )
    .map_err(reg_err)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "issued 已签发 {} new, {} resumed (already recorded, same slot), {} already in the output, {} failed 失败; {:.2} s, {:.0}/s → {}",
        report.issued,
        report.resumed,
        report.already_done,
        report.failed,
        secs,
        (report.issued + report.resumed) as f64 / secs.max(1e-9),
        out.display()
    );
    println!("{}", serde_json::to_string(&report).map_err(ctx("JSON"))?);
    Ok(if report.failed == 0 { 0 } else { EXIT_INVALID })
}

fn tempdir_near(out: &Path) -> Result<PathBuf, CliError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    mkdir(parent)?;
    let dir = parent.join(format!(".lz-issue-{}", std::process::id()));
    mkdir(&dir)?;
    Ok(dir)
}

/// What `audit` checks, and what it found.
fn audit(
    a: &Args,
    results: &[PathBuf],
    published: Option<&Path>,
    signer: &SignerArgs,
) -> CliResult {
    let mut store = open_db(a)?;
    let mut problems: Vec<String> = Vec::new();
    let mut seen_requests: HashSet<String> = HashSet::new();
    let mut seen_slots: HashSet<(u32, u64)> = HashSet::new();
    let (mut ok_lines, mut failed_lines) = (0u64, 0u64);
    for path in results {
        let text = read_text(path)?;
        let mut lines_seen: HashSet<u64> = HashSet::new();
        let mut pending: Vec<(String, u32, u64, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let r: ResultLine = match serde_json::from_str(line) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!(
                        "{}:{}: not a result line: {e}",
                        path.display(),
                        n + 1
                    ));
                    continue;
                }
            };
            if !lines_seen.insert(r.line) {
                problems.push(format!(
                    "{}: input line {} has two results",
                    path.display(),
                    r.line
                ));
            }
            if !r.ok {
                failed_lines += 1;
                continue;
            }
            ok_lines += 1;
            let (Some(req), Some(list), Some(index), Some(number), Some(lic)) =
                (r.request_id, r.list, r.index, r.license_number, r.license)
            else {
                problems.push(format!(
                    "{}: line {}: incomplete result",
                    path.display(),
                    r.line
                ));
                continue;
            };
            let cred = b64::decode(&lic)
                .and_then(|b| IssuedLicense::from_bytes(&b).ok())
                .and_then(|l| Credential::parse(&l.credential).ok());
            match cred.and_then(|c| c.status) {
                Some(s) if (s.list, s.index) == (list, index) => {}
                other => problems.push(format!(
                    "{}: line {}: credential carries status {other:?}, result says ({list}, {index})",
                    path.display(),
                    r.line
                )),
            }
            if !seen_requests.insert(req.clone()) {
                problems.push(format!("request {req} issued twice"));
            }
            if !seen_slots.insert((list, index)) {
                problems.push(format!("slot ({list}, {index}) in two results"));
            }
            pending.push((req, list, index, number));
        }
        for chunk in pending.chunks(1000) {
            let ids: Vec<String> = chunk.iter().map(|c| c.0.clone()).collect();
            let found: HashMap<String, lz_registry::LicenseRecord> = store
                .by_request(&ids)
                .map_err(reg_err)?
                .into_iter()
                .map(|r| (r.license.request_id.clone(), r))
                .collect();
            for (req, list, index, number) in chunk {
                match found.get(req) {
                    None => problems.push(format!(
                        "request {req} is in the output but not in the registry"
                    )),
                    Some(rec)
                        if (rec.list, rec.index) != (*list, *index)
                            || &rec.license.license_number != number =>
                    {
                        problems.push(format!(
                            "request {req}: registry has ({}, {}) {}",
                            rec.list, rec.index, rec.license.license_number
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let integrity = store.integrity().map_err(reg_err)?;
    if !integrity.is_clean() {
        problems.push(format!("registry integrity: {integrity:?}"));
    }
    let mut lists_checked = 0u64;
    if let Some(dir) = published {
        let manifest: serde_json::Value =
            serde_json::from_str(&read_text(&dir.join("publication.json"))?)
                .map_err(ctx("publication.json"))?;
        let lists = manifest["lists"].as_array().cloned().unwrap_or_default();
        let pk = load_signer(signer, 1)?
            .public_key()
            .verifying_key()
            .map_err(ctx("signer key"))?;
        for entry in lists {
            let list = entry["list"]
                .as_u64()
                .and_then(|l| u32::try_from(l).ok())
                .ok_or_else(|| CliError::new("publication.json: bad list"))?;
            let token = super::files::load_status_token(&dir.join(format!("status-{list}.json")))?;
            let parsed = match StatusToken::parse_verified(&token, |_, _| Some(pk.clone())) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("list {list}: token rejected: {e}"));
                    continue;
                }
            };
            let Some(snap) = store.snapshot(list).map_err(reg_err)? else {
                problems.push(format!("published list {list} is not in the registry"));
                continue;
            };
            let list_bytes = parsed.list;
            let want: HashMap<u64, StatusValue> = snap
                .not_valid
                .iter()
                .map(|(i, s)| (*i, s.status_value()))
                .collect();
            if list_bytes.len() as u64 != snap.size {
                problems.push(format!(
                    "list {list}: {} entries published, registry has {}",
                    list_bytes.len(),
                    snap.size
                ));
            }
            for i in 0..list_bytes.len() {
                let got = list_bytes.status(i).unwrap_or(StatusValue::Valid);
                let expect = want.get(&(i as u64)).copied().unwrap_or(StatusValue::Valid);
                if got != expect {
                    problems.push(format!(
                        "list {list} index {i}: published {got:?}, registry {expect:?}"
                    ));
                }
            }
            lists_checked += 1;
        }
    }
    let out = json!({
        "result_lines_ok": ok_lines,
        "result_lines_failed": failed_lines,
        "registry": integrity,
        "published_lists_checked": lists_checked,
        "problems": problems.len(),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&out).map_err(ctx("JSON"))?
    );
    for p in problems.iter().take(20) {
        eprintln!("problem 问题: {p}");
    }
    Ok(if problems.is_empty() { 0 } else { EXIT_INVALID })
}
