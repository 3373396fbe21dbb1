//! `lz qr`: render QR text as SVG, PNG or terminal art.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use clap::ValueEnum;
use liangzheng::qr::{qr_version, render_png, render_svg, render_terminal, Ecc, RenderOptions};

use super::{ctx, write, CliError, CliResult};

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// SVG document.
    Svg,
    /// PNG image (needs --out, or a redirected stdout).
    Png,
    /// Half-block characters for the terminal.
    Terminal,
}

/// Error-correction levels.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EccArg {
    /// ~7%.
    L,
    /// ~15% (default).
    M,
    /// ~25%.
    Q,
    /// ~30%.
    H,
}

impl From<EccArg> for Ecc {
    fn from(e: EccArg) -> Ecc {
        match e {
            EccArg::L => Ecc::L,
            EccArg::M => Ecc::M,
            EccArg::Q => Ecc::Q,
            EccArg::H => Ecc::H,
        }
    }
}

/// `lz qr` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["text", "stdin"])))]
pub struct Args {
    /// 二维码文本 The QR text (LZ1P:… or LZ1R:…).
    #[arg(long)]
    pub text: Option<String>,
    /// Read the text from standard input (first line).
    #[arg(long)]
    pub stdin: bool,
    /// 格式 Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: Format,
    /// 输出文件 Output file (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 纠错等级 Error correction level.
    #[arg(long, value_enum, default_value = "m")]
    pub ecc: EccArg,
    /// 模块像素 Pixels per module (SVG/PNG).
    #[arg(long, default_value_t = 8)]
    pub module_px: u32,
}

/// Runs `lz qr`.
pub fn run(a: Args) -> CliResult {
    let text = match a.text {
        Some(t) => t,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(ctx("stdin"))?;
            s.lines().next().unwrap_or_default().to_string()
        }
    };
    let text = text.trim_end_matches(['\r', '\n']);
    let ecc = Ecc::from(a.ecc);
    let version = qr_version(text, ecc).map_err(ctx("QR"))?;
    let options = RenderOptions {
        ecc,
        module_px: a.module_px,
        ..RenderOptions::default()
    };
    let bytes: Vec<u8> = match a.format {
        Format::Svg => render_svg(text, &options).map_err(ctx("QR"))?.into_bytes(),
        Format::Png => render_png(text, &options).map_err(ctx("QR"))?,
        Format::Terminal => render_terminal(text, ecc).map_err(ctx("QR"))?.into_bytes(),
    };
    eprintln!(
        "QR version 版本 {version}, ECC {ecc:?}, {} characters 字符",
        text.len()
    );
    match &a.out {
        Some(path) => write(path, &bytes)?,
        None => {
            if matches!(a.format, Format::Png)
                && std::io::IsTerminal::is_terminal(&std::io::stdout())
            {
                return Err(CliError::new(
                    "PNG is binary: give --out FILE or redirect stdout",
                ));
            }
            std::io::stdout().write_all(&bytes).map_err(ctx("stdout"))?;
        }
    }
    Ok(0)
}
