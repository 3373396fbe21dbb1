//! What the registry stores: license records, status changes, publications.
//!
//! A record holds only what the authority needs to manage a license after
//! issuing it: its number and type, a fingerprint of the holder key it is bound
//! to, the signing key id, its status-list slot, its issue time and validity, and
//! its current status. It holds **no disclosed field values and no salts**: the
//! holder has those, and a registry that leaked would otherwise leak every
//! resident's data. Without the salts the credential's digests cannot be
//! linked to any value, so the registry does not keep the credential either.

use std::borrow::Cow;
use std::fmt;

use liangzheng::lang::Localized;
use liangzheng::status::StatusValue;
use serde::{Deserialize, Serialize};

/// Default number of entries per status list (2^20).
pub const DEFAULT_LIST_SIZE: u64 = 1 << 20;
/// Smallest list size accepted (privacy: a tiny list says too much about who was revoked).
pub const MIN_LIST_SIZE: u64 = 8;
/// Largest list size accepted (16,777,216 entries: the decoder limit of core).
pub const MAX_LIST_SIZE: u64 = 1 << 24;

/// A license's current status, as published in its status list (2 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LicenseStatus {
    /// 有效 (status value 0).
    Valid,
    /// 已吊销/注销 — final (status value 1).
    Revoked,
    /// 已暂停/暂扣 — can be reinstated (status value 2).
    Suspended,
}

impl LicenseStatus {
    /// The stored code (equal to the status-list value).
    pub fn code(self) -> i64 {
        match self {
            LicenseStatus::Valid => 0,
            LicenseStatus::Revoked => 1,
            LicenseStatus::Suspended => 2,
        }
    }
    /// From the stored code.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(LicenseStatus::Valid),
            1 => Some(LicenseStatus::Revoked),
            2 => Some(LicenseStatus::Suspended),
            _ => None,
        }
    }
    /// The Token Status List value.
    pub fn status_value(self) -> StatusValue {
        match self {
            LicenseStatus::Valid => StatusValue::Valid,
            LicenseStatus::Revoked => StatusValue::Invalid,
            LicenseStatus::Suspended => StatusValue::Suspended,
        }
    }
    /// Lowercase English name (`valid`, `revoked`, `suspended`).
    pub fn name(self) -> &'static str {
        match self {
            LicenseStatus::Valid => "valid",
            LicenseStatus::Revoked => "revoked",
            LicenseStatus::Suspended => "suspended",
        }
    }
}

impl Localized for LicenseStatus {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            LicenseStatus::Valid => "有效".into(),
            LicenseStatus::Revoked => "已吊销".into(),
            LicenseStatus::Suspended => "已暂停".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        self.name().into()
    }
}

impl fmt::Display for LicenseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

/// A status change an operator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Valid or suspended → revoked (final).
    Revoke,
    /// Valid → suspended.
    Suspend,
    /// Suspended → valid.
    Reinstate,
}

impl Action {
    /// The status after the action, or `None` when it is not allowed from `from`.
    pub fn apply(self, from: LicenseStatus) -> Option<LicenseStatus> {
        use LicenseStatus::*;
        match (self, from) {
            (Action::Revoke, Valid | Suspended) => Some(Revoked),
            (Action::Suspend, Valid) => Some(Suspended),
            (Action::Reinstate, Suspended) => Some(Valid),
            _ => None,
        }
    }
    /// Lowercase English name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Revoke => "revoke",
            Action::Suspend => "suspend",
            Action::Reinstate => "reinstate",
        }
    }
    /// From the lowercase English name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "revoke" => Some(Action::Revoke),
            "suspend" => Some(Action::Suspend),
            "reinstate" => Some(Action::Reinstate),
            _ => None,
        }
    }
}

impl Localized for Action {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Action::Revoke => "吊销".into(),
            Action::Suspend => "暂停".into(),
            Action::Reinstate => "恢复".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        self.name().into()
    }
}

/// Why a status changed (the codes are stored; the text is for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// 挂失: the holder reported the license lost or stolen.
    Lost,
    /// 注销: the license is cancelled (holder died, business closed, replaced…).
    Cancelled,
    /// 暂扣: withheld by an authority for a period.
    Withheld,
    /// 吊销: revoked as a sanction.
    Sanction,
    /// 错误签发: issued in error.
    IssuedInError,
    /// 恢复: the reason for a suspension has ended (找回, 暂扣期满).
    Restored,
    /// 其他: see the note.
    Other,
}

impl Reason {
    /// All reasons.
    pub const ALL: [Reason; 7] = [
        Reason::Lost,
        Reason::Cancelled,
        Reason::Withheld,
        Reason::Sanction,
        Reason::IssuedInError,
        Reason::Restored,
        Reason::Other,
    ];
    /// The stored code (kebab-case English).
    pub fn code(self) -> &'static str {
        match self {
            Reason::Lost => "lost",
            Reason::Cancelled => "cancelled",
            Reason::Withheld => "withheld",
            Reason::Sanction => "sanction",
            Reason::IssuedInError => "issued-in-error",
            Reason::Restored => "restored",
            Reason::Other => "other",
        }
    }
    /// From the stored code, or from the Chinese word (挂失, 注销, 暂扣, 吊销, 错误签发, 恢复, 其他).
    pub fn parse(s: &str) -> Option<Self> {
        Reason::ALL
            .into_iter()
            .find(|r| r.code() == s || r.zh() == s)
    }
}

