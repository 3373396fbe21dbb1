//! Animated multi-frame QR codes, for presentations too large for one symbol
//! (a portrait, a business license with its permits).
//!
//! The message (kind, flags, body) is cut into RaptorQ (RFC 6330) symbols;
//! each frame is one ordinary QR text `LZ1F:` + Base45 of a 25-byte header
//! and one symbol. The header carries the first 16 bytes of the message's
//! SHA-256 (so frames of two codes never mix and a forged frame is caught),
//! the message length, the symbol size and the frame index, so a scanner can
//! start at any frame, in any order, miss frames, and still assemble the
//! message from any `K` distinct frames (`K` = source frames; RaptorQ
//! occasionally needs one or two more). Byte layout: docs/FORMAT.md,
//! "Multi-frame codes"; choice of code: docs/decisions/0009-multi-frame.md.
//!
//! Single-symbol texts (`LZ1P:`, `LZ1R:`) are unchanged; this is an extra
//! transport for what does not fit one symbol a phone can read
//! ([`needs_frames`]).
//!
//! ```
//! # use liangzheng::qr::{QrKind, frames::{FrameEncoder, FrameAssembler, FrameStatus}};
//! let body: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 251) as u8).collect();
//! let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).unwrap();
//! assert!(encoder.source_frames() >= 2);
//! let mut assembler = FrameAssembler::new();
//! // Only repair frames, none of the originals: still enough.
//! let mut result = None;
//! for index in 100.. {
//!     if let FrameStatus::Complete(p) = assembler.push(&encoder.frame(index).unwrap()).unwrap() {
//!         result = Some(p);
//!         break;
//!     }
//! }
//! assert_eq!(result.unwrap().body, body);
//! ```

#[cfg(feature = "render")]
mod animate;
mod assemble;
mod encode;
mod error;
mod wire;

#[cfg(all(test, feature = "render"))]
mod tests;

#[cfg(feature = "render")]
pub use animate::{render_gif, MAX_FPS};
pub use assemble::{FrameAssembler, FrameStatus, Progress};
pub use encode::{
    encode_frames, FrameEncoder, FrameOptions, RECOMMENDED_FPS, RECOMMENDED_SYMBOL_SIZE,
    RECOMMENDED_VERSION,
};
#[cfg(feature = "render")]
pub use encode::{needs_frames, symbol_size_for_version};
pub use error::FrameError;
pub use wire::{FRAME_HEADER_LEN, FRAME_PREFIX, ID_LEN};

/// The longest message (kind + flags + body, before any decompression) a
/// frame header may declare: 64 KiB, about a business license with 100 permits.
/// A compressed body is inflated to at most this many bytes too.
pub const MAX_MESSAGE_LEN: usize = 65_536;

/// Smallest symbol size accepted (bytes per frame).
pub const MIN_SYMBOL_SIZE: u16 = 16;

/// Largest symbol size accepted: a frame then still fits a version-40 code
/// at ECC L.
pub const MAX_SYMBOL_SIZE: u16 = 2048;

/// Most source symbols (frames needed) a message may have.
pub const MAX_SOURCE_SYMBOLS: usize = 1024;

/// Highest frame index accepted: 2^23 − 1 (9 days at 10 frames/s); the rest
/// of the 24-bit field is reserved.
pub const MAX_FRAME_INDEX: u32 = (1 << 23) - 1;

/// Frames held beyond the source frame count before the assembler concludes
/// that some are forged (an honest set decodes with a handful extra).
pub const MAX_EXTRA_FRAMES: usize = 16;

/// Frames of another code in a row after which the assembler gives up the
/// code it was assembling (the holder walked away) and starts the new one:
/// 2 s at 10 frames/s.
pub const SWITCH_AFTER_FOREIGN: u32 = 20;
