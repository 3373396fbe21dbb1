//! Typed public keys: an algorithm and its key bytes, for issuers and holders alike.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{SignatureAlgorithm, VerifyingKey, COSE_CRV_SM2};
use crate::cbor::read;
use crate::keys::{KeyId, KEY_ID_LEN};
use crate::lang::Localized;

/// A public key of one algorithm of the table.
///
/// Bytes are stored in the shortest canonical form, which is also the form
/// hashed into key ids and written into trust lists: the raw 32 bytes for
/// Ed25519, the compressed SEC1 point (33 bytes, `02`/`03` ‖ x) for P-256 and
/// SM2. Constructors check the point is on its curve (and, for Ed25519, not of
/// small order). A key built directly from a variant is not checked; every
/// verification decodes it first ([`VerifyingKey::new`]) and a key that does
/// not decode verifies nothing.
///
/// The same type is the holder's key in a credential's `cnf` (see
/// [`crate::holder::HolderPublicKey`]) and an issuer's key in a trust list.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublicKey {
    /// Ed25519, raw 32 bytes.
    Ed25519([u8; 32]),
    /// P-256 (ES256 / ESP256), compressed SEC1, 33 bytes.
    P256([u8; 33]),
    /// SM2 (GB/T 32918 curve), compressed SEC1, 33 bytes.
    Sm2([u8; 33]),
}

/// Why bytes are not an acceptable public key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKeyError {
    /// The COSE_Key (or other key structure) is not one this format uses.
    BadCoseKey,
    /// The bytes are not a point on the curve / not a valid key.
    InvalidPoint,
}

impl Localized for PublicKeyError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            PublicKeyError::BadCoseKey => "公钥格式无效".into(),
            PublicKeyError::InvalidPoint => "公钥不是有效的曲线点".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            PublicKeyError::BadCoseKey => "invalid public key structure (COSE_Key)".into(),
            PublicKeyError::InvalidPoint => "public key is not a valid curve point".into(),
        }
    }
}

impl fmt::Display for PublicKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for PublicKeyError {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P256",
            PublicKey::Sm2(_) => "Sm2",
        };
        let prefix: String = self
            .as_bytes()
            .iter()
            .take(6)
            .map(|x| format!("{x:02x}"))
            .collect();
        write!(f, "{name}({prefix}…)")
    }
}

impl PublicKey {
    /// A key of `algorithm` from its bytes: 32 raw bytes for Ed25519, SEC1
    /// (compressed 33 or uncompressed 65 bytes) for P-256 and SM2.
    pub fn from_bytes(algorithm: SignatureAlgorithm, bytes: &[u8]) -> Result<Self, PublicKeyError> {
        match algorithm {
            SignatureAlgorithm::Ed25519 => Self::ed25519(bytes),
            SignatureAlgorithm::Es256 => Self::p256_from_sec1(bytes),
            SignatureAlgorithm::Sm2 => Self::sm2_from_sec1(bytes),
        }
    }

    /// A key of `algorithm` from its canonical bytes, checking only their form
    /// (32 bytes for Ed25519; 33 bytes starting `02`/`03` for P-256 and SM2),
    /// not that they are a point of the curve. A trust list of 50,000 entries is
    /// read this way without decompressing a single point; each key is decoded
    /// on first use ([`PublicKey::verifying_key`]), and one that does not decode
    /// verifies nothing.
    pub fn from_canonical_bytes_unchecked(
        algorithm: SignatureAlgorithm,
        bytes: &[u8],
    ) -> Result<Self, PublicKeyError> {
        match algorithm {
            SignatureAlgorithm::Ed25519 => bytes.try_into().map(PublicKey::Ed25519),
            SignatureAlgorithm::Es256 | SignatureAlgorithm::Sm2
                if matches!(bytes.first(), Some(0x02 | 0x03)) =>
            {
                let b: Result<[u8; 33], _> = bytes.try_into();
                b.map(|b| {
                    if algorithm == SignatureAlgorithm::Es256 {
                        PublicKey::P256(b)
                    } else {
                        PublicKey::Sm2(b)
                    }
                })
            }
            _ => return Err(PublicKeyError::InvalidPoint),
        }
        .map_err(|_| PublicKeyError::InvalidPoint)
    }

    /// An Ed25519 key from its 32 raw bytes (rejects non-points and small-order keys).
    pub fn ed25519(raw: &[u8]) -> Result<Self, PublicKeyError> {
        let pk: [u8; 32] = raw.try_into().map_err(|_| PublicKeyError::InvalidPoint)?;
        VerifyingKey::ed25519(&pk)?;
        Ok(PublicKey::Ed25519(pk))
    }

