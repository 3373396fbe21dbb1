//! Fixtures shared by the benches: fixed keys, three issuers' worth of claims,
//! a trust store, and helpers to build presentations of either the full
//! credential or an issuer-signed view. Nothing here is timed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use liangzheng::credential::{Claims, IssuedLicense, Issuer};
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::presentation::{transcript, HolderProof, Presentation, DEFAULT_LIFETIME_SECS};
use liangzheng::qr::{self, QrKind};
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};

/// 2026-01-01 00:00 UTC.
pub const NOW: UnixTime = UnixTime(1_767_225_600);
/// Type codes of the built-in types.
pub const ID_CARD: &str = "11100000000013338W901";
/// 营业执照.
pub const BUSINESS: &str = "11100000000013338W902";
/// 健康证明.
pub const HEALTH: &str = "11100000000013338W903";
const CODE: &str = "11370100004307520K";

pub fn issuer_key() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[1; 32]))
}

pub fn holder(i: u32) -> Arc<Ed25519DeviceSigner> {
    let mut seed = [2u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    Arc::new(Ed25519DeviceSigner::from_seed(&seed))
}

/// The SM2 issuer key (国密 suite).
pub fn sm2_issuer_key() -> Arc<liangzheng::keys::Sm2IssuerKey> {
    Arc::new(liangzheng::keys::Sm2IssuerKey::from_scalar(&[1; 32]).unwrap())
}

/// An SM2 holder key.
pub fn sm2_holder(i: u32) -> Arc<liangzheng::holder::Sm2DeviceSigner> {
    let mut seed = [2u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    Arc::new(liangzheng::holder::Sm2DeviceSigner::from_scalar(&seed).unwrap())
}

/// The issuer with the SM2 key.
pub fn sm2_issuer() -> Issuer {
    Issuer::new(sm2_issuer_key(), "济南市公安局", Uscc::parse(CODE).unwrap())
}

/// A trust store with the SM2 issuer key.
pub fn sm2_trust() -> TrustStore {
    let mut t = trust();
    t.issuers[0].public_key = sm2_issuer_key().public_key();
    t
}

/// Issues a license of `type_code` with the SM2 issuer, bound to `holder` if given.
pub fn issue_sm2(type_code: &str, holder: Option<&dyn DeviceSigner>) -> IssuedLicense {
    let key = holder.map(|h| h.public_key());
    sm2_issuer()
        .issue(&claims(type_code), key.as_ref(), NOW)
        .unwrap()
}

pub fn issuer() -> Issuer {
    Issuer::new(issuer_key(), "济南市公安局", Uscc::parse(CODE).unwrap())
}

pub fn trust() -> TrustStore {
    TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: issuer_key().public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: CODE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into(), BUSINESS.into(), HEALTH.into()],
        not_before: 0,
        not_after: None,
    }])
}

/// Claims of one license of each built-in type, as in the demo.
pub fn claims(type_code: &str) -> Claims {
    let json = match type_code {
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
            "established": "2018-06-01", "term_end": "长期",
            "scope": "技术开发、技术服务、技术咨询；软件开发；信息系统集成服务",
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

/// Issues a license of `type_code`, bound to `holder` if given.
pub fn issue(type_code: &str, holder: Option<&Ed25519DeviceSigner>) -> IssuedLicense {
    let key = holder.map(|h| h.public_key());
    issuer()
        .issue(&claims(type_code), key.as_ref(), NOW)
        .unwrap()
}

/// Field keys of a type, in schema order.
pub fn field_keys(type_code: &str) -> Vec<String> {
    let reg = Registry::builtin();
    let ty = reg.get(type_code).unwrap();
    ty.fields.iter().map(|f| f.key.clone()).collect()
}

/// A presentation of `fields` built from the *full* credential (never a view),
/// signed by `holder` when the credential is holder-bound.
pub fn present_full(
    license: &IssuedLicense,
    type_code: &str,
    fields: &[&str],
    holder: Option<&Ed25519DeviceSigner>,
) -> String {
    let reg = Registry::builtin();
    let ty = reg.get(type_code).unwrap();
    let ids: Vec<u32> = fields.iter().map(|k| ty.field(k).unwrap().id).collect();
    let mut chosen = Vec::new();
    let mut chosen_ids = Vec::new();
    for d in &license.disclosures {
        let p = Disclosure::parse(d).unwrap();
        if ids.contains(&p.field_id) {
            chosen.push(d.clone());
            chosen_ids.push(p.field_id);
        }
    }
    let proof = holder.map(|h| {
        let t = transcript(
            liangzheng::alg::DigestAlgorithm::Sha256,
            &license.credential,
            &chosen_ids,
            NOW,
            DEFAULT_LIFETIME_SECS,
            None,
        );
        HolderProof {
            time: NOW,
            lifetime: DEFAULT_LIFETIME_SECS,
            signature: h.sign(&t).unwrap(),
            nonce: None,
        }
    });
    let p = Presentation {
        credential: license.credential.clone(),
        disclosures: chosen,
        proof,
    };
    qr::encode_text(QrKind::Presentation, &p.to_bytes())
}
