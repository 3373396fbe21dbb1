//! 国密 end to end: every license type issued with an SM2 issuer key, presented
//! with an SM2 holder key, trusted through a trust list signed by an SM2 root,
//! revoked through status lists signed by SM2 issuers, requests signed with SM2;
//! and for every pair of algorithms, a key of one never verifies a signature of
//! another.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use liangzheng::alg::{DigestAlgorithm, PublicKey, SignatureAlgorithm, Suite, COSE_ALG_SM2};
use liangzheng::cbor::read;
use liangzheng::cose::Sign1;
use liangzheng::credential::{Claims, Credential, Issuer};
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{
    DeviceSigner, Ed25519DeviceSigner, HolderPublicKey, P256DeviceSigner, Sm2DeviceSigner,
};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner, P256IssuerKey, Sm2IssuerKey};
use liangzheng::presentation::Presentation;
use liangzheng::qr::{self, QrKind};
use liangzheng::request::{ReceivedRequest, Request};
use liangzheng::status::{list_uri, StatusError, StatusList, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustError, TrustStore, TrustedIssuer};
use liangzheng::verify::{CheckKind, Outcome, Policy, Report, Verdict, Verifier};
use liangzheng::wallet::Wallet;

const NOW: UnixTime = UnixTime(1_767_225_600);
const POLICE: &str = "11370100004307520K";
const ID_CARD: &str = "11100000000013338W901";
const BUSINESS: &str = "11100000000013338W902";
const HEALTH: &str = "11100000000013338W903";

fn claims(ty: &str) -> Claims {
    let json = match ty {
        ID_CARD => {
            r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
            "valid_from": "2020-05-12", "valid_until": "2040-05-12", "status": {"list": 1, "index": 42},
            "fields": {"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
            "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
            "authority": "济南市公安局历下分局"}}"#
        }
        BUSINESS => {
            r#"{"type": "cn.business-license", "license_number": "330100000123456",
            "valid_from": "2018-06-01", "status": {"list": 1, "index": 7},
            "fields": {"uscc": "91330100MA2H3L4P5A", "name": "杭州示例科技有限公司",
            "entity_type": "有限责任公司", "legal_rep": "李四", "capital": "100万元人民币",
            "established": "2018-06-01", "term_end": "长期", "scope": "技术开发、技术服务",
            "domicile": "浙江省杭州市西湖区文三路90号", "registrar": "杭州市市场监督管理局"}}"#
        }
        _ => {
            r#"{"type": "cn.health-certificate", "license_number": "JK2026370100088",
            "valid_from": "2025-06-15", "valid_until": "2026-06-14", "status": {"list": 1, "index": 3},
            "fields": {"name": "王小红", "sex": "女", "age": "28", "id_number": "370102199806150028",
            "category": "食品", "employer": "济南泉城餐饮管理有限公司", "exam_date": "2025-06-15",
            "exam_institution": "济南市疾病预防控制中心"}}"#
        }
    };
    serde_json::from_str(json).unwrap()
}

fn entry(key: PublicKey) -> TrustedIssuer {
    TrustedIssuer {
        public_key: key,
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: POLICE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into(), BUSINESS.into(), HEALTH.into()],
        not_before: 0,
        not_after: None,
    }
}

/// The SM2 world: root, issuer and holder keys all SM2.
struct Sm2World {
    root: Sm2IssuerKey,
    key: Arc<Sm2IssuerKey>,
    issuer: Issuer,
    holder: Arc<Sm2DeviceSigner>,
}

fn sm2_world() -> Sm2World {
    let key = Arc::new(Sm2IssuerKey::from_scalar(&[0x31; 32]).unwrap());
    Sm2World {
        root: Sm2IssuerKey::from_scalar(&[0x30; 32]).unwrap(),
        issuer: Issuer::new(key.clone(), "济南市公安局", Uscc::parse(POLICE).unwrap()),
        key,
        holder: Arc::new(Sm2DeviceSigner::from_scalar(&[0x32; 32]).unwrap()),
    }
}

impl Sm2World {
    fn signed_trust_list(&self) -> Vec<u8> {
        let store = TrustStore {
            issuers: vec![entry(self.key.public_key())],
            issued_at: NOW.minus(86_400),
            expires: Some(NOW.plus(86_400 * 30)),
        };
        store.sign(&self.root).unwrap()
    }

    fn verifier(&self) -> Verifier {
        let trust = TrustStore::from_signed(&self.signed_trust_list(), &self.root.public_key())
            .expect("SM2 root verifies its trust list");
        Verifier::new(trust)
    }

    fn status_list(&self, revoked: &[usize]) -> Vec<u8> {
        let mut list = StatusList::new(64, 2).unwrap();
        for r in revoked {
            list.set_status(*r, StatusValue::Invalid).unwrap();
        }
        StatusToken::sign(
            &list,
            &list_uri(POLICE, 1),
            NOW.minus(60),
            Some(86_400),
            None,
            self.key.as_ref(),
        )
        .unwrap()
    }
}

