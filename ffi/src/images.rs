//! Disclosed images (the portrait 照片) in a verification report.

use liangzheng::verify::Report;

/// A disclosed image (the ID card portrait), for the app to show beside the verdict.
///
/// The bytes are exactly what the issuer signed; they passed the portrait
/// profile's check (baseline JPEG within the type's byte and pixel limits, no
/// metadata: docs/FORMAT.md §6.3) before anything else read them, and they are
/// given only when every integrity check passed, like the text fields.
/// Decode them with the platform's image decoder (`BitmapFactory`,
/// `UIImage(data:)`); the width and height are already checked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DisclosedImage {
    /// Field key (`portrait`).
    pub key: String,
    /// Chinese label (照片).
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Media type (`image/jpeg`).
    pub media_type: String,
    /// Width in pixels, from the checked header.
    pub width: u16,
    /// Height in pixels, from the checked header.
    pub height: u16,
    /// The image file bytes, exactly as signed.
    pub bytes: Vec<u8>,
}

/// The images of a core report.
pub(crate) fn from_report(r: &Report) -> Vec<DisclosedImage> {
    r.images
        .iter()
        .map(|i| DisclosedImage {
            key: i.key.clone(),
            label_zh: i.label_zh.clone(),
            label_en: i.label_en.clone(),
            media_type: i.media_type.clone(),
            width: i.width,
            height: i.height,
            bytes: i.bytes.clone(),
        })
        .collect()
}
