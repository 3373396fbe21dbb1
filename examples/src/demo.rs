//! Demo keys, issuers, claims and trust list (fixed seeds — public, demo only).

use std::sync::Arc;

use liangzheng::credential::{Claims, Issuer};
use liangzheng::holder::{Ed25519DeviceSigner, P256DeviceSigner};
use liangzheng::ids::{Date, Uscc};
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use rand_chacha::rand_core::SeedableRng;

/// 2026-11-23 09:00:00 CST, the demo's "now".
pub const DEMO_NOW: UnixTime = UnixTime(1_795_395_600);

/// Type code of 居民身份证 in the built-in registry.
pub const ID_CARD: &str = "11100000000013338W901";
/// Type code of 营业执照.
pub const BUSINESS: &str = "11100000000013338W902";
/// Type code of 健康证明.
pub const HEALTH: &str = "11100000000013338W903";

/// The 32-byte demo seed of a label (SHA-256 of it).
pub fn seed(label: &str) -> [u8; 32] {
    // Seeds are SHA-256 of a label: public, reproducible, obviously not secret.
    use liangzheng::alg::DigestAlgorithm::Sha256;
    use liangzheng::disclosure::digest;
    let a = digest(Sha256, format!("liangzheng demo seed 1 {label}").as_bytes());
    let b = digest(Sha256, format!("liangzheng demo seed 2 {label}").as_bytes());
    let mut s = [0u8; 32];
    s[..16].copy_from_slice(&a);
    s[16..].copy_from_slice(&b);
    s
}

/// A seeded CSPRNG for salts (reproducible demo output and test vectors).
pub fn rng(label: &str) -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::from_seed(seed(label))
}

/// An issuer key from a public demo seed.
pub fn issuer_key(label: &str) -> Arc<IssuerKey> {
    Arc::new(IssuerKey::from_seed(&seed(label)))
}

/// The root-of-trust key (山东省 platform, demo).
pub fn root_key() -> Arc<IssuerKey> {
    issuer_key("root: 山东省一体化政务服务平台")
}

/// A demo holder's Ed25519 phone key.
pub fn holder_ed25519(label: &str) -> Arc<Ed25519DeviceSigner> {
    Arc::new(Ed25519DeviceSigner::from_seed(&seed(label)))
}

/// A demo holder's P-256 key (as a phone's secure hardware would hold).
pub fn holder_p256(label: &str) -> Arc<P256DeviceSigner> {
    #[allow(clippy::expect_used)]
    Arc::new(
        // RFC 6979 in every build: the demo and the test vectors must be reproducible.
        P256DeviceSigner::from_scalar_rfc6979(&seed(label))
            .expect("a SHA-256 output is a valid P-256 scalar with overwhelming probability"),
    )
}

/// One demo authority: label, name, English name, USCC, region, types.
pub struct Authority {
    /// Seed label of its key.
    pub label: &'static str,
    /// 名称.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// 统一社会信用代码 (checksum-valid, made up for the demo).
    pub code: &'static str,
    /// 行政区划代码.
    pub region: &'static str,
    /// Type codes it may issue.
    pub types: &'static [&'static str],
}

/// The demo authorities.
pub const AUTHORITIES: [Authority; 4] = [
    Authority {
        label: "济南市公安局",
        name_zh: "济南市公安局",
        name_en: "Jinan Municipal Public Security Bureau",
        code: "11370100004307520K",
        region: "370100",
        types: &[ID_CARD],
    },
    Authority {
        label: "杭州市市场监督管理局",
        name_zh: "杭州市市场监督管理局",
        name_en: "Hangzhou Administration for Market Regulation",
        code: "113301000024897012",
        region: "330100",
        types: &[BUSINESS],
    },
    Authority {
        label: "济南市疾病预防控制中心",
        name_zh: "济南市疾病预防控制中心",
        name_en: "Jinan Center for Disease Control and Prevention",
        code: "123701004955708351",
        region: "370100",
        types: &[HEALTH],
    },
    Authority {
        label: "某区卫生院（未授权）",
        name_zh: "某区卫生院",
        name_en: "A district clinic (health certificates only)",
        code: "12370102MB2843650X",
        region: "370102",
        types: &[HEALTH],
    },
];

/// An SM2 (国密) key from a public demo seed: issuer, root or holder (SM2 + SM3 suite).
pub fn sm2_key(label: &str) -> Arc<liangzheng::keys::Sm2IssuerKey> {
    #[allow(clippy::expect_used)]
    Arc::new(
        liangzheng::keys::Sm2IssuerKey::from_scalar(&seed(label))
            .expect("a SHA-256 output is a valid SM2 scalar with overwhelming probability"),
    )
}

