//! Issuer keys: the [`IssuerSigner`] trait, software keys for every algorithm
//! of the table, key ids, PEM import/export.
//!
//! An issuing authority signs credentials, status lists, trust lists and
//! requests through [`IssuerSigner`], whatever holds the private key: memory
//! ([`IssuerKey`] for Ed25519, [`P256IssuerKey`], [`Sm2IssuerKey`], or
//! [`SoftwareIssuerKey`] when the algorithm is only known at run time; all
//! zeroized on drop and never printed) or a PKCS#11 HSM implemented outside
//! core. The signer's algorithm picks the suite of everything it signs (see
//! [`crate::alg`]). A key is named on the wire by its [`KeyId`]: the first 8
//! bytes of the suite's digest (SHA-256, or SM3 for SM2) over the canonical
//! public key bytes ([`PublicKey::key_id`]).
//!
//! ## Implementing an HSM signer
//!
//! ```
//! use liangzheng::alg::{PublicKey, SignatureAlgorithm};
//! use liangzheng::keys::{IssuerSigner, KeyError};
//!
//! /// A P-256 key inside a PKCS#11 token (the session is elided here).
//! struct HsmKey { public: PublicKey /* , session, object handle … */ }
//!
//! impl IssuerSigner for HsmKey {
//!     fn public_key(&self) -> PublicKey { self.public.clone() }
//!     fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
//!         // CKM_ECDSA_SHA256 over `message` returns r‖s (2 × 32 bytes), exactly
//!         // the form expected; for CKM_ECDSA hash the message with SHA-256 first.
//!         Err(KeyError::SignerFailed("token not connected in this example".into()))
//!     }
//! }
//! let hsm = HsmKey { public: PublicKey::p256_from_sec1(&[0x03, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42,
//!     0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
//!     0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96]).unwrap() };
//! assert_eq!(hsm.algorithm(), SignatureAlgorithm::Es256);
//! ```

use std::borrow::Cow;
use std::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::alg::{PublicKey, SignatureAlgorithm, SM2_DEFAULT_USER_ID};
use crate::lang::Localized;

/// Length of a key id in bytes.
pub const KEY_ID_LEN: usize = 8;

/// Short identifier of a public key: the suite digest of its canonical bytes, first 8 bytes
/// (see [`PublicKey::key_id`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl KeyId {
    /// SHA-256 of `raw`, first 8 bytes: the key id of an Ed25519 or P-256 key's
    /// canonical bytes. For a typed key of any algorithm use [`PublicKey::key_id`]
    /// (SM2 key ids use SM3).
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
    /// The PEM/PKCS#8 text is not a private key of a supported algorithm.
    BadPrivateKey,
    /// The public key bytes or PEM are not a valid key.
    BadPublicKey,
    /// The signer (HSM, secure element, app callback) failed.
    SignerFailed(String),
}

impl Localized for KeyError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            KeyError::BadPrivateKey => {
                "私钥无效（需要 PKCS#8 格式的 Ed25519、P-256 或 SM2 私钥）".into()
            }
            KeyError::BadPublicKey => "公钥无效".into(),
            KeyError::SignerFailed(_) => "签名设备签名失败".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            KeyError::BadPrivateKey => {
                "invalid private key (expected a PKCS#8 Ed25519, P-256 or SM2 key)".into()
            }
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

/// Something that signs as an issuer: in memory, or in an HSM.
///
/// Everything that builds a signed structure (credentials, status lists, trust
/// lists, requests) takes a `&dyn IssuerSigner` and never learns where the key
/// lives. The signer's [`algorithm`](Self::algorithm) goes into the COSE
/// protected header and picks the suite (digest) of the structure.
pub trait IssuerSigner: Send + Sync {
    /// The public key matching the private key this signer uses.
    fn public_key(&self) -> PublicKey;
    /// The signature algorithm (by default, the public key's).
    fn algorithm(&self) -> SignatureAlgorithm {
        self.public_key().algorithm()
    }
    /// Signs `message` (the full COSE Sig_structure, not a hash) and returns the
    /// raw 64-byte signature: Ed25519 `R‖S`; for ES256 ECDSA P-256 over
    /// SHA-256(`message`) as `r‖s` (IEEE P1363, 2 × 32 bytes big-endian); for SM2
    /// the GB/T 32918.2 signature over SM3(`Z_A ‖ message`) with user id
    /// [`SM2_DEFAULT_USER_ID`], as `r‖s`.
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError>;
    /// The key id (by default derived from the public key; see [`PublicKey::key_id`]).
    fn key_id(&self) -> KeyId {
        self.public_key().key_id()
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
        self.public_key().to_spki_pem().unwrap_or_default()
    }

