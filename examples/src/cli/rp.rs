//! `lz rp`: relying-party (verifier) registrations — the root registers a
//! verifier; a wallet's view of a request (verified or not).

use std::path::PathBuf;

use clap::Subcommand;
use liangzheng::keys::IssuerSigner as _;
use liangzheng::lang::Localized as _;
use liangzheng::qr::{decode_text, QrKind};
use liangzheng::registration::{Grant, Registration};
use liangzheng::request::{ReceivedRequest, RequestPolicy, VerifierIdentity};
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;

use super::files::{load_issuer_key, load_public_key};
use super::{
    ctx, now_or, parse_time, read, read_text, show_time, split_list, write, CliError, CliResult,
    EXIT_INDETERMINATE, EXIT_INVALID,
};

/// `lz rp` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: RpCommand,
}

/// `lz rp` subcommands.
#[derive(Debug, Subcommand)]
pub enum RpCommand {
    /// 登记核验方 Register a verifier: sign its registration with the root key.
    Register {
        /// Root private key PEM (the trust-list root).
        #[arg(long)]
        root_key: PathBuf,
        /// The verifier's request-signing public key PEM (Ed25519, P-256 or SM2; a private key PEM works too).
        #[arg(long)]
        verifier_key: PathBuf,
        /// 核验方代码 Verifier id (e.g. its 统一社会信用代码).
        #[arg(long)]
        id: String,
        /// 名称 Verifier name, as wallets will show it.
        #[arg(long)]
        name: String,
        /// English name.
        #[arg(long)]
        name_en: String,
        /// 可请求 What it may request: TYPE:field,field (repeat for several types), e.g. id:name,id_number.
        #[arg(long = "grant", required = true)]
        grants: Vec<String>,
        /// Start of validity (YYYY-MM-DD or Unix seconds).
        #[arg(long, value_parser = parse_time)]
        from: UnixTime,
        /// End of validity (inclusive).
        #[arg(long, value_parser = parse_time)]
        until: UnixTime,
        /// Signing time (default: now).
        #[arg(long, value_parser = parse_time)]
        now: Option<UnixTime>,
        /// Output file (the signed registration, COSE_Sign1 bytes).
        #[arg(long)]
        out: PathBuf,
    },
    /// 查看 Verify a signed registration with the root public key and print it as JSON.
    Inspect {
        /// The signed registration.
        file: PathBuf,
        /// Root public key PEM.
        #[arg(long)]
        root_key: PathBuf,
    },
    /// 持证端视图 What a wallet shows for a request QR: verified or unverified verifier, or refused.
    /// Exit 0 verified, 3 unverified, 1 refused.
    CheckRequest {
        /// The request QR text (LZ1R:…), or @FILE to read it from a file.
        text: String,
        /// Root public key PEM the wallet pins (none: every verifier is unverified).
        #[arg(long)]
        root_key: Option<PathBuf>,
        /// Wallet clock (default: now).
        #[arg(long, value_parser = parse_time)]
        now: Option<UnixTime>,
        /// Oldest request answered, in seconds.
        #[arg(long, default_value_t = liangzheng::request::DEFAULT_REQUEST_MAX_AGE_SECS)]
        max_age: u64,
    },
}

/// Parses `TYPE:field,field` into a grant (field ids ascending).
fn parse_grant(registry: &Registry, s: &str) -> Result<Grant, CliError> {
    let (ty, fields) = s
        .split_once(':')
        .ok_or_else(|| CliError::new(format!("--grant {s:?}: expected TYPE:field,field")))?;
    let ty = super::license_type(registry, ty)
        .ok_or_else(|| CliError::new(format!("--grant: unknown license type {ty:?}")))?;
    let mut ids = Vec::new();
    for key in split_list(fields) {
        let f = ty
            .field(&key)
            .ok_or_else(|| CliError::new(format!("--grant: {} has no field {key:?}", ty.id)))?;
        ids.push(f.id);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Grant {
        type_code: ty.type_code.clone(),
        fields: ids,
    })
}

