//! The issuing authority (发证机关): claims JSON in, stored-license bytes out.
//!
//! Only in builds with the cargo feature `issuer` (the full build); elsewhere the
//! constructors fail with [`LzError::NotInThisBuild`] (see [`crate::parts`]).

use std::sync::Arc;

#[cfg(feature = "issuer")]
use liangzheng::credential::Claims;
#[cfg(feature = "issuer")]
use liangzheng::ids::Uscc;
#[cfg(feature = "issuer")]
use liangzheng::keys::{IssuerKey, IssuerSigner as _};
#[cfg(feature = "issuer")]
use liangzheng::lang::Localized as _;
#[cfg(feature = "issuer")]
use liangzheng::time::UnixTime;

#[cfg(not(feature = "issuer"))]
use crate::parts::{Absent, Part};
use crate::{HolderKey, LzError};

/// An issuing authority: an Ed25519 key, its name (颁发机构) and 统一社会信用代码.
#[derive(uniffi::Object)]
pub struct Issuer {
    #[cfg(feature = "issuer")]
    key: Arc<IssuerKey>,
    #[cfg(feature = "issuer")]
    inner: liangzheng::credential::Issuer,
    #[cfg(not(feature = "issuer"))]
    absent: Absent,
}

#[uniffi::export]
impl Issuer {
    /// An issuer whose key is a PKCS#8 PEM Ed25519 private key
    /// (`openssl genpkey -algorithm ed25519`).
    #[uniffi::constructor]
    pub fn from_pkcs8_pem(pem: String, name: String, uscc: String) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "issuer"))]
        {
            let _ = (pem, name, uscc);
            Err(LzError::not_in_this_build(Part::Issuer))
        }
        #[cfg(feature = "issuer")]
        {
            let key = IssuerKey::from_pkcs8_pem(&pem)?;
            Self::build(key, &name, &uscc)
        }
    }

    /// An issuer whose key is derived from a 32-byte seed (demo keys and tests only).
    #[uniffi::constructor]
    pub fn from_seed(seed: Vec<u8>, name: String, uscc: String) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "issuer"))]
        {
            let _ = (seed, name, uscc);
            Err(LzError::not_in_this_build(Part::Issuer))
        }
        #[cfg(feature = "issuer")]
        {
            let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| {
                LzError::invalid_input("bad_seed", "种子必须是 32 字节", "a seed is 32 bytes")
            })?;
            Self::build(IssuerKey::from_seed(&seed), &name, &uscc)
        }
    }

    /// Issues a license from claims JSON (the `Claims` shape of `lz issue`: `type`,
    /// `license_number`, `valid_from`, `valid_until`, `fields` …), bound to
    /// `holder` when given, issued at `now` (Unix seconds). Returns the bytes the
    /// wallet stores and [`crate::Wallet::add`] takes.
    pub fn issue(
        &self,
        claims_json: String,
        holder: Option<HolderKey>,
        now: u64,
    ) -> Result<Vec<u8>, LzError> {
        #[cfg(not(feature = "issuer"))]
        {
            let _ = (claims_json, holder, now);
            match self.absent {}
        }
        #[cfg(feature = "issuer")]
        {
            self.issue_claims(&claims_json, holder, now)
        }
    }

    /// This issuer, also knowing the license types of `type_file` (the format of
    /// `core/data/license-types.json`, CBOR-encoded; see [`crate::Verifier::add_license_types`]):
    /// a new object, this one is unchanged. Errors: [`LzError::InvalidInput`]
    /// (`bad_type_file`, `bad_type_definition`).
    pub fn with_license_types(&self, type_file: Vec<u8>) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "issuer"))]
        {
            let _ = type_file;
            match self.absent {}
        }
        #[cfg(feature = "issuer")]
        {
            let registry = self
                .inner
                .registry()
                .clone()
                .with_cbor(&type_file)
                .map_err(|e| crate::error::type_file_error(&e))?;
            Ok(Arc::new(Issuer {
                key: self.key.clone(),
                inner: self.inner.clone().with_registry(Arc::new(registry)),
            }))
        }
    }

    /// The issuer's raw 32-byte Ed25519 public key (what goes on the trust list).
    pub fn public_key(&self) -> Vec<u8> {
        #[cfg(not(feature = "issuer"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "issuer")]
        {
            self.key.public_key_bytes().to_vec()
        }
    }

    /// The key id credentials carry (hex, 16 characters).
    pub fn key_id(&self) -> String {
        #[cfg(not(feature = "issuer"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "issuer")]
        {
            self.key.key_id().to_hex()
        }
    }
}

#[cfg(feature = "issuer")]
impl Issuer {
    fn issue_claims(
        &self,
        claims_json: &str,
        holder: Option<HolderKey>,
        now: u64,
    ) -> Result<Vec<u8>, LzError> {
        let claims: Claims =
            serde_json::from_str(claims_json).map_err(|e| LzError::InvalidInput {
                code: "bad_claims_json".into(),
                message_zh: "证照数据（JSON）格式错误".into(),
                message_en: format!("claims JSON not readable: {}", json_problem(&e)),
            })?;
        let holder = holder.as_ref().map(HolderKey::to_core).transpose()?;
        let license = self.inner.issue(&claims, holder.as_ref(), UnixTime(now))?;
        Ok(license.to_bytes())
    }

    fn build(key: IssuerKey, name: &str, uscc: &str) -> Result<Arc<Self>, LzError> {
        let code = Uscc::parse(uscc).map_err(|e| LzError::InvalidInput {
            code: "bad_uscc".into(),
            message_zh: e.zh().into_owned(),
            message_en: e.en().into_owned(),
        })?;
        let key = Arc::new(key);
        let inner = liangzheng::credential::Issuer::new(key.clone(), name, code);
        Ok(Arc::new(Issuer { key, inner }))
    }
}

/// Where and what kind of problem a JSON text has, without echoing any of it.
#[cfg(feature = "issuer")]
fn json_problem(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "I/O",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "wrong shape (unknown or missing member, wrong type)",
        serde_json::error::Category::Eof => "unexpected end",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}
