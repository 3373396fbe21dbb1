//! Drawing QR text as SVG, PNG or terminal art.
//!
//! The text is always encoded as a single alphanumeric segment. The `qrcode`
//! crate's automatic mode would split out runs of digits as numeric
//! segments; for Base45 text that changes nothing in practice, but a single
//! segment makes the version a pure function of the text length and the
//! error correction level (the ISO/IEC 18004 alphanumeric capacity table),
//! which another implementation can reproduce from the format description.

use std::io::Cursor;

use image::{ImageBuffer, ImageFormat, Luma};
use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

use super::QrError;

/// Largest accepted [`RenderOptions::module_px`]: a version-40 code with its
/// quiet zone is then 185 × 32 = 5920 pixels wide.
pub const MAX_MODULE_PX: u32 = 32;

/// Modules of light margin on each side; ISO/IEC 18004 asks for four.
const QUIET_ZONE_MODULES: usize = 4;

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
pub fn render_png(text: &str, options: &RenderOptions) -> Result<Vec<u8>, QrError> {
    let px = module_px(options)?;
    let code = build(text, options.ecc)?;
    let img: ImageBuffer<Luma<u8>, Vec<u8>> = code
        .render::<Luma<u8>>()
        .module_dimensions(px, px)
        .quiet_zone(options.quiet_zone)
        .build();
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, ImageFormat::Png)
        .map_err(|_| QrError::Render)?;
    Ok(png.into_inner())
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
