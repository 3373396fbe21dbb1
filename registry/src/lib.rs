//! 亮证 registry: an issuing authority's durable record of the licenses it issued.
//!
//! The registry allocates each license's status-list slot inside the same
//! transaction that records it, keeps an append-only history of status changes
//! (who, when, why: 挂失, 注销, 暂扣 …), and publishes signed Token Status Lists
//! built from its own state. It stores no disclosed field values and no salts
//! (see [`model`]). Two engines sit behind one [`Store`] interface: SQLite (an
//! embedded file, WAL) and PostgreSQL (several issuing nodes). Issuer signatures
//! can come from a PKCS#11 HSM ([`pkcs11`]) through the same signer trait that
//! software keys implement.

pub mod alloc;
pub mod batch;
pub mod error;
pub mod model;
pub mod pg;
pub mod pkcs11;
pub mod publish;
pub mod sqlite;
pub mod store;

pub use error::{RegistryError, Result};
pub use model::*;
pub use store::Store;

use std::time::Duration;

/// How to open a registry.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long to wait for another process's lock before failing with `Locked`.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(30),
        }
    }
}

/// Opens the engine a location names: `postgres://…` / `postgresql://…` (or a
/// libpq key=value string starting with `host=`) for PostgreSQL, `sqlite:PATH`
/// or a plain path for SQLite.
pub fn open(location: &str, opts: &OpenOptions) -> Result<Box<dyn Store>> {
    if location.starts_with("postgres://")
        || location.starts_with("postgresql://")
        || location.starts_with("host=")
    {
        Ok(Box::new(pg::PgStore::connect(location, opts)?))
    } else {
        let path = location.strip_prefix("sqlite:").unwrap_or(location);
        Ok(Box::new(sqlite::SqliteStore::open(path, opts)?))
    }
}

/// Hex SHA-256 of a holder key's COSE_Key (deterministic CBOR): what the
/// registry stores to say which key a license is bound to.
pub fn holder_fingerprint(holder: &liangzheng::holder::HolderPublicKey) -> String {
    use sha2::{Digest, Sha256};
    let cbor = liangzheng::cbor::encode(&holder.to_cose_key());
    Sha256::digest(cbor)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a registry configuration.
pub fn check_config(config: &RegistryConfig) -> Result<()> {
    liangzheng::ids::Uscc::parse(&config.issuer_code)
        .map_err(|e| RegistryError::BadInput(format!("issuer code: {e}")))?;
    if !(MIN_LIST_SIZE..=MAX_LIST_SIZE).contains(&config.list_size)
        || !config.list_size.is_multiple_of(8)
    {
        return Err(RegistryError::BadInput(format!(
            "list size {} must be a multiple of 8 between {MIN_LIST_SIZE} and {MAX_LIST_SIZE}",
            config.list_size
        )));
    }
    Ok(())
}

/// Checks a license before it is recorded (lengths and characters).
pub fn check_new(item: &NewLicense) -> Result<()> {
    let text = |name: &str, v: &str, max: usize| {
        if v.is_empty() || v.len() > max || v.chars().any(char::is_control) {
            Err(RegistryError::BadInput(format!(
                "{name} must be 1..{max} bytes without control characters"
            )))
        } else {
            Ok(())
        }
    };
    text("request id", &item.request_id, 200)?;
    text("license type", &item.license_type, 100)?;
    text("license number", &item.license_number, 100)?;
    text("key id", &item.key_id, 64)?;
    text("valid from", &item.valid_from, 10)?;
    if let Some(u) = &item.valid_until {
        text("valid until", u, 10)?;
    }
    if let Some(f) = &item.holder_fingerprint {
        text("holder fingerprint", f, 64)?;
    }
    i64::try_from(item.issued_at)
        .map_err(|_| RegistryError::BadInput("issue time out of range".into()))?;
    Ok(())
}
