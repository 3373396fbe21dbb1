//! Drawing QR text for the holder's screen (delegates to `liangzheng::qr`).
//!
//! The module matrix, SVG and the version need the cargo feature `holder` (wallet-lean, wallet
//! and full builds); PNG needs `render` too (wallet and full builds). Elsewhere each function
//! fails with [`LzError::NotInThisBuild`] (see [`crate::parts`]).

#[cfg(feature = "holder")]
use liangzheng::qr::{self, Ecc, RenderOptions};

#[cfg(not(feature = "render"))] // `render` implies `holder`
use crate::parts::Part;
use crate::LzError;

/// QR error correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrEcc {
    /// About 7% recoverable. Smallest code.
    L,
    /// About 15%: a phone screen at a counter (the default).
    M,
    /// About 25%.
    Q,
    /// About 30%. Largest code.
    H,
}

/// How to draw a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct QrStyle {
    /// Error correction level.
    pub ecc: QrEcc,
    /// Pixels (SVG units) per module, 1 to 32.
    #[uniffi(default = 8)]
    pub module_px: u32,
    /// Draw the four-module light margin scanners need.
    #[uniffi(default = true)]
    pub quiet_zone: bool,
}

/// A QR code as its modules, for apps that draw it natively (an Android `Bitmap`, a `CGImage`)
/// at the screen's own resolution. Draw a light margin of [`QrMatrix::quiet_zone`] modules
/// around it: scanners need it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrMatrix {
    /// Modules per side (21 for version 1 … 177 for version 40).
    pub width: u32,
    /// `width × width` bytes, row-major from the top-left: 1 = dark, 0 = light.
    pub modules: Vec<u8>,
    /// Light modules to draw on each side (4, as ISO/IEC 18004 asks).
    pub quiet_zone: u32,
}

/// The modules of QR text at `ecc`: the same code [`render_qr_svg`] and [`render_qr_png`] draw.
#[uniffi::export]
pub fn qr_matrix(text: String, ecc: QrEcc) -> Result<QrMatrix, LzError> {
    #[cfg(not(feature = "holder"))]
    {
        let _ = (text, ecc);
        Err(LzError::not_in_this_build(Part::Render))
    }
    #[cfg(feature = "holder")]
    {
        let m = qr::qr_matrix(&text, ecc.to_core())?;
        // At most 177 modules a side and 4 of margin: both fit u32.
        let width = u32::try_from(m.width).map_err(|_| LzError::from(qr::QrError::Render))?;
        let quiet_zone = u32::try_from(qr::QUIET_ZONE_MODULES)
            .map_err(|_| LzError::from(qr::QrError::Render))?;
        Ok(QrMatrix {
            width,
            modules: m.modules,
            quiet_zone,
        })
    }
}

#[cfg(feature = "holder")]
impl QrEcc {
    fn to_core(self) -> Ecc {
        match self {
            QrEcc::L => Ecc::L,
            QrEcc::M => Ecc::M,
            QrEcc::Q => Ecc::Q,
            QrEcc::H => Ecc::H,
        }
    }
}

#[cfg(feature = "holder")]
impl QrStyle {
    fn to_core(self) -> RenderOptions {
        RenderOptions {
            ecc: self.ecc.to_core(),
            module_px: self.module_px,
            quiet_zone: self.quiet_zone,
        }
    }
}

#[cfg(feature = "holder")]
fn style_or_default(style: Option<QrStyle>) -> RenderOptions {
    style.map_or_else(RenderOptions::default, QrStyle::to_core)
}

/// Renders QR text as a standalone SVG document (default style: ECC M, 8 px, quiet zone).
#[uniffi::export(default(style = None))]
pub fn render_qr_svg(text: String, style: Option<QrStyle>) -> Result<String, LzError> {
    #[cfg(not(feature = "holder"))]
    {
        let _ = (text, style);
        Err(LzError::not_in_this_build(Part::Render))
    }
    #[cfg(feature = "holder")]
    {
        Ok(qr::render_svg(&text, &style_or_default(style))?)
    }
}

/// Renders QR text as PNG file bytes (default style: ECC M, 8 px, quiet zone).
#[uniffi::export(default(style = None))]
pub fn render_qr_png(text: String, style: Option<QrStyle>) -> Result<Vec<u8>, LzError> {
    #[cfg(not(feature = "render"))] // `render` implies `holder`
    {
        let _ = (text, style);
        Err(LzError::not_in_this_build(Part::Png))
    }
    #[cfg(feature = "render")]
    {
        Ok(qr::render_png(&text, &style_or_default(style))?)
    }
}

/// The QR version (1–40) `text` needs at `ecc`, without drawing it.
#[cfg(not(feature = "api-skew-test"))]
#[uniffi::export]
pub fn qr_version(text: String, ecc: QrEcc) -> Result<u8, LzError> {
    qr_version_at(text, ecc)
}

/// The QR version (1–40) `text` needs at `ecc_skewed`, without drawing it.
///
/// Test only (feature `api-skew-test`, never shipped): the parameter's other name
/// changes this function's UniFFI checksum, so a library built with it is one from
/// another API surface, which the generated bindings must refuse at load time
/// (`scripts/test-kotlin.sh`).
#[cfg(feature = "api-skew-test")]
#[uniffi::export]
pub fn qr_version(text: String, ecc_skewed: QrEcc) -> Result<u8, LzError> {
    qr_version_at(text, ecc_skewed)
}

fn qr_version_at(text: String, ecc: QrEcc) -> Result<u8, LzError> {
    #[cfg(not(feature = "holder"))]
    {
        let _ = (text, ecc);
        Err(LzError::not_in_this_build(Part::Render))
    }
    #[cfg(feature = "holder")]
    {
        Ok(qr::qr_version(&text, ecc.to_core())?)
    }
}
