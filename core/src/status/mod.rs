//! Offline revocation: IETF Token Status Lists in their CBOR/CWT form.
//!
//! An issuer publishes, per list, a 2-bit-per-credential array (0 valid,
//! 1 revoked, 2 suspended), DEFLATE-compressed, inside a CWT it signs. Each
//! credential carries `[list number, index]`. A verifier that downloaded the
//! lists earlier checks them offline; a list past its time-to-live, or one that
//! fails to parse or verify, yields an *indeterminate* status — never a silent
//! pass and never a false "revoked".
//!
//! Token wire form: COSE_Sign1, typ `application/statuslist+cwt`, payload
//! `{2: sub, 4: exp?, 6: iat, 65533: {"bits": 2, "lst": bstr}, 65534: ttl}` where
//! `sub` is `urn:liangzheng:status:<issuer USCC>:<list number>`.

mod list;
mod value;

pub use list::*;
pub use value::*;

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;

use crate::cbor::{self, read, CborError};
use crate::cose::{CoseError, Sign1};
use crate::keys::{IssuerSigner, KeyError, KeyId};
use crate::lang::Localized;
use crate::time::UnixTime;

/// `typ` of a status list token (draft-ietf-oauth-status-list).
pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";
/// CWT claim key of the status list.
pub const CLAIM_STATUS_LIST: i64 = 65533;
/// CWT claim key of the time-to-live.
pub const CLAIM_TTL: i64 = 65534;
/// Largest token accepted.
pub const MAX_TOKEN_LEN: usize = 1024 * 1024;
/// Largest decompressed list accepted (16 million credentials at 2 bits).
pub const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;

/// How long a status list that carries neither `ttl` nor `exp` stays current
/// after its `iat`, by default: one day (FORMAT.md §9).
pub const DEFAULT_STATUS_MAX_AGE_SECS: u64 = 86_400;

/// The `sub` URI of an issuer's list.
pub fn list_uri(issuer_code: &str, list: u32) -> String {
    format!("urn:liangzheng:status:{issuer_code}:{list}")
}

/// A status list token's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusToken {
    /// The list's URI (`sub`).
    pub uri: String,
    /// When it was signed.
    pub issued_at: UnixTime,
    /// Hard expiry, if any.
    pub expires: Option<UnixTime>,
    /// Seconds after `issued_at` during which the list is current.
    pub ttl: Option<u64>,
    /// The statuses.
    pub list: StatusList,
    /// Key id of the signer.
    pub signer: KeyId,
}

/// Why a status list token could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusError {
    /// Not acceptable CBOR.
    Cbor(CborError),
    /// Envelope wrong.
    Cose(CoseError),
    /// The list itself is bad (bits, compression, size).
    List(StatusListError),
    /// A claim is missing or has the wrong type.
    Malformed(&'static str),
    /// The signer is not a trusted key of the list's issuer.
    UntrustedSigner,
    /// The signature does not verify.
    BadSignature,
    /// The signer failed.
    Key(KeyError),
    /// The list is older than the one for the same URI this verifier already
    /// holds (a rollback that would un-revoke a license); the held one stays.
    OlderThanCurrent {
        /// `iat` of the list already held.
        have: u64,
        /// `iat` of the list offered.
        got: u64,
    },
}

impl Localized for StatusError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            StatusError::Cbor(e) => e.zh(),
            StatusError::Cose(e) => e.zh(),
            StatusError::List(e) => e.zh(),
            StatusError::Malformed(_) => "状态列表格式错误".into(),
            StatusError::UntrustedSigner => "状态列表签发者不是该发证机关的可信密钥".into(),
            StatusError::BadSignature => "状态列表签名无效".into(),
            StatusError::Key(e) => e.zh(),
            StatusError::OlderThanCurrent { have, got } => {
                format!("状态列表比本机已有的更旧（签发时间 {got} 早于 {have}），拒绝回退").into()
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            StatusError::Cbor(e) => e.en(),
            StatusError::Cose(e) => e.en(),
            StatusError::List(e) => e.en(),
            StatusError::Malformed(w) => format!("malformed status list token ({w})").into(),
            StatusError::UntrustedSigner => {
                "status list not signed by a trusted key of its issuer".into()
            }
            StatusError::BadSignature => "status list signature invalid".into(),
            StatusError::Key(e) => e.en(),
            StatusError::OlderThanCurrent { have, got } => format!(
                "status list older than the one already held (issued at {got}, before {have}); rollback refused"
            )
            .into(),
        }
    }
}
impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for StatusError {}

