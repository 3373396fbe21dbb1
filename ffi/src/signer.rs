//! Holder keys and the device-signer callback.
//!
//! Phones keep holder keys in secure hardware (Android Keystore, iOS Secure
//! Enclave) that only does P-256. The app implements [`DeviceSigner`] in Kotlin
//! or Swift; the wallet calls it with the presentation transcript and gets a
//! signature back, so the private key never enters Rust. Platforms hand out
//! keys and signatures in their own encodings, so this module accepts them as
//! they come and converts them once, here:
//!
//! | what | accepted | converted to |
//! |---|---|---|
//! | ES256 public key | SEC1 (33 or 65 bytes) or X.509 SubjectPublicKeyInfo DER (Java `PublicKey.getEncoded()`, iOS after adding the SPKI prefix) | compressed SEC1 |
//! | ES256 signature | ASN.1 DER (`Signature("SHA256withECDSA")`, `SecKeyCreateSignature(.ecdsaSignatureMessageX962SHA256)`) or raw 64-byte `r‖s` | raw `r‖s`, low-S |
//! | SM2 public key | SEC1 (33 or 65 bytes) or SubjectPublicKeyInfo DER (`id-ecPublicKey` + SM2 curve, as OpenSSL and key stores export it) | compressed SEC1 |
//! | SM2 signature | ASN.1 DER (secure elements, GM/T 0009, OpenSSL) or raw 64-byte `r‖s` | raw `r‖s`, `0 < r, s < n` |
//! | Ed25519 public key / signature | raw 32 / 64 bytes | unchanged |

// The signer adapter is the wallet's; a verifier-only build compiles it but never calls it.
#![cfg_attr(not(feature = "holder"), allow(dead_code))]

use std::sync::Arc;

use liangzheng::holder::HolderPublicKey;
use liangzheng::keys::KeyError;
use p256::pkcs8::DecodePublicKey as _;

use crate::LzError;

/// Signature algorithm of a holder key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HolderKeyAlgorithm {
    /// Ed25519 (COSE EdDSA): software keys.
    Ed25519,
    /// ECDSA P-256 with SHA-256 (COSE ES256): Android Keystore, iOS Secure Enclave.
    Es256,
    /// SM2 with SM3 (国密, GB/T 32918.2, user id `1234567812345678`): some phones' secure elements.
    Sm2,
}

/// A holder's public key, as the app has it.
///
/// For [`HolderKeyAlgorithm::Ed25519`], the raw 32 bytes. For
/// [`HolderKeyAlgorithm::Es256`] and [`HolderKeyAlgorithm::Sm2`], SEC1
/// (compressed 33 or uncompressed 65 bytes) or SubjectPublicKeyInfo DER. Keys returned by this library are always in
/// their shortest form (raw Ed25519, compressed SEC1).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HolderKey {
    /// The algorithm.
    pub algorithm: HolderKeyAlgorithm,
    /// The public key bytes.
    pub public_key: Vec<u8>,
}

impl HolderKey {
    /// Converts to the core type, validating the point.
    pub(crate) fn to_core(&self) -> Result<HolderPublicKey, LzError> {
        match self.algorithm {
            HolderKeyAlgorithm::Ed25519 => Ok(HolderPublicKey::ed25519(&self.public_key)?),
            HolderKeyAlgorithm::Es256 if self.public_key.first() == Some(&0x30) => {
                let key = p256::PublicKey::from_public_key_der(&self.public_key).map_err(|_| {
                    LzError::invalid_input(
                        "bad_holder_key",
                        "持证人公钥不是有效的 P-256 SubjectPublicKeyInfo",
                        "holder key is not a valid P-256 SubjectPublicKeyInfo",
                    )
                })?;
                let sec1 = p256::EncodedPoint::from(key);
                Ok(HolderPublicKey::p256_from_sec1(sec1.as_bytes())?)
            }
            HolderKeyAlgorithm::Es256 => Ok(HolderPublicKey::p256_from_sec1(&self.public_key)?),
            HolderKeyAlgorithm::Sm2 if self.public_key.first() == Some(&0x30) => {
                match HolderPublicKey::from_spki_der(&self.public_key) {
                    Ok(k @ HolderPublicKey::Sm2(_)) => Ok(k),
                    _ => Err(LzError::invalid_input(
                        "bad_holder_key",
                        "持证人公钥不是有效的 SM2 SubjectPublicKeyInfo",
                        "holder key is not a valid SM2 SubjectPublicKeyInfo",
                    )),
                }
            }
            HolderKeyAlgorithm::Sm2 => Ok(HolderPublicKey::sm2_from_sec1(&self.public_key)?),
        }
    }

