//! The verifier's policy: every input that changes a verdict, none hidden.

use crate::presentation::DEFAULT_LIFETIME_SECS;
use crate::time::UnixTime;

/// What to do when no status list covers a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPolicy {
    /// A missing list makes the verdict indeterminate.
    Strict,
    /// A missing list is noted in the report and does not change the verdict.
    Lenient,
}

/// Verification policy. Build with [`Policy::at`] and adjust fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The verifier's clock.
    pub now: UnixTime,
    /// Tolerated clock difference between devices, in seconds (default 30: phones keep network time, and the skew also widens the screenshot window).
    pub skew_secs: u64,
    /// Oldest acceptable presentation, in seconds (default 60).
    pub max_presentation_age_secs: u64,
    /// Missing status lists: strict (default) or lenient.
    pub status: StatusPolicy,
    /// License type codes this counter accepts (None = all known types).
    pub accepted_types: Option<Vec<String>>,
    /// How long a status list with neither `ttl` nor `exp` stays current after
    /// its `iat`, in seconds (default one day, [`crate::status::DEFAULT_STATUS_MAX_AGE_SECS`]).
    pub status_max_age_secs: u64,
    /// Reject credentials that are not bound to a holder key (default false:
    /// a business license printed on the wall is a static, unbound display).
    pub require_holder_binding: bool,
}

impl Policy {
    /// The default policy at time `now`.
    pub fn at(now: UnixTime) -> Self {
        Policy {
            now,
            skew_secs: 30,
            max_presentation_age_secs: DEFAULT_LIFETIME_SECS,
            status: StatusPolicy::Strict,
            accepted_types: None,
            status_max_age_secs: crate::status::DEFAULT_STATUS_MAX_AGE_SECS,
            require_holder_binding: false,
        }
    }
}
