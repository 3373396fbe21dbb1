use serde::{Deserialize, Serialize};

use super::image::ImageProfile;

use super::rules::Rule;

/// One entry of an enumeration (性别, 民族, 从业类别 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumEntry {
    /// The code carried on the wire.
    pub code: u32,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

/// What kind of value a field holds, and how it is validated and encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueKind {
    /// Free text of at most `max_len` characters.
    Text {
        /// Maximum length in characters.
        max_len: usize,
    },
    /// A civil date.
    Date,
    /// A civil date, or 长期 (long-term, no end).
    DateOrLongTerm,
    /// A non-negative integer within bounds.
    Integer {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// A code from an enumeration.
    Enum {
        /// Table name (e.g. `sex`, `ethnicity`).
        table: String,
        /// The table's entries.
        entries: Vec<EnumEntry>,
    },
    /// A GB 11643 citizen ID number (公民身份号码).
    CitizenId,
    /// A GB 32100 unified social credit code (统一社会信用代码).
    Uscc,
    /// A GB/T 36904 license identifier (电子证照标识).
    LicenseId,
    /// A GB/T 2260 administrative region code (shape only).
    RegionCode,
    /// A compact JPEG image (the portrait), bounded by its profile (`image:jpeg`).
    Image(ImageProfile),
}

impl ValueKind {
    /// The name used in type files (`text`, `date`, `enum:sex` …).
    pub fn name(&self) -> String {
        match self {
            ValueKind::Text { .. } => "text".into(),
            ValueKind::Date => "date".into(),
            ValueKind::DateOrLongTerm => "date_or_long_term".into(),
            ValueKind::Integer { .. } => "integer".into(),
            ValueKind::Enum { table, .. } => format!("enum:{table}"),
            ValueKind::CitizenId => "citizen_id".into(),
            ValueKind::Uscc => "uscc".into(),
            ValueKind::LicenseId => "license_id".into(),
            ValueKind::RegionCode => "region_code".into(),
            ValueKind::Image(_) => "image:jpeg".into(),
        }
    }
}

/// How a sensitive value is shown when masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mask {
    /// Names: `张*三` (3+ characters), `*三` (2 characters).
    Name,
    /// Keep the first `keep_start` and last `keep_end` characters, star the rest.
    Keep {
        /// Characters kept at the start.
        keep_start: usize,
        /// Characters kept at the end.
        keep_end: usize,
    },
}

impl Mask {
    /// Applies the mask to a display string.
    pub fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        match self {
            Mask::Name => match n {
                0 => String::new(),
                1 => "*".into(),
                2 => format!("*{}", chars[1]),
                _ => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
            },
            Mask::Keep {
                keep_start,
                keep_end,
            } => {
                if keep_start + keep_end >= n {
                    return "*".repeat(n);
                }
                let start: String = chars[..*keep_start].iter().collect();
                let end: String = chars[n - keep_end..].iter().collect();
                format!("{start}{}{end}", "*".repeat(n - keep_start - keep_end))
            }
        }
    }
}

/// One field of a license type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    /// Numeric id carried on the wire (unique within the type; 1 and 2 are reserved).
    pub id: u32,
    /// Stable key used in claims files and APIs (`name`, `id_number` …).
    pub key: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    /// Value kind and validator.
    pub kind: ValueKind,
    /// Must be present at issuance.
    pub required: bool,
    /// Shown masked by default (personal or health data, PIPL Art. 28).
    pub sensitive: bool,
    /// Mask used when shown masked.
    pub mask: Mask,
    /// GB/T 36903 field code (`CZZT`, `CZZTDM`, `KZ_*` …).
    pub code: String,
}

/// An issuer-signed view: a predefined disclosure profile signed separately at issuance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Numeric id carried on the wire (unique within the type, ≥ 1).
    pub id: u32,
    /// Stable key (`identity` …).
    pub key: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
    /// Field keys the view covers.
    pub fields: Vec<String>,
}

/// Whether a license type must be bound to its holder's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderBinding {
    /// Every credential carries a holder key (`cnf`) and every presentation a
    /// holder proof: a copied or screenshotted code is refused (居民身份证, 健康证明).
    /// The default for a type file that does not say.
    #[default]
    Required,
    /// A static display (no holder key) is allowed, e.g. a business licence
    /// printed on the wall; holder-bound credentials of the type work too.
    Optional,
}

/// A license type: everything needed to issue, validate and display it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseType {
    /// Stable id (`cn.resident-id-card` …).
    pub id: String,
    /// 证照类型代码 (21 characters: USCC of the defining authority + 3 digits).
    pub type_code: String,
    /// Chinese name (证照名称, ZZMC).
    pub zh: String,
    /// English name.
    pub en: String,
    /// 持证主体代码类型 (`111` citizen ID number, `001` USCC).
    pub holder_code_type: String,
    /// Key of the field that holds the holder's name (CZZT).
    pub holder_name_field: Option<String>,
    /// Whether credentials of this type must be holder-bound.
    pub holder_binding: HolderBinding,
    /// Key of the field that holds the holder's code (CZZTDM).
    pub holder_code_field: Option<String>,
    /// Fields, including the reserved metadata fields 1 and 2.
    pub fields: Vec<FieldDef>,
    /// Cross-field rules.
    pub rules: Vec<Rule>,
    /// Issuer-signed views.
    pub views: Vec<View>,
}

impl LicenseType {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The field with this wire id.
    pub fn field_by_id(&self, id: u32) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The view with this wire id.
    pub fn view_by_id(&self, id: u32) -> Option<&View> {
        self.views.iter().find(|v| v.id == id)
    }

    /// The view with this key.
    pub fn view(&self, key: &str) -> Option<&View> {
        self.views.iter().find(|v| v.key == key)
    }
}
