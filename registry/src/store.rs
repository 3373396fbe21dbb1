//! The storage-engine interface: every engine (SQLite, PostgreSQL) gives the
//! same guarantees, checked by the same test suite.
//!
//! - every write is one transaction: on any error nothing is changed;
//! - slots are allocated inside the transaction that records the licenses
//!   (under one allocator lock), so no slot is used twice and none is taken
//!   without a record;
//! - a request id is recorded at most once (idempotent resume);
//! - a status change is committed durably before the call returns;
//! - a publication signs every list from one consistent snapshot.

use crate::error::Result;
use crate::model::{
    ChangeRequest, Integrity, LicenseKey, LicenseRecord, ListSnapshot, NewLicense, Publication,
    Recorded, RegistryConfig, Stats, StatusChange,
};

/// Signs one list snapshot at the given `iat`, returning the token bytes.
pub type ListSigner<'a> = dyn FnMut(&ListSnapshot, u64) -> Result<Vec<u8>> + 'a;

/// A storage engine.
pub trait Store: Send {
    /// The engine's name (`sqlite`, `postgres`).
    fn engine(&self) -> &'static str;
    /// Creates the schema and the first status list. Fails with
    /// `AlreadyInitialised` if there is a registry already.
    fn init(&mut self, config: &RegistryConfig, now: u64) -> Result<()>;
    /// The settings chosen at `init`.
    fn config(&mut self) -> Result<RegistryConfig>;
    /// Records a batch in one transaction, allocating a slot to each new item.
    fn record(&mut self, items: &[NewLicense]) -> Result<Vec<Recorded>>;
    /// The records of these request ids (those that exist).
    fn by_request(&mut self, request_ids: &[String]) -> Result<Vec<LicenseRecord>>;
    /// One license.
    fn find(&mut self, key: &LicenseKey) -> Result<LicenseRecord>;
    /// Applies a status change and appends it to the history, durably.
    fn change_status(&mut self, req: &ChangeRequest) -> Result<StatusChange>;
    /// A license and its history, oldest change first.
    fn history(&mut self, key: &LicenseKey) -> Result<(LicenseRecord, Vec<StatusChange>)>;
    /// Signs every list (or the given ones) from one snapshot and records the
    /// publications; `iat` is `max(now, previous iat of the list + 1)`.
    fn publish(
        &mut self,
        now: u64,
        lists: Option<&[u32]>,
        sign: &mut ListSigner<'_>,
    ) -> Result<Vec<Publication>>;
    /// The current statuses of one list (a read-only snapshot), or `None` if the list does not exist.
    fn snapshot(&mut self, list: u32) -> Result<Option<ListSnapshot>>;
    /// Counts.
    fn stats(&mut self) -> Result<Stats>;
    /// A full consistency check (slots, gaps, history).
    fn integrity(&mut self) -> Result<Integrity>;
}