    /// The verifying (public) key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The raw 32-byte public key.
    pub fn public_key_bytes(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
}

impl IssuerSigner for IssuerKey {
    fn public_key(&self) -> PublicKey {
        PublicKey::Ed25519(self.key.verifying_key().to_bytes())
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Ed25519
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

/// A P-256 (ES256) issuer key held in memory (`p256` zeroizes it on drop).
///
/// Signatures are deterministic (RFC 6979). For keys in an HSM implement
/// [`IssuerSigner`] instead (see the module docs).
pub struct P256IssuerKey {
    key: p256::ecdsa::SigningKey,
}

impl P256IssuerKey {
    /// Generates a fresh key from the operating system's random source.
    pub fn generate() -> Self {
        P256IssuerKey {
            key: p256::ecdsa::SigningKey::random(&mut rand_core::OsRng),
        }
    }

    /// A key from a 32-byte big-endian scalar (demo keys and test vectors only).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(|key| P256IssuerKey { key })
            .map_err(|_| KeyError::BadPrivateKey)
    }

    /// Imports a PKCS#8 PEM private key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        p256::ecdsa::SigningKey::from_pkcs8_pem(pem)
            .map(|key| P256IssuerKey { key })
            .map_err(|_| KeyError::BadPrivateKey)
    }

    /// Exports the private key as PKCS#8 PEM (zeroizes on drop).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.key
            .to_pkcs8_pem(Default::default())
            .map_err(|_| KeyError::BadPrivateKey)
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    pub fn public_key_pem(&self) -> String {
        self.public_key().to_spki_pem().unwrap_or_default()
    }
}

impl IssuerSigner for P256IssuerKey {
    fn public_key(&self) -> PublicKey {
        let point = self.key.verifying_key().to_encoded_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        PublicKey::P256(out)
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Es256
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        let sig: p256::ecdsa::Signature = self.key.sign(message);
        // Low S, the only form verifiers accept (FORMAT.md §3).
        let sig = sig.normalize_s().unwrap_or(sig);
        Ok(sig.to_bytes().into())
    }
}

impl fmt::Debug for P256IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P256IssuerKey {{ kid: {}, secret: <redacted> }}",
            self.key_id()
        )
    }
}

/// An SM2 signing key in memory, shared by [`Sm2IssuerKey`] and the holder's
/// `Sm2DeviceSigner`: GB/T 32918.2 signatures with user id [`SM2_DEFAULT_USER_ID`],
/// deterministic nonces (RFC 6979 over SM3).
pub(crate) struct Sm2Secret {
    key: sm2::dsa::SigningKey,
}

impl Sm2Secret {
    pub(crate) fn generate() -> Self {
        let secret = sm2::SecretKey::random(&mut rand_core::OsRng);
        // A random scalar in [1, n-1] always makes a key.
        Self::from_secret(&secret).unwrap_or_else(|_| Self::generate())
    }

    fn from_secret(secret: &sm2::SecretKey) -> Result<Self, KeyError> {
        sm2::dsa::SigningKey::new(SM2_DEFAULT_USER_ID, secret)
            .map(|key| Sm2Secret { key })
            .map_err(|_| KeyError::BadPrivateKey)
    }

