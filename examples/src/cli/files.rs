//! The files `lz` reads and writes.
//!
//! Every JSON file is self-describing: a `format` name and a `version` number
//! come first, so a tool (or a person) can tell a draft trust list from a signed
//! one, or a status list from a published status token, without guessing. Bytes
//! inside JSON are base64url without padding.
//!
//! | file | format | content |
//! |---|---|---|
//! | `*.lz` license | — | base64url text (one line) of `IssuedLicense::to_bytes` (CBOR); raw CBOR is accepted too |
//! | holder key | `liangzheng-holder-key` | `alg` (`ed25519`/`p256`), `seed` (32 bytes) |
//! | draft trust list | `liangzheng-trust-list-draft` | `issuers`: editable `TrustedIssuer` JSON |
//! | signed trust list | `liangzheng-trust-list` | `cose`: `TrustStore::sign` bytes |
//! | status list | `liangzheng-status-list` | `list_id`, `bits`, `size`, `statuses` (packed, uncompressed) |
//! | status token | `liangzheng-status-token` | `uri`, `issued_at`, `ttl`, `cose`: `StatusToken::sign` bytes |

use std::path::Path;
use std::sync::Arc;

use liangzheng::alg::PublicKey;
use liangzheng::b64;
use liangzheng::credential::IssuedLicense;
use liangzheng::holder::{
    DeviceSigner, Ed25519DeviceSigner, HolderPublicKey, P256DeviceSigner, Sm2DeviceSigner,
};
use liangzheng::keys::{public_key_from_pem, IssuerSigner, SoftwareIssuerKey};
use liangzheng::qr::{decode_text, QrKind};
use liangzheng::request::ReceivedRequest;
use liangzheng::status::StatusList;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use serde::{Deserialize, Serialize};

use super::{ctx, read, read_text, unhex, write, CliError};

/// `format` of a holder key file.
pub const HOLDER_KEY_FORMAT: &str = "liangzheng-holder-key";
/// `format` of an editable trust list.
pub const TRUST_DRAFT_FORMAT: &str = "liangzheng-trust-list-draft";
/// `format` of a signed trust list.
pub const TRUST_SIGNED_FORMAT: &str = "liangzheng-trust-list";
/// `format` of an editable status list.
pub const STATUS_LIST_FORMAT: &str = "liangzheng-status-list";
/// `format` of a signed status list token.
pub const STATUS_TOKEN_FORMAT: &str = "liangzheng-status-token";
/// The version of every format above.
pub const VERSION: u32 = 1;

/// Reads a JSON file and returns its `format` name (after checking `version`).
pub fn sniff(path: &Path) -> Result<(String, serde_json::Value), CliError> {
    let text = read_text(path)?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(ctx(format!("{} is not JSON", path.display())))?;
    let format = v
        .get("format")
        .and_then(|f| f.as_str())
        .ok_or_else(|| CliError::new(format!("{}: no \"format\" field", path.display())))?
        .to_string();
    match v.get("version").and_then(serde_json::Value::as_u64) {
        Some(1) => Ok((format, v)),
        other => Err(CliError::new(format!(
            "{}: unsupported version {other:?} of {format} (this lz reads version {VERSION})",
            path.display()
        ))),
    }
}

/// Reads a JSON file that must have the given `format`.
pub fn load<T: for<'de> Deserialize<'de>>(path: &Path, format: &str) -> Result<T, CliError> {
    let (found, v) = sniff(path)?;
    if found != format {
        return Err(CliError::new(format!(
            "{}: is a {found}, expected a {format}",
            path.display()
        )));
    }
    serde_json::from_value(v).map_err(ctx(format!("{}: bad {format}", path.display())))
}

/// Writes pretty JSON plus a newline.
pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(ctx("JSON"))?;
    text.push('\n');
    write(path, text)
}

// ---------------------------------------------------------------- licenses

/// Writes a license as one line of base64url text.
pub fn save_license(path: &Path, license: &IssuedLicense) -> Result<(), CliError> {
    write(path, format!("{}\n", b64::encode(&license.to_bytes())))
}

/// Reads a license written by [`save_license`] (or raw CBOR bytes).
pub fn load_license(path: &Path) -> Result<IssuedLicense, CliError> {
    let bytes = read(path)?;
    let decoded = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| b64::decode(t.trim()));
    let cbor = decoded.as_deref().unwrap_or(&bytes);
    IssuedLicense::from_bytes(cbor).map_err(ctx(format!("{} is not a license", path.display())))
}

// ---------------------------------------------------------------- keys

/// Loads an issuer (or root, or verifier) private key of any suite from PKCS#8 PEM, as
/// `openssl genpkey -algorithm ed25519` / `-algorithm SM2` / `-algorithm EC -pkeyopt
/// ec_paramgen_curve:P-256` or `lz keygen --alg …` write it. The key's algorithm picks the suite.
pub fn load_issuer_key(path: &Path) -> Result<Arc<SoftwareIssuerKey>, CliError> {
    let pem = read_text(path)?;
    SoftwareIssuerKey::from_pkcs8_pem(&pem)
        .map(Arc::new)
        .map_err(ctx(format!(
            "{} is not an Ed25519, P-256 or SM2 PKCS#8 private key 不是 PKCS#8 私钥",
            path.display()
        )))
}

