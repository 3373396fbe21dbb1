//! The counter (验证方): a verified trust list, status lists, license types, an
//! optional pending request, and one `verify` per scan returning the whole report.

use std::sync::Arc;

use liangzheng::keys::public_key_from_pem;
use liangzheng::qr::{self, QrKind};
use liangzheng::request::{ReceivedRequest, Request};
use liangzheng::schema::Registry;
use liangzheng::status::StatusToken;
use liangzheng::time::UnixTime;
use liangzheng::trust::TrustStore;
use liangzheng::verify::{self, StatusPolicy};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::convert::{to_js, unix_seconds};
use crate::report::VerificationReport;
use crate::LzError;

/// Every input that changes a verdict, as a JS object. Only `now` is required;
/// the rest default to core's `Policy::at(now)` (30 s skew, 60 s presentations,
/// strict status, holder binding not required, every known type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyPolicy {
    /// The verifier's clock (Unix seconds).
    pub now: u64,
    /// `strict` (a missing status list makes the verdict indeterminate) or `lenient`.
    #[serde(default)]
    pub status: Option<String>,
    /// Tolerated clock difference between devices, in seconds.
    #[serde(default)]
    pub skew_secs: Option<u64>,
    /// Oldest acceptable presentation, in seconds.
    #[serde(default)]
    pub max_presentation_age_secs: Option<u64>,
    /// Reject licenses not bound to a holder key.
    #[serde(default)]
    pub require_holder_binding: Option<bool>,
    /// License type codes or ids this counter accepts (`null` = all known types).
    #[serde(default)]
    pub accepted_types: Option<Vec<String>>,
}

impl VerifyPolicy {
    /// The default policy at `now`.
    pub fn at(now: u64) -> Self {
        VerifyPolicy {
            now,
            status: None,
            skew_secs: None,
            max_presentation_age_secs: None,
            require_holder_binding: None,
            accepted_types: None,
        }
    }

    /// The core policy from a JS policy object (`{now, …}`); throws a typed
    /// `invalid_input` / `bad_policy` error.
    pub(crate) fn from_js(policy: JsValue) -> Result<verify::Policy, JsValue> {
        let policy: VerifyPolicy = serde_wasm_bindgen::from_value(policy).map_err(|e| {
            LzError::invalid_input(
                "bad_policy",
                "核验策略格式错误（至少需要 now）",
                &format!("bad policy object (now is required): {e}"),
            )
            .into_js()
        })?;
        policy.to_core().map_err(LzError::into_js)
    }

    /// Core's policy.
    pub fn to_core(&self) -> Result<verify::Policy, LzError> {
        let mut p = verify::Policy::at(UnixTime(self.now));
        if let Some(s) = self.skew_secs {
            p.skew_secs = s;
        }
        if let Some(a) = self.max_presentation_age_secs {
            p.max_presentation_age_secs = a;
        }
        p.status = match self.status.as_deref() {
            None | Some("strict") => StatusPolicy::Strict,
            Some("lenient") => StatusPolicy::Lenient,
            Some(_) => {
                return Err(LzError::invalid_input(
                    "bad_policy",
                    "status 只能是 \"strict\" 或 \"lenient\"",
                    "status must be \"strict\" or \"lenient\"",
                ))
            }
        };
        if let Some(r) = self.require_holder_binding {
            p.require_holder_binding = r;
        }
        p.accepted_types = self.accepted_types.clone();
        Ok(p)
    }
}

/// A request QR made by [`Verifier::create_request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestCode {
    /// The QR text to show the holder (`LZ1R:…`).
    pub qr_text: String,
    /// The request's bytes (what [`Verifier::expect_request`] takes).
    pub body: Vec<u8>,
}

/// What a status list token says about itself, for the page's list panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusListInfo {
    /// The list URI (`urn:liangzheng:status:<issuer code>:<list id>`).
    pub uri: String,
    /// Signing time (Unix seconds).
    pub issued_at: u64,
    /// Time-to-live in seconds, if the list has one.
    pub ttl: Option<u64>,
    /// `issued_at + ttl`: past it, licenses it covers verify as indeterminate.
    pub stale_after: Option<u64>,
}

/// What the trust list says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustListInfo {
    /// Signing time (Unix seconds).
    pub issued_at: u64,
    /// When it stops being current (Unix seconds), if it says.
    pub expires: Option<u64>,
    /// The trusted issuers.
    pub issuers: Vec<liangzheng::trust::TrustedIssuer>,
}

/// The root key from a public-key PEM (`root.pub.pem`), in the form
/// [`Verifier::from_signed`] takes: the raw 32 bytes for Ed25519, the
/// SubjectPublicKeyInfo DER for P-256 and SM2.
pub fn root_key_from_pem(pem: &str) -> Result<Vec<u8>, LzError> {
    let key = public_key_from_pem(pem)?;
    match key {
        liangzheng::alg::PublicKey::Ed25519(k) => Ok(k.to_vec()),
        other => other
            .to_spki_der()
            .map_err(|_| LzError::from(liangzheng::keys::KeyError::BadPublicKey)),
    }
}

