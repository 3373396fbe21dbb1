//! `lz demo`: the whole story with the public demo keys, checking every expected outcome.
//!
//! Issue three license types, sign the trust list and status lists, present
//! chosen fields from the holders' wallets, render QR PNGs and scan them back,
//! verify at the counter, then show that each attack is rejected for its own
//! reason, and finish with a 授权用证 exchange. Exits 0 only if every outcome
//! was the expected one, so running the demo is itself a check.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use liangzheng::b64;
use liangzheng::credential::IssuedLicense;
use liangzheng::holder::DeviceSigner;
use liangzheng::keys::IssuerSigner;
use liangzheng::lang::Localized as _;
use liangzheng::presentation::Presentation;
use liangzheng::qr::{
    decode_image, decode_text, encode_text, qr_version, render_png, Ecc, QrKind, RenderOptions,
};
use liangzheng::request::{ReceivedRequest, Request};
use liangzheng::schema::Registry;
use liangzheng::status::{list_uri, StatusToken};
use liangzheng::time::UnixTime;
use liangzheng::verify::{Policy, Report, Verdict, Verifier};
use liangzheng::wallet::Wallet;
use lz_examples::demo::{self, AUTHORITIES};

use super::files::{
    load_status_token, load_trust, save, save_license, HolderKeyFile, StatusListFile,
    StatusTokenFile, TrustSigned, HOLDER_KEY_FORMAT, STATUS_TOKEN_FORMAT, VERSION,
};
use super::verify::{counter_view, ColorChoice};
use super::{ctx, join, mkdir, parse_time, show_time, write, CliError, CliResult, EXIT_INVALID};

/// `lz demo` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 输出目录 Output folder for licenses, trust list, status lists and QR PNGs.
    #[arg(long, default_value = "out/demo")]
    pub out: PathBuf,
    /// 演示时间 The demo's "now": Unix seconds or YYYY-MM-DD (default 2026-11-23 09:00 CST).
    #[arg(long, value_parser = parse_time)]
    pub seed_now: Option<UnixTime>,
    /// 颜色 Colour the verdicts.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

/// How long after the presentation the screenshot is replayed: past the 60 s
/// lifetime plus the verifier's default 30 s clock-skew allowance.
const REPLAY_AFTER_SECS: u64 = 120;

/// What an outcome should be.
enum Expect {
    Valid,
    Error(&'static str),
}

/// The expectations and how they turned out.
#[derive(Default)]
struct Tally {
    results: Vec<(String, bool)>,
}

impl Tally {
    fn check(&mut self, what: &str, ok: bool, detail: &str) {
        println!(
            "  {} {what}{detail}",
            if ok {
                "✓ 符合预期 as expected:"
            } else {
                "✗ 不符合预期 UNEXPECTED:"
            }
        );
        self.results.push((what.to_string(), ok));
    }