/// Loads a public key (Ed25519, P-256 or SM2) from a public-key PEM, or from a private-key PEM.
pub fn load_public_key(path: &Path) -> Result<PublicKey, CliError> {
    let pem = read_text(path)?;
    if let Ok(pk) = public_key_from_pem(&pem) {
        return Ok(pk);
    }
    SoftwareIssuerKey::from_pkcs8_pem(&pem)
        .map(|k| k.public_key())
        .map_err(|_| {
            CliError::new(format!(
                "{} is not an Ed25519, P-256 or SM2 public or private key PEM",
                path.display()
            ))
        })
}

/// A holder key file.
#[derive(Debug, Serialize, Deserialize)]
pub struct HolderKeyFile {
    /// Always [`HOLDER_KEY_FORMAT`].
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// `ed25519` or `p256`.
    pub alg: String,
    /// The 32-byte seed (Ed25519) or scalar (P-256), base64url.
    pub seed: String,
}

/// A device signer from a holder key file.
pub fn load_holder_signer(path: &Path) -> Result<Arc<dyn DeviceSigner>, CliError> {
    let f: HolderKeyFile = load(path, HOLDER_KEY_FORMAT)?;
    let seed: [u8; 32] = b64::decode(&f.seed)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            CliError::new(format!(
                "{}: seed is not 32 bytes of base64url",
                path.display()
            ))
        })?;
    holder_signer(&f.alg, &seed)
}

/// A device signer of algorithm `alg` from its seed.
pub fn holder_signer(alg: &str, seed: &[u8; 32]) -> Result<Arc<dyn DeviceSigner>, CliError> {
    match alg {
        "ed25519" => Ok(Arc::new(Ed25519DeviceSigner::from_seed(seed))),
        "p256" => P256DeviceSigner::from_scalar(seed)
            .map(|s| Arc::new(s) as Arc<dyn DeviceSigner>)
            .map_err(ctx("P-256 key")),
        "sm2" => Sm2DeviceSigner::from_scalar(seed)
            .map(|s| Arc::new(s) as Arc<dyn DeviceSigner>)
            .map_err(ctx("SM2 key")),
        other => Err(CliError::new(format!(
            "unknown holder key algorithm {other:?} (ed25519, p256, sm2)"
        ))),
    }
}

/// The holder public key as text: `ed25519:<base64url>`, `p256:<base64url>` or `sm2:<base64url>`.
pub fn holder_public_text(k: &HolderPublicKey) -> String {
    k.to_text()
}

/// Parses `--holder-key`: a holder key file, `ed25519:`/`p256:` + hex or base64url,
/// or bare hex / base64url (32 bytes: Ed25519; 33 or 65 bytes: P-256 SEC1).
pub fn parse_holder_key(s: &str) -> Result<HolderPublicKey, CliError> {
    let path = Path::new(s);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(ctx(format!("{}: not a text file", path.display())))?;
        // `lz keygen --holder` writes both: the key file (JSON, with the
        // seed) and the public key file (`ed25519:…` text). Either works.
        if text.trim_start().starts_with('{') {
            return Ok(load_holder_signer(path)?.public_key());
        }
        let text = text.trim();
        if Path::new(text).is_file() {
            return Err(CliError::new("--holder-key: the file names another file"));
        }
        return parse_holder_key(text).map_err(ctx(path.display().to_string()));
    }
    parse_holder_key_text(s)
        .map_err(|e| CliError::new(format!("--holder-key (不是文件 not a file): {}", e.message)))
}

/// Parses a holder key given as text only (a batch line's `holder_key`):
/// `ed25519:`/`p256:`/`sm2:` + hex or base64url, or bare hex / base64url. Never
/// reads a file (a batch line naming a file on the issuer's disk is refused, and
/// each line costs no file-system lookup).
pub fn parse_holder_key_text(s: &str) -> Result<HolderPublicKey, CliError> {
    let (alg, data) = match s.split_once(':') {
        Some((a, d)) => (Some(a), d),
        None => (None, s),
    };
    let bytes = unhex(data).or_else(|| b64::decode(data)).ok_or_else(|| {
        CliError::new("持证人公钥不是十六进制或 base64url / holder key: not hex or base64url")
    })?;
    let key = match (alg, bytes.len()) {
        (Some("ed25519") | None, 32) => HolderPublicKey::ed25519(&bytes),
        (Some("p256") | None, 33 | 65) => HolderPublicKey::p256_from_sec1(&bytes),
        (Some("sm2"), 33 | 65) => HolderPublicKey::sm2_from_sec1(&bytes),
        _ => {
            return Err(CliError::new(
                "持证人公钥长度与算法不符 / holder key: wrong length for the algorithm",
            ))
        }
    };
    key.map_err(ctx("持证人公钥 holder key"))
}

