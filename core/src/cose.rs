//! COSE_Sign1 (RFC 9052) as this format uses it, built on `coset`.
//!
//! Our signed objects (credentials, trust lists, status lists, requests) are
//! COSE_Sign1 messages with tag 18, an algorithm of the table ([`crate::alg`]:
//! −19 Ed25519, −9 ESP256, −66037 SM2; legacy −8 and −7 accepted on input) and
//! an 8-byte `kid` in the protected header, an empty unprotected header, an
//! embedded payload and no external AAD. [`Sign1::parse`] enforces exactly that
//! shape; anything else is a typed [`CoseError`]. Signatures are always checked
//! over the protected header bytes *as received* (never re-encoded), through
//! the table, with a key of the algorithm the header names ([`Sign1::verify`]).
//!
//! [`Sign1::parse_general`] and [`Sign1::verify_with`] accept the wider shapes
//! of the COSE working group's examples (ES256, unprotected headers, untagged),
//! so our COSE layer can be checked against those vectors.

use std::borrow::Cow;
use std::fmt;

use coset::iana::EnumI64 as _;
use coset::{
    iana, AsCborValue, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, Label,
    RegisteredLabelWithPrivate, TaggedCborSerializable,
};

use crate::alg::{PublicKey, SignatureAlgorithm, VerifyingKey};
use crate::cbor::{self, CborError};
use crate::keys::{IssuerSigner, KeyError, KeyId};
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
    /// The protected header bytes are not one deterministically encoded CBOR
    /// map (keys out of order, a non-shortest integer or length, an
    /// indefinite length, a duplicate key, trailing bytes): FORMAT.md §1.1
    /// holds for the header as for every other structure.
    ProtectedHeader(CborError),
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
            CoseError::ProtectedHeader(e) => format!("受保护头部编码无效：{}", e.zh()).into(),
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
            CoseError::ProtectedHeader(e) => format!("protected header: {}", e.en()).into(),
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
    /// The algorithm the protected header names, when it is in the table.
    algorithm: Option<SignatureAlgorithm>,
    /// The key id from the protected header (empty in `parse_general` results without one).
    pub kid: Vec<u8>,
    /// The embedded payload.
    pub payload: Vec<u8>,
}

