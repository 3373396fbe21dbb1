//! The one error type foreign callers see, and every mapping into it.
//!
//! Each variant is a *place* a call can fail (the trust list, the wallet, the
//! device signer …), so an app can catch what it can act on; each carries a
//! stable snake_case `code` to branch on and a message in 中文 and English to
//! show. Core errors are mapped here and nowhere else. Messages never contain
//! personal data (core guarantees it for its own messages; the app's own signer
//! messages are passed through as the app wrote them).
//!
//! A verification *result* is never an error: [`crate::Verifier::verify`]
//! returns a report. Errors are for calls that could not run at all.

use std::fmt;

use liangzheng::credential::IssueError;
use liangzheng::holder::HolderKeyError;
use liangzheng::keys::KeyError;
use liangzheng::lang::Localized;
use liangzheng::qr::QrError;
use liangzheng::registration::RegistrationError;
use liangzheng::request::RequestError;
use liangzheng::schema::SchemaError;
use liangzheng::status::StatusError;
use liangzheng::trust::TrustError;
use liangzheng::wallet::WalletError;

/// Why a call failed. Every variant carries a stable `code` and messages in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum LzError {
    /// An argument from the app is not acceptable (key bytes, seed, USCC, claims JSON …).
    InvalidInput {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// The trust list was rejected: `wrong_root`, `bad_signature` or `malformed`.
    TrustList {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// A status list was rejected (the verifier still remembers it, so licenses it
    /// covers verify as indeterminate): `malformed`, `untrusted_signer`, `bad_signature`.
    StatusList {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// A verifier request (授权用证) could not be read or made.
    Request {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// A relying-party registration (核验方登记) could not be read or signed:
    /// `wrong_root`, `bad_signature`, `malformed`, `unsafe_text`, `unknown_field`.
    Registration {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// The wallet could not add, present or answer.
    Wallet {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// A license could not be issued.
    Issue {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// The device signer (the app's callback) failed or returned an unusable key or signature.
    /// Apps throw this variant from their own `DeviceSigner` to report a refusal (e.g. the user
    /// cancelled biometric confirmation).
    Signer {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// QR text could not be rendered.
    Qr {
        /// Stable snake_case code.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
    /// This build of the native library leaves the called part out (a verifier-only
    /// build has no `Wallet`, `Issuer` or QR rendering; a wallet build has no `Issuer`):
    /// code `not_in_this_build`. See `libraryBuild()` and docs/bindings.md, "Builds".
    NotInThisBuild {
        /// Stable snake_case code: `not_in_this_build`.
        code: String,
        /// Message in Simplified Chinese.
        message_zh: String,
        /// Message in English.
        message_en: String,
    },
}

impl LzError {
    /// The stable code of any variant.
    pub fn code(&self) -> &str {
        let (code, _, _) = self.parts();
        code
    }

    /// The Chinese message of any variant.
    pub fn message_zh(&self) -> &str {
        let (_, zh, _) = self.parts();
        zh
    }

    /// The English message of any variant.
    pub fn message_en(&self) -> &str {
        let (_, _, en) = self.parts();
        en
    }

    fn parts(&self) -> (&str, &str, &str) {
        match self {
            LzError::InvalidInput {
                code,
                message_zh,
                message_en,
            }
            | LzError::TrustList {
                code,
                message_zh,
                message_en,
            }
            | LzError::StatusList {
                code,
                message_zh,
                message_en,
            }
            | LzError::Request {
                code,
                message_zh,
                message_en,
            }
            | LzError::Registration {
                code,
                message_zh,
                message_en,
            }
            | LzError::Wallet {
                code,
                message_zh,
                message_en,
            }
            | LzError::Issue {
                code,
                message_zh,
                message_en,
            }
            | LzError::Signer {
                code,
                message_zh,
                message_en,
            }
            | LzError::Qr {
                code,
                message_zh,
                message_en,
            }
            | LzError::NotInThisBuild {
                code,
                message_zh,
                message_en,
            } => (code, message_zh, message_en),
        }
    }

    /// The error of a call into a part this build leaves out.
    #[allow(dead_code)] // the full build leaves nothing out
    pub(crate) fn not_in_this_build(part: crate::parts::Part) -> Self {
        let (zh, en) = part.names();
        let build = crate::library_build().name;
        LzError::NotInThisBuild {
            code: "not_in_this_build".into(),
            message_zh: format!("此版本（{build}）的原生库不含{zh}"),
            message_en: format!(
                "this build ({build}) of the native library leaves out {en}: \
                 build liangzheng-ffi with the cargo feature `{}`",
                part.feature()
            ),
        }
    }

    pub(crate) fn invalid_input(code: &str, zh: &str, en: &str) -> Self {
        LzError::InvalidInput {
            code: code.into(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }
}

impl fmt::Display for LzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (code, zh, en) = self.parts();
        write!(f, "[{code}] {zh} / {en}")
    }
}

impl std::error::Error for LzError {}

/// The three parts of a localized core error.
fn parts(code: &str, e: &impl Localized) -> (String, String, String) {
    (code.to_string(), e.zh().into_owned(), e.en().into_owned())
}

macro_rules! variant {
    ($variant:ident, $code:expr, $err:expr) => {{
        let (code, message_zh, message_en) = parts($code, $err);
        LzError::$variant {
            code,
            message_zh,
            message_en,
        }
    }};
}

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
        variant!(TrustList, code, &e)
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
        variant!(StatusList, code, &e)
    }
}

impl From<RequestError> for LzError {
    fn from(e: RequestError) -> Self {
        variant!(Request, e.code(), &e)
    }
}

impl From<RegistrationError> for LzError {
    fn from(e: RegistrationError) -> Self {
        match &e {
            RegistrationError::Key(k) => LzError::from(k.clone()),
            _ => variant!(Registration, e.code(), &e),
        }
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
        variant!(Wallet, code, &e)
    }
}

impl From<KeyError> for LzError {
    fn from(e: KeyError) -> Self {
        match &e {
            KeyError::BadPrivateKey => variant!(InvalidInput, "bad_private_key", &e),
            KeyError::BadPublicKey => variant!(InvalidInput, "bad_public_key", &e),
            _ => variant!(Signer, "signer_failed", &e),
        }
    }
}

/// A license-type file that does not load ([`crate::Verifier::add_license_types`],
/// [`crate::Issuer::with_license_types`]).
pub(crate) fn type_file_error(e: &SchemaError) -> LzError {
    let code = match e {
        SchemaError::BadTypeFile(_) => "bad_type_file",
        SchemaError::BadTypeDefinition { .. } => "bad_type_definition",
        _ => "bad_type_file",
    };
    variant!(InvalidInput, code, e)
}

impl From<HolderKeyError> for LzError {
    fn from(e: HolderKeyError) -> Self {
        variant!(InvalidInput, "bad_holder_key", &e)
    }
}

impl From<IssueError> for LzError {
    fn from(e: IssueError) -> Self {
        let code = match &e {
            IssueError::Schema(s) => match s {
                SchemaError::UnknownType(_) => "unknown_type",
                SchemaError::UnknownField(_) => "unknown_field",
                SchemaError::MissingField(_) => "missing_field",
                SchemaError::InvalidValue { .. } => "invalid_value",
                SchemaError::RuleViolated { .. } => "rule_violated",
                _ => "schema",
            },
            IssueError::Key(k) => return LzError::from(k.clone()),
            IssueError::BadValidity => "bad_validity",
            IssueError::BadSerial => "bad_serial",
            IssueError::HolderKeyRequired => "holder_key_required",
            _ => "issue_error",
        };
        variant!(Issue, code, &e)
    }
}

impl From<QrError> for LzError {
    fn from(e: QrError) -> Self {
        let code = match &e {
            QrError::Empty => "empty",
            QrError::NotAlphanumeric { .. } => "not_alphanumeric",
            QrError::InvalidOptions => "invalid_options",
            QrError::DoesNotFit => "does_not_fit",
            _ => "render_failed",
        };
        variant!(Qr, code, &e)
    }
}

/// A presentation could not be cut into frames (options out of range, or a
/// presentation larger than the 64 KiB an animated code carries): `LzError::Qr`.
#[cfg(all(feature = "holder", feature = "frames"))]
pub(crate) fn frames(e: liangzheng::qr::frames::FrameError) -> LzError {
    let code = match &e {
        liangzheng::qr::frames::FrameError::InvalidOptions
        | liangzheng::qr::frames::FrameError::BadSymbolSize { .. } => "invalid_options",
        _ => "does_not_fit",
    };
    variant!(Qr, code, &e)
}

/// An exception the app's callback threw that was not an `LzError` (a bug or a
/// platform failure in the app's signer): reported as a signer failure.
impl From<uniffi::UnexpectedUniFFICallbackError> for LzError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        LzError::Signer {
            code: "signer_failed".into(),
            message_zh: "签名设备签名失败".into(),
            message_en: format!("the device signer failed: {}", e.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_list_errors_map_to_the_vector_codes() {
        assert_eq!(LzError::from(TrustError::WrongRoot).code(), "wrong_root");
        assert_eq!(
            LzError::from(TrustError::BadSignature).code(),
            "bad_signature"
        );
        assert_eq!(
            LzError::from(TrustError::Malformed("x")).code(),
            "malformed"
        );
    }

    #[test]
    fn every_error_has_both_languages() {
        let e = LzError::from(WalletError::NothingChosen);
        assert!(matches!(e, LzError::Wallet { .. }));
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
        assert!(e.to_string().contains("nothing_chosen"));
    }
}
