//! `lz verify`: the counter. Also the counter view shared with `lz demo`.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::ValueEnum;
use liangzheng::lang::Localized as _;
use liangzheng::qr::decode_image;
use liangzheng::qr::frames::FrameAssembler;
use liangzheng::qr::QrKind;
use liangzheng::time::UnixTime;
use liangzheng::verify::{BundleReport, Outcome, Policy, Report, StatusPolicy, Verdict, Verifier};
use lz_examples::demo;

use super::files::{load_public_key, load_request, load_status_token, load_trust};
use super::frames::{self, FrameLine};
use super::{
    ctx, now_or, parse_time, read, show_time, CliError, CliResult, EXIT_INDETERMINATE, EXIT_INVALID,
};

/// When to colour the output.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `lz verify` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["text", "image", "stdin", "frames"])))]
#[command(group(clap::ArgGroup::new("trustsrc").required(true).args(["trust", "demo"])))]
pub struct Args {
    /// 二维码文本 Scanned QR text.
    #[arg(long)]
    pub text: Option<String>,
    /// 二维码图片 A PNG or JPEG photo of the QR code.
    #[arg(long)]
    pub image: Option<PathBuf>,
    /// 动态码 Frames of an animated code: PNG/JPEG images of single frames, or text files with one frame per line.
    #[arg(long, num_args = 1..)]
    pub frames: Vec<PathBuf>,
    /// 窗口模式 Counter mode: one scan per line (USB scanner gun), one result line each, until EOF.
    #[arg(long)]
    pub stdin: bool,
    /// 信任列表 Signed trust list (`lz trust sign`).
    #[arg(long, requires = "root_key")]
    pub trust: Option<PathBuf>,
    /// 根公钥 Pinned root public key (PEM) that signed the trust list.
    #[arg(long)]
    pub root_key: Option<PathBuf>,
    /// 演示 Use the built-in demo trust store (and demo status lists unless --status is given).
    #[arg(long)]
    pub demo: bool,
    /// 状态列表 Status list tokens (`lz status publish`), any number.
    #[arg(long, num_args = 1..)]
    pub status: Vec<PathBuf>,
    /// 用证请求 Expect an answer to this request (body file or QR text file).
    #[arg(long)]
    pub request: Option<PathBuf>,
    /// 核验时间 Verifier clock: Unix seconds or YYYY-MM-DD (default: now).
    #[arg(long, value_parser = parse_time)]
    pub now: Option<UnixTime>,
    /// 宽松 A missing status list does not make the verdict indeterminate (it is noted).
    #[arg(long)]
    pub lenient: bool,
    /// 要求本人亮证 Reject licenses not bound to a holder key.
    #[arg(long)]
    pub require_holder: bool,
    /// 显示完整值 Show sensitive values unmasked (authorised staff only).
    #[arg(long)]
    pub unmask: bool,
    /// Print the report as JSON (one line per scan with --stdin); sensitive values masked unless --unmask.
    #[arg(long)]
    pub json: bool,
    /// 照片输出 Write a disclosed portrait (JPEG, exactly as signed) to this file; with --stdin the line number is added to the name.
    #[arg(long)]
    pub portrait_out: Option<PathBuf>,
    /// 颜色 Colour the verdict: green valid, red invalid, yellow indeterminate.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// Builds the verifier and the policy from the arguments.
fn setup(a: &Args) -> Result<(Verifier, Policy), CliError> {
    let now = now_or(a.now);
    let trust = match (&a.trust, &a.root_key) {
        (Some(t), Some(r)) => load_trust(t, &load_public_key(r)?)?,
        // The demo trust store and the permit departments of the 一照通 demo.
        _ => demo::bundle_trust_store(),
    };
    let mut verifier = Verifier::new(trust);
    if a.demo && a.status.is_empty() {
        // Demo status lists, signed a minute before the verifier's clock.
        for token in demo::status_tokens(now.minus(60), 86_400)
            .into_iter()
            .chain(demo::bundle_status_tokens(now.minus(60), 86_400))
        {
            verifier
                .add_status_list(&token)
                .map_err(ctx("demo status list"))?;
        }
    }
    for path in &a.status {
        let bytes = load_status_token(path)?;
        if let Err(e) = verifier.add_status_list(&bytes) {
            // Remembered by the verifier: licenses it covers verify as indeterminate.
            eprintln!("warning 警告: {}: {e}", path.display());
        }
    }
    if let Some(r) = &a.request {
        verifier.expect_request(load_request(r)?);
    }
    let mut policy = Policy::at(now);
    if a.lenient {
        policy.status = StatusPolicy::Lenient;
    }
    policy.require_holder_binding = a.require_holder;
    Ok((verifier, policy))
}

/// Runs `lz verify`.
pub fn run(a: Args) -> CliResult {
    let (verifier, policy) = setup(&a)?;
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    if a.stdin {
        return counter_mode(
            &verifier,
            &policy,
            a.json,
            a.unmask,
            a.portrait_out.as_deref(),
        );
    }
    if !a.frames.is_empty() {
        let payload = frames::assemble_files(&a.frames)?;
        if payload.kind == QrKind::Bundle {
            let report = verifier.verify_bundle(&payload.body, &policy);
            return print_bundle(&report, a.json, color, a.unmask);
        }
        let report = verifier.verify_payload(&payload, &policy);
        write_portraits(&report, a.portrait_out.as_deref(), None)?;
        return print_report(&report, a.json, color, a.unmask);
    }
    let text = match (&a.text, &a.image) {
        (Some(t), _) => t.clone(),
        (None, Some(img)) => {
            decode_image(&read(img)?).map_err(ctx(format!("{}: no readable QR", img.display())))?
        }
        _ => return Err(CliError::new("give --text, --image or --stdin")),
    };
    let report = verifier.verify_text(&text, &policy);
    write_portraits(&report, a.portrait_out.as_deref(), None)?;
    print_report(&report, a.json, color, a.unmask)
}

/// Writes the disclosed portrait(s) of a report to `path` (`--portrait-out`):
/// the exact signed JPEG bytes, only from a report whose integrity checks
/// passed (the report holds no image otherwise). In counter mode the scan's
/// line number goes into the name (`portrait-3.jpg`); a second image of the
/// same report gets its field key (`portrait-3-photo2.jpg`).
fn write_portraits(
    report: &Report,
    path: Option<&std::path::Path>,
    line: Option<usize>,
) -> Result<Vec<PathBuf>, CliError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let mut written = Vec::new();
    for (i, img) in report.images.iter().enumerate() {
        let stem = path
            .file_stem()
            .map_or_else(|| "portrait".into(), |s| s.to_string_lossy().into_owned());
        let ext = path
            .extension()
            .map_or_else(|| "jpg".into(), |s| s.to_string_lossy().into_owned());
        let mut name = stem;
        if let Some(n) = line {
            name.push_str(&format!("-{n}"));
        }
        if i > 0 {
            name.push_str(&format!("-{}", img.key));
        }
        let out = path.with_file_name(format!("{name}.{ext}"));
        super::write(&out, &img.bytes)?;
        eprintln!(
            "照片 portrait {}×{} ({} bytes) → {}",
            img.width,
            img.height,
            img.bytes.len(),
            out.display()
        );
        written.push(out);
    }
    Ok(written)
}