    fn report(&mut self, what: &str, report: &Report, expect: Expect) {
        let got = report.first_problem().map(|(_, e)| e.code());
        let ok = match expect {
            Expect::Valid => report.verdict == Verdict::Valid,
            Expect::Error(code) => report.verdict != Verdict::Valid && got == Some(code),
        };
        let detail = match report.first_problem() {
            None => format!(" → {} / {}", report.verdict.zh(), report.verdict.en()),
            Some((kind, e)) => format!(
                " → {} [{}: {}] {}",
                report.verdict.zh(),
                kind.code(),
                e.code(),
                e.bilingual()
            ),
        };
        self.check(what, ok, &detail);
    }
}

fn section(title: &str) {
    println!("\n══ {title} ══");
}

/// Runs `lz demo`.
pub fn run(a: Args) -> CliResult {
    let started = Instant::now();
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let out = a.out.as_path();
    mkdir(out)?;
    let now = a.seed_now.unwrap_or(demo::DEMO_NOW);
    let mut tally = Tally::default();
    println!(
        "亮证 liangzheng demo — now 现在 {} · output 输出 {}",
        show_time(now),
        out.display()
    );

    // ------------------------------------------------------------------ issue
    section("1 签发 Issue (demo keys: public, never for real use)");
    let [police, market, cdc, clinic] = &AUTHORITIES;
    let zhang = demo::holder_ed25519("张三的手机");
    let wang = demo::holder_p256("王小红的手机");
    let issued_at = now.minus(3600);
    let issue = |a: &demo::Authority, claims, holder: Option<&dyn DeviceSigner>, label: &str| {
        demo::issuer(a)
            .issue_with_rng(
                &claims,
                holder.map(|h| h.public_key()).as_ref(),
                issued_at,
                &mut demo::rng(label),
            )
            .map_err(ctx(format!("issue {label}")))
    };
    let id_card = issue(
        police,
        demo::id_card_claims(),
        Some(zhang.as_ref()),
        "demo: id card",
    )?;
    let old_card = issue(
        police,
        demo::revoked_id_card_claims(),
        Some(zhang.as_ref()),
        "demo: revoked id card",
    )?;
    let business = issue(
        market,
        demo::business_claims(),
        None,
        "demo: business license",
    )?;
    let health = issue(
        cdc,
        demo::health_claims(),
        Some(wang.as_ref()),
        "demo: health certificate",
    )?;
    // The clinic may issue health certificates only; here it issues an ID card anyway.
    let rogue = issue(
        clinic,
        demo::id_card_claims(),
        Some(zhang.as_ref()),
        "demo: rogue id card",
    )?;
    let licenses: [(&str, &IssuedLicense, &demo::Authority, &str); 5] = [
        (
            "id-card",
            &id_card,
            police,
            "居民身份证 张三 (holder-bound, Ed25519 phone key)",
        ),
        (
            "id-card-old",
            &old_card,
            police,
            "居民身份证 张三, previous card (revoked: 挂失)",
        ),
        (
            "business",
            &business,
            market,
            "营业执照 杭州示例科技有限公司 (no holder key: static display)",
        ),
        (
            "health",
            &health,
            cdc,
            "健康证明 王小红 (holder-bound, P-256 phone key)",
        ),
        (
            "rogue-id-card",
            &rogue,
            clinic,
            "居民身份证 issued by 某区卫生院, which may not issue ID cards",
        ),
    ];
    for (file, license, authority, what) in &licenses {
        save_license(&join(out, &format!("{file}.lz")), license)?;
        println!(
            "  {what}\n    by 由 {} · credential {} B, {} disclosures, {} issuer-signed views → {file}.lz",
            authority.name_zh,
            license.credential.len(),
            license.disclosures.len(),
            license.views.len()
        );
    }
    save(
        &join(out, "zhangsan.key.json"),
        &HolderKeyFile {
            format: HOLDER_KEY_FORMAT.into(),
            version: VERSION,
            alg: "ed25519".into(),
            seed: b64::encode(zhang.to_seed().as_ref()),
        },
    )?;

    // ------------------------------------------------------- trust and status
    section("2 信任列表与状态列表 Trust list and status lists");
    let root = demo::root_key();
    let trust_bytes = demo::trust_store()
        .sign(root.as_ref())
        .map_err(ctx("sign trust list"))?;
    let trust_path = join(out, "trust.signed.json");
    save(&trust_path, &TrustSigned::new(&trust_bytes))?;
    write(&join(out, "root.pub.pem"), root.public_key_pem())?;
    // The counter reads the list back from the file and checks it against the pinned root key.
    let store = load_trust(&trust_path, &root.public_key())?;
    println!(
        "  trust list 信任列表: {} issuers, signed by root kid {}, expires {} → trust.signed.json",
        store.issuers.len(),
        root.key_id().to_hex(),
        store
            .expires
            .map_or("never".into(), |e| e.cst_date().to_string())
    );
    let mut verifier = Verifier::new(store);
    let status_at = now.minus(600);
    let mut status_files = Vec::new();
    for (authority, list_id, list) in demo::status_lists() {
        let key = demo::issuer_key(authority.label);
        let uri = list_uri(authority.code, list_id);
        let token = StatusToken::sign(&list, &uri, status_at, Some(86_400), None, key.as_ref())
            .map_err(ctx("status"))?;
        let name = format!("status-{}-{list_id}.json", authority.code);
        let path = join(out, &name);
        save(
            &join(
                out,
                &format!("status-{}-{list_id}.list.json", authority.code),
            ),
            &StatusListFile::new(list_id, demo::STATUS_LIST_SIZE as u64, &list),
        )?;
        save(
            &path,
            &StatusTokenFile {
                format: STATUS_TOKEN_FORMAT.into(),
                version: VERSION,
                uri: uri.clone(),
                issued_at: status_at.0,
                ttl: Some(86_400),
                cose: b64::encode(&token),
            },
        )?;
        verifier
            .add_status_list(&load_status_token(&path)?)
            .map_err(ctx(format!("status list {uri}")))?;
        println!(
            "  status list 状态列表 {uri}: {} B, ttl 1 day → {name}",
            token.len()
        );
        status_files.push(name);
    }

    // ---------------------------------------------------------------- present
    section("3 亮证 Present: the holder chooses the fields; QR PNGs are rendered and scanned back");
    let mut zhang_wallet = Wallet::new(zhang.clone());
    let i_id = zhang_wallet.add(id_card.clone()).map_err(ctx("wallet"))?;
    let i_old = zhang_wallet.add(old_card).map_err(ctx("wallet"))?;
    let i_rogue = zhang_wallet.add(rogue).map_err(ctx("wallet"))?;
    let mut wang_wallet = Wallet::new(wang);
    let i_health = wang_wallet.add(health).map_err(ctx("wallet"))?;
    // A business license is not holder-bound: any device can display it (the key is never used).
    let mut shop_screen = Wallet::new(demo::holder_ed25519("营业执照展示屏"));
    let i_biz = shop_screen.add(business).map_err(ctx("wallet"))?;

    let shown = [
        (
            "id-card",
            zhang_wallet.present(i_id, &["name", "id_number"], now),
            "居民身份证 · name + id_number (身份核验 view)",
        ),
        (
            "business",
            shop_screen.present(i_biz, &["uscc", "name", "legal_rep"], now),
            "营业执照 · uscc + name + legal_rep (static)",
        ),
        (
            "health",
            wang_wallet.present(i_health, &["name", "category"], now),
            "健康证明 · name + category (上岗核验 view)",
        ),
    ];
    let mut scanned = Vec::new();
    for (file, text, what) in shown {
        let text = text.map_err(ctx(format!("present {file}")))?;
        let png = render_png(
            &text,
            &RenderOptions {
                module_px: 4,
                ..RenderOptions::default()
            },
        )
        .map_err(ctx("QR"))?;
        write(&join(out, &format!("{file}.png")), &png)?;
        let back = decode_image(&png).map_err(ctx(format!("scan {file}.png")))?;
        let body = decode_text(&text).map_err(ctx("QR text"))?.body.len();
        println!(
            "  {what}\n    {} B body, {} QR chars, version {} at ECC M → {file}.png",
            body,
            text.len(),
            qr_version(&text, Ecc::M).map_err(ctx("QR"))?
        );
        tally.check(&format!("scan {file}.png back 扫码还原"), back == text, "");
        scanned.push((file, back));
    }

    // ----------------------------------------------------------------- verify
    section("4 核验 Verify at the counter (5 s later)");
    let counter = Policy::at(now.plus(5));
    for (file, text) in &scanned {
        let report = verifier.verify_text(text, &counter);
        println!("\n[{file}.png]");
        print!("{}", counter_view(&report, color, false));
        tally.report(&format!("{file}: valid 有效"), &report, Expect::Valid);
    }

    // -------------------------------------------------------------- failures
    section("5 应当拒绝 Must be rejected, each for its own reason");
    let id_text = &scanned[0].1;
    let replay = verifier.verify_text(id_text, &Policy::at(now.plus(REPLAY_AFTER_SECS)));
    tally.report(
        &format!("截图重放 screenshot replayed {REPLAY_AFTER_SECS} s later"),
        &replay,
        Expect::Error("stale"),
    );

    let tampered = tamper(id_text, b"370102199003070016")?;
    let r = verifier.verify_text(&tampered, &counter);
    tally.report(
        "篡改字段 one byte of the ID number changed",
        &r,
        Expect::Error("disclosure_not_signed"),
    );

    let swapped = swap_disclosure(id_text, &id_card)?;
    let r = verifier.verify_text(&swapped, &counter);
    tally.report(
        "调换字段 a disclosure swapped for another salt's",
        &r,
        Expect::Error("disclosure_not_signed"),
    );

    let bank = demo::verifier_key();
    let registry = Registry::builtin();
    let ty = registry
        .get(demo::ID_CARD)
        .ok_or_else(|| CliError::new("ID card type"))?;
    let ids: Vec<u32> = ["name", "id_number"]
        .iter()
        .filter_map(|k| ty.field(k).map(|f| f.id))
        .collect();
    // The root registers the bank (核验方登记): its requests show as verified in wallets.
    let bank_registration = liangzheng::registration::Registration {
        verifier_id: "91370100MA3C0KTJ2X".into(),
        name_zh: "示例银行济南泉城路支行".into(),
        name_en: "Example Bank, Jinan Quancheng Road Branch".into(),
        grants: vec![liangzheng::registration::Grant {
            type_code: demo::ID_CARD.into(),
            fields: ids.clone(),
        }],
        not_before: now.minus(30 * 86_400).0,
        not_after: now.plus(335 * 86_400).0,
        public_key: bank.public_key(),
        issued_at: now.minus(30 * 86_400).0,
    }
    .sign(demo::root_key().as_ref())
    .map_err(ctx("registration"))?;
    zhang_wallet.set_request_root(Some(demo::root_key().public_key()));
    let make_request = |label: &str| -> Result<ReceivedRequest, CliError> {
        let ids = ids.clone();
        let req = Request::new(
            "91370100MA3C0KTJ2X",
            "示例银行济南泉城路支行",
            "开立银行账户：实名核验",
            demo::ID_CARD,
            ids,
            now.minus(20),
            &mut demo::rng(label),
        )
        .map_err(ctx("request"))?
        .with_registration(bank_registration.clone());
        let bytes = req.to_signed_bytes(bank.as_ref()).map_err(ctx("request"))?;
        ReceivedRequest::parse(&bytes).map_err(ctx("request"))
    };
    let request_a = make_request("demo: request A")?;
    let request_b = make_request("demo: request B")?;
    let mut bank_counter = verifier.clone();
    bank_counter.expect_request(request_a.clone());
    let wrong = zhang_wallet
        .respond(i_id, &request_b, &["name", "id_number"], now)
        .map_err(ctx("respond"))?;
    let r = bank_counter.verify_text(&wrong, &counter);
    tally.report(
        "答非所问 answer to request B shown to a counter expecting A",
        &r,
        Expect::Error("nonce_mismatch"),
    );

    let old = zhang_wallet
        .present(i_old, &["name", "id_number"], now)
        .map_err(ctx("present"))?;
    let r = verifier.verify_text(&old, &counter);
    tally.report(
        "已吊销 the revoked previous ID card",
        &r,
        Expect::Error("revoked"),
    );

    let rogue_text = zhang_wallet
        .present(i_rogue, &["name", "id_number"], now)
        .map_err(ctx("present"))?;
    let r = verifier.verify_text(&rogue_text, &counter);
    tally.report(
        "越权签发 ID card from a clinic allowed only health certificates",
        &r,
        Expect::Error("issuer_not_authorized_for_type"),
    );

    // ------------------------------------------------------------ 授权用证
    section("6 授权用证 Request → consent → answer → verify");
    let request_text = encode_text(QrKind::Request, &request_a.bytes);
    write(&join(out, "request-a.txt"), format!("{request_text}\n"))?;
    let prompt = zhang_wallet
        .read_request(&request_text, &liangzheng::request::RequestPolicy::at(now))
        .map_err(ctx("read request"))?;
    let asked: Vec<String> = prompt
        .fields
        .iter()
        .map(|(_, zh, en)| format!("{zh} {en}"))
        .collect();
    let who = match &prompt.verifier {
        liangzheng::request::VerifierIdentity::Verified { registration } => format!(
            "{} / {} ({}) 已认证 verified",
            registration.name_zh, registration.name_en, registration.verifier_id
        ),
        liangzheng::request::VerifierIdentity::Unverified {
            claimed_name,
            reason,
        } => format!(
            "{} / {} (自称 claims \"{claimed_name}\", {}: {})",
            prompt.verifier.display_zh(),
            prompt.verifier.display_en(),
            reason.zh(),
            reason.en()
        ),
    };
    println!(
        "  {} [{}] asks 请求: {}\n  purpose 事由: {}\n  signed by 签名 kid {}\n  holder consents 持证人同意 → answer",
        who,
        prompt.request.request.verifier_id,
        asked.join("、"),
        prompt.request.request.purpose,
        prompt.request.signed_by.map_or("none 无".into(), |k| k.to_hex()),
    );
    tally.check(
        "登记的核验方 the registered bank is shown as verified",
        prompt.verifier.is_verified() && prompt.verifier.display_zh() == "示例银行济南泉城路支行",
        "",
    );
    let keys: Vec<&str> = prompt.fields.iter().map(|(k, _, _)| k.as_str()).collect();
    let index = prompt
        .license_index
        .ok_or_else(|| CliError::new("no matching license"))?;
    let answer = zhang_wallet
        .respond(index, &prompt.request, &keys, now)
        .map_err(ctx("respond"))?;
    let report = bank_counter.verify_scan(&answer, &counter);
    print!("{}", counter_view(&report, color, false));
    tally.report(
        "授权用证 answer to the right request",
        &report,
        Expect::Valid,
    );
    let second = zhang_wallet
        .respond(index, &prompt.request, &keys, now.plus(1))
        .map_err(ctx("respond"))?;
    tally.report(
        "一次性请求 a second answer to the same request",
        &bank_counter.verify_scan(&second, &counter),
        Expect::Error("nonce_already_used"),
    );
    // A phishing counter claims to be the police, signing with its own key.
    let phish = Request::new(
        "11110000000021135M",
        "北京市公安局",
        "核验身份",
        demo::ID_CARD,
        ids.clone(),
        now.minus(5),
        &mut demo::rng("demo: phishing request"),
    )
    .map_err(ctx("request"))?
    .to_signed_bytes(demo::issuer_key("demo: a phishing counter").as_ref())
    .map_err(ctx("request"))?;
    let phish_prompt = zhang_wallet
        .read_request(
            &encode_text(QrKind::Request, &phish),
            &liangzheng::request::RequestPolicy::at(now),
        )
        .map_err(ctx("read request"))?;
    tally.check(
        "冒充核验方 a counter claiming to be 北京市公安局 is shown as 未认证的核验方",
        !phish_prompt.verifier.is_verified()
            && phish_prompt.verifier.display_zh() == "未认证的核验方",
        &format!(" → {}", phish_prompt.verifier.display_zh()),
    );

    // ------------------------------------------------------------ portrait
    section("7 照片 Portrait: an ID card with its photo, shown as an animated code");
    portrait(out, police, &zhang, &verifier, now, &mut tally)?;

    // ------------------------------------------------------------ 一照通
    section(
        "8 一照通 Bundle: a business license and 12 permits of one company, one holder signature",
    );
    bundle(out, now, color, &mut tally)?;

    // ------------------------------------------------------------ 国密 suite
    section("9 国密 SM2 + SM3: SM2 root, SM2 issuer, SM2 holder key");
    sm2_suite(now, &mut tally)?;

    // ---------------------------------------------------------------- summary
    let failed: Vec<&str> = tally
        .results
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(w, _)| w.as_str())
        .collect();
    let total = tally.results.len();
    println!();
    hints(out, now, &status_files);
    if failed.is_empty() {
        println!(
            "演示通过 demo passed: {total}/{total} expected outcomes ✓ in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        Ok(0)
    } else {
        println!(
            "演示失败 demo FAILED: {} of {total} expectations not met: {}",
            failed.len(),
            failed.join("; ")
        );
        Ok(EXIT_INVALID)
    }
}

/// 张三's ID card with the synthetic portrait: the holder chooses name, ID
/// number and photo; the presentation goes out as RaptorQ frames (PNG files
/// in `portrait-frames/`); the counter scans the PNGs back, in shuffled order
/// with 30% of them lost, assembles, verifies, and writes the signed photo.
fn portrait(
    out: &Path,
    police: &demo::Authority,
    zhang: &std::sync::Arc<liangzheng::holder::Ed25519DeviceSigner>,
    verifier: &Verifier,
    now: UnixTime,
    tally: &mut Tally,
) -> Result<(), CliError> {
    use liangzheng::qr::frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus};
    use rand_core::RngCore as _;

