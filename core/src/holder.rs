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
