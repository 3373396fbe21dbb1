//! Our rendered codes must read back exactly with real, independent scanners:
//! ZBar (`zbarimg`, Debian package `zbar-tools`) and zxing-cpp (PyPI package
//! `zxing-cpp`, through `scripts/zxing_decode.py`).
//!
//! A missing tool is a test failure naming the package to install, never a
//! silent skip: a green run must mean both scanners were really used.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use liangzheng::qr::{encode_text, render_png, Ecc, QrKind, RenderOptions};

/// Deterministic pseudo-random bytes (xorshift64), standing in for signed CBOR.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[5]
        })
        .collect()
}

/// Realistic texts: presentation and request bodies of typical sizes.
fn texts() -> Vec<String> {
    [(1, 300), (2, 360), (3, 420), (4, 480), (5, 600)]
        .into_iter()
        .map(|(seed, len)| encode_text(QrKind::Presentation, &random_bytes(seed, len)))
        .chain([encode_text(QrKind::Request, &random_bytes(6, 150))])
        .collect()
}

fn scratch_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lz-qr-scanners-{}-{name}.png", std::process::id()))
}

fn run(program: &str, args: &[&str], path: &Path, install_hint: &str) -> Output {
    match Command::new(program).args(args).arg(path).output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("`{program}` not found: {install_hint}")
        }
        Err(e) => panic!("cannot run `{program}`: {e}"),
    }
}

fn zbar(path: &Path) -> String {
    let out = run(
        "zbarimg",
        // QR only: with every symbology on, ZBar now and then also "finds" a short 1-D code
        // inside a dense QR (seen once: a portrait frame read as its text plus "\nA+8D").
        &["--raw", "-q", "-Sdisable", "-Sqrcode.enable"],
        path,
        "install the Debian package zbar-tools (apt-get install -y zbar-tools)",
    );
    assert!(
        out.status.success(),
        "zbarimg failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("zbarimg prints UTF-8");
    // zbarimg ends each symbol with one newline; strip only that.
    text.strip_suffix('\n').map(str::to_owned).unwrap_or(text)
}

fn zxing(path: &Path) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/zxing_decode.py");
    let out = run(
        "python3",
        &[script],
        path,
        "install python3, then: pip install zxing-cpp pillow",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(3),
        "zxing-cpp or Pillow missing (pip install zxing-cpp pillow): {stderr}"
    );
    assert!(
        out.status.success(),
        "zxing-cpp failed on {}: {stderr}",
        path.display()
    );
    String::from_utf8(out.stdout).expect("the script prints UTF-8")
}

fn check_with_every_scanner(ecc: Ecc, module_px: u32) {
    for (i, text) in texts().iter().enumerate() {
        let options = RenderOptions {
            ecc,
            module_px,
            ..RenderOptions::default()
        };
        let png = render_png(text, &options).expect("renders");
        let path = scratch_file(&format!("{ecc:?}-{module_px}-{i}"));
        std::fs::write(&path, png).expect("write PNG");
        let by_zbar = zbar(&path);
        let by_zxing = zxing(&path);
        std::fs::remove_file(&path).ok();
        assert_eq!(by_zbar, *text, "zbar, text {i}, {ecc:?}, {module_px} px");
        assert_eq!(
            by_zxing, *text,
            "zxing-cpp, text {i}, {ecc:?}, {module_px} px"
        );
    }
}

#[test]
fn zbar_and_zxing_read_ecc_l_exactly() {
    check_with_every_scanner(Ecc::L, 4);
}

#[test]
fn zbar_and_zxing_read_ecc_m_exactly() {
    check_with_every_scanner(Ecc::M, 8);
}

#[test]
fn zbar_and_zxing_read_ecc_q_exactly() {
    check_with_every_scanner(Ecc::Q, 3);
}

#[test]
fn zbar_and_zxing_read_ecc_h_exactly() {
    check_with_every_scanner(Ecc::H, 5);
}

/// Every frame of a multi-frame code (source and repair frames, at the
/// recommended symbol size and at a large one) reads back exactly with both
/// scanners, and the scanned texts assemble the body.
#[test]
fn zbar_and_zxing_read_every_frame_of_an_animated_code() {
    use liangzheng::qr::frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus};
    for (seed, len, symbol_size) in [(20u64, 1500usize, 179u16), (21, 3000, 600)] {
        let body = random_bytes(seed, len);
        let options = FrameOptions {
            symbol_size,
            ..FrameOptions::default()
        };
        let frames = encode_frames(QrKind::Presentation, &body, &options).expect("frames");
        let mut by_zbar = FrameAssembler::new();
        let mut by_zxing = FrameAssembler::new();
        let (mut done_zbar, mut done_zxing) = (None, None);
        for (i, text) in frames.iter().enumerate() {
            let png = render_png(text, &RenderOptions::default()).expect("renders");
            let path = scratch_file(&format!("frame-{seed}-{i}"));
            std::fs::write(&path, png).expect("write PNG");
            let read_zbar = zbar(&path);
            let read_zxing = zxing(&path);
            std::fs::remove_file(&path).ok();
            assert_eq!(read_zbar, *text, "zbar, frame {i}");
            assert_eq!(read_zxing, *text, "zxing-cpp, frame {i}");
            if let FrameStatus::Complete(p) = by_zbar.push(&read_zbar).expect("frame") {
                done_zbar = Some(p.body);
            }
            if let FrameStatus::Complete(p) = by_zxing.push(&read_zxing).expect("frame") {
                done_zxing = Some(p.body);
            }
        }
        assert_eq!(done_zbar.as_ref(), Some(&body));
        assert_eq!(done_zxing.as_ref(), Some(&body));
    }
}

