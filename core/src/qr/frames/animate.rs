//! Drawing a frame loop as one animated GIF.

use gif::{Encoder, Frame, Repeat};
use qrcode::Color;

use super::super::render::build;
use super::super::{QrError, RenderOptions, MAX_MODULE_PX};

/// Highest frame rate [`render_gif`] accepts. GIF delays are in hundredths
/// of a second and browsers slow anything under 2 down to 10.
pub const MAX_FPS: u8 = 50;

/// Quiet zone, in modules (ISO/IEC 18004).
const QUIET_ZONE_MODULES: usize = 4;

/// Renders the frame texts as an endlessly looping GIF (black on white, two
/// colours, no dithering), each frame shown `1/fps` seconds.
///
/// All frames of one code have the same length and so the same QR version;
/// texts of different versions are rejected ([`QrError::InvalidOptions`]),
/// as are an empty list, `fps` outside 1..=[`MAX_FPS`] and an image wider
/// than 65535 pixels.
pub fn render_gif(frames: &[String], options: &RenderOptions, fps: u8) -> Result<Vec<u8>, QrError> {
    if frames.is_empty() || !(1..=MAX_FPS).contains(&fps) {
        return Err(QrError::InvalidOptions);
    }
    if !(1..=MAX_MODULE_PX).contains(&options.module_px) {
        return Err(QrError::InvalidOptions);
    }
    let px = options.module_px as usize;
    let margin = if options.quiet_zone {
        QUIET_ZONE_MODULES
    } else {
        0
    };
    let delay = u16::from(100 / fps).max(2);
    let codes = frames
        .iter()
        .map(|text| build(text, options.ecc))
        .collect::<Result<Vec<_>, _>>()?;
    let modules = codes.first().map_or(0, qrcode::QrCode::width);
    if codes.iter().any(|c| c.width() != modules) {
        return Err(QrError::InvalidOptions);
    }
    let side = (modules + 2 * margin) * px;
    let side16 = u16::try_from(side).map_err(|_| QrError::InvalidOptions)?;
    let mut out = Vec::new();
    {
        // Palette: index 0 white, index 1 black.
        let mut encoder = Encoder::new(&mut out, side16, side16, &[255, 255, 255, 0, 0, 0])
            .map_err(|_| QrError::Render)?;
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|_| QrError::Render)?;
        for code in &codes {
            let mut pixels = vec![0u8; side * side];
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color != Color::Dark {
                    continue;
                }
                let (mx, my) = (i % modules + margin, i / modules + margin);
                for dy in 0..px {
                    let start = (my * px + dy) * side + mx * px;
                    if let Some(run) = pixels.get_mut(start..start + px) {
                        run.fill(1);
                    }
                }
            }
            let mut frame = Frame::from_indexed_pixels(side16, side16, pixels, None);
            frame.delay = delay;
            encoder.write_frame(&frame).map_err(|_| QrError::Render)?;
        }
    }
    Ok(out)
}