    /// Converts from the core type.
    pub(crate) fn from_core(key: &HolderPublicKey) -> Self {
        match key {
            HolderPublicKey::Ed25519(k) => HolderKey {
                algorithm: HolderKeyAlgorithm::Ed25519,
                public_key: k.to_vec(),
            },
            HolderPublicKey::P256(k) => HolderKey {
                algorithm: HolderKeyAlgorithm::Es256,
                public_key: k.to_vec(),
            },
            HolderPublicKey::Sm2(k) => HolderKey {
                algorithm: HolderKeyAlgorithm::Sm2,
                public_key: k.to_vec(),
            },
        }
    }
}

/// Signs presentation transcripts with the holder's key, implemented by the app.
///
/// `sign` receives the transcript bytes, *not* a hash: an ES256 signer hashes
/// them with SHA-256 itself, as `Signature.getInstance("SHA256withECDSA")` on
/// Android and `.ecdsaSignatureMessageX962SHA256` on iOS do, and may return the
/// signature DER-encoded (as those APIs do) or as raw 64-byte `r‖s`. An SM2
/// signer computes `e = SM3(Z_A ‖ message)` itself with the default user id
/// `1234567812345678` (GB/T 32918.2, as secure elements and OpenSSL do) and returns
/// DER or raw `r‖s`. An Ed25519 signer returns the 64-byte signature. To refuse (the user cancelled the
/// biometric prompt, the key was invalidated …) throw [`LzError::Signer`].
#[uniffi::export(with_foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The public key of the signing key. Called once, when the wallet is made.
    fn public_key(&self) -> Result<HolderKey, LzError>;
    /// Signs `message` (the presentation transcript).
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, LzError>;
}

/// The app's signer seen through core's signer trait: the key is read once and
/// validated, and each signature is normalised to what core verifies.
pub(crate) struct ForeignSigner {
    app: Arc<dyn DeviceSigner>,
    key: HolderPublicKey,
}

impl ForeignSigner {
    /// Reads and validates the app signer's public key.
    pub(crate) fn new(app: Arc<dyn DeviceSigner>) -> Result<Self, LzError> {
        let key = app.public_key()?.to_core()?;
        Ok(ForeignSigner { app, key })
    }
}

impl liangzheng::holder::DeviceSigner for ForeignSigner {
    fn public_key(&self) -> HolderPublicKey {
        self.key.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let signature = self
            .app
            .sign(message.to_vec())
            .map_err(|e| KeyError::SignerFailed(format!("[{}] {}", e.code(), e.message_en())))?;
        match self.key {
            HolderPublicKey::Ed25519(_) if signature.len() == 64 => Ok(signature),
            HolderPublicKey::Ed25519(_) => Err(KeyError::SignerFailed(format!(
                "an Ed25519 signature is 64 bytes, the signer returned {}",
                signature.len()
            ))),
            HolderPublicKey::P256(_) => es256_raw(&signature),
            HolderPublicKey::Sm2(_) => sm2_raw(&signature),
        }
    }
}

/// An SM2 signature as raw `r‖s`, from ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` (what
/// secure elements, GM/T 0009 and OpenSSL return) or raw 64-byte input; `r` and `s` must be
/// in `[1, n−1]`. SM2 has no `s ↔ n − s` twin, so there is nothing to normalise.
pub(crate) fn sm2_raw(signature: &[u8]) -> Result<Vec<u8>, KeyError> {
    let not_sm2 = || {
        KeyError::SignerFailed(format!(
            "not an SM2 signature (DER or 64-byte r‖s with 0 < r, s < n), {} bytes",
            signature.len()
        ))
    };
    let raw: [u8; 64] = if signature.len() == 64 {
        signature.try_into().map_err(|_| not_sm2())?
    } else {
        ecdsa::Signature::<sm2::Sm2>::from_der(signature)
            .map_err(|_| not_sm2())?
            .to_bytes()
            .into()
    };
    // The range check of GB/T 32918.2 §7.1 B1–B2.
    let parsed = sm2::dsa::Signature::from_bytes(&raw).map_err(|_| not_sm2())?;
    Ok(parsed.to_bytes().to_vec())
}

