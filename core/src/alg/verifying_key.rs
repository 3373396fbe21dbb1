//! Decoded public keys, ready to verify: the verification half of the table.

use std::fmt;

use sm2::dsa::signature::Verifier as _;

use super::p256_backend::P256Key;
use super::{PublicKey, PublicKeyError, SignatureAlgorithm, SIGNATURE_LEN, SM2_DEFAULT_USER_ID};

/// A public key decoded and checked once (point decompressed, Ed25519 weak keys
/// refused, SM2 `Z_A` precomputed), so verifying many signatures under it pays
/// for none of that again. Verification backends plug in here.
#[derive(Clone)]
pub struct VerifyingKey {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(P256Key),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.algorithm())
    }
}

impl VerifyingKey {
    /// Decodes and checks `key`.
    pub fn new(key: &PublicKey) -> Result<Self, PublicKeyError> {
        match key {
            PublicKey::Ed25519(k) => Self::ed25519(k),
            PublicKey::P256(k) => P256Key::from_sec1(k)
                .map(|vk| VerifyingKey {
                    inner: Inner::P256(vk),
                })
                .ok_or(PublicKeyError::InvalidPoint),
            PublicKey::Sm2(k) => sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DEFAULT_USER_ID, k)
                .map(|vk| VerifyingKey {
                    inner: Inner::Sm2(Box::new(vk)),
                })
                .map_err(|_| PublicKeyError::InvalidPoint),
        }
    }

    /// A P-256 or SM2 key from its compressed SEC1 bytes, decoded once (the
    /// point is decompressed and checked; for SM2, `Z_A` is computed).
    pub(crate) fn from_compressed(
        algorithm: SignatureAlgorithm,
        sec1: &[u8; 33],
    ) -> Result<Self, PublicKeyError> {
        match algorithm {
            SignatureAlgorithm::Es256 => Self::new(&PublicKey::P256(*sec1)),
            SignatureAlgorithm::Sm2 => Self::new(&PublicKey::Sm2(*sec1)),
            _ => Err(PublicKeyError::InvalidPoint),
        }
    }

    /// An Ed25519 key from its 32 bytes, refusing non-points and small-order (weak) keys.
    pub(crate) fn ed25519(raw: &[u8; 32]) -> Result<Self, PublicKeyError> {
        let vk = ed25519_dalek::VerifyingKey::from_bytes(raw)
            .map_err(|_| PublicKeyError::InvalidPoint)?;
        if vk.is_weak() {
            return Err(PublicKeyError::InvalidPoint);
        }
        Ok(VerifyingKey {
            inner: Inner::Ed25519(vk),
        })
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        match self.inner {
            Inner::Ed25519(_) => SignatureAlgorithm::Ed25519,
            Inner::P256(_) => SignatureAlgorithm::Es256,
            Inner::Sm2(_) => SignatureAlgorithm::Sm2,
        }
    }

    /// The decoded Ed25519 key, when this is one (for batch verification).
    pub(crate) fn as_ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.inner {
            Inner::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// Verifies `signature` over `message`, where `algorithm` is the algorithm
    /// the signed structure names (its COSE header). `false` unless `algorithm`
    /// is this key's algorithm, the signature is 64 bytes in canonical form, and
    /// it verifies:
    ///
    /// - Ed25519: RFC 8032 with `verify_strict` (canonical `S`, no small-order `R`).
    /// - ES256: ECDSA P-256 over SHA-256(`message`), `r‖s` with `0 < r < n`
    ///   and **low S** (`0 < s ≤ n/2`): of the two signatures `(r, s)` and
    ///   `(r, n − s)` that verify, only the low one is accepted, so a
    ///   signature has one encoding (no malleability). The ranges and low S
    ///   are checked here, the signature equation by the build's backend
    ///   ([`P256_BACKEND`](super::P256_BACKEND)).
    /// - SM2: GB/T 32918.2 over SM3(`Z_A ‖ message`), `Z_A` with user id
    ///   [`SM2_DEFAULT_USER_ID`], `r‖s` with `0 < r, s < n`.
    pub fn verify(&self, algorithm: SignatureAlgorithm, message: &[u8], signature: &[u8]) -> bool {
        if algorithm != self.algorithm() || signature.len() != SIGNATURE_LEN {
            return false;
        }
        match &self.inner {
            Inner::Ed25519(vk) => <[u8; 64]>::try_from(signature).is_ok_and(|sig| {
                vk.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
                    .is_ok()
            }),
            Inner::P256(vk) => p256::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| {
                // `from_slice` checks 0 < r, s < n; `normalize_s` is `Some` exactly when `s` is high.
                sig.normalize_s().is_none()
                    && <[u8; 64]>::try_from(signature).is_ok_and(|raw| vk.verify(message, &raw))
            }),
            Inner::Sm2(vk) => sm2::dsa::Signature::from_slice(signature)
                .is_ok_and(|sig| vk.verify(message, &sig).is_ok()),
        }
    }
}
