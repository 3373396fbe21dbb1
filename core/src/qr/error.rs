//! The one error type of the `qr` layer.

use std::borrow::Cow;
use std::fmt;

use super::base45::Base45Error;
use crate::lang::Localized;

/// Why QR text could not be read, rendered or scanned.
///
/// One variant per thing a caller can act on: ask the holder to refresh the
/// code, tell the counter staff the image is not a QR code, update the app.
/// Messages describe what failed, never the content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// The text is empty (or only line endings).
    Empty,
    /// The text is longer than any QR code can hold.
    TooLong {
        /// Length of the text, in bytes.
        len: usize,
        /// The limit, [`super::MAX_QR_TEXT_LEN`].
        max: usize,
    },
    /// The text does not start with `LZ`: not one of our codes.
    UnknownPrefix,
    /// An `LZ` code of a format version this library does not know.
    UnsupportedVersion,
    /// `LZ1` followed by a kind letter other than `P` or `R`.
    UnknownKind,
    /// The text is one frame (`LZ1F:`) of an animated multi-frame code: feed
    /// it to a [`super::frames::FrameAssembler`] instead.
    FrameOfAnimatedCode,
    /// The header after the kind letter is not `:` or `Z:`.
    MalformedHeader,
    /// The body is not valid Base45.
    Base45(Base45Error),
    /// The body is flagged as compressed but is not a valid zlib stream.
    Inflate,
    /// The decompressed body exceeds [`super::MAX_BODY_LEN`].
    BodyTooLarge {
        /// The limit, in bytes.
        max: usize,
    },
    /// Text to render contains a character outside the QR alphanumeric set.
    NotAlphanumeric {
        /// Byte offset of the first such character.
        position: usize,
    },
    /// Render options out of range (module size).
    InvalidOptions,
    /// The text does not fit a version-40 QR code at this error correction.
    DoesNotFit,
    /// Building or encoding the image failed.
    Render,
    /// The image bytes are not a PNG or JPEG this library can read.
    UnreadableImage,
    /// The image is larger than [`super::MAX_IMAGE_SIDE`] on a side.
    ImageTooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// No QR code was found in the image.
    NoQrFound,
    /// A QR code was found but could not be decoded (damaged, blurred, not text).
    Undecodable,
}

impl Localized for QrError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "二维码内容为空".into(),
            Self::TooLong { len, max } => {
                format!("二维码文本过长（{len} 字节，上限 {max}）").into()
            }
            Self::UnknownPrefix => "不是亮证二维码（前缀无法识别）".into(),
            Self::UnsupportedVersion => "二维码格式版本不受支持，请升级应用".into(),
            Self::UnknownKind => "二维码类型无法识别".into(),
            Self::FrameOfAnimatedCode => {
                "这是动态码（多帧）中的一帧，请持续扫描直至拼合完成".into()
            }
            Self::MalformedHeader => "二维码头部格式错误".into(),
            Self::Base45(e) => format!("二维码内容编码错误：{}", e.zh()).into(),
            Self::Inflate => "二维码压缩内容无法解压".into(),
            Self::BodyTooLarge { max } => format!("二维码解压后内容超过 {max} 字节上限").into(),
            Self::NotAlphanumeric { position } => {
                format!("第 {position} 个字节处的字符不属于二维码字母数字模式").into()
            }
            Self::InvalidOptions => "二维码渲染参数超出范围".into(),
            Self::DoesNotFit => "内容过长，无法放入二维码".into(),
            Self::Render => "二维码图像生成失败".into(),
            Self::UnreadableImage => "无法读取图像（仅支持 PNG 或 JPEG）".into(),
            Self::ImageTooLarge { width, height } => {
                format!("图像尺寸过大（{width}×{height}）").into()
            }
            Self::NoQrFound => "图像中未找到二维码".into(),
            Self::Undecodable => "找到二维码但无法识读".into(),
        }
    }

    fn en(&self) -> Cow<'static, str> {
        match self {
            Self::Empty => "the QR text is empty".into(),
            Self::TooLong { len, max } => {
                format!("the QR text is too long ({len} bytes, limit {max})").into()
            }
            Self::UnknownPrefix => "not a liangzheng QR code (unknown prefix)".into(),
            Self::UnsupportedVersion => {
                "unsupported QR format version; please update the app".into()
            }
            Self::UnknownKind => "unknown QR code kind".into(),
            Self::FrameOfAnimatedCode => {
                "this is one frame of an animated multi-frame code; keep scanning until it is assembled"
                    .into()
            }
            Self::MalformedHeader => "malformed QR text header".into(),
            Self::Base45(e) => format!("bad QR text encoding: {}", e.en()).into(),
            Self::Inflate => "the compressed QR body cannot be decompressed".into(),
            Self::BodyTooLarge { max } => {
                format!("the decompressed QR body exceeds the {max}-byte limit").into()
            }
            Self::NotAlphanumeric { position } => {
                format!("character at byte {position} is not in the QR alphanumeric set").into()
            }
            Self::InvalidOptions => "QR render options out of range".into(),
            Self::DoesNotFit => "the text does not fit in a QR code".into(),
            Self::Render => "rendering the QR image failed".into(),
            Self::UnreadableImage => "cannot read the image (PNG or JPEG only)".into(),
            Self::ImageTooLarge { width, height } => {
                format!("the image is too large ({width}×{height})").into()
            }
            Self::NoQrFound => "no QR code found in the image".into(),
            Self::Undecodable => "a QR code was found but could not be decoded".into(),
        }
    }
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}

impl std::error::Error for QrError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Base45(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Base45Error> for QrError {
    fn from(e: Base45Error) -> Self {
        Self::Base45(e)
    }
}
