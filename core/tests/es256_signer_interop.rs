//! The software P-256 holder signer's signatures, checked by verifiers that share no code with
//! this crate: OpenSSL (`openssl dgst -sha256 -verify`) and Python's `cryptography`. Under
//! `--all-features` (feature `p256-ring`) `P256DeviceSigner::from_scalar` signs with ring's
//! randomized nonces; `from_scalar_rfc6979` always with RFC 6979 (`p256`). Both are checked,
//! both must be low-S, and the RFC 6979 one must be reproducible. Fails (never skips) when
//! `openssl` or `python3` with `cryptography` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use liangzheng::holder::{DeviceSigner, HolderPublicKey, P256DeviceSigner};
use p256::pkcs8::EncodePublicKey as _;

fn spki_der(signer: &P256DeviceSigner) -> Vec<u8> {
    let HolderPublicKey::P256(sec1) = signer.public_key() else {
        panic!("a P-256 key")
    };
    p256::PublicKey::from_sec1_bytes(&sec1)
        .unwrap()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

fn low_s(sig: &[u8]) -> bool {
    p256::ecdsa::Signature::from_slice(sig)
        .unwrap()
        .normalize_s()
        .is_none()
}

fn openssl_verifies(dir: &Path, key_der: &[u8], msg: &[u8], raw: &[u8]) -> bool {
    let der = p256::ecdsa::Signature::from_slice(raw).unwrap().to_der();
    std::fs::write(dir.join("key.der"), key_der).unwrap();
    std::fs::write(dir.join("msg"), msg).unwrap();
    std::fs::write(dir.join("sig.der"), der.as_bytes()).unwrap();
    let out = Command::new("openssl")
        .current_dir(dir)
        .args([
            "dgst",
            "-sha256",
            "-keyform",
            "DER",
            "-verify",
            "key.der",
            "-signature",
            "sig.der",
            "msg",
        ])
        .output()
        .expect(
            "`openssl` not found: install Debian package openssl (scripts/install-deps.sh does)",
        );
    out.status.success()
}

const PY: &str = r#"
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.exceptions import InvalidSignature
key = serialization.load_der_public_key(bytes.fromhex(sys.argv[1]))
ok = 0
for pair in sys.argv[2:]:
    msg, sig = (bytes.fromhex(x) for x in pair.split(":"))
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))
        ok += 1
    except InvalidSignature:
        pass
print(ok)
"#;

fn python_verifies(key_der: &[u8], pairs: &[(Vec<u8>, Vec<u8>)]) -> usize {
    let mut args = vec!["-c".to_string(), PY.to_string(), hex::encode(key_der)];
    args.extend(
        pairs
            .iter()
            .map(|(m, s)| format!("{}:{}", hex::encode(m), hex::encode(s))),
    );
    let out = Command::new("python3").args(&args).output().expect(
        "`python3` not found: install python3 and PyPI cryptography (scripts/install-deps.sh does)",
    );
    assert!(
        out.status.success(),
        "python3 with `cryptography` failed (scripts/install-deps.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn holder_signatures_of_both_modes_verify_in_openssl_and_python_cryptography() {
    let dir = std::env::temp_dir().join(format!("lz-es256-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (signer, deterministic) in [
        (P256DeviceSigner::from_scalar(&[7; 32]).unwrap(), None),
        (
            P256DeviceSigner::from_scalar_rfc6979(&[7; 32]).unwrap(),
            Some(true),
        ),
        (P256DeviceSigner::generate(), None),
    ] {
        if let Some(d) = deterministic {
            assert_eq!(signer.is_deterministic(), d);
        }
        let key = spki_der(&signer);
        let mut pairs = Vec::new();
        for i in 0..12u8 {
            let msg = format!("presentation transcript {i}").into_bytes();
            let sig = signer.sign(&msg).unwrap();
            assert_eq!(sig.len(), 64);
            assert!(low_s(&sig), "the signer emits low S (FORMAT.md §3)");
            assert!(signer.public_key().verify(&msg, &sig));
            let again = signer.sign(&msg).unwrap();
            assert_eq!(
                again == sig,
                signer.is_deterministic(),
                "RFC 6979 repeats, ring's nonces do not"
            );
            if i < 3 {
                assert!(openssl_verifies(&dir, &key, &msg, &sig), "openssl refuses");
                let mut bad = msg.clone();
                bad[0] ^= 1;
                assert!(
                    !openssl_verifies(&dir, &key, &bad, &sig),
                    "openssl accepts another message"
                );
            }
            pairs.push((msg, sig));
        }
        assert_eq!(
            python_verifies(&key, &pairs),
            pairs.len(),
            "cryptography refuses some"
        );
        let mut tampered = pairs.clone();
        for (m, _) in &mut tampered {
            m.push(b'!');
        }
        assert_eq!(
            python_verifies(&key, &tampered),
            0,
            "cryptography accepts tampered messages"
        );
    }
    #[cfg(feature = "p256-ring")]
    assert!(
        !P256DeviceSigner::from_scalar(&[7; 32])
            .unwrap()
            .is_deterministic(),
        "with p256-ring, from_scalar signs with ring"
    );
    #[cfg(not(feature = "p256-ring"))]
    assert!(P256DeviceSigner::from_scalar(&[7; 32])
        .unwrap()
        .is_deterministic());
    let _ = std::fs::remove_dir_all(&dir);
}
