//! The published worked examples of the 国密 standards, reproduced from the standards' own numbers.
//!
//! * SM3 (GB/T 32905-2016 Appendix A, = GM/T 0004-2012): example 1 `"abc"` and example 2, the
//!   64-byte message `"abcd"` × 16. Reproduced with RustCrypto's `sm3` (the crate core uses).
//! * SM2 signature on the **recommended** curve (GM/T 0003.5-2012 Appendix A = GB/T 32918.5-2017
//!   Appendix A; user id `1234567812345678`, message `"message digest"`, fixed k). Reproduced with
//!   RustCrypto's `sm2` (the crate core uses): the public key from d, Z_A and e by the formula of
//!   GB/T 32918.2 §5.5 / §6.1 over the `sm3` crate, (r, s) by the signing equations A4–A6 over
//!   `sm2`'s own scalar and point arithmetic with the standard's k (the crate's signer derives k by
//!   RFC 6979 and offers no fixed-k entry point), and the crate's verifier accepting the published
//!   signature and refusing altered ones.
//! * SM2 signature on the **test curve** of GB/T 32918.2-2016 Appendix A (= GM/T 0003.2-2012
//!   Appendix A; a 256-bit prime curve that is *not* the recommended curve, user id
//!   `ALICE123@YAHOO.COM`). RustCrypto's `sm2` only knows the recommended curve, so this example is
//!   reproduced by a small test-only affine-coordinate computation over `num-bigint` that follows
//!   the standard's formulas (point addition, doubling, scalar multiplication, A1–A7 and B1–B7).
//!
//! Every number below is copied from the standards' appendices (cross-checked against
//! OpenSSL's `test/sm2_internal_test.c`, which carries the same values).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use num_bigint::BigUint;
use sm2::elliptic_curve::ops::{MulByGenerator, Reduce};
use sm2::elliptic_curve::point::AffineCoordinates;
use sm2::elliptic_curve::sec1::ToEncodedPoint;
use sm2::elliptic_curve::PrimeField;
use sm3::{Digest, Sm3};

fn h(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    hex::decode(s).unwrap()
}

fn sm3(parts: &[&[u8]]) -> Vec<u8> {
    let mut d = Sm3::new();
    for p in parts {
        d.update(p);
    }
    d.finalize().to_vec()
}

/// Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5).
fn z_a(id: &[u8], a: &[u8], b: &[u8], gx: &[u8], gy: &[u8], xa: &[u8], ya: &[u8]) -> Vec<u8> {
    let entl = u16::try_from(id.len() * 8).unwrap().to_be_bytes();
    sm3(&[&entl, id, a, b, gx, gy, xa, ya])
}

// ---------------------------------------------------------------------------------------------
// SM3, GB/T 32905-2016 Appendix A
// ---------------------------------------------------------------------------------------------

#[test]
fn sm3_example_1_abc() {
    assert_eq!(
        sm3(&[b"abc"]),
        h("66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0")
    );
}

#[test]
fn sm3_example_2_sixty_four_bytes() {
    let msg = b"abcd".repeat(16);
    assert_eq!(msg.len(), 64);
    assert_eq!(
        sm3(&[&msg]),
        h("debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732")
    );
    // Fed in odd-sized pieces, the streaming hasher gives the same digest (padding across a
    // block boundary is what example 2 exercises).
    assert_eq!(sm3(&[&msg[..1], &msg[1..63], &msg[63..]]), sm3(&[&msg]));
}

// ---------------------------------------------------------------------------------------------
// SM2 on the recommended curve, GM/T 0003.5-2012 / GB/T 32918.5-2017 Appendix A
// ---------------------------------------------------------------------------------------------

