//! The QR text envelope: `LZ1` + kind + optional `Z` + `:` + Base45(body).
//!
//! | text starts with | meaning |
//! |---|---|
//! | `LZ1P:` | presentation (亮证), body as is |
//! | `LZ1PZ:` | presentation, body zlib-compressed |
//! | `LZ1R:` | verifier request (授权用证), body as is |
//! | `LZ1RZ:` | verifier request, body zlib-compressed |
//!
//! Every character of the text is in the QR alphanumeric set, so the whole
//! text is one alphanumeric segment.

use super::base45;
use super::QrError;

/// The longest text accepted: the alphanumeric capacity of a version-40 QR
/// code at error correction L. Checked before any other work.
pub const MAX_QR_TEXT_LEN: usize = 4296;

/// The largest body a compressed text may inflate to. Enforced while
/// inflating, so a small "zip bomb" never allocates more than this.
pub const MAX_BODY_LEN: usize = 8192;

const PREFIX: &str = "LZ";
const FORMAT_VERSION: u8 = b'1';

/// What a QR code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QrKind {
    /// A holder's presentation (亮证), kind letter `P`.
    Presentation,
    /// A verifier's request (授权用证), kind letter `R`.
    Request,
    /// A bundle (一照通): a business license and permits of the same subject,
    /// kind letter `B` (`crate::bundle`); in practice always multi-frame.
    Bundle,
}

impl QrKind {
    pub(super) const fn letter(self) -> char {
        match self {
            Self::Presentation => 'P',
            Self::Request => 'R',
            Self::Bundle => 'B',
        }
    }

    pub(super) const fn from_letter(letter: u8) -> Option<Self> {
        match letter {
            b'P' => Some(Self::Presentation),
            b'R' => Some(Self::Request),
            b'B' => Some(Self::Bundle),
            _ => None,
        }
    }
}

/// A decoded QR text: its kind and its body bytes (already inflated).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QrPayload {
    /// What the code carries.
    pub kind: QrKind,
    /// The body (CBOR for the layers above), decompressed if it was compressed.
    pub body: Vec<u8>,
    /// Whether the text carried the body zlib-compressed (`Z` flag).
    pub compressed: bool,
}

/// Builds the QR text for a body.
///
/// The body is compressed (zlib, best level) only when that makes the whole
/// text *strictly shorter*, counting the extra `Z` flag character. Text length
/// is what decides the QR version, and a shorter text never needs a larger
/// one, so the rule can only help the scan. Signed CBOR of a few hundred
/// bytes is mostly signatures, salts and digests, which do not compress, so
/// in practice most texts are uncompressed. The result is deterministic.
///
/// The text is not checked against [`MAX_QR_TEXT_LEN`] here; rendering
/// reports a text that does not fit.
///
/// ```
/// # use liangzheng::qr::{encode_text, decode_text, QrKind};
/// let text = encode_text(QrKind::Presentation, b"AB");
/// assert_eq!(text, "LZ1P:BB8");
/// assert_eq!(decode_text(&text).unwrap().body, b"AB");
/// ```
pub fn encode_text(kind: QrKind, body: &[u8]) -> String {
    let plain_len = base45::encoded_len(body.len());
    let (flag, encoded) = match compress(body) {
        Some(z) if base45::encoded_len(z.len()) + 1 < plain_len => ("Z", base45::encode(&z)),
        _ => ("", base45::encode(body)),
    };
    format!("{PREFIX}1{}{flag}:{encoded}", kind.letter())
}

/// zlib at miniz_oxide's highest level (`crate::zlib`). Always `Some` (the signature keeps
/// callers ready for an encoder that can fail).
pub(super) fn compress(body: &[u8]) -> Option<Vec<u8>> {
    Some(crate::zlib::compress(body))
}

