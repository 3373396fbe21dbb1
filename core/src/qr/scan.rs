//! Reading a QR code from a photo (feature `scan`, pure Rust: `image` + `rqrr`).
//!
//! rqrr is the weakest of the decoders measured for this project on damaged
//! photos, but it is pure Rust and small; a counter app with a camera SDK
//! (ML Kit, Vision, zxing-cpp) should hand us the decoded *text* instead and
//! skip this module.

use std::io::Cursor;

use image::{imageops, GrayImage, ImageFormat, ImageReader, Limits};

use super::QrError;

/// Largest accepted image side in pixels, checked from the file header
/// before any pixel is decoded.
pub const MAX_IMAGE_SIDE: u32 = 8000;

/// Decodes the first readable QR code in a PNG or JPEG image and returns its
/// text.
///
/// The image is converted to grayscale and searched for codes; when several
/// are found, the first one that decodes wins. If nothing decodes, up to two
/// more passes run on a black-and-white copy (Otsu threshold), the second at
/// twice the size for images up to 1024 pixels a side: rqrr alone misses many
/// codes whose module edges were smeared grey by resampling or blur. A failed
/// scan therefore costs about two to five times a successful one.
/// Binary content that is not UTF-8 counts as undecodable: our texts are
/// ASCII.
///
/// Errors: [`QrError::UnreadableImage`] (not a PNG or JPEG, or corrupt),
/// [`QrError::ImageTooLarge`], [`QrError::NoQrFound`], and
/// [`QrError::Undecodable`] when a code was located but not read.
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
    decode_gray(gray)
}

/// Decodes the first readable QR code in a camera frame of `width` × `height`
/// RGBA pixels (8 bits per channel, row-major, as a browser canvas's
/// `ImageData` or a camera SDK gives them), with the same passes as
/// [`decode_image`].
///
/// Errors: [`QrError::UnreadableImage`] when `rgba` is not exactly
/// `width × height × 4` bytes (or a side is 0), [`QrError::ImageTooLarge`],
/// [`QrError::NoQrFound`] and [`QrError::Undecodable`].
pub fn decode_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<String, QrError> {
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(QrError::ImageTooLarge { width, height });
    }
    let expected = usize::try_from(width)
        .ok()
        .zip(usize::try_from(height).ok())
        .and_then(|(w, h)| w.checked_mul(h))
        .and_then(|n| n.checked_mul(4));
    if width == 0 || height == 0 || expected != Some(rgba.len()) {
        return Err(QrError::UnreadableImage);
    }
    let frame =
        image::RgbaImage::from_raw(width, height, rgba.to_vec()).ok_or(QrError::UnreadableImage)?;
    decode_gray(image::DynamicImage::ImageRgba8(frame).into_luma8())
}

/// The decoding passes shared by [`decode_image`] and [`decode_rgba`].
fn decode_gray(gray: GrayImage) -> Result<String, QrError> {
    // rqrr's own adaptive threshold first (right for unevenly lit photos);
    // then a global Otsu threshold, which recovers codes whose module edges
    // were smeared grey by resampling or blur; then, for small images only,
    // the same at twice the size, which helps codes of 2 to 3 pixels per
    // module. Later passes run only when earlier ones fail.
    let mut found_any = false;
    let mut attempt = |img: GrayImage| match scan_gray(img) {
        Scan::Text(text) => Some(text),
        Scan::Undecodable => {
            found_any = true;
            None
        }
        Scan::Nothing => None,
    };
    if let Some(text) = attempt(gray.clone()) {
        return Ok(text);
    }
    if let Some(text) = attempt(otsu_binarize(&gray)) {
        return Ok(text);
    }
    if gray.width() <= UPSCALE_MAX_SIDE && gray.height() <= UPSCALE_MAX_SIDE {
        let bigger = imageops::resize(
            &gray,
            gray.width() * 2,
            gray.height() * 2,
            imageops::FilterType::Triangle,
        );
        if let Some(text) = attempt(otsu_binarize(&bigger)) {
            return Ok(text);
        }
    }
    Err(if found_any {
        QrError::Undecodable
    } else {
        QrError::NoQrFound
    })
}

/// Images up to this side are also tried at twice the size.
const UPSCALE_MAX_SIDE: u32 = 1024;

/// What one pass of the detector found.
enum Scan {
    Text(String),
    Undecodable,
    Nothing,
}

/// One rqrr pass: the first grid that decodes to UTF-8 text wins.
fn scan_gray(img: GrayImage) -> Scan {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Scan::Nothing;
    }
    grids
        .iter()
        .find_map(|grid| {
            let mut content = Vec::new();
            grid.decode_to(&mut content).ok()?;
            String::from_utf8(content).ok()
        })
        .map_or(Scan::Undecodable, Scan::Text)
}

