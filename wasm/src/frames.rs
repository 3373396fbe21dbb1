//! Animated multi-frame codes at the counter (docs/FORMAT.md §14): the frame
//! assembler, and the verification of what it assembled — a presentation
//! (with its portrait, §6.3) or a 一照通 bundle (§15). Converts and delegates
//! to core.

use liangzheng::lang::Localized;
use liangzheng::qr::frames::{self, FrameError, FrameStatus};
use liangzheng::qr::{QrKind, QrPayload};
use liangzheng::verify::{self, BundleReport as CoreBundleReport};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::to_js;
use crate::report::{verdict_code, VerificationReport};
use crate::verifier::{Verifier, VerifyPolicy};
use crate::LzError;

impl From<FrameError> for LzError {
    fn from(e: FrameError) -> Self {
        LzError::new("frame", e.code(), &e.zh(), &e.en())
    }
}

/// What one pushed frame did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameProgress {
    /// `accepted`, `duplicate`, `other_code`, `already_complete` or `complete`.
    pub status: &'static str,
    /// Distinct frames of the code being assembled (0 once complete).
    pub frames_seen: u32,
    /// Frames needed at least (K).
    pub frames_needed: u32,
    /// 0–99 until complete, then 100.
    pub percent: u8,
    /// When complete: `presentation`, `bundle` or `request`.
    pub kind: Option<&'static str>,
}

/// The assembler of one counter (a JS object: `new FrameAssembler()`).
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct FrameAssembler {
    inner: frames::FrameAssembler,
    done: Option<QrPayload>,
}

fn kind_code(kind: QrKind) -> &'static str {
    match kind {
        QrKind::Presentation => "presentation",
        QrKind::Bundle => "bundle",
        _ => "request",
    }
}

impl FrameAssembler {
    /// Takes one scanned frame text. A frame that fails (cut, forged, of
    /// another length) is an `LzError` of kind `frame` with the code of
    /// FORMAT.md §14.3/§14.4; the assembly goes on with the next frame.
    pub fn push_text(&mut self, text: &str) -> Result<FrameProgress, LzError> {
        let progress = |status, p: frames::Progress| FrameProgress {
            status,
            frames_seen: p.frames_seen,
            frames_needed: p.frames_needed,
            percent: p.percent,
            kind: None,
        };
        Ok(match self.inner.push(text)? {
            FrameStatus::Accepted(p) => progress("accepted", p),
            FrameStatus::Duplicate(p) => progress("duplicate", p),
            FrameStatus::OtherCode(p) => progress("other_code", p),
            FrameStatus::Complete(payload) => {
                let kind = kind_code(payload.kind);
                self.done = Some(payload);
                FrameProgress {
                    status: "complete",
                    frames_seen: 0,
                    frames_needed: 0,
                    percent: 100,
                    kind: Some(kind),
                }
            }
            FrameStatus::AlreadyComplete => FrameProgress {
                status: "already_complete",
                frames_seen: 0,
                frames_needed: 0,
                percent: 100,
                kind: None,
            },
            _ => progress(
                "accepted",
                self.inner.progress().unwrap_or(frames::Progress {
                    frames_seen: 0,
                    frames_needed: 0,
                    percent: 0,
                }),
            ),
        })
    }

    /// The assembled message, taken out (None before `complete`).
    pub fn take_payload(&mut self) -> Option<QrPayload> {
        self.done.take()
    }
}

#[wasm_bindgen]
impl FrameAssembler {
    /// `new FrameAssembler()`.
    #[wasm_bindgen(constructor)]
    pub fn create() -> FrameAssembler {
        FrameAssembler::default()
    }

    /// `push(text)` → `{status, frames_seen, frames_needed, percent, kind}`;
    /// throws an `LzError` of kind `frame` for a bad frame.
    pub fn push(&mut self, text: &str) -> Result<JsValue, JsValue> {
        let p = self.push_text(text).map_err(LzError::into_js)?;
        to_js(&p)
    }

    /// Forgets everything (a new customer).
    pub fn reset(&mut self) {
        self.inner.reset();
        self.done = None;
    }
}