impl Localized for Reason {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Reason::Lost => "挂失",
            Reason::Cancelled => "注销",
            Reason::Withheld => "暂扣",
            Reason::Sanction => "吊销",
            Reason::IssuedInError => "错误签发",
            Reason::Restored => "恢复",
            Reason::Other => "其他",
        }
        .into()
    }
    fn en(&self) -> Cow<'static, str> {
        self.code().into()
    }
}

/// The registry's fixed settings, chosen at `init`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryConfig {
    /// The authority's 统一社会信用代码 (names its status lists).
    pub issuer_code: String,
    /// Entries per status list; a full list rolls over to the next list id.
    pub list_size: u64,
}

/// A license to record (validated by the caller before it reaches the registry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLicense {
    /// Idempotency key: the same request id never gets a second record.
    pub request_id: String,
    /// License type id (`cn.resident-id-card`).
    pub license_type: String,
    /// 证照编号.
    pub license_number: String,
    /// Hex SHA-256 of the holder key's COSE_Key (deterministic CBOR), when holder-bound.
    pub holder_fingerprint: Option<String>,
    /// Hex key id of the signing key.
    pub key_id: String,
    /// Issue time (Unix seconds).
    pub issued_at: u64,
    /// First day of validity (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day of validity (`YYYY-MM-DD`); `None` = 长期.
    pub valid_until: Option<String>,
}

/// A stored license record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseRecord {
    /// What was recorded.
    #[serde(flatten)]
    pub license: NewLicense,
    /// Status list id (credentials carry `[list, index]`).
    pub list: u32,
    /// Index in the list.
    pub index: u64,
    /// Current status.
    pub status: LicenseStatus,
}

/// The outcome of recording one license of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Newly recorded with a fresh status slot.
    New(LicenseRecord),
    /// This request id was recorded before (a resumed batch): the same record.
    Existing(LicenseRecord),
    /// Refused; nothing recorded for this item.
    Refused(crate::RegistryError),
}

/// One entry of a license's append-only status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// Sequence number of the change (registry-wide, increasing).
    pub seq: i64,
    /// When (Unix seconds).
    pub at: u64,
    /// Who (operator id).
    pub actor: String,
    /// What was asked.
    pub action: Action,
    /// Status before.
    pub from: LicenseStatus,
    /// Status after.
    pub to: LicenseStatus,
    /// Why.
    pub reason: Reason,
    /// Free text (case number, …); must not contain personal data.
    pub note: String,
}

/// Which license a status command is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseKey {
    /// 证照编号.
    pub number: String,
    /// License type id; needed only when the number exists under several types.
    pub license_type: Option<String>,
}

/// A status change request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    /// Which license.
    pub license: LicenseKey,
    /// What to do.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// Who.
    pub actor: String,
    /// Free text.
    pub note: String,
    /// When (Unix seconds).
    pub at: u64,
}

/// Use of one status list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListUsage {
    /// List id.
    pub list: u32,
    /// Entries in the list.
    pub size: u64,
    /// Entries allocated so far (each to exactly one recorded license).
    pub used: u64,
}

/// Counts for `stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// (license type, status, count), sorted.
    pub by_type_status: Vec<(String, LicenseStatus, u64)>,
    /// Every list with its use.
    pub lists: Vec<ListUsage>,
    /// Status changes recorded.
    pub changes: u64,
    /// Publications made.
    pub publications: u64,
}

/// A status list as the registry holds it at one instant, ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSnapshot {
    /// List id.
    pub list: u32,
    /// Entries.
    pub size: u64,
    /// Entries allocated.
    pub used: u64,
    /// (index, status) of every entry that is not valid, by index.
    pub not_valid: Vec<(u64, LicenseStatus)>,
}

/// One signed status list made by `publish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Publication sequence number (registry-wide, strictly increasing).
    pub seq: i64,
    /// List id.
    pub list: u32,
    /// The token's `iat`: strictly increasing per list, never before the previous one.
    pub issued_at: u64,
    /// Entries in the list.
    pub size: u64,
    /// Revoked entries.
    pub revoked: u64,
    /// Suspended entries.
    pub suspended: u64,
    /// The last status change included (every change with a smaller or equal seq is in).
    pub as_of_change: i64,
    /// The signed token (COSE_Sign1 CWT).
    #[serde(skip)]
    pub token: Vec<u8>,
}

/// What a consistency audit found (used by tests and `lz registry audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// Records.
    pub licenses: u64,
    /// Slots allocated according to the allocator.
    pub allocated: u64,
    /// Slots used by more than one record (must be 0).
    pub duplicate_slots: u64,
    /// Allocated slots with no record (must be 0).
    pub gaps: u64,
    /// Records whose current status disagrees with the last history entry (must be 0).
    pub status_mismatches: u64,
}

impl Integrity {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.duplicate_slots == 0
            && self.gaps == 0
            && self.status_mismatches == 0
            && self.licenses == self.allocated
    }
}
