//! HSM signing through PKCS#11 against SoftHSM2: Ed25519 (CKM_EDDSA) and
//! P-256 (CKM_ECDSA, low-S) issuer keys sign credentials, views and status
//! lists, an Ed25519 root key in the token signs the trust list, and core's
//! verifier accepts them; P-256 signatures also verify with the p256 crate.
//! Needs `SOFTHSM2_CONF` (a temp token dir) and `LZ_PKCS11_MODULE`, set by
//! `scripts/test-registry.sh`; run with `--include-ignored`. Without them the
//! test fails loudly.

mod suite;

use std::path::PathBuf;
use std::sync::Arc;

use liangzheng::alg::{PublicKey, SignatureAlgorithm};
use liangzheng::credential::{Claims, Issuer, StatusRefJson};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{verify_ed25519_strict, IssuerSigner};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{Policy, Verdict, Verifier};
use liangzheng::wallet::Wallet;
use lz_registry::pkcs11::{generate_key, init_token, HsmAlgorithm, Pkcs11Config, Pkcs11Key};
use lz_registry::publish::{publish, PublishOptions};
use lz_registry::*;
use zeroize::Zeroizing;

const NOW: UnixTime = UnixTime(1_767_225_600);
const ID_CARD: &str = "11100000000013338W901";

fn module() -> PathBuf {
    std::env::var("SOFTHSM2_CONF").unwrap_or_else(|_| {
        panic!(
            "SOFTHSM2_CONF is not set: HSM tests need the token dir scripts/test-registry.sh makes"
        )
    });
    PathBuf::from(std::env::var("LZ_PKCS11_MODULE").unwrap_or_else(|_| {
        panic!(
            "LZ_PKCS11_MODULE is not set: HSM tests need libsofthsm2.so (scripts/test-registry.sh)"
        )
    }))
}

fn claims(n: usize) -> Claims {
    let (id, birth) = suite::person(n);
    serde_json::from_value(serde_json::json!({
        "type": "cn.resident-id-card",
        "license_number": id.clone(),
        "serial": format!("S{n:06}"),
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": birth,
            "address": "山东省济南市历下区泉城路1号", "id_number": id,
            "authority": "济南市公安局历下分局"}
    }))
    .expect("claims")
}

fn trusted(public_key: liangzheng::alg::PublicKey) -> TrustedIssuer {
    TrustedIssuer {
        public_key,
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: suite::CODE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into()],
        not_before: 0,
        not_after: None,
    }
}

