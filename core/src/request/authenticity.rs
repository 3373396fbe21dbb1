//! Who is asking: a wallet authenticates a request against the verifier's
//! registration and the pinned root before the consent screen.
//!
//! The outcome is a [`VerifierIdentity`]: `Verified` carries the registration
//! (the names to show come from it, signed by the root), `Unverified` carries
//! the name the request *claims* and why it could not be checked; an app shows
//! the latter as "未认证的核验方 / unverified verifier" ([`VerifierIdentity::display_zh`]).
//! Some requests are refused outright, whoever signed them
//! ([`super::RequestError`]): too old, from the future, names or purposes with
//! control or bidi characters, and a registered verifier asking beyond its
//! registration.

use std::borrow::Cow;

use super::{ReceivedRequest, RequestError};
use crate::alg::PublicKey;
use crate::lang::Localized;
use crate::registration::{Registration, RegistrationError};
use crate::time::UnixTime;

/// Default oldest request a wallet answers: 5 minutes.
pub const DEFAULT_REQUEST_MAX_AGE_SECS: u64 = 300;

/// The wallet's rules for requests. Build with [`RequestPolicy::at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPolicy {
    /// The wallet's clock.
    pub now: UnixTime,
    /// Oldest request answered, in seconds (default 300).
    pub max_age_secs: u64,
    /// Tolerated clock difference, in seconds (default 30, as for presentations).
    pub skew_secs: u64,
}

impl RequestPolicy {
    /// The default rules at `now`.
    pub fn at(now: UnixTime) -> Self {
        RequestPolicy {
            now,
            max_age_secs: DEFAULT_REQUEST_MAX_AGE_SECS,
            skew_secs: 30,
        }
    }
}

/// Why a request's verifier could not be authenticated (it may still be
/// answered, shown as "未认证的核验方 / unverified verifier").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnverifiedReason {
    /// The request is not signed.
    Unsigned,
    /// Signed, but carries no registration.
    NoRegistration,
    /// The wallet pins no root for verifier registrations.
    NoTrustRoot,
    /// The registration is not valid: not by the root, bad signature, malformed.
    RegistrationInvalid(RegistrationError),
    /// The registration's validity window has not started.
    RegistrationNotYetValid,
    /// The registration expired.
    RegistrationExpired,
    /// The request is signed by another key than the registered one.
    KeyNotRegistered,
    /// The request's signature does not verify with the registered key.
    BadSignature,
    /// The request's verifier id or name is not the registration's.
    VerifierMismatch,
}

impl UnverifiedReason {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            UnverifiedReason::Unsigned => "unsigned",
            UnverifiedReason::NoRegistration => "no_registration",
            UnverifiedReason::NoTrustRoot => "no_trust_root",
            UnverifiedReason::RegistrationInvalid(_) => "registration_invalid",
            UnverifiedReason::RegistrationNotYetValid => "registration_not_yet_valid",
            UnverifiedReason::RegistrationExpired => "registration_expired",
            UnverifiedReason::KeyNotRegistered => "key_not_registered",
            UnverifiedReason::BadSignature => "bad_request_signature",
            UnverifiedReason::VerifierMismatch => "verifier_mismatch",
        }
    }
}

impl Localized for UnverifiedReason {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            UnverifiedReason::Unsigned => "用证请求未签名".into(),
            UnverifiedReason::NoRegistration => "用证请求未附核验方登记".into(),
            UnverifiedReason::NoTrustRoot => "本机未配置核验方登记的根密钥".into(),
            UnverifiedReason::RegistrationInvalid(e) => {
                format!("核验方登记无效：{}", e.zh()).into()
            }
            UnverifiedReason::RegistrationNotYetValid => "核验方登记尚未生效".into(),
            UnverifiedReason::RegistrationExpired => "核验方登记已过期".into(),
            UnverifiedReason::KeyNotRegistered => "用证请求不是由登记的密钥签名".into(),
            UnverifiedReason::BadSignature => "用证请求签名无效".into(),
            UnverifiedReason::VerifierMismatch => "用证请求中的核验方与登记不符".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            UnverifiedReason::Unsigned => "the request is not signed".into(),
            UnverifiedReason::NoRegistration => {
                "the request carries no verifier registration".into()
            }
            UnverifiedReason::NoTrustRoot => {
                "no root key for verifier registrations is configured".into()
            }
            UnverifiedReason::RegistrationInvalid(e) => {
                format!("invalid verifier registration: {}", e.en()).into()
            }
            UnverifiedReason::RegistrationNotYetValid => {
                "the verifier registration is not yet valid".into()
            }
            UnverifiedReason::RegistrationExpired => "the verifier registration expired".into(),
            UnverifiedReason::KeyNotRegistered => {
                "the request is not signed by the registered key".into()
            }
            UnverifiedReason::BadSignature => "the request signature is invalid".into(),
            UnverifiedReason::VerifierMismatch => {
                "the request's verifier id or name is not the registered one".into()
            }
        }
    }
}

