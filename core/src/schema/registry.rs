use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::SchemaError;
use super::image::{
    ImageProfile, DEFAULT_MAX_BYTES, DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH, LIMIT_MAX_BYTES,
    LIMIT_MAX_SIDE, MIN_SIDE,
};
use super::rules::Rule;
use super::types::{EnumEntry, FieldDef, HolderBinding, LicenseType, Mask, ValueKind, View};
use super::{FIELD_LICENSE_ID, FIELD_LICENSE_NUMBER};
use crate::ids::{Ethnicity, LicenseTypeCode, Sex};

/// The built-in type file, compiled in.
const BUILTIN: &str = include_str!("../../data/license-types.json");
/// The format name a type file must declare.
const FORMAT: &str = "liangzheng-license-types";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeFile {
    format: String,
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    #[serde(default)]
    enums: BTreeMap<String, Vec<EnumEntry>>,
    types: Vec<RawType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    id: String,
    type_code: String,
    zh: String,
    en: String,
    holder_code_type: String,
    #[serde(default)]
    holder_name_field: Option<String>,
    #[serde(default)]
    holder_binding: HolderBinding,
    #[serde(default)]
    holder_code_field: Option<String>,
    fields: Vec<RawField>,
    #[serde(default)]
    rules: Vec<Rule>,
    #[serde(default)]
    views: Vec<View>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: u32,
    key: String,
    zh: String,
    en: String,
    kind: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    max_len: Option<usize>,
    #[serde(default)]
    min: Option<u64>,
    #[serde(default)]
    max: Option<u64>,
    #[serde(default)]
    mask: Option<serde_json::Value>,
    #[serde(default)]
    code: Option<String>,
    /// `image:jpeg` only: largest image in bytes.
    #[serde(default)]
    max_bytes: Option<usize>,
    /// `image:jpeg` only: largest width in pixels.
    #[serde(default)]
    max_width: Option<u16>,
    /// `image:jpeg` only: largest height in pixels.
    #[serde(default)]
    max_height: Option<u16>,
}

/// The license types a program knows: the built-in ones plus any loaded from files.
#[derive(Debug, Clone)]
pub struct Registry {
    types: Vec<LicenseType>,
}

impl Registry {
    /// The built-in types (居民身份证, 营业执照, 健康证明).
    pub fn builtin() -> Self {
        // The built-in file is part of the crate and covered by tests; if it
        // were broken every test would fail, so an empty registry is never seen.
        let types = parse_file(BUILTIN).unwrap_or_default();
        Registry { types }
    }

    /// The built-in types plus those in a type file (same JSON format as
    /// `core/data/license-types.json`). A type whose id or code already exists is an error.
    pub fn with_json(mut self, json: &str) -> Result<Self, SchemaError> {
        for ty in parse_file(json)? {
            if self
                .types
                .iter()
                .any(|t| t.id == ty.id || t.type_code == ty.type_code)
            {
                return Err(SchemaError::BadTypeDefinition {
                    type_id: ty.id,
                    reason: "a type with this id or type code already exists".into(),
                });
            }
            self.types.push(ty);
        }
        Ok(self)
    }

    /// Shorthand for `Registry::builtin().with_json(json)`.
    pub fn load_json(json: &str) -> Result<Self, SchemaError> {
        Registry::builtin().with_json(json)
    }

    /// All types.
    pub fn types(&self) -> &[LicenseType] {
        &self.types
    }

    /// The type with this id (`cn.resident-id-card`) or type code (`11100000000013338W901`).
    pub fn get(&self, id_or_code: &str) -> Option<&LicenseType> {
        self.types
            .iter()
            .find(|t| t.id == id_or_code || t.type_code == id_or_code)
    }
}

fn builtin_table(name: &str) -> Option<Vec<EnumEntry>> {
    match name {
        "sex" => Some(
            Sex::ALL
                .iter()
                .map(|s| EnumEntry {
                    code: u32::from(s.code()),
                    zh: s.zh().to_string(),
                    en: s.en().to_string(),
                })
                .collect(),
        ),
        "ethnicity" => Some(
            Ethnicity::all()
                .map(|e| EnumEntry {
                    code: u32::from(e.code()),
                    zh: e.zh().to_string(),
                    en: e.en().to_string(),
                })
                .collect(),
        ),
        _ => None,
    }
}

