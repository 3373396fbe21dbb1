//! Holder keys and device signers.
//!
//! A credential is bound to its holder's public key (CWT `cnf`). When the holder
//! shows it, they sign a transcript with the matching private key. Phones keep
//! such keys in secure hardware (Android Keystore, iOS Secure Enclave), which
//! mostly offers P-256 (some Chinese phones' secure elements hold SM2 keys), so
//! three algorithms are supported: Ed25519 (software), ES256 and SM2. Signing
//! goes through [`DeviceSigner`]; the app can implement it with a hardware key
//! and the private key never enters this library.

use std::fmt;

use ed25519_dalek::Signer as _;
use zeroize::Zeroizing;

pub use crate::alg::{PublicKey, PublicKeyError};
use crate::keys::{KeyError, Sm2Secret};

/// The holder's public key, as carried in the credential's `cnf` claim: a
/// typed [`PublicKey`] of the algorithm table (Ed25519, P-256 or SM2).
pub type HolderPublicKey = PublicKey;

/// Why a holder key is not acceptable (the table's [`PublicKeyError`]).
pub type HolderKeyError = PublicKeyError;

/// Signs presentation transcripts with the holder's key.
///
/// Implement this to sign inside secure hardware. `sign` receives the transcript
/// bytes (not a hash): Ed25519 signs them directly; ES256 hashes them with
/// SHA-256 and returns the raw 64-byte `r‖s` signature (IEEE P1363 form); SM2
/// signs per GB/T 32918.2 (SM3 over `Z_A ‖ transcript`, user id
/// `1234567812345678`) and returns raw `r‖s` too.
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
///
/// How it signs (docs/decisions/0019-es256-signing-with-ring.md):
/// - by default, and always for [`from_scalar_rfc6979`](Self::from_scalar_rfc6979): RustCrypto
///   `p256` with RFC 6979 deterministic nonces (reproducible test vectors; pure Rust, wasm32);
/// - with core's feature `p256-ring` (the FFI library's default), keys from
///   [`generate`](Self::generate) and [`from_scalar`](Self::from_scalar) sign with `ring`'s
///   P-256 (BoringSSL's C and assembly, ≈ 9× faster here), whose nonces are random, hedged
///   with the key and the message digest (ring's `EcdsaKeyPair::sign`): two signatures of the
///   same message differ, both verify.
///
/// Either way the signature is raw `r‖s` with low `s` (FORMAT.md §3). The `p256` key is
/// zeroized on drop; ring keeps its own copy of the scalar, which ring does not zeroize.
pub struct P256DeviceSigner {
    key: p256::ecdsa::SigningKey,
    #[cfg(feature = "p256-ring")]
    fast: Option<RingP256Signer>,
}

/// ring's key pair and the system random source its nonces are drawn from.
#[cfg(feature = "p256-ring")]
struct RingP256Signer {
    pair: ring::signature::EcdsaKeyPair,
    rng: ring::rand::SystemRandom,
}

#[cfg(feature = "p256-ring")]
impl RingP256Signer {
    /// ring's key pair for `key` (ring re-derives the public key from the scalar and checks it).
    fn new(key: &p256::ecdsa::SigningKey) -> Result<Self, KeyError> {
        let rng = ring::rand::SystemRandom::new();
        let scalar = Zeroizing::new(key.to_bytes());
        let public = key.verifying_key().to_encoded_point(false);
        let pair = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &scalar[..],
            public.as_bytes(),
            &rng,
        )
        .map_err(|_| KeyError::BadPrivateKey)?;
        Ok(RingP256Signer { pair, rng })
    }
}

