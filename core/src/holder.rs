//! Holder keys and device signers.
//!
//! A credential is bound to its holder's public key (CWT `cnf`). When the holder
//! shows it, they sign a transcript with the matching private key. Phones keep
//! such keys in secure hardware (Android Keystore, iOS Secure Enclave), which
//! only offers P-256, so two algorithms are supported: Ed25519 (software) and
//! ES256. Signing goes through [`DeviceSigner`]; the app can implement it with a
//! hardware key and the private key never enters this library.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;
use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Verifier as _;
use zeroize::Zeroizing;

use crate::cbor::read;
use crate::keys::{verify_ed25519_strict, KeyError};
use crate::lang::Localized;

/// The holder's public key, as carried in the credential's `cnf` claim.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum HolderPublicKey {
    /// Ed25519 (COSE alg EdDSA), raw 32 bytes.
    Ed25519([u8; 32]),
    /// P-256 (COSE alg ES256), SEC1 compressed point, 33 bytes.
    P256([u8; 33]),
}

impl fmt::Debug for HolderPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HolderPublicKey::Ed25519(k) => write!(f, "Ed25519({})", hex_prefix(k)),
            HolderPublicKey::P256(k) => write!(f, "P256({})", hex_prefix(k)),
        }
    }
}

fn hex_prefix(b: &[u8]) -> String {
    b.iter()
        .take(6)
        .map(|x| format!("{x:02x}"))
        .collect::<String>()
        + "…"
}

/// Why a holder key is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HolderKeyError {
    /// The COSE_Key structure is not one this format uses.
    BadCoseKey,
    /// The bytes are not a point on the curve / not a valid key.
    InvalidPoint,
}

impl Localized for HolderKeyError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            HolderKeyError::BadCoseKey => "持证人公钥格式无效".into(),
            HolderKeyError::InvalidPoint => "持证人公钥不是有效的曲线点".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            HolderKeyError::BadCoseKey => "invalid holder key structure (COSE_Key)".into(),
            HolderKeyError::InvalidPoint => "holder key is not a valid curve point".into(),
        }
    }
}

impl fmt::Display for HolderKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for HolderKeyError {}

impl HolderPublicKey {
    /// An ES256 key from SEC1 bytes (compressed 33 or uncompressed 65 bytes).
    pub fn p256_from_sec1(sec1: &[u8]) -> Result<Self, HolderKeyError> {
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
            .map_err(|_| HolderKeyError::InvalidPoint)?;
        let point = vk.to_encoded_point(true);
        let bytes: [u8; 33] = point
            .as_bytes()
            .try_into()
            .map_err(|_| HolderKeyError::InvalidPoint)?;
        Ok(HolderPublicKey::P256(bytes))
    }

    /// An Ed25519 key from its 32 raw bytes (rejects non-points and small-order keys).
    pub fn ed25519(raw: &[u8]) -> Result<Self, HolderKeyError> {
        Self::ed25519_checked(raw).map(|(k, _)| k)
    }

    /// Like [`ed25519`](Self::ed25519), also returning the decompressed key so a
    /// verifier does not decompress it a second time.
    fn ed25519_checked(raw: &[u8]) -> Result<(Self, ed25519_dalek::VerifyingKey), HolderKeyError> {
        let pk: [u8; 32] = raw.try_into().map_err(|_| HolderKeyError::InvalidPoint)?;
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&pk)
            .map_err(|_| HolderKeyError::InvalidPoint)?;
        if vk.is_weak() {
            return Err(HolderKeyError::InvalidPoint);
        }
        Ok((HolderPublicKey::Ed25519(pk), vk))
    }

    /// The COSE algorithm identifier (-8 EdDSA, -7 ES256).
    pub fn cose_alg(&self) -> i64 {
        match self {
            HolderPublicKey::Ed25519(_) => -8,
            HolderPublicKey::P256(_) => -7,
        }
    }

    /// Algorithm name, for display.
    pub fn alg_name(&self) -> &'static str {
        match self {
            HolderPublicKey::Ed25519(_) => "EdDSA (Ed25519)",
            HolderPublicKey::P256(_) => "ES256 (P-256)",
        }
    }

    /// The COSE_Key map (RFC 9052 §7, RFC 9053 §7.1/§7.2; P-256 with point compression).
    pub fn to_cose_key(&self) -> Value {
        match self {
            HolderPublicKey::Ed25519(x) => Value::Map(vec![
                (read::i(1), read::i(1)),  // kty: OKP
                (read::i(-1), read::i(6)), // crv: Ed25519
                (read::i(-2), Value::Bytes(x.to_vec())),
            ]),
            HolderPublicKey::P256(p) => Value::Map(vec![
                (read::i(1), read::i(2)),  // kty: EC2
                (read::i(-1), read::i(1)), // crv: P-256
                (read::i(-2), Value::Bytes(p[1..].to_vec())),
                (read::i(-3), Value::Bool(p[0] == 0x03)), // y sign bit
            ]),
        }
    }

    /// Reads a COSE_Key map in the forms [`to_cose_key`](Self::to_cose_key) writes.
    pub fn from_cose_key(v: &Value) -> Result<Self, HolderKeyError> {
        Self::from_cose_key_checked(v).map(|(k, _)| k)
    }

    /// Like [`from_cose_key`](Self::from_cose_key), also returning the
    /// decompressed Ed25519 key when there is one.
    pub(crate) fn from_cose_key_checked(
        v: &Value,
    ) -> Result<(Self, Option<ed25519_dalek::VerifyingKey>), HolderKeyError> {
        let m = read::map(v).ok_or(HolderKeyError::BadCoseKey)?;
        let kty = read::get(m, 1).and_then(read::int);
        let crv = read::get(m, -1).and_then(read::int);
        let x = read::get(m, -2).and_then(read::bytes);
        match (kty, crv, x, m.len()) {
            (Some(1), Some(6), Some(x), 3) => Self::ed25519_checked(x).map(|(k, vk)| (k, Some(vk))),
            (Some(2), Some(1), Some(x), 4) if x.len() == 32 => {
                let odd = match read::get(m, -3) {
                    Some(Value::Bool(b)) => *b,
                    _ => return Err(HolderKeyError::BadCoseKey),
                };
                let mut sec1 = [0u8; 33];
                sec1[0] = if odd { 0x03 } else { 0x02 };
                sec1[1..].copy_from_slice(x);
                Self::p256_from_sec1(&sec1).map(|k| (k, None))
            }
            _ => Err(HolderKeyError::BadCoseKey),
        }
    }

    /// Verifies a holder signature over `message` (strict Ed25519; ES256 raw r‖s, 64 bytes).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            HolderPublicKey::Ed25519(pk) => verify_ed25519_strict(pk, message, signature),
            HolderPublicKey::P256(sec1) => {
                let Ok(vk) = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1) else {
                    return false;
                };
                let Ok(sig) = p256::ecdsa::Signature::from_slice(signature) else {
                    return false;
                };
                vk.verify(message, &sig).is_ok()
            }
        }
    }
}