/// The frames of two real presentations — an ID card with name, ID number and
/// the synthetic portrait, and a holder-signed 一照通 bundle (business license +
/// food permit) — read back exactly by zbarimg and zxing-cpp frame by frame;
/// what each scanner read assembles and verifies, and the portrait comes back
/// byte for byte.
#[test]
fn zbar_and_zxing_read_every_frame_of_a_portrait_and_a_bundle() {
    use liangzheng::credential::{Claims, Issuer};
    use liangzheng::holder::{DeviceSigner as _, Ed25519DeviceSigner};
    use liangzheng::ids::Uscc;
    use liangzheng::keys::{IssuerKey, IssuerSigner as _};
    use liangzheng::qr::frames::{encode_frames, FrameAssembler, FrameOptions, FrameStatus};
    use liangzheng::time::UnixTime;
    use liangzheng::trust::{TrustStore, TrustedIssuer};
    use liangzheng::verify::{Policy, Verdict, Verifier};
    use liangzheng::wallet::Wallet;
    use std::sync::Arc;

    const FACE: &[u8] = include_bytes!("../../examples/data/synthetic-face.jpg");
    let now = UnixTime(1_767_225_600);
    let key = Arc::new(IssuerKey::from_seed(&[9; 32]));
    let code = "11370100004307520K";
    let issuer = Issuer::new(
        key.clone(),
        "示例发证机关",
        Uscc::parse(code).expect("uscc"),
    );
    let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[8; 32]));
    let claims = |json: &str| -> Claims { serde_json::from_str(json).expect("claims") };
    let mut card = claims(
        r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
        "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016",
        "authority": "济南市公安局历下分局"}}"#,
    );
    card.fields
        .insert("portrait".into(), liangzheng::b64::encode_standard(FACE));
    let biz = claims(
        r#"{"type": "cn.business-license", "license_number": "330106000654321", "valid_from": "2019-04-01",
        "fields": {"uscc": "91330106MA2KXJ3P7H", "name": "杭州示例酒店管理有限公司", "entity_type": "有限责任公司",
        "legal_rep": "赵六", "established": "2019-04-01", "term_end": "长期", "scope": "住宿服务",
        "domicile": "浙江省杭州市西湖区曙光路100号", "registrar": "杭州市西湖区市场监督管理局"}}"#,
    );
    let food = claims(
        r#"{"type": "cn.food-business-license", "license_number": "JY23301060012345",
        "valid_from": "2024-03-01", "valid_until": "2029-02-28",
        "fields": {"uscc": "91330106MA2KXJ3P7H", "name": "杭州示例酒店管理有限公司", "legal_rep": "赵六",
        "domicile": "浙江省杭州市西湖区曙光路100号", "premises": "浙江省杭州市西湖区曙光路100号中餐厅",
        "business_form": "餐饮服务经营者", "items": "热食类食品制售", "authority": "杭州市西湖区市场监督管理局"}}"#,
    );
    let mut wallet = Wallet::new(phone.clone());
    let pk = phone.public_key();
    let i_card = wallet
        .add(issuer.issue(&card, Some(&pk), now).expect("card"))
        .expect("add");
    let i_biz = wallet
        .add(issuer.issue(&biz, Some(&pk), now).expect("biz"))
        .expect("add");
    let i_food = wallet
        .add(issuer.issue(&food, Some(&pk), now).expect("food"))
        .expect("add");
    let portrait = wallet
        .present_bytes(i_card, &["name", "id_number", "portrait"], now)
        .expect("present");
    let shown: &[&str] = &["uscc", "name"];
    let bundle = wallet
        .present_bundle(&[(i_biz, shown), (i_food, shown)], now)
        .expect("bundle");
    let verifier = Verifier::new(TrustStore::from_issuers(vec![TrustedIssuer {
        public_key: key.public_key(),
        name_zh: "示例发证机关".into(),
        name_en: "Example authority".into(),
        code: code.into(),
        region: "370100".into(),
        types: vec![
            "11100000000013338W901".into(),
            "11100000000013338W902".into(),
            "11100000000013338W911".into(),
        ],
        not_before: 0,
        not_after: None,
    }]));
    let policy = Policy::at(now.plus(5));
    for (name, kind, body) in [
        ("portrait", QrKind::Presentation, &portrait),
        ("bundle", QrKind::Bundle, &bundle),
    ] {
        let frames = encode_frames(kind, body, &FrameOptions::default()).expect("frames");
        let mut assemblers = [FrameAssembler::new(), FrameAssembler::new()];
        let mut done: [Option<Vec<u8>>; 2] = [None, None];
        for (i, text) in frames.iter().enumerate() {
            let png = render_png(text, &RenderOptions::default()).expect("renders");
            let path = scratch_file(&format!("{name}-frame-{i}"));
            std::fs::write(&path, png).expect("write PNG");
            let read = [zbar(&path), zxing(&path)];
            std::fs::remove_file(&path).ok();
            for (s, text_read) in read.iter().enumerate() {
                assert_eq!(text_read, text, "{name} frame {i}, scanner {s}");
                if done[s].is_none() {
                    if let FrameStatus::Complete(p) = assemblers[s].push(text_read).expect("frame")
                    {
                        assert_eq!(p.kind, kind);
                        done[s] = Some(p.body);
                    }
                }
            }
        }
        for got in done {
            let got = got.expect("assembled from scanner output");
            assert_eq!(&got, body);
            if kind == QrKind::Bundle {
                let r = verifier.verify_bundle(&got, &policy);
                assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
                assert_eq!(r.members.len(), 2);
            } else {
                let r = verifier.verify_body(&got, &policy);
                assert_eq!(r.verdict, Verdict::Valid, "{r:?}");
                assert_eq!(r.images[0].bytes, FACE);
            }
        }
    }
}