fn protected_alg(cose: &[u8]) -> i64 {
    let v: ciborium::value::Value = ciborium::de::from_reader(cose).unwrap();
    let ciborium::value::Value::Tag(18, inner) = v else {
        panic!("tag 18")
    };
    let items = read::array(&inner).unwrap();
    let header: ciborium::value::Value =
        ciborium::de::from_reader(read::bytes(&items[0]).unwrap()).unwrap();
    read::get(read::map(&header).unwrap(), 1)
        .and_then(read::int)
        .unwrap()
}

fn check(report: &Report, kind: CheckKind) -> &Outcome {
    &report
        .checks
        .iter()
        .find(|c| c.kind == kind)
        .unwrap()
        .outcome
}

#[test]
fn all_three_license_types_issue_present_and_verify_under_sm2() {
    let w = sm2_world();
    let mut verifier = w.verifier();
    verifier.add_status_list(&w.status_list(&[])).unwrap();
    let mut wallet = Wallet::new(w.holder.clone());
    for (i, ty) in [ID_CARD, BUSINESS, HEALTH].into_iter().enumerate() {
        let license = w
            .issuer
            .issue(&claims(ty), Some(&w.holder.public_key()), NOW.minus(3600))
            .unwrap();
        // The credential says SM2 and is digested with SM3.
        assert_eq!(protected_alg(&license.credential), COSE_ALG_SM2);
        let cred = Credential::parse(&license.credential).unwrap();
        assert_eq!(cred.suite(), Suite::SM2_SM3);
        assert_eq!(cred.sign1.key_id(), Some(w.key.key_id()));
        for d in &license.disclosures {
            let d = Disclosure::parse(d).unwrap();
            assert!(cred.commits_to(&d.digest(DigestAlgorithm::Sm3)));
            assert!(!cred.commits_to(&d.digest(DigestAlgorithm::Sha256)));
        }
        assert!(matches!(cred.holder, Some(HolderPublicKey::Sm2(_))));
        let index = wallet.add(license).unwrap();
        assert_eq!(index, i);
        let qr = wallet.present(index, &["name"], NOW).unwrap();
        let report = verifier.verify_text(&qr, &Policy::at(NOW.plus(5)));
        assert_eq!(report.verdict, Verdict::Valid, "{ty}: {}", report.summary());
        assert_eq!(check(&report, CheckKind::HolderSignature), &Outcome::Passed);
        assert_eq!(check(&report, CheckKind::Status), &Outcome::Passed);
        assert_eq!(report.fields.len(), 1);
    }
}

#[test]
fn sm2_status_lists_revoke_and_a_forged_one_is_refused() {
    let w = sm2_world();
    let license = w
        .issuer
        .issue(
            &claims(ID_CARD),
            Some(&w.holder.public_key()),
            NOW.minus(3600),
        )
        .unwrap();
    let mut wallet = Wallet::new(w.holder.clone());
    wallet.add(license).unwrap();
    let qr = wallet.present(0, &["name", "id_number"], NOW).unwrap();

    let mut verifier = w.verifier();
    let token = w.status_list(&[42]);
    assert_eq!(protected_alg(&token), COSE_ALG_SM2);
    verifier.add_status_list(&token).unwrap();
    let report = verifier.verify_text(&qr, &Policy::at(NOW.plus(5)));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.first_problem().unwrap().1.code(), "revoked");

    // The same list signed by an Ed25519 key labelled with the SM2 issuer's kid.
    let mut verifier = w.verifier();
    let list = StatusList::new(64, 2).unwrap();
    struct Liar(IssuerKey, liangzheng::keys::KeyId);
    impl IssuerSigner for Liar {
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, m: &[u8]) -> Result<[u8; 64], liangzheng::keys::KeyError> {
            self.0.sign(m)
        }
        fn key_id(&self) -> liangzheng::keys::KeyId {
            self.1
        }
    }
    let liar = Liar(IssuerKey::from_seed(&[9; 32]), w.key.key_id());
    let forged =
        StatusToken::sign(&list, &list_uri(POLICE, 1), NOW, Some(60), None, &liar).unwrap();
    assert_eq!(
        verifier.add_status_list(&forged),
        Err(StatusError::BadSignature)
    );
}