/// Who asks, as the consent screen must show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierIdentity {
    /// Authenticated: signed by the key the root registered, within the
    /// registration's window and scope. Show the registration's names.
    Verified {
        /// The verified registration.
        registration: Registration,
    },
    /// Not authenticated: show "未认证的核验方 / unverified verifier", and the
    /// claimed name only as a claim.
    Unverified {
        /// The name the request claims (unauthenticated).
        claimed_name: String,
        /// Why it is not authenticated.
        reason: UnverifiedReason,
    },
}

impl VerifierIdentity {
    /// Whether the verifier was authenticated.
    pub fn is_verified(&self) -> bool {
        matches!(self, VerifierIdentity::Verified { .. })
    }

    /// The verifier's name for the consent screen in Chinese: the registered
    /// 名称, or "未认证的核验方" (never the claimed name).
    pub fn display_zh(&self) -> &str {
        match self {
            VerifierIdentity::Verified { registration } => &registration.name_zh,
            VerifierIdentity::Unverified { .. } => "未认证的核验方",
        }
    }

    /// The verifier's name for the consent screen in English: the registered
    /// name, or "unverified verifier".
    pub fn display_en(&self) -> &str {
        match self {
            VerifierIdentity::Verified { registration } => &registration.name_en,
            VerifierIdentity::Unverified { .. } => "unverified verifier",
        }
    }
}

impl ReceivedRequest {
    /// Authenticates the request, in the order of FORMAT.md §8.2:
    /// 1. refuses a request older than `policy.max_age_secs` or ahead by more
    ///    than the skew ([`RequestError::Stale`], [`RequestError::FromFuture`]);
    ///    (names and purposes with unsafe characters were refused when parsing);
    /// 2. an unsigned request, one without a registration, or a wallet
    ///    without `root` gives [`VerifierIdentity::Unverified`];
    /// 3. the registration must verify under `root` and be valid now, the
    ///    request must be signed by the registered key and name the registered
    ///    verifier id and 名称; otherwise `Unverified` with the reason;
    /// 4. a verified verifier asking beyond its registration is refused
    ///    ([`RequestError::BeyondRegistration`]);
    /// 5. otherwise [`VerifierIdentity::Verified`].
    pub fn authenticate(
        &self,
        root: Option<&PublicKey>,
        policy: &RequestPolicy,
    ) -> Result<VerifierIdentity, RequestError> {
        let r = &self.request;
        let now = policy.now.0;
        if r.time.0 > now.saturating_add(policy.skew_secs) {
            return Err(RequestError::FromFuture {
                ahead_secs: r.time.0.saturating_sub(now),
            });
        }
        let age = now.saturating_sub(r.time.0);
        if age > policy.max_age_secs.saturating_add(policy.skew_secs) {
            return Err(RequestError::Stale {
                age_secs: age,
                max_age_secs: policy.max_age_secs,
            });
        }
        let unverified = |reason| {
            Ok(VerifierIdentity::Unverified {
                claimed_name: r.verifier_name.clone(),
                reason,
            })
        };
        let Some(sign1) = &self.sign1 else {
            return unverified(UnverifiedReason::Unsigned);
        };
        let Some(reg_bytes) = &r.registration else {
            return unverified(UnverifiedReason::NoRegistration);
        };
        let Some(root) = root else {
            return unverified(UnverifiedReason::NoTrustRoot);
        };
        let reg = match Registration::from_signed(reg_bytes, root) {
            Ok(reg) => reg,
            Err(e) => return unverified(UnverifiedReason::RegistrationInvalid(e)),
        };
        if now > reg.not_after {
            return unverified(UnverifiedReason::RegistrationExpired);
        }
        if !reg.is_valid_at(policy.now, policy.skew_secs) {
            return unverified(UnverifiedReason::RegistrationNotYetValid);
        }
        if sign1.key_id() != Some(reg.public_key.key_id()) {
            return unverified(UnverifiedReason::KeyNotRegistered);
        }
        if !self.verify_signature(&reg.public_key) {
            return unverified(UnverifiedReason::BadSignature);
        }
        if r.verifier_id != reg.verifier_id || r.verifier_name != reg.name_zh {
            return unverified(UnverifiedReason::VerifierMismatch);
        }
        if !reg.allows(&r.type_code, &r.fields) {
            let granted = reg.grants.iter().find(|g| g.type_code == r.type_code);
            let fields = match granted {
                None => Vec::new(),
                Some(g) => r
                    .fields
                    .iter()
                    .copied()
                    .filter(|f| !g.fields.contains(f))
                    .collect(),
            };
            return Err(RequestError::BeyondRegistration {
                type_code: r.type_code.clone(),
                fields,
            });
        }
        Ok(VerifierIdentity::Verified { registration: reg })
    }
}
