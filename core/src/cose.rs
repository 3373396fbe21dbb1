//! COSE_Sign1 (RFC 9052) as this format uses it, built on `coset`.
//!
//! Our signed objects (credentials, trust lists, status lists, requests) are
//! COSE_Sign1 messages with tag 18, alg EdDSA (-8) and an 8-byte `kid` in the
//! protected header, an empty unprotected header, an embedded payload and no
//! external AAD. [`Sign1::parse`] enforces exactly that shape; anything else is
//! a typed [`CoseError`]. Signatures are always checked over the protected
//! header bytes *as received* (never re-encoded), and Ed25519 is verified
//! strictly.
//!
//! [`Sign1::parse_general`] and [`Sign1::verify_with`] accept the wider shapes
//! of the COSE working group's examples (ES256, unprotected headers, untagged),
//! so our COSE layer can be checked against those vectors.

use std::borrow::Cow;
use std::fmt;

use coset::{
    iana, AsCborValue, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, Label,
    RegisteredLabelWithPrivate, TaggedCborSerializable,
};

use crate::cbor::{self, CborError};
use crate::holder::HolderPublicKey;
use crate::keys::{verify_ed25519_strict, IssuerSigner, KeyError, KeyId};
use crate::lang::Localized;

/// COSE header label of `typ` (RFC 9596).
pub const HEADER_TYP: i64 = 16;

/// Why a COSE_Sign1 message is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoseError {
    /// The bytes are not acceptable CBOR.
    Cbor(CborError),
    /// Not a COSE_Sign1 structure (or wrong CBOR tag).
    NotSign1,
    /// The protected header names no algorithm.
    MissingAlgorithm,
    /// The algorithm is not one this verifier accepts here (algorithm confusion included).
    UnsupportedAlgorithm(String),
    /// A header parameter this format does not define.
    UnexpectedHeader(String),
    /// A `crit` header lists parameters this verifier does not understand.
    UnknownCriticalHeader,
    /// The protected header has no 8-byte key id.
    MissingKeyId,
    /// The payload is detached (absent); this format always embeds it.
    DetachedPayload,
    /// The `typ` header does not name the expected kind of document.
    WrongType,
}

impl Localized for CoseError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            CoseError::Cbor(e) => e.zh(),
            CoseError::NotSign1 => "不是 COSE_Sign1 签名结构".into(),
            CoseError::MissingAlgorithm => "受保护头部缺少签名算法".into(),
            CoseError::UnsupportedAlgorithm(_) => "不支持的签名算法（或算法与密钥不符）".into(),
            CoseError::UnexpectedHeader(_) => "签名头部含有本格式未定义的参数".into(),
            CoseError::UnknownCriticalHeader => "签名头部含有无法理解的关键参数".into(),
            CoseError::MissingKeyId => "受保护头部缺少密钥标识".into(),
            CoseError::DetachedPayload => "签名内容缺失（分离载荷）".into(),
            CoseError::WrongType => "签名文档类型不符".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            CoseError::Cbor(e) => e.en(),
            CoseError::NotSign1 => "not a COSE_Sign1 message".into(),
            CoseError::MissingAlgorithm => "no algorithm in the protected header".into(),
            CoseError::UnsupportedAlgorithm(a) => {
                format!("unsupported algorithm {a} (or algorithm does not match the key)").into()
            }
            CoseError::UnexpectedHeader(h) => format!("unexpected header parameter {h}").into(),
            CoseError::UnknownCriticalHeader => "unknown critical header parameter".into(),
            CoseError::MissingKeyId => "no 8-byte key id in the protected header".into(),
            CoseError::DetachedPayload => "detached payload; this format embeds it".into(),
            CoseError::WrongType => "the typ header names another kind of document".into(),
        }
    }
}

impl fmt::Display for CoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for CoseError {}

impl From<CborError> for CoseError {
    fn from(e: CborError) -> Self {
        CoseError::Cbor(e)
    }
}

/// A parsed COSE_Sign1 message.
#[derive(Clone, Debug)]
pub struct Sign1 {
    inner: CoseSign1,
    /// The key id from the protected header (empty in `parse_general` results without one).
    pub kid: Vec<u8>,
    /// The embedded payload.
    pub payload: Vec<u8>,
}

