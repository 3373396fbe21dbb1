//! `lz trust`: the root of trust's tools — an editable draft list, signed lists, key rotation.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use liangzheng::cose::Sign1;
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerSigner, KeyId, SoftwareIssuerKey};
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer, MAX_TRUST_LIST_LEN, TRUST_LIST_TYP};
use serde_json::json;

use super::files::{
    load, load_issuer_key, load_public_key, save, sniff, TrustDraft, TrustSigned,
    TRUST_DRAFT_FORMAT, TRUST_SIGNED_FORMAT,
};
use super::{ctx, join, mkdir, now_or, parse_time, split_list, write, CliError, CliResult};

/// `lz trust` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: TrustCommand,
}

/// `lz trust` subcommands.
#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// 生成根密钥 Generate the root key (root.key.pem, root.pub.pem).
    InitRoot {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// 密钥算法 Root key algorithm: ed25519, p256, sm2 (国密).
        #[arg(long, value_enum, default_value = "ed25519")]
        alg: super::keygen::KeyAlg,
    },
    /// 添加发证机关 Add an issuer key to a draft list (created if missing).
    Add {
        /// Draft trust list (JSON).
        #[arg(long)]
        list: PathBuf,
        /// Issuer public key PEM (a private key PEM works too).
        #[arg(long)]
        issuer_key: PathBuf,
        /// 名称 Authority name.
        #[arg(long)]
        name: String,
        /// English name.
        #[arg(long)]
        name_en: String,
        /// 统一社会信用代码 USCC.
        #[arg(long)]
        code: String,
        /// 行政区划代码 Region code.
        #[arg(long)]
        region: String,
        /// 可签发类型 License types (id, business, health, type ids or type codes), comma-separated.
        #[arg(long)]
        types: String,
        /// Start of the key's issuing window (YYYY-MM-DD or Unix seconds).
        #[arg(long, value_parser = parse_time)]
        from: UnixTime,
        /// End of the key's issuing window.
        #[arg(long, value_parser = parse_time)]
        until: Option<UnixTime>,
    },
    /// 删除 Remove a key from a draft list.
    Remove {
        /// Draft trust list.
        #[arg(long)]
        list: PathBuf,
        /// Key id (hex).
        #[arg(long)]
        kid: String,
    },
    /// 密钥轮换 Rotate: the old key's window ends at --at + overlap, the new key's starts at --at.
    Rotate {
        /// Draft trust list.
        #[arg(long)]
        list: PathBuf,
        /// Old key id (hex).
        #[arg(long)]
        old_kid: String,
        /// New public key PEM.
        #[arg(long)]
        new_key: PathBuf,
        /// When the new key starts issuing.
        #[arg(long, value_parser = parse_time)]
        at: UnixTime,
        /// Days both keys may issue (overlapping windows, for a smooth switch-over).
        #[arg(long, default_value_t = 7)]
        overlap_days: u64,
    },
    /// 签名 Sign a draft list with the root key.
    Sign {
        /// Draft trust list.
        #[arg(long)]
        list: PathBuf,
        /// Root private key PEM.
        #[arg(long)]
        root_key: PathBuf,
        /// When the signed list stops being current.
        #[arg(long, value_parser = parse_time)]
        expires: UnixTime,
        /// Signing time (default: now).
        #[arg(long, value_parser = parse_time)]
        now: Option<UnixTime>,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// 查看 Print a draft or signed list as JSON (verifying a signed one with --root-key).
    Inspect {
        /// The file.
        file: PathBuf,
        /// Root public key PEM.
        #[arg(long)]
        root_key: Option<PathBuf>,
    },
}