/// A bundle-level problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleProblem {
    /// `malformed_bundle`, `duplicate_member`, `not_an_entity`, `subject_not_disclosed`, `subject_mismatch`.
    pub code: &'static str,
    /// The member it names (0-based), if any.
    pub index: Option<usize>,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// One member of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleMember {
    /// Position (0-based).
    pub index: usize,
    /// The member's verdict (its report's, made invalid by a bundle problem of it).
    pub verdict: &'static str,
    /// Whether it is of the bundle's subject (`null`: not decided).
    pub same_subject: Option<bool>,
    /// Its full report.
    pub report: VerificationReport,
}

/// A verified 一照通 bundle, as JS sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    /// `valid`, `invalid` or `indeterminate`.
    pub verdict: &'static str,
    /// One line in both languages.
    pub summary: String,
    /// The subject's 统一社会信用代码.
    pub subject_code: Option<String>,
    /// The subject's name.
    pub subject_name: Option<String>,
    /// Whether the holder signed it (else a static wall bundle).
    pub holder_signed: bool,
    /// Bundle-level problems.
    pub problems: Vec<BundleProblem>,
    /// Every member, in order.
    pub members: Vec<BundleMember>,
}

impl BundleReport {
    /// Converts core's bundle report.
    pub fn from_core(r: &CoreBundleReport) -> Self {
        BundleReport {
            verdict: verdict_code(r.verdict),
            summary: r.summary(),
            subject_code: r.subject_code.clone(),
            subject_name: r.subject_name.clone(),
            holder_signed: r.holder_signed,
            problems: r
                .problems
                .iter()
                .map(|p| BundleProblem {
                    code: p.code(),
                    index: match p {
                        verify::BundleError::DuplicateMember { index }
                        | verify::BundleError::NotAnEntity { index }
                        | verify::BundleError::SubjectNotDisclosed { index }
                        | verify::BundleError::SubjectMismatch { index } => Some(*index),
                        _ => None,
                    },
                    message_zh: p.zh().into_owned(),
                    message_en: p.en().into_owned(),
                })
                .collect(),
            members: r
                .members
                .iter()
                .map(|m| BundleMember {
                    index: m.index,
                    verdict: verdict_code(m.verdict),
                    same_subject: m.same_subject,
                    report: VerificationReport::from_core(&m.report),
                })
                .collect(),
        }
    }
}

/// What an assembled code verified to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assembled {
    /// A presentation (e.g. with a portrait).
    Presentation {
        /// Its report.
        report: Box<VerificationReport>,
    },
    /// A 一照通 bundle.
    Bundle {
        /// Its report.
        bundle: BundleReport,
    },
}

impl Verifier {
    /// Verifies the message `assembler` completed (a presentation or a bundle).
    /// Errors: kind `frame`, code `not_complete` before a `complete` push;
    /// code `not_a_presentation` for a request code.
    pub fn check_assembled(
        &self,
        assembler: &mut FrameAssembler,
        policy: &verify::Policy,
    ) -> Result<Assembled, LzError> {
        let payload = assembler.take_payload().ok_or_else(|| {
            LzError::new(
                "frame",
                "not_complete",
                "动态码尚未拼合完成",
                "the multi-frame code is not assembled yet",
            )
        })?;
        match payload.kind {
            QrKind::Presentation => Ok(Assembled::Presentation {
                report: Box::new(VerificationReport::from_core(
                    &self.core().verify_payload(&payload, policy),
                )),
            }),
            QrKind::Bundle => Ok(Assembled::Bundle {
                bundle: BundleReport::from_core(&self.core().verify_bundle(&payload.body, policy)),
            }),
            _ => Err(LzError::new(
                "frame",
                "not_a_presentation",
                "这是用证请求码，不是亮证码",
                "this is a request code, not a presentation",
            )),
        }
    }
}

#[wasm_bindgen]
impl Verifier {
    /// `verifyAssembled(assembler, policy)` → `{kind: "presentation", report}` or
    /// `{kind: "bundle", bundle}` for the code `assembler` just completed.
    #[wasm_bindgen(js_name = verifyAssembled)]
    pub fn verify_assembled(
        &self,
        assembler: &mut FrameAssembler,
        policy: JsValue,
    ) -> Result<JsValue, JsValue> {
        let policy = VerifyPolicy::from_js(policy)?;
        let out = self
            .check_assembled(assembler, &policy)
            .map_err(LzError::into_js)?;
        to_js(&out)
    }
}
