//! Salted disclosures and their digests.
//!
//! A credential commits to each field as `H(disclosure)[..16]`, where `H` is the
//! digest of the credential's suite (SHA-256, or SM3 under SM2), and the
//! disclosure is the deterministic CBOR array `[salt, field id, value]` with a
//! fresh random 16-byte salt per field. Showing a field means handing over its
//! disclosure bytes; the verifier hashes them *as received* and looks the digest
//! up in the signed list. Without the salt, a digest reveals nothing about the
//! value, not even for low-entropy fields such as 性别.

use crate::alg::DigestAlgorithm;
use crate::cbor::{self, read, CborError};
use ciborium::value::Value;
use rand_core::{CryptoRng, RngCore};

/// Salt length in bytes (128 bits).
pub const SALT_LEN: usize = 16;
/// Digest length in bytes: the suite digest truncated to 128 bits (see docs/decisions/digest-length.md).
pub const DIGEST_LEN: usize = 16;
/// Largest disclosure accepted (a business scope of 1,024 Chinese characters fits).
pub const MAX_DISCLOSURE_LEN: usize = 4096;

/// A truncated (SHA-256 or SM3) digest of a disclosure.
pub type DisclosureDigest = [u8; DIGEST_LEN];

/// A parsed disclosure.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// The exact bytes (hashed as received).
    pub bytes: Vec<u8>,
    /// The salt.
    pub salt: [u8; SALT_LEN],
    /// The field id.
    pub field_id: u32,
    /// The value, still as CBOR (decoded against the field kind by the verifier).
    pub value: Value,
}

/// The digest of some disclosure bytes under the credential's suite digest.
pub fn digest(alg: DigestAlgorithm, bytes: &[u8]) -> DisclosureDigest {
    let full = alg.digest(bytes);
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(&full[..DIGEST_LEN]);
    out
}

impl Disclosure {
    /// Makes a disclosure with a fresh salt from `rng`.
    pub fn new(field_id: u32, value: Value, rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut salt = [0u8; SALT_LEN];
        rng.fill_bytes(&mut salt);
        let bytes = cbor::encode(&Value::Array(vec![
            Value::Bytes(salt.to_vec()),
            read::u(u64::from(field_id)),
            value.clone(),
        ]));
        Disclosure {
            bytes,
            salt,
            field_id,
            value,
        }
    }

    /// Parses disclosure bytes (deterministic CBOR `[bstr .size 16, uint, any]`).
    pub fn parse(bytes: &[u8]) -> Result<Self, CborError> {
        let Value::Array(items) = cbor::decode_strict(bytes, MAX_DISCLOSURE_LEN)? else {
            return Err(CborError::Malformed);
        };
        // Taken apart by value: the field value moves out, uncopied.
        let Ok([salt, id, value]) = <[Value; 3]>::try_from(items) else {
            return Err(CborError::Malformed);
        };
        let salt: [u8; SALT_LEN] = read::bytes(&salt)
            .and_then(|s| s.try_into().ok())
            .ok_or(CborError::Malformed)?;
        let field_id = read::uint(&id)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or(CborError::Malformed)?;
        Ok(Disclosure {
            bytes: bytes.to_vec(),
            salt,
            field_id,
            value,
        })
    }

    /// This disclosure's digest under `alg` (the credential's suite digest).
    pub fn digest(&self, alg: DigestAlgorithm) -> DisclosureDigest {
        digest(alg, &self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest as _, Sha256};

    #[test]
    fn disclosure_round_trips_and_digest_is_truncated_sha256() {
        let mut rng = rand_core::OsRng;
        let d = Disclosure::new(3, Value::Text("张三".into()), &mut rng);
        let back = Disclosure::parse(&d.bytes).expect("parse");
        assert_eq!(back, d);
        assert_eq!(
            d.digest(DigestAlgorithm::Sha256)[..],
            Sha256::digest(&d.bytes)[..16]
        );
        assert_eq!(
            d.digest(DigestAlgorithm::Sm3)[..],
            DigestAlgorithm::Sm3.digest(&d.bytes)[..16]
        );
    }

    #[test]
    fn short_salt_is_rejected() {
        let bytes = cbor::encode(&Value::Array(vec![
            Value::Bytes(vec![0; 8]),
            read::u(3),
            Value::Text("x".into()),
        ]));
        assert!(Disclosure::parse(&bytes).is_err());
    }
}
