//! Relying-party registrations (核验方登记): who may ask a holder for what.
//!
//! A verifier that sends requests (授权用证) is registered by the same root
//! that signs the trust list. The registration names the verifier (id, 名称,
//! English name), lists which license types and which fields of each it may
//! request, gives a validity window, and carries the public key the verifier
//! signs its requests with (any algorithm of [`crate::alg`]). The verifier
//! embeds its signed registration in every request it signs; a wallet that
//! pins the root checks both signatures offline before the consent screen
//! (see [`crate::request::ReceivedRequest::authenticate`]).
//!
//! Wire form: COSE_Sign1 (typ `application/lz-rp-registration+cbor`, signed
//! by the root, `kid` = the root's kid) over
//! `{1: 1 (version), 2: verifier id, 3: 名称, 4: English name, 5: [+ grant],
//! 6: not_before, 7: not_after, 8: key algorithm, 9: public key bytes, 10: issued_at}`,
//! `grant = {1: type code, 2: [+ field id]}` (field ids strictly ascending,
//! type codes unique). See docs/FORMAT.md §8.1.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use serde::{Deserialize, Serialize};

use crate::alg::{PublicKey, SignatureAlgorithm};
use crate::cbor::{self, read, CborError};
use crate::cose::{CoseError, Sign1};
use crate::keys::{IssuerSigner, KeyError};
use crate::lang::Localized;
use crate::request::text::first_unsafe_char;
use crate::time::UnixTime;

/// `typ` of a signed registration.
pub const REGISTRATION_TYP: &str = "application/lz-rp-registration+cbor";
/// Largest signed registration accepted.
pub const MAX_REGISTRATION_LEN: usize = 1024;
/// Most license types one registration may grant.
pub const MAX_GRANTS: usize = 16;
/// Most fields one grant may list.
pub const MAX_GRANT_FIELDS: usize = 64;
/// Longest verifier id and 名称, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest English name, in characters.
pub const MAX_NAME_EN_CHARS: usize = 128;

/// What a registered verifier may request of one license type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// License type code (e.g. `11100000000013338W901`).
    pub type_code: String,
    /// Field ids it may request, strictly ascending.
    pub fields: Vec<u32>,
}

/// A relying party's registration, as signed by the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Verifier id (e.g. its 统一社会信用代码); a request must carry the same id.
    pub verifier_id: String,
    /// 名称, shown on the consent screen; a request must carry the same name.
    pub name_zh: String,
    /// English name, shown on the consent screen.
    pub name_en: String,
    /// License types and fields it may request.
    pub grants: Vec<Grant>,
    /// Start of validity (Unix seconds).
    pub not_before: u64,
    /// End of validity (Unix seconds, inclusive). Required: registrations are
    /// not revoked by a list, they expire.
    pub not_after: u64,
    /// The key the verifier signs its requests with (JSON: `"ed25519:<base64url>"` …).
    pub public_key: PublicKey,
    /// When the root signed it (Unix seconds).
    pub issued_at: u64,
}

/// Why a registration was not accepted or could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationError {
    /// Not acceptable CBOR.
    Cbor(CborError),
    /// The envelope is wrong.
    Cose(CoseError),
    /// Not signed by the pinned root key.
    WrongRoot,
    /// The root's signature does not verify.
    BadSignature,
    /// A member is missing, has the wrong type, or breaks a rule.
    Malformed(&'static str),
    /// A name or the id holds a control, format (bidi, zero-width) or separator character.
    UnsafeText {
        /// Which member.
        field: &'static str,
        /// The offending code point.
        code_point: u32,
    },
    /// The signer failed.
    Key(KeyError),
}

impl RegistrationError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            RegistrationError::Cbor(_) | RegistrationError::Cose(_) => "malformed",
            RegistrationError::WrongRoot => "wrong_root",
            RegistrationError::BadSignature => "bad_signature",
            RegistrationError::Malformed(_) => "malformed",
            RegistrationError::UnsafeText { .. } => "unsafe_text",
            RegistrationError::Key(_) => "signer_failed",
        }
    }
}