// ---------------------------------------------------------------- trust lists

/// An editable (unsigned) trust list.
#[derive(Debug, Serialize, Deserialize)]
pub struct TrustDraft {
    /// Always [`TRUST_DRAFT_FORMAT`].
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The entries.
    pub issuers: Vec<TrustedIssuer>,
}

impl TrustDraft {
    /// An empty draft.
    pub fn new(issuers: Vec<TrustedIssuer>) -> Self {
        TrustDraft {
            format: TRUST_DRAFT_FORMAT.into(),
            version: VERSION,
            issuers,
        }
    }
}

/// A signed trust list.
#[derive(Debug, Serialize, Deserialize)]
pub struct TrustSigned {
    /// Always [`TRUST_SIGNED_FORMAT`].
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// base64url of the COSE_Sign1 bytes.
    pub cose: String,
}

impl TrustSigned {
    /// Wraps signed bytes.
    pub fn new(cose: &[u8]) -> Self {
        TrustSigned {
            format: TRUST_SIGNED_FORMAT.into(),
            version: VERSION,
            cose: b64::encode(cose),
        }
    }

    /// The COSE bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, CliError> {
        b64::decode(&self.cose).ok_or_else(|| CliError::new("trust list: cose is not base64url"))
    }
}

/// Loads and verifies a signed trust list against the pinned root key.
pub fn load_trust(path: &Path, root: &PublicKey) -> Result<TrustStore, CliError> {
    let signed: TrustSigned = load(path, TRUST_SIGNED_FORMAT)?;
    TrustStore::from_signed(&signed.bytes()?, root)
        .map_err(ctx(format!("{}: trust list rejected", path.display())))
}

// ---------------------------------------------------------------- status lists

/// An editable status list.
#[derive(Debug, Serialize, Deserialize)]
pub struct StatusListFile {
    /// Always [`STATUS_LIST_FORMAT`].
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The issuer's list number (credentials carry `[list_id, index]`).
    pub list_id: u32,
    /// Bits per status (2: valid / revoked / suspended).
    pub bits: u8,
    /// Number of credentials the list covers.
    pub size: u64,
    /// Packed statuses (uncompressed), base64url.
    pub statuses: String,
}

impl StatusListFile {
    /// Wraps a list.
    pub fn new(list_id: u32, size: u64, list: &StatusList) -> Self {
        StatusListFile {
            format: STATUS_LIST_FORMAT.into(),
            version: VERSION,
            list_id,
            bits: list.bits(),
            size,
            statuses: b64::encode(list.as_bytes()),
        }
    }

    /// The list.
    pub fn list(&self) -> Result<StatusList, CliError> {
        let bytes = b64::decode(&self.statuses)
            .ok_or_else(|| CliError::new("status list: statuses is not base64url"))?;
        StatusList::from_bytes(self.bits, bytes).map_err(ctx("status list"))
    }
}

/// A published (signed) status list token.
#[derive(Debug, Serialize, Deserialize)]
pub struct StatusTokenFile {
    /// Always [`STATUS_TOKEN_FORMAT`].
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The list URI (`sub`), for people; the signed value is inside `cose`.
    pub uri: String,
    /// Signing time (Unix seconds), for people.
    pub issued_at: u64,
    /// Time-to-live in seconds, for people.
    pub ttl: Option<u64>,
    /// base64url of the COSE_Sign1 (CWT) bytes.
    pub cose: String,
}

/// Loads a status token's bytes from its JSON file (or a raw COSE file).
pub fn load_status_token(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = read(path)?;
    if bytes.first() == Some(&b'{') {
        let f: StatusTokenFile = load(path, STATUS_TOKEN_FORMAT)?;
        b64::decode(&f.cose)
            .ok_or_else(|| CliError::new(format!("{}: cose is not base64url", path.display())))
    } else {
        Ok(bytes)
    }
}

// ---------------------------------------------------------------- requests

/// Reads a verifier request: the body bytes (`lz request --out`) or its QR text (`LZ1R:…`).
pub fn load_request(path: &Path) -> Result<ReceivedRequest, CliError> {
    let bytes = read(path)?;
    let body = match std::str::from_utf8(&bytes)
        .ok()
        .map(|t| t.trim_end_matches(['\r', '\n']))
    {
        Some(t) if t.starts_with("LZ") => {
            let p = decode_text(t).map_err(ctx(format!("{}", path.display())))?;
            if p.kind != QrKind::Request {
                return Err(CliError::new(format!(
                    "{}: not a request QR",
                    path.display()
                )));
            }
            p.body
        }
        _ => bytes,
    };
    ReceivedRequest::parse(&body).map_err(ctx(format!("{}: not a request", path.display())))
}
