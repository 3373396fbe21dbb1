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
        &["--raw", "-q"],
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
