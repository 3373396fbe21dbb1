//! Animated multi-frame codes in the CLI: `lz present` writes them when a
//! presentation is too large for one symbol; `lz verify` assembles them from
//! files or from scanner lines.

use std::path::{Path, PathBuf};

use liangzheng::qr::frames::{
    encode_frames, needs_frames, render_gif, FrameAssembler, FrameOptions, FrameStatus,
    RECOMMENDED_FPS,
};
use liangzheng::qr::{
    encode_text, render_png, Ecc, QrKind, QrPayload, RenderOptions, MAX_QR_TEXT_LEN,
};

use super::{ctx, read, write, CliError};

/// A single-symbol text needing a QR version above this (at ECC M) is sent
/// as frames: today's largest presentations (all fields, zlib) need 24.
pub const MAX_SINGLE_VERSION: u8 = 25;

/// Where `lz present` puts an animated code.
#[derive(Debug, Default, clap::Args)]
pub struct OutputArgs {
    /// 动态码 GIF Write the animated code (multi-frame presentations) as a looping GIF.
    #[arg(long)]
    pub gif: Option<PathBuf>,
    /// 动态码帧目录 Write each frame of the animated code as DIR/frame-NNN.png.
    #[arg(long)]
    pub frames_dir: Option<PathBuf>,
    /// 强制动态码 Send as an animated multi-frame code even if one symbol would do.
    #[arg(long)]
    pub animated: bool,
}

/// Prints the QR text of `body`, or its frames (one per line) when it is too
/// large for one symbol (a portrait, a bundle); writes the GIF / PNG frames
/// asked for.
pub fn emit(kind: QrKind, body: &[u8], out: &OutputArgs) -> Result<(), CliError> {
    let text = encode_text(kind, body);
    let too_large = text.len() > MAX_QR_TEXT_LEN
        || needs_frames(&text, Ecc::M, MAX_SINGLE_VERSION).map_err(ctx("QR"))?;
    if !too_large && !out.animated {
        println!("{text}");
        return Ok(());
    }
    let frames =
        encode_frames(kind, body, &FrameOptions::default()).map_err(ctx("动态码 frames"))?;
    eprintln!(
        "动态码 animated code: {} frames per loop, show at {RECOMMENDED_FPS} frames/s",
        frames.len()
    );
    let options = RenderOptions {
        module_px: 6,
        ..RenderOptions::default()
    };
    if let Some(path) = &out.gif {
        let gif = render_gif(&frames, &options, RECOMMENDED_FPS).map_err(ctx("GIF"))?;
        write(path, &gif)?;
    }
    if let Some(dir) = &out.frames_dir {
        std::fs::create_dir_all(dir).map_err(ctx(dir.display().to_string()))?;
        for (i, frame) in frames.iter().enumerate() {
            let png = render_png(frame, &options).map_err(ctx("PNG"))?;
            write(&dir.join(format!("frame-{i:03}.png")), &png)?;
        }
    }
    for frame in &frames {
        println!("{frame}");
    }
    Ok(())
}

/// Whether a scanned text is a frame of an animated code.
pub fn is_frame(text: &str) -> bool {
    let head = text.get(..5).unwrap_or(text);
    head.eq_ignore_ascii_case("LZ1F:")
}

/// What one scanner line that is a frame gave.
pub enum FrameLine {
    /// Not complete yet: a progress line to print.
    Progress(String),
    /// The presentation body is assembled: verify it.
    Complete(QrPayload),
}

/// Feeds one frame line to the counter's assembler.
pub fn counter_line(assembler: &mut FrameAssembler, text: &str) -> FrameLine {
    match assembler.push(text) {
        Ok(FrameStatus::Complete(payload)) => FrameLine::Complete(payload),
        Ok(FrameStatus::Accepted(p)) => FrameLine::Progress(format!(
            "动态码 frame {}/{} ({}%)",
            p.frames_seen, p.frames_needed, p.percent
        )),
        Ok(FrameStatus::Duplicate(p)) => FrameLine::Progress(format!(
            "动态码 frame repeated {}/{} ({}%)",
            p.frames_seen, p.frames_needed, p.percent
        )),
        Ok(FrameStatus::OtherCode(_)) => {
            FrameLine::Progress("动态码 frame of another code, ignored 非当前动态码，已忽略".into())
        }
        Ok(FrameStatus::AlreadyComplete) => {
            FrameLine::Progress("动态码 already verified 已核验".into())
        }
        Ok(_) => FrameLine::Progress("动态码 frame".into()),
        Err(e) => FrameLine::Progress(format!("动态码帧无效 bad frame: {e}")),
    }
}

/// Assembles a presentation from frame files: PNG/JPEG images of single
/// frames, or text files with one frame per line.
pub fn assemble_files(paths: &[PathBuf]) -> Result<QrPayload, CliError> {
    let mut assembler = FrameAssembler::new();
    for path in paths {
        for text in frame_texts(path)? {
            match assembler.push(&text) {
                Ok(FrameStatus::Complete(payload)) => return Ok(payload),
                Ok(_) => {}
                Err(e) => eprintln!("{}: {e}", path.display()),
            }
        }
    }
    let progress = assembler
        .progress()
        .map(|p| {
            format!(
                "{}/{} frames ({}%)",
                p.frames_seen, p.frames_needed, p.percent
            )
        })
        .unwrap_or_else(|| "no valid frame".into());
    Err(CliError::new(format!(
        "动态码不完整 the animated code is incomplete: {progress}"
    )))
}

fn frame_texts(path: &Path) -> Result<Vec<String>, CliError> {
    let bytes = read(path)?;
    if bytes.starts_with(b"\x89PNG") || bytes.starts_with(&[0xff, 0xd8]) {
        let text = liangzheng::qr::decode_image(&bytes)
            .map_err(ctx(format!("{}: no readable QR", path.display())))?;
        return Ok(vec![text]);
    }
    let text = String::from_utf8(bytes).map_err(ctx(path.display().to_string()))?;
    Ok(text
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .filter(|l| !l.trim().is_empty())
        .collect())
}
