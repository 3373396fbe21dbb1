//! Issuer keys: Ed25519 signing keys, key ids, PEM import/export.
//!
//! An issuing authority signs with Ed25519 (COSE alg EdDSA, -8). The private key
//! may live in memory ([`IssuerKey`], zeroized on drop, never printed) or in an
//! HSM behind the [`IssuerSigner`] trait. A key is named on the wire by its
//! [`KeyId`]: the first 8 bytes of SHA-256 over the raw 32-byte public key.

use std::borrow::Cow;
use std::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::lang::Localized;

/// Length of a key id in bytes.
pub const KEY_ID_LEN: usize = 8;

/// Short identifier of a public key: SHA-256(raw public key)\[..8\].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl KeyId {
    /// The key id of a raw public key (32 bytes for Ed25519, SEC1 for P-256).
    pub fn of_public_key(raw: &[u8]) -> Self {
        let digest = Sha256::digest(raw);
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        KeyId(id)
    }

    /// Reads a key id from bytes (must be exactly 8).
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; KEY_ID_LEN]>::try_from(bytes).ok().map(KeyId)
    }

    /// Lowercase hex form.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses the lowercase or uppercase hex form.
    pub fn from_hex(s: &str) -> Option<Self> {
        if s.len() != KEY_ID_LEN * 2 || !s.is_ascii() {
            return None;
        }
        let mut id = [0u8; KEY_ID_LEN];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            let hex = std::str::from_utf8(chunk).ok()?;
            id[i] = u8::from_str_radix(hex, 16).ok()?;
        }
        Some(KeyId(id))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Errors with keys: import, export, signing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM/PKCS#8 text is not an Ed25519 private key.
    BadPrivateKey,
    /// The public key bytes or PEM are not a valid key.
    BadPublicKey,
    /// The signer (HSM, secure element, app callback) failed.
    SignerFailed(String),
}

impl Localized for KeyError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            KeyError::BadPrivateKey => "私钥无效（需要 PKCS#8 格式的 Ed25519 私钥）".into(),
            KeyError::BadPublicKey => "公钥无效".into(),
            KeyError::SignerFailed(_) => "签名设备签名失败".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            KeyError::BadPrivateKey => "invalid private key (expected a PKCS#8 Ed25519 key)".into(),
            KeyError::BadPublicKey => "invalid public key".into(),
            KeyError::SignerFailed(why) => format!("the signer failed: {why}").into(),
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for KeyError {}

/// Something that signs as an issuer (in memory, or in an HSM).
pub trait IssuerSigner: Send + Sync {
    /// The raw 32-byte Ed25519 public key.
    fn public_key(&self) -> [u8; 32];
    /// Signs `message` with Ed25519 and returns the 64-byte signature.
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError>;
    /// The key id derived from the public key.
    fn key_id(&self) -> KeyId {
        KeyId::of_public_key(&self.public_key())
    }
}

/// An Ed25519 issuer key held in memory. Zeroized on drop; `Debug` shows only the key id.
pub struct IssuerKey {
    key: SigningKey,
}

impl IssuerKey {
    /// Generates a fresh key from the operating system's random source.
    pub fn generate() -> Self {
        IssuerKey {
            key: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// A key from a 32-byte seed (for demo keys and test vectors only).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        IssuerKey {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Imports a PKCS#8 PEM private key, as written by `openssl genpkey -algorithm ed25519`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(|key| IssuerKey { key })
            .map_err(|_| KeyError::BadPrivateKey)
    }

    /// Exports the private key as PKCS#8 v1 PEM, the form `openssl genpkey` writes
    /// and OpenSSL 3 reads (the returned string zeroizes on drop).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        // v1 (no embedded public key): OpenSSL 3.0 refuses ed25519-dalek's default v2 form.
        let keypair = ed25519_dalek::pkcs8::KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        };
        keypair
            .to_pkcs8_pem(Default::default())
            .map_err(|_| KeyError::BadPrivateKey)
    }

    /// The public key as SubjectPublicKeyInfo PEM (as `openssl pkey -pubout` writes).
    pub fn public_key_pem(&self) -> String {
        self.key
            .verifying_key()
            .to_public_key_pem(Default::default())
            .unwrap_or_default()
    }

    /// The verifying (public) key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }
}

impl IssuerSigner for IssuerKey {
    fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        Ok(self.key.sign(message).to_bytes())
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IssuerKey {{ kid: {}, secret: <redacted> }}",
            self.key_id()
        )
    }
}

/// Parses an Ed25519 public key from SubjectPublicKeyInfo PEM.
pub fn public_key_from_pem(pem: &str) -> Result<[u8; 32], KeyError> {
    VerifyingKey::from_public_key_pem(pem)
        .map(|k| k.to_bytes())
        .map_err(|_| KeyError::BadPublicKey)
}

/// Strict Ed25519 verification (`verify_strict`: rejects small-order keys and
/// R points, and non-canonical encodings).
pub fn verify_ed25519_strict(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(pk) = <[u8; 32]>::try_from(public_key) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    if vk.is_weak() {
        return false;
    }
    vk.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = IssuerKey::from_seed(&[7u8; 32]);
        let shown = format!("{key:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("0707"));
        assert!(shown.contains(&key.key_id().to_hex()));
    }

    #[test]
    fn pem_round_trip_keeps_the_key() {
        let key = IssuerKey::from_seed(&[9u8; 32]);
        let pem = key.to_pkcs8_pem().expect("export");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let back = IssuerKey::from_pkcs8_pem(&pem).expect("import");
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(
            public_key_from_pem(&key.public_key_pem()),
            Ok(key.public_key())
        );
    }

    #[test]
    fn key_id_is_sha256_prefix_of_public_key() {
        let key = IssuerKey::from_seed(&[1u8; 32]);
        let digest = Sha256::digest(key.public_key());
        assert_eq!(key.key_id().0, digest[..8]);
        assert_eq!(KeyId::from_hex(&key.key_id().to_hex()), Some(key.key_id()));
    }

    #[test]
    fn garbage_pem_is_a_typed_error() {
        assert_eq!(
            IssuerKey::from_pkcs8_pem(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            )
            .err(),
            Some(KeyError::BadPrivateKey)
        );
    }
}