    let card = demo::issuer(police)
        .issue_with_rng(
            &demo::id_card_with_portrait_claims(),
            Some(&zhang.public_key()),
            now.minus(3600),
            &mut demo::rng("demo: id card with portrait"),
        )
        .map_err(ctx("issue ID card with portrait"))?;
    save_license(&join(out, "id-card-portrait.lz"), &card)?;
    let mut wallet = Wallet::new(zhang.clone());
    let i = wallet.add(card).map_err(ctx("wallet"))?;
    let body = wallet
        .present_bytes(i, &["name", "id_number", "portrait"], now)
        .map_err(ctx("present"))?;
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default())
        .map_err(ctx("frames"))?;
    let dir = join(out, "portrait-frames");
    mkdir(&dir)?;
    let options = RenderOptions {
        module_px: 4,
        ..RenderOptions::default()
    };
    let mut pngs = Vec::new();
    for (n, f) in frames.iter().enumerate() {
        let png = render_png(f, &options).map_err(ctx("QR"))?;
        write(&join(&dir, &format!("frame-{n:03}.png")), &png)?;
        pngs.push(png);
    }
    println!(
        "  居民身份证 · name + id_number + portrait (synthetic face {} B): {} B presentation, {} frames per loop → portrait-frames/",
        demo::SYNTHETIC_FACE.len(),
        body.len(),
        frames.len()
    );
    // The counter: shuffled, 30% lost, each PNG scanned back.
    let mut rng = demo::rng("demo: portrait scan order");
    let mut order: Vec<usize> = (0..pngs.len()).collect();
    for k in (1..order.len()).rev() {
        let j = usize::try_from(rng.next_u32()).unwrap_or(0) % (k + 1);
        order.swap(k, j);
    }
    let mut assembler = FrameAssembler::new();
    let (mut scanned, mut dropped) = (0, 0);
    let mut assembled = None;
    for n in order {
        if rng.next_u32() % 10 < 3 {
            dropped += 1;
            continue;
        }
        let text = decode_image(&pngs[n]).map_err(ctx(format!("scan frame-{n:03}.png")))?;
        scanned += 1;
        if let Ok(FrameStatus::Complete(p)) = assembler.push(&text) {
            assembled = Some(p);
            break;
        }
    }
    let Some(payload) = assembled else {
        tally.check("照片动态码 portrait frames assembled", false, "");
        return Ok(());
    };
    println!("  counter 窗口: {scanned} frame PNGs scanned, {dropped} lost, assembled");
    let report = verifier.verify_payload(&payload, &Policy::at(now.plus(5)));
    print!("{}", counter_view(&report, false, false));
    tally.report(
        "照片 ID card with portrait: valid 有效",
        &report,
        Expect::Valid,
    );
    let photo = report.images.first().map(|img| img.bytes.as_slice());
    if let Some(bytes) = photo {
        write(&join(out, "portrait.jpg"), bytes)?;
    }
    tally.check(
        "照片 the report returns the signed photo byte for byte → portrait.jpg",
        photo == Some(demo::SYNTHETIC_FACE),
        "",
    );
    Ok(())
}

