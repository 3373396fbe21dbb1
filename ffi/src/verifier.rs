//! The counter (验证方): trust, status lists, an optional request, and one
//! coarse `verify` per scan that returns the whole report.

#[cfg(feature = "counter")]
use std::sync::RwLock;
use std::sync::{Arc, RwLockReadGuard, RwLockWriteGuard};

use liangzheng::lang::Localized;
use liangzheng::qr::{self, QrKind};
use liangzheng::request::{ReceivedRequest, Request};
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;
use liangzheng::trust::TrustStore;
use liangzheng::verify::{self, CheckKind, Finding as CoreFinding, Outcome, Report, StatusPolicy};

use crate::LzError;

/// The overall result of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// At least one check failed: do not accept.
    Invalid,
    /// Nothing failed but something could not be decided (e.g. a stale status list):
    /// do not accept without another check.
    Indeterminate,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckOutcome {
    /// Passed.
    Passed,
    /// Failed: the license must not be accepted.
    Failed,
    /// Could not be decided.
    Indeterminate,
    /// Does not apply (no status reference, no request …).
    NotApplicable,
    /// Not run because an earlier check failed.
    Skipped,
}

/// What went wrong in a check: a stable code and messages in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    /// Stable snake_case code (`revoked`, `stale`, `bad_issuer_signature` …), as in the test vectors.
    pub code: String,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckResult {
    /// Stable check code (`format`, `issuer_known`, … `status`).
    pub check: String,
    /// Chinese name of the check.
    pub label_zh: String,
    /// English name of the check.
    pub label_en: String,
    /// What came of it.
    pub outcome: CheckOutcome,
    /// The problem, for `Failed` and `Indeterminate`.
    pub problem: Option<Problem>,
}

// One definition of the two report records that are field-for-field core's (issue 13 item 6,
// docs/decisions/0018-remote-report-records.md): `#[uniffi::remote(Record)]` restates core's
// fields for UniFFI's metadata but defines no type of its own; the converter it generates builds
// and destructures core's struct, so a field added, removed, renamed or retyped in core fails to
// compile here instead of drifting. Core needs no `uniffi` at all.
pub use liangzheng::verify::DisclosedField;
/// Facts about the license, from its signed part: core's `LicenseInfo`, under the name the
/// bindings have always used.
pub use liangzheng::verify::LicenseInfo as LicenseFacts;

/// A disclosed field, ready to show.
#[uniffi::remote(Record)]
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
    /// What to show by default: masked when the field is sensitive (3701**********1234).
    pub display: String,
    /// Whether the field is sensitive.
    pub sensitive: bool,
}

/// Something worth telling that does not change the verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable code (`not_holder_bound`, `status_not_checked` …).
    pub code: String,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

/// Facts about the license, from its signed part.
#[uniffi::remote(Record)]
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
    /// End of validity (Unix seconds); none = 长期.
    pub valid_until: Option<u64>,
    /// Whether the license is bound to the holder's key.
    pub holder_bound: bool,
}

/// The full result of verifying one scan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerificationReport {
    /// Overall verdict.
    pub verdict: Verdict,
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
    /// Disclosed images (the portrait), under the same rule as `fields`; each is
    /// also listed in `fields` with a text description.
    pub images: Vec<crate::DisclosedImage>,
    /// Findings that do not change the verdict.
    pub findings: Vec<Finding>,
}

/// What to do when no status list covers a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StatusMode {
    /// A missing list makes the verdict indeterminate.
    Strict,
    /// A missing list is noted as a finding and does not change the verdict.
    Lenient,
}

/// Every input that changes a verdict. Start from [`default_policy`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifyPolicy {
    /// The verifier's clock (Unix seconds).
    pub now: u64,
    /// Missing status lists: strict or lenient.
    pub status: StatusMode,
    /// Tolerated clock difference between devices, in seconds.
    #[uniffi(default = 30)]
    pub skew_secs: u64,
    /// Oldest acceptable presentation, in seconds.
    #[uniffi(default = 60)]
    pub max_presentation_age_secs: u64,
    /// Reject licenses not bound to a holder key even for types that allow a
    /// static display (types that require binding are refused unbound anyway).
    #[uniffi(default = false)]
    pub require_holder_binding: bool,
    /// License type codes or ids this counter accepts (none = all known types).
    #[uniffi(default = None)]
    pub accepted_types: Option<Vec<String>>,
}

