//! Fixtures shared by the integration tests (each test file is its own crate
//! and includes this module with `mod common;`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use liangzheng::credential::Claims;

/// The worked-example 居民身份证 of DOMAIN.md (张三, 370102199003070016), all
/// required fields, valid 2020-01-01 to 2040-01-01, no status slot.
pub fn id_card_claims() -> Claims {
    serde_json::from_str(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    )
    .unwrap()
}
