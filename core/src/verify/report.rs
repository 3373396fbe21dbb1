//! The verification report: every check with its outcome, a verdict, and the
//! disclosed fields ready to show at a counter in 中文 and English.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::lang::Localized;

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// At least one check failed: do not accept.
    Invalid,
    /// Nothing failed, but something could not be decided (e.g. a stale status
    /// list): do not accept without another check.
    Indeterminate,
}

impl Localized for Verdict {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Verdict::Valid => "有效".into(),
            Verdict::Invalid => "无效".into(),
            Verdict::Indeterminate => "无法确定".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            Verdict::Valid => "valid".into(),
            Verdict::Invalid => "invalid".into(),
            Verdict::Indeterminate => "indeterminate".into(),
        }
    }
}

/// What is checked, in the order checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckKind {
    /// QR text, CBOR and COSE structure.
    Format,
    /// The signing key is on a current trust list.
    IssuerKnown,
    /// The key may issue this license type, at the credential's issue time.
    IssuerAuthorized,
    /// The issuer's signature.
    IssuerSignature,
    /// The credential's validity window.
    Validity,
    /// Each disclosure matches a signed digest.
    Disclosures,
    /// Field values and cross-field rules.
    Fields,
    /// The holder's signature over the transcript.
    HolderSignature,
    /// The presentation is fresh (not a replayed screenshot).
    Freshness,
    /// The presentation answers this verifier's request.
    Request,
    /// Revocation / suspension status.
    Status,
}

impl CheckKind {
    /// All checks, in order.
    pub const ALL: [CheckKind; 11] = [
        CheckKind::Format,
        CheckKind::IssuerKnown,
        CheckKind::IssuerAuthorized,
        CheckKind::IssuerSignature,
        CheckKind::Validity,
        CheckKind::Disclosures,
        CheckKind::Fields,
        CheckKind::HolderSignature,
        CheckKind::Freshness,
        CheckKind::Request,
        CheckKind::Status,
    ];

    /// Stable snake_case name (used in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            CheckKind::Format => "format",
            CheckKind::IssuerKnown => "issuer_known",
            CheckKind::IssuerAuthorized => "issuer_authorized",
            CheckKind::IssuerSignature => "issuer_signature",
            CheckKind::Validity => "validity",
            CheckKind::Disclosures => "disclosures",
            CheckKind::Fields => "fields",
            CheckKind::HolderSignature => "holder_signature",
            CheckKind::Freshness => "freshness",
            CheckKind::Request => "request",
            CheckKind::Status => "status",
        }
    }
}

impl Localized for CheckKind {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            CheckKind::Format => "格式",
            CheckKind::IssuerKnown => "发证机关可信",
            CheckKind::IssuerAuthorized => "发证机关有权签发此类证照",
            CheckKind::IssuerSignature => "发证机关签名",
            CheckKind::Validity => "有效期",
            CheckKind::Disclosures => "披露字段完整性",
            CheckKind::Fields => "字段校验",
            CheckKind::HolderSignature => "持证人签名",
            CheckKind::Freshness => "实时性（防截图重放）",
            CheckKind::Request => "用证请求匹配",
            CheckKind::Status => "证照状态（吊销/暂停）",
        }
        .into()
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            CheckKind::Format => "format",
            CheckKind::IssuerKnown => "issuer known",
            CheckKind::IssuerAuthorized => "issuer authorised for this type",
            CheckKind::IssuerSignature => "issuer signature",
            CheckKind::Validity => "validity period",
            CheckKind::Disclosures => "disclosed fields match the signed digests",
            CheckKind::Fields => "field validation",
            CheckKind::HolderSignature => "holder signature",
            CheckKind::Freshness => "freshness (no replayed screenshot)",
            CheckKind::Request => "answers this verifier's request",
            CheckKind::Status => "status (revoked / suspended)",
        }
        .into()
    }
}