impl Localized for RegistrationError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            RegistrationError::Cbor(e) => e.zh(),
            RegistrationError::Cose(e) => e.zh(),
            RegistrationError::WrongRoot => "核验方登记不是由所信任的根密钥签发".into(),
            RegistrationError::BadSignature => "核验方登记签名无效".into(),
            RegistrationError::Malformed(_) => "核验方登记格式错误".into(),
            RegistrationError::UnsafeText { field, code_point } => format!(
                "核验方登记的{}含有控制字符或文字方向字符（U+{code_point:04X}）",
                field_zh(field)
            )
            .into(),
            RegistrationError::Key(e) => e.zh(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            RegistrationError::Cbor(e) => e.en(),
            RegistrationError::Cose(e) => e.en(),
            RegistrationError::WrongRoot => "registration not signed by the pinned root key".into(),
            RegistrationError::BadSignature => "registration signature invalid".into(),
            RegistrationError::Malformed(w) => format!("malformed registration ({w})").into(),
            RegistrationError::UnsafeText { field, code_point } => format!(
                "the registration's {field} contains a control or bidirectional character (U+{code_point:04X})"
            )
            .into(),
            RegistrationError::Key(e) => e.en(),
        }
    }
}
impl fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for RegistrationError {}

/// Chinese name of a text member, for messages.
pub(crate) fn field_zh(field: &str) -> &'static str {
    match field {
        "verifier id" => "核验方代码",
        "verifier name" | "name" => "名称",
        "English name" => "英文名称",
        "purpose" => "用证事由",
        _ => "文字",
    }
}

fn check_text(s: &str, field: &'static str, max_chars: usize) -> Result<(), RegistrationError> {
    if s.is_empty() || s.chars().count() > max_chars {
        return Err(RegistrationError::Malformed(field));
    }
    if let Some(c) = first_unsafe_char(s) {
        return Err(RegistrationError::UnsafeText {
            field,
            code_point: u32::from(c),
        });
    }
    Ok(())
}

impl Registration {
    /// Checks every rule of FORMAT.md §8.1 except the signature.
    pub fn check(&self) -> Result<(), RegistrationError> {
        use RegistrationError::Malformed as Bad;
        check_text(&self.verifier_id, "verifier id", MAX_NAME_CHARS)?;
        check_text(&self.name_zh, "name", MAX_NAME_CHARS)?;
        check_text(&self.name_en, "English name", MAX_NAME_EN_CHARS)?;
        if self.not_before > self.not_after {
            return Err(Bad("not_before after not_after"));
        }
        if self.grants.is_empty() || self.grants.len() > MAX_GRANTS {
            return Err(Bad("grants"));
        }
        for (i, g) in self.grants.iter().enumerate() {
            if g.type_code.is_empty() || first_unsafe_char(&g.type_code).is_some() {
                return Err(Bad("type code"));
            }
            if self.grants[..i].iter().any(|o| o.type_code == g.type_code) {
                return Err(Bad("type code granted twice"));
            }
            if g.fields.is_empty() || g.fields.len() > MAX_GRANT_FIELDS {
                return Err(Bad("grant fields"));
            }
            if g.fields.windows(2).any(|w| w[0] >= w[1]) {
                return Err(Bad("grant fields not strictly ascending"));
            }
        }
        Ok(())
    }

    /// Whether the registration lets its verifier request `fields` of `type_code`.
    pub fn allows(&self, type_code: &str, fields: &[u32]) -> bool {
        self.grants
            .iter()
            .find(|g| g.type_code == type_code)
            .is_some_and(|g| fields.iter().all(|f| g.fields.contains(f)))
    }

    /// Whether `now` lies in `[not_before − skew, not_after]` (the skew
    /// tolerates a phone's clock before the start; an expiry is never extended).
    pub fn is_valid_at(&self, now: UnixTime, skew_secs: u64) -> bool {
        now.0.saturating_add(skew_secs) >= self.not_before && now.0 <= self.not_after
    }

