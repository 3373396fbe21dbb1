//! Verifier authenticity for 授权用证: relying-party registrations, the keys
//! that sign them and requests, and who a request's verifier is.
//!
//! In every build: [`SigningKey`] (a counter signs its requests),
//! [`read_registration`], [`default_request_policy`]. Signing a registration
//! ([`sign_registration`], the root's job) is in builds with the cargo
//! feature `issuer`; elsewhere it fails with [`LzError::NotInThisBuild`].

use std::sync::Arc;

use liangzheng::alg::{PublicKey, SignatureAlgorithm};
use liangzheng::keys::{IssuerKey, IssuerSigner as _, SoftwareIssuerKey};
use liangzheng::lang::Localized as _;
use liangzheng::registration::{Grant, Registration};
use liangzheng::request;
use liangzheng::schema::Registry;
use liangzheng::time::UnixTime;

use crate::LzError;

/// A signing key held in memory: a verifier's request-signing key, or (for
/// tests and tooling) a root key that signs registrations. Ed25519, P-256
/// (ES256) or SM2. Zeroized on drop; never printed.
#[derive(uniffi::Object)]
pub struct SigningKey {
    pub(crate) inner: SoftwareIssuerKey,
}

#[uniffi::export]
impl SigningKey {
    /// An Ed25519 key derived from a 32-byte seed (demo keys and tests only).
    #[uniffi::constructor]
    pub fn from_ed25519_seed(seed: Vec<u8>) -> Result<Arc<Self>, LzError> {
        let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| {
            LzError::invalid_input("bad_seed", "种子必须是 32 字节", "a seed is 32 bytes")
        })?;
        Ok(Arc::new(SigningKey {
            inner: SoftwareIssuerKey::Ed25519(IssuerKey::from_seed(&seed)),
        }))
    }

    /// A key from a PKCS#8 PEM private key of any supported algorithm
    /// (`openssl genpkey -algorithm ed25519` / `EC -pkeyopt ec_paramgen_curve:P-256` / `SM2`).
    #[uniffi::constructor]
    pub fn from_pkcs8_pem(pem: String) -> Result<Arc<Self>, LzError> {
        Ok(Arc::new(SigningKey {
            inner: SoftwareIssuerKey::from_pkcs8_pem(&pem)?,
        }))
    }

    /// A fresh random key of `algorithm` (`ed25519`, `es256` or `sm2`).
    #[uniffi::constructor]
    pub fn generate(algorithm: String) -> Result<Arc<Self>, LzError> {
        let alg = SignatureAlgorithm::from_name(&algorithm).ok_or_else(|| {
            LzError::invalid_input(
                "unsupported_algorithm",
                "签名算法必须是 ed25519、es256 或 sm2",
                "the algorithm is ed25519, es256 or sm2",
            )
        })?;
        Ok(Arc::new(SigningKey {
            inner: SoftwareIssuerKey::generate(alg),
        }))
    }

    /// The public key as SubjectPublicKeyInfo DER (what a registration names,
    /// and what `Verifier::new` and `Wallet::set_request_root` take for a root).
    pub fn public_key_spki(&self) -> Vec<u8> {
        self.inner.public_key().to_spki_der().unwrap_or_default()
    }

    /// The algorithm name: `Ed25519`, `ESP256` or `SM2`.
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().to_string()
    }

    /// The key id (hex, 16 characters).
    pub fn key_id(&self) -> String {
        self.inner.key_id().to_hex()
    }
}

/// What a registered verifier may request of one license type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationGrant {
    /// License type code (or id, e.g. `cn.resident-id-card`, on input).
    pub type_code: String,
    /// Field keys it may request (`name`, `id_number` …).
    pub field_keys: Vec<String>,
}

/// A relying-party registration (核验方登记), signed by the trust-list root.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifierRegistration {
    /// Verifier id (e.g. its 统一社会信用代码).
    pub verifier_id: String,
    /// 名称, shown on the consent screen.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// License types and fields it may request.
    pub grants: Vec<RegistrationGrant>,
    /// Start of validity (Unix seconds).
    pub not_before: u64,
    /// End of validity (Unix seconds, inclusive).
    pub not_after: u64,
    /// When the root signed it (Unix seconds).
    pub issued_at: u64,
    /// The verifier's request-signing public key: SubjectPublicKeyInfo DER
    /// (any algorithm; a raw 32-byte Ed25519 key is accepted on input).
    pub public_key: Vec<u8>,
}

/// The wallet's rules for requests (see [`default_request_policy`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestPolicy {
    /// The wallet's clock (Unix seconds).
    pub now: u64,
    /// Oldest request answered, in seconds (default 300).
    pub max_age_secs: u64,
    /// Tolerated clock difference, in seconds (default 30).
    pub skew_secs: u64,
}

/// The default request rules at `now`: requests older than 5 minutes or more
/// than 30 s in the future are refused.
#[uniffi::export]
pub fn default_request_policy(now: u64) -> RequestPolicy {
    let p = request::RequestPolicy::at(UnixTime(now));
    RequestPolicy {
        now,
        max_age_secs: p.max_age_secs,
        skew_secs: p.skew_secs,
    }
}