impl P256DeviceSigner {
    /// A fresh random key (signing with ring when the build has `p256-ring`).
    pub fn generate() -> Self {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        Self::with_build_backend(key).unwrap_or_else(P256DeviceSigner::rfc6979)
    }
    /// A key from a 32-byte scalar (demo and tests), signing with ring when the build has
    /// `p256-ring` (random nonces), else with RFC 6979. For reproducible signatures use
    /// [`from_scalar_rfc6979`](Self::from_scalar_rfc6979).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        let key =
            p256::ecdsa::SigningKey::from_slice(scalar).map_err(|_| KeyError::BadPrivateKey)?;
        Ok(Self::with_build_backend(key).unwrap_or_else(P256DeviceSigner::rfc6979))
    }
    /// A key from a 32-byte scalar that always signs with RFC 6979 deterministic nonces
    /// (RustCrypto `p256`), whatever the build: the same message gives the same signature,
    /// as reproducible test vectors need.
    pub fn from_scalar_rfc6979(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(P256DeviceSigner::rfc6979)
            .map_err(|_| KeyError::BadPrivateKey)
    }
    /// Whether this signer's signatures are deterministic (RFC 6979) rather than ring's
    /// randomized ones.
    pub fn is_deterministic(&self) -> bool {
        #[cfg(feature = "p256-ring")]
        {
            self.fast.is_none()
        }
        #[cfg(not(feature = "p256-ring"))]
        {
            true
        }
    }

    fn rfc6979(key: p256::ecdsa::SigningKey) -> Self {
        P256DeviceSigner {
            key,
            #[cfg(feature = "p256-ring")]
            fast: None,
        }
    }

    /// The signer this build prefers for `key` (the key back if ring refuses it).
    #[allow(clippy::unnecessary_wraps, clippy::result_large_err)]
    fn with_build_backend(key: p256::ecdsa::SigningKey) -> Result<Self, p256::ecdsa::SigningKey> {
        #[cfg(feature = "p256-ring")]
        {
            match RingP256Signer::new(&key) {
                Ok(fast) => Ok(P256DeviceSigner {
                    key,
                    fast: Some(fast),
                }),
                Err(_) => Err(key),
            }
        }
        #[cfg(not(feature = "p256-ring"))]
        {
            Ok(P256DeviceSigner::rfc6979(key))
        }
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
        #[cfg(feature = "p256-ring")]
        if let Some(fast) = &self.fast {
            let sig = fast
                .pair
                .sign(&fast.rng, message)
                .map_err(|_| KeyError::SignerFailed("ring ECDSA P-256 signing failed".into()))?;
            let sig = p256::ecdsa::Signature::from_slice(sig.as_ref())
                .map_err(|_| KeyError::SignerFailed("ring returned no r‖s signature".into()))?;
            // Low S, the only form verifiers accept (FORMAT.md §3).
            return Ok(sig.normalize_s().unwrap_or(sig).to_bytes().to_vec());
        }
        // RFC 6979 deterministic nonces: no RNG needed, reproducible vectors.
        let sig: p256::ecdsa::Signature = self.key.sign(message);
        // Low S, the only form verifiers accept (FORMAT.md §3).
        let sig = sig.normalize_s().unwrap_or(sig);
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

/// A software SM2 holder key (国密), zeroized on drop: stands in for an SM2 key
/// in a phone's secure element in tests and demos.
pub struct Sm2DeviceSigner {
    secret: Sm2Secret,
}

impl Sm2DeviceSigner {
    /// A fresh random key.
    pub fn generate() -> Self {
        Sm2DeviceSigner {
            secret: Sm2Secret::generate(),
        }
    }
    /// A key from a 32-byte big-endian scalar in `[1, n-2]` (demo and test vectors only).
    pub fn from_scalar(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        Sm2Secret::from_scalar(scalar).map(|secret| Sm2DeviceSigner { secret })
    }
    /// The 32-byte scalar, for the app to store encrypted (zeroized on drop).
    pub fn to_scalar(&self) -> Zeroizing<[u8; 32]> {
        self.secret.to_scalar()
    }
    /// Imports a PKCS#8 PEM SM2 private key (`openssl genpkey -algorithm SM2`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        Sm2Secret::from_pkcs8_pem(pem).map(|secret| Sm2DeviceSigner { secret })
    }
    /// Exports the private key as PKCS#8 PEM (zeroizes on drop).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.secret.to_pkcs8_pem()
    }
}

impl DeviceSigner for Sm2DeviceSigner {
    fn public_key(&self) -> HolderPublicKey {
        self.secret.public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.secret.sign(message).map(|s| s.to_vec())
    }
}

impl fmt::Debug for Sm2DeviceSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Sm2DeviceSigner {{ public: {:?}, secret: <redacted> }}",
            self.public_key()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cose_key_round_trips_for_every_algorithm() {
        for signer in [
            Box::new(Ed25519DeviceSigner::from_seed(&[3; 32])) as Box<dyn DeviceSigner>,
            Box::new(P256DeviceSigner::from_scalar(&[5; 32]).expect("scalar")),
            Box::new(Sm2DeviceSigner::from_scalar(&[6; 32]).expect("scalar")),
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
    fn ecdsa_and_sm2_signatures_of_wrong_length_or_zero_are_rejected_without_panic() {
        for pk in [
            P256DeviceSigner::from_scalar(&[5; 32])
                .expect("scalar")
                .public_key(),
            Sm2DeviceSigner::from_scalar(&[5; 32])
                .expect("scalar")
                .public_key(),
        ] {
            assert!(!pk.verify(b"m", &[0u8; 63]));
            assert!(!pk.verify(b"m", &[0u8; 64]));
            assert!(!pk.verify(b"m", &[0xffu8; 64]), "r, s >= n");
        }
    }

    #[test]
    fn sm2_holder_debug_is_redacted() {
        let s = Sm2DeviceSigner::from_scalar(&[9; 32]).expect("scalar");
        let shown = format!("{s:?}");
        assert!(shown.contains("redacted") && !shown.contains("0909"));
    }
}
