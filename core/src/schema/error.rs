use std::borrow::Cow;
use std::fmt;

use super::image::ImageError;
use crate::lang::Localized;

/// A problem with a license-type definition or with a field value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// The type file is not valid JSON of the expected shape.
    BadTypeFile(String),
    /// A type definition is inconsistent (duplicate ids, unknown field in a rule…).
    BadTypeDefinition {
        /// Type id.
        type_id: String,
        /// What is wrong.
        reason: String,
    },
    /// No type with this id or code is known.
    UnknownType(String),
    /// The claims name a field the type does not have.
    UnknownField(String),
    /// A required field is missing.
    MissingField(String),
    /// A field value does not satisfy its kind or validator.
    InvalidValue {
        /// Field key.
        field: String,
        /// Why (no personal data).
        reason: String,
    },
    /// An image field (the portrait) does not fit its profile.
    InvalidImage {
        /// Field key.
        field: String,
        /// What is wrong with the image.
        error: ImageError,
    },
    /// A cross-field rule does not hold (e.g. ID number vs. date of birth).
    RuleViolated {
        /// Rule name.
        rule: String,
        /// Why.
        reason: String,
    },
}

impl Localized for SchemaError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            SchemaError::BadTypeFile(_) => "证照类型文件格式错误".into(),
            SchemaError::BadTypeDefinition { type_id, .. } => {
                format!("证照类型定义有误：{type_id}").into()
            }
            SchemaError::UnknownType(t) => format!("未知的证照类型：{t}").into(),
            SchemaError::UnknownField(f) => format!("该证照类型没有字段：{f}").into(),
            SchemaError::MissingField(f) => format!("缺少必填字段：{f}").into(),
            SchemaError::InvalidValue { field, .. } => format!("字段取值无效：{field}").into(),
            SchemaError::InvalidImage { field, error } => {
                format!("字段 {field} 的图像不符合规范：{}", error.zh()).into()
            }
            SchemaError::RuleViolated { rule, .. } => {
                format!("字段之间不一致（规则 {rule}）").into()
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            SchemaError::BadTypeFile(why) => format!("bad license-type file: {why}").into(),
            SchemaError::BadTypeDefinition { type_id, reason } => {
                format!("bad definition of license type {type_id}: {reason}").into()
            }
            SchemaError::UnknownType(t) => format!("unknown license type: {t}").into(),
            SchemaError::UnknownField(f) => format!("the license type has no field '{f}'").into(),
            SchemaError::MissingField(f) => format!("required field missing: {f}").into(),
            SchemaError::InvalidValue { field, reason } => {
                format!("invalid value for field '{field}': {reason}").into()
            }
            SchemaError::InvalidImage { field, error } => format!(
                "image in field '{field}' does not fit its profile: {}",
                error.en()
            )
            .into(),
            SchemaError::RuleViolated { rule, reason } => {
                format!("fields disagree (rule {rule}): {reason}").into()
            }
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for SchemaError {}
