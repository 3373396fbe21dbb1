//! The error type of the multi-frame transport.

use std::borrow::Cow;
use std::fmt;

use super::super::base45::Base45Error;
use super::super::QrError;
use crate::lang::Localized;

/// Why a frame text could not be read, or frames could not be assembled.
///
/// Frames come from a camera pointed at someone else's screen: every field
/// is untrusted. Messages describe what failed, never the content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// The text is empty (or only line endings).
    Empty,
    /// The text is longer than any QR code can hold.
    TooLong {
        /// Length of the text, in bytes.
        len: usize,
        /// The limit, [`crate::qr::MAX_QR_TEXT_LEN`].
        max: usize,
    },
    /// The text does not start with `LZ1F:`: not a frame of a multi-frame code.
    NotAFrame,
    /// The frame is not valid Base45.
    Base45(Base45Error),
    /// The frame is shorter than its fixed header, or its symbol is not
    /// exactly as long as the header says: a cut or padded frame.
    Truncated {
        /// Bytes the frame should have.
        expected: usize,
        /// Bytes it has.
        actual: usize,
    },
    /// The declared message length is zero or above
    /// [`super::MAX_MESSAGE_LEN`].
    BadMessageLength {
        /// The declared length.
        len: u32,
        /// The limit.
        max: usize,
    },
    /// The declared symbol size is outside
    /// [`super::MIN_SYMBOL_SIZE`]..=[`super::MAX_SYMBOL_SIZE`].
    BadSymbolSize {
        /// The declared size.
        size: u16,
    },
    /// The message would need more than [`super::MAX_SOURCE_SYMBOLS`] frames.
    TooManySymbols {
        /// Source symbols the header implies.
        symbols: usize,
        /// The limit.
        max: usize,
    },
    /// The frame index is above [`super::MAX_FRAME_INDEX`] (reserved).
    BadIndex {
        /// The declared index.
        index: u32,
    },
    /// A frame with the same message id declares another length or symbol
    /// size: forged or corrupted.
    InconsistentHeader,
    /// Two frames with the same index carry different bytes: forged or corrupted.
    ConflictingFrame {
        /// The frame index (encoding symbol id).
        index: u32,
    },
    /// The frames decoded to a message whose hash is not the message id: at
    /// least one frame was forged. The assembler has started over.
    HashMismatch,
    /// More distinct frames arrived than any honest code needs without the
    /// message decoding: forged frames. The assembler has started over.
    TooManyFrames {
        /// Frames held when giving up.
        held: usize,
    },
    /// The assembled message does not start with a known kind and flags.
    BadMessage,
    /// The assembled message is QR text that failed (zlib or size).
    Body(QrError),
    /// Frame options out of range (symbol size, frame count).
    InvalidOptions,
}

impl FrameError {
    /// Stable snake_case code (docs/FORMAT.md §14.4), the same in every
    /// binding and in the test vectors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong { .. } => "too_long",
            Self::NotAFrame => "not_a_frame",
            Self::Base45(_) => "bad_base45",
            Self::Truncated { .. } => "truncated",
            Self::BadMessageLength { .. } => "bad_message_length",
            Self::BadSymbolSize { .. } => "bad_symbol_size",
            Self::TooManySymbols { .. } => "too_many_symbols",
            Self::BadIndex { .. } => "bad_index",
            Self::InconsistentHeader => "inconsistent_header",
            Self::ConflictingFrame { .. } => "conflicting_frame",
            Self::HashMismatch => "hash_mismatch",
            Self::TooManyFrames { .. } => "too_many_frames",
            Self::BadMessage => "bad_message",
            Self::Body(_) => "bad_body",
            Self::InvalidOptions => "invalid_options",
        }
    }
}

impl Localized for FrameError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "动态码帧内容为空".into(),
            Self::TooLong { len, max } => format!("动态码帧过长（{len} 字节，上限 {max}）").into(),
            Self::NotAFrame => "不是亮证动态码帧（前缀应为 LZ1F:）".into(),
            Self::Base45(e) => format!("动态码帧编码错误：{}", e.zh()).into(),
            Self::Truncated { expected, actual } => {
                format!("动态码帧长度错误（应为 {expected} 字节，实为 {actual}），帧被截断或篡改")
                    .into()
            }
            Self::BadMessageLength { len, max } => {
                format!("动态码声明的总长度 {len} 无效（应为 1 至 {max} 字节）").into()
            }
            Self::BadSymbolSize { size } => format!("动态码帧的符号长度 {size} 超出范围").into(),
            Self::TooManySymbols { symbols, max } => {
                format!("动态码需要 {symbols} 帧，超过上限 {max}").into()
            }
            Self::BadIndex { index } => format!("动态码帧序号 {index} 超出范围").into(),
            Self::InconsistentHeader => "同一动态码的帧头部互相矛盾（帧被伪造或损坏）".into(),
            Self::ConflictingFrame { index } => {
                format!("动态码第 {index} 帧出现两个不同版本（帧被伪造或损坏）").into()
            }
            Self::HashMismatch => "动态码拼合结果与其摘要不符（有帧被伪造），已重新开始接收".into(),
            Self::TooManyFrames { held } => {
                format!("已收到 {held} 帧仍无法拼合（有帧被伪造），已重新开始接收").into()
            }
            Self::BadMessage => "动态码拼合后的内容头部无法识别".into(),
            Self::Body(e) => format!("动态码拼合后的内容无效：{}", e.zh()).into(),
            Self::InvalidOptions => "动态码参数超出范围".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "the frame text is empty".into(),
            Self::TooLong { len, max } => {
                format!("the frame text is too long ({len} bytes, limit {max})").into()
            }
            Self::NotAFrame => "not a liangzheng multi-frame code (prefix LZ1F: expected)".into(),
            Self::Base45(e) => format!("bad frame encoding: {}", e.en()).into(),
            Self::Truncated { expected, actual } => format!(
                "the frame has {actual} bytes instead of {expected}: truncated or tampered with"
            )
            .into(),
            Self::BadMessageLength { len, max } => {
                format!("declared message length {len} is invalid (1 to {max} bytes)").into()
            }
            Self::BadSymbolSize { size } => {
                format!("declared frame symbol size {size} is out of range").into()
            }
            Self::TooManySymbols { symbols, max } => {
                format!("the code would need {symbols} frames, more than the limit {max}").into()
            }
            Self::BadIndex { index } => format!("frame index {index} is out of range").into(),
            Self::InconsistentHeader => {
                "frames of one code disagree on their header (forged or corrupted)".into()
            }
            Self::ConflictingFrame { index } => {
                format!("two different frames with index {index} (forged or corrupted)").into()
            }
            Self::HashMismatch => {
                "the assembled message does not match its hash (a frame was forged); starting over"
                    .into()
            }
            Self::TooManyFrames { held } => format!(
                "{held} frames received and still not decodable (forged frames); starting over"
            )
            .into(),
            Self::BadMessage => "the assembled message has an unknown header".into(),
            Self::Body(e) => format!("the assembled message is invalid: {}", e.en()).into(),
            Self::InvalidOptions => "multi-frame options out of range".into(),
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for FrameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Base45(e) => Some(e),
            Self::Body(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Base45Error> for FrameError {
    fn from(e: Base45Error) -> Self {
        Self::Base45(e)
    }
}