impl RequestPolicy {
    #[cfg_attr(not(feature = "holder"), allow(dead_code))]
    pub(crate) fn to_core(&self) -> request::RequestPolicy {
        request::RequestPolicy {
            now: UnixTime(self.now),
            max_age_secs: self.max_age_secs,
            skew_secs: self.skew_secs,
        }
    }
}

/// Who asks, as the consent screen must show it. Never show an `Unverified`
/// verifier's claimed name as its name: show "未认证的核验方 / unverified verifier".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum VerifierIdentity {
    /// Signed by the key the pinned root registered, within the registration's
    /// window and scope: show the registration's names.
    Verified {
        /// The verified registration.
        registration: VerifierRegistration,
    },
    /// Not authenticated.
    Unverified {
        /// The name the request claims (unauthenticated).
        claimed_name: String,
        /// Why: `unsigned`, `no_registration`, `no_trust_root`,
        /// `registration_invalid`, `registration_not_yet_valid`,
        /// `registration_expired`, `key_not_registered`,
        /// `bad_request_signature`, `verifier_mismatch`.
        reason_code: String,
        /// The reason in Chinese.
        reason_zh: String,
        /// The reason in English.
        reason_en: String,
    },
}

impl VerifierIdentity {
    #[cfg_attr(not(feature = "holder"), allow(dead_code))]
    pub(crate) fn from_core(id: &request::VerifierIdentity) -> Self {
        match id {
            request::VerifierIdentity::Verified { registration } => VerifierIdentity::Verified {
                registration: VerifierRegistration::from_core(registration),
            },
            request::VerifierIdentity::Unverified {
                claimed_name,
                reason,
            } => VerifierIdentity::Unverified {
                claimed_name: claimed_name.clone(),
                reason_code: reason.code().into(),
                reason_zh: reason.zh().into_owned(),
                reason_en: reason.en().into_owned(),
            },
        }
    }
}

fn field_key(registry: &Registry, type_code: &str, id: u32) -> String {
    registry
        .get(type_code)
        .and_then(|t| t.field_by_id(id))
        .map_or_else(|| id.to_string(), |f| f.key.clone())
}

impl VerifierRegistration {
    fn from_core(r: &Registration) -> Self {
        let registry = Registry::builtin();
        VerifierRegistration {
            verifier_id: r.verifier_id.clone(),
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            grants: r
                .grants
                .iter()
                .map(|g| RegistrationGrant {
                    type_code: g.type_code.clone(),
                    field_keys: g
                        .fields
                        .iter()
                        .map(|id| field_key(&registry, &g.type_code, *id))
                        .collect(),
                })
                .collect(),
            not_before: r.not_before,
            not_after: r.not_after,
            issued_at: r.issued_at,
            public_key: r.public_key.to_spki_der().unwrap_or_default(),
        }
    }

    #[cfg_attr(not(feature = "issuer"), allow(dead_code))]
    fn to_core(&self) -> Result<Registration, LzError> {
        let registry = Registry::builtin();
        let unknown = |what: &str| LzError::Registration {
            code: "unknown_field".into(),
            message_zh: format!("未知的证照类型或字段：{what}"),
            message_en: format!("unknown license type or field: {what}"),
        };
        let grants = self
            .grants
            .iter()
            .map(|g| {
                let ty = registry
                    .get(&g.type_code)
                    .ok_or_else(|| unknown(&g.type_code))?;
                let mut fields = g
                    .field_keys
                    .iter()
                    .map(|k| ty.field(k).map(|f| f.id).ok_or_else(|| unknown(k)))
                    .collect::<Result<Vec<_>, _>>()?;
                fields.sort_unstable();
                fields.dedup();
                Ok(Grant {
                    type_code: ty.type_code.clone(),
                    fields,
                })
            })
            .collect::<Result<Vec<_>, LzError>>()?;
        Ok(Registration {
            verifier_id: self.verifier_id.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            grants,
            not_before: self.not_before,
            not_after: self.not_after,
            public_key: crate::verifier::root_key(&self.public_key)?,
            issued_at: self.issued_at,
        })
    }
}

/// Signs a registration with the root key (the same root that signs the
/// trust list). Returns the signed bytes a verifier embeds in its requests.
/// Refused (`LzError::Registration`) when a name holds a control or bidi
/// character (`unsafe_text`) or a rule is broken (`malformed`).
#[uniffi::export]
pub fn sign_registration(
    registration: VerifierRegistration,
    root: Arc<SigningKey>,
) -> Result<Vec<u8>, LzError> {
    #[cfg(not(feature = "issuer"))]
    {
        let _ = (registration, root);
        Err(LzError::not_in_this_build(crate::parts::Part::Issuer))
    }
    #[cfg(feature = "issuer")]
    {
        Ok(registration.to_core()?.sign(&root.inner)?)
    }
}

/// Verifies a signed registration against the pinned root key (raw 32-byte
/// Ed25519 or SubjectPublicKeyInfo DER) and reads it. Whether it is valid at
/// a given time is up to the caller (`not_before` … `not_after`).
#[uniffi::export]
pub fn read_registration(
    signed_registration: Vec<u8>,
    root_public_key: Vec<u8>,
) -> Result<VerifierRegistration, LzError> {
    let root: PublicKey = crate::verifier::root_key(&root_public_key)?;
    let r = Registration::from_signed(&signed_registration, &root)?;
    Ok(VerifierRegistration::from_core(&r))
}