/// An ES256 signature as raw `r‖s` with low S, from DER or raw input.
pub(crate) fn es256_raw(signature: &[u8]) -> Result<Vec<u8>, KeyError> {
    let parsed = if signature.len() == 64 {
        p256::ecdsa::Signature::from_slice(signature)
    } else {
        p256::ecdsa::Signature::from_der(signature)
    }
    .map_err(|_| {
        KeyError::SignerFailed(format!(
            "not an ES256 signature (DER or 64-byte r‖s), {} bytes",
            signature.len()
        ))
    })?;
    // Both S and n − S verify; the low form is the canonical one.
    let canonical = parsed.normalize_s().unwrap_or(parsed);
    Ok(canonical.to_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use liangzheng::holder::{DeviceSigner as _, P256DeviceSigner};

    #[test]
    fn der_signatures_become_raw_and_verify() {
        let signer = P256DeviceSigner::from_scalar(&[5; 32]).expect("scalar");
        let raw = signer.sign(b"transcript").expect("sign");
        let sig = p256::ecdsa::Signature::from_slice(&raw).expect("raw");
        let der = sig.to_der();
        let back = es256_raw(der.as_bytes()).expect("der");
        assert!(signer.public_key().verify(b"transcript", &back));
        assert_eq!(es256_raw(&raw).expect("raw"), back);
    }

    #[test]
    fn sm2_der_and_raw_signatures_are_the_same_raw_bytes_and_verify() {
        use liangzheng::holder::Sm2DeviceSigner;
        let signer = Sm2DeviceSigner::from_scalar(&[5; 32]).expect("scalar");
        let raw = signer.sign(b"transcript").expect("sign");
        let der = ecdsa::Signature::<sm2::Sm2>::from_slice(&raw)
            .expect("raw")
            .to_der();
        assert_eq!(der.as_bytes()[0], 0x30);
        let back = sm2_raw(der.as_bytes()).expect("der");
        assert_eq!(back, raw);
        assert_eq!(sm2_raw(&raw).expect("raw"), raw);
        assert!(signer.public_key().verify(b"transcript", &back));
    }

    #[test]
    fn sm2_garbage_and_out_of_range_signatures_are_errors() {
        let n = [
            0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6, 0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09,
            0x39, 0xD5, 0x41, 0x23,
        ];
        let mut r_is_n = [1u8; 64];
        r_is_n[..32].copy_from_slice(&n);
        for bad in [
            &[][..],
            &[0x30, 0x02, 0x01],
            &[0u8; 64],
            &[0xff; 64],
            &[0xff; 72],
            &[1u8; 63],
            &r_is_n,
        ] {
            assert!(sm2_raw(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn garbage_signatures_are_errors_not_panics() {
        for bad in [&[][..], &[0x30, 0x02, 0x01], &[0u8; 64], &[0xff; 72]] {
            assert!(es256_raw(bad).is_err());
        }
    }

    #[test]
    fn spki_and_sec1_forms_give_the_same_key() {
        let signer = P256DeviceSigner::from_scalar(&[5; 32]).expect("scalar");
        let HolderPublicKey::P256(compressed) = signer.public_key() else {
            panic!("P-256 expected")
        };
        let point = p256::PublicKey::from_sec1_bytes(&compressed).expect("point");
        let spki = p256::pkcs8::EncodePublicKey::to_public_key_der(&point).expect("spki");
        let uncompressed = p256::EncodedPoint::from(point);
        for bytes in [
            compressed.to_vec(),
            spki.as_bytes().to_vec(),
            uncompressed.as_bytes().to_vec(),
        ] {
            let key = HolderKey {
                algorithm: HolderKeyAlgorithm::Es256,
                public_key: bytes,
            };
            assert_eq!(key.to_core().expect("key"), signer.public_key());
        }
    }
}
