//! Building and signing status lists from registry snapshots.

use std::sync::Arc;

use liangzheng::keys::IssuerSigner;
use liangzheng::status::{list_uri, StatusList, StatusToken};
use liangzheng::time::UnixTime;

use crate::error::{RegistryError, Result};
use crate::model::{ListSnapshot, Publication};
use crate::store::Store;

/// Bits per entry in every published list (valid / revoked / suspended).
pub const STATUS_BITS: u8 = 2;

/// The status list of a snapshot: every entry valid except those listed.
pub fn build_list(snap: &ListSnapshot) -> Result<StatusList> {
    let size = usize::try_from(snap.size)
        .map_err(|_| RegistryError::BadInput("list size too large".into()))?;
    let mut list = StatusList::new(size, STATUS_BITS)
        .map_err(|e| RegistryError::Status(liangzheng::status::StatusError::List(e)))?;
    for &(index, status) in &snap.not_valid {
        let i = usize::try_from(index)
            .map_err(|_| RegistryError::Storage(format!("index {index} out of range")))?;
        list.set_status(i, status.status_value())
            .map_err(|e| RegistryError::Status(liangzheng::status::StatusError::List(e)))?;
    }
    Ok(list)
}

/// What `publish` needs besides the store.
#[derive(Clone)]
pub struct PublishOptions {
    /// Signs the tokens (the issuer's key: software or HSM).
    pub signer: Arc<dyn IssuerSigner>,
    /// Time-to-live written into each token (seconds).
    pub ttl: Option<u64>,
    /// Signing time (Unix seconds); each list's `iat` is at least one second after its previous one.
    pub now: u64,
    /// Only these lists (default: all).
    pub lists: Option<Vec<u32>>,
}

/// Signs every list from one consistent snapshot of the registry and records
/// the publications (sequence number, `iat`, counts, last change included).
pub fn publish(store: &mut dyn Store, opts: &PublishOptions) -> Result<Vec<Publication>> {
    let code = store.config()?.issuer_code;
    let signer = opts.signer.clone();
    let ttl = opts.ttl;
    let mut sign = move |snap: &ListSnapshot, iat: u64| -> Result<Vec<u8>> {
        let list = build_list(snap)?;
        Ok(StatusToken::sign(
            &list,
            &list_uri(&code, snap.list),
            UnixTime(iat),
            ttl,
            None,
            signer.as_ref(),
        )?)
    };
    store.publish(opts.now, opts.lists.as_deref(), &mut sign)
}
