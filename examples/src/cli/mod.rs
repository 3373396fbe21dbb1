//! Command-line parsing, dispatch, errors and small shared helpers.

mod demo;
mod files;
mod frames;
mod issue;
mod keygen;
mod qr;
mod registry;
mod rp;
mod status;
mod trust;
mod verify;
mod wallet;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use liangzheng::ids::Date;
use liangzheng::time::UnixTime;

/// Exit code for a failed verification, batch line or demo expectation.
pub const EXIT_INVALID: u8 = 1;
/// Exit code for usage and input/output errors.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for an indeterminate verdict.
pub const EXIT_INDETERMINATE: u8 = 3;

/// 亮证 liangzheng: signed electronic licenses (电子证照) verified offline from a QR code.
#[derive(Debug, Parser)]
#[command(name = "lz", version, about = "亮证 liangzheng: signed electronic licenses (电子证照), verified offline from a QR code", long_about = None)]
#[command(
    after_help = "退出码 Exit codes: 0 成功/有效 success or valid; 1 无效 invalid (or a failed batch line / demo expectation); 2 用法或文件错误 usage or I/O error; 3 无法确定 indeterminate"
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// All subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成密钥 Generate an issuer key (Ed25519, PKCS#8 PEM) or a holder key.
    Keygen(keygen::Args),
    /// 签发证照 Issue one license, or a JSONL batch in parallel.
    Issue(issue::Args),
    /// 亮证 Present chosen fields of a license as QR text (the holder's wallet).
    Present(wallet::PresentArgs),
    /// 一照通 Present a business license and permits of the same subject as one bundle (animated code).
    Bundle(wallet::BundleArgs),
    /// 用证请求 Make a verifier request (授权用证) as QR text.
    Request(wallet::RequestArgs),
    /// 生成二维码 Render QR text as SVG, PNG or in the terminal.
    Qr(qr::Args),
    /// 核验 Verify a scanned QR (text, image, or a scanner gun on stdin).
    Verify(verify::Args),
    /// 信任列表 Manage and sign the trust list of issuers (root of trust).
    Trust(trust::Args),
    /// 状态列表 Manage and publish revocation / suspension status lists.
    Status(status::Args),
    /// 登记簿 The issuing authority's registry: issue with allocated status slots, revoke with reasons, publish.
    Registry(registry::Args),
    /// 核验方登记 Relying-party (verifier) registrations: register a verifier (root key), and a wallet's view of a request.
    Rp(rp::Args),
    /// 演示 The whole story with the public demo keys; exits 0 only if every expected outcome happened.
    Demo(demo::Args),
}

/// Parses the command line, runs it and maps the result to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(a) => keygen::run(a),
        Command::Issue(a) => issue::run(a),
        Command::Present(a) => wallet::present(a),
        Command::Bundle(a) => wallet::bundle(a),
        Command::Request(a) => wallet::request(a),
        Command::Qr(a) => qr::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Trust(a) => trust::run(a),
        Command::Status(a) => status::run(a),
        Command::Registry(a) => registry::run(a),
        Command::Rp(a) => rp::run(a),
        Command::Demo(a) => demo::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("lz: {e}");
            ExitCode::from(e.code)
        }
    }
}

/// What a command returns: an exit code, or an error to print.
pub type CliResult = Result<u8, CliError>;

/// An error shown to the user (one line), with its exit code.
#[derive(Debug)]
pub struct CliError {
    /// Message.
    pub message: String,
    /// Exit code.
    pub code: u8,
}

impl CliError {
    /// A usage / input error (exit code 2).
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Wraps any displayable error with what was being done.
pub fn ctx<E: fmt::Display>(what: impl fmt::Display) -> impl FnOnce(E) -> CliError {
    move |e| CliError::new(format!("{what}: {e}"))
}

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(ctx(format!("cannot read {}", path.display())))
}

/// Reads a whole UTF-8 file.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(ctx(format!("cannot read {}", path.display())))
}

/// Writes a file, creating its parent folder.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(ctx(format!("cannot create {}", parent.display())))?;
    }
    std::fs::write(path, bytes).map_err(ctx(format!("cannot write {}", path.display())))
}

/// Creates a folder (and its parents).
pub fn mkdir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(ctx(format!("cannot create {}", dir.display())))
}

/// Joins a folder and a file name.
pub fn join(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Parses a time: Unix seconds, or an ISO date `YYYY-MM-DD` (00:00 China Standard Time).
pub fn parse_time(s: &str) -> Result<UnixTime, String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map(UnixTime).map_err(|e| format!("{e}"));
    }
    Date::parse_iso(s)
        .map(UnixTime::from_cst_date)
        .map_err(|e| format!("not Unix seconds or YYYY-MM-DD: {e}"))
}

/// `--now` or the system clock.
pub fn now_or(t: Option<UnixTime>) -> UnixTime {
    t.unwrap_or_else(UnixTime::now)
}

/// A time as `YYYY-MM-DD` (China Standard Time) plus the Unix seconds.
pub fn show_time(t: UnixTime) -> String {
    format!("{} ({})", t.cst_date(), t.0)
}

/// Parses hex (either case).
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 == 1 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A license type by the name the help offers: a short name (`id`,
/// `business`, `health`), an id with or without its `cn.` prefix
/// (`cn.resident-id-card`, `resident-id-card`) or a type code.
pub fn license_type<'a>(
    registry: &'a liangzheng::schema::Registry,
    name: &str,
) -> Option<&'a liangzheng::schema::LicenseType> {
    let alias = match name {
        "id" | "id-card" | "身份证" => "cn.resident-id-card",
        "business" | "营业执照" => "cn.business-license",
        "health" | "健康证明" => "cn.health-certificate",
        other => other,
    };
    registry
        .get(alias)
        .or_else(|| registry.get(&format!("cn.{alias}")))
}

/// Splits a comma-separated list, dropping empty items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}
