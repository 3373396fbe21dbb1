//! The verification report as JS sees it: plain data, every check, messages in
//! 中文 and English (the same shape as the UniFFI bindings' `VerificationReport`,
//! with snake_case keys and `null` for absent values).

use liangzheng::lang::Localized;
use liangzheng::verify::{self, CheckKind, Finding as CoreFinding, Outcome, Report};
use serde::Serialize;

/// What went wrong in a check: a stable code and messages in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable snake_case code (`revoked`, `stale`, `bad_issuer_signature` …), as in the test vectors.
    pub code: String,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Stable check code (`format`, `issuer_known`, … `status`).
    pub check: String,
    /// Chinese name of the check.
    pub label_zh: String,
    /// English name of the check.
    pub label_en: String,
    /// `passed`, `failed`, `indeterminate`, `not_applicable` or `skipped`.
    pub outcome: &'static str,
    /// The problem, for `failed` and `indeterminate`.
    pub problem: Option<Problem>,
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
    /// The full value, Chinese display form.
    pub value_zh: String,
    /// The full value, English display form.
    pub value_en: String,
    /// What to show by default: masked when the field is sensitive (3701**********0016).
    pub display: String,
    /// Whether the field is sensitive (show `display` until staff tap to reveal).
    pub sensitive: bool,
}

/// Something worth telling that does not change the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (`not_holder_bound`, `status_not_checked` …).
    pub code: String,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// Facts about the license, from its signed part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseFacts {
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
    /// Issuer key id (hex).
    pub key_id: String,
    /// Issue time (Unix seconds).
    pub issued_at: u64,
    /// Start of validity (Unix seconds).
    pub valid_from: u64,
    /// End of validity (Unix seconds, exclusive); `null` = 长期.
    pub valid_until: Option<u64>,
    /// Whether the license is bound to the holder's key (本人亮证) or a static display.
    pub holder_bound: bool,
}

/// The full result of verifying one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationReport {
    /// `valid`, `invalid` or `indeterminate`.
    pub verdict: &'static str,
    /// The verdict in Chinese (有效 / 无效 / 无法确定).
    pub verdict_zh: String,
    /// The verdict in English.
    pub verdict_en: String,
    /// One line for the counter: verdict and first problem, in both languages.
    pub summary: String,
    /// Code of the first failed (else first undecided) check.
    pub failing_check: Option<String>,
    /// The problem of that check.
    pub problem: Option<Problem>,
    /// Every check, in order.
    pub checks: Vec<CheckResult>,
    /// License facts, when the credential could be read and its issuer is known.
    pub license: Option<LicenseFacts>,
    /// Disclosed fields (empty unless every integrity check passed).
    pub fields: Vec<DisclosedField>,
    /// Findings that do not change the verdict.
    pub findings: Vec<Finding>,
    /// Disclosed images (the portrait), exactly the signed bytes, checked
    /// against the profile of FORMAT.md §6.3 (empty unless the report is sound).
    pub images: Vec<DisclosedImage>,
}

/// A disclosed image, ready to show beside the verdict.
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
    /// Height in pixels.
    pub height: u16,
    /// The image bytes, standard Base64 (for a `data:` URL or a Blob).
    pub data_base64: String,
}

/// `valid`, `invalid` or `indeterminate`.
pub(crate) fn verdict_code(v: verify::Verdict) -> &'static str {
    match v {
        verify::Verdict::Valid => "valid",
        verify::Verdict::Invalid => "invalid",
        verify::Verdict::Indeterminate => "indeterminate",
    }
}

fn problem(e: &verify::VerifyError) -> Problem {
    Problem {
        code: e.code().to_string(),
        message_zh: e.zh().into_owned(),
        message_en: e.en().into_owned(),
    }
}

fn finding_code(f: &CoreFinding) -> &'static str {
    match f {
        CoreFinding::NonConformingLicenseId => "non_conforming_license_id",
        CoreFinding::NotHolderBound => "not_holder_bound",
        CoreFinding::StatusNotChecked => "status_not_checked",
        CoreFinding::IssuerKeyRetired => "issuer_key_retired",
        _ => "other",
    }
}

fn check_result(kind: CheckKind, outcome: &Outcome) -> CheckResult {
    let (outcome, problem) = match outcome {
        Outcome::Passed => ("passed", None),
        Outcome::Failed(e) => ("failed", Some(problem(e))),
        Outcome::Indeterminate(e) => ("indeterminate", Some(problem(e))),
        Outcome::NotApplicable => ("not_applicable", None),
        Outcome::Skipped => ("skipped", None),
    };
    CheckResult {
        check: kind.code().to_string(),
        label_zh: kind.zh().into_owned(),
        label_en: kind.en().into_owned(),
        outcome,
        problem,
    }
}

impl VerificationReport {
    /// Converts core's report.
    pub fn from_core(r: &Report) -> Self {
        let first = r.first_problem();
        VerificationReport {
            verdict: verdict_code(r.verdict),
            verdict_zh: r.verdict.zh().into_owned(),
            verdict_en: r.verdict.en().into_owned(),
            summary: r.summary(),
            failing_check: first.map(|(k, _)| k.code().to_string()),
            problem: first.map(|(_, e)| problem(e)),
            checks: r
                .checks
                .iter()
                .map(|c| check_result(c.kind, &c.outcome))
                .collect(),
            license: r.license.as_ref().map(|l| LicenseFacts {
                type_code: l.type_code.clone(),
                type_zh: l.type_zh.clone(),
                type_en: l.type_en.clone(),
                view: l.view.clone(),
                issuer_zh: l.issuer_zh.clone(),
                issuer_en: l.issuer_en.clone(),
                issuer_code: l.issuer_code.clone(),
                key_id: l.key_id.clone(),
                issued_at: l.issued_at,
                valid_from: l.valid_from,
                valid_until: l.valid_until,
                holder_bound: l.holder_bound,
            }),
            fields: r
                .fields
                .iter()
                .map(|f| DisclosedField {
                    key: f.key.clone(),
                    label_zh: f.label_zh.clone(),
                    label_en: f.label_en.clone(),
                    value_zh: f.value_zh.clone(),
                    value_en: f.value_en.clone(),
                    display: f.display.clone(),
                    sensitive: f.sensitive,
                })
                .collect(),
            findings: r
                .findings
                .iter()
                .map(|f| Finding {
                    code: finding_code(f).to_string(),
                    message_zh: f.zh().into_owned(),
                    message_en: f.en().into_owned(),
                })
                .collect(),
            images: r
                .images
                .iter()
                .map(|i| DisclosedImage {
                    key: i.key.clone(),
                    label_zh: i.label_zh.clone(),
                    label_en: i.label_en.clone(),
                    media_type: i.media_type.clone(),
                    width: i.width,
                    height: i.height,
                    data_base64: liangzheng::b64::encode_standard(&i.bytes),
                })
                .collect(),
        }
    }
}