/// 一照通: the hotel company's business license (market regulator) and twelve
/// permits from three departments, all bound to the company's phone key,
/// presented as one bundle over frames (PNG files in `bundle-frames/`),
/// scanned back shuffled with 30% lost, verified member by member; then a
/// permit of another company slipped in, and a food permit from a department
/// not authorised for it.
fn bundle(out: &Path, now: UnixTime, color: bool, tally: &mut Tally) -> Result<(), CliError> {
    use liangzheng::qr::frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus};
    use lz_examples::demo::{HOTEL_USCC, OTHER_USCC, PERMIT_AUTHORITIES};
    use rand_core::RngCore as _;

    let phone = demo::holder_ed25519("杭州示例酒店的手机");
    let key = phone.public_key();
    let issued_at = now.minus(3600);
    let issue = |a: &demo::Authority, c: &liangzheng::credential::Claims, label: String| {
        demo::issuer(a)
            .issue_with_rng(c, Some(&key), issued_at, &mut demo::rng(&label))
            .map_err(ctx(format!("issue {label}")))
    };
    let mut wallet = Wallet::new(phone.clone());
    let biz = issue(
        &AUTHORITIES[1],
        &demo::hotel_business_claims(),
        "hotel business".into(),
    )?;
    save_license(&join(out, "hotel-business.lz"), &biz)?;
    wallet.add(biz).map_err(ctx("wallet"))?;
    for (n, (a, c)) in demo::hotel_permit_claims(HOTEL_USCC).iter().enumerate() {
        let permit = issue(&PERMIT_AUTHORITIES[*a], c, format!("hotel permit {n}"))?;
        save_license(&join(out, &format!("hotel-permit-{n:02}.lz")), &permit)?;
        wallet.add(permit).map_err(ctx("wallet"))?;
    }
    let shown: &[&str] = &["uscc", "name", "license_number"];
    let members: Vec<(usize, &[&str])> = (0..wallet.len()).map(|i| (i, shown)).collect();
    let body = wallet
        .present_bundle(&members, now)
        .map_err(ctx("present bundle"))?;
    let frames =
        encode_frames(QrKind::Bundle, &body, &FrameOptions::default()).map_err(ctx("frames"))?;
    let dir = join(out, "bundle-frames");
    mkdir(&dir)?;
    let options = RenderOptions {
        module_px: 4,
        ..RenderOptions::default()
    };
    let mut pngs = Vec::new();
    for (n, f) in frames.iter().enumerate() {
        let png = render_png(f, &options).map_err(ctx("QR"))?;
        write(&join(&dir, &format!("frame-{n:03}.png")), &png)?;
        pngs.push(png);
    }
    println!(
        "  营业执照 + 5 食品经营许可证 + 5 公共场所卫生许可证 + 2 特种行业许可证 (uscc, name, number each): {} B bundle, {} frames per loop → bundle-frames/",
        body.len(),
        frames.len()
    );
    let mut verifier = Verifier::new(demo::bundle_trust_store());
    for t in demo::status_tokens(now.minus(600), 86_400)
        .into_iter()
        .chain(demo::bundle_status_tokens(now.minus(600), 86_400))
    {
        verifier.add_status_list(&t).map_err(ctx("status list"))?;
    }
    // The counter: loops shuffled, 30% of the frames lost, each PNG scanned back.
    let mut rng = demo::rng("demo: bundle scan order");
    let mut assembler = FrameAssembler::new();
    let (mut scanned, mut assembled) = (0, None);
    'loops: for _ in 0..5 {
        let mut order: Vec<usize> = (0..pngs.len()).collect();
        for k in (1..order.len()).rev() {
            let j = usize::try_from(rng.next_u32()).unwrap_or(0) % (k + 1);
            order.swap(k, j);
        }
        for n in order {
            if rng.next_u32() % 10 < 3 {
                continue;
            }
            let text = decode_image(&pngs[n]).map_err(ctx(format!("scan frame-{n:03}.png")))?;
            scanned += 1;
            if let Ok(FrameStatus::Complete(p)) = assembler.push(&text) {
                assembled = Some(p);
                break 'loops;
            }
        }
    }
    let Some(payload) = assembled else {
        tally.check("一照通动态码 bundle frames assembled", false, "");
        return Ok(());
    };
    println!("  counter 窗口: {scanned} frame PNGs scanned (30% lost), assembled");
    let policy = Policy::at(now.plus(5));
    let report = verifier.verify_bundle(&payload.body, &policy);
    print!("{}", super::verify::bundle_view(&report, color));
    tally.check(
        "一照通 13 members, each valid, one subject",
        report.verdict == Verdict::Valid
            && report.members.len() == 13
            && report.subject_code.as_deref() == Some(HOTEL_USCC),
        &format!(" → {}", report.summary()),
    );

    // Another company's permit slipped in.
    let (a, c) = demo::hotel_permit_claims(OTHER_USCC).remove(0);
    let other = issue(&PERMIT_AUTHORITIES[a], &c, "other company permit".into())?;
    let i_other = wallet.add(other).map_err(ctx("wallet"))?;
    let mut with_other = members.clone();
    with_other.push((i_other, shown));
    let r = verifier.verify_bundle(
        &wallet
            .present_bundle(&with_other, now)
            .map_err(ctx("bundle"))?,
        &policy,
    );
    tally.check(
        "混入他人许可证 a permit of another company in the bundle",
        r.verdict == Verdict::Invalid
            && r.problems.first().map(|p| p.code()) == Some("subject_mismatch"),
        &format!(" → {}", r.summary()),
    );
    // A food permit from a department authorised for hygiene permits only.
    let (_, food) = demo::hotel_permit_claims(HOTEL_USCC).remove(0);
    let forged = issue(
        &PERMIT_AUTHORITIES[3],
        &food,
        "unauthorised food permit".into(),
    )?;
    let i_forged = wallet.add(forged).map_err(ctx("wallet"))?;
    let mut with_forged = members;
    with_forged.push((i_forged, shown));
    let r = verifier.verify_bundle(
        &wallet
            .present_bundle(&with_forged, now)
            .map_err(ctx("bundle"))?,
        &policy,
    );
    let bad = r
        .members
        .last()
        .and_then(|m| m.report.first_problem())
        .map(|(_, e)| e.code());
    tally.check(
        "越权许可 a food permit from a department not authorised for it",
        r.verdict == Verdict::Invalid && bad == Some("issuer_not_authorized_for_type"),
        &format!(" → {}", r.summary()),
    );
    Ok(())
}

