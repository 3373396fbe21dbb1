//! SM2 interoperability with OpenSSL 3, both ways, through the `openssl` binary (GB/T 32918.2
//! signatures with SM3 and the default user id `1234567812345678` of GM/T 0009):
//!
//! * an OpenSSL-generated key (`openssl genpkey -algorithm SM2`) imports from PKCS#8 PEM, and the
//!   public key we derive and export as SPKI is the one OpenSSL derives;
//! * keys we generate and export (PKCS#8, SPKI) are read by OpenSSL;
//! * OpenSSL verifies our signatures (raw r‖s converted to DER) and refuses them over another
//!   message; we verify OpenSSL's (DER converted to r‖s) and refuse them over another message;
//! * OpenSSL verifies the published signature of GM/T 0003.5 Appendix A, as we do.
//!
//! Fails, never skips, when `openssl` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The code under test: the SM2 key and signature API, in one place so the checks below stay
/// the same whichever layer provides it.
mod under_test {
    use sm2::dsa::signature::{Signer as _, Verifier as _};
    use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};

    pub const DIST_ID: &str = "1234567812345678";

    pub struct Key(sm2::SecretKey);

    pub fn generate() -> Key {
        Key(sm2::SecretKey::random(&mut rand_core::OsRng))
    }
    pub fn from_pkcs8_pem(pem: &str) -> Key {
        Key(sm2::SecretKey::from_pkcs8_pem(pem).expect("OpenSSL's PKCS#8 PEM imports"))
    }
    pub fn to_pkcs8_pem(key: &Key) -> String {
        key.0
            .to_pkcs8_pem(sm2::pkcs8::LineEnding::LF)
            .unwrap()
            .to_string()
    }
    pub fn public_spki_pem(key: &Key) -> String {
        key.0
            .public_key()
            .to_public_key_pem(sm2::pkcs8::LineEnding::LF)
            .unwrap()
    }
    pub fn sign(key: &Key, msg: &[u8]) -> [u8; 64] {
        let sk = sm2::dsa::SigningKey::new(DIST_ID, &key.0).unwrap();
        let sig: sm2::dsa::Signature = sk.sign(msg);
        sig.to_bytes()
    }
    pub fn verify(spki_pem: &str, msg: &[u8], sig: &[u8; 64]) -> bool {
        let pk = sm2::PublicKey::from_public_key_pem(spki_pem).expect("SPKI PEM imports");
        let vk = sm2::dsa::VerifyingKey::new(DIST_ID, pk).unwrap();
        match sm2::dsa::Signature::from_bytes(sig) {
            Ok(sig) => vk.verify(msg, &sig).is_ok(),
            Err(_) => false,
        }
    }
    /// SPKI PEM for a raw uncompressed SEC1 point.
    pub fn spki_pem_from_sec1(sec1: &[u8]) -> String {
        sm2::PublicKey::from_sec1_bytes(sec1)
            .unwrap()
            .to_public_key_pem(sm2::pkcs8::LineEnding::LF)
            .unwrap()
    }
}

/// r‖s → DER `SEQUENCE { INTEGER r, INTEGER s }`, OpenSSL's signature format (RustCrypto
/// `ecdsa`'s encoder, not ours).
fn raw_to_der(sig: &[u8; 64]) -> Vec<u8> {
    ecdsa::Signature::<sm2::Sm2>::from_slice(sig)
        .unwrap()
        .to_der()
        .as_bytes()
        .to_vec()
}