    /// A P-256 key from SEC1 bytes (compressed 33 or uncompressed 65 bytes).
    pub fn p256_from_sec1(sec1: &[u8]) -> Result<Self, PublicKeyError> {
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
            .map_err(|_| PublicKeyError::InvalidPoint)?;
        let point = vk.to_encoded_point(true);
        Ok(PublicKey::P256(
            point
                .as_bytes()
                .try_into()
                .map_err(|_| PublicKeyError::InvalidPoint)?,
        ))
    }

    /// An SM2 key from SEC1 bytes (compressed 33 or uncompressed 65 bytes).
    pub fn sm2_from_sec1(sec1: &[u8]) -> Result<Self, PublicKeyError> {
        use sm2::elliptic_curve::sec1::ToEncodedPoint as _;
        let pk = sm2::PublicKey::from_sec1_bytes(sec1).map_err(|_| PublicKeyError::InvalidPoint)?;
        let point = pk.to_encoded_point(true);
        Ok(PublicKey::Sm2(
            point
                .as_bytes()
                .try_into()
                .map_err(|_| PublicKeyError::InvalidPoint)?,
        ))
    }

    /// The signature algorithm this key verifies.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        match self {
            PublicKey::Ed25519(_) => SignatureAlgorithm::Ed25519,
            PublicKey::P256(_) => SignatureAlgorithm::Es256,
            PublicKey::Sm2(_) => SignatureAlgorithm::Sm2,
        }
    }

    /// The canonical key bytes (raw Ed25519, compressed SEC1 otherwise).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            PublicKey::Ed25519(k) => k,
            PublicKey::P256(k) | PublicKey::Sm2(k) => k,
        }
    }

    /// The key id: the first 8 bytes of the suite's digest over [`as_bytes`](Self::as_bytes)
    /// (SHA-256 for Ed25519 and P-256, SM3 for SM2).
    pub fn key_id(&self) -> KeyId {
        let digest = self.algorithm().digest().digest(self.as_bytes());
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        KeyId(id)
    }

    /// The COSE algorithm id this key's signatures carry (−19, −9, or [`super::COSE_ALG_SM2`]).
    pub fn cose_alg(&self) -> i64 {
        self.algorithm().cose_id()
    }

    /// Algorithm name, for display.
    pub fn alg_name(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "ESP256 (P-256)",
            PublicKey::Sm2(_) => "SM2 (SM3)",
        }
    }

    /// The key decoded and checked once, ready to verify many signatures.
    pub fn verifying_key(&self) -> Result<VerifyingKey, PublicKeyError> {
        VerifyingKey::new(self)
    }

    /// Verifies a signature by this key over `message` under the key's own
    /// algorithm (prefer [`VerifyingKey::verify`], which also checks the
    /// algorithm a signed structure names).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifying_key()
            .is_ok_and(|vk| vk.verify(self.algorithm(), message, signature))
    }

    /// The COSE_Key map (RFC 9052 §7, RFC 9053 §7.1/§7.2; EC2 keys with point
    /// compression; SM2 with the private-use curve id [`COSE_CRV_SM2`]).
    pub fn to_cose_key(&self) -> Value {
        let ec2 = |crv: i64, p: &[u8; 33]| {
            Value::Map(vec![
                (read::i(1), read::i(2)),    // kty: EC2
                (read::i(-1), read::i(crv)), // crv
                (read::i(-2), Value::Bytes(p[1..].to_vec())),
                (read::i(-3), Value::Bool(p[0] == 0x03)), // y sign bit
            ])
        };
        match self {
            PublicKey::Ed25519(x) => Value::Map(vec![
                (read::i(1), read::i(1)),  // kty: OKP
                (read::i(-1), read::i(6)), // crv: Ed25519
                (read::i(-2), Value::Bytes(x.to_vec())),
            ]),
            PublicKey::P256(p) => ec2(1, p),
            PublicKey::Sm2(p) => ec2(COSE_CRV_SM2, p),
        }
    }

    /// Reads a COSE_Key map in the forms [`to_cose_key`](Self::to_cose_key) writes.
    pub fn from_cose_key(v: &Value) -> Result<Self, PublicKeyError> {
        Self::from_cose_key_checked(v).map(|(k, _)| k)
    }

    /// Like [`from_cose_key`](Self::from_cose_key), also returning the decoded
    /// key so a verifier does not decode it a second time.
    pub fn from_cose_key_checked(v: &Value) -> Result<(Self, VerifyingKey), PublicKeyError> {
        let m = read::map(v).ok_or(PublicKeyError::BadCoseKey)?;
        let kty = read::get(m, 1).and_then(read::int);
        let crv = read::get(m, -1).and_then(read::int);
        let x = read::get(m, -2).and_then(read::bytes);
        match (kty, crv, x, m.len()) {
            (Some(1), Some(6), Some(x), 3) => {
                // Decompressed once: the verifying key's decoding is also the
                // validity check `ed25519` makes (not a point, or weak: refused).
                let pk: [u8; 32] = x.try_into().map_err(|_| PublicKeyError::InvalidPoint)?;
                Ok((PublicKey::Ed25519(pk), VerifyingKey::ed25519(&pk)?))
            }
            (Some(2), Some(crv @ (1 | COSE_CRV_SM2)), Some(x), 4) if x.len() == 32 => {
                let odd = match read::get(m, -3) {
                    Some(Value::Bool(b)) => *b,
                    _ => return Err(PublicKeyError::BadCoseKey),
                };
                let mut sec1 = [0u8; 33];
                sec1[0] = if odd { 0x03 } else { 0x02 };
                sec1[1..].copy_from_slice(x);
                // The point is decompressed once, for the verifying key (a
                // holder key is decoded with every presentation; for SM2 this
                // also computes Z_A once). The decoder refuses x ≥ p and x with
                // no point, so these 33 bytes are already the canonical form.
                let alg = if crv == 1 {
                    SignatureAlgorithm::Es256
                } else {
                    SignatureAlgorithm::Sm2
                };
                let vk = VerifyingKey::from_compressed(alg, &sec1)?;
                let key = if crv == 1 {
                    PublicKey::P256(sec1)
                } else {
                    PublicKey::Sm2(sec1)
                };
                Ok((key, vk))
            }
            _ => Err(PublicKeyError::BadCoseKey),
        }
    }

    /// Reads a SubjectPublicKeyInfo (DER) of any algorithm of the table:
    /// Ed25519 (`1.3.101.112`), P-256 (`id-ecPublicKey` + `prime256v1`) or SM2
    /// (`id-ecPublicKey` + `1.2.156.10197.1.301`, as OpenSSL 3 writes it).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, PublicKeyError> {
        use ed25519_dalek::pkcs8::DecodePublicKey as _;
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Self::ed25519(k.as_bytes());
        }
        if let Ok(k) = p256::PublicKey::from_public_key_der(der) {
            return Self::p256_from_sec1(p256::EncodedPoint::from(k).as_bytes());
        }
        if let Ok(k) = sm2::PublicKey::from_public_key_der(der) {
            return Self::sm2_from_sec1(sm2::EncodedPoint::from(k).as_bytes());
        }
        Err(PublicKeyError::BadCoseKey)
    }

    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`, as
    /// `openssl pkey -pubout` writes) of any algorithm of the table.
    pub fn from_spki_pem(pem: &str) -> Result<Self, PublicKeyError> {
        use ed25519_dalek::pkcs8::DecodePublicKey as _;
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Self::ed25519(k.as_bytes());
        }
        if let Ok(k) = p256::PublicKey::from_public_key_pem(pem) {
            return Self::p256_from_sec1(p256::EncodedPoint::from(k).as_bytes());
        }
        if let Ok(k) = sm2::PublicKey::from_public_key_pem(pem) {
            return Self::sm2_from_sec1(sm2::EncodedPoint::from(k).as_bytes());
        }
        Err(PublicKeyError::BadCoseKey)
    }

    /// The key as SubjectPublicKeyInfo PEM (the form `openssl pkey -pubout` writes).
    pub fn to_spki_pem(&self) -> Result<String, PublicKeyError> {
        use ed25519_dalek::pkcs8::EncodePublicKey as _;
        let lf = ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF;
        match self {
            PublicKey::Ed25519(k) => ed25519_dalek::VerifyingKey::from_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_pem(lf).ok()),
            PublicKey::P256(k) => p256::PublicKey::from_sec1_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_pem(lf).ok()),
            PublicKey::Sm2(k) => sm2::PublicKey::from_sec1_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_pem(lf).ok()),
        }
        .ok_or(PublicKeyError::InvalidPoint)
    }

    /// The key as SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, PublicKeyError> {
        use ed25519_dalek::pkcs8::EncodePublicKey as _;
        match self {
            PublicKey::Ed25519(k) => ed25519_dalek::VerifyingKey::from_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_der().ok()),
            PublicKey::P256(k) => p256::PublicKey::from_sec1_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_der().ok()),
            PublicKey::Sm2(k) => sm2::PublicKey::from_sec1_bytes(k)
                .ok()
                .and_then(|k| k.to_public_key_der().ok()),
        }
        .map(|d| d.as_bytes().to_vec())
        .ok_or(PublicKeyError::InvalidPoint)
    }

    /// Text form `<alg>:<base64url>` (`ed25519:…`, `p256:…`, `sm2:…`), as in JSON files.
    pub fn to_text(&self) -> String {
        let prefix = match self {
            PublicKey::Ed25519(_) => "ed25519",
            PublicKey::P256(_) => "p256",
            PublicKey::Sm2(_) => "sm2",
        };
        format!("{prefix}:{}", crate::b64::encode(self.as_bytes()))
    }

    /// Reads [`to_text`](Self::to_text)'s form; a bare base64url string of 32
    /// bytes is read as Ed25519 (the form before algorithms were typed).
    pub fn from_text(text: &str) -> Result<Self, PublicKeyError> {
        let (alg, b64) = match text.trim().split_once(':') {
            Some((a, b)) => (
                Some(SignatureAlgorithm::from_name(a).ok_or(PublicKeyError::BadCoseKey)?),
                b,
            ),
            None => (None, text),
        };
        let bytes = crate::b64::decode(b64).ok_or(PublicKeyError::BadCoseKey)?;
        match alg {
            Some(a) => Self::from_bytes(a, &bytes),
            None if bytes.len() == 32 => Self::ed25519(&bytes),
            None => Err(PublicKeyError::BadCoseKey),
        }
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PublicKey::from_text(&text).map_err(|e| serde::de::Error::custom(e.en()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<PublicKey> {
        use crate::holder::{DeviceSigner, Ed25519DeviceSigner, P256DeviceSigner, Sm2DeviceSigner};
        vec![
            Ed25519DeviceSigner::from_seed(&[3; 32]).public_key(),
            P256DeviceSigner::from_scalar(&[5; 32])
                .expect("scalar")
                .public_key(),
            Sm2DeviceSigner::from_scalar(&[7; 32])
                .expect("scalar")
                .public_key(),
        ]
    }

    #[test]
    fn cose_key_spki_and_text_forms_round_trip_for_every_algorithm() {
        for k in keys() {
            assert_eq!(PublicKey::from_cose_key(&k.to_cose_key()), Ok(k.clone()));
            let pem = k.to_spki_pem().expect("pem");
            assert_eq!(PublicKey::from_spki_pem(&pem), Ok(k.clone()));
            let der = k.to_spki_der().expect("der");
            assert_eq!(PublicKey::from_spki_der(&der), Ok(k.clone()));
            assert_eq!(PublicKey::from_text(&k.to_text()), Ok(k.clone()));
            assert_eq!(
                PublicKey::from_bytes(k.algorithm(), k.as_bytes()),
                Ok(k.clone())
            );
        }
    }

    #[test]
    fn cose_ec2_keys_decode_once_and_refuse_non_canonical_or_off_curve_x() {
        use ciborium::value::Value;
        let ec2 = |crv: i64, x: Vec<u8>, odd: bool| {
            Value::Map(vec![
                (read::i(1), read::i(2)),
                (read::i(-1), read::i(crv)),
                (read::i(-2), Value::Bytes(x)),
                (read::i(-3), Value::Bool(odd)),
            ])
        };
        for k in keys().into_iter().skip(1) {
            let (key, vk) = PublicKey::from_cose_key_checked(&k.to_cose_key()).expect("valid key");
            assert_eq!(key, k);
            assert_eq!(vk.algorithm(), k.algorithm());
        }
        // x = p and x = 2^256 - 1 (not canonical field elements): refused on both curves.
        let p256_p = hex32("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        let sm2_p = hex32("fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff");
        for (crv, p) in [(1, p256_p), (COSE_CRV_SM2, sm2_p)] {
            for x in [p, [0xff; 32]] {
                for odd in [false, true] {
                    assert!(PublicKey::from_cose_key_checked(&ec2(crv, x.to_vec(), odd)).is_err());
                }
            }
        }
    }

    fn hex32(h: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("hex");
        }
        out
    }

    #[test]
    fn an_sm2_point_is_not_a_p256_point_and_vice_versa() {
        let ks = keys();
        // Same encoding length, different curves: each must be rejected (or at
        // least not map to the same key) on the other curve.
        let p256 = ks[1].as_bytes();
        let sm2 = ks[2].as_bytes();
        assert_ne!(PublicKey::sm2_from_sec1(p256).ok(), Some(ks[1].clone()));
        assert_ne!(PublicKey::p256_from_sec1(sm2).ok(), Some(ks[2].clone()));
    }

    #[test]
    fn key_ids_use_the_suite_digest() {
        for k in keys() {
            let d = k.algorithm().digest().digest(k.as_bytes());
            assert_eq!(k.key_id().0, d[..8]);
        }
        let sm2 = &keys()[2];
        assert_eq!(
            sm2.key_id().0,
            crate::alg::DigestAlgorithm::Sm3.digest(sm2.as_bytes())[..8]
        );
    }

    #[test]
    fn bad_text_is_a_typed_error() {
        for bad in ["", "rsa:AAAA", "sm2:AAAA", "ed25519:!!", "AAAA"] {
            assert!(PublicKey::from_text(bad).is_err(), "{bad}");
        }
    }
}