/// Every way verification can fail or be undecided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VerifyError {
    /// The QR text is not ours or is damaged.
    MalformedQr {
        /// Detail (English).
        detail: String,
    },
    /// The CBOR or COSE structure is wrong.
    MalformedCredential {
        /// Detail (English).
        detail: String,
    },
    /// The credential's signature algorithm is not in the algorithm table ([`crate::alg`]).
    UnsupportedAlgorithm,
    /// The QR holds a request, not a presentation.
    NotAPresentation,
    /// No trust list entry for the signing key.
    UnknownIssuer,
    /// The trust list is past its expiry.
    TrustListExpired,
    /// The license type is unknown to this verifier.
    UnknownLicenseType,
    /// The verifier's policy does not accept this license type.
    TypeNotAccepted,
    /// The key is not authorised for this license type.
    IssuerNotAuthorizedForType,
    /// The credential's issue time is outside the key's window.
    KeyNotValidAtIssuance,
    /// The issuer signature does not verify.
    BadIssuerSignature,
    /// The credential names another signature algorithm than its trusted key's
    /// (e.g. an SM2 header with an Ed25519 key): it cannot verify under that key.
    KeyAlgorithmMismatch,
    /// Before the start of validity.
    NotYetValid,
    /// After the end of validity.
    Expired,
    /// Issued in the future.
    IssuedInFuture,
    /// A disclosure's digest is not in the credential.
    DisclosureNotSigned,
    /// The same field is disclosed twice.
    DuplicateDisclosure,
    /// A disclosed field id is not a field of the license type.
    UnknownField,
    /// The credential names a view id (`lz[4]`) the license type does not define.
    UnknownView,
    /// A disclosed field is a field of the type but not of the credential's view.
    FieldNotInView,
    /// The disclosures are not in ascending field-id order, the one canonical
    /// order (FORMAT.md §7): a presentation has exactly one encoding.
    DisclosuresOutOfOrder,
    /// A disclosed value fails its validator.
    InvalidFieldValue {
        /// Field key.
        field: String,
        /// Reason (English, no personal data).
        reason: String,
    },
    /// A disclosed image (the portrait) does not fit its profile: refused
    /// before anything decodes it.
    InvalidImage {
        /// Field key.
        field: String,
        /// What is wrong with the image.
        error: crate::schema::ImageError,
    },
    /// Disclosed fields contradict each other.
    RuleViolated {
        /// Rule name.
        rule: String,
    },
    /// The 证照标识 names another type or issuer than the credential.
    LicenseIdMismatch,
    /// The credential is holder-bound but carries no holder proof.
    HolderProofMissing,
    /// The holder's signature does not verify.
    BadHolderSignature,
    /// Policy requires holder binding, and the credential has none.
    NotHolderBound,
    /// The license type requires holder binding (居民身份证, 健康证明) and the
    /// credential has none: a static copy, refused whatever the policy.
    HolderBindingRequiredByType,
    /// The presentation is older than allowed: a replayed screenshot or photo.
    Stale,
    /// The presentation's time is ahead of the verifier's clock beyond the
    /// skew: one of the two device clocks is wrong.
    FromFuture,
    /// This counter already accepted this very presentation (a second scan,
    /// or a relayed copy, within its lifetime).
    AlreadyVerified {
        /// When it was first accepted (Unix seconds).
        at: u64,
    },
    /// The presentation answers a different request (nonce mismatch).
    NonceMismatch,
    /// The request it answers was already answered by another accepted
    /// presentation at this counter (a request's nonce is single-use).
    NonceAlreadyUsed,
    /// A request was made but the presentation does not answer one.
    RequestNotAnswered,
    /// The presentation lacks fields the request asked for, or is of another type.
    RequestNotSatisfied,
    /// The license was revoked.
    Revoked,
    /// The license is suspended.
    Suspended,
    /// No status list is available for this license.
    StatusListMissing,
    /// The status list is past its time-to-live.
    StatusListExpired,
    /// The status list could not be read or verified.
    StatusListInvalid {
        /// Detail (English).
        detail: String,
    },
    /// The status index is outside the list.
    StatusIndexOutOfRange,
    /// An unregistered status value.
    StatusUnknown,
}

