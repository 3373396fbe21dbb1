//! Credentials: what an issuing authority signs.
//!
//! A credential is a COSE_Sign1 (tag 18, signed under one suite of
//! [`crate::alg`]) whose payload is a CWT claims set in deterministic CBOR:
//!
//! | key | claim | value |
//! |---|---|---|
//! | 4 | exp | end of validity (seconds), absent for 长期 |
//! | 5 | nbf | start of validity (seconds) |
//! | 6 | iat | issue time (seconds) |
//! | 8 | cnf | `{1: COSE_Key}` — the holder's key, absent when not holder-bound |
//! | -65537 | lz | `{1: type code, 2: digests, 3: [list id, index], 4: view id}` |
//!
//! No field value is in clear: key 2 of `lz` is the concatenation of the
//! 16-byte digests (suite digest: SHA-256, or SM3 under SM2) of every field's
//! disclosure, plus decoys, sorted. The byte
//! format is specified in `docs/FORMAT.md`.

mod issue;

pub use issue::{
    CheckedClaims, Claims, IssueError, IssuedLicense, IssuedView, Issuer, StatusRefJson,
};

use ciborium::value::Value;

use crate::alg::{Suite, VerifyingKey};
use crate::cbor::{self, read, CborError};
use crate::cose::{CoseError, Sign1};
use crate::disclosure::{DisclosureDigest, DIGEST_LEN};
use crate::holder::HolderPublicKey;
use crate::time::UnixTime;

/// CWT claim key of our private claim set (private-use range, RFC 8392 §9.1).
pub const CLAIM_LZ: i64 = -65537;
/// Largest credential accepted.
pub const MAX_CREDENTIAL_LEN: usize = 8192;
/// Most digests one credential may carry.
pub const MAX_DIGESTS: usize = 256;

/// Where a credential's status is published: list number and index in that list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusRef {
    /// The issuer's status-list number.
    pub list: u32,
    /// Index of this credential in the list.
    pub index: u64,
}

/// A parsed (not yet verified) credential.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The exact bytes.
    pub bytes: Vec<u8>,
    /// The COSE_Sign1 envelope.
    pub sign1: Sign1,
    /// 证照类型代码.
    pub type_code: String,
    /// Field digests (and decoys).
    pub digests: Vec<DisclosureDigest>,
    /// Status-list reference.
    pub status: Option<StatusRef>,
    /// View id, when this is an issuer-signed view rather than the full credential.
    pub view: Option<u32>,
    /// Issue time.
    pub issued_at: UnixTime,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity (None = long-term).
    pub expires: Option<UnixTime>,
    /// Holder key (`cnf`).
    pub holder: Option<HolderPublicKey>,
    /// The holder's key, decoded once at parse time.
    pub(crate) holder_key: Option<VerifyingKey>,
}

/// Why credential bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialFormatError {
    /// The COSE envelope is wrong.
    Cose(CoseError),
    /// The payload is not acceptable CBOR.
    Cbor(CborError),
    /// A claim is missing, has the wrong type or is unknown.
    Claims(&'static str),
}

impl From<CoseError> for CredentialFormatError {
    fn from(e: CoseError) -> Self {
        CredentialFormatError::Cose(e)
    }
}
impl From<CborError> for CredentialFormatError {
    fn from(e: CborError) -> Self {
        CredentialFormatError::Cbor(e)
    }
}