#[test]
fn sm2_trust_list_needs_the_sm2_root() {
    let w = sm2_world();
    let signed = w.signed_trust_list();
    assert_eq!(protected_alg(&signed), COSE_ALG_SM2);
    let store = TrustStore::from_signed(&signed, &w.root.public_key()).unwrap();
    assert_eq!(store.issuers[0].public_key, w.key.public_key());
    assert_eq!(
        store.issuers[0].public_key.algorithm(),
        SignatureAlgorithm::Sm2
    );
    // Another SM2 key, or a key of another algorithm, is not the root.
    let other = Sm2IssuerKey::from_scalar(&[0x33; 32]).unwrap();
    assert_eq!(
        TrustStore::from_signed(&signed, &other.public_key()),
        Err(TrustError::WrongRoot)
    );
    assert_eq!(
        TrustStore::from_signed(&signed, &IssuerKey::from_seed(&[0x30; 32]).public_key()),
        Err(TrustError::WrongRoot)
    );
    // A flipped signature bit is a bad signature.
    let mut bad = signed.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        TrustStore::from_signed(&bad, &w.root.public_key()),
        Err(TrustError::BadSignature)
    );
}

#[test]
fn sm2_signed_requests_bind_with_sm3_and_verify_with_the_sm2_key() {
    let w = sm2_world();
    let license = w
        .issuer
        .issue(
            &claims(ID_CARD),
            Some(&w.holder.public_key()),
            NOW.minus(3600),
        )
        .unwrap();
    let mut wallet = Wallet::new(w.holder.clone());
    wallet.add(license).unwrap();
    let verifier_key = Sm2IssuerKey::from_scalar(&[0x40; 32]).unwrap();
    let mut rng = rand_core::OsRng;
    let request = Request::new(
        "91370100MA3C4D5E6F",
        "某银行济南分行",
        "开户核验身份",
        ID_CARD,
        vec![3, 8],
        NOW,
        &mut rng,
    )
    .unwrap();
    let body = request.to_signed_bytes(&verifier_key).unwrap();
    assert_eq!(protected_alg(&body), COSE_ALG_SM2);
    let received = ReceivedRequest::parse(&body).unwrap();
    assert!(received.verify_signature(&verifier_key.public_key()));
    assert!(!received.verify_signature(&IssuerKey::from_seed(&[0x40; 32]).public_key()));
    assert_eq!(
        received.signature_algorithm(),
        Some(SignatureAlgorithm::Sm2)
    );
    let qr = wallet
        .respond(0, &received, &["name", "id_number"], NOW)
        .unwrap();
    let mut verifier = w.verifier();
    verifier.add_status_list(&w.status_list(&[])).unwrap();
    verifier.expect_request(received.clone());
    let report = verifier.verify_text(&qr, &Policy::at(NOW.plus(5)));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.summary());
    // The transcript binds the request with SM3 (the credential's suite), so
    // a SHA-256-bound answer would not verify: check the digest is SM3's.
    assert_ne!(
        received.hash_with(DigestAlgorithm::Sm3),
        received.hash_with(DigestAlgorithm::Sha256)
    );
}

#[test]
fn holder_keys_of_every_algorithm_work_with_every_issuer_algorithm() {
    let issuers: Vec<Arc<dyn IssuerSigner>> = vec![
        Arc::new(IssuerKey::from_seed(&[1; 32])),
        Arc::new(P256IssuerKey::from_scalar(&[1; 32]).unwrap()),
        Arc::new(Sm2IssuerKey::from_scalar(&[1; 32]).unwrap()),
    ];
    let holders: Vec<Arc<dyn DeviceSigner>> = vec![
        Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32])),
        Arc::new(P256DeviceSigner::from_scalar(&[2; 32]).unwrap()),
        Arc::new(Sm2DeviceSigner::from_scalar(&[2; 32]).unwrap()),
    ];
    for key in &issuers {
        let issuer = Issuer::new(key.clone(), "济南市公安局", Uscc::parse(POLICE).unwrap());
        let verifier = Verifier::new(TrustStore::from_issuers(vec![entry(key.public_key())]));
        for holder in &holders {
            let mut c = claims(ID_CARD);
            c.status = None;
            let license = issuer
                .issue(&c, Some(&holder.public_key()), NOW.minus(60))
                .unwrap();
            let mut wallet = Wallet::new(holder.clone());
            wallet.add(license).unwrap();
            let qr = wallet.present(0, &["name"], NOW).unwrap();
            let report = verifier.verify_text(&qr, &Policy::at(NOW.plus(1)));
            assert_eq!(
                report.verdict,
                Verdict::Valid,
                "issuer {} holder {}: {}",
                key.algorithm(),
                holder.public_key().algorithm(),
                report.summary()
            );
            // The holder proof is bound: a flipped bit in the holder signature fails.
            let body = qr::decode_text(&qr).unwrap().body;
            let mut p = Presentation::parse(&body).unwrap();
            if let Some(proof) = p.proof.as_mut() {
                proof.signature[10] ^= 1;
            }
            let report = verifier.verify_body(&p.to_bytes(), &Policy::at(NOW.plus(1)));
            assert_eq!(
                report.first_problem().unwrap().1.code(),
                "bad_holder_signature"
            );
        }
    }
}

