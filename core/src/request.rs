//! Verifier requests (授权用证).
//!
//! A verifier shows a QR that says who asks, for what purpose, which license
//! type and fields, with a fresh nonce and the time. The wallet shows this to
//! the holder for consent and answers with a presentation bound to the
//! request (its SHA-256 is in the holder's transcript, its nonce in the proof).
//!
//! Wire form: the deterministic CBOR map
//! `{1: verifier id, 2: verifier name, 3: purpose, 4: type code, 5: [field ids], 6: nonce (16 bytes), 7: time}`,
//! either bare or as the payload of a COSE_Sign1 (typ `application/lz-request+cbor`)
//! signed by the verifier's key (any algorithm of [`crate::alg`], named in the
//! protected header).

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
}

impl Localized for RequestError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            RequestError::Cbor(e) => e.zh(),
            RequestError::Cose(e) => e.zh(),
            RequestError::Malformed(_) => "用证请求格式错误".into(),
            RequestError::BadPurpose => "用证事由为空或超过 200 字".into(),
            RequestError::Key(e) => e.zh(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            RequestError::Cbor(e) => e.en(),
            RequestError::Cose(e) => e.en(),
            RequestError::Malformed(what) => format!("malformed request ({what})").into(),
            RequestError::BadPurpose => "purpose is empty or longer than 200 characters".into(),
            RequestError::Key(e) => e.en(),
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
        };
        r.check()?;
        Ok(r)
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
        Ok(())
    }

    fn to_value(&self) -> Value {
        Value::Map(vec![
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
        ])
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
        if m.len() != 7 {
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