/// A counter's verifier.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Verifier {
    inner: verify::Verifier,
}

impl Verifier {
    /// A verifier trusting the issuers on `trust_list` (COSE_Sign1 bytes), which
    /// must be signed by the pinned `root_public_key` (raw 32-byte Ed25519, or a
    /// SubjectPublicKeyInfo DER of any supported algorithm: Ed25519, P-256, SM2), with
    /// the built-in license types plus those in `license_types_json` (the JSON
    /// format of `core/data/license-types.json`), if given.
    pub fn from_signed(
        trust_list: &[u8],
        root_public_key: &[u8],
        license_types_json: Option<&str>,
    ) -> Result<Self, LzError> {
        let root = if root_public_key.len() == 32 {
            liangzheng::alg::PublicKey::ed25519(root_public_key)
        } else {
            liangzheng::alg::PublicKey::from_spki_der(root_public_key)
        }
        .map_err(|_| {
            LzError::invalid_input(
                "bad_public_key",
                "根公钥必须是 32 字节的 Ed25519 公钥或 SubjectPublicKeyInfo（DER）",
                "the root key must be a 32-byte Ed25519 key or a SubjectPublicKeyInfo (DER)",
            )
        })?;
        let trust = TrustStore::from_signed(trust_list, &root)?;
        let mut inner = verify::Verifier::new(trust);
        if let Some(json) = license_types_json {
            inner = inner.with_registry(Arc::new(Registry::load_json(json)?));
        }
        Ok(Verifier { inner })
    }

    /// The demo verifier of `lz verify --demo`: the built-in demo trust store and
    /// the demo status lists, signed a minute before `now` with a one-day TTL.
    /// Demo keys are public: 演示 only, never for real use.
    pub fn demo_at(now: u64) -> Result<Self, LzError> {
        let mut inner = verify::Verifier::new(crate::demo::trust_store());
        for token in crate::demo::status_tokens(UnixTime(now).minus(60), 86_400) {
            inner.add_status_list(&token)?;
        }
        Ok(Verifier { inner })
    }

    /// Adds a status list token (COSE_Sign1 CWT bytes). A token that fails to
    /// read or verify is still remembered (licenses it may cover then verify as
    /// indeterminate, never silently valid) and the error is returned too.
    pub fn add_status(&mut self, token: &[u8]) -> Result<(), LzError> {
        Ok(self.inner.add_status_list(token)?)
    }

    /// Expects presentations to answer this request (its body bytes).
    pub fn expect(&mut self, request_body: &[u8]) -> Result<(), LzError> {
        let request = ReceivedRequest::parse(request_body)?;
        self.inner.expect_request(request);
        Ok(())
    }

    /// Makes a request (授权用证) for `field_keys` of license type `type_code`
    /// (code or id) with a fresh random nonce, expects answers to it from now on,
    /// and returns its QR text and body.
    pub fn request(
        &mut self,
        verifier_id: &str,
        verifier_name: &str,
        purpose: &str,
        type_code: &str,
        field_keys: &[String],
        now: u64,
    ) -> Result<RequestCode, LzError> {
        let registry = Registry::builtin();
        let unknown = |what: &str| {
            LzError::new(
                "request",
                "unknown_field",
                &format!("未知的证照类型或字段：{what}"),
                &format!("unknown license type or field: {what}"),
            )
        };
        let ty = registry.get(type_code).ok_or_else(|| unknown(type_code))?;
        let fields = field_keys
            .iter()
            .map(|k| ty.field(k).map(|f| f.id).ok_or_else(|| unknown(k)))
            .collect::<Result<Vec<_>, _>>()?;
        let request = Request::new(
            verifier_id,
            verifier_name,
            purpose,
            &ty.type_code,
            fields,
            UnixTime(now),
            &mut rand_core::OsRng,
        )?;
        let body = request.to_bytes();
        self.inner.expect_request(ReceivedRequest::parse(&body)?);
        Ok(RequestCode {
            qr_text: qr::encode_text(QrKind::Request, &body),
            body,
        })
    }

    /// The trust list's times and issuers.
    pub fn trust_summary(&self) -> TrustListInfo {
        let t = self.inner.trust();
        TrustListInfo {
            issued_at: t.issued_at.0,
            expires: t.expires.map(|e| e.0),
            issuers: t.issuers.clone(),
        }
    }