    pub(crate) fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        let secret = sm2::SecretKey::from_slice(scalar).map_err(|_| KeyError::BadPrivateKey)?;
        Self::from_secret(&secret)
    }

    pub(crate) fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        use sm2::pkcs8::DecodePrivateKey as _;
        let secret = sm2::SecretKey::from_pkcs8_pem(pem).map_err(|_| KeyError::BadPrivateKey)?;
        Self::from_secret(&secret)
    }

    pub(crate) fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        use sm2::pkcs8::EncodePrivateKey as _;
        let scalar = Zeroizing::new(self.key.to_bytes());
        let secret = sm2::SecretKey::from_bytes(&scalar).map_err(|_| KeyError::BadPrivateKey)?;
        secret
            .to_pkcs8_pem(Default::default())
            .map_err(|_| KeyError::BadPrivateKey)
    }

    pub(crate) fn to_scalar(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.key.to_bytes().into())
    }

    pub(crate) fn public_key(&self) -> PublicKey {
        use sm2::elliptic_curve::sec1::ToEncodedPoint as _;
        let point = self.key.verifying_key().to_encoded_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        PublicKey::Sm2(out)
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        use sm2::dsa::signature::Signer as _;
        let sig: sm2::dsa::Signature = self
            .key
            .try_sign(message)
            .map_err(|_| KeyError::SignerFailed("SM2 signing failed".into()))?;
        Ok(sig.to_bytes())
    }
}

impl Drop for Sm2Secret {
    fn drop(&mut self) {
        // sm2 0.13's SigningKey does not zeroize itself: overwrite its scalar in
        // place with 1 (a public value) and keep the store from being elided.
        if let Ok(one) = sm2::dsa::SigningKey::from_nonzero_scalar(
            SM2_DEFAULT_USER_ID,
            sm2::NonZeroScalar::new(sm2::Scalar::ONE).unwrap_or(*self.key.as_nonzero_scalar()),
        ) {
            self.key = one;
        }
        std::hint::black_box(&self.key);
    }
}

/// An SM2 issuer key held in memory (国密 suite: SM2 signatures, SM3 digests).
///
/// PKCS#8 PEM import/export interoperates with OpenSSL 3 (`openssl genpkey
/// -algorithm SM2`); public keys export as SubjectPublicKeyInfo. The secret is
/// wiped on drop; `Debug` shows only the key id. Backed by RustCrypto's `sm2`
/// crate, which states it has never been independently audited.
pub struct Sm2IssuerKey {
    secret: Sm2Secret,
}

impl Sm2IssuerKey {
    /// Generates a fresh key from the operating system's random source.
    pub fn generate() -> Self {
        Sm2IssuerKey {
            secret: Sm2Secret::generate(),
        }
    }

    /// A key from a 32-byte big-endian scalar in `[1, n-2]` (demo keys and test vectors only).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        Sm2Secret::from_scalar(scalar).map(|secret| Sm2IssuerKey { secret })
    }

    /// Imports a PKCS#8 PEM private key, as written by `openssl genpkey -algorithm SM2`.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        Sm2Secret::from_pkcs8_pem(pem).map(|secret| Sm2IssuerKey { secret })
    }

    /// Exports the private key as PKCS#8 PEM, readable by OpenSSL 3 (zeroizes on drop).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.secret.to_pkcs8_pem()
    }

    /// The public key as SubjectPublicKeyInfo PEM (as `openssl pkey -pubout` writes).
    pub fn public_key_pem(&self) -> String {
        self.public_key().to_spki_pem().unwrap_or_default()
    }
}

impl IssuerSigner for Sm2IssuerKey {
    fn public_key(&self) -> PublicKey {
        self.secret.public_key()
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Sm2
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        self.secret.sign(message)
    }
}

impl fmt::Debug for Sm2IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Sm2IssuerKey {{ kid: {}, secret: <redacted> }}",
            self.key_id()
        )
    }
}

/// A software issuer key of whichever algorithm a PEM file holds.
#[derive(Debug)]
#[non_exhaustive]
pub enum SoftwareIssuerKey {
    /// Ed25519.
    Ed25519(IssuerKey),
    /// P-256 (ES256).
    P256(P256IssuerKey),
    /// SM2.
    Sm2(Sm2IssuerKey),
}

impl SoftwareIssuerKey {
    /// Generates a fresh key of `algorithm`.
    pub fn generate(algorithm: SignatureAlgorithm) -> Self {
        match algorithm {
            SignatureAlgorithm::Ed25519 => SoftwareIssuerKey::Ed25519(IssuerKey::generate()),
            SignatureAlgorithm::Es256 => SoftwareIssuerKey::P256(P256IssuerKey::generate()),
            SignatureAlgorithm::Sm2 => SoftwareIssuerKey::Sm2(Sm2IssuerKey::generate()),
        }
    }

