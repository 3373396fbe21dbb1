//! Drawing QR text as a module matrix, SVG, PNG or terminal art.
//!
//! The text is always encoded as a single alphanumeric segment. The `qrcode`
//! crate's automatic mode would split out runs of digits as numeric
//! segments; for Base45 text that changes nothing in practice, but a single
//! segment makes the version a pure function of the text length and the
//! error correction level (the ISO/IEC 18004 alphanumeric capacity table),
//! which another implementation can reproduce from the format description.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

use super::QrError;

/// Largest accepted [`RenderOptions::module_px`]: a version-40 code with its
/// quiet zone is then 185 × 32 = 5920 pixels wide.
pub const MAX_MODULE_PX: u32 = 32;

/// Modules of light margin on each side that scanners need; ISO/IEC 18004 asks for four.
pub const QUIET_ZONE_MODULES: usize = 4;

/// A QR code as its modules, for apps that draw it themselves (an Android
/// `Bitmap`, a `CGImage`, a canvas) at the screen's own resolution.
///
/// Row-major, top row first, without the quiet zone: draw a light margin of
/// [`QUIET_ZONE_MODULES`] modules around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QrMatrix {
    /// Modules per side (21 for version 1 … 177 for version 40).
    pub width: usize,
    /// `width × width` bytes: 1 for a dark module, 0 for a light one.
    pub modules: Vec<u8>,
}

impl QrMatrix {
    /// Whether the module at column `x`, row `y` is dark (false outside the code).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.modules.get(y * self.width + x) == Some(&1)
    }
}

/// The modules of `text` in the smallest QR version for `ecc` (the same code
/// [`render_svg`] and `render_png` draw).
///
/// ```
/// # use liangzheng::qr::{qr_matrix, Ecc};
/// let m = qr_matrix("HELLO WORLD", Ecc::Q).unwrap();
/// assert_eq!(m.width, 21); // version 1
/// assert!(m.is_dark(0, 0)); // a finder pattern's corner
/// ```
pub fn qr_matrix(text: &str, ecc: Ecc) -> Result<QrMatrix, QrError> {
    let code = build(text, ecc)?;
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| u8::from(c == Color::Dark))
        .collect();
    Ok(QrMatrix {
        width: code.width(),
        modules,
    })
}

/// QR error correction level: how much of the code may be damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ecc {
    /// About 7% of codewords can be restored. Smallest code.
    L,
    /// About 15%. The default: a phone screen shown at a counter.
    #[default]
    M,
    /// About 25%.
    Q,
    /// About 30%. Largest code.
    H,
}

impl Ecc {
    pub(super) fn level(self) -> EcLevel {
        match self {
            Self::L => EcLevel::L,
            Self::M => EcLevel::M,
            Self::Q => EcLevel::Q,
            Self::H => EcLevel::H,
        }
    }
}

/// How to draw a code as an image.
///
/// Build it with struct update syntax so new fields stay compatible:
/// `RenderOptions { ecc: Ecc::Q, ..RenderOptions::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderOptions {
    /// Error correction level.
    pub ecc: Ecc,
    /// Size of one module in pixels (SVG user units), 1 to [`MAX_MODULE_PX`].
    pub module_px: u32,
    /// Whether to draw the four-module light margin that scanners need.
    /// Turn it off only when the page already provides one.
    pub quiet_zone: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            ecc: Ecc::M,
            module_px: 8,
            quiet_zone: true,
        }
    }
}

/// The QR version (1–40) that `text` needs at `ecc`: the smallest one whose
/// alphanumeric capacity holds the whole text.
///
/// ```
/// # use liangzheng::qr::{qr_version, Ecc};
/// assert_eq!(qr_version("HELLO WORLD", Ecc::Q).unwrap(), 1);
/// ```
pub fn qr_version(text: &str, ecc: Ecc) -> Result<u8, QrError> {
    check_alphanumeric(text)?;
    let level = ecc.level();
    let n = text.len();
    for v in 1..=40u8 {
        // Mode indicator, character count, then 11 bits per pair and 6 for
        // a last odd character (ISO/IEC 18004 §7.4.4).
        let count_bits = match v {
            1..=9 => 9,
            10..=26 => 11,
            _ => 13,
        };
        let needed = 4 + count_bits + n / 2 * 11 + n % 2 * 6;
        let capacity = Bits::new(Version::Normal(i16::from(v)))
            .max_len(level)
            .map_err(|_| QrError::Render)?;
        if needed <= capacity {
            return Ok(v);
        }
    }
    Err(QrError::DoesNotFit)
}

