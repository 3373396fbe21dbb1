//! Adapters that give every SM2 candidate the same shape — a key from the 32-byte secret of the
//! GM/T 0003.5 example, `sign(msg) -> r‖s`, `verify(msg, r‖s)` with the default user id
//! `1234567812345678` — so the bench compares like with like, and the tests below can check each
//! candidate against the standard's published signature and against the others before any
//! number is believed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sm2::dsa::signature::{Signer as _, Verifier as _};

/// The GM/T 0003.5-2012 Appendix A key (recommended curve).
pub const STD_D: &str = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
/// Its message.
pub const STD_MSG: &[u8] = b"message digest";
/// Its published signature r‖s.
pub const STD_SIG: &str = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3\
                           B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
/// The default user id of GM/T 0009.
pub const DIST_ID: &str = "1234567812345678";

/// The secret of the example as bytes.
pub fn std_d() -> [u8; 32] {
    hex::decode(STD_D).unwrap().try_into().unwrap()
}

/// Uncompressed SEC1 public key (04‖x‖y) for a secret, computed by RustCrypto.
pub fn public_sec1(d: &[u8; 32]) -> Vec<u8> {
    sm2::dsa::SigningKey::from_slice(DIST_ID, d)
        .unwrap()
        .verifying_key()
        .to_sec1_bytes()
        .to_vec()
}

/// One SM2 implementation behind a common interface.
pub trait Sm2Impl {
    /// Name as printed in tables.
    const NAME: &'static str;
    /// Signing side, prepared from the secret (key parsing is not timed).
    type Sk;
    /// Verifying side, prepared from the SEC1 public key (Z_A is precomputed only where the
    /// library's API allows it).
    type Vk;
    /// Prepare a signing key.
    fn sk(d: &[u8; 32]) -> Self::Sk;
    /// Prepare a verifying key.
    fn vk(sec1: &[u8]) -> Self::Vk;
    /// Sign `msg` (Z_A, e = SM3(Z_A‖M), then the signature) and return r‖s.
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64];
    /// Verify r‖s over `msg` (Z_A and e included).
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool;
}

