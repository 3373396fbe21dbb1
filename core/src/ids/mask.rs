//! Masking identifiers for display (脱敏).
//!
//! No rule is mandated; common conventions keep the first 1 + last 2, 3 + 3,
//! 4 + 4, 6 + 4 or only the last 4 characters. Which characters stay visible
//! decides what leaks: in a 公民身份号码, positions 7–14 are the birth date
//! and position 17 the sex digit. Choosing the mask belongs to the license
//! type's data; this module only applies one.

/// `text` with every character but the first `keep_first` and the last
/// `keep_last` replaced by `*`, one star per character.
///
/// Fails safe: if the kept parts would cover the whole text, every character
/// is masked.
///
/// ```
/// # use liangzheng::ids::mask_middle;
/// assert_eq!(mask_middle("370102199001011234", 4, 4), "3701**********1234");
/// assert_eq!(mask_middle("abc", 2, 1), "***");
/// ```
pub fn mask_middle(text: &str, keep_first: usize, keep_last: usize) -> String {
    let len = text.chars().count();
    if keep_first.saturating_add(keep_last) >= len {
        return "*".repeat(len);
    }
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_first || i >= len - keep_last {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_requested_ends() {
        assert_eq!(
            mask_middle("11010519491231002X", 6, 4),
            "110105********002X"
        );
        assert_eq!(
            mask_middle("11010519491231002X", 0, 4),
            "**************002X"
        );
        assert_eq!(
            mask_middle("11010519491231002X", 1, 0),
            "1*****************"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(mask_middle("张小三", 1, 1), "张*三");
        assert_eq!(mask_middle("张三丰", 0, 1), "**丰");
    }

    #[test]
    fn never_reveals_everything() {
        assert_eq!(mask_middle("1234", 2, 2), "****");
        assert_eq!(mask_middle("1234", usize::MAX, usize::MAX), "****");
        assert_eq!(mask_middle("", 0, 0), "");
    }
}