fn bad(type_id: &str, reason: impl Into<String>) -> SchemaError {
    SchemaError::BadTypeDefinition {
        type_id: type_id.to_string(),
        reason: reason.into(),
    }
}

fn parse_file(json: &str) -> Result<Vec<LicenseType>, SchemaError> {
    let file: TypeFile =
        serde_json::from_str(json).map_err(|e| SchemaError::BadTypeFile(e.to_string()))?;
    if file.format != FORMAT || file.version != 1 {
        return Err(SchemaError::BadTypeFile(format!(
            "expected format {FORMAT} version 1"
        )));
    }
    file.types
        .into_iter()
        .map(|raw| build_type(raw, &file.enums))
        .collect()
}

fn common_fields() -> Vec<FieldDef> {
    vec![
        FieldDef {
            id: FIELD_LICENSE_NUMBER,
            key: "license_number".into(),
            zh: "证照编号".into(),
            en: "License number".into(),
            kind: ValueKind::Text { max_len: 64 },
            required: true,
            sensitive: false,
            mask: Mask::Keep {
                keep_start: 2,
                keep_end: 2,
            },
            code: "ZZBH".into(),
        },
        FieldDef {
            id: FIELD_LICENSE_ID,
            key: "license_id".into(),
            zh: "证照标识".into(),
            en: "License identifier".into(),
            kind: ValueKind::LicenseId,
            required: true,
            sensitive: false,
            mask: Mask::Keep {
                keep_start: 14,
                keep_end: 0,
            },
            code: "ZZBS".into(),
        },
    ]
}

