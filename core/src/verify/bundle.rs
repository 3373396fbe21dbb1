//! Verifying a 一照通 bundle: every member through the full single-license
//! checks (trust list and type authorisation, signature, validity, fields,
//! status), the one holder signature checked under each holder-bound
//! member's own key, and every member of the same subject (统一社会信用代码).

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::{parse_presentation, Direct, Policy, Report, TranscriptMemo, Verdict, Verifier};
use crate::alg::DigestAlgorithm;
use crate::bundle::{transcript, Bundle};
use crate::credential::Credential;
use crate::disclosure::Disclosure;
use crate::lang::Localized;
use crate::presentation::{HolderProof, Presentation};

/// A bundle-level problem (each member also has its own report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BundleError {
    /// The bundle bytes could not be read.
    Malformed {
        /// Detail (English).
        detail: String,
    },
    /// The same credential is in the bundle twice.
    DuplicateMember {
        /// Position of the repeat (0-based).
        index: usize,
    },
    /// A member's license type is not held by an entity (持证主体代码类型 is not
    /// `001`, a 统一社会信用代码): it cannot be part of a 一照通 bundle.
    NotAnEntity {
        /// Member position.
        index: usize,
    },
    /// A member does not disclose its subject's 统一社会信用代码.
    SubjectNotDisclosed {
        /// Member position.
        index: usize,
    },
    /// A member belongs to another subject than the first member.
    SubjectMismatch {
        /// Member position.
        index: usize,
    },
}

impl BundleError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::Malformed { .. } => "malformed_bundle",
            BundleError::DuplicateMember { .. } => "duplicate_member",
            BundleError::NotAnEntity { .. } => "not_an_entity",
            BundleError::SubjectNotDisclosed { .. } => "subject_not_disclosed",
            BundleError::SubjectMismatch { .. } => "subject_mismatch",
        }
    }
}

impl Localized for BundleError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            BundleError::Malformed { .. } => "一照通数据无法识别".into(),
            BundleError::DuplicateMember { index } => {
                format!("第 {} 个证照与前面的证照重复", index + 1).into()
            }
            BundleError::NotAnEntity { index } => format!(
                "第 {} 个证照的持证主体不是以统一社会信用代码标识的单位，不能纳入一照通",
                index + 1
            )
            .into(),
            BundleError::SubjectNotDisclosed { index } => {
                format!("第 {} 个证照未出示统一社会信用代码", index + 1).into()
            }
            BundleError::SubjectMismatch { index } => format!(
                "第 {} 个证照属于另一市场主体（统一社会信用代码不同）",
                index + 1
            )
            .into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            BundleError::Malformed { detail } => format!("bundle unreadable: {detail}").into(),
            BundleError::DuplicateMember { index } => {
                format!("member {} repeats an earlier member", index + 1).into()
            }
            BundleError::NotAnEntity { index } => format!(
                "member {}'s license type is not held by an entity with a unified social credit code",
                index + 1
            )
            .into(),
            BundleError::SubjectNotDisclosed { index } => format!(
                "member {} does not disclose its unified social credit code",
                index + 1
            )
            .into(),
            BundleError::SubjectMismatch { index } => format!(
                "member {} belongs to another entity (different unified social credit code)",
                index + 1
            )
            .into(),
        }
    }
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for BundleError {}

/// One member's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleMemberReport {
    /// Position in the bundle (0-based; 0 is the anchor).
    pub index: usize,
    /// The member's own verdict: its report's, made invalid by a bundle-level
    /// problem of this member (another subject, no subject shown).
    pub verdict: Verdict,
    /// Whether the member is of the bundle's subject (None: not decided,
    /// because its report is invalid and shows no field).
    pub same_subject: Option<bool>,
    /// The full single-license report.
    pub report: Report,
}

/// The result of verifying a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    /// Overall verdict: valid only if every member is valid and of one subject.
    pub verdict: Verdict,
    /// The subject's 统一社会信用代码 (from the first member).
    pub subject_code: Option<String>,
    /// The subject's name (from the first member).
    pub subject_name: Option<String>,
    /// Whether the bundle carried the holder's signature (else a static bundle).
    pub holder_signed: bool,
    /// Every member, in bundle order.
    pub members: Vec<BundleMemberReport>,
    /// Bundle-level problems.
    pub problems: Vec<BundleError>,
}

impl BundleReport {
    /// A one-line summary in both languages.
    pub fn summary(&self) -> String {
        let valid = self
            .members
            .iter()
            .filter(|m| m.verdict == Verdict::Valid)
            .count();
        let base = format!(
            "{} / {} — 一照通 bundle {}: {valid}/{} valid",
            self.verdict.zh(),
            self.verdict.en(),
            self.subject_code.as_deref().unwrap_or("?"),
            self.members.len()
        );
        match self.problems.first() {
            None => base,
            Some(p) => format!("{base}; {}", p.bilingual()),
        }
    }
}