mod recommended {
    /// Curve parameters of GB/T 32918.5 §5 (the ones `sm2` hard-codes; we hash these, not the
    /// crate's constants, so Z_A is checked against the standard).
    pub const A: &str = "FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC";
    pub const B: &str = "28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93";
    pub const GX: &str = "32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7";
    pub const GY: &str = "BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0";
    pub const ID: &[u8] = b"1234567812345678";
    pub const MSG: &[u8] = b"message digest";
    pub const D: &str = "3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8";
    pub const XA: &str = "09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020";
    pub const YA: &str = "CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13";
    pub const ZA: &str = "B2E14C5C 79C6DF5B 85F4FE7E D8DB7A26 2B9DA7E0 7CCB0EA9 F4747B8C CDA8A4F3";
    pub const E: &str = "F0B43E94 BA45ACCA ACE692ED 534382EB 17E6AB5A 19CE7B31 F4486FDF C0D28640";
    pub const K: &str = "59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21";
    pub const R: &str = "F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3";
    pub const S: &str = "B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA";
}

fn field_bytes(hex_str: &str) -> sm2::FieldBytes {
    let arr: [u8; 32] = h(hex_str).try_into().expect("32 bytes");
    sm2::FieldBytes::from(arr)
}

fn scalar(hex_str: &str) -> sm2::Scalar {
    Option::from(sm2::Scalar::from_repr(field_bytes(hex_str))).expect("in range")
}

#[test]
fn sm2_recommended_curve_public_key_from_d() {
    use recommended::*;
    let sk = sm2::SecretKey::from_slice(&h(D)).unwrap();
    let point = sk.public_key().as_affine().to_encoded_point(false);
    assert_eq!(point.x().unwrap().to_vec(), h(XA));
    assert_eq!(point.y().unwrap().to_vec(), h(YA));
}

#[test]
fn sm2_recommended_curve_z_a_and_e() {
    use recommended::*;
    let za = z_a(ID, &h(A), &h(B), &h(GX), &h(GY), &h(XA), &h(YA));
    assert_eq!(za, h(ZA));
    assert_eq!(sm3(&[&za, MSG]), h(E));
}

#[test]
fn sm2_recommended_curve_signature_with_the_standards_k() {
    use recommended::*;
    let d = scalar(D);
    let k = scalar(K);
    let e = <sm2::Scalar as Reduce<sm2::U256>>::reduce_bytes(&field_bytes(E));
    // A4: (x1, y1) = [k]G
    let x1 = sm2::ProjectivePoint::mul_by_generator(&k).to_affine().x();
    // A5: r = (e + x1) mod n
    let r = e + <sm2::Scalar as Reduce<sm2::U256>>::reduce_bytes(&x1);
    assert!(!bool::from(r.is_zero()) && !bool::from((r + k).is_zero()));
    // A6: s = ((1 + d)^-1 · (k − r·d)) mod n
    let s = Option::<sm2::Scalar>::from((d + sm2::Scalar::ONE).invert()).unwrap() * (k - r * d);
    assert_eq!(r.to_repr().to_vec(), h(R));
    assert_eq!(s.to_repr().to_vec(), h(S));
}

#[test]
fn sm2_recommended_curve_crate_verifier_accepts_the_published_signature_only() {
    use recommended::*;
    use sm2::dsa::signature::Verifier;
    let mut sec1 = vec![4u8];
    sec1.extend(h(XA));
    sec1.extend(h(YA));
    let id = std::str::from_utf8(ID).unwrap();
    let vk = sm2::dsa::VerifyingKey::from_sec1_bytes(id, &sec1).unwrap();
    let mut rs = h(R);
    rs.extend(h(S));
    let sig = sm2::dsa::Signature::from_slice(&rs).unwrap();
    vk.verify(MSG, &sig)
        .expect("the standard's signature verifies");

    // A different message, a different user id, or one flipped bit of r or s: refused.
    assert!(vk.verify(b"message digesT", &sig).is_err());
    let other_id = sm2::dsa::VerifyingKey::from_sec1_bytes("1234567812345679", &sec1).unwrap();
    assert!(other_id.verify(MSG, &sig).is_err());
    for byte in [0usize, 31, 32, 63] {
        let mut bad = rs.clone();
        bad[byte] ^= 0x01;
        if let Ok(bad_sig) = sm2::dsa::Signature::from_slice(&bad) {
            assert!(
                vk.verify(MSG, &bad_sig).is_err(),
                "flipped byte {byte} accepted"
            );
        }
    }

    // The crate's own signer (RFC 6979 k, so a different but valid signature) round-trips
    // under the same key: the standard's key works with the signing half too.
    use sm2::dsa::signature::Signer;
    let sk = sm2::dsa::SigningKey::from_slice(id, &h(D)).unwrap();
    let own: sm2::dsa::Signature = sk.sign(MSG);
    vk.verify(MSG, &own).unwrap();
}

