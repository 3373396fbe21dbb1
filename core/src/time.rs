//! Time as the verifier sees it: seconds since the Unix epoch, always passed in.
//!
//! Nothing in this crate reads the system clock on its own; the caller passes
//! "now" so verification is deterministic and testable.

use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z (a CWT `NumericDate`, integer form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The current system time. Only for applications; the library never calls it itself.
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        UnixTime(secs)
    }

    /// Seconds since the epoch.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// This time plus `secs` seconds (saturating).
    pub fn plus(self, secs: u64) -> Self {
        UnixTime(self.0.saturating_add(secs))
    }

    /// This time minus `secs` seconds (saturating at the epoch).
    pub fn minus(self, secs: u64) -> Self {
        UnixTime(self.0.saturating_sub(secs))
    }

    /// Midnight UTC+8 (China Standard Time) at the start of the given civil date.
    pub fn from_cst_date(date: crate::ids::Date) -> Self {
        let days = date.days_since_epoch();
        // 00:00 in UTC+8 is 16:00 of the previous day in UTC.
        let secs = days * 86_400 - 8 * 3_600;
        UnixTime(u64::try_from(secs).unwrap_or(0))
    }

    /// The civil date in China Standard Time (UTC+8) on which this instant falls.
    pub fn cst_date(self) -> crate::ids::Date {
        let days = (self.0 + 8 * 3_600) / 86_400;
        crate::ids::Date::from_days_since_epoch(i64::try_from(days).unwrap_or(0))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.cst_date();
        let rem = (self.0 + 8 * 3_600) % 86_400;
        write!(
            f,
            "{} {:02}:{:02}:{:02} CST",
            d,
            rem / 3_600,
            (rem % 3_600) / 60,
            rem % 60
        )
    }
}
