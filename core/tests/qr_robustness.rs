//! A code photographed at a counter is rotated, rescaled, blurred, noisy and
//! JPEG-compressed. Each of those alone must still decode to the exact text
//! with the built-in pure-Rust scanner.
#![cfg(feature = "scan")]

use std::io::Cursor;

use image::imageops::{self, FilterType};
use image::{GrayImage, ImageFormat, Luma};
use liangzheng::qr::{decode_image, encode_text, render_png, Ecc, QrKind, RenderOptions};

/// Deterministic pseudo-random numbers (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[4]).collect()
    }
}

/// A typical presentation: 360 bytes of signed CBOR, at ECC M, 6 px modules.
fn sample() -> (String, GrayImage) {
    let text = encode_text(QrKind::Presentation, &Rng(0x5eed).bytes(360));
    let options = RenderOptions {
        ecc: Ecc::M,
        module_px: 6,
        ..RenderOptions::default()
    };
    let png = render_png(&text, &options).expect("renders");
    let img = image::load_from_memory(&png).expect("our PNG").into_luma8();
    (text, img)
}

fn png_bytes(img: &GrayImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

fn assert_decodes(img: &GrayImage, text: &str, what: &str) {
    let decoded = decode_image(&png_bytes(img)).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(decoded, text, "{what}");
}

/// Rotates by `degrees` about the centre onto a white canvas large enough to
/// hold the whole turned image, sampling bilinearly (as a camera would blur
/// module edges).
fn rotate(img: &GrayImage, degrees: f64) -> GrayImage {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    let (sin, cos) = degrees.to_radians().sin_cos();
    let side = (w * cos.abs() + h * sin.abs()).ceil() + 20.0;
    let (cx, cy, c_out) = (w / 2.0, h / 2.0, side / 2.0);
    let sample = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
            return 255.0;
        }
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let px = |xi: f64, yi: f64| {
            let xi = xi.min(w - 1.0) as u32;
            let yi = yi.min(h - 1.0) as u32;
            f64::from(img.get_pixel(xi, yi)[0])
        };
        let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1.0, y0) * fx;
        let bottom = px(x0, y0 + 1.0) * (1.0 - fx) + px(x0 + 1.0, y0 + 1.0) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    GrayImage::from_fn(side as u32, side as u32, |x, y| {
        // Inverse mapping: where in the source does this output pixel come from?
        let (dx, dy) = (f64::from(x) - c_out, f64::from(y) - c_out);
        let sx = cos * dx + sin * dy + cx;
        let sy = -sin * dx + cos * dy + cy;
        Luma([sample(sx, sy).round() as u8])
    })
}

fn scale(img: &GrayImage, factor: f64) -> GrayImage {
    let w = (f64::from(img.width()) * factor).round() as u32;
    let h = (f64::from(img.height()) * factor).round() as u32;
    imageops::resize(img, w, h, FilterType::Triangle)
}

/// Adds uniform noise of ±`amplitude` grey levels to every pixel.
fn add_noise(img: &GrayImage, amplitude: i16, seed: u64) -> GrayImage {
    let mut rng = Rng(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let span = (2 * amplitude + 1) as u64;
        let delta = (rng.next() % span) as i16 - amplitude;
        p[0] = (i16::from(p[0]) + delta).clamp(0, 255) as u8;
    }
    out
}

#[test]
fn the_rendered_png_decodes() {
    let (text, img) = sample();
    assert_decodes(&img, &text, "as rendered");
}

#[test]
fn a_code_turned_by_7_degrees_decodes() {
    let (text, img) = sample();
    assert_decodes(&rotate(&img, 7.0), &text, "rotated 7°");
}

#[test]
fn a_code_turned_by_minus_23_degrees_decodes() {
    let (text, img) = sample();
    assert_decodes(&rotate(&img, -23.0), &text, "rotated -23°");
}

#[test]
fn a_code_turned_by_90_and_180_degrees_decodes() {
    let (text, img) = sample();
    assert_decodes(&imageops::rotate90(&img), &text, "rotated 90°");
    assert_decodes(&imageops::rotate180(&img), &text, "rotated 180°");
}

#[test]
fn a_code_scaled_down_to_0_6_decodes() {
    let (text, img) = sample();
    assert_decodes(&scale(&img, 0.6), &text, "scaled 0.6×");
}

#[test]
fn a_code_scaled_up_to_1_7_decodes() {
    let (text, img) = sample();
    assert_decodes(&scale(&img, 1.7), &text, "scaled 1.7×");
}

#[test]
fn a_blurred_code_decodes() {
    let (text, img) = sample();
    assert_decodes(&imageops::blur(&img, 1.0), &text, "Gaussian blur σ=1");
}

#[test]
fn a_noisy_code_decodes() {
    let (text, img) = sample();
    assert_decodes(&add_noise(&img, 60, 42), &text, "noise ±60");
}

#[test]
fn a_jpeg_re_encoded_code_decodes() {
    let (text, img) = sample();
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 60)
        .encode_image(&img)
        .expect("encode JPEG");
    let jpeg = jpeg.into_inner();
    assert!(jpeg.starts_with(&[0xff, 0xd8]), "a JPEG file");
    assert_eq!(decode_image(&jpeg).expect("JPEG decodes"), text);
}

#[test]
fn a_photo_like_code_decodes() {
    // Everything at once, milder: turned, shrunk, blurred, noisy, JPEG.
    let (text, img) = sample();
    let img = add_noise(&imageops::blur(&scale(&rotate(&img, 4.0), 0.8), 0.8), 25, 7);
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .expect("encode JPEG");
    assert_eq!(decode_image(&jpeg.into_inner()).expect("decodes"), text);
}