impl StatusToken {
    /// Signs a status list as a CWT.
    pub fn sign(
        list: &StatusList,
        uri: &str,
        issued_at: UnixTime,
        ttl: Option<u64>,
        expires: Option<UnixTime>,
        signer: &dyn IssuerSigner,
    ) -> Result<Vec<u8>, StatusError> {
        let lst = list.to_lst().map_err(StatusError::List)?;
        let mut claims = vec![(read::i(2), Value::Text(uri.to_string()))];
        if let Some(e) = expires {
            claims.push((read::i(4), read::u(e.0)));
        }
        claims.push((read::i(6), read::u(issued_at.0)));
        claims.push((
            read::i(CLAIM_STATUS_LIST),
            Value::Map(vec![
                (Value::Text("bits".into()), read::u(u64::from(list.bits()))),
                (Value::Text("lst".into()), Value::Bytes(lst)),
            ]),
        ));
        if let Some(t) = ttl {
            claims.push((read::i(CLAIM_TTL), read::u(t)));
        }
        Sign1::sign(
            &cbor::encode(&Value::Map(claims)),
            Some(STATUS_LIST_TYP),
            signer,
        )
        .map_err(StatusError::Key)
    }

    /// Parses a token and checks its signature with `public_key_for(kid)` (which
    /// should return the key only if it is a trusted key of the list's issuer).
    pub fn parse_verified(
        bytes: &[u8],
        public_key_for: impl Fn(&KeyId, &str) -> Option<[u8; 32]>,
    ) -> Result<Self, StatusError> {
        use StatusError::Malformed as Bad;
        let sign1 =
            Sign1::parse(bytes, MAX_TOKEN_LEN, Some(STATUS_LIST_TYP)).map_err(StatusError::Cose)?;
        let v = cbor::decode_strict(&sign1.payload, MAX_TOKEN_LEN).map_err(StatusError::Cbor)?;
        let m = read::map(&v).ok_or(Bad("claims"))?;
        let uri = read::get(m, 2)
            .and_then(read::text)
            .ok_or(Bad("sub"))?
            .to_string();
        let signer = sign1.key_id().ok_or(Bad("kid"))?;
        let pk = public_key_for(&signer, &uri).ok_or(StatusError::UntrustedSigner)?;
        if !sign1.verify_ed25519(&pk) {
            return Err(StatusError::BadSignature);
        }
        let sl = read::get(m, CLAIM_STATUS_LIST)
            .and_then(read::map)
            .ok_or(Bad("status_list"))?;
        let field = |name: &str| {
            sl.iter()
                .find(|(k, _)| read::text(k) == Some(name))
                .map(|(_, v)| v)
        };
        let bits = field("bits")
            .and_then(read::uint)
            .and_then(|b| u8::try_from(b).ok())
            .ok_or(Bad("bits"))?;
        let lst = field("lst").and_then(read::bytes).ok_or(Bad("lst"))?;
        let list = StatusList::from_lst(bits, lst, MAX_LIST_BYTES).map_err(StatusError::List)?;
        let opt_u = |k| match read::get(m, k) {
            None => Ok(None),
            Some(v) => read::uint(v).map(Some).ok_or(Bad("time claim")),
        };
        Ok(StatusToken {
            uri,
            issued_at: UnixTime(opt_u(6)?.ok_or(Bad("iat"))?),
            expires: opt_u(4)?.map(UnixTime),
            ttl: opt_u(CLAIM_TTL)?,
            list,
            signer,
        })
    }

    /// Whether the list is current at `now`: `now ≤ iat + ttl` and `now ≤ exp`
    /// (FORMAT.md §9, no clock skew added: the skew is for the devices' clocks,
    /// not for stale lists). A token with neither `ttl` nor `exp` is current
    /// for `default_max_age` seconds after `iat` (the verifier's policy,
    /// default [`DEFAULT_STATUS_MAX_AGE_SECS`]): a list never goes stale only if
    /// its issuer says so explicitly, which it cannot.
    pub fn is_current(&self, now: UnixTime, default_max_age: u64) -> bool {
        let ttl = match (self.ttl, self.expires) {
            (None, None) => Some(default_max_age),
            (ttl, _) => ttl,
        };
        let ttl_ok = ttl.is_none_or(|t| now.0 <= self.issued_at.0.saturating_add(t));
        let exp_ok = self.expires.is_none_or(|e| now.0 <= e.0);
        ttl_ok && exp_ok
    }
}