impl VerifyError {
    /// Stable snake_case code (used in test vectors and by apps to branch).
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MalformedQr { .. } => "malformed_qr",
            VerifyError::MalformedCredential { .. } => "malformed_credential",
            VerifyError::UnsupportedAlgorithm => "unsupported_algorithm",
            VerifyError::NotAPresentation => "not_a_presentation",
            VerifyError::UnknownIssuer => "unknown_issuer",
            VerifyError::TrustListExpired => "trust_list_expired",
            VerifyError::UnknownLicenseType => "unknown_license_type",
            VerifyError::TypeNotAccepted => "type_not_accepted",
            VerifyError::IssuerNotAuthorizedForType => "issuer_not_authorized_for_type",
            VerifyError::KeyNotValidAtIssuance => "key_not_valid_at_issuance",
            VerifyError::BadIssuerSignature => "bad_issuer_signature",
            VerifyError::KeyAlgorithmMismatch => "key_algorithm_mismatch",
            VerifyError::NotYetValid => "not_yet_valid",
            VerifyError::Expired => "expired",
            VerifyError::IssuedInFuture => "issued_in_future",
            VerifyError::DisclosureNotSigned => "disclosure_not_signed",
            VerifyError::DuplicateDisclosure => "duplicate_disclosure",
            VerifyError::UnknownField => "unknown_field",
            VerifyError::UnknownView => "unknown_view",
            VerifyError::FieldNotInView => "field_not_in_view",
            VerifyError::DisclosuresOutOfOrder => "disclosures_out_of_order",
            VerifyError::InvalidFieldValue { .. } => "invalid_field_value",
            VerifyError::InvalidImage { .. } => "invalid_image",
            VerifyError::RuleViolated { .. } => "rule_violated",
            VerifyError::LicenseIdMismatch => "license_id_mismatch",
            VerifyError::HolderProofMissing => "holder_proof_missing",
            VerifyError::BadHolderSignature => "bad_holder_signature",
            VerifyError::NotHolderBound => "not_holder_bound",
            VerifyError::HolderBindingRequiredByType => "holder_binding_required_by_type",
            VerifyError::Stale => "stale",
            VerifyError::FromFuture => "from_future",
            VerifyError::AlreadyVerified { .. } => "already_verified",
            VerifyError::NonceMismatch => "nonce_mismatch",
            VerifyError::NonceAlreadyUsed => "nonce_already_used",
            VerifyError::RequestNotAnswered => "request_not_answered",
            VerifyError::RequestNotSatisfied => "request_not_satisfied",
            VerifyError::Revoked => "revoked",
            VerifyError::Suspended => "suspended",
            VerifyError::StatusListMissing => "status_list_missing",
            VerifyError::StatusListExpired => "status_list_expired",
            VerifyError::StatusListInvalid { .. } => "status_list_invalid",
            VerifyError::StatusIndexOutOfRange => "status_index_out_of_range",
            VerifyError::StatusUnknown => "status_unknown",
        }
    }
}