#[test]
fn no_trusted_key_verifies_a_credential_of_another_algorithm() {
    // For every (signing algorithm, trusted key algorithm) pair: a credential
    // whose kid names the trusted key but whose header and signature are of the
    // signing algorithm. Same algorithm (and same key): valid. Otherwise:
    // key_algorithm_mismatch, never valid.
    let signers: Vec<Arc<dyn IssuerSigner>> = vec![
        Arc::new(IssuerKey::from_seed(&[5; 32])),
        Arc::new(P256IssuerKey::from_scalar(&[5; 32]).unwrap()),
        Arc::new(Sm2IssuerKey::from_scalar(&[5; 32]).unwrap()),
    ];
    struct Labelled(Arc<dyn IssuerSigner>, liangzheng::keys::KeyId);
    impl IssuerSigner for Labelled {
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, m: &[u8]) -> Result<[u8; 64], liangzheng::keys::KeyError> {
            self.0.sign(m)
        }
        fn key_id(&self) -> liangzheng::keys::KeyId {
            self.1
        }
    }
    for signer in &signers {
        for trusted in &signers {
            let labelled = Arc::new(Labelled(signer.clone(), trusted.key_id()));
            let issuer = Issuer::new(labelled, "济南市公安局", Uscc::parse(POLICE).unwrap());
            let mut c = claims(ID_CARD);
            c.status = None;
            // ID cards must be holder-bound (the type says so).
            let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[7; 32]));
            let license = issuer
                .issue(&c, Some(&phone.public_key()), NOW.minus(60))
                .unwrap();
            let mut wallet = Wallet::new(phone);
            wallet.add(license.clone()).unwrap();
            let qr = wallet.present(0, &["name"], NOW).unwrap();
            let verifier =
                Verifier::new(TrustStore::from_issuers(vec![entry(trusted.public_key())]));
            let report = verifier.verify_text(&qr, &Policy::at(NOW));
            let (sa, ta) = (signer.algorithm(), trusted.algorithm());
            if sa == ta {
                assert_eq!(
                    report.verdict,
                    Verdict::Valid,
                    "{sa}/{ta}: {}",
                    report.summary()
                );
            } else {
                assert_eq!(
                    report.verdict,
                    Verdict::Invalid,
                    "{sa} signed, {ta} trusted"
                );
                assert_eq!(
                    report.first_problem().map(|(k, e)| (k, e.code())),
                    Some((CheckKind::IssuerSignature, "key_algorithm_mismatch")),
                    "{sa} signed, {ta} trusted"
                );
                assert!(report.fields.is_empty());
            }
            // And at the COSE layer, whatever the header says.
            let sign1 = Sign1::parse(&license.credential, 8192, None).unwrap();
            let vk = trusted.public_key().verifying_key().unwrap();
            assert_eq!(sign1.verify(&vk), sa == ta, "{sa} signed, {ta} key");
            for alg in SignatureAlgorithm::ALL {
                let raw_ok = vk.verify(alg, &sign1.to_be_signed(&[]), sign1.signature());
                assert_eq!(
                    raw_ok,
                    sa == ta && alg == ta,
                    "{sa} sig, {ta} key, {alg} named"
                );
            }
        }
    }
}

#[test]
fn sm2_presentation_costs_few_bytes_over_ed25519() {
    // The SM2 ID-card identity view differs from the Ed25519 one only by the
    // 5-byte private-use alg id (+4), the 5-byte SM2 curve id in cnf (+4) and
    // the EC2 y-sign member `-3: bool` of the compressed holder point (+2);
    // signatures are 64 bytes in both.
    let sm2 = sm2_world();
    let ed_key = Arc::new(IssuerKey::from_seed(&[0x31; 32]));
    let ed_issuer = Issuer::new(ed_key, "济南市公安局", Uscc::parse(POLICE).unwrap());
    let ed_holder = Arc::new(Ed25519DeviceSigner::from_seed(&[0x32; 32]));
    let size = |issuer: &Issuer, holder: Arc<dyn DeviceSigner>| {
        let license = issuer
            .issue(&claims(ID_CARD), Some(&holder.public_key()), NOW.minus(60))
            .unwrap();
        let mut wallet = Wallet::new(holder);
        wallet.add(license).unwrap();
        let qr = wallet.present(0, &["name", "id_number"], NOW).unwrap();
        let payload = qr::decode_text(&qr).unwrap();
        assert_eq!(payload.kind, QrKind::Presentation);
        payload.body.len()
    };
    let ed = size(&ed_issuer, ed_holder);
    let sm = size(&sm2.issuer, sm2.holder.clone());
    assert_eq!(sm, ed + 10, "SM2 {sm} bytes vs Ed25519 {ed} bytes");
}