fn print_report(report: &Report, json: bool, color: bool, unmask: bool) -> CliResult {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&masked(report, unmask)).map_err(ctx("JSON"))?
        );
    } else {
        print!("{}", counter_view(report, color, unmask));
    }
    Ok(exit_code(report))
}

fn print_bundle(report: &BundleReport, json: bool, color: bool, unmask: bool) -> CliResult {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&masked_bundle(report, unmask)).map_err(ctx("JSON"))?
        );
    } else {
        print!("{}", bundle_view(report, color));
    }
    Ok(match report.verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => EXIT_INVALID,
        Verdict::Indeterminate => EXIT_INDETERMINATE,
    })
}

/// [`masked`] applied to every member of a bundle report.
pub fn masked_bundle(report: &BundleReport, unmask: bool) -> BundleReport {
    let mut r = report.clone();
    for m in &mut r.members {
        m.report = masked(&m.report, unmask);
    }
    r
}

/// The counter view of a 一照通 bundle: overall verdict, subject, then one
/// line per member with its own verdict, type, issuer and first problem.
pub fn bundle_view(report: &BundleReport, color: bool) -> String {
    let rule = "━".repeat(60);
    let (big, code) = match report.verdict {
        Verdict::Valid => ("✔  一照通 有 效   BUNDLE VALID", "1;97;42"),
        Verdict::Invalid => ("✘  一照通 无 效   BUNDLE INVALID", "1;97;41"),
        Verdict::Indeterminate => ("?  一照通 无法确定   INDETERMINATE", "1;30;43"),
    };
    let mut s = format!(
        "{rule}
  {}
{rule}
",
        paint(&format!("  {big}  "), code, color)
    );
    s.push_str(&format!(
        "主体 Subject  {} {}
",
        report.subject_name.as_deref().unwrap_or("?"),
        report.subject_code.as_deref().unwrap_or("?")
    ));
    s.push_str(if report.holder_signed {
        "签名 Signed   持证人一次签名覆盖全部证照 / one holder signature over every member
"
    } else {
        "签名 Signed   静态一照通（无持证人签名）/ static bundle, no holder signature
"
    });
    for p in &report.problems {
        s.push_str(&format!(
            "问题 Problem  [{}] {}
",
            p.code(),
            p.bilingual()
        ));
    }
    s.push_str(&format!(
        "证照 Members ({})
",
        report.members.len()
    ));
    for m in &report.members {
        let mark = match m.verdict {
            Verdict::Valid => paint("✓", "32", color),
            Verdict::Invalid => paint("✗", "31", color),
            Verdict::Indeterminate => paint("?", "33", color),
        };
        let (ty, issuer) = m
            .report
            .license
            .as_ref()
            .map_or(("?".into(), "?".into()), |l| {
                (l.type_zh.clone(), l.issuer_zh.clone())
            });
        let number = m
            .report
            .fields
            .iter()
            .find(|f| f.key == "license_number")
            .map(|f| format!(" {}", f.display))
            .unwrap_or_default();
        let why = m
            .report
            .first_problem()
            .map(|(k, e)| format!(" — [{}: {}] {}", k.code(), e.code(), e.zh()))
            .unwrap_or_default();
        s.push_str(&format!(
            "  {mark} {:>2}. {ty}{number} · {issuer} · {}{why}\n",
            m.index + 1,
            m.verdict.zh()
        ));
    }
    s
}

