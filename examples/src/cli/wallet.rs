//! `lz present` (the holder's wallet) and `lz request` (a verifier's 授权用证 request).

use std::path::PathBuf;
use std::sync::Arc;

use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::keys::IssuerSigner;
use liangzheng::qr::{encode_text, QrKind};
use liangzheng::request::Request;
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;
use liangzheng::wallet::Wallet;

use super::files::{load_holder_signer, load_issuer_key, load_license, load_request};
use super::{ctx, now_or, parse_time, split_list, write, CliError, CliResult};

/// `lz present` arguments.
#[derive(Debug, clap::Args)]
pub struct PresentArgs {
    /// 持证人密钥 Holder key file (`lz keygen --holder`); not needed for a license issued without holder key.
    #[arg(long)]
    pub wallet_seed: Option<PathBuf>,
    /// 证照 License file (`lz issue --out`).
    #[arg(long)]
    pub license: PathBuf,
    /// 出示字段 Fields to show, comma-separated keys (e.g. name,id_number).
    #[arg(long)]
    pub fields: String,
    /// 亮证时间 Presentation time: Unix seconds or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
    /// 有效秒数 Presentation lifetime in seconds (at least 1).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub lifetime: u64,
    /// 应答请求 Answer this verifier request (body file or its QR text): 授权用证.
    #[arg(long)]
    pub request: Option<PathBuf>,
    /// Animated multi-frame output.
    #[command(flatten)]
    pub animated: super::frames::OutputArgs,
}

/// Runs `lz present`: prints the QR text, or the frames of an animated code
/// (one per line) when the presentation is too large for one symbol.
pub fn present(a: PresentArgs) -> CliResult {
    let signer: Arc<dyn DeviceSigner> = match &a.wallet_seed {
        Some(p) => load_holder_signer(p)?,
        // Only used for a license without holder binding, which needs no signature.
        None => Arc::new(Ed25519DeviceSigner::generate()),
    };
    let mut wallet = Wallet::new(signer).with_lifetime(a.lifetime);
    let index = wallet
        .add(load_license(&a.license)?)
        .map_err(ctx("wallet 卡包"))?;
    let fields = split_list(&a.fields);
    let keys: Vec<&str> = fields.iter().map(String::as_str).collect();
    let now = now_or(a.now);
    let body = match &a.request {
        None => wallet.present_bytes(index, &keys, now),
        Some(path) => {
            let request = load_request(path)?;
            // Not authenticated here (see `lz rp check-request`): the name is only claimed.
            eprintln!(
                "答复请求 answering a request from (自称 claimed, not checked here) {} ({}) — {}",
                request.request.verifier_name, request.request.verifier_id, request.request.purpose
            );
            wallet.respond_bytes(index, &request, &keys, now)
        }
    }
    .map_err(ctx("cannot present 无法亮证"))?;
    super::frames::emit(QrKind::Presentation, &body, &a.animated)?;
    Ok(0)
}

/// `lz bundle` arguments.
#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// 持证人密钥 Holder key file (`lz keygen --holder`); not needed when every member is static.
    #[arg(long)]
    pub wallet_seed: Option<PathBuf>,
    /// 成员 A member as LICENSE_FILE=field,field (the first is the anchor, normally the 营业执照;
    /// include `uscc` so the counter can check the subject). Repeat for each member.
    #[arg(long = "member", required = true, num_args = 1)]
    pub members: Vec<String>,
    /// 亮证时间 Presentation time: Unix seconds or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
    /// 有效秒数 Presentation lifetime in seconds (at least 1).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub lifetime: u64,
    /// Animated multi-frame output.
    #[command(flatten)]
    pub animated: super::frames::OutputArgs,
}

/// Runs `lz bundle`: prints the frames of the bundle's animated code, one per line.
pub fn bundle(a: BundleArgs) -> CliResult {
    let signer: Arc<dyn DeviceSigner> = match &a.wallet_seed {
        Some(p) => load_holder_signer(p)?,
        None => Arc::new(Ed25519DeviceSigner::generate()),
    };
    let mut wallet = Wallet::new(signer).with_lifetime(a.lifetime);
    let mut fields = Vec::new();
    for m in &a.members {
        let (file, list) = m.split_once('=').ok_or_else(|| {
            CliError::new(format!(
                "--member {m}: 格式应为 expected LICENSE_FILE=field,field"
            ))
        })?;
        let index = wallet
            .add(load_license(&PathBuf::from(file))?)
            .map_err(ctx(format!("wallet 卡包: {file}")))?;
        fields.push((index, split_list(list)));
    }
    let keys: Vec<Vec<&str>> = fields
        .iter()
        .map(|(_, f)| f.iter().map(String::as_str).collect())
        .collect();
    let members: Vec<(usize, &[&str])> = fields
        .iter()
        .zip(&keys)
        .map(|((i, _), k)| (*i, k.as_slice()))
        .collect();
    let body = wallet
        .present_bundle(&members, now_or(a.now))
        .map_err(ctx("cannot present 无法亮证"))?;
    let mut out = a.animated;
    // A bundle always goes out as frames (QR kind B has no single-symbol use).
    out.animated = true;
    super::frames::emit(QrKind::Bundle, &body, &out)?;
    Ok(0)
}

/// `lz request` arguments.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// 核验方标识 Verifier id (e.g. its USCC).
    #[arg(long)]
    pub verifier_id: String,
    /// 核验方名称 Verifier name, shown to the holder.
    #[arg(long)]
    pub verifier_name: String,
    /// 申请事由 Purpose (≤ 200 characters), shown to the holder.
    #[arg(long)]
    pub purpose: String,
    /// 证照类型 License type: id, business, health, a type id (cn.resident-id-card) or a type code.
    #[arg(long = "type")]
    pub license_type: String,
    /// 请求字段 Requested fields, comma-separated keys.
    #[arg(long)]
    pub fields: String,
    /// 签名私钥 Sign the request with this key (PKCS#8 PEM: Ed25519, P-256 or SM2): the key the verifier's registration names.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// 核验方登记 Embed this signed registration (from `lz rp register`); needs --key.
    #[arg(long, requires = "key")]
    pub registration: Option<PathBuf>,
    /// 请求时间 Request time: Unix seconds or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
    /// 输出 Also write the request body bytes here (for `lz verify --request`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `lz request`: prints the request QR text.
pub fn request(a: RequestArgs) -> CliResult {
    let registry = Registry::builtin();
    let ty = super::license_type(&registry, &a.license_type)
        .ok_or_else(|| CliError::new(format!("unknown license type {:?}", a.license_type)))?;
    let mut ids = Vec::new();
    for key in split_list(&a.fields) {
        let f = ty
            .field(&key)
            .ok_or_else(|| CliError::new(format!("{} has no field {key:?}", ty.id)))?;
        ids.push(f.id);
    }
    let req = Request::new(
        &a.verifier_id,
        &a.verifier_name,
        &a.purpose,
        &ty.type_code,
        ids,
        now_or(a.now),
        &mut rand_core::OsRng,
    )
    .map_err(ctx("request"))?;
    let req = match &a.registration {
        None => req,
        Some(path) => req.with_registration(super::read(path)?),
    };
    let body = match &a.key {
        None => req.to_bytes(),
        Some(k) => {
            let key = load_issuer_key(k)?;
            eprintln!("signed by kid {}", key.key_id().to_hex());
            req.to_signed_bytes(key.as_ref()).map_err(ctx("request"))?
        }
    };
    if let Some(out) = &a.out {
        write(out, &body)?;
    }
    println!("{}", encode_text(QrKind::Request, &body));
    Ok(0)
}
