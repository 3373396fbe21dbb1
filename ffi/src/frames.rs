//! Animated multi-frame codes at the counter: [`FrameAssembler`] takes the
//! scanned frame texts (`LZ1F:…`) one by one and completes a portrait
//! presentation or a 一照通 bundle, which [`crate::Verifier::verify_assembled`]
//! then verifies. In the verifier, wallet and full builds (cargo feature `frames`); the
//! verifier-lean build (`--features counter`) leaves the assembler out
//! (`FrameAssembler()` fails with [`crate::LzError::NotInThisBuild`]) and keeps
//! `verify_assembled` for codes assembled elsewhere.
//!
//! The assembler **locks onto one code**: the first frame it reads decides
//! which code (the 16-byte hash every frame carries) it assembles; frames of
//! any other code are ignored ([`FrameStatus::OtherCode`]), so two phones held
//! up at once never mix. After 20 frames of another code in a row and none of
//! its own (2 s at 10 frames/s: the first holder walked away) it gives up its
//! code and starts on the new one. Once a code is complete, its later frames
//! are [`FrameStatus::AlreadyComplete`] and a frame of another code starts the
//! next assembly.

use std::sync::Arc;
#[cfg(feature = "frames")]
use std::sync::{Mutex, MutexGuard};

#[cfg(feature = "frames")]
use liangzheng::lang::Localized as _;
#[cfg(feature = "frames")]
use liangzheng::qr::frames::{FrameAssembler as CoreAssembler, FrameStatus as Core, Progress};
#[cfg(feature = "frames")]
use liangzheng::qr::QrPayload;
use liangzheng::qr::{encode_text, QrKind};

#[cfg(not(feature = "frames"))]
use crate::parts::{Absent, Part};
use crate::verifier::Problem;
use crate::{BundleReport, LzError, VerificationReport, Verifier, VerifyPolicy};

/// What an assembled code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CodeKind {
    /// A holder's presentation (亮证), e.g. an ID card with its portrait.
    Presentation,
    /// A 一照通 bundle: a business license and permits of the same subject.
    Bundle,
    /// A verifier's request (授权用证): not something a counter verifies.
    Request,
}

/// A code put back together from its frames.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AssembledCode {
    /// What it carries.
    pub kind: CodeKind,
    /// The presentation, bundle or request bytes (already checked against the
    /// hash the frames carry, and inflated if they were compressed).
    pub body: Vec<u8>,
}

/// What one scanned frame did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameStatus {
    /// A new frame of the code being assembled; not complete yet.
    Accepted,
    /// A frame already received (the animation loops): nothing changed.
    Duplicate,
    /// A frame of another code (another presentation's hash) while this one is
    /// being assembled: ignored, so two codes never mix.
    OtherCode,
    /// This frame completed the code: [`FrameAssembler::result`] has it.
    Complete,
    /// A frame of the code already completed (the phone keeps looping).
    AlreadyComplete,
    /// The frame was refused; `problem` says why. Codes: `not_a_frame`,
    /// `empty`, `too_long`, `bad_base45`, `truncated`, `bad_message_length`,
    /// `bad_symbol_size`, `too_many_symbols`, `bad_index` (this frame is
    /// unreadable: the assembly goes on); `inconsistent_header`,
    /// `conflicting_frame` (forged or corrupted: this frame is ignored);
    /// `hash_mismatch`, `too_many_frames` (the frames decoded to something
    /// that is not the code they claim: a forged frame; the assembler has
    /// started over); `bad_message`, `bad_body` (the assembled code is not
    /// one of ours).
    Rejected,
}

