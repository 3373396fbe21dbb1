//! Camera frames in, QR text out; QR text in, an SVG to show out (both
//! delegate to core's pure-Rust `qr` module).

use liangzheng::qr::{self, RenderOptions};
use wasm_bindgen::prelude::*;

use crate::LzError;

/// Decodes the first readable QR code in a `width` × `height` RGBA frame
/// (a canvas `ImageData`'s bytes). Errors: kind `qr` with code `no_qr_found`
/// (the usual answer for a frame without a code), `undecodable` or
/// `image_too_large`; kind `invalid_input`, code `bad_frame`, when `rgba` is
/// not `width × height × 4` bytes.
pub fn frame_text(width: u32, height: u32, rgba: &[u8]) -> Result<String, LzError> {
    let expected = u64::from(width)
        .checked_mul(u64::from(height))
        .and_then(|n| n.checked_mul(4));
    if width == 0 || height == 0 || expected != u64::try_from(rgba.len()).ok() {
        return Err(LzError::invalid_input(
            "bad_frame",
            "图像帧的字节数与宽×高×4 不符",
            "the frame's byte count is not width × height × 4 (RGBA)",
        ));
    }
    Ok(qr::decode_rgba(width, height, rgba)?)
}

/// `decodeFrame(width, height, rgba)`: see [`frame_text`].
#[wasm_bindgen(js_name = decodeFrame)]
pub fn decode_frame(width: u32, height: u32, rgba: &[u8]) -> Result<String, JsValue> {
    frame_text(width, height, rgba).map_err(LzError::into_js)
}

/// `renderQrSvg(text)`: QR text as a standalone SVG document (ECC M, 8 px
/// modules, quiet zone): for the request QR and the holder demo tab.
#[wasm_bindgen(js_name = renderQrSvg)]
pub fn render_qr_svg(text: &str) -> Result<String, JsValue> {
    qr::render_svg(text, &RenderOptions::default()).map_err(|e| LzError::from(e).into_js())
}
