//! Bilingual (中文 / English) messages.
//!
//! Counter staff read Chinese; integrators and logs often want English. Every
//! error and every check outcome in this crate can say what happened in both
//! languages through [`Localized`]. Messages never contain personal data
//! (names, ID numbers): they describe *what* failed, not *whose* data.

use std::borrow::Cow;

/// Something that can describe itself in Chinese and in English.
pub trait Localized {
    /// The message in Simplified Chinese.
    fn zh(&self) -> Cow<'static, str>;
    /// The message in English.
    fn en(&self) -> Cow<'static, str>;
    /// Both messages, as `中文 / English`.
    fn bilingual(&self) -> String {
        format!("{} / {}", self.zh(), self.en())
    }
}