/// The default policy at `now` (Unix seconds): 30 s skew, 60 s presentations,
/// strict status, holder binding as each license type requires (居民身份证 and
/// 健康证明 always; a static 营业执照 allowed), all types.
#[uniffi::export]
pub fn default_policy(now: u64) -> VerifyPolicy {
    VerifyPolicy::from_core(&verify::Policy::at(UnixTime(now)))
}

/// A request QR made by [`Verifier::create_request`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestCode {
    /// The QR text to show the holder.
    pub qr_text: String,
    /// The request's bytes (what [`Verifier::expect_request`] takes).
    pub body: Vec<u8>,
}

/// A counter's verifier: a verified trust list, status lists and an optional
/// pending request. Cheap to call from any thread; one [`Verifier::verify`] per scan.
#[derive(uniffi::Object)]
pub struct Verifier {
    #[cfg(feature = "counter")]
    inner: RwLock<verify::Verifier>,
    // Builds without the cargo feature `counter` (wallet-lean) cannot make one.
    #[cfg(not(feature = "counter"))]
    absent: crate::parts::Absent,
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting the issuers on `trust_list`, which must be signed by the
    /// pinned root key `root_public_key`: a raw 32-byte Ed25519 key, or a
    /// SubjectPublicKeyInfo (DER) of any supported algorithm (Ed25519, P-256,
    /// SM2). Errors: [`LzError::TrustList`] with code `wrong_root`,
    /// `bad_signature` or `malformed`; [`LzError::NotInThisBuild`] in a build without
    /// the cargo feature `counter` (wallet-lean).
    #[uniffi::constructor]
    pub fn new(trust_list: Vec<u8>, root_public_key: Vec<u8>) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "counter"))]
        {
            let _ = (trust_list, root_public_key);
            Err(LzError::not_in_this_build(crate::parts::Part::Counter))
        }
        #[cfg(feature = "counter")]
        {
            let root = root_key(&root_public_key)?;
            let trust = TrustStore::from_signed(&trust_list, &root)?;
            Ok(Arc::new(Verifier {
                inner: RwLock::new(verify::Verifier::new(trust)),
            }))
        }
    }

    /// Adds a status list token. A token that fails to read or verify is still
    /// remembered — licenses it may cover then verify as *indeterminate*, never
    /// silently valid — and the error is returned too.
    pub fn add_status_list(&self, token: Vec<u8>) -> Result<(), LzError> {
        self.exists();
        Ok(self.write().add_status_list(&token)?)
    }

    /// Expects presentations to answer this request (its bytes, e.g. [`RequestCode::body`]):
    /// nonce and requested fields are then checked.
    pub fn expect_request(&self, request_body: Vec<u8>) -> Result<(), LzError> {
        self.exists();
        let request = ReceivedRequest::parse(&request_body)?;
        self.write().expect_request(request);
        Ok(())
    }

    /// Stops expecting a request.
    pub fn clear_request(&self) {
        self.exists();
        self.write().clear_request();
    }

    /// Learns the license types of a type file (the format of `core/data/license-types.json`,
    /// CBOR-encoded: every build reads CBOR, none needs a JSON parser), beside the built-in
    /// ones and those loaded before: presentations of those types then verify and show their
    /// fields, and requests can name them. All or nothing: a file with a broken type, or with
    /// a type whose id or code is already known, changes nothing and fails with
    /// [`LzError::InvalidInput`] (`bad_type_file`, `bad_type_definition`).
    pub fn add_license_types(&self, type_file: Vec<u8>) -> Result<(), LzError> {
        self.exists();
        let mut verifier = self.write();
        let registry = Registry::clone(verifier.registry())
            .with_cbor(&type_file)
            .map_err(|e| crate::error::type_file_error(&e))?;
        verifier.set_registry(Arc::new(registry));
        Ok(())
    }

    /// Ids (`cn.resident-id-card` …) of the license types this verifier knows.
    pub fn license_types(&self) -> Vec<String> {
        self.exists();
        self.read()
            .registry()
            .types()
            .iter()
            .map(|t| t.id.clone())
            .collect()
    }

    /// Makes a request (授权用证) for `field_keys` of license type `type_code` (code
    /// or id) with a fresh random nonce, expects answers to it from now on, and
    /// returns the QR text to show the holder.
    pub fn create_request(
        &self,
        verifier_id: String,
        verifier_name: String,
        purpose: String,
        type_code: String,
        field_keys: Vec<String>,
        now: u64,
    ) -> Result<RequestCode, LzError> {
        self.exists();
        let registry = self.read().registry().clone();
        let (ty_code, fields) = request_fields(&registry, &type_code, &field_keys)?;
        let request = Request::new(
            &verifier_id,
            &verifier_name,
            &purpose,
            &ty_code,
            fields,
            UnixTime(now),
            &mut rand_core::OsRng,
        )?;
        let body = request.to_bytes();
        self.write().expect_request(ReceivedRequest::parse(&body)?);
        Ok(RequestCode {
            qr_text: qr::encode_text(QrKind::Request, &body),
            body,
        })
    }

    /// As [`create_request`](Self::create_request), but signed with `signer`
    /// (the key the verifier's registration names) and carrying the signed
    /// `registration` (from the root), so a wallet that pins the root shows
    /// the verifier as verified. `verifier_id` and `verifier_name` must be the
    /// registration's id and 名称, and the type and fields within its grants,
    /// or wallets show the verifier as unverified / refuse the request.
    #[allow(clippy::too_many_arguments)]
    pub fn create_signed_request(
        &self,
        verifier_id: String,
        verifier_name: String,
        purpose: String,
        type_code: String,
        field_keys: Vec<String>,
        now: u64,
        signer: Arc<crate::SigningKey>,
        registration: Option<Vec<u8>>,
    ) -> Result<RequestCode, LzError> {
        self.exists();
        let registry = self.read().registry().clone();
        let (ty_code, fields) = request_fields(&registry, &type_code, &field_keys)?;
        let mut request = Request::new(
            &verifier_id,
            &verifier_name,
            &purpose,
            &ty_code,
            fields,
            UnixTime(now),
            &mut rand_core::OsRng,
        )?;
        if let Some(reg) = registration {
            request = request.with_registration(reg);
        }
        let body = request.to_signed_bytes(&signer.inner)?;
        self.write().expect_request(ReceivedRequest::parse(&body)?);
        Ok(RequestCode {
            qr_text: qr::encode_text(QrKind::Request, &body),
            body,
        })
    }

    /// When the trust list stops being current (Unix seconds), if it says.
    pub fn trust_list_expires(&self) -> Option<u64> {
        self.exists();
        self.read().trust().expires.map(|t| t.0)
    }

    /// Verifies scanned QR text (exactly what the camera or scanner gun returned)
    /// under `policy`. Never fails: every problem is in the report.
    pub fn verify(&self, qr_text: String, policy: VerifyPolicy) -> VerificationReport {
        self.exists();
        let report = self.read().verify_text(&qr_text, &policy.to_core());
        VerificationReport::from_core(&report)
    }

    /// Verifies a scan at a counter: as `verify`, and a holder-bound
    /// presentation this verifier already accepted (within its lifetime) is
    /// reported as `already_verified` (indeterminate, with the time of the
    /// first scan: 已核验过) instead of valid again. Remembers at most 10,000
    /// accepted presentations.
    pub fn verify_scan(&self, qr_text: String, policy: VerifyPolicy) -> VerificationReport {
        self.exists();
        let report = self.read().verify_scan(&qr_text, &policy.to_core());
        VerificationReport::from_core(&report)
    }

    /// Replaces the trust list by a newer one signed by the same pinned root
    /// (`older_than_current` if it was issued before the one held). Persist
    /// the bytes of the list last accepted and pass them to the constructor
    /// at start, so a restart cannot roll back.
    pub fn update_trust_list(
        &self,
        trust_list: Vec<u8>,
        root_public_key: Vec<u8>,
    ) -> Result<(), LzError> {
        self.exists();
        let root = root_key(&root_public_key)?;
        let store = TrustStore::from_signed(&trust_list, &root)?;
        self.write().update_trust(store)?;
        Ok(())
    }
}