impl Sign1 {
    /// Signs `payload` as a tagged COSE_Sign1 with alg EdDSA, the signer's kid and optional `typ`.
    pub fn sign(
        payload: &[u8],
        typ: Option<&str>,
        signer: &dyn IssuerSigner,
    ) -> Result<Vec<u8>, KeyError> {
        let mut protected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::EdDSA)
            .key_id(signer.key_id().0.to_vec());
        if let Some(t) = typ {
            protected = protected.value(HEADER_TYP, ciborium::value::Value::Text(t.to_string()));
        }
        let sign1 = CoseSign1Builder::new()
            .protected(protected.build())
            .payload(payload.to_vec())
            .try_create_signature(&[], |tbs| signer.sign(tbs).map(|s| s.to_vec()))?
            .build();
        sign1
            .to_tagged_vec()
            .map_err(|_| KeyError::SignerFailed("COSE encoding failed".into()))
    }

    /// Parses one of *our* signed documents, enforcing the exact shape described in
    /// the module docs; `typ` is the required `typ` header value, if any.
    pub fn parse(bytes: &[u8], max_len: usize, typ: Option<&str>) -> Result<Self, CoseError> {
        // Build coset's structure from the value already decoded (one parse, not two).
        let inner = match cbor::decode_strict(bytes, max_len)? {
            ciborium::value::Value::Tag(18, v) => {
                CoseSign1::from_cbor_value(*v).map_err(|_| diagnose(bytes))?
            }
            _ => return Err(diagnose(bytes)),
        };
        let h = &inner.protected.header;
        match &h.alg {
            None => return Err(CoseError::MissingAlgorithm),
            Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) => {}
            Some(other) => return Err(CoseError::UnsupportedAlgorithm(format!("{other:?}"))),
        }
        if !h.crit.is_empty() {
            return Err(CoseError::UnknownCriticalHeader);
        }
        if h.content_type.is_some() || !h.iv.is_empty() || !h.partial_iv.is_empty() {
            return Err(CoseError::UnexpectedHeader("protected".into()));
        }
        if !h.counter_signatures.is_empty() {
            return Err(CoseError::UnexpectedHeader("counter signature".into()));
        }
        let mut seen_typ = None;
        for (label, value) in &h.rest {
            match (label, value) {
                (Label::Int(HEADER_TYP), ciborium::value::Value::Text(t)) => {
                    seen_typ = Some(t.as_str())
                }
                (l, _) => return Err(CoseError::UnexpectedHeader(format!("{l:?}"))),
            }
        }
        if seen_typ != typ {
            return Err(CoseError::WrongType);
        }
        if h.key_id.len() != crate::keys::KEY_ID_LEN {
            return Err(CoseError::MissingKeyId);
        }
        if !inner.unprotected.is_empty() {
            return Err(CoseError::UnexpectedHeader("unprotected".into()));
        }
        let payload = inner.payload.clone().ok_or(CoseError::DetachedPayload)?;
        Ok(Sign1 {
            kid: h.key_id.clone(),
            payload,
            inner,
        })
    }

    /// Parses any COSE_Sign1 (tagged 18 or, if `allow_untagged`, untagged), for
    /// interoperability tests. Rejects other tags and `crit` parameters.
    pub fn parse_general(bytes: &[u8], allow_untagged: bool) -> Result<Self, CoseError> {
        let inner = match CoseSign1::from_tagged_slice(bytes) {
            Ok(s) => s,
            Err(_) if allow_untagged => {
                CoseSign1::from_slice(bytes).map_err(|_| diagnose(bytes))?
            }
            Err(_) => return Err(diagnose(bytes)),
        };
        if !inner.protected.header.crit.is_empty() {
            return Err(CoseError::UnknownCriticalHeader);
        }
        let payload = inner.payload.clone().ok_or(CoseError::DetachedPayload)?;
        let kid = if inner.protected.header.key_id.is_empty() {
            inner.unprotected.key_id.clone()
        } else {
            inner.protected.header.key_id.clone()
        };
        Ok(Sign1 {
            kid,
            payload,
            inner,
        })
    }

    /// The key id as a [`KeyId`], if it has the right length.
    pub fn key_id(&self) -> Option<KeyId> {
        KeyId::from_slice(&self.kid)
    }

    /// The exact bytes that were signed (Sig_structure with the received protected header).
    pub fn to_be_signed(&self, aad: &[u8]) -> Vec<u8> {
        self.inner.tbs_data(aad)
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.inner.signature
    }

    /// Strict Ed25519 verification with an issuer public key (no external AAD).
    pub fn verify_ed25519(&self, public_key: &[u8; 32]) -> bool {
        verify_ed25519_strict(public_key, &self.to_be_signed(&[]), self.signature())
    }

    /// Verifies with a key of either supported algorithm. The protected header's
    /// algorithm must match the key's (no algorithm confusion).
    pub fn verify_with(&self, key: &HolderPublicKey, aad: &[u8]) -> Result<bool, CoseError> {
        let alg = match &self.inner.protected.header.alg {
            Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) => -8,
            Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)) => -7,
            Some(other) => return Err(CoseError::UnsupportedAlgorithm(format!("{other:?}"))),
            None => return Err(CoseError::MissingAlgorithm),
        };
        if alg != key.cose_alg() {
            return Err(CoseError::UnsupportedAlgorithm(format!("{alg}")));
        }
        Ok(key.verify(&self.to_be_signed(aad), self.signature()))
    }
}

