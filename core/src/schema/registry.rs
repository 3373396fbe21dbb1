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

/// The built-in type file (`core/data/license-types.json`), compiled to CBOR by build.rs.
const BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/license-types.cbor"));
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
    /// `"name"` or `{"keep_start": N, "keep_end": M}`; read as a CBOR data item so JSON and
    /// CBOR type files share one reader.
    mask: Option<ciborium::Value>,
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
        let types = parse_cbor(BUILTIN).unwrap_or_default();
        Registry { types }
    }

    /// The built-in types plus those in a type file (same JSON format as
    /// `core/data/license-types.json`). A type whose id or code already exists is an error.
    #[cfg(feature = "json")]
    pub fn with_json(self, json: &str) -> Result<Self, SchemaError> {
        let file: TypeFile =
            serde_json::from_str(json).map_err(|e| SchemaError::BadTypeFile(e.to_string()))?;
        self.with_types(parse_file(file)?)
    }

    /// The built-in types plus those in a type file encoded as CBOR: the JSON file's data model
    /// (maps, text, unsigned integers, booleans, arrays) in any valid CBOR encoding, e.g.
    /// `python3 -c 'import cbor2, json, sys; sys.stdout.buffer.write(cbor2.dumps(json.load(sys.stdin)))'`.
    /// Available in every build, also those without the `json` feature. Same checks as
    /// [`Registry::with_json`].
    pub fn with_cbor(self, cbor: &[u8]) -> Result<Self, SchemaError> {
        self.with_types(parse_cbor(cbor)?)
    }

    fn with_types(mut self, types: Vec<LicenseType>) -> Result<Self, SchemaError> {
        for ty in types {
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
    #[cfg(feature = "json")]
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

/// One CBOR data item, nothing after it. Read as a [`ciborium::Value`] first and mapped onto the
/// file's types from there: the library links that reader for the wire format anyway, and a
/// second, streaming instantiation of the type-file deserializers would cost ≈ 38 KB of code.
fn parse_cbor(cbor: &[u8]) -> Result<Vec<LicenseType>, SchemaError> {
    let mut rest = cbor;
    let value: ciborium::Value =
        ciborium::from_reader(&mut rest).map_err(|e| SchemaError::BadTypeFile(e.to_string()))?;
    if !rest.is_empty() {
        return Err(SchemaError::BadTypeFile(format!(
            "{} bytes after the type file's CBOR item",
            rest.len()
        )));
    }
    let file: TypeFile = value
        .deserialized()
        .map_err(|e| SchemaError::BadTypeFile(e.to_string()))?;
    parse_file(file)
}

fn parse_file(file: TypeFile) -> Result<Vec<LicenseType>, SchemaError> {
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
            Some(ciborium::Value::Text(s)) if s == "name" => Mask::Name,
            Some(v) => match keep_mask(v) {
                Some((keep_start, keep_end)) => Mask::Keep {
                    keep_start,
                    keep_end,
                },
                None => return Err(bad(&id, format!("bad mask for field {}", f.key))),
            },
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

/// `{"keep_start": N, "keep_end": M}` and nothing else, both counts fitting a `usize`.
fn keep_mask(v: &ciborium::Value) -> Option<(usize, usize)> {
    let entries = v.as_map()?;
    if entries.len() != 2 {
        return None;
    }
    let get = |key: &str| -> Option<usize> {
        let (_, n) = entries.iter().find(|(k, _)| k.as_text() == Some(key))?;
        usize::try_from(u64::try_from(n.as_integer()?).ok()?).ok()
    };
    Some((get("keep_start")?, get("keep_end")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in file as a person edits it (build.rs compiles it to [`BUILTIN`]).
    const BUILTIN_JSON: &str = include_str!("../../data/license-types.json");

    fn parse_json(json: &str) -> Result<Vec<LicenseType>, SchemaError> {
        let file: TypeFile =
            serde_json::from_str(json).map_err(|e| SchemaError::BadTypeFile(e.to_string()))?;
        parse_file(file)
    }

    fn json_to_cbor(json: &str) -> Vec<u8> {
        let value: serde_json::Value = serde_json::from_str(json).expect("test JSON");
        let mut cbor = Vec::new();
        ciborium::into_writer(&value, &mut cbor).expect("CBOR of a JSON value");
        cbor
    }

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
        assert!(parse_cbor(BUILTIN).is_ok());
    }

    #[test]
    fn the_compiled_builtin_types_are_the_json_file() {
        let from_json = parse_json(BUILTIN_JSON).expect("the JSON file parses");
        let from_cbor = parse_cbor(BUILTIN).expect("the compiled file parses");
        assert_eq!(format!("{from_json:?}"), format!("{from_cbor:?}"));
        assert_eq!(BUILTIN, json_to_cbor(BUILTIN_JSON).as_slice());
    }

    #[test]
    fn a_cbor_type_file_loads_and_duplicates_are_rejected() {
        let extra = include_str!("../../data/extra/social-security-card.json");
        let reg = Registry::builtin()
            .with_cbor(&json_to_cbor(extra))
            .expect("the social security card type loads as CBOR");
        assert_eq!(reg.types().len(), 7);
        let from_json = parse_json(extra).expect("and as JSON");
        assert_eq!(
            format!("{:?}", reg.types()[6]),
            format!("{:?}", from_json[0])
        );
        assert!(matches!(
            Registry::builtin().with_cbor(BUILTIN),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
    }

    #[test]
    fn a_broken_cbor_type_file_is_a_typed_error() {
        let mut trailing = BUILTIN.to_vec();
        trailing.push(0);
        for bytes in [
            &b""[..],
            b"\xff",
            &BUILTIN[..BUILTIN.len() / 2],
            b"\xa0",
            &trailing,
        ] {
            assert!(matches!(
                Registry::builtin().with_cbor(bytes),
                Err(SchemaError::BadTypeFile(_))
            ));
        }
    }

    #[test]
    fn masks_must_be_name_or_two_counts_that_fit() {
        let with_mask = |mask: &str| {
            BUILTIN_JSON.replacen(
                "\"code\": \"KZ_QFJG\" }",
                &format!("\"code\": \"KZ_QFJG\", \"mask\": {mask} }}"),
                1,
            )
        };
        assert!(parse_json(&with_mask("\"name\"")).is_ok());
        assert!(parse_json(&with_mask("{\"keep_start\": 1, \"keep_end\": 1}")).is_ok());
        for bad_mask in [
            "\"initials\"",
            "{\"keep_start\": 1}",
            "{\"keep_start\": 1, \"keep_end\": -1}",
            "{\"keep_start\": 1, \"keep_end\": 1, \"extra\": 0}",
            "{\"keep_start\": 18446744073709551616, \"keep_end\": 1}",
            "[1, 1]",
        ] {
            let json = with_mask(bad_mask);
            assert!(
                matches!(
                    parse_json(&json),
                    Err(SchemaError::BadTypeDefinition { .. } | SchemaError::BadTypeFile(_))
                ),
                "{bad_mask} was accepted"
            );
            assert!(
                parse_cbor(&json_to_cbor(&json)).is_err(),
                "{bad_mask} was accepted as CBOR"
            );
        }
    }

    #[test]
    fn a_type_naming_an_unknown_field_in_a_rule_is_rejected() {
        let json =
            BUILTIN_JSON.replace("\"date_field\": \"birth_date\"", "\"date_field\": \"nope\"");
        assert!(matches!(
            parse_json(&json),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
        assert!(matches!(
            parse_cbor(&json_to_cbor(&json)),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
    }

    #[cfg(feature = "json")]
    #[test]
    fn duplicate_types_are_rejected() {
        assert!(matches!(
            Registry::builtin().with_json(BUILTIN_JSON),
            Err(SchemaError::BadTypeDefinition { .. })
        ));
    }

    #[test]
    fn wrong_format_name_is_rejected() {
        let json = BUILTIN_JSON.replace(FORMAT, "something-else");
        assert!(matches!(
            parse_json(&json),
            Err(SchemaError::BadTypeFile(_))
        ));
        assert!(matches!(
            parse_cbor(&json_to_cbor(&json)),
            Err(SchemaError::BadTypeFile(_))
        ));
    }
}
