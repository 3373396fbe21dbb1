//! Splitting a body into fountain-coded frames (RFC 6330 RaptorQ).

use raptorq::{ObjectTransmissionInformation, SourceBlockEncoder};

use super::super::QrKind;
#[cfg(feature = "render")]
use super::super::{base45, qr_version, Ecc, QrError};
use super::wire::{self, Frame, ID_LEN};
#[cfg(feature = "render")]
use super::wire::{FRAME_HEADER_LEN, FRAME_PREFIX};
use super::FrameError;
use super::MAX_FRAME_INDEX;
#[cfg(feature = "render")]
use super::{MAX_SYMBOL_SIZE, MIN_SYMBOL_SIZE};

/// The QR version recommended for frames: 57 × 57 modules, which low-end
/// phones read quickly from a screen at arm's length.
pub const RECOMMENDED_VERSION: u8 = 10;

/// Symbol bytes per frame that fill a version-10 code at ECC M (the default
/// error correction): `symbol_size_for_version(10, Ecc::M)`.
pub const RECOMMENDED_SYMBOL_SIZE: u16 = 179;

/// Recommended display rate, frames per second (each frame shown 100 ms).
pub const RECOMMENDED_FPS: u8 = 10;

/// How to cut a body into frames.
///
/// Build it with struct update syntax so new fields stay compatible:
/// `FrameOptions { symbol_size: 300, ..FrameOptions::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameOptions {
    /// Symbol bytes per frame ([`super::MIN_SYMBOL_SIZE`] to
    /// [`super::MAX_SYMBOL_SIZE`]); decides the QR version of every frame.
    pub symbol_size: u16,
    /// Repair frames after the source frames in one loop of the animation.
    /// `None`: as many as there are source frames (at least 2), so a scanner
    /// that misses 30% of one loop still has enough.
    pub repair_frames: Option<u32>,
}

impl Default for FrameOptions {
    fn default() -> Self {
        Self {
            symbol_size: RECOMMENDED_SYMBOL_SIZE,
            repair_frames: None,
        }
    }
}

/// The largest symbol size whose frame text fits QR `version` at `ecc`.
///
/// ```
/// # use liangzheng::qr::{Ecc, frames::{symbol_size_for_version, RECOMMENDED_SYMBOL_SIZE}};
/// assert_eq!(symbol_size_for_version(10, Ecc::M).unwrap(), RECOMMENDED_SYMBOL_SIZE);
/// ```
#[cfg(feature = "render")]
pub fn symbol_size_for_version(version: u8, ecc: Ecc) -> Result<u16, FrameError> {
    if !(1..=40).contains(&version) {
        return Err(FrameError::InvalidOptions);
    }
    let fits = |size: u16| {
        let chars = FRAME_PREFIX.len() + base45::encoded_len(FRAME_HEADER_LEN + usize::from(size));
        let probe = "A".repeat(chars);
        matches!(qr_version(&probe, ecc), Ok(v) if v <= version)
    };
    (MIN_SYMBOL_SIZE..=MAX_SYMBOL_SIZE)
        .rev()
        .find(|&s| fits(s))
        .ok_or(FrameError::InvalidOptions)
}

/// Makes the frames of one body: any frame index on demand.
///
/// Frames `0..source_frames()` carry the message itself (RaptorQ is
/// systematic); every later index is a repair frame. A scanner needs any
/// `source_frames()` distinct frames (rarely one or two more), in any order.
/// An app can show [`frames`](Self::frames) in a loop, or keep drawing fresh
/// indexes so that no frame repeats.
#[derive(Debug, Clone)]
pub struct FrameEncoder {
    id: [u8; ID_LEN],
    message_len: u32,
    symbol_size: u16,
    source_symbols: u32,
    block: SourceBlockEncoder,
}