/// The type code and field ids of a request for `field_keys` of `type_code` (code or id).
fn request_fields(
    registry: &Registry,
    type_code: &str,
    field_keys: &[String],
) -> Result<(String, Vec<u32>), LzError> {
    let unknown = |what: &str| LzError::Request {
        code: "unknown_field".into(),
        message_zh: format!("未知的证照类型或字段：{what}"),
        message_en: format!("unknown license type or field: {what}"),
    };
    let ty = registry.get(type_code).ok_or_else(|| unknown(type_code))?;
    let fields = field_keys
        .iter()
        .map(|k| ty.field(k).map(|f| f.id).ok_or_else(|| unknown(k)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ty.type_code.clone(), fields))
}

/// The pinned root key: a raw 32-byte Ed25519 key, or a SubjectPublicKeyInfo
/// (DER) of any supported algorithm.
pub(crate) fn root_key(bytes: &[u8]) -> Result<liangzheng::alg::PublicKey, LzError> {
    if bytes.len() == 32 {
        liangzheng::alg::PublicKey::ed25519(bytes)
    } else {
        liangzheng::alg::PublicKey::from_spki_der(bytes)
    }
    .map_err(|_| {
        LzError::invalid_input(
            "bad_public_key",
            "根公钥必须是 32 字节的 Ed25519 公钥或 SubjectPublicKeyInfo（DER）",
            "the root key is a 32-byte Ed25519 key or a SubjectPublicKeyInfo (DER)",
        )
    })
}