impl Sign1 {
    /// Signs `payload` as a tagged COSE_Sign1 with the signer's algorithm (its
    /// emitted COSE id), the signer's kid and optional `typ`.
    pub fn sign(
        payload: &[u8],
        typ: Option<&str>,
        signer: &dyn IssuerSigner,
    ) -> Result<Vec<u8>, KeyError> {
        let alg_id = signer.algorithm().cose_id();
        let alg = RegisteredLabelWithPrivate::<iana::Algorithm>::from_cbor_value(
            ciborium::value::Value::Integer(alg_id.into()),
        )
        .map_err(|_| KeyError::SignerFailed(format!("COSE cannot carry algorithm {alg_id}")))?;
        let mut protected = HeaderBuilder::new().key_id(signer.key_id().0.to_vec());
        if let Some(t) = typ {
            protected = protected.value(HEADER_TYP, ciborium::value::Value::Text(t.to_string()));
        }
        let mut protected = protected.build();
        protected.alg = Some(alg);
        let sign1 = CoseSign1Builder::new()
            .protected(protected)
            .payload(payload.to_vec())
            .try_create_signature(&[], |tbs| {
                // Low S for ES256 whatever the signer (an HSM may return
                // either form): verifiers accept only that one (§3).
                signer
                    .sign(tbs)
                    .map(|s| crate::alg::canonical_signature(signer.algorithm(), s.to_vec()))
            })?
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
        // §1.1 for the header too: the bytes signed are the bytes received,
        // so they must be the one encoding of the header (a re-ordered or
        // padded header is another byte string naming the same parameters).
        let header_bytes = inner.protected.original_data.as_deref().unwrap_or(&[]);
        // Checked in place (coset has decoded it already); a refusal gets decode_strict's error.
        if cbor::validate_strict(header_bytes, header_bytes.len()).is_err() {
            return Err(CoseError::ProtectedHeader(
                cbor::decode_strict(header_bytes, header_bytes.len())
                    .err()
                    .unwrap_or(cbor::CborError::NotDeterministic),
            ));
        }
        let h = &inner.protected.header;
        let algorithm = header_algorithm(&h.alg)?;
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
        let kid = h.key_id.clone();
        // Moved out, not copied (a trust list's payload is megabytes);
        // `to_be_signed` rebuilds the Sig_structure from it.
        let mut inner = inner;
        let payload = inner.payload.take().ok_or(CoseError::DetachedPayload)?;
        Ok(Sign1 {
            kid,
            payload,
            algorithm: Some(algorithm),
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
        let mut inner = inner;
        let payload = inner.payload.take().ok_or(CoseError::DetachedPayload)?;
        let kid = if inner.protected.header.key_id.is_empty() {
            inner.unprotected.key_id.clone()
        } else {
            inner.protected.header.key_id.clone()
        };
        Ok(Sign1 {
            kid,
            payload,
            algorithm: header_algorithm(&inner.protected.header.alg).ok(),
            inner,
        })
    }

    /// The key id as a [`KeyId`], if it has the right length.
    pub fn key_id(&self) -> Option<KeyId> {
        KeyId::from_slice(&self.kid)
    }

    /// The exact bytes that were signed (Sig_structure with the received protected header).
    pub fn to_be_signed(&self, aad: &[u8]) -> Vec<u8> {
        match &self.inner.protected.original_data {
            // Sig_structure = ["Signature1", protected, external_aad, payload],
            // written directly: one copy of the payload.
            Some(protected) => {
                let mut out =
                    Vec::with_capacity(32 + protected.len() + aad.len() + self.payload.len());
                out.push(0x84);
                out.push(0x6a);
                out.extend_from_slice(b"Signature1");
                for bstr in [protected.as_slice(), aad, &self.payload] {
                    bstr_head(bstr.len(), &mut out);
                    out.extend_from_slice(bstr);
                }
                out
            }
            None => {
                let mut whole = self.inner.clone();
                whole.payload = Some(self.payload.clone());
                whole.tbs_data(aad)
            }
        }
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.inner.signature
    }

    /// The signature algorithm the protected header names (always `Some` after
    /// [`parse`](Self::parse); `None` from [`parse_general`](Self::parse_general)
    /// when the algorithm is not in the table).
    pub fn algorithm(&self) -> Option<SignatureAlgorithm> {
        self.algorithm
    }

    /// Verifies the signature (no external AAD) with a decoded key, through the
    /// algorithm table: `false` when the header's algorithm is not the key's, so
    /// a key of one algorithm never verifies a signature of another.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        self.algorithm
            .is_some_and(|alg| key.verify(alg, &self.to_be_signed(&[]), self.signature()))
    }

    /// Verifies with a public key of any algorithm of the table and external
    /// AAD `aad`. The protected header's algorithm must be the key's: a
    /// mismatch is [`CoseError::UnsupportedAlgorithm`] (no algorithm confusion).
    pub fn verify_with(&self, key: &PublicKey, aad: &[u8]) -> Result<bool, CoseError> {
        let alg = header_algorithm(&self.inner.protected.header.alg)?;
        if alg != key.algorithm() {
            return Err(CoseError::UnsupportedAlgorithm(format!(
                "{alg} header, {} key",
                key.algorithm()
            )));
        }
        let Ok(vk) = key.verifying_key() else {
            return Ok(false);
        };
        Ok(vk.verify(alg, &self.to_be_signed(aad), self.signature()))
    }
}

/// The shortest head of a byte string of `len` bytes (RFC 8949 §4.2.1).
fn bstr_head(len: usize, out: &mut Vec<u8>) {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    if len < 24 {
        out.push(0x40 | len as u8);
    } else if let Ok(l) = u8::try_from(len) {
        out.extend_from_slice(&[0x58, l]);
    } else if let Ok(l) = u16::try_from(len) {
        out.push(0x59);
        out.extend_from_slice(&l.to_be_bytes());
    } else if let Ok(l) = u32::try_from(len) {
        out.push(0x5a);
        out.extend_from_slice(&l.to_be_bytes());
    } else {
        out.push(0x5b);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// The table's algorithm for a protected header's `alg`.
fn header_algorithm(
    alg: &Option<RegisteredLabelWithPrivate<iana::Algorithm>>,
) -> Result<SignatureAlgorithm, CoseError> {
    let id = match alg {
        None => return Err(CoseError::MissingAlgorithm),
        Some(RegisteredLabelWithPrivate::Assigned(a)) => a.to_i64(),
        Some(RegisteredLabelWithPrivate::PrivateUse(i)) => *i,
        Some(RegisteredLabelWithPrivate::Text(t)) => {
            return Err(CoseError::UnsupportedAlgorithm(t.clone()))
        }
    };
    SignatureAlgorithm::from_cose_id(id)
        .ok_or_else(|| CoseError::UnsupportedAlgorithm(id.to_string()))
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
        Some(ciborium::value::Value::Integer(i))
            if i64::try_from(i128::from(i))
                .ok()
                .and_then(SignatureAlgorithm::from_cose_id)
                .is_none() =>
        {
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
        assert_eq!(parsed.algorithm(), Some(SignatureAlgorithm::Ed25519));
        assert!(parsed.verify(&vk(&key)));
        let other = IssuerKey::from_seed(&[3; 32]);
        assert!(!parsed.verify(&vk(&other)));
    }

    fn vk(k: &dyn IssuerSigner) -> VerifyingKey {
        k.public_key().verifying_key().expect("key")
    }

    #[test]
    fn each_algorithm_emits_its_id_and_no_key_of_another_algorithm_verifies() {
        use crate::keys::{P256IssuerKey, Sm2IssuerKey};
        let signers: Vec<Box<dyn IssuerSigner>> = vec![
            Box::new(IssuerKey::from_seed(&[2; 32])),
            Box::new(P256IssuerKey::from_scalar(&[2; 32]).expect("scalar")),
            Box::new(Sm2IssuerKey::from_scalar(&[2; 32]).expect("scalar")),
        ];
        for signer in &signers {
            let bytes = Sign1::sign(b"\xa0", None, signer.as_ref()).expect("sign");
            let parsed = Sign1::parse(&bytes, 1024, None).expect("parse");
            let alg = signer.algorithm();
            assert_eq!(parsed.algorithm(), Some(alg));
            // The protected header is exactly {1: alg, 4: kid}.
            let protected: ciborium::value::Value = ciborium::de::from_reader(
                crate::cbor::read::bytes(
                    &crate::cbor::read::array(&match ciborium::de::from_reader::<
                        ciborium::value::Value,
                        _,
                    >(&bytes[..])
                    .expect("cbor")
                    {
                        ciborium::value::Value::Tag(18, v) => *v,
                        _ => panic!("tag"),
                    })
                    .expect("array")[0],
                )
                .expect("bstr"),
            )
            .expect("header");
            let m = crate::cbor::read::map(&protected).expect("map");
            assert_eq!(
                crate::cbor::read::get(m, 1).and_then(crate::cbor::read::int),
                Some(alg.cose_id())
            );
            for other in &signers {
                let same = other.algorithm() == alg;
                assert_eq!(
                    parsed.verify(&vk(other.as_ref())),
                    same,
                    "{alg} vs {}",
                    other.algorithm()
                );
                let typed = parsed.verify_with(&other.public_key(), &[]);
                if same {
                    assert_eq!(typed, Ok(true));
                } else {
                    assert!(matches!(typed, Err(CoseError::UnsupportedAlgorithm(_))));
                }
            }
        }
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
        assert!(!parsed.verify(&vk(&key)));
    }

    /// A COSE_Sign1 with these exact protected header bytes, correctly signed.
    fn signed_with_header(protected: &[u8], key: &IssuerKey) -> Vec<u8> {
        use ciborium::value::Value;
        let tbs = crate::cbor::encode(&Value::Array(vec![
            Value::Text("Signature1".into()),
            Value::Bytes(protected.to_vec()),
            Value::Bytes(Vec::new()),
            Value::Bytes(b"\xa0".to_vec()),
        ]));
        let sig = key.sign(&tbs).expect("sign");
        crate::cbor::encode(&Value::Tag(
            18,
            Box::new(Value::Array(vec![
                Value::Bytes(protected.to_vec()),
                Value::Map(Vec::new()),
                Value::Bytes(b"\xa0".to_vec()),
                Value::Bytes(sig.to_vec()),
            ])),
        ))
    }

    #[test]
    fn protected_header_must_be_deterministic() {
        let key = IssuerKey::from_seed(&[2; 32]);
        let kid = key.key_id().0;
        let header = |prefix: &[u8], mid: &[u8], suffix: &[u8]| {
            let mut h = prefix.to_vec();
            h.extend_from_slice(mid);
            h.extend_from_slice(&kid);
            h.extend_from_slice(suffix);
            h
        };
        // {1: -19, 4: kid}: accepted, and the signature verifies.
        let good = header(&[0xa2, 0x01, 0x32], &[0x04, 0x48], &[]);
        let parsed = Sign1::parse(&signed_with_header(&good, &key), 1024, None).expect("good");
        assert!(parsed.verify(&vk(&key)));
        let mut kid_first = vec![0xa2, 0x04, 0x48];
        kid_first.extend_from_slice(&kid);
        kid_first.extend_from_slice(&[0x01, 0x32]);
        let bad: [(&str, Vec<u8>); 5] = [
            ("keys out of order", kid_first),
            (
                "alg as a 1-byte-argument int",
                header(&[0xa2, 0x01, 0x38, 0x12], &[0x04, 0x48], &[]),
            ),
            (
                "label as a non-shortest int",
                header(&[0xa2, 0x18, 0x01, 0x32], &[0x04, 0x48], &[]),
            ),
            (
                "indefinite-length map",
                header(&[0xbf, 0x01, 0x32], &[0x04, 0x48], &[0xff]),
            ),
            (
                "kid with a non-shortest length",
                header(&[0xa2, 0x01, 0x32], &[0x04, 0x58, 0x08], &[]),
            ),
        ];
        for (what, h) in bad {
            let bytes = signed_with_header(&h, &key);
            // Well-formed, correctly signed over these very bytes: refused for
            // the encoding alone.
            assert!(
                matches!(
                    Sign1::parse(&bytes, 1024, None),
                    Err(CoseError::ProtectedHeader(CborError::NotDeterministic))
                ),
                "{what}: {:?}",
                Sign1::parse(&bytes, 1024, None).err()
            );
        }
        // Trailing bytes after the header map (coset itself refuses these).
        let mut trailing = good.clone();
        trailing.push(0x00);
        assert!(matches!(
            Sign1::parse(&signed_with_header(&trailing, &key), 1024, None),
            Err(CoseError::ProtectedHeader(CborError::TrailingBytes) | CoseError::NotSign1)
        ));
    }

    #[test]
    fn to_be_signed_is_cosets_sig_structure() {
        let key = IssuerKey::from_seed(&[2; 32]);
        for n in [0usize, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000] {
            let payload = vec![0x41u8; n];
            let bytes = Sign1::sign(&payload, Some("application/x"), &key).expect("sign");
            let parsed = Sign1::parse_general(&bytes, false).expect("parse");
            let reference = CoseSign1::from_tagged_slice(&bytes).expect("coset");
            for aad in [&b""[..], b"aad"] {
                assert_eq!(parsed.to_be_signed(aad), reference.tbs_data(aad), "{n}");
            }
            assert_eq!(parsed.payload, payload);
        }
    }
}