/// RustCrypto `sm2` 0.13.3 (what core uses).
pub struct RustCrypto;
impl Sm2Impl for RustCrypto {
    const NAME: &'static str = "RustCrypto sm2 0.13.3";
    type Sk = sm2::dsa::SigningKey;
    type Vk = sm2::dsa::VerifyingKey;
    fn sk(d: &[u8; 32]) -> Self::Sk {
        sm2::dsa::SigningKey::from_slice(DIST_ID, d).unwrap()
    }
    fn vk(sec1: &[u8]) -> Self::Vk {
        sm2::dsa::VerifyingKey::from_sec1_bytes(DIST_ID, sec1).unwrap()
    }
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64] {
        let sig: sm2::dsa::Signature = sk.sign(msg);
        sig.to_bytes()
    }
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool {
        match sm2::dsa::Signature::from_bytes(sig) {
            Ok(sig) => vk.verify(msg, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

/// `libsm` 0.6.1 (num-bigint scalars, own field arithmetic).
pub struct Libsm;
impl Sm2Impl for Libsm {
    const NAME: &'static str = "libsm 0.6.1";
    type Sk = (
        libsm::sm2::signature::SigCtx,
        num_bigint::BigUint,
        libsm::sm2::ecc::Point,
    );
    type Vk = (libsm::sm2::signature::SigCtx, libsm::sm2::ecc::Point);
    fn sk(d: &[u8; 32]) -> Self::Sk {
        let ctx = libsm::sm2::signature::SigCtx::new();
        let sk = ctx.load_seckey(d).unwrap();
        let pk = ctx.pk_from_sk(&sk).unwrap();
        (ctx, sk, pk)
    }
    fn vk(sec1: &[u8]) -> Self::Vk {
        let ctx = libsm::sm2::signature::SigCtx::new();
        let pk = ctx.load_pubkey(sec1).unwrap();
        (ctx, pk)
    }
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64] {
        let sig = sk.0.sign(msg, &sk.1, &sk.2).unwrap();
        raw(&sig.get_r().to_bytes_be(), &sig.get_s().to_bytes_be())
    }
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool {
        let sig = libsm::sm2::signature::Signature::new(&sig[..32], &sig[32..]);
        vk.0.verify(msg, &vk.1, &sig).unwrap_or(false)
    }
}

/// `smcrypto` 0.3.1 (num-bigint throughout, hex-string keys, DER signatures).
pub struct Smcrypto;
impl Sm2Impl for Smcrypto {
    const NAME: &'static str = "smcrypto 0.3.1";
    type Sk = String;
    type Vk = String;
    fn sk(d: &[u8; 32]) -> Self::Sk {
        hex::encode(d)
    }
    fn vk(sec1: &[u8]) -> Self::Vk {
        hex::encode(&sec1[1..])
    }
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64] {
        let der = smcrypto::sm2::Sign::new(sk).sign(msg);
        der_to_raw(&der)
    }
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool {
        smcrypto::sm2::Verify::new(vk).verify(msg, &raw_to_der(sig))
    }
}

/// `efficient-sm2` 0.2.5 (Montgomery limbs, precomputed base-point table; Z_A via libsm).
pub struct EfficientSm2;
impl Sm2Impl for EfficientSm2 {
    const NAME: &'static str = "efficient-sm2 0.2.5";
    type Sk = efficient_sm2::KeyPair;
    type Vk = efficient_sm2::PublicKey;
    fn sk(d: &[u8; 32]) -> Self::Sk {
        efficient_sm2::KeyPair::new(d).unwrap()
    }
    fn vk(sec1: &[u8]) -> Self::Vk {
        efficient_sm2::PublicKey::from_slice(&sec1[1..])
    }
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64] {
        let sig = sk.sign(msg).unwrap();
        raw(&sig.r(), &sig.s())
    }
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool {
        match efficient_sm2::Signature::new(&sig[..32], &sig[32..]) {
            Ok(s) => s.verify(vk, msg).is_ok(),
            Err(_) => false,
        }
    }
}

/// `gm-sm2` 0.13.0 (u64-limb Montgomery arithmetic, precomputed base-point table).
pub struct GmSm2;
impl Sm2Impl for GmSm2 {
    const NAME: &'static str = "gm-sm2 0.13.0";
    type Sk = gm_sm2::key::Sm2PrivateKey;
    type Vk = gm_sm2::key::Sm2PublicKey;
    fn sk(d: &[u8; 32]) -> Self::Sk {
        gm_sm2::key::Sm2PrivateKey::new(d).unwrap()
    }
    fn vk(sec1: &[u8]) -> Self::Vk {
        gm_sm2::key::Sm2PublicKey::new(sec1).unwrap()
    }
    fn sign(sk: &Self::Sk, msg: &[u8]) -> [u8; 64] {
        sk.sign(None, msg).unwrap().try_into().unwrap()
    }
    fn verify(vk: &Self::Vk, msg: &[u8], sig: &[u8; 64]) -> bool {
        vk.verify(None, msg, sig).is_ok()
    }
}

fn raw(r: &[u8], s: &[u8]) -> [u8; 64] {
    assert!(r.len() <= 32 && s.len() <= 32);
    let mut out = [0u8; 64];
    out[32 - r.len()..32].copy_from_slice(r);
    out[64 - s.len()..].copy_from_slice(s);
    out
}

/// r‖s → DER `SEQUENCE { INTEGER r, INTEGER s }` (RustCrypto `ecdsa`'s encoder).
pub fn raw_to_der(sig: &[u8; 64]) -> Vec<u8> {
    ecdsa::Signature::<sm2::Sm2>::from_slice(sig)
        .unwrap()
        .to_der()
        .as_bytes()
        .to_vec()
}

