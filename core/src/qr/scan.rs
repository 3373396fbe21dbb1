//! Reading a QR code from a photo (feature `scan`, pure Rust: `image` + `rqrr`).
//!
//! rqrr is the weakest of the decoders measured for this project on damaged
//! photos, but it is pure Rust and small; a counter app with a camera SDK
//! (ML Kit, Vision, zxing-cpp) should hand us the decoded *text* instead and
//! skip this module.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use super::QrError;

/// Largest accepted image side in pixels, checked from the file header
/// before any pixel is decoded.
pub const MAX_IMAGE_SIDE: u32 = 8000;

/// Decodes the first readable QR code in a PNG or JPEG image and returns its
/// text.
///
/// The image is converted to grayscale and searched for codes; when several
/// are found, the first one that decodes wins. Binary content that is not
/// UTF-8 counts as undecodable: our texts are ASCII.
pub fn decode_image(image_bytes: &[u8]) -> Result<String, QrError> {
    let reader = || {
        let mut reader = ImageReader::new(Cursor::new(image_bytes));
        reader.set_format(sniff_format(image_bytes)?);
        Ok::<_, QrError>(reader)
    };
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|_| QrError::UnreadableImage)?;
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(QrError::ImageTooLarge { width, height });
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    let mut reader = reader()?;
    reader.limits(limits);
    let gray = reader
        .decode()
        .map_err(|_| QrError::UnreadableImage)?
        .into_luma8();

    let mut prepared = rqrr::PreparedImage::prepare(gray);
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(QrError::NoQrFound);
    }
    grids
        .iter()
        .find_map(|grid| {
            let mut content = Vec::new();
            grid.decode_to(&mut content).ok()?;
            String::from_utf8(content).ok()
        })
        .ok_or(QrError::Undecodable)
}

/// PNG or JPEG by magic bytes; anything else is unreadable.
fn sniff_format(bytes: &[u8]) -> Result<ImageFormat, QrError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => Ok(format),
        _ => Err(QrError::UnreadableImage),
    }
}