impl Credential {
    /// Parses credential bytes strictly (shape only: no signature or time checks).
    pub fn parse(bytes: &[u8]) -> Result<Self, CredentialFormatError> {
        use CredentialFormatError::Claims as Bad;
        let sign1 = Sign1::parse(bytes, MAX_CREDENTIAL_LEN, None)?;
        let payload = cbor::decode_strict(&sign1.payload, MAX_CREDENTIAL_LEN)?;
        let claims = read::map(&payload).ok_or(Bad("claims are not a map"))?;
        for (k, _) in claims {
            match read::int(k) {
                Some(4 | 5 | 6 | 8 | CLAIM_LZ) => {}
                _ => return Err(Bad("unknown claim")),
            }
        }
        let time =
            |key: i64, name: &'static str| -> Result<Option<UnixTime>, CredentialFormatError> {
                match read::get(claims, key) {
                    None => Ok(None),
                    Some(v) => read::uint(v).map(|t| Some(UnixTime(t))).ok_or(Bad(name)),
                }
            };
        let expires = time(4, "exp")?;
        let not_before = time(5, "nbf")?.ok_or(Bad("nbf missing"))?;
        let issued_at = time(6, "iat")?.ok_or(Bad("iat missing"))?;
        let (holder, holder_key) = match read::get(claims, 8) {
            None => (None, None),
            Some(cnf) => {
                let m = read::map(cnf).ok_or(Bad("cnf"))?;
                match m {
                    [(k, key)] if read::int(k) == Some(1) => {
                        let (key, vk) = HolderPublicKey::from_cose_key_checked(key)
                            .map_err(|_| Bad("cnf key"))?;
                        (Some(key), Some(vk))
                    }
                    _ => return Err(Bad("cnf")),
                }
            }
        };
        let lz = read::get(claims, CLAIM_LZ)
            .and_then(read::map)
            .ok_or(Bad("lz claim missing"))?;
        for (k, _) in lz {
            if !matches!(read::int(k), Some(1..=4)) {
                return Err(Bad("unknown lz claim"));
            }
        }
        let type_code = read::get(lz, 1)
            .and_then(read::text)
            .filter(|t| t.len() == 21)
            .ok_or(Bad("type code"))?
            .to_string();
        let raw = read::get(lz, 2)
            .and_then(read::bytes)
            .ok_or(Bad("digests"))?;
        if raw.is_empty() || raw.len() % DIGEST_LEN != 0 || raw.len() / DIGEST_LEN > MAX_DIGESTS {
            return Err(Bad("digests"));
        }
        let digests: Vec<DisclosureDigest> = raw
            .chunks_exact(DIGEST_LEN)
            .map(|c| {
                let mut d = [0u8; DIGEST_LEN];
                d.copy_from_slice(c);
                d
            })
            .collect();
        if digests.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Bad("digests not sorted or repeated"));
        }
        let status = match read::get(lz, 3) {
            None => None,
            Some(v) => match read::array(v) {
                Some([list, index]) => Some(StatusRef {
                    list: read::uint(list)
                        .and_then(|l| u32::try_from(l).ok())
                        .ok_or(Bad("status list"))?,
                    index: read::uint(index).ok_or(Bad("status index"))?,
                }),
                _ => return Err(Bad("status")),
            },
        };
        let view = match read::get(lz, 4) {
            None => None,
            Some(v) => Some(
                read::uint(v)
                    .and_then(|x| u32::try_from(x).ok())
                    .filter(|x| *x > 0)
                    .ok_or(Bad("view"))?,
            ),
        };
        Ok(Credential {
            bytes: bytes.to_vec(),
            sign1,
            type_code,
            digests,
            status,
            view,
            issued_at,
            not_before,
            expires,
            holder,
            holder_key,
        })
    }

    /// The suite the credential is signed and digested under (from its COSE `alg`).
    pub fn suite(&self) -> Suite {
        self.sign1
            .algorithm()
            .map_or(Suite::ED25519_SHA256, |a| a.suite())
    }

    /// Whether `d` is one of the signed digests.
    pub fn commits_to(&self, d: &DisclosureDigest) -> bool {
        self.digests.binary_search(d).is_ok()
    }
}

pub(crate) fn claims_value(
    issued_at: UnixTime,
    not_before: UnixTime,
    expires: Option<UnixTime>,
    holder: Option<&HolderPublicKey>,
    lz: Vec<(Value, Value)>,
) -> Value {
    let mut claims = Vec::new();
    if let Some(exp) = expires {
        claims.push((read::i(4), read::u(exp.0)));
    }
    claims.push((read::i(5), read::u(not_before.0)));
    claims.push((read::i(6), read::u(issued_at.0)));
    if let Some(h) = holder {
        claims.push((read::i(8), Value::Map(vec![(read::i(1), h.to_cose_key())])));
    }
    claims.push((read::i(CLAIM_LZ), Value::Map(lz)));
    Value::Map(claims)
}
