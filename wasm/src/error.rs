//! The one error type JS callers see, and every mapping into it.
//!
//! Each error has a `kind` (the place a call failed: `trust_list`,
//! `status_list`, `request`, `wallet`, `qr`, `invalid_input`, `internal`), a
//! stable snake_case `code` to branch on (the same codes as the UniFFI
//! bindings), and messages in 中文 and English. In JS it is thrown as an
//! `Error` named `LzError` whose `message` is `[code] 中文 / English` and which
//! carries `kind`, `code`, `message_zh` and `message_en`.
//!
//! A verification *result* is never an error: `Verifier.verify` returns a report.

use std::fmt;

use liangzheng::keys::KeyError;
use liangzheng::lang::Localized;
use liangzheng::qr::QrError;
use liangzheng::request::RequestError;
use liangzheng::schema::SchemaError;
use liangzheng::status::StatusError;
use liangzheng::trust::TrustError;
use liangzheng::wallet::WalletError;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A typed error: where, a stable code, and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LzError {
    /// Where the call failed (`trust_list`, `status_list`, `request`, `wallet`,
    /// `qr`, `license_types`, `invalid_input`, `internal`).
    pub kind: &'static str,
    /// Stable snake_case code (`wrong_root`, `bad_signature`, `no_qr_found` …).
    pub code: String,
    /// Message in Simplified Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

impl LzError {
    /// An error from its parts.
    pub fn new(kind: &'static str, code: &str, zh: &str, en: &str) -> Self {
        LzError {
            kind,
            code: code.into(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    fn localized(kind: &'static str, code: &str, e: &impl Localized) -> Self {
        LzError {
            kind,
            code: code.into(),
            message_zh: e.zh().into_owned(),
            message_en: e.en().into_owned(),
        }
    }

    /// A bad argument from JS.
    pub fn invalid_input(code: &str, zh: &str, en: &str) -> Self {
        LzError::new("invalid_input", code, zh, en)
    }

    /// The thrown JS value: an `Error` named `LzError` with `kind`, `code`,
    /// `message_zh` and `message_en` properties.
    pub fn into_js(self) -> JsValue {
        let err = js_sys::Error::new(&self.to_string());
        err.set_name("LzError");
        let obj: &js_sys::Object = err.as_ref();
        for (key, value) in [
            ("kind", self.kind),
            ("code", self.code.as_str()),
            ("message_zh", self.message_zh.as_str()),
            ("message_en", self.message_en.as_str()),
        ] {
            // Setting a property on a fresh Error object cannot fail; if it
            // somehow did, the message still carries code and both languages.
            let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        err.into()
    }
}

impl fmt::Display for LzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} / {}",
            self.code, self.message_zh, self.message_en
        )
    }
}

impl std::error::Error for LzError {}

impl From<TrustError> for LzError {
    fn from(e: TrustError) -> Self {
        let code = match &e {
            TrustError::WrongRoot => "wrong_root",
            TrustError::BadSignature => "bad_signature",
            TrustError::Key(_) => "signer_failed",
            TrustError::DuplicateKey { .. } => "duplicate_key",
            TrustError::OlderThanCurrent { .. } => "older_than_current",
            _ => "malformed",
        };
        LzError::localized("trust_list", code, &e)
    }
}

impl From<StatusError> for LzError {
    fn from(e: StatusError) -> Self {
        let code = match &e {
            StatusError::UntrustedSigner => "untrusted_signer",
            StatusError::BadSignature => "bad_signature",
            StatusError::Key(_) => "signer_failed",
            StatusError::OlderThanCurrent { .. } => "older_than_current",
            _ => "malformed",
        };
        LzError::localized("status_list", code, &e)
    }
}

impl From<RequestError> for LzError {
    fn from(e: RequestError) -> Self {
        let code = match &e {
            RequestError::BadPurpose => "bad_purpose",
            RequestError::Key(_) => "signer_failed",
            _ => "malformed",
        };
        LzError::localized("request", code, &e)
    }
}

impl From<WalletError> for LzError {
    fn from(e: WalletError) -> Self {
        let code = match &e {
            WalletError::BadLicense(_) => "bad_license",
            WalletError::WrongHolderKey => "wrong_holder_key",
            WalletError::NoSuchLicense => "no_such_license",
            WalletError::UnknownType => "unknown_type",
            WalletError::UnknownField(_) => "unknown_field",
            WalletError::NothingChosen => "nothing_chosen",
            WalletError::NotARequest => "not_a_request",
            WalletError::Request(r) => return LzError::from(r.clone()),
            WalletError::RequestTypeMismatch => "request_type_mismatch",
            WalletError::NotRequested(_) => "not_requested",
            WalletError::Signer(k) => return LzError::from(k.clone()),
            _ => "wallet_error",
        };
        LzError::localized("wallet", code, &e)
    }
}

impl From<KeyError> for LzError {
    fn from(e: KeyError) -> Self {
        match &e {
            KeyError::BadPrivateKey => LzError::localized("invalid_input", "bad_private_key", &e),
            KeyError::BadPublicKey => LzError::localized("invalid_input", "bad_public_key", &e),
            _ => LzError::localized("wallet", "signer_failed", &e),
        }
    }
}

impl From<SchemaError> for LzError {
    fn from(e: SchemaError) -> Self {
        let code = match &e {
            SchemaError::BadTypeDefinition { .. } => "bad_type_definition",
            SchemaError::UnknownType(_) => "unknown_type",
            _ => "bad_type_file",
        };
        LzError::localized("license_types", code, &e)
    }
}

impl From<QrError> for LzError {
    fn from(e: QrError) -> Self {
        let code = match &e {
            QrError::NoQrFound => "no_qr_found",
            QrError::Undecodable => "undecodable",
            QrError::UnreadableImage => "unreadable_image",
            QrError::ImageTooLarge { .. } => "image_too_large",
            QrError::TooLong { .. } => "too_long",
            QrError::NotAlphanumeric { .. } => "not_alphanumeric",
            _ => "qr_error",
        };
        LzError::localized("qr", code, &e)
    }
}