#[test]
#[ignore = "needs SoftHSM2: run by scripts/test-registry.sh (--include-ignored)"]
fn hsm_keys_sign_everything_core_verifies() {
    let module = module();
    let so = Zeroizing::new("so-pin-for-tests".to_string());
    let pin = Zeroizing::new("user-pin-for-tests".to_string());
    let token = format!("lz-test-{}", std::process::id());
    init_token(&module, &token, &so, &pin).expect("init token");
    for (label, alg) in [
        ("issuer-ed", HsmAlgorithm::Ed25519),
        ("root-ed", HsmAlgorithm::Ed25519),
        ("issuer-p256", HsmAlgorithm::P256),
    ] {
        generate_key(&module, &token, &pin, label, alg).expect("keygen");
    }
    let config = |label: &str| Pkcs11Config {
        module: module.clone(),
        token_label: Some(token.clone()),
        key_label: label.into(),
        sessions: 2,
    };
    // A wrong PIN is a typed error.
    let bad = Pkcs11Key::open(&config("issuer-ed"), &Zeroizing::new("wrong".into()));
    assert!(matches!(bad, Err(RegistryError::Pkcs11(_))), "{bad:?}");
    let missing = Pkcs11Key::open(&config("no-such-key"), &pin);
    assert!(
        matches!(missing, Err(RegistryError::Pkcs11(_))),
        "{missing:?}"
    );

    // --- P-256 at the PKCS#11 level (CKM_ECDSA over SHA-256), checked by the p256 crate.
    let p256_key = Pkcs11Key::open(&config("issuer-p256"), &pin).expect("open p256");
    assert_eq!(p256_key.algorithm(), HsmAlgorithm::P256);
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(p256_key.public_key_bytes())
        .expect("SEC1 public key");
    let msg = b"Sig_structure stand-in";
    let sig = p256_key.sign_raw(msg).expect("sign p256");
    let sig = p256::ecdsa::Signature::from_slice(&sig).expect("r||s");
    use p256::ecdsa::signature::Verifier as _;
    vk.verify(msg, &sig).expect("P-256 signature verifies");
    assert!(vk.verify(b"another message", &sig).is_err());

    // --- P-256 through the same IssuerSigner path: raw r‖s, always low-S.
    let p256_signer: Arc<dyn IssuerSigner> = Pkcs11Key::open(&config("issuer-p256"), &pin)
        .expect("open p256")
        .into_issuer_signer()
        .expect("P-256 HSM key is an issuer signer");
    assert_eq!(p256_signer.algorithm(), SignatureAlgorithm::Es256);
    assert_eq!(
        p256_signer.public_key(),
        PublicKey::p256_from_sec1(vk.to_encoded_point(false).as_bytes()).expect("point")
    );
    let half_n = p256_n_half();
    for i in 0..64u32 {
        let m = i.to_be_bytes();
        let raw = p256_signer.sign(&m).expect("sign p256");
        assert!(
            raw[32..] <= half_n[..],
            "s is in the low half (signature {i})"
        );
        assert!(
            p256_signer.public_key().verify(&m, &raw),
            "ES256 signature {i} verifies with core"
        );
    }

    // --- Ed25519 issuer and root keys in the token.
    let hsm_issuer = Pkcs11Key::open(&config("issuer-ed"), &pin).expect("open ed25519");
    assert_eq!(hsm_issuer.algorithm(), HsmAlgorithm::Ed25519);
    let raw = hsm_issuer.sign_raw(msg).expect("sign");
    assert!(verify_ed25519_strict(
        hsm_issuer.public_key_bytes(),
        msg,
        &raw
    ));
    let signer: Arc<dyn IssuerSigner> = hsm_issuer.into_issuer_signer().expect("signer");
    let root: Arc<dyn IssuerSigner> = Pkcs11Key::open(&config("root-ed"), &pin)
        .expect("open root")
        .into_issuer_signer()
        .expect("root signer");

    // Each issuer key in the token (Ed25519, then P-256) signs credentials,
    // views and a status list under a trust list the HSM root signed.
    for issuer_signer in [signer.clone(), p256_signer.clone()] {
        issue_publish_verify(issuer_signer, root.clone());
    }

    // Signatures per second through the token (reported by the bench script; here: it works on 2 sessions in parallel).
    use rayon::prelude::*;
    let ok = (0..64u32)
        .into_par_iter()
        .filter(|i| {
            let m = i.to_be_bytes();
            signer
                .sign(&m)
                .is_ok_and(|s| verify_ed25519_strict(signer.public_key().as_bytes(), &m, &s))
        })
        .count();
    assert_eq!(ok, 64);
}

