//! Signing a trust list with the root key: the root of trust's job (tooling,
//! tests, demos), so only in builds with the cargo feature `issuer`; elsewhere
//! [`sign_trust_list`] fails with [`LzError::NotInThisBuild`].

use std::sync::Arc;

use crate::{LzError, SigningKey};

/// One issuer key on a trust list (docs/FORMAT.md, trust list).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustListEntry {
    /// The issuer's public key: a raw 32-byte Ed25519 key (`Issuer.publicKey()`)
    /// or a SubjectPublicKeyInfo (DER) of any supported algorithm.
    pub public_key: Vec<u8>,
    /// 颁发机构名称.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The authority's 统一社会信用代码.
    pub code: String,
    /// 行政区划代码.
    pub region: String,
    /// License type codes (or ids) this key may issue.
    pub types: Vec<String>,
    /// Start of the key's issuing window (Unix seconds).
    pub not_before: u64,
    /// End of the key's issuing window (Unix seconds); none = open.
    #[uniffi(default = None)]
    pub not_after: Option<u64>,
}

/// Signs a trust list of `issuers` with the `root` key, issued at `issued_at`
/// and current until `expires` (Unix seconds). Returns the bytes
/// `Verifier(trustList, rootPublicKey)` takes. Refused (`LzError::TrustList`):
/// `duplicate_key` (a key listed twice); `InvalidInput` `bad_public_key`.
#[uniffi::export]
pub fn sign_trust_list(
    issuers: Vec<TrustListEntry>,
    issued_at: u64,
    expires: Option<u64>,
    root: Arc<SigningKey>,
) -> Result<Vec<u8>, LzError> {
    #[cfg(not(feature = "issuer"))]
    {
        let _ = (issuers, issued_at, expires, root);
        Err(LzError::not_in_this_build(crate::parts::Part::Issuer))
    }
    #[cfg(feature = "issuer")]
    {
        use liangzheng::time::UnixTime;
        use liangzheng::trust::{TrustStore, TrustedIssuer};
        let registry = liangzheng::schema::Registry::builtin();
        let issuers = issuers
            .into_iter()
            .map(|e| {
                Ok(TrustedIssuer {
                    public_key: crate::verifier::root_key(&e.public_key)?,
                    name_zh: e.name_zh,
                    name_en: e.name_en,
                    code: e.code,
                    region: e.region,
                    // A type id (`cn.food-business-license`) is listed by its code.
                    types: e
                        .types
                        .iter()
                        .map(|t| {
                            registry
                                .get(t)
                                .map_or_else(|| t.clone(), |ty| ty.type_code.clone())
                        })
                        .collect(),
                    not_before: e.not_before,
                    not_after: e.not_after,
                })
            })
            .collect::<Result<Vec<_>, LzError>>()?;
        let store = TrustStore {
            issuers,
            issued_at: UnixTime(issued_at),
            expires: expires.map(UnixTime),
        };
        Ok(store.sign(&root.inner)?)
    }
}
