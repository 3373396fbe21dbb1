//! ES256 verification backends: which implementation checks a P-256 signature.
//!
//! - default: RustCrypto `p256` 0.13, pure Rust (builds for wasm32; what the browser counter
//!   page and every default build use);
//! - feature `p256-ring`: `ring` 0.17's P-256 (C and assembly from BoringSSL), about 4–5×
//!   faster (docs/benchmarks.md, "P-256 verification side by side"). For native builds only
//!   (the FFI library turns it on); core's default build stays free of C
//!   (docs/decisions/0014-p256-ring-backend.md).
//!
//! Both take the key as decoded and checked by `p256` (point on the curve, not the identity),
//! the 64-byte `r‖s` signature and the message, hash it with SHA-256 and accept exactly the
//! signatures with `0 < r, s < n` that verify (high `s` is valid ECDSA in both: the format's
//! low-S rule is enforced above the backend, in `VerifyingKey::verify`).

/// The name of the backend this build verifies ES256 with (reports, benches).
#[cfg(not(feature = "p256-ring"))]
pub const P256_BACKEND: &str = "p256 0.13 (RustCrypto, pure Rust)";
/// The name of the backend this build verifies ES256 with (reports, benches).
#[cfg(feature = "p256-ring")]
pub const P256_BACKEND: &str = "ring 0.17 (BoringSSL C/asm)";

/// A P-256 public key ready to verify ES256 signatures with this build's backend.
#[derive(Clone)]
pub(crate) struct P256Key {
    #[cfg(not(feature = "p256-ring"))]
    key: p256::ecdsa::VerifyingKey,
    /// SEC1 uncompressed (`04 ‖ x ‖ y`), decompressed and checked once by `p256`.
    #[cfg(feature = "p256-ring")]
    uncompressed: [u8; 65],
}

impl P256Key {
    /// Decodes SEC1 (compressed or uncompressed); `None` when it is not a valid point.
    pub(crate) fn from_sec1(sec1: &[u8]) -> Option<Self> {
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok()?;
        #[cfg(not(feature = "p256-ring"))]
        {
            Some(P256Key { key })
        }
        #[cfg(feature = "p256-ring")]
        {
            let point = key.to_encoded_point(false);
            let uncompressed = <[u8; 65]>::try_from(point.as_bytes()).ok()?;
            Some(P256Key { uncompressed })
        }
    }

    /// Verifies a 64-byte `r‖s` ES256 signature over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        #[cfg(not(feature = "p256-ring"))]
        {
            use p256::ecdsa::signature::Verifier as _;
            p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| self.key.verify(message, &sig).is_ok())
        }
        #[cfg(feature = "p256-ring")]
        {
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                &self.uncompressed[..],
            )
            .verify(message, signature)
            .is_ok()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::ecdsa::signature::{Signer as _, Verifier as _};

    /// The reference: RustCrypto p256 0.13 directly (the default backend).
    fn reference(sec1: &[u8], message: &[u8], signature: &[u8; 64]) -> bool {
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).unwrap();
        p256::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|sig| key.verify(message, &sig).is_ok())
    }

    #[test]
    fn this_builds_backend_agrees_with_p256_on_good_and_bad_signatures() {
        // n, the group order: r = n and s = 0 are out of range and must be refused.
        let n = hex_n();
        for seed in 1u8..=8 {
            let sk = p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap();
            let message: Vec<u8> = (0..(seed as usize * 37)).map(|i| (i * 7) as u8).collect();
            let sig: p256::ecdsa::Signature = sk.sign(&message);
            let (r, s) = sig.split_scalars();
            let high_s: [u8; 64] = p256::ecdsa::Signature::from_scalars(r, -*s)
                .unwrap()
                .to_bytes()
                .into();
            let good: [u8; 64] = sig.to_bytes().into();
            let mut flipped = good;
            flipped[usize::from(seed) * 7 % 64] ^= 0x10;
            let mut r_is_n = good;
            r_is_n[..32].copy_from_slice(&n);
            let mut s_is_zero = good;
            s_is_zero[32..].fill(0);
            let mut other = message.clone();
            other.push(0);
            for compressed in [true, false] {
                let sec1 = sk.verifying_key().to_encoded_point(compressed);
                let key = P256Key::from_sec1(sec1.as_bytes()).unwrap();
                assert!(
                    key.verify(&message, &good),
                    "{P256_BACKEND}: good signature refused"
                );
                for (what, m, sg) in [
                    ("high s", &message, &high_s),
                    ("flipped bit", &message, &flipped),
                    ("r = n", &message, &r_is_n),
                    ("s = 0", &message, &s_is_zero),
                    ("other message", &other, &good),
                ] {
                    assert_eq!(
                        key.verify(m, sg),
                        reference(sec1.as_bytes(), m, sg),
                        "{P256_BACKEND} disagrees with p256 0.13 on {what}"
                    );
                }
                assert!(!key.verify(&other, &good));
            }
        }
    }

    #[test]
    fn points_off_the_curve_are_refused_at_decoding() {
        let mut sec1 = [0u8; 33];
        sec1[0] = 0x02;
        sec1[1..].fill(0xff); // x ≥ p
        assert!(P256Key::from_sec1(&sec1).is_none());
        assert!(P256Key::from_sec1(&[0x00]).is_none()); // the identity
        assert!(P256Key::from_sec1(&[]).is_none());
    }

    fn hex_n() -> [u8; 32] {
        let hex = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
        let mut n = [0u8; 32];
        for (i, b) in n.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        n
    }
}
