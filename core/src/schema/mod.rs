//! License types as data.
//!
//! There are hundreds of license types (爱山东 alone holds 550+), so a type is
//! never code: it is a [`LicenseType`] record — names in 中文 and English, the
//! GB/T type code (证照类型代码), fields with ids, labels, value kinds,
//! required/sensitive flags and a display mask, cross-field rules drawn from a
//! fixed vocabulary, and issuer-signed views (predefined disclosure profiles).
//! The three built-in types (居民身份证, 营业执照, 健康证明) are themselves read from
//! the JSON file `core/data/license-types.json`; more types load from the same
//! format at run time with [`Registry::load_json`].
//!
//! Every type also carries the GB/T 36903 standard metadata: field ids 1
//! (证照编号, ZZBH) and 2 (证照标识, ZZBS) are reserved on every type, and the
//! rest is mapped as documented in `docs/FORMAT.md` ("GB/T 36903 mapping").

mod error;
mod image;
mod registry;
mod rules;
mod types;
mod value;

pub use error::SchemaError;
pub use image::{
    ImageError, ImageInfo, ImageProfile, DEFAULT_MAX_BYTES, DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH,
    LIMIT_MAX_BYTES, LIMIT_MAX_SIDE, MIN_SIDE,
};
pub use registry::Registry;
pub use rules::{rules_input, Rule, RuleInput};
pub use types::{EnumEntry, FieldDef, HolderBinding, LicenseType, Mask, ValueKind, View};
pub use value::FieldValue;

/// Field id of 证照编号 (license number, GB/T 36903 `ZZBH`), reserved on every type.
pub const FIELD_LICENSE_NUMBER: u32 = 1;
/// Field id of 证照标识 (license identifier, GB/T 36904, GB/T 36903 `ZZBS`), reserved on every type.
pub const FIELD_LICENSE_ID: u32 = 2;