/// Exit code for a verdict: 0 valid, 1 invalid, 3 indeterminate.
pub fn exit_code(report: &Report) -> u8 {
    match report.verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => EXIT_INVALID,
        Verdict::Indeterminate => EXIT_INDETERMINATE,
    }
}

/// Longest line kept from stdin: the largest valid QR text (4,296
/// characters, all ASCII), its `\r`, and one byte more so an over-long line
/// is still seen as too long. The rest of a longer line is read and dropped,
/// never stored.
const MAX_LINE_BYTES: usize = liangzheng::qr::MAX_QR_TEXT_LEN + 2;

/// Reads one line (without its `\n`) into `buf`, keeping at most `cap`
/// bytes. `Ok(false)` at end of input with nothing read.
fn read_capped_line(
    input: &mut dyn std::io::BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<bool> {
    buf.clear();
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any);
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..take.min(room)]);
        input.consume(if done { take + 1 } else { take });
        if done {
            return Ok(true);
        }
    }
}

/// A copy of the report with sensitive values replaced by their masked
/// display, unless `unmask` (for JSON output: the full value never leaves
/// the counter by default).
pub fn masked(report: &Report, unmask: bool) -> Report {
    let mut r = report.clone();
    if !unmask {
        for f in r.fields.iter_mut().filter(|f| f.sensitive) {
            f.value_zh = f.display.clone();
            f.value_en = f.display.clone();
        }
        // A portrait is biometric data: its bytes go only to --portrait-out
        // (the field list still describes it).
        r.images.clear();
    }
    r
}

