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
//! Wire form: COSE_Sign1 (typ `application/lz-trust-list+cbor`, signed by the
//! root under any algorithm of [`crate::alg`]) over
//! `{1: 1 (version), 2: issued_at, 3: expires, 4: [* entry]}` with entries
//! `{1: public key bytes, 2: 名称, 3: English name, 4: USCC, 5: region, 6: [* type code], 7: not_before, ? 8: not_after, 9: key algorithm}`.
//! Member 9 is the COSE id of the key's algorithm (−19 Ed25519, −9 ESP256,
//! −66037 SM2; −8/−7 accepted); the key bytes are raw 32 bytes for Ed25519 and
//! compressed SEC1 (33 bytes) for P-256 and SM2. An entry's key verifies only
//! signatures of its own algorithm.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use serde::{Deserialize, Serialize};

use crate::alg::{PublicKey, SignatureAlgorithm};
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
    /// The issuer's public key, typed with its algorithm (JSON: `"sm2:<base64url>"` …).
    pub public_key: PublicKey,
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
    /// The key id (suite digest of the key bytes, see [`PublicKey::key_id`]).
    pub fn key_id(&self) -> KeyId {
        self.public_key.key_id()
    }

    /// Whether the key could issue at `t`.
    pub fn window_contains(&self, t: UnixTime) -> bool {
        t.0 >= self.not_before && self.not_after.is_none_or(|end| t.0 <= end)
    }

    fn to_value(&self) -> Value {
        let mut m = vec![
            (
                read::i(1),
                Value::Bytes(self.public_key.as_bytes().to_vec()),
            ),
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
        m.push((read::i(9), read::i(self.public_key.cose_alg())));
        Value::Map(m)
    }

    /// The entry from a decoded value (the reference `read` is tested against).
    #[cfg(test)]
    fn from_value(v: &Value) -> Result<Self, TrustError> {
        use TrustError::Malformed as Bad;
        let m = read::map(v).ok_or(Bad("entry"))?;
        let text = |k, what| {
            read::get(m, k)
                .and_then(read::text)
                .map(str::to_string)
                .ok_or(Bad(what))
        };
        let alg = read::get(m, 9)
            .and_then(read::int)
            .ok_or(Bad("key algorithm"))?;
        let alg = SignatureAlgorithm::from_cose_id(alg).ok_or(Bad("key algorithm"))?;
        let key = read::get(m, 1)
            .and_then(read::bytes)
            .ok_or(Bad("public key"))?;
        // Only the canonical form (raw Ed25519, compressed SEC1) is accepted;
        // the point itself is decoded on first use (a key that does not decode
        // verifies nothing), so large lists load without decompressing points.
        let public_key =
            PublicKey::from_canonical_bytes_unchecked(alg, key).map_err(|_| Bad("public key"))?;
        Ok(TrustedIssuer {
            public_key,
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

    /// One entry, read from a validated trust-list payload (see
    /// `decode_payload`); the same rules as [`Self::from_value`].
    fn read(c: &mut cbor::canonical::Cursor<'_>) -> Result<Self, TrustError> {
        use TrustError::Malformed as Bad;
        let n = c.map().ok_or(Bad("entry"))?;
        let (mut key, mut alg, mut not_before, mut not_after) = (None, None, None, None);
        let (mut name_zh, mut name_en, mut code, mut region, mut types) =
            (None, None, None, None, None);
        for _ in 0..n {
            match c.int_key().ok_or(Bad("entry"))? {
                Some(1) => key = Some(c.bytes().ok_or(Bad("public key"))?),
                Some(2) => name_zh = Some(c.text().ok_or(Bad("name"))?),
                Some(3) => name_en = Some(c.text().ok_or(Bad("English name"))?),
                Some(4) => code = Some(c.text().ok_or(Bad("code"))?),
                Some(5) => region = Some(c.text().ok_or(Bad("region"))?),
                Some(6) => {
                    let count = c.array().ok_or(Bad("types"))?;
                    let mut list = Vec::new();
                    for _ in 0..count {
                        list.push(c.text().ok_or(Bad("type"))?.to_string());
                    }
                    types = Some(list);
                }
                Some(7) => not_before = Some(c.uint().ok_or(Bad("not_before"))?),
                Some(8) => not_after = Some(c.uint().ok_or(Bad("not_after"))?),
                Some(9) => alg = Some(c.int().ok_or(Bad("key algorithm"))?),
                Some(_) => c.skip().ok_or(Bad("entry"))?,
                None => {
                    c.skip().ok_or(Bad("entry"))?;
                    c.skip().ok_or(Bad("entry"))?;
                }
            }
        }
        // The order of from_value's checks, so both give the same error.
        let alg = SignatureAlgorithm::from_cose_id(alg.ok_or(Bad("key algorithm"))?)
            .ok_or(Bad("key algorithm"))?;
        let public_key =
            PublicKey::from_canonical_bytes_unchecked(alg, key.ok_or(Bad("public key"))?)
                .map_err(|_| Bad("public key"))?;
        Ok(TrustedIssuer {
            public_key,
            name_zh: name_zh.ok_or(Bad("name"))?.to_string(),
            name_en: name_en.ok_or(Bad("English name"))?.to_string(),
            code: code.ok_or(Bad("code"))?.to_string(),
            region: region.ok_or(Bad("region"))?.to_string(),
            types: types.ok_or(Bad("types"))?,
            not_before: not_before.ok_or(Bad("not_before"))?,
            not_after,
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
            if !seen.insert(&entry.public_key) {
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

    /// Verifies a signed trust list against the pinned root public key (of any
    /// algorithm of the table; the list's header must name the same algorithm)
    /// and reads it. Whether it is still current is checked at verification
    /// time against the caller's clock.
    pub fn from_signed(bytes: &[u8], root_public_key: &PublicKey) -> Result<Self, TrustError> {
        let sign1 = Sign1::parse(bytes, MAX_TRUST_LIST_LEN, Some(TRUST_LIST_TYP))
            .map_err(TrustError::Cose)?;
        if sign1.key_id() != Some(root_public_key.key_id()) {
            return Err(TrustError::WrongRoot);
        }
        let root = root_public_key
            .verifying_key()
            .map_err(|_| TrustError::WrongRoot)?;
        if !sign1.verify(&root) {
            return Err(TrustError::BadSignature);
        }
        let store = decode_payload(&sign1.payload)?;
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

/// The payload of a signed trust list, read straight from its bytes: checked
/// exactly as [`cbor::decode_strict`] checks a document (one pass, no
/// allocation), then read field by field, without a `Value` tree (a list of
/// 50,000 issuers is a million CBOR items).
fn decode_payload(bytes: &[u8]) -> Result<TrustStore, TrustError> {
    use TrustError::Malformed as Bad;
    cbor::canonical::validate(bytes, MAX_TRUST_LIST_LEN).map_err(TrustError::Cbor)?;
    let mut c = cbor::canonical::Cursor::new(bytes);
    let n = c.map().ok_or(Bad("not a map"))?;
    let (mut version, mut issued_at, mut expires, mut issuers) = (None, None, None, None);
    for _ in 0..n {
        match c.int_key().ok_or(Bad("not a map"))? {
            Some(1) => version = Some(c.uint().ok_or(Bad("version"))?),
            Some(2) => issued_at = Some(c.uint().ok_or(Bad("issued_at"))?),
            Some(3) => expires = Some(UnixTime(c.uint().ok_or(Bad("expires"))?)),
            Some(4) => {
                let count = c.array().ok_or(Bad("entries"))?;
                // Every entry is at least a few bytes: the count is bounded by the validated length.
                let mut list =
                    Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(bytes.len() / 8));
                for _ in 0..count {
                    list.push(TrustedIssuer::read(&mut c)?);
                }
                issuers = Some(list);
            }
            // Other members (and non-integer keys) are ignored, as before.
            Some(_) => c.skip().ok_or(Bad("member"))?,
            None => {
                c.skip().ok_or(Bad("member"))?;
                c.skip().ok_or(Bad("member"))?;
            }
        }
    }
    if !c.at_end() {
        return Err(Bad("not a map"));
    }
    if version != Some(1) {
        return Err(Bad("version"));
    }
    Ok(TrustStore {
        issuers: issuers.ok_or(Bad("entries"))?,
        issued_at: UnixTime(issued_at.ok_or(Bad("issued_at"))?),
        expires,
    })
}

/// The previous decoder (a `Value` tree), the reference for `decode_payload`.
#[cfg(test)]
fn decode_payload_reference(bytes: &[u8]) -> Result<TrustStore, TrustError> {
    use TrustError::Malformed as Bad;
    let v = cbor::decode_strict(bytes, MAX_TRUST_LIST_LEN).map_err(TrustError::Cbor)?;
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
    Ok(TrustStore {
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
    })
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    fn payload() -> Vec<u8> {
        let entry = |i: u8, end: Option<u64>| TrustedIssuer {
            public_key: PublicKey::Ed25519([i; 32]),
            name_zh: format!("第{i}号"),
            name_en: format!("No. {i}"),
            code: "11370100004307520K".into(),
            region: "370100".into(),
            types: vec!["11100000000013338W901".into(), "x".into()],
            not_before: 7,
            not_after: end,
        };
        let store = TrustStore {
            issuers: vec![entry(1, None), entry(2, Some(1 << 40))],
            issued_at: UnixTime(1_767_225_600),
            expires: Some(UnixTime(1_798_761_600)),
        };
        let mut m = vec![
            (read::i(1), read::u(1)),
            (read::i(2), read::u(store.issued_at.0)),
            (read::i(3), read::u(1_798_761_600)),
        ];
        m.push((
            read::i(4),
            Value::Array(store.issuers.iter().map(TrustedIssuer::to_value).collect()),
        ));
        cbor::encode(&Value::Map(m))
    }

    #[test]
    fn decodes_as_the_value_tree_did() {
        let p = payload();
        let ours = decode_payload(&p).expect("decode");
        assert_eq!(Ok(ours.clone()), decode_payload_reference(&p));
        assert_eq!(ours.issuers.len(), 2);
        assert_eq!(ours.issuers[1].not_after, Some(1 << 40));
    }

    proptest::proptest! {
        /// Any one- or two-byte change of a payload: both decoders accept
        /// it or both refuse it, and accepted lists are equal.
        #[test]
        fn mutated_payloads_decide_alike(at in 0usize..4096, b in 0u8..=255, at2 in 0usize..4096, b2 in 0u8..=255) {
            let mut p = payload();
            let n = p.len();
            p[at % n] = b;
            for bytes in [p.clone(), { let mut q = p; q[at2 % n] = b2; q }] {
                let ours = decode_payload(&bytes);
                let reference = decode_payload_reference(&bytes);
                proptest::prop_assert_eq!(ours.is_ok(), reference.is_ok(), "{:?} vs {:?}", ours, reference);
                if let (Ok(a), Ok(b)) = (ours, reference) {
                    proptest::prop_assert_eq!(a, b);
                }
            }
        }
    }
}
