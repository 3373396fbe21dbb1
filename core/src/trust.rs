//! Trust lists: which keys may issue which license types, when.
//!
//! A province or national platform (the root of trust) signs a list of issuer
//! keys. Each entry names the issuing authority (name, 统一社会信用代码, region),
//! the license types the key may issue and the window in which it may issue
//! them. Verifiers pin the root's public key and accept a credential only if
//! its `kid` is on the list, its type is allowed for that key, and its issue
//! time lies in the key's window — so keys rotate by overlapping windows, and a
//! credential issued under a retired key stays valid until its own expiry.
//!
//! Wire form: COSE_Sign1 (typ `application/lz-trust-list+cbor`) over
//! `{1: 1 (version), 2: issued_at, 3: expires, 4: [* entry]}` with entries
//! `{1: public key (32 bytes), 2: 名称, 3: English name, 4: USCC, 5: region, 6: [* type code], 7: not_before, ? 8: not_after}`.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use serde::{Deserialize, Serialize};

use crate::cbor::{self, read, CborError};
use crate::cose::{CoseError, Sign1};
use crate::keys::{IssuerSigner, KeyError, KeyId};
use crate::lang::Localized;
use crate::time::UnixTime;

/// `typ` of a trust list.
pub const TRUST_LIST_TYP: &str = "application/lz-trust-list+cbor";
/// Largest trust list accepted: 16 MiB, about 80,000 entries of 200 bytes
/// (a national list of every county-level issuing bureau and every license
/// type fits several times over).
pub const MAX_TRUST_LIST_LEN: usize = 16 * 1024 * 1024;

/// One trusted issuer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedIssuer {
    /// Ed25519 public key.
    #[serde(with = "crate::b64")]
    pub public_key: [u8; 32],
    /// Issuing authority's name (颁发机构).
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Issuing authority's 统一社会信用代码 (颁发机构代码).
    pub code: String,
    /// 行政区划代码 of the authority.
    pub region: String,
    /// License type codes this key may issue.
    pub types: Vec<String>,
    /// Start of the key's issuing window.
    pub not_before: u64,
    /// End of the key's issuing window (None = open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<u64>,
}

impl TrustedIssuer {
    /// The key id.
    pub fn key_id(&self) -> KeyId {
        KeyId::of_public_key(&self.public_key)
    }

    /// Whether the key could issue at `t`.
    pub fn window_contains(&self, t: UnixTime) -> bool {
        t.0 >= self.not_before && self.not_after.is_none_or(|end| t.0 <= end)
    }

    fn to_value(&self) -> Value {
        let mut m = vec![
            (read::i(1), Value::Bytes(self.public_key.to_vec())),
            (read::i(2), Value::Text(self.name_zh.clone())),
            (read::i(3), Value::Text(self.name_en.clone())),
            (read::i(4), Value::Text(self.code.clone())),
            (read::i(5), Value::Text(self.region.clone())),
            (
                read::i(6),
                Value::Array(self.types.iter().map(|t| Value::Text(t.clone())).collect()),
            ),
            (read::i(7), read::u(self.not_before)),
        ];
        if let Some(end) = self.not_after {
            m.push((read::i(8), read::u(end)));
        }
        Value::Map(m)
    }

    fn from_value(v: &Value) -> Result<Self, TrustError> {
        use TrustError::Malformed as Bad;
        let m = read::map(v).ok_or(Bad("entry"))?;
        let text = |k, what| {
            read::get(m, k)
                .and_then(read::text)
                .map(str::to_string)
                .ok_or(Bad(what))
        };
        Ok(TrustedIssuer {
            public_key: read::get(m, 1)
                .and_then(read::bytes)
                .and_then(|b| b.try_into().ok())
                .ok_or(Bad("public key"))?,
            name_zh: text(2, "name")?,
            name_en: text(3, "English name")?,
            code: text(4, "code")?,
            region: text(5, "region")?,
            types: read::get(m, 6)
                .and_then(read::array)
                .ok_or(Bad("types"))?
                .iter()
                .map(|t| read::text(t).map(str::to_string).ok_or(Bad("type")))
                .collect::<Result<_, _>>()?,
            not_before: read::get(m, 7)
                .and_then(read::uint)
                .ok_or(Bad("not_before"))?,
            not_after: match read::get(m, 8) {
                None => None,
                Some(v) => Some(read::uint(v).ok_or(Bad("not_after"))?),
            },
        })
    }
}

/// Why a trust list was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustError {
    /// Not acceptable CBOR.
    Cbor(CborError),
    /// Envelope wrong.
    Cose(CoseError),
    /// Signed by a key other than the pinned root.
    WrongRoot,
    /// The root's signature does not verify.
    BadSignature,
    /// A member is missing or has the wrong type.
    Malformed(&'static str),
    /// The signer failed.
    Key(KeyError),
    /// The same public key is listed twice (one key, one entry: two entries
    /// could give it two meanings).
    DuplicateKey {
        /// Key id (hex) of the repeated key.
        key_id: String,
    },
    /// The list is older than the one this verifier already accepted
    /// (a rollback to a list that still trusts a since-removed key).
    OlderThanCurrent {
        /// `issued_at` of the list already accepted.
        have: u64,
        /// `issued_at` of the list offered.
        got: u64,
    },
}