    /// Reads a status list token's URI, signing time and TTL, checking its
    /// signature against the trust list (for display; [`Verifier::add_status`]
    /// is what makes verification use it).
    pub fn status_info(&self, token: &[u8]) -> Result<StatusListInfo, LzError> {
        let trust = self.inner.trust();
        let t = StatusToken::parse_verified(token, |kid, _uri| {
            trust
                .find(kid)
                .and_then(|e| e.public_key.verifying_key().ok())
        })?;
        Ok(StatusListInfo {
            stale_after: t.ttl.and_then(|ttl| t.issued_at.0.checked_add(ttl)),
            uri: t.uri,
            issued_at: t.issued_at.0,
            ttl: t.ttl,
        })
    }

    /// The core verifier.
    pub(crate) fn core(&self) -> &verify::Verifier {
        &self.inner
    }

    /// Verifies scanned QR text (exactly what the camera or scanner gun returned).
    /// Never fails: every problem is in the report.
    pub fn check(&self, qr_text: &str, policy: &verify::Policy) -> VerificationReport {
        VerificationReport::from_core(&self.inner.verify_text(qr_text, policy))
    }
}

#[wasm_bindgen]
impl Verifier {
    /// `new Verifier(trustList, rootPublicKey, licenseTypesJson?)`: see
    /// [`Verifier::from_signed`]. Throws an `LzError` of kind `trust_list`
    /// (`wrong_root`, `bad_signature`, `malformed`), `license_types` or `invalid_input`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        trust_list: &[u8],
        root_public_key: &[u8],
        license_types_json: Option<String>,
    ) -> Result<Verifier, JsValue> {
        Self::from_signed(trust_list, root_public_key, license_types_json.as_deref())
            .map_err(LzError::into_js)
    }

    /// `Verifier.demo(now)`: the demo verifier of `lz verify --demo` (演示).
    pub fn demo(now: f64) -> Result<Verifier, JsValue> {
        unix_seconds("now", now)
            .and_then(Self::demo_at)
            .map_err(LzError::into_js)
    }

    /// Adds a status list token; throws an `LzError` of kind `status_list` if it
    /// does not read or verify (it is remembered anyway, see [`Verifier::add_status`]).
    #[wasm_bindgen(js_name = addStatusList)]
    pub fn add_status_list(&mut self, token: &[u8]) -> Result<(), JsValue> {
        self.add_status(token).map_err(LzError::into_js)
    }

    /// Expects answers to this request (its body bytes).
    #[wasm_bindgen(js_name = expectRequest)]
    pub fn expect_request(&mut self, request_body: &[u8]) -> Result<(), JsValue> {
        self.expect(request_body).map_err(LzError::into_js)
    }

    /// Stops expecting a request.
    #[wasm_bindgen(js_name = clearRequest)]
    pub fn clear_request(&mut self) {
        self.inner.clear_request();
    }

    /// Makes a request (授权用证) and expects answers to it: returns
    /// `{qr_text, body}` (see [`Verifier::request`]).
    #[wasm_bindgen(js_name = createRequest)]
    pub fn create_request(
        &mut self,
        verifier_id: &str,
        verifier_name: &str,
        purpose: &str,
        type_code: &str,
        field_keys: Vec<String>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let now = unix_seconds("now", now).map_err(LzError::into_js)?;
        let code = self
            .request(
                verifier_id,
                verifier_name,
                purpose,
                type_code,
                &field_keys,
                now,
            )
            .map_err(LzError::into_js)?;
        to_js(&code)
    }

    /// `{uri, issued_at, ttl, stale_after}` of a status list token (see [`Verifier::status_info`]).
    #[wasm_bindgen(js_name = statusListInfo)]
    pub fn status_list_info(&self, token: &[u8]) -> Result<JsValue, JsValue> {
        let info = self.status_info(token).map_err(LzError::into_js)?;
        to_js(&info)
    }

    /// The trust list: `{issued_at, expires, issuers: [{name_zh, name_en, code,
    /// region, types, not_before, not_after, public_key}]}` (times in Unix seconds,
    /// `expires` `null` when the list does not say).
    #[wasm_bindgen(js_name = trustListInfo)]
    pub fn trust_list_info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.trust_summary())
    }

    /// Verifies scanned text under `policy` (`{now, status?, skew_secs?,
    /// max_presentation_age_secs?, require_holder_binding?, accepted_types?}`)
    /// and returns the full report as a plain object. Throws only for a bad policy.
    pub fn verify(&self, qr_text: &str, policy: JsValue) -> Result<JsValue, JsValue> {
        let policy = VerifyPolicy::from_js(policy)?;
        to_js(&self.check(qr_text, &policy))
    }
}

/// `rootKeyFromPem(pem)`: the raw 32-byte root key from a public-key PEM.
#[wasm_bindgen(js_name = rootKeyFromPem)]
pub fn root_key_from_pem_js(pem: &str) -> Result<Vec<u8>, JsValue> {
    root_key_from_pem(pem).map_err(LzError::into_js)
}