// ---------------------------------------------------------------------------------------------
// SM2 on the test curve of GB/T 32918.2-2016 / GM/T 0003.2-2012 Appendix A
// ---------------------------------------------------------------------------------------------

/// A short-Weierstrass curve y² = x³ + ax + b over F_p with a base point of prime order n, in
/// affine coordinates (GB/T 32918.1 §3.2.3). Test-only and not constant-time.
struct Curve {
    p: BigUint,
    a: BigUint,
    b: BigUint,
    g: (BigUint, BigUint),
    n: BigUint,
}

type Point = Option<(BigUint, BigUint)>; // None = point at infinity O

impl Curve {
    fn sub(&self, x: &BigUint, y: &BigUint) -> BigUint {
        ((x + &self.p) - (y % &self.p)) % &self.p
    }
    fn inv(&self, x: &BigUint) -> BigUint {
        // p is prime: x^(p−2) = x^−1 (Fermat).
        x.modpow(&(&self.p - 2u32), &self.p)
    }
    fn on_curve(&self, (x, y): &(BigUint, BigUint)) -> bool {
        (y * y) % &self.p == (x * x * x + &self.a * x + &self.b) % &self.p
    }
    fn add(&self, p1: &Point, p2: &Point) -> Point {
        let (Some((x1, y1)), Some((x2, y2))) = (p1, p2) else {
            return p1.clone().or_else(|| p2.clone());
        };
        let lambda = if x1 == x2 {
            if (y1 + y2) % &self.p == BigUint::ZERO {
                return None; // P + (−P) = O
            }
            // doubling: λ = (3x² + a) / 2y
            ((3u32 * x1 * x1 + &self.a) % &self.p) * self.inv(&((2u32 * y1) % &self.p)) % &self.p
        } else {
            // addition: λ = (y2 − y1) / (x2 − x1)
            self.sub(y2, y1) * self.inv(&self.sub(x2, x1)) % &self.p
        };
        let x3 = self.sub(&self.sub(&(&lambda * &lambda), x1), x2);
        let y3 = self.sub(&(&lambda * self.sub(x1, &x3)), y1);
        Some((x3, y3))
    }
    fn mul(&self, k: &BigUint, point: &Point) -> Point {
        let mut acc: Point = None;
        for i in (0..k.bits()).rev() {
            acc = self.add(&acc, &acc);
            if k.bit(i) {
                acc = self.add(&acc, point);
            }
        }
        acc
    }
}

fn be32(x: &BigUint) -> Vec<u8> {
    let b = x.to_bytes_be();
    assert!(b.len() <= 32);
    let mut out = vec![0u8; 32 - b.len()];
    out.extend(b);
    out
}

fn int(hex_str: &str) -> BigUint {
    BigUint::from_bytes_be(&h(hex_str))
}