impl Localized for TrustError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            TrustError::Cbor(e) => e.zh(),
            TrustError::Cose(e) => e.zh(),
            TrustError::WrongRoot => "信任列表不是由所信任的根密钥签发".into(),
            TrustError::BadSignature => "信任列表签名无效".into(),
            TrustError::Malformed(_) => "信任列表格式错误".into(),
            TrustError::Key(e) => e.zh(),
            TrustError::DuplicateKey { key_id } => {
                format!("信任列表中同一密钥出现多次（kid {key_id}）").into()
            }
            TrustError::OlderThanCurrent { have, got } => {
                format!("信任列表比本机已接受的更旧（签发时间 {got} 早于 {have}），拒绝回退").into()
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            TrustError::Cbor(e) => e.en(),
            TrustError::Cose(e) => e.en(),
            TrustError::WrongRoot => "trust list not signed by the pinned root key".into(),
            TrustError::BadSignature => "trust list signature invalid".into(),
            TrustError::Malformed(w) => format!("malformed trust list ({w})").into(),
            TrustError::Key(e) => e.en(),
            TrustError::DuplicateKey { key_id } => {
                format!("the same key is listed twice in the trust list (kid {key_id})").into()
            }
            TrustError::OlderThanCurrent { have, got } => format!(
                "trust list older than the one already accepted (issued at {got}, before {have}); rollback refused"
            )
            .into(),
        }
    }
}
impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for TrustError {}

/// The issuers a verifier trusts, from a verified trust list or given directly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustStore {
    /// Trusted issuer keys.
    pub issuers: Vec<TrustedIssuer>,
    /// When the list was signed (0 for a store built directly).
    pub issued_at: UnixTime,
    /// When the list stops being current (None for a store built directly).
    pub expires: Option<UnixTime>,
}

impl TrustStore {
    /// A store built directly from entries the caller trusts (no signature, no expiry).
    pub fn from_issuers(issuers: Vec<TrustedIssuer>) -> Self {
        TrustStore {
            issuers,
            issued_at: UnixTime(0),
            expires: None,
        }
    }

    /// The entry for a key id.
    pub fn find(&self, kid: &KeyId) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|i| i.key_id() == *kid)
    }

    /// Refuses a list that names the same public key twice.
    pub fn check_unique_keys(&self) -> Result<(), TrustError> {
        let mut seen = std::collections::HashSet::with_capacity(self.issuers.len());
        for entry in &self.issuers {
            if !seen.insert(entry.public_key) {
                return Err(TrustError::DuplicateKey {
                    key_id: entry.key_id().to_hex(),
                });
            }
        }
        Ok(())
    }

    /// Signs this list with the root key. A list naming the same key twice is refused.
    pub fn sign(&self, root: &dyn IssuerSigner) -> Result<Vec<u8>, TrustError> {
        self.check_unique_keys()?;
        let mut m = vec![
            (read::i(1), read::u(1)),
            (read::i(2), read::u(self.issued_at.0)),
        ];
        if let Some(e) = self.expires {
            m.push((read::i(3), read::u(e.0)));
        }
        m.push((
            read::i(4),
            Value::Array(self.issuers.iter().map(TrustedIssuer::to_value).collect()),
        ));
        Sign1::sign(&cbor::encode(&Value::Map(m)), Some(TRUST_LIST_TYP), root)
            .map_err(TrustError::Key)
    }

    /// Verifies a signed trust list against the pinned root public key and reads it.
    /// Whether it is still current is checked at verification time against the caller's clock.
    pub fn from_signed(bytes: &[u8], root_public_key: &[u8; 32]) -> Result<Self, TrustError> {
        use TrustError::Malformed as Bad;
        let sign1 = Sign1::parse(bytes, MAX_TRUST_LIST_LEN, Some(TRUST_LIST_TYP))
            .map_err(TrustError::Cose)?;
        if sign1.key_id() != Some(KeyId::of_public_key(root_public_key)) {
            return Err(TrustError::WrongRoot);
        }
        if !sign1.verify_ed25519(root_public_key) {
            return Err(TrustError::BadSignature);
        }
        let v =
            cbor::decode_strict(&sign1.payload, MAX_TRUST_LIST_LEN).map_err(TrustError::Cbor)?;
        let m = read::map(&v).ok_or(Bad("not a map"))?;
        if read::get(m, 1).and_then(read::uint) != Some(1) {
            return Err(Bad("version"));
        }
        let issuers = read::get(m, 4)
            .and_then(read::array)
            .ok_or(Bad("entries"))?
            .iter()
            .map(TrustedIssuer::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        let store = TrustStore {
            issuers,
            issued_at: UnixTime(
                read::get(m, 2)
                    .and_then(read::uint)
                    .ok_or(Bad("issued_at"))?,
            ),
            expires: match read::get(m, 3) {
                None => None,
                Some(v) => Some(UnixTime(read::uint(v).ok_or(Bad("expires"))?)),
            },
        };
        store.check_unique_keys()?;
        Ok(store)
    }

    /// Whether `self` may replace `current` (rollback protection): refused with
    /// [`TrustError::OlderThanCurrent`] when its `issued_at` is earlier. The
    /// same `issued_at` is accepted (reloading the list already held); a root
    /// gives every new list a later `issued_at`.
    pub fn check_not_older_than(&self, current: &TrustStore) -> Result<(), TrustError> {
        if self.issued_at < current.issued_at {
            return Err(TrustError::OlderThanCurrent {
                have: current.issued_at.0,
                got: self.issued_at.0,
            });
        }
        Ok(())
    }
}