fn build_type(
    raw: RawType,
    enums: &BTreeMap<String, Vec<EnumEntry>>,
) -> Result<LicenseType, SchemaError> {
    let id = raw.id.clone();
    LicenseTypeCode::parse(&raw.type_code).map_err(|e| bad(&id, e.to_string()))?;
    if !matches!(raw.holder_code_type.as_str(), "111" | "001") {
        return Err(bad(&id, "holder_code_type must be 111 or 001"));
    }
    let mut fields = common_fields();
    for f in raw.fields {
        if f.id <= FIELD_LICENSE_ID || f.id > 10_000 {
            return Err(bad(
                &id,
                format!("field id {} is reserved or too large", f.id),
            ));
        }
        if fields.iter().any(|g| g.id == f.id || g.key == f.key) {
            return Err(bad(&id, format!("duplicate field id or key: {}", f.key)));
        }
        let kind = match f.kind.as_str() {
            "text" => ValueKind::Text {
                max_len: f.max_len.unwrap_or(128).min(4096),
            },
            "date" => ValueKind::Date,
            "date_or_long_term" => ValueKind::DateOrLongTerm,
            "integer" => ValueKind::Integer {
                min: f.min.unwrap_or(0),
                max: f.max.unwrap_or(u64::MAX),
            },
            "citizen_id" => ValueKind::CitizenId,
            "uscc" => ValueKind::Uscc,
            "license_id" => ValueKind::LicenseId,
            "region_code" => ValueKind::RegionCode,
            "image:jpeg" => {
                let p = ImageProfile {
                    max_bytes: f.max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
                    max_width: f.max_width.unwrap_or(DEFAULT_MAX_WIDTH),
                    max_height: f.max_height.unwrap_or(DEFAULT_MAX_HEIGHT),
                };
                if p.max_bytes > LIMIT_MAX_BYTES
                    || p.max_width > LIMIT_MAX_SIDE
                    || p.max_height > LIMIT_MAX_SIDE
                    || p.max_width < MIN_SIDE
                    || p.max_height < MIN_SIDE
                {
                    return Err(bad(
                        &id,
                        format!(
                            "image field {}: max_bytes ≤ {LIMIT_MAX_BYTES}, {MIN_SIDE} ≤ max_width, max_height ≤ {LIMIT_MAX_SIDE}",
                            f.key
                        ),
                    ));
                }
                ValueKind::Image(p)
            }
            other => match other.strip_prefix("enum:") {
                Some(table) => ValueKind::Enum {
                    table: table.to_string(),
                    entries: enums
                        .get(table)
                        .cloned()
                        .or_else(|| builtin_table(table))
                        .ok_or_else(|| bad(&id, format!("unknown enumeration {table}")))?,
                },
                None => return Err(bad(&id, format!("unknown field kind {other}"))),
            },
        };
        if !matches!(kind, ValueKind::Image(_))
            && (f.max_bytes.is_some() || f.max_width.is_some() || f.max_height.is_some())
        {
            return Err(bad(
                &id,
                format!(
                    "max_bytes/max_width/max_height only apply to image fields ({})",
                    f.key
                ),
            ));
        }
        let mask = match &f.mask {
            None => Mask::Keep {
                keep_start: 1,
                keep_end: 0,
            },
            Some(serde_json::Value::String(s)) if s == "name" => Mask::Name,
            Some(v) => {
                let keep = |k: &str| v.get(k).and_then(serde_json::Value::as_u64);
                match (keep("keep_start"), keep("keep_end")) {
                    (Some(a), Some(b)) => Mask::Keep {
                        keep_start: usize::try_from(a).unwrap_or(0),
                        keep_end: usize::try_from(b).unwrap_or(0),
                    },
                    _ => return Err(bad(&id, format!("bad mask for field {}", f.key))),
                }
            }
        };
        fields.push(FieldDef {
            id: f.id,
            key: f.key,
            zh: f.zh,
            en: f.en,
            kind,
            required: f.required,
            sensitive: f.sensitive,
            mask,
            code: f.code.unwrap_or_default(),
        });
    }
    let ty = LicenseType {
        id: raw.id,
        type_code: raw.type_code,
        zh: raw.zh,
        en: raw.en,
        holder_code_type: raw.holder_code_type,
        holder_name_field: raw.holder_name_field,
        holder_binding: raw.holder_binding,
        holder_code_field: raw.holder_code_field,
        fields,
        rules: raw.rules,
        views: raw.views,
    };
    for key in ty
        .holder_name_field
        .iter()
        .chain(ty.holder_code_field.iter())
    {
        if ty.field(key).is_none() {
            return Err(bad(&id, format!("holder field {key} is not a field")));
        }
    }
    for rule in &ty.rules {
        for key in rule.fields() {
            if ty.field(key).is_none() {
                return Err(bad(
                    &id,
                    format!("rule {} names unknown field {key}", rule.name()),
                ));
            }
        }
    }
    let mut view_ids = Vec::new();
    for view in &ty.views {
        if view.id == 0 || view_ids.contains(&view.id) || view.fields.is_empty() {
            return Err(bad(&id, format!("bad view {}", view.key)));
        }
        view_ids.push(view.id);
        for key in &view.fields {
            if ty.field(key).is_none() {
                return Err(bad(
                    &id,
                    format!("view {} names unknown field {key}", view.key),
                ));
            }
        }
    }
    Ok(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_file_has_the_six_types() {
        let reg = Registry::builtin();
        assert_eq!(reg.types().len(), 6);
        for id in [
            "cn.resident-id-card",
            "cn.business-license",
            "cn.health-certificate",
            "cn.food-business-license",
            "cn.public-venue-hygiene-permit",
            "cn.special-trade-permit",
        ] {
            let ty = reg.get(id).expect(id);
            assert_eq!(
                ty.field_by_id(FIELD_LICENSE_ID).map(|f| f.code.as_str()),
                Some("ZZBS")
            );
            assert_eq!(reg.get(&ty.type_code).map(|t| t.id.as_str()), Some(id));
        }
        assert!(parse_file(BUILTIN).is_ok());
    }

    #[test]
    fn a_type_naming_an_unknown_field_in_a_rule_is_rejected() {
        let json = BUILTIN.replace("\"date_field\": \"birth_date\"", "\"date_field\": \"nope\"");
        assert!(matches!(
            parse_file(&json),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
    }

    #[test]
    fn duplicate_types_are_rejected() {
        assert!(matches!(
            Registry::builtin().with_json(BUILTIN),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
    }

    #[test]
    fn wrong_format_name_is_rejected() {
        let json = BUILTIN.replace(FORMAT, "something-else");
        assert!(matches!(
            parse_file(&json),
            Err(SchemaError::BadTypeFile(_))
        ));
    }
}
