//! Text a verifier makes the holder read (names, purposes): no invisible or
//! direction-changing characters.
//!
//! A name such as "北京市公安局" followed by U+202E RIGHT-TO-LEFT OVERRIDE and
//! reversed text, or interleaved with zero-width characters, can look like
//! another name on the consent screen. Every character of Unicode general
//! category Cc (controls), Cf (format: bidi embeddings, overrides, isolates
//! and marks, zero-width characters, BOM, tags …), Zl and Zp (line and
//! paragraph separators) is refused. The Cf table below is complete for
//! Unicode 15.1.

/// Format (Cf) code points, Unicode 15.1, as inclusive ranges.
const FORMAT_CHARS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),   // soft hyphen
    (0x0600, 0x0605),   // Arabic number signs
    (0x061C, 0x061C),   // ARABIC LETTER MARK (bidi)
    (0x06DD, 0x06DD),   // Arabic end of ayah
    (0x070F, 0x070F),   // Syriac abbreviation mark
    (0x0890, 0x0891),   // Arabic pound / piastre mark above
    (0x08E2, 0x08E2),   // Arabic disputed end of ayah
    (0x180E, 0x180E),   // Mongolian vowel separator
    (0x200B, 0x200F),   // zero-width space / non-joiner / joiner, LRM, RLM
    (0x202A, 0x202E),   // LRE, RLE, PDF, LRO, RLO
    (0x2060, 0x2064),   // word joiner, invisible operators
    (0x2066, 0x206F),   // LRI, RLI, FSI, PDI, deprecated format characters
    (0xFEFF, 0xFEFF),   // zero-width no-break space (BOM)
    (0xFFF9, 0xFFFB),   // interlinear annotation
    (0x110BD, 0x110BD), // Kaithi number sign
    (0x110CD, 0x110CD), // Kaithi number sign above
    (0x13430, 0x1343F), // Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3), // shorthand format controls
    (0x1D173, 0x1D17A), // musical symbol format controls
    (0xE0001, 0xE0001), // language tag
    (0xE0020, 0xE007F), // tag characters
];

/// The first character of `s` that may not appear in text shown to the
/// holder (Cc, Cf, Zl, Zp), if any.
pub fn first_unsafe_char(s: &str) -> Option<char> {
    s.chars().find(|c| is_unsafe(*c))
}

/// Whether `c` is a control, format, line-separator or paragraph-separator character.
pub fn is_unsafe(c: char) -> bool {
    let u = u32::from(c);
    c.is_control() // exactly Cc: U+0000–001F, U+007F–009F
        || u == 0x2028
        || u == 0x2029
        || FORMAT_CHARS.iter().any(|(lo, hi)| (*lo..=*hi).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_controls_bidi_and_invisibles() {
        for c in [
            '\u{0}',
            '\n',
            '\u{7f}',
            '\u{85}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{061c}',
            '\u{feff}',
            '\u{2028}',
            '\u{2029}',
            '\u{e0041}',
            '\u{ad}',
        ] {
            assert!(is_unsafe(c), "U+{:04X}", u32::from(c));
            let s = format!("北京市{c}公安局");
            assert_eq!(first_unsafe_char(&s), Some(c));
        }
    }

    #[test]
    fn accepts_ordinary_names() {
        for s in [
            "北京市公安局",
            "Beijing Municipal Public Security Bureau",
            "中国工商银行股份有限公司（北京分行）",
            "办理开户 · 核验身份",
            "İstanbul — ñ é ü",
        ] {
            assert_eq!(first_unsafe_char(s), None, "{s}");
        }
    }
}
