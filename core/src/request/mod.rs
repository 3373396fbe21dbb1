//! Verifier requests (授权用证).
//!
//! A verifier shows a QR that says who asks, for what purpose, which license
//! type and fields, with a fresh nonce and the time. The wallet shows this to
//! the holder for consent and answers with a presentation bound to the
//! request (its SHA-256 is in the holder's transcript, its nonce in the proof).
//!
//! Wire form: the deterministic CBOR map
//! `{1: verifier id, 2: verifier name, 3: purpose, 4: type code, 5: [field ids], 6: nonce (16 bytes), 7: time, ? 8: registration}`,
//! either bare or as the payload of a COSE_Sign1 (typ `application/lz-request+cbor`)
//! signed by the verifier's key (any algorithm of [`crate::alg`], named in the
//! protected header). Member 8 is the verifier's signed
//! [`crate::registration::Registration`]; with it, a wallet that pins the root
//! authenticates the request ([`ReceivedRequest::authenticate`]).
//!
//! Names and purposes never hold control, format (bidi, zero-width) or
//! separator characters ([`text`]).

mod authenticity;
pub mod text;

pub use authenticity::{
    RequestPolicy, UnverifiedReason, VerifierIdentity, DEFAULT_REQUEST_MAX_AGE_SECS,
};

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use rand_core::{CryptoRng, RngCore};

use crate::alg::{DigestAlgorithm, PublicKey};
use crate::cbor::{self, read, CborError};
use crate::cose::{CoseError, Sign1};
use crate::keys::{IssuerSigner, KeyError, KeyId};
use crate::lang::Localized;
use crate::time::UnixTime;

/// `typ` of a signed request.
pub const REQUEST_TYP: &str = "application/lz-request+cbor";
/// Largest request accepted.
pub const MAX_REQUEST_LEN: usize = 2048;
/// Longest purpose text (申请事由 ≤ 200 characters in deployed systems).
pub const MAX_PURPOSE_CHARS: usize = 200;
/// Nonce length.
pub const NONCE_LEN: usize = 16;

/// A verifier's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Verifier id (e.g. the organisation's 统一社会信用代码).
    pub verifier_id: String,
    /// Verifier name, shown to the holder.
    pub verifier_name: String,
    /// Purpose (申请事由), shown to the holder.
    pub purpose: String,
    /// License type code asked for.
    pub type_code: String,
    /// Field ids asked for.
    pub fields: Vec<u32>,
    /// Fresh random nonce.
    pub nonce: [u8; NONCE_LEN],
    /// When the request was made.
    pub time: UnixTime,
    /// The verifier's signed registration (member 8), embedded so a wallet can
    /// authenticate the request offline; None for an unregistered verifier.
    pub registration: Option<Vec<u8>>,
}

/// A request as received: the request, its exact bytes, and who signed it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    /// The request.
    pub request: Request,
    /// The exact bytes (the QR body), hashed into the holder transcript.
    pub bytes: Vec<u8>,
    /// Key id of the signer, if the request was signed.
    pub signed_by: Option<KeyId>,
    /// The signed payload, kept so a caller can verify the signature with [`ReceivedRequest::verify_signature`].
    sign1: Option<Sign1>,
}

/// Why a request could not be read or made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// Not acceptable CBOR.
    Cbor(CborError),
    /// Signed, but the envelope is wrong.
    Cose(CoseError),
    /// A member is missing or has the wrong type.
    Malformed(&'static str),
    /// The purpose is empty or longer than 200 characters.
    BadPurpose,
    /// The signer failed.
    Key(KeyError),
    /// The verifier id, name or purpose holds a control, format (bidi,
    /// zero-width) or separator character.
    UnsafeText {
        /// Which member: `verifier id`, `verifier name` or `purpose`.
        field: &'static str,
        /// The offending code point.
        code_point: u32,
    },
    /// The request is older than the wallet's limit (default 5 minutes).
    Stale {
        /// Its age in seconds.
        age_secs: u64,
        /// The limit in seconds.
        max_age_secs: u64,
    },
    /// The request's time is ahead of the wallet's clock beyond the skew.
    FromFuture {
        /// How far ahead, in seconds.
        ahead_secs: u64,
    },
    /// A registered verifier asks for a license type or field its registration does not grant.
    BeyondRegistration {
        /// The type asked for.
        type_code: String,
        /// The field ids asked for that the registration does not grant (empty: the type itself is not granted).
        fields: Vec<u32>,
    },
}

impl RequestError {
    /// Stable snake_case code (FFI, CLI, test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::Cbor(_) | RequestError::Cose(_) | RequestError::Malformed(_) => {
                "malformed"
            }
            RequestError::BadPurpose => "bad_purpose",
            RequestError::Key(_) => "signer_failed",
            RequestError::UnsafeText { .. } => "unsafe_text",
            RequestError::Stale { .. } => "request_stale",
            RequestError::FromFuture { .. } => "request_from_future",
            RequestError::BeyondRegistration { .. } => "beyond_registration",
        }
    }
}