/// Black and white at the threshold that best separates the two grey-level
/// populations (Otsu's method, on the histogram).
fn otsu_binarize(img: &GrayImage) -> GrayImage {
    let mut histogram = [0u64; 256];
    for p in img.pixels() {
        histogram[usize::from(p[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let weighted_total: u64 = (0u64..).zip(histogram).map(|(v, n)| v * n).sum();
    let (mut below, mut weighted_below) = (0u64, 0u64);
    let (mut best_level, mut best_spread) = (0u8, 0f64);
    for (level, n) in (0u8..=255).zip(histogram) {
        below += n;
        weighted_below += u64::from(level) * n;
        let above = total - below;
        if below == 0 || above == 0 {
            continue;
        }
        let mean_below = weighted_below as f64 / below as f64;
        let mean_above = (weighted_total - weighted_below) as f64 / above as f64;
        let spread = below as f64 * above as f64 * (mean_above - mean_below).powi(2);
        if spread > best_spread {
            (best_level, best_spread) = (level, spread);
        }
    }
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p[0] = if p[0] <= best_level { 0 } else { 255 };
    }
    out
}

/// PNG or JPEG by magic bytes; anything else is unreadable.
fn sniff_format(bytes: &[u8]) -> Result<ImageFormat, QrError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => Ok(format),
        _ => Err(QrError::UnreadableImage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{render_png, Ecc, RenderOptions};

    fn png(img: &GrayImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png)
            .expect("encode PNG");
        out.into_inner()
    }

    #[test]
    fn bytes_that_are_not_an_image_are_unreadable() {
        assert_eq!(decode_image(b"LZ1P:BB8"), Err(QrError::UnreadableImage));
        assert_eq!(decode_image(b""), Err(QrError::UnreadableImage));
    }

    #[test]
    fn a_truncated_png_is_unreadable() {
        let bytes = png(&GrayImage::from_pixel(100, 100, image::Luma([255])));
        assert_eq!(
            decode_image(&bytes[..bytes.len() / 2]),
            Err(QrError::UnreadableImage)
        );
    }

    #[test]
    fn an_oversized_image_is_rejected_from_its_header() {
        let wide = png(&GrayImage::new(MAX_IMAGE_SIDE + 1, 1));
        assert_eq!(
            decode_image(&wide),
            Err(QrError::ImageTooLarge {
                width: MAX_IMAGE_SIDE + 1,
                height: 1
            })
        );
        // A header that claims 60000 × 60000 with no pixel data behind it
        // (valid IHDR checksum): rejected without touching any pixel.
        let mut forged = png(&GrayImage::new(1, 1));
        forged[16..24].copy_from_slice(&[0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60]);
        let crc = crc32(&forged[12..29]);
        forged[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            decode_image(&forged),
            Err(QrError::ImageTooLarge {
                width: 60000,
                height: 60000
            })
        );
    }

    /// CRC-32 as PNG chunks use it (ISO 3309, reflected, 0xedb88320).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn an_rgba_frame_decodes_like_its_png() {
        let text = "LZ1P:0A0B0C";
        let bytes = render_png(text, &RenderOptions::default()).expect("renders");
        let img = image::load_from_memory(&bytes).expect("PNG").into_rgba8();
        let (w, h) = img.dimensions();
        assert_eq!(decode_rgba(w, h, img.as_raw()).as_deref(), Ok(text));
        // A buffer of the wrong length, a zero side, an oversized side.
        assert_eq!(
            decode_rgba(w, h, &img.as_raw()[1..]),
            Err(QrError::UnreadableImage)
        );
        assert_eq!(decode_rgba(0, h, &[]), Err(QrError::UnreadableImage));
        assert_eq!(
            decode_rgba(MAX_IMAGE_SIDE + 1, 1, &[0; 4]),
            Err(QrError::ImageTooLarge {
                width: MAX_IMAGE_SIDE + 1,
                height: 1
            })
        );
        assert_eq!(decode_rgba(4, 4, &[255; 64]), Err(QrError::NoQrFound));
    }

    #[test]
    fn a_blank_image_has_no_qr_code() {
        let blank = png(&GrayImage::from_pixel(300, 200, image::Luma([255])));
        assert_eq!(decode_image(&blank), Err(QrError::NoQrFound));
    }

    #[test]
    fn a_code_with_its_data_wiped_out_is_undecodable() {
        let options = RenderOptions {
            ecc: Ecc::L,
            module_px: 4,
            quiet_zone: true,
        };
        let text = format!("LZ1P:{}", "0A".repeat(150));
        let bytes = render_png(&text, &options).expect("renders");
        let mut img = image::load_from_memory(&bytes).expect("PNG").into_luma8();
        // Paint a grey-striped band over the middle third: finder patterns
        // survive, far more codewords are lost than ECC L restores.
        let (w, h) = img.dimensions();
        for y in h / 3..2 * h / 3 {
            for x in w / 3..2 * w / 3 {
                img.put_pixel(
                    x,
                    y,
                    image::Luma([if (x / 4 + y / 4) % 2 == 0 { 0 } else { 255 }]),
                );
            }
        }
        assert_eq!(decode_image(&png(&img)), Err(QrError::Undecodable));
    }
}