/// Signs presentation transcripts with the holder's key.
///
/// Implement this to sign inside secure hardware. `sign` receives the transcript
/// bytes (not a hash): Ed25519 signs them directly; ES256 hashes them with
/// SHA-256 and returns the raw 64-byte `r‖s` signature (IEEE P1363 form).
pub trait DeviceSigner: Send + Sync {
    /// The public key matching the private key this signer uses.
    fn public_key(&self) -> HolderPublicKey;
    /// Signs `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError>;
}

/// A software Ed25519 holder key (zeroized on drop).
pub struct Ed25519DeviceSigner {
    key: ed25519_dalek::SigningKey,
}

impl Ed25519DeviceSigner {
    /// A fresh random key.
    pub fn generate() -> Self {
        Ed25519DeviceSigner {
            key: ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng),
        }
    }
    /// A key from a 32-byte seed (demo and test vectors only).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Ed25519DeviceSigner {
            key: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }
    /// The 32-byte seed, for the app to store encrypted (zeroized on drop).
    pub fn to_seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.key.to_bytes())
    }
}

impl DeviceSigner for Ed25519DeviceSigner {
    fn public_key(&self) -> HolderPublicKey {
        HolderPublicKey::Ed25519(self.key.verifying_key().to_bytes())
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

impl fmt::Debug for Ed25519DeviceSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ed25519DeviceSigner {{ public: {:?}, secret: <redacted> }}",
            self.public_key()
        )
    }
}

/// A software P-256 (ES256) holder key — stands in for a hardware key in tests and demos.
pub struct P256DeviceSigner {
    key: p256::ecdsa::SigningKey,
}

impl P256DeviceSigner {
    /// A fresh random key.
    pub fn generate() -> Self {
        P256DeviceSigner {
            key: p256::ecdsa::SigningKey::random(&mut rand_core::OsRng),
        }
    }
    /// A key from a 32-byte scalar (demo and test vectors only).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(|key| P256DeviceSigner { key })
            .map_err(|_| KeyError::BadPrivateKey)
    }
}

impl DeviceSigner for P256DeviceSigner {
    fn public_key(&self) -> HolderPublicKey {
        let point = self.key.verifying_key().to_encoded_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        HolderPublicKey::P256(out)
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        // RFC 6979 deterministic nonces: no RNG needed, reproducible vectors.
        let sig: p256::ecdsa::Signature = self.key.sign(message);
        Ok(sig.to_bytes().to_vec())
    }
}

impl fmt::Debug for P256DeviceSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P256DeviceSigner {{ public: {:?}, secret: <redacted> }}",
            self.public_key()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cose_key_round_trips_for_both_algorithms() {
        for signer in [
            Box::new(Ed25519DeviceSigner::from_seed(&[3; 32])) as Box<dyn DeviceSigner>,
            Box::new(P256DeviceSigner::from_scalar(&[5; 32]).expect("scalar")),
        ] {
            let pk = signer.public_key();
            assert_eq!(
                HolderPublicKey::from_cose_key(&pk.to_cose_key()),
                Ok(pk.clone())
            );
            let sig = signer.sign(b"transcript").expect("sign");
            assert!(pk.verify(b"transcript", &sig));
            assert!(!pk.verify(b"transcript!", &sig));
        }
    }

    #[test]
    fn small_order_ed25519_holder_key_is_rejected() {
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            HolderPublicKey::ed25519(&identity),
            Err(HolderKeyError::InvalidPoint)
        );
    }

    #[test]
    fn es256_signature_of_wrong_length_is_rejected_without_panic() {
        let signer = P256DeviceSigner::from_scalar(&[5; 32]).expect("scalar");
        let pk = signer.public_key();
        assert!(!pk.verify(b"m", &[0u8; 63]));
        assert!(!pk.verify(b"m", &[0u8; 64]));
    }
}