/// Trust list signed by `root`, two holder-bound ID cards issued with `signer`
/// (credentials and views), license 1 revoked, a status list published with
/// `signer`, license 2 revoked after the publish; core's verifier sees exactly
/// the revocation made before the publish.
fn issue_publish_verify(signer: Arc<dyn IssuerSigner>, root: Arc<dyn IssuerSigner>) {
    // Trust list signed by the root key in the HSM.
    let trust_bytes = TrustStore::from_issuers(vec![trusted(signer.public_key())])
        .sign(root.as_ref())
        .expect("sign trust list");
    let trust =
        TrustStore::from_signed(&trust_bytes, &root.public_key()).expect("trust list verifies");

    // Registry-allocated slots, credentials and views signed in the HSM.
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db");
    let mut store = open(&db.to_string_lossy(), &OpenOptions::default()).expect("open");
    store.init(&suite::config(1024), NOW.0).expect("init");
    let issuer = Issuer::new(
        signer.clone(),
        "济南市公安局",
        Uscc::parse(suite::CODE).expect("uscc"),
    );
    let phone_a = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
    let phone_b = Arc::new(Ed25519DeviceSigner::from_seed(&[3; 32]));
    let mut wallets = Vec::new();
    for (n, phone) in [(1usize, phone_a), (2, phone_b)] {
        let mut c = claims(n);
        let rec = match &store
            .record(&[NewLicense {
                request_id: format!("hsm-{n}"),
                license_type: "cn.resident-id-card".into(),
                license_number: c.license_number.clone(),
                holder_fingerprint: Some(holder_fingerprint(&phone.public_key())),
                key_id: signer.key_id().to_hex(),
                issued_at: NOW.0,
                valid_from: "2020-01-01".into(),
                valid_until: Some("2040-01-01".into()),
            }])
            .expect("record")[0]
        {
            Recorded::New(r) => r.clone(),
            other => panic!("{other:?}"),
        };
        c.status = Some(StatusRefJson {
            list: rec.list,
            index: rec.index,
        });
        let license = issuer
            .issue(&c, Some(&phone.public_key()), NOW)
            .expect("issue in HSM");
        assert!(!license.views.is_empty(), "views are signed too");
        let mut w = Wallet::new(phone.clone());
        w.add(license).expect("wallet");
        wallets.push(w);
    }
    // Revoke license 1, publish (signed in the HSM), then revoke license 2.
    store
        .change_status(&ChangeRequest {
            license: LicenseKey {
                number: claims(1).license_number,
                license_type: None,
            },
            action: Action::Revoke,
            reason: Reason::Lost,
            actor: "op".into(),
            note: String::new(),
            at: NOW.0,
        })
        .expect("revoke 1");
    let pubs = publish(
        store.as_mut(),
        &PublishOptions {
            signer: signer.clone(),
            ttl: Some(86_400),
            now: NOW.0,
            lists: None,
        },
    )
    .expect("publish");
    store
        .change_status(&ChangeRequest {
            license: LicenseKey {
                number: claims(2).license_number,
                license_type: None,
            },
            action: Action::Revoke,
            reason: Reason::Cancelled,
            actor: "op".into(),
            note: String::new(),
            at: NOW.0 + 1,
        })
        .expect("revoke 2 after publish");
    let mut verifier = Verifier::new(trust);
    for p in &pubs {
        verifier
            .add_status_list(&p.token)
            .expect("HSM-signed status list accepted");
    }
    let policy = Policy::at(NOW);
    // View (name + id number) and full credential (name + address) of each license.
    for (fields, what) in [
        (&["name", "id_number"][..], "view"),
        (&["name", "address"][..], "full"),
    ] {
        let r1 = verifier.verify_text(
            &wallets[0].present(0, fields, NOW).expect("present"),
            &policy,
        );
        assert_eq!(
            r1.verdict,
            Verdict::Invalid,
            "{what}: revoked before publish: {:?}",
            r1.first_problem()
        );
        let r2 = verifier.verify_text(
            &wallets[1].present(0, fields, NOW).expect("present"),
            &policy,
        );
        assert_eq!(
            r2.verdict,
            Verdict::Valid,
            "{what}: revoked after publish: {:?}",
            r2.first_problem()
        );
    }
}

/// n/2 of P-256 (big-endian), the largest low-S value.
fn p256_n_half() -> [u8; 32] {
    let n: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    let mut half = [0u8; 32];
    let mut carry = 0u8;
    for (h, b) in half.iter_mut().zip(n) {
        *h = (b >> 1) | (carry << 7);
        carry = b & 1;
    }
    half
}