/// Runs `lz rp`.
pub fn run(a: Args) -> CliResult {
    match a.command {
        RpCommand::Register {
            root_key,
            verifier_key,
            id,
            name,
            name_en,
            grants,
            from,
            until,
            now,
            out,
        } => {
            let root = load_issuer_key(&root_key)?;
            let registry = Registry::builtin();
            let reg = Registration {
                verifier_id: id,
                name_zh: name,
                name_en,
                grants: grants
                    .iter()
                    .map(|g| parse_grant(&registry, g))
                    .collect::<Result<_, _>>()?,
                not_before: from.0,
                not_after: until.0,
                public_key: load_public_key(&verifier_key)?,
                issued_at: now_or(now).0,
            };
            let signed = reg.sign(root.as_ref()).map_err(ctx("registration"))?;
            write(&out, &signed)?;
            println!(
                "registered 已登记 {} ({}), key {} kid {}, valid 有效期 {} … {}, {} bytes",
                reg.name_zh,
                reg.verifier_id,
                reg.public_key.alg_name(),
                reg.public_key.key_id().to_hex(),
                show_time(UnixTime(reg.not_before)),
                show_time(UnixTime(reg.not_after)),
                signed.len()
            );
            eprintln!("signed by root kid {}", root.key_id().to_hex());
            Ok(0)
        }
        RpCommand::Inspect { file, root_key } => {
            let root = load_public_key(&root_key)?;
            let reg =
                Registration::from_signed(&read(&file)?, &root).map_err(ctx(file.display()))?;
            let json = serde_json::to_string_pretty(&reg).map_err(ctx("JSON"))?;
            println!("{json}");
            Ok(0)
        }
        RpCommand::CheckRequest {
            text,
            root_key,
            now,
            max_age,
        } => {
            let text = match text.strip_prefix('@') {
                Some(path) => read_text(path.as_ref())?.trim_end().to_string(),
                None => text,
            };
            let root = root_key.as_deref().map(load_public_key).transpose()?;
            let payload =
                decode_text(&text).map_err(|e| CliError::new(format!("not a request QR: {e}")))?;
            if payload.kind != QrKind::Request {
                return Err(CliError::new("not a request QR (LZ1R:…)"));
            }
            let mut policy = RequestPolicy::at(now_or(now));
            policy.max_age_secs = max_age;
            let outcome = ReceivedRequest::parse(&payload.body)
                .and_then(|r| r.authenticate(root.as_ref(), &policy).map(|id| (r, id)));
            let (request, identity) = match outcome {
                Ok(x) => x,
                Err(e) => {
                    println!("拒绝 refused [{}]: {} / {}", e.code(), e.zh(), e.en());
                    return Ok(EXIT_INVALID);
                }
            };
            let r = &request.request;
            let registry = Registry::builtin();
            let ty = registry.get(&r.type_code);
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|id| {
                    ty.and_then(|t| t.field_by_id(*id))
                        .map_or_else(|| format!("#{id}"), |f| format!("{} {}", f.zh, f.en))
                })
                .collect();
            match &identity {
                VerifierIdentity::Verified { registration } => println!(
                    "核验方 verifier: {} / {} ({}) — 已认证 verified, registration valid until {}",
                    registration.name_zh,
                    registration.name_en,
                    registration.verifier_id,
                    show_time(UnixTime(registration.not_after))
                ),
                VerifierIdentity::Unverified {
                    claimed_name,
                    reason,
                } => println!(
                    "核验方 verifier: {} / {} — 自称 claims {claimed_name:?}; {} / {} [{}]",
                    identity.display_zh(),
                    identity.display_en(),
                    reason.zh(),
                    reason.en(),
                    reason.code()
                ),
            }
            println!("事由 purpose: {}", r.purpose);
            println!(
                "请求 asks: {} — {}",
                ty.map_or(r.type_code.clone(), |t| format!("{} {}", t.zh, t.en)),
                fields.join("、")
            );
            println!("time 时间: {}", show_time(r.time));
            Ok(if identity.is_verified() {
                0
            } else {
                EXIT_INDETERMINATE
            })
        }
    }
}
