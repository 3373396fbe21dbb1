//! P-256 ECDSA (SHA-256, fixed 64-byte `r‖s`) verification through each candidate, behind one
//! shape: decode the public key once (`new`), then `verify(message, signature) -> bool` per call,
//! the way core's `alg::VerifyingKey` uses a backend. Benched in `benches/p256.rs`; the tests
//! check every candidate against the others on good and bad inputs before anything is timed.
#![forbid(unsafe_code)]

use p256::ecdsa::signature::{Signer as _, Verifier as _};

/// A fixed test key and a signature over `message` (RFC 6979, deterministic), from p256 0.13.
pub struct Fixture {
    /// The message (200 bytes, about a holder transcript's size).
    pub message: Vec<u8>,
    /// `r‖s`, 64 bytes.
    pub signature: [u8; 64],
    /// SEC1 compressed (33 bytes): what core's holder keys carry.
    pub compressed: Vec<u8>,
    /// SEC1 uncompressed (65 bytes): what ring and graviola take.
    pub uncompressed: Vec<u8>,
}

impl Fixture {
    /// The fixture.
    pub fn new() -> Self {
        let sk = p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).expect("valid scalar");
        let message: Vec<u8> = (0..200u32).map(|i| (i * 31 % 251) as u8).collect();
        let sig: p256::ecdsa::Signature = sk.sign(&message);
        let vk = sk.verifying_key();
        Fixture {
            signature: sig.to_bytes().into(),
            compressed: vk.to_encoded_point(true).as_bytes().to_vec(),
            uncompressed: vk.to_encoded_point(false).as_bytes().to_vec(),
            message,
        }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// RustCrypto p256 0.13 (what core uses today).
pub struct P256v013(p256::ecdsa::VerifyingKey);
impl P256v013 {
    /// From SEC1 (compressed or not).
    pub fn new(sec1: &[u8]) -> Option<Self> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok().map(Self)
    }
    /// Verifies.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| self.0.verify(msg, &s).is_ok())
    }
}

/// RustCrypto p256 0.14.0 with `precomputed-tables` (base-point table for u1·G).
pub struct P256v014(p256_014::ecdsa::VerifyingKey);
impl P256v014 {
    /// From SEC1 (compressed or not).
    pub fn new(sec1: &[u8]) -> Option<Self> {
        p256_014::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok().map(Self)
    }
    /// Verifies.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        use p256_014::ecdsa::signature::Verifier as _;
        p256_014::ecdsa::Signature::from_slice(sig).is_ok_and(|s| self.0.verify(msg, &s).is_ok())
    }
}

/// ring 0.17 (C and assembly from BoringSSL).
pub struct Ring(Vec<u8>);
impl Ring {
    /// From SEC1 uncompressed (ring parses and validates the point on every verify).
    pub fn new(uncompressed: &[u8]) -> Option<Self> {
        (uncompressed.len() == 65).then(|| Self(uncompressed.to_vec()))
    }
    /// Verifies.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &self.0)
            .verify(msg, sig)
            .is_ok()
    }
}

/// libcrux-ecdsa 0.0.9 (HACL*'s formally verified P-256, compiled to portable Rust).
pub struct Libcrux(libcrux_ecdsa::p256::PublicKey);
impl Libcrux {
    /// From SEC1 uncompressed.
    pub fn new(uncompressed: &[u8]) -> Option<Self> {
        libcrux_ecdsa::p256::uncompressed_to_coordinates(uncompressed)
            .ok()
            .and_then(|xy| {
                libcrux_ecdsa::p256::validate_point(&xy).ok()?;
                Some(Self(libcrux_ecdsa::p256::PublicKey(xy)))
            })
    }
    /// Verifies.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = <[u8; 64]>::try_from(sig) else { return false };
        let sig = libcrux_ecdsa::p256::Signature::from_bytes(sig);
        libcrux_ecdsa::p256::verify(libcrux_ecdsa::DigestAlgorithm::Sha256, msg, &sig, &self.0).is_ok()
    }
}

/// graviola 0.4.4 (Rust with inline assembly from s2n-bignum; x86_64/aarch64 only).
pub struct Graviola(graviola::signing::ecdsa::VerifyingKey<graviola::signing::ecdsa::P256>);
impl Graviola {
    /// From SEC1 uncompressed.
    pub fn new(uncompressed: &[u8]) -> Option<Self> {
        graviola::signing::ecdsa::VerifyingKey::from_x962_uncompressed(uncompressed).ok().map(Self)
    }
    /// Verifies.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.0.verify::<graviola::hashing::Sha256>(&[msg], sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Check = Box<dyn Fn(&[u8], &[u8]) -> bool>;

    fn all(f: &Fixture) -> Vec<(&'static str, Check)> {
        let a = P256v013::new(&f.compressed).expect("p256 0.13 key");
        let b = P256v014::new(&f.compressed).expect("p256 0.14 key");
        let c = Ring::new(&f.uncompressed).expect("ring key");
        let d = Libcrux::new(&f.uncompressed).expect("libcrux key");
        let e = Graviola::new(&f.uncompressed).expect("graviola key");
        vec![
            ("p256 0.13", Box::new(move |m, s| a.verify(m, s))),
            ("p256 0.14", Box::new(move |m, s| b.verify(m, s))),
            ("ring", Box::new(move |m, s| c.verify(m, s))),
            ("libcrux", Box::new(move |m, s| d.verify(m, s))),
            ("graviola", Box::new(move |m, s| e.verify(m, s))),
        ]
    }

    #[test]
    fn every_candidate_agrees_on_good_and_bad_signatures() {
        let f = Fixture::new();
        let n: [u8; 32] = [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
        ];
        let mut flipped = f.signature;
        flipped[10] ^= 1;
        let mut other_msg = f.message.clone();
        other_msg[0] ^= 1;
        let mut r_is_n = f.signature;
        r_is_n[..32].copy_from_slice(&n);
        let mut s_zero = f.signature;
        s_zero[32..].fill(0);
        for (name, verify) in all(&f) {
            assert!(verify(&f.message, &f.signature), "{name}: valid signature refused");
            assert!(!verify(&f.message, &flipped), "{name}: flipped bit accepted");
            assert!(!verify(&other_msg, &f.signature), "{name}: other message accepted");
            assert!(!verify(&f.message, &r_is_n), "{name}: r = n accepted");
            assert!(!verify(&f.message, &s_zero), "{name}: s = 0 accepted");
            assert!(!verify(&f.message, &f.signature[..63]), "{name}: 63-byte signature accepted");
        }
    }

    #[test]
    fn high_s_is_treated_alike() {
        // ECDSA verification accepts both s and n − s; each candidate must agree with p256 0.13.
        let f = Fixture::new();
        let sig = p256::ecdsa::Signature::from_slice(&f.signature).expect("sig");
        let (r, s) = sig.split_scalars();
        let high = p256::ecdsa::Signature::from_scalars(r, -*s).expect("n - s");
        let high: [u8; 64] = high.to_bytes().into();
        let reference = P256v013::new(&f.compressed).expect("key").verify(&f.message, &high);
        for (name, verify) in all(&f) {
            assert_eq!(verify(&f.message, &high), reference, "{name}: disagrees with p256 0.13 on n − s");
        }
    }
}