/// The same ID card issued, presented and verified entirely under the SM2 + SM3 suite
/// (GB/T 32918.2 signatures, SM3 digests and key ids): an SM2-signed trust list whose only
/// entry is the police's SM2 key, an SM2 phone key for the holder.
fn sm2_suite(now: UnixTime, tally: &mut Tally) -> Result<(), CliError> {
    use liangzheng::alg::SignatureAlgorithm;
    use liangzheng::credential::Issuer;
    use liangzheng::ids::Uscc;
    use liangzheng::trust::TrustStore;

    let police = &AUTHORITIES[0];
    let root = demo::sm2_key("root: 山东省一体化政务服务平台 (SM2)");
    let key = demo::sm2_key(&format!("{} (SM2)", police.label));
    let holder = demo::holder_sm2("张三的手机 (SM2 安全芯片)");
    let mut entry = demo::trusted(police);
    entry.public_key = key.public_key();
    let store = TrustStore {
        issuers: vec![entry],
        ..demo::trust_store()
    };
    let trust = store
        .sign(root.as_ref())
        .map_err(ctx("sign SM2 trust list"))?;
    let store = TrustStore::from_signed(&trust, &root.public_key())
        .map_err(ctx("SM2 trust list against the SM2 root"))?;
    let code = Uscc::parse(police.code).map_err(ctx("USCC"))?;
    let license = Issuer::new(key.clone(), police.name_zh, code)
        .issue_with_rng(
            &demo::id_card_claims(),
            Some(&holder.public_key()),
            now.minus(3600),
            &mut demo::rng("demo: SM2 id card"),
        )
        .map_err(ctx("issue under SM2"))?;
    let mut wallet = Wallet::new(holder.clone());
    let i = wallet.add(license).map_err(ctx("wallet"))?;
    let text = wallet
        .present(i, &["name", "id_number"], now)
        .map_err(ctx("present under SM2"))?;
    println!(
        "  root kid {} · issuer kid {} (SM3 key ids) · holder {} · {} QR chars, version {} at ECC M",
        root.key_id().to_hex(),
        key.key_id().to_hex(),
        holder.public_key().alg_name(),
        text.len(),
        qr_version(&text, Ecc::M).map_err(ctx("QR"))?
    );
    tally.check(
        "SM2 keys throughout 全程国密",
        key.algorithm() == SignatureAlgorithm::Sm2
            && root.algorithm() == SignatureAlgorithm::Sm2
            && holder.public_key().algorithm() == SignatureAlgorithm::Sm2,
        "",
    );
    let mut verifier = Verifier::new(store);
    // The police's status list, signed this time by its SM2 key (SM2 + SM3 status token).
    let (_, list_id, list) = demo::status_lists()
        .into_iter()
        .find(|(a, _, _)| a.code == police.code)
        .ok_or_else(|| CliError::new("demo: no police status list"))?;
    let uri = list_uri(police.code, list_id);
    let token = StatusToken::sign(
        &list,
        &uri,
        now.minus(600),
        Some(86_400),
        None,
        key.as_ref(),
    )
    .map_err(ctx("SM2 status list"))?;
    verifier
        .add_status_list(&token)
        .map_err(ctx("SM2 status list against the SM2 trust entry"))?;
    let counter = Policy::at(now.plus(5));
    let report = verifier.verify_text(&text, &counter);
    tally.report("SM2 居民身份证: valid 有效", &report, Expect::Valid);
    // One flipped byte in the holder's SM2 signature (the last bytes of the QR body).
    let mut p = parse(&text)?;
    let proof = p
        .proof
        .as_mut()
        .ok_or_else(|| CliError::new("SM2 presentation has no holder proof"))?;
    let byte = proof
        .signature
        .get_mut(10)
        .ok_or_else(|| CliError::new("SM2 holder signature too short"))?;
    *byte ^= 1;
    let forged = encode_text(QrKind::Presentation, &p.to_bytes());
    let report = verifier.verify_text(&forged, &counter);
    tally.report(
        "SM2 holder signature altered 持证人签名被改",
        &report,
        Expect::Error("bad_holder_signature"),
    );
    Ok(())
}

