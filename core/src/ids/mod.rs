//! Chinese identifiers and code sets, validated once at the edge.
//!
//! Everything here is pure, offline and table-light: the rules are check
//! algorithms and shapes from the national standards, so a verifier in one
//! province can check a license issued in another without a network.
//!
//! - [`IdNumber`] — 公民身份号码 (GB 11643-1999): region code + birth date +
//!   sequence (odd = male) + ISO 7064 MOD 11-2 check character. Checksum,
//!   birth date and region code are checked by separate functions, and the
//!   region check is by shape only, because numbers issued under counties that
//!   have since been merged stay valid.
//! - [`Uscc`] — 统一社会信用代码 (GB 32100-2015): 18 characters from a
//!   31-character set with a mod-31 check character.
//! - [`LicenseId`] — 电子证照标识 (GB/T 36904-2018):
//!   `1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>` with an
//!   ISO/IEC 7064 MOD 37,36 check character. A wrong check character is
//!   reported as [`Conformance::NonConformingCheck`], not as an error, since
//!   such identifiers circulate. [`LicenseTypeCode`] is its 21-character
//!   证照类型代码.
//! - [`Date`] and [`DateRange`] — calendar dates and validity terms (长期 = no end).
//! - [`Sex`] — GB/T 2261.1 性别 codes; [`Ethnicity`] — GB/T 3304 民族 codes.
//! - [`expected_id_card_validity`] / [`check_id_card_validity`] — the
//!   居民身份证 validity term by age at issue (居民身份证法 第五条).
//! - [`mask_middle`] — masking for display (脱敏).
//!
//! Error types implement [`Localized`](crate::lang::Localized) and never
//! include the identifier they refuse.

mod citizen_id;
mod date;
mod ethnicity;
mod license_id;
mod mask;
mod sex;
mod uscc;
mod validity;

pub use citizen_id::{IdNumber, IdNumberError};
pub use date::{days_in_month, is_leap_year, Date, DateError, DateRange};
pub use ethnicity::Ethnicity;
pub use license_id::{
    iso7064_mod37_36, Conformance, LicenseId, LicenseIdError, LicenseTypeCode, LicenseTypeCodeError,
};
pub use mask::mask_middle;
pub use sex::Sex;
pub use uscc::{Uscc, UsccError, USCC_CHARSET};
pub use validity::{
    check_id_card_validity, expected_id_card_validity, ValidityError, APPLICATION_WINDOW_DAYS,
};