impl Localized for RequestError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            RequestError::Cbor(e) => e.zh(),
            RequestError::Cose(e) => e.zh(),
            RequestError::Malformed(_) => "用证请求格式错误".into(),
            RequestError::BadPurpose => "用证事由为空或超过 200 字".into(),
            RequestError::Key(e) => e.zh(),
            RequestError::UnsafeText { field, code_point } => format!(
                "用证请求的{}含有控制字符或文字方向字符（U+{code_point:04X}），可能伪装名称，已拒绝",
                crate::registration::field_zh(field)
            )
            .into(),
            RequestError::Stale {
                age_secs,
                max_age_secs,
            } => format!(
                "用证请求已过期（{age_secs} 秒前生成，超过 {max_age_secs} 秒），请核验方重新生成"
            )
            .into(),
            RequestError::FromFuture { ahead_secs } => format!(
                "用证请求时间超前于本机 {ahead_secs} 秒：请核对设备时间"
            )
            .into(),
            RequestError::BeyondRegistration { type_code, fields } => {
                if fields.is_empty() {
                    format!("核验方未登记可请求此类证照（{type_code}），已拒绝").into()
                } else {
                    format!("核验方请求了登记范围以外的字段 {fields:?}，已拒绝").into()
                }
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            RequestError::Cbor(e) => e.en(),
            RequestError::Cose(e) => e.en(),
            RequestError::Malformed(what) => format!("malformed request ({what})").into(),
            RequestError::BadPurpose => "purpose is empty or longer than 200 characters".into(),
            RequestError::Key(e) => e.en(),
            RequestError::UnsafeText { field, code_point } => format!(
                "the request's {field} contains a control or bidirectional character (U+{code_point:04X}) that can disguise it; refused"
            )
            .into(),
            RequestError::Stale {
                age_secs,
                max_age_secs,
            } => format!(
                "request too old (made {age_secs} s ago, limit {max_age_secs} s); ask the verifier for a new one"
            )
            .into(),
            RequestError::FromFuture { ahead_secs } => format!(
                "request time is {ahead_secs} s ahead of this device's clock: check the device clock"
            )
            .into(),
            RequestError::BeyondRegistration { type_code, fields } => {
                if fields.is_empty() {
                    format!("the verifier is not registered to request this license type ({type_code}); refused").into()
                } else {
                    format!("the verifier asks for fields {fields:?} beyond its registration; refused").into()
                }
            }
        }
    }
}
impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for RequestError {}

impl Request {
    /// A new request with a fresh nonce from `rng`.
    pub fn new(
        verifier_id: &str,
        verifier_name: &str,
        purpose: &str,
        type_code: &str,
        fields: Vec<u32>,
        time: UnixTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<Self, RequestError> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let r = Request {
            verifier_id: verifier_id.to_string(),
            verifier_name: verifier_name.to_string(),
            purpose: purpose.to_string(),
            type_code: type_code.to_string(),
            fields,
            nonce,
            time,
            registration: None,
        };
        r.check()?;
        Ok(r)
    }

    /// Embeds the verifier's signed registration (member 8); sign the request
    /// with the registered key ([`Request::to_signed_bytes`]).
    pub fn with_registration(mut self, signed_registration: Vec<u8>) -> Self {
        self.registration = Some(signed_registration);
        self
    }

    fn check(&self) -> Result<(), RequestError> {
        let n = self.purpose.chars().count();
        if n == 0 || n > MAX_PURPOSE_CHARS {
            return Err(RequestError::BadPurpose);
        }
        if self.verifier_id.is_empty() || self.verifier_id.chars().count() > 64 {
            return Err(RequestError::Malformed("verifier id"));
        }
        if self.verifier_name.is_empty() || self.verifier_name.chars().count() > 64 {
            return Err(RequestError::Malformed("verifier name"));
        }
        if self.fields.is_empty() || self.fields.len() > 64 {
            return Err(RequestError::Malformed("fields"));
        }
        for (field, s) in [
            ("verifier id", &self.verifier_id),
            ("verifier name", &self.verifier_name),
            ("purpose", &self.purpose),
        ] {
            if let Some(c) = text::first_unsafe_char(s) {
                return Err(RequestError::UnsafeText {
                    field,
                    code_point: u32::from(c),
                });
            }
        }
        Ok(())
    }