impl Localized for VerifyError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            VerifyError::MalformedQr { .. } => "二维码内容无法识别或已损坏".into(),
            VerifyError::MalformedCredential { .. } => "证照数据格式错误".into(),
            VerifyError::UnsupportedAlgorithm => "不支持的签名算法".into(),
            VerifyError::NotAPresentation => "这是用证请求码，不是亮证码".into(),
            VerifyError::UnknownIssuer => "发证机关不在信任列表中".into(),
            VerifyError::TrustListExpired => "信任列表已过期，请更新".into(),
            VerifyError::UnknownLicenseType => "本机不认识此证照类型".into(),
            VerifyError::TypeNotAccepted => "本窗口不受理此类证照".into(),
            VerifyError::IssuerNotAuthorizedForType => "该发证机关无权签发此类证照".into(),
            VerifyError::KeyNotValidAtIssuance => "签发时该密钥不在有效期内".into(),
            VerifyError::BadIssuerSignature => "发证机关签名无效（证照可能被篡改）".into(),
            VerifyError::KeyAlgorithmMismatch => "签名算法与可信密钥的算法不符".into(),
            VerifyError::NotYetValid => "证照尚未生效".into(),
            VerifyError::Expired => "证照已过期".into(),
            VerifyError::IssuedInFuture => "签发时间晚于当前时间".into(),
            VerifyError::DisclosureNotSigned => "披露的字段与签名不符（字段被篡改）".into(),
            VerifyError::DuplicateDisclosure => "同一字段被重复披露".into(),
            VerifyError::UnknownField => "披露了该证照类型没有的字段".into(),
            VerifyError::UnknownView => "证照的披露视图编号未定义".into(),
            VerifyError::FieldNotInView => "披露的字段不属于该证照视图".into(),
            VerifyError::DisclosuresOutOfOrder => "披露字段未按字段编号升序排列".into(),
            VerifyError::InvalidFieldValue { field, .. } => format!("字段取值无效：{field}").into(),
            VerifyError::InvalidImage { field, error } => {
                format!("字段 {field} 的图像不符合规范，未予显示：{}", error.zh()).into()
            }
            VerifyError::RuleViolated { rule } => format!("字段之间互相矛盾（{rule}）").into(),
            VerifyError::LicenseIdMismatch => "证照标识与证照类型或发证机关不符".into(),
            VerifyError::HolderProofMissing => "缺少持证人签名（不是持证人本人亮证）".into(),
            VerifyError::BadHolderSignature => "持证人签名无效".into(),
            VerifyError::NotHolderBound => "证照未绑定持证人，本窗口要求本人亮证".into(),
            VerifyError::HolderBindingRequiredByType => {
                "此类证照必须由持证人本人亮证，这是未绑定持证人的静态证照（可能是复制件），不予认可"
                    .into()
            }
            VerifyError::Stale => "亮证码已过期：可能是截图或翻拍，请持证人重新亮证".into(),
            VerifyError::FromFuture => {
                "亮证时间超前于本机时间：请核对设备时间（本机或持证人手机的时钟不准）".into()
            }
            VerifyError::AlreadyVerified { at } => format!(
                "已核验过（{} 已核验同一亮证码），请持证人刷新后重新亮证",
                clock_time(*at)
            )
            .into(),
            VerifyError::NonceMismatch => "亮证码不是对本次用证请求的应答".into(),
            VerifyError::NonceAlreadyUsed => {
                "本次用证请求已被应答过（请求码只能使用一次），请重新发起用证请求".into()
            }
            VerifyError::RequestNotAnswered => "本窗口发出了用证请求，但亮证码未应答该请求".into(),
            VerifyError::RequestNotSatisfied => "亮证内容不满足用证请求".into(),
            VerifyError::Revoked => "证照已被吊销".into(),
            VerifyError::Suspended => "证照已被暂停使用".into(),
            VerifyError::StatusListMissing => "没有该证照的状态列表，无法确认是否吊销".into(),
            VerifyError::StatusListExpired => "状态列表已过时，无法确认是否吊销，请更新".into(),
            VerifyError::StatusListInvalid { .. } => {
                "状态列表无法解析或验证，无法确认是否吊销".into()
            }
            VerifyError::StatusIndexOutOfRange => "状态索引超出列表范围".into(),
            VerifyError::StatusUnknown => "状态值未定义".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            VerifyError::MalformedQr { detail } => format!("QR text unreadable or damaged: {detail}").into(),
            VerifyError::MalformedCredential { detail } => format!("malformed credential: {detail}").into(),
            VerifyError::UnsupportedAlgorithm => "unsupported signature algorithm".into(),
            VerifyError::NotAPresentation => "this is a request code, not a presentation".into(),
            VerifyError::UnknownIssuer => "issuer not on the trust list".into(),
            VerifyError::TrustListExpired => "the trust list has expired; update it".into(),
            VerifyError::UnknownLicenseType => "license type unknown to this verifier".into(),
            VerifyError::TypeNotAccepted => "this counter does not accept this license type".into(),
            VerifyError::IssuerNotAuthorizedForType => "issuer not authorised for this license type".into(),
            VerifyError::KeyNotValidAtIssuance => "issuer key was not valid at the issue time".into(),
            VerifyError::BadIssuerSignature => "issuer signature invalid (credential tampered with?)".into(),
            VerifyError::KeyAlgorithmMismatch => {
                "the signature algorithm is not the trusted key's algorithm".into()
            }
            VerifyError::NotYetValid => "license not yet valid".into(),
            VerifyError::Expired => "license expired".into(),
            VerifyError::IssuedInFuture => "issue time is in the future".into(),
            VerifyError::DisclosureNotSigned => "a disclosed field does not match the signature (tampered field)".into(),
            VerifyError::DuplicateDisclosure => "a field is disclosed twice".into(),
            VerifyError::UnknownField => "a disclosed field is not a field of this license type".into(),
            VerifyError::UnknownView => "the credential names a view the license type does not define".into(),
            VerifyError::FieldNotInView => "a disclosed field is not part of the credential's view".into(),
            VerifyError::DisclosuresOutOfOrder => "the disclosures are not in ascending field-id order".into(),
            VerifyError::InvalidFieldValue { field, reason } => format!("invalid value for {field}: {reason}").into(),
            VerifyError::InvalidImage { field, error } => format!("image in {field} refused (not shown): {}", error.en()).into(),
            VerifyError::RuleViolated { rule } => format!("disclosed fields contradict each other ({rule})").into(),
            VerifyError::LicenseIdMismatch => "license identifier names another type or issuer".into(),
            VerifyError::HolderProofMissing => "holder proof missing (not shown by the holder)".into(),
            VerifyError::BadHolderSignature => "holder signature invalid".into(),
            VerifyError::NotHolderBound => "license not holder-bound; this counter requires the holder to show it".into(),
            VerifyError::HolderBindingRequiredByType => "this license type must be shown by its holder; a static (unbound) one is a copy and is refused".into(),
            VerifyError::Stale => "presentation too old: a screenshot or photo replayed? Ask the holder to show it again".into(),
            VerifyError::FromFuture => "presentation time is ahead of this device's clock beyond the allowed skew: check the device clock (this one or the holder's phone)".into(),
            VerifyError::AlreadyVerified { at } => format!("already verified at {} (the same presentation scanned again); ask the holder to refresh the code", clock_time(*at)).into(),
            VerifyError::NonceMismatch => "presentation answers a different request (nonce mismatch)".into(),
            VerifyError::NonceAlreadyUsed => "this request was already answered (a request's nonce is single-use); make a new request".into(),
            VerifyError::RequestNotAnswered => "a request was made but the presentation does not answer it".into(),
            VerifyError::RequestNotSatisfied => "presentation does not satisfy the request".into(),
            VerifyError::Revoked => "license revoked".into(),
            VerifyError::Suspended => "license suspended".into(),
            VerifyError::StatusListMissing => "no status list for this license; revocation unknown".into(),
            VerifyError::StatusListExpired => "status list past its time-to-live; revocation unknown, update it".into(),
            VerifyError::StatusListInvalid { detail } => format!("status list unreadable or unverifiable ({detail}); revocation unknown").into(),
            VerifyError::StatusIndexOutOfRange => "status index outside the list".into(),
            VerifyError::StatusUnknown => "unregistered status value".into(),
        }
    }
}