impl Verifier {
    /// Verifies a 一照通 bundle (the body of a QR payload of kind `B`,
    /// normally assembled from frames). Never panics; a bundle that cannot be
    /// read is an invalid report with [`BundleError::Malformed`].
    pub fn verify_bundle(&self, body: &[u8], policy: &Policy) -> BundleReport {
        let bundle = match Bundle::parse(body) {
            Ok(b) => b,
            Err(e) => {
                return BundleReport {
                    verdict: Verdict::Invalid,
                    subject_code: None,
                    subject_name: None,
                    holder_signed: false,
                    members: Vec::new(),
                    problems: vec![BundleError::Malformed {
                        detail: e.en().into_owned(),
                    }],
                }
            }
        };
        // Each member parsed once: its credential (and cnf key) and disclosures
        // serve the transcript, the member's checks and the subject rule.
        let proof = bundle.proof.as_ref().map(|p| HolderProof {
            time: p.time,
            lifetime: p.lifetime,
            signature: p.signature.clone(),
            nonce: None,
        });
        let parsed: Vec<Result<super::Parsed, Box<Report>>> = bundle
            .members
            .iter()
            .map(|m| {
                parse_presentation(
                    Presentation {
                        credential: m.credential.clone(),
                        disclosures: m.disclosures.clone(),
                        proof: proof.clone(),
                    },
                    None,
                )
            })
            .collect();
        // The transcript names every member's credential and disclosed field ids.
        let digest = match parsed.first() {
            Some(Ok(p)) => p.cred.suite().digest,
            _ => bundle
                .members
                .first()
                .and_then(|m| Credential::parse(&m.credential).ok())
                .map_or(DigestAlgorithm::Sha256, |c| c.suite().digest),
        };
        let ids: Vec<Vec<u32>> = bundle
            .members
            .iter()
            .zip(&parsed)
            .map(|(m, p)| match p {
                Ok(p) => p.disclosures.iter().map(|d| d.field_id).collect(),
                Err(_) => m
                    .disclosures
                    .iter()
                    .filter_map(|d| Disclosure::parse(d).ok().map(|d| d.field_id))
                    .collect(),
            })
            .collect();
        let t = bundle.proof.as_ref().map(|p| {
            let list: Vec<(&[u8], Vec<u32>)> = bundle
                .members
                .iter()
                .zip(&ids)
                .map(|(m, i)| (m.credential.as_slice(), i.clone()))
                .collect();
            transcript(digest, &list, p.time, p.lifetime)
        });
        // One holder signature for the whole bundle: each distinct (key,
        // transcript) pair is verified once, members sharing a key reuse it.
        let memo = TranscriptMemo::new(t.as_deref().unwrap_or(&[]), &Direct);
        let mut problems = Vec::new();
        let mut members = Vec::with_capacity(bundle.members.len());
        let mut subject: Option<(String, Option<String>)> = None;
        for (index, (m, parsed)) in bundle.members.iter().zip(parsed).enumerate() {
            if bundle.members[..index]
                .iter()
                .any(|o| o.credential == m.credential)
            {
                problems.push(BundleError::DuplicateMember { index });
            }
            let (report, type_code) = match parsed {
                Ok(mut p) => {
                    p.bundle_transcript.clone_from(&t);
                    (
                        self.verify_parsed(&p, policy, &memo, None),
                        Some(p.cred.type_code.clone()),
                    )
                }
                Err(r) => (
                    *r,
                    Credential::parse(&m.credential).ok().map(|c| c.type_code),
                ),
            };
            // Subject: the type's holder-code field, as disclosed and verified.
            let ty = type_code.and_then(|c| self.registry.get(&c));
            let mut own_problem = false;
            let mut same_subject = None;
            if let Some(ty) = &ty {
                if ty.holder_code_type != "001" {
                    problems.push(BundleError::NotAnEntity { index });
                    own_problem = true;
                } else if report.verdict != Verdict::Invalid {
                    let field = |key: &Option<String>| {
                        key.as_ref().and_then(|k| {
                            report
                                .fields
                                .iter()
                                .find(|f| &f.key == k)
                                .map(|f| f.value_zh.clone())
                        })
                    };
                    match field(&ty.holder_code_field) {
                        None => {
                            problems.push(BundleError::SubjectNotDisclosed { index });
                            own_problem = true;
                        }
                        Some(code) => match &subject {
                            None => {
                                subject = Some((code, field(&ty.holder_name_field)));
                                same_subject = Some(true);
                            }
                            Some((anchor, _)) => {
                                let same = *anchor == code;
                                if !same {
                                    problems.push(BundleError::SubjectMismatch { index });
                                    own_problem = true;
                                }
                                same_subject = Some(same);
                            }
                        },
                    }
                }
            }
            let verdict = if own_problem {
                Verdict::Invalid
            } else {
                report.verdict
            };
            members.push(BundleMemberReport {
                index,
                verdict,
                same_subject,
                report,
            });
        }
        let verdict =
            if !problems.is_empty() || members.iter().any(|m| m.verdict == Verdict::Invalid) {
                Verdict::Invalid
            } else if members.iter().any(|m| m.verdict == Verdict::Indeterminate) {
                Verdict::Indeterminate
            } else {
                Verdict::Valid
            };
        let (subject_code, subject_name) = match subject {
            Some((c, n)) => (Some(c), n),
            None => (None, None),
        };
        BundleReport {
            verdict,
            subject_code,
            subject_name,
            holder_signed: bundle.proof.is_some(),
            members,
            problems,
        }
    }
}
