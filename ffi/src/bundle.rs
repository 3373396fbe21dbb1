//! 一照通 bundle reports: a business license and its permits, each with its own
//! verdict, and the overall one (core's `verify::bundle`). In every build.

use liangzheng::lang::Localized as _;
use liangzheng::verify::{self, BundleReport as CoreReport};

use crate::{Verdict, VerificationReport};

/// One member of a bundle and its result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleMemberReport {
    /// Position in the bundle (0 is the anchor, normally the 营业执照).
    pub index: u32,
    /// The member's own verdict: its report's, made invalid by a bundle-level
    /// problem of this member (another subject, subject not shown, not an entity's license).
    pub verdict: Verdict,
    /// Whether the member belongs to the bundle's subject (same 统一社会信用代码);
    /// none when undecided (its report is invalid and shows no field).
    pub same_subject: Option<bool>,
    /// The member's full report (license facts, fields, findings in 中文 and English).
    pub report: VerificationReport,
}

/// A bundle-level problem.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleProblem {
    /// Stable code: `malformed_bundle`, `duplicate_member`, `not_an_entity`,
    /// `subject_not_disclosed`, `subject_mismatch`.
    pub code: String,
    /// The member it concerns (0-based), if one.
    pub member_index: Option<u32>,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// The result of verifying a 一照通 bundle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleReport {
    /// Overall verdict: valid only when every member is valid and of one subject.
    pub verdict: Verdict,
    /// The verdict in Chinese (有效 / 无效 / 无法确定).
    pub verdict_zh: String,
    /// The verdict in English.
    pub verdict_en: String,
    /// One line for the counter, both languages ("有效 / valid — 一照通 bundle …: 13/13 valid").
    pub summary: String,
    /// The subject's 统一社会信用代码 (from the first member), when shown and verified.
    pub subject_code: Option<String>,
    /// The subject's name (from the first member).
    pub subject_name: Option<String>,
    /// Whether the holder signed the bundle (else a static bundle: a wall code).
    pub holder_signed: bool,
    /// Every member, in bundle order.
    pub members: Vec<BundleMemberReport>,
    /// Bundle-level problems.
    pub problems: Vec<BundleProblem>,
}

pub(crate) fn verdict(v: verify::Verdict) -> Verdict {
    match v {
        verify::Verdict::Valid => Verdict::Valid,
        verify::Verdict::Invalid => Verdict::Invalid,
        verify::Verdict::Indeterminate => Verdict::Indeterminate,
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl BundleReport {
    pub(crate) fn from_core(r: &CoreReport) -> Self {
        BundleReport {
            verdict: verdict(r.verdict),
            verdict_zh: r.verdict.zh().into_owned(),
            verdict_en: r.verdict.en().into_owned(),
            summary: r.summary(),
            subject_code: r.subject_code.clone(),
            subject_name: r.subject_name.clone(),
            holder_signed: r.holder_signed,
            members: r
                .members
                .iter()
                .map(|m| BundleMemberReport {
                    index: index(m.index),
                    verdict: verdict(m.verdict),
                    same_subject: m.same_subject,
                    report: VerificationReport::from_core(&m.report),
                })
                .collect(),
            problems: r
                .problems
                .iter()
                .map(|p| BundleProblem {
                    code: p.code().into(),
                    member_index: member_of(p).map(index),
                    message_zh: p.zh().into_owned(),
                    message_en: p.en().into_owned(),
                })
                .collect(),
        }
    }
}

fn member_of(p: &verify::BundleError) -> Option<usize> {
    use verify::BundleError as E;
    match p {
        E::DuplicateMember { index }
        | E::NotAnEntity { index }
        | E::SubjectNotDisclosed { index }
        | E::SubjectMismatch { index } => Some(*index),
        _ => None,
    }
}