/// `hh:mm:ss` in China Standard Time.
fn clock_time(secs: u64) -> String {
    let t = crate::time::UnixTime(secs).to_string();
    // "YYYY-MM-DD hh:mm:ss CST"
    t.split(' ').nth(1).unwrap_or_default().to_string()
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for VerifyError {}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "error", rename_all = "snake_case")]
pub enum Outcome {
    /// Passed.
    Passed,
    /// Failed: the license must not be accepted.
    Failed(VerifyError),
    /// Could not be decided.
    Indeterminate(VerifyError),
    /// Does not apply (no status reference, no request, not holder-bound by policy).
    NotApplicable,
    /// Not run because an earlier check failed.
    Skipped,
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked.
    pub kind: CheckKind,
    /// What came of it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A disclosed field, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedField {
    /// Field key.
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// The full value (Chinese display form).
    pub value_zh: String,
    /// The full value (English display form).
    pub value_en: String,
    /// What to show by default: masked when the field is sensitive.
    pub display: String,
    /// Whether the field is sensitive.
    pub sensitive: bool,
}

/// A disclosed image (the portrait), for the app to show beside the verdict.
///
/// The bytes passed the portrait profile's header check (baseline JPEG within
/// the type's size and pixel limits, no metadata) and are covered by the
/// issuer's signature like every other field; they are given only when every
/// integrity check passed, exactly as the text fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedImage {
    /// Field key (`portrait`).
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Media type (`image/jpeg`).
    pub media_type: String,
    /// Width in pixels (from the checked header).
    pub width: u16,
    /// Height in pixels (from the checked header).
    pub height: u16,
    /// The image bytes exactly as signed (standard Base64 in JSON).
    #[serde(serialize_with = "standard_base64")]
    pub bytes: Vec<u8>,
}