/// A demo holder's SM2 key (as a phone secure element holding SM2 keys would).
pub fn holder_sm2(label: &str) -> Arc<liangzheng::holder::Sm2DeviceSigner> {
    #[allow(clippy::expect_used)]
    Arc::new(
        liangzheng::holder::Sm2DeviceSigner::from_scalar(&seed(label))
            .expect("a SHA-256 output is a valid SM2 scalar with overwhelming probability"),
    )
}

/// The demo issuer for an authority.
pub fn issuer(a: &Authority) -> Issuer {
    #[allow(clippy::expect_used)]
    let code = Uscc::parse(a.code).expect("demo USCCs are checksum-valid (tested)");
    Issuer::new(issuer_key(a.label), a.name_zh, code)
}

/// Trust-list entry of an authority's key, valid from 2020-01-01.
pub fn trusted(a: &Authority) -> TrustedIssuer {
    TrustedIssuer {
        public_key: issuer_key(a.label).public_key(),
        name_zh: a.name_zh.into(),
        name_en: a.name_en.into(),
        code: a.code.into(),
        region: a.region.into(),
        types: a.types.iter().map(|t| t.to_string()).collect(),
        not_before: 1_577_836_800,
        not_after: None,
    }
}

/// The demo trust store: all authorities, signed at 2026-11-01, expiring 2027-11-01.
pub fn trust_store() -> TrustStore {
    TrustStore {
        issuers: AUTHORITIES.iter().map(trusted).collect(),
        issued_at: UnixTime(1_793_491_200),
        expires: Some(UnixTime(1_825_027_200)),
    }
}

fn claims(json: &str) -> Claims {
    #[allow(clippy::expect_used)]
    serde_json::from_str(json).expect("demo claims are valid JSON (tested)")
}

/// 居民身份证 for 张三 (made-up person; checksum-valid number).
pub fn id_card_claims() -> Claims {
    claims(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-05-12", "valid_until": "2040-05-12", "status": {"list": 1, "index": 42},
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
}

/// The demo portrait: a synthetic cartoon face drawn by
/// `scripts/gen-synthetic-face.py` (shapes only, no photograph, no real
/// person), 102×126 pixels like the ID card chip photo, baseline JPEG.
pub const SYNTHETIC_FACE: &[u8] = include_bytes!("../data/synthetic-face.jpg");

/// 张三's ID card with the synthetic portrait (field `portrait`, standard Base64 in the claims).
pub fn id_card_with_portrait_claims() -> Claims {
    let mut c = id_card_claims();
    c.fields.insert(
        "portrait".into(),
        liangzheng::b64::encode_standard(SYNTHETIC_FACE),
    );
    c
}

/// 营业执照 for a made-up Hangzhou company.
pub fn business_claims() -> Claims {
    claims(
        r#"{"type": "cn.business-license", "license_number": "330100000123456",
        "valid_from": "2018-06-01", "status": {"list": 1, "index": 7},
        "fields": {"uscc": "91330100MA2H3L4P5A", "name": "杭州示例科技有限公司",
        "entity_type": "有限责任公司", "legal_rep": "李四", "capital": "100万元人民币",
        "established": "2018-06-01", "term_end": "长期",
        "scope": "技术开发、技术服务、技术咨询；软件开发；信息系统集成服务",
        "domicile": "浙江省杭州市西湖区文三路90号", "registrar": "杭州市市场监督管理局"}}"#,
    )
}

/// 健康证明 for a made-up food-trade worker.
pub fn health_claims() -> Claims {
    claims(
        r#"{"type": "cn.health-certificate", "license_number": "JK2026370100088",
        "valid_from": "2026-03-15", "valid_until": "2027-03-14", "status": {"list": 1, "index": 3},
        "fields": {"name": "王小红", "sex": "女", "age": "28", "id_number": "370102199806150028",
        "category": "食品", "employer": "济南泉城餐饮管理有限公司", "exam_date": "2026-03-15",
        "exam_institution": "济南市疾病预防控制中心"}}"#,
    )
}

/// Parses a date (demo constants only).
pub fn date(s: &str) -> Date {
    #[allow(clippy::expect_used)]
    Date::parse_iso(s).expect("demo dates are valid")
}

/// Status-list index of the demo's revoked ID card (张三's previous card, reported lost: 挂失).
pub const REVOKED_ID_INDEX: u64 = 43;

/// Status-list index of a suspended demo business license (used by no demo claim; shows a third status value).
pub const SUSPENDED_BUSINESS_INDEX: u64 = 8;

/// Number of entries in each demo status list.
pub const STATUS_LIST_SIZE: usize = 1024;