mod test_curve {
    pub const P: &str = "8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3";
    pub const A: &str = "787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498";
    pub const B: &str = "63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A";
    pub const GX: &str = "421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D";
    pub const GY: &str = "0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2";
    pub const N: &str = "8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7";
    pub const ID: &[u8] = b"ALICE123@YAHOO.COM";
    pub const MSG: &[u8] = b"message digest";
    pub const D: &str = "128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263";
    pub const XA: &str = "0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A";
    pub const YA: &str = "7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857";
    pub const ZA: &str = "F4A38489 E32B45B6 F876E3AC 2168CA39 2362DC8F 23459C1D 1146FC3D BFB7BC9A";
    pub const E: &str = "B524F552 CD82B8B0 28476E00 5C377FB1 9A87E6FC 682D48BB 5D42E3D9 B9EFFE76";
    pub const K: &str = "6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F";
    pub const R: &str = "40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1";
    pub const S: &str = "6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7";
}

fn test_curve() -> Curve {
    use test_curve::*;
    Curve {
        p: int(P),
        a: int(A),
        b: int(B),
        g: (int(GX), int(GY)),
        n: int(N),
    }
}

/// GB/T 32918.2 §7.1 B1–B7: verify (r, s) on message digest e under public key P_A.
fn verify_on(c: &Curve, pa: &Point, e: &BigUint, r: &BigUint, s: &BigUint) -> bool {
    let one = BigUint::from(1u32);
    if *r < one || *r >= c.n || *s < one || *s >= c.n {
        return false;
    }
    let t = (r + s) % &c.n;
    if t == BigUint::ZERO {
        return false;
    }
    let g = Some(c.g.clone());
    match c.add(&c.mul(s, &g), &c.mul(&t, pa)) {
        None => false,
        Some((x1, _)) => (e + x1) % &c.n == *r,
    }
}

#[test]
fn sm2_test_curve_example_reproduced_from_the_formulas() {
    use test_curve::*;
    let c = test_curve();
    assert!(c.on_curve(&c.g), "G is on the test curve");
    let g = Some(c.g.clone());
    assert_eq!(c.mul(&c.n, &g), None, "[n]G = O");

    // Public key P_A = [d]G.
    let pa = c.mul(&int(D), &g);
    let (xa, ya) = pa.clone().unwrap();
    assert_eq!(be32(&xa), h(XA));
    assert_eq!(be32(&ya), h(YA));

    // A1–A2: Z_A and e.
    let za = z_a(ID, &h(A), &h(B), &h(GX), &h(GY), &h(XA), &h(YA));
    assert_eq!(za, h(ZA));
    let e_bytes = sm3(&[&za, MSG]);
    assert_eq!(e_bytes, h(E));
    let e = BigUint::from_bytes_be(&e_bytes);

    // A3–A6 with the standard's k.
    let k = int(K);
    let (x1, _) = c.mul(&k, &g).unwrap();
    let r = (&e + x1) % &c.n;
    let d = int(D);
    let inv = (&d + 1u32).modpow(&(&c.n - 2u32), &c.n);
    let rd = (&r * &d) % &c.n;
    let s = (inv * ((&k + &c.n - rd) % &c.n)) % &c.n;
    assert_eq!(be32(&r), h(R));
    assert_eq!(be32(&s), h(S));

    // B1–B7: the published signature verifies; altered ones do not.
    assert!(verify_on(&c, &pa, &e, &int(R), &int(S)));
    assert!(!verify_on(&c, &pa, &e, &(int(R) + 1u32), &int(S)));
    assert!(!verify_on(&c, &pa, &e, &int(R), &(int(S) + 1u32)));
    assert!(!verify_on(&c, &pa, &(&e + 1u32), &int(R), &int(S)));
}

#[test]
fn the_test_curve_key_is_not_a_point_of_the_recommended_curve() {
    // Why the test-curve example needs its own arithmetic: RustCrypto's `sm2` knows only the
    // recommended curve and refuses the example's public key.
    use test_curve::*;
    let mut sec1 = vec![4u8];
    sec1.extend(h(XA));
    sec1.extend(h(YA));
    assert!(sm2::PublicKey::from_sec1_bytes(&sec1).is_err());
}
