//! Time as the verifier sees it: seconds since the Unix epoch, always passed in.
//!
//! Nothing in this crate reads the system clock on its own; the caller passes
//! "now" so verification is deterministic and testable.

use std::fmt;

/// China Standard Time is UTC+8, without daylight saving.
const CST_OFFSET_SECS: u64 = 8 * 3_600;

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
        let secs = days.saturating_mul(86_400).saturating_sub(8 * 3_600);
        UnixTime(u64::try_from(secs).unwrap_or(0))
    }

    /// The civil date in China Standard Time (UTC+8) on which this instant falls.
    pub fn cst_date(self) -> crate::ids::Date {
        // Saturating: a hostile `nbf`/`exp` of u64::MAX must not overflow (it
        // lands on Date::MAX, far past any real date).
        let days = self.0.saturating_add(CST_OFFSET_SECS) / 86_400;
        crate::ids::Date::from_days_since_epoch(i64::try_from(days).unwrap_or(0))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.cst_date();
        let rem = self.0.saturating_add(CST_OFFSET_SECS) % 86_400;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_times_neither_panic_nor_wrap() {
        // u64::MAX + 8 h used to overflow (a panic with overflow checks on).
        let far = UnixTime(u64::MAX);
        assert_eq!(far.cst_date(), crate::ids::Date::MAX);
        assert!(far.to_string().starts_with("9999-12-31"));
        assert_eq!(UnixTime(0).cst_date().to_string(), "1970-01-01");
        assert_eq!(far.plus(1), far);
        assert_eq!(UnixTime(0).minus(1), UnixTime(0));
        assert_eq!(UnixTime::from_cst_date(crate::ids::Date::MIN), UnixTime(0));
    }
}
