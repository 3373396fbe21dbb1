//! Multi-frame report (simulated, not timed): for bodies of typical sizes,
//! the frames per loop at the recommended symbol size (QR version 10, ECC M)
//! and the time a counter's camera needs to assemble them when the code is
//! shown at 10 frames/s, starting at a random frame, with 0% and 30% of the
//! frames missed at random. 1,000 runs per row; median, 95th percentile and
//! worst case, in seconds of display time.
//!
//! `cargo bench -p liangzheng --bench frames_report` prints a Markdown table.
#![allow(clippy::unwrap_used)]

use liangzheng::qr::frames::{
    encode_frames, FrameOptions, RECOMMENDED_FPS, RECOMMENDED_SYMBOL_SIZE,
};
use liangzheng::qr::QrKind;

#[path = "support/frame_sim.rs"]
mod frame_sim;
use frame_sim::{simulate, Rng};

/// (median, p95, max) in seconds at the recommended rate.
fn stats(mut shown: Vec<usize>) -> (f64, f64, f64) {
    shown.sort_unstable();
    let at = |q: f64| shown[((shown.len() - 1) as f64 * q).round() as usize] as f64;
    let fps = f64::from(RECOMMENDED_FPS);
    (at(0.5) / fps, at(0.95) / fps, at(1.0) / fps)
}

/// Pseudo-random bytes standing in for signed CBOR (incompressible).
fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    (0..len).map(|_| rng.next().to_le_bytes()[2]).collect()
}

/// One table row for a body.
pub fn report_row(label: &str, body: &[u8]) {
    let frames = encode_frames(QrKind::Presentation, body, &FrameOptions::default()).unwrap();
    let k = frames.len() / 2;
    let (m0, p0, x0) = stats(simulate(&frames, 0, 1000, 11));
    let (m30, p30, x30) = stats(simulate(&frames, 30, 1000, 12));
    println!(
        "| {label} | {} | {k} | {} | {m0:.1} / {p0:.1} / {x0:.1} | {m30:.1} / {p30:.1} / {x30:.1} |",
        body.len(),
        frames.len(),
    );
}

fn main() {
    println!(
        "Frames at symbol size {RECOMMENDED_SYMBOL_SIZE} B (QR version 10, ECC M), shown at {RECOMMENDED_FPS} frames/s; \
         assembly time in seconds (median / p95 / worst of 1,000 runs, random start frame)."
    );
    println!();
    println!("| body | bytes | frames needed (K) | frames per loop | 0% loss | 30% loss |");
    println!("|---|---:|---:|---:|---|---|");
    for (label, len) in [
        ("ID card, all fields (single symbol today)", 853),
        ("≈ ID card + 1 KB portrait", 1900),
        ("≈ ID card + 2 KB portrait", 2900),
        ("≈ business license + 6 permits", 4000),
        ("≈ business license + 12 permits", 7000),
        ("≈ business license + 30 permits", 16000),
    ] {
        report_row(label, &body(len, len as u64));
    }
}