    /// Imports a PKCS#8 PEM private key of any algorithm of the table.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        if let Ok(k) = IssuerKey::from_pkcs8_pem(pem) {
            return Ok(SoftwareIssuerKey::Ed25519(k));
        }
        if let Ok(k) = P256IssuerKey::from_pkcs8_pem(pem) {
            return Ok(SoftwareIssuerKey::P256(k));
        }
        Sm2IssuerKey::from_pkcs8_pem(pem).map(SoftwareIssuerKey::Sm2)
    }

    /// Exports the private key as PKCS#8 PEM that OpenSSL 3 reads (zeroizes on drop).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        match self {
            SoftwareIssuerKey::Ed25519(k) => k.to_pkcs8_pem(),
            SoftwareIssuerKey::P256(k) => k.to_pkcs8_pem(),
            SoftwareIssuerKey::Sm2(k) => k.to_pkcs8_pem(),
        }
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    pub fn public_key_pem(&self) -> String {
        self.public_key().to_spki_pem().unwrap_or_default()
    }

    fn signer(&self) -> &dyn IssuerSigner {
        match self {
            SoftwareIssuerKey::Ed25519(k) => k,
            SoftwareIssuerKey::P256(k) => k,
            SoftwareIssuerKey::Sm2(k) => k,
        }
    }
}

impl IssuerSigner for SoftwareIssuerKey {
    fn public_key(&self) -> PublicKey {
        self.signer().public_key()
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        self.signer().algorithm()
    }
    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        self.signer().sign(message)
    }
}

/// Parses a SubjectPublicKeyInfo PEM public key of any algorithm of the table.
pub fn public_key_from_pem(pem: &str) -> Result<PublicKey, KeyError> {
    PublicKey::from_spki_pem(pem).map_err(|_| KeyError::BadPublicKey)
}

/// Strict Ed25519 verification (`verify_strict`: rejects small-order keys and
/// R points, and non-canonical encodings).
pub fn verify_ed25519_strict(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(pk) = <[u8; 32]>::try_from(public_key) else {
        return false;
    };
    PublicKey::ed25519(&pk).is_ok_and(|k| k.verify(message, signature))
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
    fn every_software_key_round_trips_pem_signs_and_hides_its_secret() {
        for alg in SignatureAlgorithm::ALL {
            let key = SoftwareIssuerKey::generate(alg);
            assert_eq!(key.algorithm(), alg);
            assert_eq!(key.public_key().algorithm(), alg);
            let pem = key.to_pkcs8_pem().expect("export");
            let back = SoftwareIssuerKey::from_pkcs8_pem(&pem).expect("import");
            assert_eq!(back.public_key(), key.public_key());
            assert_eq!(
                public_key_from_pem(&key.public_key_pem()),
                Ok(key.public_key())
            );
            let sig = key.sign(b"message").expect("sign");
            assert!(key.public_key().verify(b"message", &sig));
            assert!(!key.public_key().verify(b"messagf", &sig));
            let shown = format!("{key:?}");
            assert!(shown.contains("redacted"), "{shown}");
            assert!(shown.contains(&key.key_id().to_hex()), "{shown}");
        }
    }

    #[test]
    fn sm2_signatures_are_deterministic_and_sm2_key_ids_use_sm3() {
        let key = Sm2IssuerKey::from_scalar(&[0x11; 32]).expect("scalar");
        assert_eq!(key.sign(b"m").expect("sign"), key.sign(b"m").expect("sign"));
        let pk = key.public_key();
        assert_eq!(
            key.key_id().0,
            crate::alg::DigestAlgorithm::Sm3.digest(pk.as_bytes())[..8]
        );
        assert!(Sm2IssuerKey::from_scalar(&[0; 32]).is_err());
    }

    #[test]
    fn key_id_is_sha256_prefix_of_public_key() {
        let key = IssuerKey::from_seed(&[1u8; 32]);
        let digest = Sha256::digest(key.public_key_bytes());
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
