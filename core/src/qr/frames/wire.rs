//! The bytes of one frame and of the message the frames carry
//! (docs/FORMAT.md, "Multi-frame codes").
//!
//! ```text
//! frame text  = "LZ1F:" Base45(frame)
//! frame       = id[16] | message_len u32 BE | symbol_size u16 BE | index u24 BE | symbol[symbol_size]
//! message     = kind (b'P' | b'R') | flags (0x00 plain, 0x01 zlib) | body
//! id          = SHA-256(message)[0..16]
//! ```

use sha2::{Digest, Sha256};

use super::super::{base45, text, QrKind, QrPayload, MAX_QR_TEXT_LEN};
use super::{
    FrameError, MAX_FRAME_INDEX, MAX_MESSAGE_LEN, MAX_SOURCE_SYMBOLS, MAX_SYMBOL_SIZE,
    MIN_SYMBOL_SIZE,
};

/// The text prefix of every frame.
pub const FRAME_PREFIX: &str = "LZ1F:";

/// Bytes of the fixed frame header before the symbol.
pub const FRAME_HEADER_LEN: usize = ID_LEN + 4 + 2 + 3;

/// Bytes of the message id (a truncated SHA-256 of the message).
pub const ID_LEN: usize = 16;

/// Flag bit: the body is zlib-compressed.
const FLAG_ZLIB: u8 = 0x01;

/// The id of a message: the first 16 bytes of its SHA-256.
pub(super) fn message_id(message: &[u8]) -> [u8; ID_LEN] {
    let digest = Sha256::digest(message);
    let mut id = [0u8; ID_LEN];
    id.copy_from_slice(&digest[..ID_LEN]);
    id
}

/// The message for a body: kind, flags, then the body, zlib-compressed only
/// when that makes it strictly shorter (as in single-symbol texts).
pub(super) fn build_message(kind: QrKind, body: &[u8]) -> Vec<u8> {
    let (flags, payload) = match text::compress(body) {
        Some(z) if z.len() < body.len() => (FLAG_ZLIB, z),
        _ => (0, body.to_vec()),
    };
    let mut message = Vec::with_capacity(2 + payload.len());
    // The kind letters are ASCII.
    message.push(kind.letter() as u8);
    message.push(flags);
    message.extend_from_slice(&payload);
    message
}

/// Reads an assembled message back into a payload.
pub(super) fn parse_message(message: &[u8]) -> Result<QrPayload, FrameError> {
    let (&letter, rest) = message.split_first().ok_or(FrameError::BadMessage)?;
    let (&flags, body) = rest.split_first().ok_or(FrameError::BadMessage)?;
    let kind = QrKind::from_letter(letter).ok_or(FrameError::BadMessage)?;
    let (body, compressed) = match flags {
        0 => (body.to_vec(), false),
        FLAG_ZLIB => (
            text::inflate_limited(body, MAX_MESSAGE_LEN).map_err(FrameError::Body)?,
            true,
        ),
        _ => return Err(FrameError::BadMessage),
    };
    Ok(QrPayload {
        kind,
        body,
        compressed,
    })
}

/// One parsed frame. Every field has been checked against the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Frame {
    pub id: [u8; ID_LEN],
    pub message_len: u32,
    pub symbol_size: u16,
    pub index: u32,
    pub symbol: Vec<u8>,
}

impl Frame {
    /// Source symbols of the message: `ceil(message_len / symbol_size)`.
    pub fn source_symbols(&self) -> u32 {
        self.message_len.div_ceil(u32::from(self.symbol_size))
    }

    /// The frame text.
    pub fn to_text(&self) -> String {
        let mut bytes = Vec::with_capacity(FRAME_HEADER_LEN + self.symbol.len());
        bytes.extend_from_slice(&self.id);
        bytes.extend_from_slice(&self.message_len.to_be_bytes());
        bytes.extend_from_slice(&self.symbol_size.to_be_bytes());
        bytes.extend_from_slice(&self.index.to_be_bytes()[1..]);
        bytes.extend_from_slice(&self.symbol);
        format!("{FRAME_PREFIX}{}", base45::encode(&bytes))
    }
}

/// Checks a message length and symbol size; returns the source symbol count.
pub(super) fn check_geometry(message_len: u32, symbol_size: u16) -> Result<u32, FrameError> {
    let max = MAX_MESSAGE_LEN;
    if message_len == 0 || usize::try_from(message_len).map_or(true, |l| l > max) {
        return Err(FrameError::BadMessageLength {
            len: message_len,
            max,
        });
    }
    if !(MIN_SYMBOL_SIZE..=MAX_SYMBOL_SIZE).contains(&symbol_size) {
        return Err(FrameError::BadSymbolSize { size: symbol_size });
    }
    let symbols = message_len.div_ceil(u32::from(symbol_size));
    if symbols as usize > MAX_SOURCE_SYMBOLS {
        return Err(FrameError::TooManySymbols {
            symbols: symbols as usize,
            max: MAX_SOURCE_SYMBOLS,
        });
    }
    Ok(symbols)
}

/// Parses one frame text as a camera or a scanner gun delivers it.
///
/// Same input rules as [`crate::qr::decode_text`]: length checked first,
/// trailing `\r`/`\n` removed, an all-lowercase (Caps Lock) text uppercased.
/// Then the header is checked (lengths, sizes, index) before the symbol is
/// copied, and the symbol must be exactly `symbol_size` bytes.
pub(super) fn parse_frame(text: &str) -> Result<Frame, FrameError> {
    // §1.3: the limit counts the bytes left after the trailing CR/LF is stripped.
    let text = text.trim_end_matches(['\r', '\n']);
    if text.len() > MAX_QR_TEXT_LEN {
        return Err(FrameError::TooLong {
            len: text.len(),
            max: MAX_QR_TEXT_LEN,
        });
    }
    if text.is_empty() {
        return Err(FrameError::Empty);
    }
    let bytes = text.as_bytes();
    let uppercased;
    let text =
        if bytes.iter().any(u8::is_ascii_lowercase) && !bytes.iter().any(u8::is_ascii_uppercase) {
            uppercased = text.to_ascii_uppercase();
            uppercased.as_str()
        } else {
            text
        };
    let encoded = text
        .strip_prefix(FRAME_PREFIX)
        .ok_or(FrameError::NotAFrame)?;
    let raw = base45::decode(encoded)?;
    let truncated = |expected: usize| FrameError::Truncated {
        expected,
        actual: raw.len(),
    };
    let header = raw
        .get(..FRAME_HEADER_LEN)
        .ok_or_else(|| truncated(FRAME_HEADER_LEN))?;
    let mut id = [0u8; ID_LEN];
    id.copy_from_slice(&header[..ID_LEN]);
    let message_len = u32::from_be_bytes([header[16], header[17], header[18], header[19]]);
    let symbol_size = u16::from_be_bytes([header[20], header[21]]);
    let index = u32::from_be_bytes([0, header[22], header[23], header[24]]);
    check_geometry(message_len, symbol_size)?;
    if index > MAX_FRAME_INDEX {
        return Err(FrameError::BadIndex { index });
    }
    let expected = FRAME_HEADER_LEN + usize::from(symbol_size);
    if raw.len() != expected {
        return Err(truncated(expected));
    }
    Ok(Frame {
        id,
        message_len,
        symbol_size,
        index,
        symbol: raw[FRAME_HEADER_LEN..].to_vec(),
    })
}