/// 张三's previous ID card, revoked after being reported lost (same person, status index 43).
pub fn revoked_id_card_claims() -> Claims {
    // `StatusRefJson` is not re-exported by the core crate, so the reference is set through JSON.
    let mut v = serde_json::to_value(id_card_claims()).unwrap_or_default();
    v["status"] = serde_json::json!({"list": 1, "index": REVOKED_ID_INDEX});
    #[allow(clippy::expect_used)]
    serde_json::from_value(v).expect("the demo ID card claims with another status index are valid")
}

/// The demo status lists: list 1 of every authority, all valid except the
/// revoked ID card ([`REVOKED_ID_INDEX`]) and a suspended business license
/// ([`SUSPENDED_BUSINESS_INDEX`]).
pub fn status_lists() -> Vec<(&'static Authority, u32, liangzheng::status::StatusList)> {
    use liangzheng::status::{StatusList, StatusValue};
    AUTHORITIES
        .iter()
        .map(|a| {
            #[allow(clippy::expect_used)]
            let mut list = StatusList::new(STATUS_LIST_SIZE, 2).expect("2 bits is a valid width");
            let mark = match a.types.first().copied() {
                Some(ID_CARD) => Some((REVOKED_ID_INDEX, StatusValue::REVOKED)),
                Some(BUSINESS) => Some((SUSPENDED_BUSINESS_INDEX, StatusValue::Suspended)),
                _ => None,
            };
            if let Some((i, v)) = mark {
                #[allow(clippy::expect_used)]
                list.set_status(i as usize, v)
                    .expect("index inside the list");
            }
            (a, 1, list)
        })
        .collect()
}

/// The demo status lists as signed tokens (signed by each authority's demo key).
pub fn status_tokens(issued_at: UnixTime, ttl: u64) -> Vec<Vec<u8>> {
    use liangzheng::status::{list_uri, StatusToken};
    status_lists()
        .iter()
        .filter_map(|(a, id, list)| {
            let key = issuer_key(a.label);
            StatusToken::sign(
                list,
                &list_uri(a.code, *id),
                issued_at,
                Some(ttl),
                None,
                key.as_ref(),
            )
            .ok()
        })
        .collect()
}

/// The demo verifier's request-signing key (a bank branch asking for 授权用证).
pub fn verifier_key() -> Arc<IssuerKey> {
    issuer_key("verifier: 中国工商银行济南泉城路支行")
}

/// Type code of 食品经营许可证.
pub const FOOD_PERMIT: &str = "11100000000013338W911";
/// Type code of 公共场所卫生许可证.
pub const HYGIENE_PERMIT: &str = "11100000000013338W912";
/// Type code of 特种行业许可证.
pub const SPECIAL_PERMIT: &str = "11100000000013338W913";

/// The departments that issue the demo's permits (一照通), besides the market
/// regulator's business-license key in [`AUTHORITIES`]; the last one is
/// authorised for hygiene permits only (it is used to forge a food permit).
pub const PERMIT_AUTHORITIES: [Authority; 4] = [
    Authority {
        label: "杭州市市场监督管理局（食品经营许可）",
        name_zh: "杭州市市场监督管理局",
        name_en: "Hangzhou Administration for Market Regulation (food business licensing)",
        code: "113301000024897012",
        region: "330100",
        types: &[FOOD_PERMIT],
    },
    Authority {
        label: "杭州市卫生健康委员会",
        name_zh: "杭州市卫生健康委员会",
        name_en: "Hangzhou Municipal Health Commission",
        code: "11330100002489707L",
        region: "330100",
        types: &[HYGIENE_PERMIT],
    },
    Authority {
        label: "杭州市公安局",
        name_zh: "杭州市公安局",
        name_en: "Hangzhou Municipal Public Security Bureau",
        code: "11330100002489733B",
        region: "330100",
        types: &[SPECIAL_PERMIT],
    },
    Authority {
        label: "某街道办事处（未授权）",
        name_zh: "某街道办事处",
        name_en: "A street office (hygiene permits only)",
        code: "12330100470110912Y",
        region: "330106",
        types: &[HYGIENE_PERMIT],
    },
];

/// The made-up hotel company of the 一照通 demo.
pub const HOTEL_USCC: &str = "91330106MA2KXJ3P7H";
/// Another made-up company (a permit of it slipped into the hotel's bundle).
pub const OTHER_USCC: &str = "91330106MA2KXJ4Q52";

/// The demo trust store plus the permit departments ([`PERMIT_AUTHORITIES`]).
pub fn bundle_trust_store() -> TrustStore {
    let mut t = trust_store();
    t.issuers.extend(PERMIT_AUTHORITIES.iter().map(trusted));
    t
}

