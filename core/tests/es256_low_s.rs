//! ES256 accepts low-S signatures only (FORMAT.md §3): `(r, s)` and
//! `(r, n − s)` both satisfy the ECDSA equation, so accepting both would give
//! one signed message two encodings. Every ES256 site goes through the
//! algorithm table's `VerifyingKey::verify`: the holder transcript, and the
//! issuer's COSE_Sign1 (credentials, trust and status lists).

use liangzheng::alg::{canonical_signature, SignatureAlgorithm};
use liangzheng::cose::Sign1;
use liangzheng::holder::{DeviceSigner, P256DeviceSigner};
use liangzheng::keys::{IssuerSigner, P256IssuerKey};
use p256::elliptic_curve::ops::Neg as _;

/// The other signature of the pair: `r ‖ (n − s)`.
fn twin(sig: &[u8]) -> Vec<u8> {
    let parsed = p256::ecdsa::Signature::from_slice(sig).expect("ES256 r‖s");
    let (r, s) = parsed.split_scalars();
    let flipped = p256::ecdsa::Signature::from_scalars(r, s.as_ref().neg()).expect("n - s");
    flipped.to_bytes().to_vec()
}

fn is_high(sig: &[u8]) -> bool {
    p256::ecdsa::Signature::from_slice(sig)
        .expect("r‖s")
        .normalize_s()
        .is_some()
}

#[test]
fn holder_signatures_are_low_s_and_the_high_twin_is_refused() {
    for seed in 1u8..=16 {
        let signer = P256DeviceSigner::from_scalar(&[seed; 32]).expect("scalar");
        let key = signer.public_key();
        let msg = format!("transcript {seed}");
        let sig = signer.sign(msg.as_bytes()).expect("sign");
        assert!(!is_high(&sig), "the signer emits low S");
        assert!(key.verify(msg.as_bytes(), &sig));
        let high = twin(&sig);
        assert!(is_high(&high));
        assert!(
            !key.verify(msg.as_bytes(), &high),
            "seed {seed}: the high-S twin of a valid signature verifies"
        );
        assert_eq!(canonical_signature(SignatureAlgorithm::Es256, high), sig);
    }
}

#[test]
fn issuer_signatures_are_low_s_and_the_high_twin_is_refused() {
    for seed in 1u8..=16 {
        let signer = P256IssuerKey::from_scalar(&[seed; 32]).expect("scalar");
        let vk = signer.public_key().verifying_key().expect("key");
        let bytes = Sign1::sign(b"\xa0", None, &signer).expect("sign");
        let parsed = Sign1::parse(&bytes, 1024, None).expect("parse");
        assert!(!is_high(parsed.signature()), "Sign1::sign emits low S");
        assert!(parsed.verify(&vk));
        // The same message with s replaced by n − s: the signature is at the end.
        let high = twin(parsed.signature());
        let mut forged = bytes.clone();
        let at = forged.len() - 64;
        forged[at..].copy_from_slice(&high);
        let reparsed = Sign1::parse(&forged, 1024, None).expect("well-formed");
        assert!(
            !reparsed.verify(&vk),
            "seed {seed}: high-S issuer signature verifies"
        );
        assert_eq!(
            reparsed.verify_with(&signer.public_key(), &[]),
            Ok(false),
            "verify_with goes through the same table"
        );
    }
}

#[test]
fn canonical_signature_leaves_other_algorithms_and_garbage_alone() {
    let junk = vec![0xffu8; 64];
    assert_eq!(
        canonical_signature(SignatureAlgorithm::Es256, junk.clone()),
        junk
    );
    assert_eq!(
        canonical_signature(SignatureAlgorithm::Ed25519, junk.clone()),
        junk
    );
    assert_eq!(
        canonical_signature(SignatureAlgorithm::Sm2, vec![1, 2]),
        vec![1, 2]
    );
}