    fn to_value(&self) -> Value {
        let mut m = vec![
            (read::i(1), Value::Text(self.verifier_id.clone())),
            (read::i(2), Value::Text(self.verifier_name.clone())),
            (read::i(3), Value::Text(self.purpose.clone())),
            (read::i(4), Value::Text(self.type_code.clone())),
            (
                read::i(5),
                Value::Array(self.fields.iter().map(|f| read::u(u64::from(*f))).collect()),
            ),
            (read::i(6), Value::Bytes(self.nonce.to_vec())),
            (read::i(7), read::u(self.time.0)),
        ];
        if let Some(reg) = &self.registration {
            m.push((read::i(8), Value::Bytes(reg.clone())));
        }
        Value::Map(m)
    }

    /// The unsigned encoding (a QR body).
    pub fn to_bytes(&self) -> Vec<u8> {
        cbor::encode(&self.to_value())
    }

    /// The signed encoding (a QR body).
    pub fn to_signed_bytes(&self, signer: &dyn IssuerSigner) -> Result<Vec<u8>, RequestError> {
        Sign1::sign(&self.to_bytes(), Some(REQUEST_TYP), signer).map_err(RequestError::Key)
    }

    fn from_value(v: &Value) -> Result<Self, RequestError> {
        use RequestError::Malformed as Bad;
        let m = read::map(v).ok_or(Bad("not a map"))?;
        let registration = match read::get(m, 8) {
            None => None,
            Some(v) => Some(read::bytes(v).ok_or(Bad("registration"))?.to_vec()),
        };
        if m.len() != 7 + usize::from(registration.is_some()) {
            return Err(Bad("members"));
        }
        let text = |k: i64, what: &'static str| {
            read::get(m, k)
                .and_then(read::text)
                .map(str::to_string)
                .ok_or(Bad(what))
        };
        let fields = read::get(m, 5)
            .and_then(read::array)
            .ok_or(Bad("fields"))?
            .iter()
            .map(|f| {
                read::uint(f)
                    .and_then(|x| u32::try_from(x).ok())
                    .ok_or(Bad("field id"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let nonce: [u8; NONCE_LEN] = read::get(m, 6)
            .and_then(read::bytes)
            .and_then(|b| b.try_into().ok())
            .ok_or(Bad("nonce"))?;
        let r = Request {
            verifier_id: text(1, "verifier id")?,
            verifier_name: text(2, "verifier name")?,
            purpose: text(3, "purpose")?,
            type_code: text(4, "type code")?,
            fields,
            nonce,
            time: UnixTime(read::get(m, 7).and_then(read::uint).ok_or(Bad("time"))?),
            registration,
        };
        r.check()?;
        Ok(r)
    }
}

impl ReceivedRequest {
    /// Parses a request QR body, signed or not (the signature is not checked here).
    pub fn parse(bytes: &[u8]) -> Result<Self, RequestError> {
        let v = cbor::decode_strict(bytes, MAX_REQUEST_LEN).map_err(RequestError::Cbor)?;
        if matches!(v, Value::Tag(18, _)) {
            let sign1 = Sign1::parse(bytes, MAX_REQUEST_LEN, Some(REQUEST_TYP))
                .map_err(RequestError::Cose)?;
            let inner =
                cbor::decode_strict(&sign1.payload, MAX_REQUEST_LEN).map_err(RequestError::Cbor)?;
            Ok(ReceivedRequest {
                request: Request::from_value(&inner)?,
                bytes: bytes.to_vec(),
                signed_by: sign1.key_id(),
                sign1: Some(sign1),
            })
        } else {
            Ok(ReceivedRequest {
                request: Request::from_value(&v)?,
                bytes: bytes.to_vec(),
                signed_by: None,
                sign1: None,
            })
        }
    }

    /// SHA-256 of the request bytes (the transcript digest of an Ed25519 or ES256 credential).
    pub fn hash(&self) -> [u8; 32] {
        self.hash_with(DigestAlgorithm::Sha256)
    }

    /// The request bytes' digest under `digest`: the holder transcript binds
    /// the request with the digest of the *credential's* suite.
    pub fn hash_with(&self, digest: DigestAlgorithm) -> [u8; 32] {
        digest.digest(&self.bytes)
    }

    /// The algorithm of the signed request's protected header (None if unsigned).
    pub fn signature_algorithm(&self) -> Option<crate::alg::SignatureAlgorithm> {
        self.sign1.as_ref().and_then(Sign1::algorithm)
    }

    /// Checks the verifier's signature with its public key, through the
    /// algorithm table; false if unsigned, signed by another key, under another
    /// algorithm than the key's, or invalid.
    pub fn verify_signature(&self, public_key: &PublicKey) -> bool {
        let Ok(vk) = public_key.verifying_key() else {
            return false;
        };
        self.sign1
            .as_ref()
            .is_some_and(|s| s.key_id() == Some(public_key.key_id()) && s.verify(&vk))
    }
}
