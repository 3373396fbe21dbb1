//! Decoding a QR code from a PNG with the pure-Rust scanner (feature `scan`):
//! the counter's path when it has only a camera image, not decoded text.
//!
//! `cargo bench -p liangzheng --features scan --bench qr_scan`
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::Criterion;
use liangzheng::qr::{self, RenderOptions};
use liangzheng::wallet::Wallet;

fn main() {
    let phone = holder(0);
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(issue(ID_CARD, Some(&phone))).unwrap();
    let text = wallet.present(i, &["name", "id_number"], NOW).unwrap();
    // A screen-sized rendering: 4 px modules, quiet zone, ECC M.
    let options = RenderOptions {
        module_px: 4,
        ..RenderOptions::default()
    };
    let png = qr::render_png(&text, &options).unwrap();
    assert_eq!(qr::decode_image(&png).unwrap(), text);

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut g = c.benchmark_group("qr_scan");
    g.sample_size(20);
    g.bench_function("decode_image", |b| {
        b.iter(|| qr::decode_image(black_box(&png)).unwrap())
    });
    g.finish();
    c.final_summary();
}