fn standard_base64<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        bytes,
    ))
}

/// Something worth telling that does not change the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// The 证照标识's check character does not conform to GB/T 36904 (common in the wild).
    NonConformingLicenseId,
    /// Static display: the credential is not bound to a holder, anyone with the code can show it.
    NotHolderBound,
    /// The status was not checked because no list was available and policy is lenient.
    StatusNotChecked,
    /// The issuer key has since been retired (issued within its window; still valid).
    IssuerKeyRetired,
}

impl Localized for Finding {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Finding::NonConformingLicenseId => {
                "证照标识校验位不符合 GB/T 36904（常见于存量数据，不影响结论）".into()
            }
            Finding::NotHolderBound => "静态亮证：证照未绑定持证人".into(),
            Finding::StatusNotChecked => "未检查吊销状态（没有状态列表，按宽松策略放行）".into(),
            Finding::IssuerKeyRetired => "签发密钥已轮换停用（签发时有效）".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            Finding::NonConformingLicenseId => "license identifier check character does not conform to GB/T 36904 (common in legacy data; verdict unaffected)".into(),
            Finding::NotHolderBound => "static display: the license is not bound to a holder".into(),
            Finding::StatusNotChecked => "revocation status not checked (no status list; lenient policy)".into(),
            Finding::IssuerKeyRetired => "the issuing key has since been rotated out (valid at issue time)".into(),
        }
    }
}

/// Facts about the license, from the signed part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseInfo {
    /// 证照类型代码.
    pub type_code: String,
    /// 证照名称.
    pub type_zh: String,
    /// English type name.
    pub type_en: String,
    /// View name, when an issuer-signed view was shown.
    pub view: Option<String>,
    /// 颁发机构 (from the trust list).
    pub issuer_zh: String,
    /// Issuer in English.
    pub issuer_en: String,
    /// 颁发机构代码.
    pub issuer_code: String,
    /// Key id (hex).
    pub key_id: String,
    /// Issue time (seconds).
    pub issued_at: u64,
    /// Start of validity (seconds).
    pub valid_from: u64,
    /// End of validity (seconds), None = 长期.
    pub valid_until: Option<u64>,
    /// Whether the license is bound to the holder's key.
    pub holder_bound: bool,
}

/// The full result of verifying one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Overall verdict.
    pub verdict: Verdict,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// License facts (when the credential could be read).
    pub license: Option<LicenseInfo>,
    /// Disclosed fields (only when every integrity check passed).
    pub fields: Vec<DisclosedField>,
    /// Disclosed images (the portrait), under the same rule as `fields`; each
    /// is also listed in `fields` with a text description.
    pub images: Vec<DisclosedImage>,
    /// Findings that do not change the verdict.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The first failed (or, failing none, undecided) check and its error.
    pub fn first_problem(&self) -> Option<(CheckKind, &VerifyError)> {
        let failed = self.checks.iter().find_map(|c| match &c.outcome {
            Outcome::Failed(e) => Some((c.kind, e)),
            _ => None,
        });
        failed.or_else(|| {
            self.checks.iter().find_map(|c| match &c.outcome {
                Outcome::Indeterminate(e) => Some((c.kind, e)),
                _ => None,
            })
        })
    }

    /// The outcome of one check.
    pub fn outcome(&self, kind: CheckKind) -> Option<&Outcome> {
        self.checks
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| &c.outcome)
    }

    /// A one-line summary in both languages (for the `--stdin` counter mode).
    pub fn summary(&self) -> String {
        match self.first_problem() {
            None => format!("{} / {}", self.verdict.zh(), self.verdict.en()),
            Some((_, e)) => format!(
                "{}：{} / {}: {}",
                self.verdict.zh(),
                e.zh(),
                self.verdict.en(),
                e.en()
            ),
        }
    }
}