/// Reads QR text as a camera or a USB scanner gun delivers it.
///
/// In order:
/// 1. trailing `\r` and `\n` are removed (a scanner gun types Enter after the
///    code); spaces are never trimmed, because Base45 uses the space;
/// 2. texts still longer than [`MAX_QR_TEXT_LEN`] bytes (UTF-8 bytes, not
///    characters) are rejected before any other work;
/// 3. Caps Lock is undone: a scanner gun types each letter of `LZ1P:…` with
///    Shift, so with Caps Lock on every letter arrives in lowercase. Base45
///    and the header have no lowercase letters and a valid text always has
///    some uppercase ones (`LZ`), so a text with lowercase letters and *no*
///    uppercase letter can only be valid uppercased, and it is uppercased;
///    a text mixing both cases is left alone and fails;
/// 4. the header is parsed and the body Base45-decoded (strictly);
/// 5. a compressed body is inflated, stopping with
///    [`QrError::BodyTooLarge`] as soon as it passes [`MAX_BODY_LEN`].
///
/// An empty body (`LZ1P:`) is accepted here; the layers above reject it.
pub fn decode_text(text: &str) -> Result<QrPayload, QrError> {
    // Stripping only slices (no allocation): the limit counts the bytes of the
    // text itself, so the largest code followed by a scanner gun's CR LF passes.
    let text = text.trim_end_matches(['\r', '\n']);
    if text.len() > MAX_QR_TEXT_LEN {
        return Err(QrError::TooLong {
            len: text.len(),
            max: MAX_QR_TEXT_LEN,
        });
    }
    if text.is_empty() {
        return Err(QrError::Empty);
    }
    let uppercased;
    let text = if caps_lock_inverted(text) {
        uppercased = text.to_ascii_uppercase();
        uppercased.as_str()
    } else {
        text
    };

    let (kind, compressed, encoded) = parse_header(text)?;
    let raw = base45::decode(encoded)?;
    let body = if compressed { inflate(&raw)? } else { raw };
    Ok(QrPayload {
        kind,
        body,
        compressed,
    })
}

/// True when the text has lowercase ASCII letters and no uppercase ones.
fn caps_lock_inverted(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().any(u8::is_ascii_lowercase) && !bytes.iter().any(u8::is_ascii_uppercase)
}

/// Splits `LZ1<kind>[Z]:<base45>` into its parts.
fn parse_header(text: &str) -> Result<(QrKind, bool, &str), QrError> {
    let rest = text.strip_prefix(PREFIX).ok_or(QrError::UnknownPrefix)?;
    let bytes = rest.as_bytes();
    match bytes.first() {
        Some(&FORMAT_VERSION) => {}
        Some(d) if d.is_ascii_digit() => return Err(QrError::UnsupportedVersion),
        _ => return Err(QrError::UnknownPrefix),
    }
    if bytes.get(1) == Some(&b'F') && bytes.get(2) == Some(&b':') {
        return Err(QrError::FrameOfAnimatedCode);
    }
    let kind = bytes
        .get(1)
        .copied()
        .and_then(QrKind::from_letter)
        .ok_or(QrError::UnknownKind)?;
    // The three header bytes checked so far are ASCII: `get(2..)` is on a
    // char boundary.
    let tail = rest.get(2..).ok_or(QrError::MalformedHeader)?;
    if let Some(encoded) = tail.strip_prefix(':') {
        Ok((kind, false, encoded))
    } else if let Some(encoded) = tail.strip_prefix("Z:") {
        Ok((kind, true, encoded))
    } else {
        Err(QrError::MalformedHeader)
    }
}

/// Inflates one complete zlib stream into at most `MAX_BODY_LEN` bytes.
///
/// Output never grows past `MAX_BODY_LEN + 1` bytes, so the limit holds without trusting any
/// declared size. A stream that is corrupt, fails its Adler-32 check, ends early, or is
/// followed by trailing bytes is rejected: one body, one encoding (`crate::zlib`).
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, QrError> {
    inflate_limited(compressed, MAX_BODY_LEN)
}

/// [`inflate`] with another output limit (the multi-frame transport's).
pub(super) fn inflate_limited(compressed: &[u8], max: usize) -> Result<Vec<u8>, QrError> {
    crate::zlib::inflate_limited(compressed, max).map_err(|e| match e {
        crate::zlib::InflateError::TooLarge => QrError::BodyTooLarge { max },
        crate::zlib::InflateError::Corrupt => QrError::Inflate,
    })
}
