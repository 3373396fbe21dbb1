//! QR text: the last step before the screen and the first after the camera.
//!
//! A presentation or a verifier request travels as one line of text,
//!
//! ```text
//! LZ1P:%69 VD92EX0
//! └┬┘│ └ Base45 (RFC 9285) of the body, here the 7 bytes "Hello!!";
//!  │ │   real bodies are signed CBOR of a few hundred bytes
//!  │ └ kind: P presentation (亮证), R verifier request (授权用证);
//!  │   a Z after it marks a zlib-compressed body (LZ1PZ:)
//!  └ format prefix and version
//! ```
//!
//! ```
//! # use liangzheng::qr::{decode_text, encode_text, QrKind};
//! assert_eq!(encode_text(QrKind::Presentation, b"Hello!!"), "LZ1P:%69 VD92EX0");
//! // As a USB scanner gun types it with Caps Lock on, Enter included:
//! let payload = decode_text("lz1p:%69 vd92ex0\r\n").unwrap();
//! assert_eq!(payload.body, b"Hello!!");
//! ```
//!
//! # Why Base45
//! QR codes store the 45 characters `0-9 A-Z space $ % * + - . / :` in
//! *alphanumeric mode* at 5.5 bits each. Base45 turns 2 bytes into 3 of those
//! characters (16 bits in 16.5), about 97% of byte mode's density, and our
//! header uses the same alphabet, so the whole text is one alphanumeric
//! segment. It also survives a USB scanner gun, which *types* the code into
//! a text field: base64 would not, because its lowercase letters are swapped
//! by Caps Lock. Base45 has no lowercase letters at all, so a Caps-Locked
//! text is recognised and restored (see [`decode_text`]). Base45 contains a
//! space, so texts are never trimmed or split on spaces; only the trailing
//! `\r`/`\n` a scanner gun adds is removed.
//!
//! # Why compression is rare
//! The body is signed CBOR: signatures, salts, digests and keys, which are
//! random bytes. Across 501 EU DCC test payloads zlib saved nothing (the
//! median compressed size was the original plus one byte). [`encode_text`]
//! still tries it and uses it only when the text gets strictly shorter, and
//! flags it with `Z`, so a future body with repeated text is not penalised.
//!
//! # Limits
//! Input from a camera or a keyboard is untrusted. [`decode_text`] rejects
//! texts longer than [`MAX_QR_TEXT_LEN`] (4296, the most any QR code holds in
//! alphanumeric mode) before anything else, and inflates a compressed body
//! only up to [`MAX_BODY_LEN`] bytes, counting as it goes. With the `scan`
//! feature, `decode_image` rejects images over `MAX_IMAGE_SIDE` pixels on
//! a side from their header, before decoding pixels.
//!
//! # Rendering
//! With the `qr-draw` feature, `qr_matrix` (the module matrix, for apps that
//! draw natively), `render_svg` and `render_terminal` draw the text in the
//! smallest QR version for the chosen `Ecc`; `qr_version` says which version
//! that is without drawing anything. The `qr-png` feature (in `render`, on by
//! default) adds `render_png` (the `png` crate). A verifier-only build leaves both, and
//! the `qrcode` and `png` crates, out. The multi-frame transport [`frames`] needs only the
//! `frames` feature (raptorq; `render` includes it); drawing frames
//! ([`frames::render_gif`]) and sizing them to a QR version need `render`.

pub mod base45;
mod error;
#[cfg(feature = "frames")]
pub mod frames;
#[cfg(feature = "qr-draw")]
mod render;
#[cfg(feature = "scan")]
mod scan;
mod text;

#[cfg(test)]
mod tests;

pub use base45::Base45Error;
pub use error::QrError;
#[cfg(feature = "qr-png")]
pub use render::render_png;
#[cfg(feature = "qr-draw")]
pub use render::{
    qr_matrix, qr_version, render_svg, render_terminal, Ecc, QrMatrix, RenderOptions,
    MAX_MODULE_PX, QUIET_ZONE_MODULES,
};
#[cfg(feature = "scan")]
pub use scan::{decode_image, decode_rgba, MAX_IMAGE_SIDE};
pub use text::{decode_text, encode_text, QrKind, QrPayload, MAX_BODY_LEN, MAX_QR_TEXT_LEN};