/// DER → r‖s (strict DER decoder of RustCrypto `ecdsa`).
fn der_to_raw(der: &[u8]) -> [u8; 64] {
    ecdsa::Signature::<sm2::Sm2>::from_der(der)
        .expect("OpenSSL's signature is DER")
        .to_bytes()
        .into()
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl").args(args).output().expect(
        "`openssl` not found: install Debian package openssl (scripts/install-deps.sh does)",
    )
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "openssl failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct TempDir(PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("lz-sm2-openssl-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, contents: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_str().unwrap().to_owned()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// `openssl pkeyutl -verify` of a DER signature with SM3 and the default user id.
fn openssl_verifies(pub_pem: &str, msg: &str, sig_der: &str) -> bool {
    let out = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        pub_pem,
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-in",
        msg,
        "-sigfile",
        sig_der,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let verified = out.status.success() && stdout.contains("Signature Verified Successfully");
    let refused = !out.status.success() && stdout.contains("Signature Verification Failure");
    assert!(
        verified || refused,
        "openssl neither verified nor refused: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    verified
}

/// `openssl pkeyutl -sign` with SM3 and the default user id; returns the DER signature.
fn openssl_signs(key_pem: &str, msg: &str, out_path: &str) -> Vec<u8> {
    ok(&openssl(&[
        "pkeyutl",
        "-sign",
        "-rawin",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
        "-inkey",
        key_pem,
        "-in",
        msg,
        "-out",
        out_path,
    ]));
    std::fs::read(out_path).unwrap()
}

fn normalize_pem(pem: &str) -> String {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_openssl_sm2_key_imports_and_both_sides_verify_each_other() {
    let dir = TempDir::new("import");
    let key_path = dir.path("k.pem");
    ok(&openssl(&[
        "genpkey",
        "-algorithm",
        "SM2",
        "-out",
        &key_path,
    ]));
    let pem = std::fs::read_to_string(&key_path).unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "PKCS#8: {pem}"
    );
    let key = under_test::from_pkcs8_pem(&pem);

    // The public key OpenSSL derives is the one we derive and export (SPKI, byte for byte).
    let openssl_pub = ok(&openssl(&["pkey", "-in", &key_path, "-pubout"]));
    let our_pub = under_test::public_spki_pem(&key);
    assert_eq!(normalize_pem(&openssl_pub), normalize_pem(&our_pub));
    let pub_path = dir.file("ours.pub.pem", our_pub.as_bytes());

    let msg = b"liangzheng \xe4\xba\xae\xe8\xaf\x81 SM2 interop";
    let msg_path = dir.file("msg", msg);
    let other_path = dir.file("other", b"liangzheng SM2 interop, another message");

    // Ours → OpenSSL: raw r‖s converted to DER, verified against our SPKI export.
    let sig = under_test::sign(&key, msg);
    let sig_path = dir.file("ours.sig.der", &raw_to_der(&sig));
    assert!(openssl_verifies(&pub_path, &msg_path, &sig_path));
    assert!(!openssl_verifies(&pub_path, &other_path, &sig_path));

    // OpenSSL → ours: DER converted to r‖s.
    let der = openssl_signs(&key_path, &msg_path, &dir.path("openssl.sig.der"));
    let theirs = der_to_raw(&der);
    assert!(under_test::verify(&our_pub, msg, &theirs));
    assert!(!under_test::verify(
        &our_pub,
        b"liangzheng SM2 interop, another message",
        &theirs
    ));
    let mut flipped = theirs;
    flipped[63] ^= 1;
    assert!(!under_test::verify(&our_pub, msg, &flipped));
}

#[test]
fn keys_we_generate_are_read_by_openssl() {
    let dir = TempDir::new("export");
    let key = under_test::generate();
    let key_path = dir.file("ours.pem", under_test::to_pkcs8_pem(&key).as_bytes());
    let our_pub = under_test::public_spki_pem(&key);
    let pub_path = dir.file("ours.pub.pem", our_pub.as_bytes());

    // OpenSSL reads our PKCS#8 as an SM2 key and derives our public key from it.
    let text = ok(&openssl(&["pkey", "-in", &key_path, "-noout", "-text"]));
    assert!(
        text.contains("SM2"),
        "openssl does not see an SM2 key: {text}"
    );
    let derived = ok(&openssl(&["pkey", "-in", &key_path, "-pubout"]));
    assert_eq!(normalize_pem(&derived), normalize_pem(&our_pub));
    // OpenSSL reads our SPKI.
    let text = ok(&openssl(&[
        "pkey", "-pubin", "-in", &pub_path, "-noout", "-text",
    ]));
    assert!(text.contains("SM2"), "{text}");

    // OpenSSL signs with our exported key; we verify.
    let msg = b"signed by openssl with a key we made";
    let msg_path = dir.file("msg", msg);
    let der = openssl_signs(&key_path, &msg_path, &dir.path("s.der"));
    assert!(under_test::verify(&our_pub, msg, &der_to_raw(&der)));
}

#[test]
fn openssl_verifies_the_published_gmt_0003_5_signature() {
    // GM/T 0003.5-2012 / GB/T 32918.5-2017 Appendix A: recommended curve, id 1234567812345678.
    let sec1 = hex::decode(
        "04\
         09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020\
         CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13",
    )
    .unwrap();
    let sig: [u8; 64] = hex::decode(
        "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3\
         B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA",
    )
    .unwrap()
    .try_into()
    .unwrap();
    let dir = TempDir::new("std");
    let pem = under_test::spki_pem_from_sec1(&sec1);
    let pub_path = dir.file("std.pub.pem", pem.as_bytes());
    let msg_path = dir.file("msg", b"message digest");
    let sig_path = dir.file("std.sig.der", &raw_to_der(&sig));
    assert!(openssl_verifies(&pub_path, &msg_path, &sig_path));
    assert!(under_test::verify(&pem, b"message digest", &sig));
    let other = dir.file("other", b"message digesT");
    assert!(!openssl_verifies(&pub_path, &other, &sig_path));
}

#[test]
fn der_conversion_round_trips_on_high_bit_and_short_integers() {
    // r with the high bit set needs a 0x00 pad in DER; a short s (leading zero bytes) is
    // shorter in DER: both must come back as the same 64 bytes.
    let mut sig = [0u8; 64];
    sig[0] = 0xF5;
    sig[31] = 1;
    sig[40] = 0x01;
    sig[63] = 0x7f;
    let der = raw_to_der(&sig);
    assert_eq!(der[2..5], [0x02, 0x21, 0x00]);
    assert_eq!(der_to_raw(&der), sig);
}