#[cfg(feature = "counter")]
impl Verifier {
    // The verifier is only replaced whole-field under the lock, so a poisoned
    // lock (a panic elsewhere) still guards a consistent value.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, verify::Verifier> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, verify::Verifier> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Nothing to check: a verifier exists in this build.
    #[inline(always)]
    pub(crate) fn exists(&self) {}
}

// Without `counter` no verifier can exist (its constructor fails), so these never return and
// the methods' bodies after them are dead code the linker drops: the counter's verification,
// requests and status lists stay out of the wallet-lean library.
#[cfg(not(feature = "counter"))]
impl Verifier {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, verify::Verifier> {
        match self.absent {}
    }

    fn write(&self) -> RwLockWriteGuard<'_, verify::Verifier> {
        match self.absent {}
    }

    #[inline(always)]
    pub(crate) fn exists(&self) {
        match self.absent {}
    }
}

impl VerifyPolicy {
    pub(crate) fn to_core(&self) -> verify::Policy {
        let mut p = verify::Policy::at(UnixTime(self.now));
        p.skew_secs = self.skew_secs;
        p.max_presentation_age_secs = self.max_presentation_age_secs;
        p.status = match self.status {
            StatusMode::Strict => StatusPolicy::Strict,
            StatusMode::Lenient => StatusPolicy::Lenient,
        };
        p.require_holder_binding = self.require_holder_binding;
        p.accepted_types = self.accepted_types.clone();
        p
    }

    fn from_core(p: &verify::Policy) -> Self {
        VerifyPolicy {
            now: p.now.0,
            status: match p.status {
                StatusPolicy::Strict => StatusMode::Strict,
                StatusPolicy::Lenient => StatusMode::Lenient,
            },
            skew_secs: p.skew_secs,
            max_presentation_age_secs: p.max_presentation_age_secs,
            require_holder_binding: p.require_holder_binding,
            accepted_types: p.accepted_types.clone(),
        }
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
        Outcome::Passed => (CheckOutcome::Passed, None),
        Outcome::Failed(e) => (CheckOutcome::Failed, Some(problem(e))),
        Outcome::Indeterminate(e) => (CheckOutcome::Indeterminate, Some(problem(e))),
        Outcome::NotApplicable => (CheckOutcome::NotApplicable, None),
        Outcome::Skipped => (CheckOutcome::Skipped, None),
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
    pub(crate) fn from_core(r: &Report) -> Self {
        let first = r.first_problem();
        VerificationReport {
            verdict: match r.verdict {
                verify::Verdict::Valid => Verdict::Valid,
                verify::Verdict::Invalid => Verdict::Invalid,
                verify::Verdict::Indeterminate => Verdict::Indeterminate,
            },
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
            license: r.license.clone(),
            fields: r.fields.clone(),
            images: crate::images::from_report(r),
            findings: r
                .findings
                .iter()
                .map(|f| Finding {
                    code: finding_code(f).to_string(),
                    message_zh: f.zh().into_owned(),
                    message_en: f.en().into_owned(),
                })
                .collect(),
        }
    }
}