/// One scan per line until EOF; exactly one result line per input line,
/// whatever it holds (empty, not UTF-8, megabytes of junk). A second scan of
/// an accepted presentation is reported as already verified. A frame of an
/// animated code gives a progress line until the code is assembled, then the
/// result line of the assembled presentation.
fn counter_mode(
    verifier: &Verifier,
    policy: &Policy,
    json: bool,
    unmask: bool,
    portrait_out: Option<&std::path::Path>,
) -> CliResult {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let mut n = 0usize;
    let mut assembler = FrameAssembler::new();
    let mut buf = Vec::with_capacity(MAX_LINE_BYTES);
    while read_capped_line(&mut input, &mut buf, MAX_LINE_BYTES).map_err(ctx("stdin"))? {
        n += 1;
        // A scanner gun ends each scan with Enter; Base45 contains spaces, so only \r is stripped.
        let line = String::from_utf8_lossy(&buf);
        let text = line.trim_end_matches('\r');
        // Not UTF-8 becomes U+FFFD, outside Base45: a typed malformed_qr
        // report, like an empty or over-long line.
        let report = if frames::is_frame(text) {
            match frames::counter_line(&mut assembler, text) {
                FrameLine::Progress(p) => {
                    let line = if json {
                        serde_json::json!({ "frame": p, "line": n }).to_string()
                    } else {
                        format!("#{n} {p}")
                    };
                    writeln!(out, "{line}").map_err(ctx("stdout"))?;
                    out.flush().map_err(ctx("stdout"))?;
                    continue;
                }
                FrameLine::Complete(payload) if payload.kind == QrKind::Bundle => {
                    let b = verifier.verify_bundle(&payload.body, policy);
                    let line = if json {
                        let mut v =
                            serde_json::to_value(masked_bundle(&b, unmask)).map_err(ctx("JSON"))?;
                        v["line"] = n.into();
                        serde_json::to_string(&v).map_err(ctx("JSON"))?
                    } else {
                        format!("#{n} {}", b.summary())
                    };
                    writeln!(out, "{line}").map_err(ctx("stdout"))?;
                    out.flush().map_err(ctx("stdout"))?;
                    continue;
                }
                FrameLine::Complete(payload) => verifier.verify_payload(&payload, policy),
            }
        } else {
            verifier.verify_scan(text, policy)
        };
        write_portraits(&report, portrait_out, Some(n))?;
        let result = if json {
            let mut v = serde_json::to_value(masked(&report, unmask)).map_err(ctx("JSON"))?;
            v["line"] = n.into();
            serde_json::to_string(&v).map_err(ctx("JSON"))?
        } else {
            let fields: Vec<String> = report
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        f.label_zh,
                        if unmask { &f.value_zh } else { &f.display }
                    )
                })
                .collect();
            let mut s = format!("#{n} {}", report.summary());
            if !fields.is_empty() {
                s.push_str(" — ");
                s.push_str(&fields.join("，"));
            }
            s
        };
        writeln!(out, "{result}").map_err(ctx("stdout"))?;
        out.flush().map_err(ctx("stdout"))?;
    }
    Ok(0)
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[{code}m{s}\u{1b}[0m")
    } else {
        s.to_string()
    }
}