/// Renders `text` as a standalone SVG document, black on white.
pub fn render_svg(text: &str, options: &RenderOptions) -> Result<String, QrError> {
    let px = module_px(options)?;
    let code = build(text, options.ecc)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(px, px)
        .quiet_zone(options.quiet_zone)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// Renders `text` as a PNG (8-bit grayscale, black on white); returns the
/// file's bytes.
///
/// Encoded with the `png` crate straight from the module matrix (feature
/// `qr-png`, in `render`): no image-processing crate in the library.
#[cfg(feature = "qr-png")]
pub fn render_png(text: &str, options: &RenderOptions) -> Result<Vec<u8>, QrError> {
    let px = usize::try_from(module_px(options)?).map_err(|_| QrError::InvalidOptions)?;
    let matrix = qr_matrix(text, options.ecc)?;
    let margin = if options.quiet_zone {
        QUIET_ZONE_MODULES
    } else {
        0
    };
    // At most (177 + 8) × 32 = 5920 pixels a side: checked all the same.
    let side_modules = margin
        .checked_mul(2)
        .and_then(|m| m.checked_add(matrix.width))
        .ok_or(QrError::Render)?;
    let side = side_modules.checked_mul(px).ok_or(QrError::Render)?;
    let area = side.checked_mul(side).ok_or(QrError::Render)?;
    let mut pixels = vec![255u8; area];
    // One pixel row per module row (px pixels per module), then copied to the px rows it covers.
    for (my, band) in pixels.chunks_exact_mut(side.saturating_mul(px)).enumerate() {
        let (first, rest) = band.split_at_mut(side);
        for (mx, run) in first.chunks_exact_mut(px).enumerate() {
            if matrix.is_dark(mx.wrapping_sub(margin), my.wrapping_sub(margin)) {
                run.fill(0);
            }
        }
        for row in rest.chunks_exact_mut(side) {
            row.copy_from_slice(first);
        }
    }
    let side = u32::try_from(side).map_err(|_| QrError::Render)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| QrError::Render)?;
    writer
        .write_image_data(&pixels)
        .and_then(|()| writer.finish())
        .map_err(|_| QrError::Render)?;
    Ok(out)
}

/// Renders `text` for a terminal: one line per two module rows, drawn with
/// the half-block characters `▀ ▄ █` and spaces, with a four-module quiet
/// zone.
///
/// Each line sets black on white with ANSI SGR codes (`ESC[30;107m` …
/// `ESC[0m`) so the code is dark on light, as scanners expect, whatever the
/// terminal's colour scheme; without them a dark-themed terminal would show
/// it inverted, which many scanners do not read.
pub fn render_terminal(text: &str, ecc: Ecc) -> Result<String, QrError> {
    let code = build(text, ecc)?;
    let width = code.width();
    let colors = code.to_colors();
    let side = width + 2 * QUIET_ZONE_MODULES;
    // Dark module at (x, y) of the bordered square; the border is light.
    let dark = |x: usize, y: usize| {
        let inner = |c: usize| c.checked_sub(QUIET_ZONE_MODULES).filter(|&c| c < width);
        match (inner(x), inner(y)) {
            (Some(cx), Some(cy)) => colors.get(cy * width + cx) == Some(&Color::Dark),
            _ => false,
        }
    };
    let mut out = String::with_capacity((side + 12) * side.div_ceil(2) * 3);
    for y in (0..side).step_by(2) {
        out.push_str("\u{1b}[30;107m");
        for x in 0..side {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (false, false) => ' ',
                (true, false) => '\u{2580}',
                (false, true) => '\u{2584}',
                (true, true) => '\u{2588}',
            });
        }
        out.push_str("\u{1b}[0m\n");
    }
    Ok(out)
}

/// Builds the code: one alphanumeric segment in the smallest version.
pub(super) fn build(text: &str, ecc: Ecc) -> Result<QrCode, QrError> {
    let version = qr_version(text, ecc)?;
    let level = ecc.level();
    let mut bits = Bits::new(Version::Normal(i16::from(version)));
    bits.push_alphanumeric_data(text.as_bytes())
        .and_then(|()| bits.push_terminator(level))
        .map_err(|_| QrError::DoesNotFit)?;
    QrCode::with_bits(bits, level).map_err(|_| QrError::Render)
}

fn module_px(options: &RenderOptions) -> Result<u32, QrError> {
    if (1..=MAX_MODULE_PX).contains(&options.module_px) {
        Ok(options.module_px)
    } else {
        Err(QrError::InvalidOptions)
    }
}

/// Every byte must be one of the 45 QR alphanumeric characters.
fn check_alphanumeric(text: &str) -> Result<(), QrError> {
    const SYMBOLS: &[u8] = b" $%*+-./:";
    match text
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b.is_ascii_uppercase() || SYMBOLS.contains(&b)))
    {
        Some(position) => Err(QrError::NotAlphanumeric { position }),
        None => Ok(()),
    }
}