/// DER → r‖s (RustCrypto `ecdsa`'s strict decoder).
pub fn der_to_raw(der: &[u8]) -> [u8; 64] {
    ecdsa::Signature::<sm2::Sm2>::from_der(der)
        .unwrap()
        .to_bytes()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn std_sig() -> [u8; 64] {
        hex::decode(STD_SIG).unwrap().try_into().unwrap()
    }

    /// Each candidate verifies the standard's signature, refuses a tampered one, and its own
    /// signatures verify under RustCrypto (and RustCrypto's under it).
    fn check<I: Sm2Impl>() {
        let d = std_d();
        let sec1 = public_sec1(&d);
        let vk = I::vk(&sec1);
        assert!(I::verify(&vk, STD_MSG, &std_sig()), "{}: standard", I::NAME);
        let mut bad = std_sig();
        bad[40] ^= 1;
        assert!(!I::verify(&vk, STD_MSG, &bad), "{}: tampered", I::NAME);
        assert!(
            !I::verify(&vk, b"message digesT", &std_sig()),
            "{}",
            I::NAME
        );

        let own = I::sign(&I::sk(&d), b"cross-check");
        let rc = RustCrypto::vk(&sec1);
        assert!(
            RustCrypto::verify(&rc, b"cross-check", &own),
            "{}: own",
            I::NAME
        );
        let theirs = RustCrypto::sign(&RustCrypto::sk(&d), b"cross-check 2");
        assert!(
            I::verify(&vk, b"cross-check 2", &theirs),
            "{}: RustCrypto's",
            I::NAME
        );
    }

    #[test]
    fn rustcrypto_agrees_with_the_standard() {
        check::<RustCrypto>();
    }
    #[test]
    fn libsm_agrees() {
        check::<Libsm>();
    }
    #[test]
    fn smcrypto_agrees() {
        check::<Smcrypto>();
    }
    #[test]
    fn efficient_sm2_agrees() {
        check::<EfficientSm2>();
    }
    #[test]
    fn gm_sm2_agrees() {
        check::<GmSm2>();
    }

    /// Soundness probes beyond the happy path: s = 0, r = 0, r or s ≥ n must be refused
    /// (GB/T 32918.2 §7.1 B1–B2). Reported, not asserted for all, since finding which
    /// candidate fails is the point; RustCrypto must pass.
    #[test]
    fn range_checks_on_r_and_s() {
        let d = std_d();
        let sec1 = public_sec1(&d);
        let n = hex::decode("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123")
            .unwrap();
        let good = std_sig();
        let mut r_zero = good;
        r_zero[..32].fill(0);
        let mut s_zero = good;
        s_zero[32..].fill(0);
        let mut r_n = good;
        r_n[..32].copy_from_slice(&n);
        let mut all_ff = [0xffu8; 64];
        all_ff[..32].copy_from_slice(&good[..32]);
        let probes = [
            ("r=0", r_zero),
            ("s=0", s_zero),
            ("r=n", r_n),
            ("s=2^256-1", all_ff),
        ];
        let rc = RustCrypto::vk(&sec1);
        for (what, sig) in &probes {
            assert!(
                !RustCrypto::verify(&rc, STD_MSG, sig),
                "RustCrypto accepts {what}"
            );
        }
        let mut report = String::new();
        macro_rules! probe {
            ($t:ty) => {{
                let vk = <$t>::vk(&sec1);
                for (what, sig) in &probes {
                    let accepted = std::panic::catch_unwind(|| <$t>::verify(&vk, STD_MSG, sig));
                    let verdict = match accepted {
                        Ok(false) => "refused",
                        Ok(true) => "ACCEPTED",
                        Err(_) => "PANICKED",
                    };
                    report += &format!("{} {what}: {verdict}\n", <$t>::NAME);
                }
            }};
        }
        probe!(Libsm);
        probe!(Smcrypto);
        probe!(EfficientSm2);
        probe!(GmSm2);
        println!("{report}");
        assert!(
            !report.contains("ACCEPTED"),
            "a candidate accepts an out-of-range signature:\n{report}"
        );
    }
}