/// 营业执照 of the hotel company (market regulator, status list 1 index 9).
pub fn hotel_business_claims() -> Claims {
    claims(&format!(
        r#"{{"type": "cn.business-license", "license_number": "330106000654321",
        "valid_from": "2019-04-01", "status": {{"list": 1, "index": 9}},
        "fields": {{"uscc": "{HOTEL_USCC}", "name": "杭州示例酒店管理有限公司",
        "entity_type": "有限责任公司", "legal_rep": "赵六", "capital": "500万元人民币",
        "established": "2019-04-01", "term_end": "长期",
        "scope": "住宿服务；餐饮服务；游泳场所；美容美发；洗浴服务；食品销售",
        "domicile": "浙江省杭州市西湖区曙光路100号", "registrar": "杭州市西湖区市场监督管理局"}}}}"#
    ))
}

/// The hotel's twelve permits, each with the index of its department in
/// [`PERMIT_AUTHORITIES`]: five 食品经营许可证 (restaurants, canteen, shop),
/// five 公共场所卫生许可证 (rooms, pool, bath, salon, karaoke), two
/// 特种行业许可证 (旅馆业, two buildings). `uscc` is the subject's code.
pub fn hotel_permit_claims(uscc: &str) -> Vec<(usize, Claims)> {
    let name = "杭州示例酒店管理有限公司";
    let addr = "浙江省杭州市西湖区曙光路100号";
    let food = [
        (
            "JY23301060012345",
            2,
            "中餐厅",
            "热食类食品制售；冷食类食品制售",
        ),
        (
            "JY23301060012353",
            2,
            "西餐厅",
            "热食类食品制售；自制饮品制售",
        ),
        ("JY33301060012361", 3, "员工食堂", "热食类食品制售"),
        (
            "JY23301060012370",
            2,
            "大堂吧",
            "自制饮品制售；糕点类食品制售",
        ),
        (
            "JY13301060012388",
            1,
            "便利店",
            "预包装食品销售（含冷藏冷冻食品）",
        ),
    ];
    let hygiene = [
        ("330106202400101", "住宿场所（客房）"),
        ("330106202400102", "游泳场所"),
        ("330106202400103", "沐浴场所"),
        ("330106202400104", "美容美发场所"),
        ("330106202400105", "歌舞厅"),
    ];
    let mut out = Vec::new();
    for (i, (no, form, premises, items)) in food.iter().enumerate() {
        out.push((
            0,
            claims(&format!(
                r#"{{"type": "cn.food-business-license", "license_number": "{no}",
                "valid_from": "2024-03-01", "valid_until": "2029-02-28", "status": {{"list": 2, "index": {i}}},
                "fields": {{"uscc": "{uscc}", "name": "{name}", "legal_rep": "赵六", "domicile": "{addr}",
                "premises": "{addr}{premises}", "business_form": "{form}", "items": "{items}",
                "supervisor": "西湖区市场监督管理局北山所", "authority": "杭州市西湖区市场监督管理局"}}}}"#
            )),
        ));
    }
    for (i, (no, items)) in hygiene.iter().enumerate() {
        out.push((
            1,
            claims(&format!(
                r#"{{"type": "cn.public-venue-hygiene-permit", "license_number": "{no}",
                "valid_from": "2024-03-01", "valid_until": "2028-02-28", "status": {{"list": 1, "index": {i}}},
                "fields": {{"uscc": "{uscc}", "name": "{name}", "legal_rep": "赵六", "address": "{addr}",
                "items": "{items}", "authority": "杭州市西湖区卫生健康局"}}}}"#
            )),
        ));
    }
    for (i, (no, building)) in [("TH3301060001", "主楼"), ("TH3301060002", "副楼")]
        .iter()
        .enumerate()
    {
        out.push((
            2,
            claims(&format!(
                r#"{{"type": "cn.special-trade-permit", "license_number": "{no}",
                "valid_from": "2024-03-01", "status": {{"list": 1, "index": {i}}},
                "fields": {{"uscc": "{uscc}", "name": "{name}", "legal_rep": "赵六",
                "address": "{addr}{building}", "trade": "旅馆业", "scope": "住宿服务（{building}）",
                "authority": "杭州市公安局西湖区分局"}}}}"#
            )),
        ));
    }
    out
}

/// Status lists of the permit departments (all entries valid): food list 2 of
/// the market regulator's code, list 1 of the others.
pub fn bundle_status_tokens(issued_at: UnixTime, ttl: u64) -> Vec<Vec<u8>> {
    use liangzheng::status::{list_uri, StatusList, StatusToken};
    PERMIT_AUTHORITIES[..3]
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let list = StatusList::new(STATUS_LIST_SIZE, 2).ok()?;
            let id = if i == 0 { 2 } else { 1 };
            StatusToken::sign(
                &list,
                &list_uri(a.code, id),
                issued_at,
                Some(ttl),
                None,
                issuer_key(a.label).as_ref(),
            )
            .ok()
        })
        .collect()
}