impl FrameEncoder {
    /// Prepares the frames of `body` (a presentation's CBOR, or a request's).
    pub fn new(kind: QrKind, body: &[u8], symbol_size: u16) -> Result<Self, FrameError> {
        let message = wire::build_message(kind, body);
        let message_len =
            u32::try_from(message.len()).map_err(|_| FrameError::BadMessageLength {
                len: u32::MAX,
                max: super::MAX_MESSAGE_LEN,
            })?;
        let source_symbols = wire::check_geometry(message_len, symbol_size)?;
        let id = wire::message_id(&message);
        // One source block, one sub-block, alignment 1 (docs/FORMAT.md).
        let config =
            ObjectTransmissionInformation::new(u64::from(message_len), symbol_size, 1, 1, 1);
        let mut padded = message;
        padded.resize(source_symbols as usize * usize::from(symbol_size), 0);
        let block = SourceBlockEncoder::new(0, &config, &padded);
        Ok(Self {
            id,
            message_len,
            symbol_size,
            source_symbols,
            block,
        })
    }

    /// The number of source frames: the fewest frames that can assemble the message.
    pub fn source_frames(&self) -> u32 {
        self.source_symbols
    }

    /// The message id every frame carries (SHA-256 of the message, first 16 bytes).
    pub fn message_id(&self) -> [u8; ID_LEN] {
        self.id
    }

    /// Bytes of the message the frames carry (kind, flags, body).
    pub fn message_len(&self) -> u32 {
        self.message_len
    }

    /// The text of frame `index` (0 to [`super::MAX_FRAME_INDEX`]).
    pub fn frame(&self, index: u32) -> Result<String, FrameError> {
        if index > MAX_FRAME_INDEX {
            return Err(FrameError::BadIndex { index });
        }
        let packet = if index < self.source_symbols {
            self.block.source_packets().into_iter().nth(index as usize)
        } else {
            self.block
                .repair_packets(index - self.source_symbols, 1)
                .into_iter()
                .next()
        };
        let symbol = packet.ok_or(FrameError::InvalidOptions)?.split().1;
        Ok(self.text(index, symbol))
    }

    /// The frames `0..count`, in order: the source frames, then repair frames.
    pub fn frames(&self, count: u32) -> Result<Vec<String>, FrameError> {
        if count == 0 || count - 1 > MAX_FRAME_INDEX {
            return Err(FrameError::InvalidOptions);
        }
        let mut texts: Vec<String> = self
            .block
            .source_packets()
            .into_iter()
            .take(count as usize)
            .enumerate()
            .map(|(i, p)| self.text(i as u32, p.split().1))
            .collect();
        if count > self.source_symbols {
            let repair = self.block.repair_packets(0, count - self.source_symbols);
            let first = self.source_symbols;
            texts.extend(
                repair
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| self.text(first + i as u32, p.split().1)),
            );
        }
        Ok(texts)
    }

    fn text(&self, index: u32, symbol: Vec<u8>) -> String {
        Frame {
            id: self.id,
            message_len: self.message_len,
            symbol_size: self.symbol_size,
            index,
            symbol,
        }
        .to_text()
    }
}

/// The frames of one loop of the animation for `body`.
///
/// ```
/// # use liangzheng::qr::{QrKind, frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus}};
/// let body = vec![7u8; 1000];
/// let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).unwrap();
/// let mut assembler = FrameAssembler::new();
/// // Start anywhere, skip every other frame:
/// let done = frames.iter().rev().step_by(2).find_map(|f| match assembler.push(f) {
///     Ok(FrameStatus::Complete(payload)) => Some(payload),
///     _ => None,
/// });
/// assert_eq!(done.unwrap().body, body);
/// ```
pub fn encode_frames(
    kind: QrKind,
    body: &[u8],
    options: &FrameOptions,
) -> Result<Vec<String>, FrameError> {
    let encoder = FrameEncoder::new(kind, body, options.symbol_size)?;
    let source = encoder.source_frames();
    let repair = options.repair_frames.unwrap_or(source.max(2));
    let count = source
        .checked_add(repair)
        .filter(|&c| c - 1 <= MAX_FRAME_INDEX)
        .ok_or(FrameError::InvalidOptions)?;
    encoder.frames(count)
}

/// Whether a single-symbol text should travel as frames instead: when it
/// needs a QR version above `max_version` at `ecc` (or fits none at all).
#[cfg(feature = "render")]
pub fn needs_frames(text: &str, ecc: Ecc, max_version: u8) -> Result<bool, QrError> {
    match qr_version(text, ecc) {
        Ok(v) => Ok(v > max_version),
        Err(QrError::DoesNotFit) => Ok(true),
        Err(e) => Err(e),
    }
}