/// Progress after one scanned frame, for the counter's screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FrameProgress {
    /// What this frame did.
    pub status: FrameStatus,
    /// Distinct frames of the current code received so far (of the completed
    /// code, for `Complete` / `AlreadyComplete`; 0 when nothing is being assembled).
    pub frames_seen: u32,
    /// Frames needed at least (the code's source frame count K; a fountain code
    /// occasionally needs one or two more). 0 when nothing is being assembled.
    pub frames_needed: u32,
    /// `frames_seen` as a percentage of `frames_needed`: 0–99 until complete, then 100.
    pub percent: u8,
    /// Whether a completed code is ready (`status` is `Complete` or `AlreadyComplete`).
    pub complete: bool,
    /// What the completed code carries (when `complete`).
    pub kind: Option<CodeKind>,
    /// Why the frame was refused (when `status` is `Rejected`).
    pub problem: Option<Problem>,
    /// A line for the counter's screen, in Chinese (正在接收动态码：5/15 帧 …).
    pub message_zh: String,
    /// The same line in English.
    pub message_en: String,
}

/// Assembles one animated code from scanned frame texts: feed it every text the
/// camera reads that starts with `LZ1F:`, in any order, with gaps and
/// repeats. Never throws: every problem is in the returned [`FrameProgress`].
/// Thread-safe (one lock); one assembler per camera.
#[derive(uniffi::Object)]
pub struct FrameAssembler {
    #[cfg(feature = "frames")]
    state: Mutex<State>,
    #[cfg(not(feature = "frames"))]
    absent: Absent,
}

#[cfg(feature = "frames")]
#[derive(Default)]
struct State {
    core: CoreAssembler,
    result: Option<QrPayload>,
}

#[uniffi::export]
impl FrameAssembler {
    /// An empty assembler. Fails with [`LzError::NotInThisBuild`] in the
    /// verifier-lean and wallet-lean builds.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "frames"))]
        {
            Err(LzError::not_in_this_build(Part::Frames))
        }
        #[cfg(feature = "frames")]
        {
            Ok(Arc::new(FrameAssembler {
                state: Mutex::new(State::default()),
            }))
        }
    }

    /// Takes one scanned frame text.
    pub fn push(&self, text: String) -> FrameProgress {
        #[cfg(not(feature = "frames"))]
        {
            let _ = text;
            match self.absent {}
        }
        #[cfg(feature = "frames")]
        {
            self.push_frame(&text)
        }
    }

    /// The code last completed (it stays until another completes or [`reset`](Self::reset)).
    pub fn result(&self) -> Option<AssembledCode> {
        #[cfg(not(feature = "frames"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "frames")]
        {
            self.lock().result.as_ref().map(|p| AssembledCode {
                kind: kind_of(p.kind),
                body: p.body.clone(),
            })
        }
    }

    /// Forgets everything: the code being assembled and the last completed one
    /// (call it between two holders).
    pub fn reset(&self) {
        #[cfg(not(feature = "frames"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "frames")]
        {
            *self.lock() = State::default();
        }
    }
}

#[cfg(feature = "frames")]
impl FrameAssembler {
    fn push_frame(&self, text: &str) -> FrameProgress {
        let mut state = self.lock();
        match state.core.push(text) {
            Ok(Core::Accepted(p)) => progress(FrameStatus::Accepted, Some(p), None, None),
            Ok(Core::Duplicate(p)) => progress(FrameStatus::Duplicate, Some(p), None, None),
            Ok(Core::OtherCode(p)) => progress(FrameStatus::OtherCode, Some(p), None, None),
            Ok(Core::Complete(payload)) => {
                let kind = kind_of(payload.kind);
                state.result = Some(payload);
                let p = state.core.completed_progress();
                progress(FrameStatus::Complete, p, Some(kind), None)
            }
            Ok(Core::AlreadyComplete) => {
                let kind = state.result.as_ref().map(|r| kind_of(r.kind));
                let p = state.core.completed_progress();
                progress(FrameStatus::AlreadyComplete, p, kind, None)
            }
            // Core's status is non-exhaustive; nothing else exists today.
            Ok(_) => progress(FrameStatus::Duplicate, state.core.progress(), None, None),
            Err(e) => {
                let problem = Problem {
                    code: e.code().into(),
                    message_zh: e.zh().into_owned(),
                    message_en: e.en().into_owned(),
                };
                progress(
                    FrameStatus::Rejected,
                    state.core.progress(),
                    None,
                    Some(problem),
                )
            }
        }
    }

