//! PKCS#8 PEM interoperability with OpenSSL, the tool issuing authorities
//! already use. Fails (never skips) when `openssl` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use liangzheng::keys::{public_key_from_pem, verify_ed25519_strict, IssuerKey, IssuerSigner};

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl").args(args).output().expect(
        "`openssl` not found: install Debian package openssl (scripts/install-deps.sh does)",
    )
}

#[test]
fn a_key_made_by_openssl_genpkey_imports_and_signs() {
    let dir = std::env::temp_dir().join(format!("lz-openssl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("issuer.pem");
    let out = openssl(&[
        "genpkey",
        "-algorithm",
        "ed25519",
        "-out",
        key_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pem = std::fs::read_to_string(&key_path).unwrap();
    let key = IssuerKey::from_pkcs8_pem(&pem).expect("openssl's PKCS#8 PEM imports");

    // The public key OpenSSL derives is the one we derive.
    let out = openssl(&["pkey", "-in", key_path.to_str().unwrap(), "-pubout"]);
    assert!(out.status.success());
    let pub_pem = String::from_utf8(out.stdout).unwrap();
    assert_eq!(public_key_from_pem(&pub_pem).unwrap(), key.public_key());

    // A signature we make verifies with OpenSSL.
    let msg_path = dir.join("msg.bin");
    let sig_path = dir.join("msg.sig");
    std::fs::write(&msg_path, b"liangzheng").unwrap();
    let sig = key.sign(b"liangzheng").unwrap();
    std::fs::write(&sig_path, sig).unwrap();
    let pub_path = dir.join("issuer.pub.pem");
    std::fs::write(&pub_path, &pub_pem).unwrap();
    let out = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        pub_path.to_str().unwrap(),
        "-rawin",
        "-in",
        msg_path.to_str().unwrap(),
        "-sigfile",
        sig_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "openssl rejects our signature: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(verify_ed25519_strict(
        key.public_key().as_bytes(),
        b"liangzheng",
        &sig
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_key_we_export_is_read_by_openssl() {
    let key = IssuerKey::from_seed(&[77; 32]);
    let dir = std::env::temp_dir().join(format!("lz-openssl-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("k.pem");
    std::fs::write(&path, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    let out = openssl(&["pkey", "-in", path.to_str().unwrap(), "-pubout"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        public_key_from_pem(&String::from_utf8(out.stdout).unwrap()).unwrap(),
        key.public_key()
    );
    std::fs::remove_dir_all(&dir).ok();
}