/// The counter view: the verdict in big words, the reason, license facts,
/// disclosed fields (sensitive ones masked unless `unmask`) and every check.
pub fn counter_view(report: &Report, color: bool, unmask: bool) -> String {
    let rule = "━".repeat(60);
    let (big, code) = match report.verdict {
        Verdict::Valid => ("✔  有 效   VALID", "1;97;42"),
        Verdict::Invalid => ("✘  无 效   INVALID", "1;97;41"),
        Verdict::Indeterminate => ("?  无法确定   INDETERMINATE", "1;30;43"),
    };
    let mut s = String::new();
    s.push_str(&rule);
    s.push('\n');
    s.push_str(&format!(
        "  {}\n",
        paint(&format!("  {big}  "), code, color)
    ));
    s.push_str(&rule);
    s.push('\n');
    if let Some((kind, e)) = report.first_problem() {
        s.push_str(&format!(
            "原因 Reason   [{}] {}\n              {}\n",
            kind.code(),
            e.zh(),
            e.en()
        ));
    }
    if let Some(l) = &report.license {
        match &l.view {
            Some(v) => s.push_str(&format!(
                "证照 License  {} {} · {v}\n",
                l.type_zh, l.type_en
            )),
            None => s.push_str(&format!("证照 License  {} {}\n", l.type_zh, l.type_en)),
        }
        s.push_str(&format!(
            "颁发 Issuer   {} / {} ({})\n",
            l.issuer_zh, l.issuer_en, l.issuer_code
        ));
        let until = l.valid_until.map_or("长期 long-term".to_string(), |t| {
            UnixTime(t).minus(1).cst_date().to_string()
        });
        s.push_str(&format!(
            "有效期 Valid  {} → {until}   签发 issued {}\n",
            UnixTime(l.valid_from).cst_date(),
            show_time(UnixTime(l.issued_at))
        ));
        s.push_str(&format!("密钥 Key id   {}\n", l.key_id));
        s.push_str(if l.holder_bound {
            "持证人 Holder 本人亮证（持证人手机密钥签名）/ shown by the holder (phone key signature)\n"
        } else {
            "持证人 Holder 静态亮证，未绑定持证人 / static display, not bound to a holder\n"
        });
    }
    if !report.fields.is_empty() {
        s.push_str("字段 Fields\n");
        for f in &report.fields {
            let value = if unmask { &f.value_zh } else { &f.display };
            let mark = if f.sensitive && !unmask && f.display != f.value_zh {
                " (已遮蔽 masked)"
            } else {
                ""
            };
            s.push_str(&format!("  {} {}: {value}{mark}\n", f.label_zh, f.label_en));
        }
    }
    s.push_str("检查 Checks\n");
    for c in &report.checks {
        let line = match &c.outcome {
            Outcome::Passed => format!(
                "  {} {} / {}",
                paint("✓", "32", color),
                c.kind.zh(),
                c.kind.en()
            ),
            Outcome::Failed(e) => format!(
                "  {} {} / {} — {}",
                paint("✗", "31", color),
                c.kind.zh(),
                c.kind.en(),
                paint(&e.bilingual(), "31", color)
            ),
            Outcome::Indeterminate(e) => format!(
                "  {} {} / {} — {}",
                paint("?", "33", color),
                c.kind.zh(),
                c.kind.en(),
                paint(&e.bilingual(), "33", color)
            ),
            Outcome::NotApplicable => format!("  – {} / {} (不适用 n/a)", c.kind.zh(), c.kind.en()),
            Outcome::Skipped => format!("  · {} / {} (未执行 skipped)", c.kind.zh(), c.kind.en()),
        };
        s.push_str(&line);
        s.push('\n');
    }
    if !report.findings.is_empty() {
        s.push_str("说明 Notes\n");
        for f in &report.findings {
            s.push_str(&format!("  · {}\n", f.bilingual()));
        }
    }
    s
}