    // A panic while the lock was held leaves at worst a half-pushed frame; the
    // core assembler checks every frame again, so the state is still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The result of verifying an assembled code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
// Built once per scan and lowered across the boundary at once; UniFFI enums carry records
// by value (no Box), so the size difference between the variants costs nothing here.
#[allow(clippy::large_enum_variant)]
pub enum AssembledReport {
    /// A presentation (or a request, reported as `not_a_presentation`): the
    /// usual report, with the portrait in `images`.
    Presentation {
        /// The report.
        report: VerificationReport,
    },
    /// A 一照通 bundle: every member's report and the overall verdict.
    Bundle {
        /// The report.
        report: BundleReport,
    },
}

#[uniffi::export]
impl Verifier {
    /// Verifies a code assembled from frames ([`FrameAssembler::result`]) under
    /// `policy`: a presentation gives its report (portrait in `images`), a
    /// bundle its bundle report, a request the `not_a_presentation` report.
    /// Never fails: every problem is in the report.
    pub fn verify_assembled(&self, code: AssembledCode, policy: VerifyPolicy) -> AssembledReport {
        self.exists();
        let policy = policy.to_core();
        let verifier = self.read();
        match code.kind {
            CodeKind::Bundle => AssembledReport::Bundle {
                report: BundleReport::from_core(&verifier.verify_bundle(&code.body, &policy)),
            },
            CodeKind::Presentation => AssembledReport::Presentation {
                report: VerificationReport::from_core(&verifier.verify_body(&code.body, &policy)),
            },
            // Exactly what a single-symbol request code gives: `not_a_presentation`.
            CodeKind::Request => AssembledReport::Presentation {
                report: VerificationReport::from_core(
                    &verifier.verify_text(&encode_text(QrKind::Request, &code.body), &policy),
                ),
            },
        }
    }
}

#[uniffi::export]
impl Verifier {
    /// As [`verify_assembled`](Self::verify_assembled), for a counter: a
    /// holder-bound presentation this verifier already accepted (within its
    /// lifetime) is `already_verified` (indeterminate, 已核验过) instead of valid
    /// again, as `verify_scan` does for single-symbol codes. Bundles are verified
    /// as by `verify_assembled` (no memory of bundles yet).
    pub fn verify_assembled_scan(
        &self,
        code: AssembledCode,
        policy: VerifyPolicy,
    ) -> AssembledReport {
        self.exists();
        if code.kind != CodeKind::Presentation {
            return self.verify_assembled(code, policy);
        }
        let report = self.read().verify_scan_body(&code.body, &policy.to_core());
        AssembledReport::Presentation {
            report: VerificationReport::from_core(&report),
        }
    }
}

#[cfg(feature = "frames")]
fn kind_of(kind: QrKind) -> CodeKind {
    match kind {
        QrKind::Bundle => CodeKind::Bundle,
        QrKind::Request => CodeKind::Request,
        _ => CodeKind::Presentation,
    }
}

#[cfg(feature = "frames")]
fn progress(
    status: FrameStatus,
    p: Option<Progress>,
    kind: Option<CodeKind>,
    problem: Option<Problem>,
) -> FrameProgress {
    let (seen, needed, percent) =
        p.map_or((0, 0, 0), |p| (p.frames_seen, p.frames_needed, p.percent));
    let complete = matches!(status, FrameStatus::Complete | FrameStatus::AlreadyComplete);
    let (zh, en) = match (&problem, complete) {
        (Some(p), _) => (
            format!("帧被拒绝：{}", p.message_zh),
            format!("frame refused: {}", p.message_en),
        ),
        (None, true) => (
            format!("动态码接收完成（{seen} 帧）"),
            format!("animated code complete ({seen} frames)"),
        ),
        (None, false) => (
            format!("正在接收动态码：{seen}/{needed} 帧（{percent}%）"),
            format!("receiving animated code: {seen} of {needed} frames ({percent}%)"),
        ),
    };
    FrameProgress {
        status,
        frames_seen: seen,
        frames_needed: needed,
        percent,
        complete,
        kind,
        problem,
        message_zh: zh,
        message_en: en,
    }
}