/// Runs `lz trust`.
pub fn run(a: Args) -> CliResult {
    match a.command {
        TrustCommand::InitRoot { out, alg } => {
            mkdir(&out)?;
            let key = SoftwareIssuerKey::generate(alg.algorithm());
            let pem = key.to_pkcs8_pem().map_err(ctx("PKCS#8 export"))?;
            write(&join(&out, "root.key.pem"), pem.as_bytes())?;
            write(&join(&out, "root.pub.pem"), key.public_key_pem())?;
            println!("root key 根密钥: {}", join(&out, "root.key.pem").display());
            println!(
                "root public key 根公钥 (pin this in verifiers): {}",
                join(&out, "root.pub.pem").display()
            );
            println!("kid: {}", key.key_id().to_hex());
            Ok(0)
        }
        TrustCommand::Add {
            list,
            issuer_key,
            name,
            name_en,
            code,
            region,
            types,
            from,
            until,
        } => {
            let mut draft = load_draft_or_new(&list)?;
            let public_key = load_public_key(&issuer_key)?;
            Uscc::parse(&code).map_err(ctx("--code"))?;
            if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CliError::new("--region: a 6-digit 行政区划代码"));
            }
            let registry = Registry::builtin();
            let mut codes = Vec::new();
            for t in split_list(&types) {
                match super::license_type(&registry, &t) {
                    Some(ty) => codes.push(ty.type_code.clone()),
                    // A type defined in a type file this tool does not load: accept a 21-char code.
                    None if t.len() == 21 => codes.push(t),
                    None => {
                        return Err(CliError::new(format!(
                            "--types: unknown license type {t:?}"
                        )))
                    }
                }
            }
            if codes.is_empty() {
                return Err(CliError::new("--types: give at least one license type"));
            }
            let entry = TrustedIssuer {
                public_key,
                name_zh: name,
                name_en,
                code,
                region,
                types: codes,
                not_before: from.0,
                not_after: until.map(|u| u.0),
            };
            let kid = entry.key_id();
            if draft.issuers.iter().any(|i| i.key_id() == kid) {
                return Err(CliError::new(format!(
                    "kid {} is already on the list",
                    kid.to_hex()
                )));
            }
            draft.issuers.push(entry);
            save(&list, &draft)?;
            println!(
                "added 已添加 kid {} ({} entries)",
                kid.to_hex(),
                draft.issuers.len()
            );
            Ok(0)
        }
        TrustCommand::Remove { list, kid } => {
            let mut draft: TrustDraft = load(&list, TRUST_DRAFT_FORMAT)?;
            let kid = parse_kid(&kid)?;
            let before = draft.issuers.len();
            draft.issuers.retain(|i| i.key_id() != kid);
            if draft.issuers.len() == before {
                return Err(CliError::new(format!(
                    "kid {} is not on the list",
                    kid.to_hex()
                )));
            }
            save(&list, &draft)?;
            println!("removed 已删除 kid {}", kid.to_hex());
            Ok(0)
        }
        TrustCommand::Rotate {
            list,
            old_kid,
            new_key,
            at,
            overlap_days,
        } => {
            let mut draft: TrustDraft = load(&list, TRUST_DRAFT_FORMAT)?;
            let kid = parse_kid(&old_kid)?;
            let public_key = load_public_key(&new_key)?;
            let old = draft
                .issuers
                .iter_mut()
                .find(|i| i.key_id() == kid)
                .ok_or_else(|| CliError::new(format!("kid {} is not on the list", kid.to_hex())))?;
            let end = at.plus(overlap_days * 86_400).0;
            if end < old.not_before {
                return Err(CliError::new("--at is before the old key's window starts"));
            }
            old.not_after = Some(old.not_after.map_or(end, |e| e.min(end)));
            let mut new = old.clone();
            new.public_key = public_key;
            new.not_before = at.0;
            new.not_after = None;
            let new_kid = new.key_id();
            if draft.issuers.iter().any(|i| i.key_id() == new_kid) {
                return Err(CliError::new("the new key is already on the list"));
            }
            draft.issuers.push(new);
            save(&list, &draft)?;
            println!(
                "rotated 已轮换: old {} issues until {}, new {} from {}",
                kid.to_hex(),
                UnixTime(end).cst_date(),
                new_kid.to_hex(),
                at.cst_date()
            );
            Ok(0)
        }
        TrustCommand::Sign {
            list,
            root_key,
            expires,
            now,
            out,
        } => {
            let draft: TrustDraft = load(&list, TRUST_DRAFT_FORMAT)?;
            let root = load_issuer_key(&root_key)?;
            let store = TrustStore {
                issuers: draft.issuers,
                issued_at: now_or(now),
                expires: Some(expires),
            };
            let bytes = store.sign(root.as_ref()).map_err(ctx("sign"))?;
            save(&out, &TrustSigned::new(&bytes))?;
            println!(
                "signed 已签名 {} entries by root kid {} ({} bytes) → {}",
                store.issuers.len(),
                root.key_id().to_hex(),
                bytes.len(),
                out.display()
            );
            Ok(0)
        }
        TrustCommand::Inspect { file, root_key } => inspect(&file, root_key.as_deref()),
    }
}

fn load_draft_or_new(path: &Path) -> Result<TrustDraft, CliError> {
    if path.exists() {
        load(path, TRUST_DRAFT_FORMAT)
    } else {
        Ok(TrustDraft::new(Vec::new()))
    }
}

fn parse_kid(s: &str) -> Result<KeyId, CliError> {
    KeyId::from_hex(s).ok_or_else(|| CliError::new(format!("not a key id (hex): {s:?}")))
}

fn entries_json(issuers: &[TrustedIssuer]) -> Vec<serde_json::Value> {
    issuers
        .iter()
        .map(|i| {
            let mut v = serde_json::to_value(i).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert("kid".into(), json!(i.key_id().to_hex()));
            }
            v
        })
        .collect()
}

fn inspect(file: &Path, root_key: Option<&Path>) -> CliResult {
    let (format, _) = sniff(file)?;
    let out = if format == TRUST_DRAFT_FORMAT {
        let draft: TrustDraft = load(file, TRUST_DRAFT_FORMAT)?;
        json!({"format": format, "signed": false, "issuers": entries_json(&draft.issuers)})
    } else if format == TRUST_SIGNED_FORMAT {
        let signed: TrustSigned = load(file, TRUST_SIGNED_FORMAT)?;
        let bytes = signed.bytes()?;
        let sign1 = Sign1::parse(&bytes, MAX_TRUST_LIST_LEN, Some(TRUST_LIST_TYP))
            .map_err(ctx("trust list"))?;
        let signer = sign1.key_id().map(|k| k.to_hex());
        match root_key {
            None => {
                json!({"format": format, "signed": true, "verified": false, "signer_kid": signer,
                "bytes": bytes.len(), "note": "pass --root-key to verify and list the entries"})
            }
            Some(r) => {
                let store = TrustStore::from_signed(&bytes, &load_public_key(r)?)
                    .map_err(ctx("trust list rejected 信任列表验证失败"))?;
                json!({"format": format, "signed": true, "verified": true, "signer_kid": signer,
                    "bytes": bytes.len(), "issued_at": store.issued_at.0,
                    "expires": store.expires.map(|e| e.0), "issuers": entries_json(&store.issuers)})
            }
        }
    } else {
        return Err(CliError::new(format!(
            "{}: a {format}, not a trust list",
            file.display()
        )));
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&out).map_err(ctx("JSON"))?
    );
    Ok(0)
}