/// Why `coset` refused a message: an algorithm it cannot represent (e.g. -999)
/// is reported as such, anything else as "not a COSE_Sign1".
fn diagnose(bytes: &[u8]) -> CoseError {
    use crate::cbor::read;
    let alg = (|| {
        let v: ciborium::value::Value = ciborium::de::from_reader(bytes).ok()?;
        let inner = match v {
            ciborium::value::Value::Tag(18, inner) => *inner,
            other => other,
        };
        let items = read::array(&inner)?;
        let protected: ciborium::value::Value =
            ciborium::de::from_reader(read::bytes(items.first()?)?).ok()?;
        read::get(read::map(&protected)?, 1).cloned()
    })();
    match alg {
        Some(ciborium::value::Value::Integer(i)) if ![-7i128, -8].contains(&i128::from(i)) => {
            CoseError::UnsupportedAlgorithm(i128::from(i).to_string())
        }
        Some(ciborium::value::Value::Text(t)) => CoseError::UnsupportedAlgorithm(t),
        _ => CoseError::NotSign1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::IssuerKey;

    #[test]
    fn our_sign1_is_deterministic_cbor_and_verifies() {
        let key = IssuerKey::from_seed(&[2; 32]);
        let bytes = Sign1::sign(b"\xa0", None, &key).expect("sign");
        assert_eq!(bytes[0], 0xd2, "tag 18");
        let parsed = Sign1::parse(&bytes, 1024, None).expect("parse");
        assert_eq!(parsed.key_id(), Some(key.key_id()));
        assert!(parsed.verify_ed25519(&key.public_key()));
        let other = IssuerKey::from_seed(&[3; 32]);
        assert!(!parsed.verify_ed25519(&other.public_key()));
    }

    #[test]
    fn typ_header_must_match() {
        let key = IssuerKey::from_seed(&[2; 32]);
        let bytes = Sign1::sign(b"\xa0", Some("application/x"), &key).expect("sign");
        assert!(Sign1::parse(&bytes, 1024, Some("application/x")).is_ok());
        assert_eq!(
            Sign1::parse(&bytes, 1024, None).err(),
            Some(CoseError::WrongType)
        );
        assert_eq!(
            Sign1::parse(&bytes, 1024, Some("application/y")).err(),
            Some(CoseError::WrongType)
        );
    }

    #[test]
    fn flipped_signature_bit_fails() {
        let key = IssuerKey::from_seed(&[2; 32]);
        let mut bytes = Sign1::sign(b"\xa0", None, &key).expect("sign");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let parsed = Sign1::parse(&bytes, 1024, None).expect("still well-formed");
        assert!(!parsed.verify_ed25519(&key.public_key()));
    }
}
