//! Fixed keys, trust store, status list and verifier shared by the fuzz targets
//! and the seed generator (`cargo run --example gen_seeds`).
//!
//! Everything is derived from fixed public seeds so that a seed input made by
//! the generator verifies as *valid* against the fixture the targets use: the
//! fuzzer then starts from the deepest code path and mutates outwards.

use std::sync::{Arc, OnceLock};

use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::Ed25519DeviceSigner;
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::status::{list_uri, StatusList, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::{Policy, Verifier};

/// 2026-01-01 00:00:00 UTC: issue time of every seed.
pub const NOW: UnixTime = UnixTime(1_767_225_600);
/// 居民身份证 type code in the built-in registry.
pub const ID_CARD: &str = "11100000000013338W901";
/// 营业执照 type code.
pub const BUSINESS: &str = "11100000000013338W902";
/// 健康证明 type code.
pub const HEALTH: &str = "11100000000013338W903";
/// The issuing authority's USCC.
pub const ISSUER_CODE: &str = "11370100004307520K";

/// The pinned root key of the trust list.
pub fn root_key() -> IssuerKey {
    IssuerKey::from_seed(&[0x52; 32])
}

/// The issuer key (trusted for all three built-in types).
pub fn issuer_key() -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&[0x11; 32]))
}

/// The holder's phone key.
pub fn holder() -> Arc<Ed25519DeviceSigner> {
    Arc::new(Ed25519DeviceSigner::from_seed(&[0x22; 32]))
}

/// The issuer.
pub fn issuer() -> Issuer {
    #[allow(clippy::expect_used)]
    let code = Uscc::parse(ISSUER_CODE).expect("valid USCC");
    Issuer::new(issuer_key(), "济南市公安局", code)
}

/// The trust-list entry of the issuer key.
pub fn trusted_issuer() -> TrustedIssuer {
    TrustedIssuer {
        public_key: issuer_key().public_key(),
        name_zh: "济南市公安局".into(),
        name_en: "Jinan Public Security Bureau".into(),
        code: ISSUER_CODE.into(),
        region: "370100".into(),
        types: vec![ID_CARD.into(), BUSINESS.into(), HEALTH.into()],
        not_before: 0,
        not_after: None,
    }
}

/// The trust store as signed by the root (issued at `NOW`, one year long).
pub fn trust_store() -> TrustStore {
    TrustStore {
        issuers: vec![trusted_issuer()],
        issued_at: NOW,
        expires: Some(NOW.plus(365 * 86_400)),
    }
}

/// A signed status list token for list 1 (index 42 revoked, 43 suspended).
pub fn status_token() -> Vec<u8> {
    let mut list = StatusList::new(1024, 2).unwrap_or_else(|_| unreachable!());
    let _ = list.set_status(42, StatusValue::Invalid);
    let _ = list.set_status(43, StatusValue::Suspended);
    StatusToken::sign(
        &list,
        &list_uri(ISSUER_CODE, 1),
        NOW,
        Some(86_400),
        None,
        issuer_key().as_ref(),
    )
    .unwrap_or_default()
}

/// The verifier every verify target uses: the trust store plus list 1.
pub fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let mut v = Verifier::new(trust_store());
        let _ = v.add_status_list(&status_token());
        v
    })
}

/// The verifier's policy: 5 s after `NOW`.
pub fn policy() -> Policy {
    Policy::at(NOW.plus(5))
}

fn claims(json: &str) -> Claims {
    #[allow(clippy::expect_used)]
    serde_json::from_str(json).expect("fixture claims are valid")
}

/// A 居民身份证 (status list 1, index 7).
pub fn id_card_claims() -> Claims {
    claims(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01", "status": {"list": 1, "index": 7},
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
}

/// A 营业执照 (no status reference).
pub fn business_claims() -> Claims {
    claims(
        r#"{"type": "cn.business-license", "license_number": "330100000123456",
        "valid_from": "2018-06-01",
        "fields": {"uscc": "91330100MA2H3L4P5A", "name": "杭州示例科技有限公司",
        "entity_type": "有限责任公司", "legal_rep": "李四", "capital": "100万元人民币",
        "established": "2018-06-01", "term_end": "长期",
        "scope": "技术开发、技术服务、技术咨询；软件开发；信息系统集成服务",
        "domicile": "浙江省杭州市西湖区文三路90号", "registrar": "杭州市市场监督管理局"}}"#,
    )
}

/// A 健康证明 (status list 1, index 42: revoked).
pub fn health_claims() -> Claims {
    claims(
        r#"{"type": "cn.health-certificate", "license_number": "JK2026370100088",
        "valid_from": "2025-06-15", "valid_until": "2026-06-14", "status": {"list": 1, "index": 42},
        "fields": {"name": "王小红", "sex": "女", "age": "28", "id_number": "370102199806150028",
        "category": "食品", "employer": "济南泉城餐饮管理有限公司", "exam_date": "2025-06-15",
        "exam_institution": "济南市疾病预防控制中心"}}"#,
    )
}