    fn to_value(&self) -> Value {
        Value::Map(vec![
            (read::i(1), read::u(1)),
            (read::i(2), Value::Text(self.verifier_id.clone())),
            (read::i(3), Value::Text(self.name_zh.clone())),
            (read::i(4), Value::Text(self.name_en.clone())),
            (
                read::i(5),
                Value::Array(
                    self.grants
                        .iter()
                        .map(|g| {
                            Value::Map(vec![
                                (read::i(1), Value::Text(g.type_code.clone())),
                                (
                                    read::i(2),
                                    Value::Array(
                                        g.fields.iter().map(|f| read::u(u64::from(*f))).collect(),
                                    ),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
            (read::i(6), read::u(self.not_before)),
            (read::i(7), read::u(self.not_after)),
            (read::i(8), read::i(self.public_key.cose_alg())),
            (
                read::i(9),
                Value::Bytes(self.public_key.as_bytes().to_vec()),
            ),
            (read::i(10), read::u(self.issued_at)),
        ])
    }

    fn from_value(v: &Value) -> Result<Self, RegistrationError> {
        use RegistrationError::Malformed as Bad;
        let m = read::map(v).ok_or(Bad("not a map"))?;
        if m.len() != 10 || (1..=10).any(|k| read::get(m, k).is_none()) {
            return Err(Bad("members"));
        }
        if read::get(m, 1).and_then(read::uint) != Some(1) {
            return Err(Bad("version"));
        }
        let text = |k: i64, what: &'static str| {
            read::get(m, k)
                .and_then(read::text)
                .map(str::to_string)
                .ok_or(Bad(what))
        };
        let uint =
            |k: i64, what: &'static str| read::get(m, k).and_then(read::uint).ok_or(Bad(what));
        let grants = read::get(m, 5)
            .and_then(read::array)
            .ok_or(Bad("grants"))?
            .iter()
            .map(|g| {
                let gm = read::map(g).ok_or(Bad("grant"))?;
                if gm.len() != 2 {
                    return Err(Bad("grant members"));
                }
                let type_code = read::get(gm, 1)
                    .and_then(read::text)
                    .ok_or(Bad("type code"))?
                    .to_string();
                let fields = read::get(gm, 2)
                    .and_then(read::array)
                    .ok_or(Bad("grant fields"))?
                    .iter()
                    .map(|f| {
                        read::uint(f)
                            .and_then(|x| u32::try_from(x).ok())
                            .ok_or(Bad("field id"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Grant { type_code, fields })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let alg = read::get(m, 8)
            .and_then(read::int)
            .and_then(SignatureAlgorithm::from_cose_id)
            .ok_or(Bad("key algorithm"))?;
        let key = read::get(m, 9)
            .and_then(read::bytes)
            .ok_or(Bad("public key"))?;
        // Canonical form only (raw Ed25519, compressed SEC1), and a real key of its algorithm.
        let public_key =
            PublicKey::from_canonical_bytes_unchecked(alg, key).map_err(|_| Bad("public key"))?;
        public_key.verifying_key().map_err(|_| Bad("public key"))?;
        let r = Registration {
            verifier_id: text(2, "verifier id")?,
            name_zh: text(3, "name")?,
            name_en: text(4, "English name")?,
            grants,
            not_before: uint(6, "not_before")?,
            not_after: uint(7, "not_after")?,
            public_key,
            issued_at: uint(10, "issued_at")?,
        };
        r.check()?;
        Ok(r)
    }

    /// The unsigned payload (deterministic CBOR).
    pub fn to_payload(&self) -> Vec<u8> {
        cbor::encode(&self.to_value())
    }

    /// Signs the registration with the root key (refused if it breaks a rule).
    pub fn sign(&self, root: &dyn IssuerSigner) -> Result<Vec<u8>, RegistrationError> {
        self.check()?;
        Sign1::sign(&self.to_payload(), Some(REGISTRATION_TYP), root)
            .map_err(RegistrationError::Key)
    }

    /// Verifies a signed registration against the pinned root key (of any
    /// algorithm of the table; the header must name the root's algorithm) and
    /// reads it. Whether it is valid *now* is [`Registration::is_valid_at`].
    pub fn from_signed(bytes: &[u8], root: &PublicKey) -> Result<Self, RegistrationError> {
        let sign1 = Sign1::parse(bytes, MAX_REGISTRATION_LEN, Some(REGISTRATION_TYP))
            .map_err(RegistrationError::Cose)?;
        if sign1.key_id() != Some(root.key_id()) {
            return Err(RegistrationError::WrongRoot);
        }
        let vk = root
            .verifying_key()
            .map_err(|_| RegistrationError::WrongRoot)?;
        if !sign1.verify(&vk) {
            return Err(RegistrationError::BadSignature);
        }
        let v = cbor::decode_strict(&sign1.payload, MAX_REGISTRATION_LEN)
            .map_err(RegistrationError::Cbor)?;
        Self::from_value(&v)
    }
}
