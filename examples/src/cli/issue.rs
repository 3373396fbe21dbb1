//! `lz issue`: one license, or a JSONL batch on all cores.
//!
//! A batch line is either a claims object (as for `--claims`) or
//! `{"claims": {…}, "holder_key": "ed25519:…"}` to bind that license to a
//! holder key. The output folder gets `results.jsonl`: exactly one line per
//! input line, in input order, `{"line": n, "ok": true, "license_number": …,
//! "license": "<base64url>"}` or `{"line": n, "ok": false, "error": "…"}`.
//! Blank lines are reported as errors too: nothing is skipped silently.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use liangzheng::b64;
use liangzheng::credential::{Claims, Issuer};
use liangzheng::ids::Uscc;
use liangzheng::keys::IssuerSigner;
use liangzheng::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use super::files::{load_issuer_key, parse_holder_key, parse_holder_key_text, save_license};
use super::{
    ctx, join, mkdir, now_or, parse_time, read_text, write, CliError, CliResult, EXIT_INVALID,
};

/// `lz issue` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["claims", "batch"])))]
pub struct Args {
    /// 发证机关私钥 Issuer private key (PKCS#8 PEM).
    #[arg(long)]
    pub key: PathBuf,
    /// 颁发机构名称 Issuing authority's name.
    #[arg(long)]
    pub issuer_name: String,
    /// 颁发机构统一社会信用代码 Issuing authority's USCC.
    #[arg(long)]
    pub issuer_code: String,
    /// 证照信息 Claims JSON file (one license).
    #[arg(long, requires = "out")]
    pub claims: Option<PathBuf>,
    /// 批量签发 JSONL file, one claims object per line.
    #[arg(long, requires = "out_dir")]
    pub batch: Option<PathBuf>,
    /// 持证人公钥 Holder public key (ed25519:/p256: + hex or base64url) or a holder key file.
    #[arg(long, conflicts_with = "batch")]
    pub holder_key: Option<String>,
    /// 输出 License file (base64url text of the license CBOR).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 输出目录 Batch output folder (gets results.jsonl).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// 签发时间 Issue time: Unix seconds or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
}

/// One line of `results.jsonl`.
#[derive(Debug, Serialize)]
struct LineResult {
    line: usize,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `lz issue`.
pub fn run(a: Args) -> CliResult {
    let key = load_issuer_key(&a.key)?;
    let code = Uscc::parse(&a.issuer_code).map_err(ctx("--issuer-code"))?;
    let issuer = Issuer::new(key.clone(), &a.issuer_name, code);
    let now = now_or(a.now);
    if let (Some(claims), Some(out)) = (&a.claims, &a.out) {
        let claims: Claims = serde_json::from_str(&read_text(claims)?)
            .map_err(ctx(format!("{}", claims.display())))?;
        let holder = a.holder_key.as_deref().map(parse_holder_key).transpose()?;
        let license = issuer
            .issue(&claims, holder.as_ref(), now)
            .map_err(ctx("cannot issue 无法签发"))?;
        save_license(out, &license)?;
        println!(
            "issued 已签发 {} ({} bytes, holder-bound 绑定持证人: {}) → {}",
            claims.license_number,
            license.credential.len(),
            if holder.is_some() {
                "yes 是"
            } else {
                "no 否"
            },
            out.display()
        );
        println!("kid: {}", key.key_id().to_hex());
        return Ok(0);
    }
    match (&a.batch, &a.out_dir) {
        (Some(batch), Some(dir)) => batch_issue(&issuer, &read_text(batch)?, dir, now),
        _ => Err(CliError::new(
            "give --claims with --out, or --batch with --out-dir",
        )),
    }
}

/// A batch line in the usual `{"claims": …, "holder_key": "…"}` form, parsed in one pass.
#[derive(serde::Deserialize)]
struct BatchLine {
    claims: Claims,
    #[serde(default)]
    holder_key: Option<String>,
}

fn issue_line(
    issuer: &Issuer,
    line: &str,
    now: UnixTime,
    rng: &mut ChaCha20Rng,
) -> Result<(String, String), String> {
    if line.trim().is_empty() {
        return Err("empty line 空行".into());
    }
    // One pass into the typed line; anything else (a bare claims object, a bad
    // line) goes the slow way through a JSON value for the precise error.
    let (claims, holder) = match serde_json::from_str::<BatchLine>(line) {
        Ok(l) => (l.claims, l.holder_key),
        Err(_) => parse_line_slowly(line)?,
    };
    let holder = holder
        .as_deref()
        .map(|s| parse_holder_key_text(s).map_err(|e| e.message))
        .transpose()?;
    let license = issuer
        .issue_with_rng(&claims, holder.as_ref(), now, rng)
        .map_err(|e| e.to_string())?;
    Ok((claims.license_number, b64::encode(&license.to_bytes())))
}

fn parse_line_slowly(line: &str) -> Result<(Claims, Option<String>), String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let (claims_v, holder) = match v.get("claims") {
        Some(c) => {
            let holder = match v.get("holder_key") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(_) => return Err("holder_key must be a string".into()),
            };
            (c.clone(), holder)
        }
        None => (v, None),
    };
    let claims: Claims =
        serde_json::from_value(claims_v).map_err(|e| format!("bad claims: {e}"))?;
    Ok((claims, holder))
}

fn batch_issue(issuer: &Issuer, text: &str, dir: &std::path::Path, now: UnixTime) -> CliResult {
    mkdir(dir)?;
    let lines: Vec<&str> = text.lines().collect();
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(lines.len() as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} 签发 issuing [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let started = Instant::now();
    // Each worker draws salts and decoys from its own ChaCha20 generator seeded
    // from the OS (one getrandom per worker split, not one per 16-byte salt), and
    // serialises its result lines itself: only the concatenation is serial.
    let results: Vec<(String, Option<(usize, String)>)> = lines
        .par_iter()
        .enumerate()
        .map_init(
            || ChaCha20Rng::from_rng(OsRng),
            |rng, (i, line)| {
                let r = match rng.as_mut() {
                    Ok(rng) => issue_line(issuer, line, now, rng),
                    Err(e) => Err(format!("系统随机数不可用 OS random number generator: {e}")),
                };
                bar.inc(1);
                let result = match r {
                    Ok((number, license)) => LineResult {
                        line: i + 1,
                        ok: true,
                        license_number: Some(number),
                        license: Some(license),
                        error: None,
                    },
                    Err(e) => LineResult {
                        line: i + 1,
                        ok: false,
                        license_number: None,
                        license: None,
                        error: Some(e),
                    },
                };
                let failed = result.error.clone().map(|e| (result.line, e));
                let json = serde_json::to_string(&result).map_err(ctx("JSON"));
                json.map(|j| (j, failed))
            },
        )
        .collect::<Result<_, CliError>>()?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let mut out = String::with_capacity(results.iter().map(|(j, _)| j.len() + 1).sum());
    for (json, _) in &results {
        out.push_str(json);
        out.push('\n');
    }
    let path = join(dir, "results.jsonl");
    write(&path, out)?;
    let failed: Vec<&(usize, String)> = results.iter().filter_map(|(_, f)| f.as_ref()).collect();
    for (line, error) in &failed {
        eprintln!("line {line} 第{line}行: {error}");
    }
    let issued = results.len() - failed.len();
    eprintln!(
        "issued 已签发 {issued}, failed 失败 {}, {:.2} s, {:.0}/s → {}",
        failed.len(),
        elapsed,
        issued as f64 / elapsed.max(1e-9),
        path.display()
    );
    Ok(if failed.is_empty() { 0 } else { EXIT_INVALID })
}