/// Changes one byte of `needle` inside a disclosure of the presentation.
fn tamper(text: &str, needle: &[u8]) -> Result<String, CliError> {
    let mut p = parse(text)?;
    let last = needle.len() - 1;
    let hit = p.disclosures.iter_mut().find_map(|d| {
        d.windows(needle.len())
            .position(|w| w == needle)
            .map(|at| &mut d[at + last])
    });
    let byte = hit.ok_or_else(|| CliError::new("tamper: value not found"))?;
    *byte = if *byte == b'6' { b'7' } else { b'6' };
    Ok(encode_text(QrKind::Presentation, &p.to_bytes()))
}

/// Replaces the presentation's first disclosure by the same field's disclosure
/// from the full credential (same value, another salt: not signed in this view).
fn swap_disclosure(text: &str, license: &IssuedLicense) -> Result<String, CliError> {
    use liangzheng::disclosure::Disclosure;
    let mut p = parse(text)?;
    let first = p
        .disclosures
        .first()
        .ok_or_else(|| CliError::new("swap: no disclosure"))?;
    let id = Disclosure::parse(first).map_err(ctx("swap"))?.field_id;
    let other = license
        .disclosures
        .iter()
        .find(|d| Disclosure::parse(d).is_ok_and(|d| d.field_id == id))
        .ok_or_else(|| CliError::new("swap: field not in the full credential"))?;
    p.disclosures[0] = other.clone();
    Ok(encode_text(QrKind::Presentation, &p.to_bytes()))
}

fn parse(text: &str) -> Result<Presentation, CliError> {
    let body = decode_text(text).map_err(ctx("QR text"))?.body;
    Presentation::parse(&body).map_err(ctx("presentation"))
}

/// Prints how to repeat a step with the other commands.
fn hints(out: &Path, now: UnixTime, status_files: &[String]) {
    let d = out.display();
    let status: Vec<String> = status_files.iter().map(|f| format!("{d}/{f}")).collect();
    println!("try 试试:");
    println!(
        "  lz verify --image {d}/id-card.png --trust {d}/trust.signed.json --root-key {d}/root.pub.pem --status {} --now {}",
        status.join(" "),
        now.plus(5).0
    );
    println!(
        "  lz present --wallet-seed {d}/zhangsan.key.json --license {d}/id-card.lz --fields name,id_number --now {} | lz verify --stdin --demo --now {}",
        now.0,
        now.plus(5).0
    );
}
