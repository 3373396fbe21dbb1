//! Typed registry errors, each with a Chinese and an English message.

use std::borrow::Cow;
use std::fmt;

use liangzheng::keys::KeyError;
use liangzheng::lang::Localized;
use liangzheng::status::StatusError;

use crate::model::{Action, LicenseStatus};

/// Why a registry operation failed. A failed operation changes nothing: every
/// write runs in one transaction that is rolled back on any error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// No license with this number (and type) is in the registry.
    UnknownLicense {
        /// The license number asked for.
        number: String,
    },
    /// The number exists under several license types; the type must be given.
    AmbiguousLicense {
        /// The license number asked for.
        number: String,
    },
    /// This license number of this type was already issued under another request.
    DuplicateLicense {
        /// License type id.
        license_type: String,
        /// License number.
        number: String,
    },
    /// The same request id appears twice in one batch with different content.
    DuplicateRequest {
        /// The request id.
        request_id: String,
    },
    /// The status change is not allowed from the current status.
    InvalidTransition {
        /// The license's current status.
        from: LicenseStatus,
        /// What was asked.
        action: Action,
    },
    /// The database is locked by another process for longer than the busy timeout.
    Locked,
    /// The disk (or the database's size limit) is full.
    DiskFull,
    /// The database has no registry in it yet (`init` first).
    NotInitialised,
    /// `init` on a database that already holds a registry.
    AlreadyInitialised,
    /// The database was made by a newer (or unknown) schema version.
    SchemaVersion(String),
    /// A value given by the caller is not acceptable.
    BadInput(String),
    /// The status-index space is exhausted (list ids would overflow).
    IndexSpaceExhausted,
    /// The storage engine failed for another reason.
    Storage(String),
    /// The signer failed.
    Signer(KeyError),
    /// A status list could not be built or signed.
    Status(StatusError),
    /// The PKCS#11 module or token failed.
    Pkcs11(String),
}

impl Localized for RegistryError {
    fn zh(&self) -> Cow<'static, str> {
        use RegistryError::*;
        match self {
            UnknownLicense { .. } => "登记簿中没有该证照".into(),
            AmbiguousLicense { .. } => "该证照编号存在于多个证照类型中，请指定类型".into(),
            DuplicateLicense { .. } => "该类型的证照编号已签发（另一请求）".into(),
            DuplicateRequest { .. } => "同一批次中请求号重复".into(),
            InvalidTransition { from, action } => {
                format!("当前状态为{}，不能{}", from.zh(), action.zh()).into()
            }
            Locked => "数据库被其他进程锁定（超过等待时间）".into(),
            DiskFull => "磁盘已满（或数据库达到容量上限）".into(),
            NotInitialised => "数据库中尚无登记簿，请先执行 init".into(),
            AlreadyInitialised => "数据库中已有登记簿".into(),
            SchemaVersion(_) => "登记簿数据库版本不受支持".into(),
            BadInput(_) => "输入无效".into(),
            IndexSpaceExhausted => "状态列表编号已用尽".into(),
            Storage(_) => "存储引擎错误".into(),
            Signer(e) => e.zh(),
            Status(e) => e.zh(),
            Pkcs11(_) => "硬件安全模块（PKCS#11）错误".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        use RegistryError::*;
        match self {
            UnknownLicense { number } => format!("no license {number:?} in the registry").into(),
            AmbiguousLicense { number } => {
                format!("license number {number:?} exists under several types; give the type")
                    .into()
            }
            DuplicateLicense {
                license_type,
                number,
            } => format!(
                "license {number:?} of type {license_type} was already issued under another request"
            )
            .into(),
            DuplicateRequest { request_id } => {
                format!("request id {request_id:?} appears twice in the batch").into()
            }
            InvalidTransition { from, action } => {
                format!("cannot {} a license that is {}", action.en(), from.en()).into()
            }
            Locked => "the database is locked by another process (busy timeout exceeded)".into(),
            DiskFull => "the disk (or the database size limit) is full".into(),
            NotInitialised => "no registry in this database yet: run init first".into(),
            AlreadyInitialised => "this database already holds a registry".into(),
            SchemaVersion(v) => format!("unsupported registry schema version {v}").into(),
            BadInput(why) => format!("invalid input: {why}").into(),
            IndexSpaceExhausted => "status list ids exhausted".into(),
            Storage(why) => format!("storage engine error: {why}").into(),
            Signer(e) => e.en(),
            Status(e) => e.en(),
            Pkcs11(why) => format!("PKCS#11 (HSM) error: {why}").into(),
        }
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for RegistryError {}

impl From<KeyError> for RegistryError {
    fn from(e: KeyError) -> Self {
        RegistryError::Signer(e)
    }
}

impl From<StatusError> for RegistryError {
    fn from(e: StatusError) -> Self {
        RegistryError::Status(e)
    }
}

/// Result of a registry operation.
pub type Result<T> = std::result::Result<T, RegistryError>;
