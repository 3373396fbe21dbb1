//! Unit tests for the envelope and the renderer, one rule per test.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

use super::*;

/// Deterministic pseudo-random bytes (xorshift64): signed CBOR looks like this.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[3]
        })
        .collect()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).expect("write to Vec");
    e.finish().expect("finish to Vec")
}

fn compressed_text(kind: char, zlib_bytes: &[u8]) -> String {
    format!("LZ1{kind}Z:{}", base45::encode(zlib_bytes))
}

#[test]
fn presentation_round_trips() {
    let body = random_bytes(1, 400);
    let text = encode_text(QrKind::Presentation, &body);
    assert!(text.starts_with("LZ1P:"), "{text}");
    let payload = decode_text(&text).expect("decodes");
    assert_eq!(payload.kind, QrKind::Presentation);
    assert_eq!(payload.body, body);
    assert!(!payload.compressed);
}

#[test]
fn request_round_trips() {
    let body = random_bytes(2, 120);
    let text = encode_text(QrKind::Request, &body);
    assert!(text.starts_with("LZ1R:"), "{text}");
    let payload = decode_text(&text).expect("decodes");
    assert_eq!(payload.kind, QrKind::Request);
    assert_eq!(payload.body, body);
}

#[test]
fn random_body_is_not_compressed() {
    for len in [0, 1, 2, 50, 360, 480, 1000] {
        let body = random_bytes(len as u64 + 7, len);
        let text = encode_text(QrKind::Presentation, &body);
        assert_eq!(text.len(), 5 + base45::encoded_len(len), "len {len}");
        assert!(!decode_text(&text).expect("decodes").compressed);
    }
}

#[test]
fn repetitive_body_is_compressed_and_flagged() {
    let body = "居民身份证 居民身份证 居民身份证 居民身份证 居民身份证".repeat(10);
    let text = encode_text(QrKind::Presentation, body.as_bytes());
    assert!(text.starts_with("LZ1PZ:"), "{text}");
    assert!(text.len() < 5 + base45::encoded_len(body.len()));
    let payload = decode_text(&text).expect("decodes");
    assert!(payload.compressed);
    assert_eq!(payload.body, body.as_bytes());
}

#[test]
fn compression_is_used_only_when_the_text_gets_strictly_shorter() {
    // Sweep bodies from incompressible to very compressible; whatever the
    // encoder picks must be the shorter of the two possible texts.
    for repeat_every in [1usize, 2, 3, 5, 8, 16, 64, 1000] {
        for len in [3usize, 10, 30, 100, 300] {
            let body: Vec<u8> = random_bytes(repeat_every as u64, repeat_every)
                .into_iter()
                .cycle()
                .take(len)
                .collect();
            let plain = format!("LZ1P:{}", base45::encode(&body));
            let packed = compressed_text('P', &crate::zlib::compress(&body));
            let text = encode_text(QrKind::Presentation, &body);
            if packed.len() < plain.len() {
                assert_eq!(text, packed, "len {len} period {repeat_every}");
            } else {
                assert_eq!(text, plain, "len {len} period {repeat_every}");
            }
        }
    }
}

#[test]
fn trailing_crlf_from_a_scanner_gun_is_ignored() {
    let body = random_bytes(3, 90);
    let text = encode_text(QrKind::Presentation, &body);
    for ending in ["\n", "\r\n", "\r", "\r\n\r\n"] {
        let typed = format!("{text}{ending}");
        assert_eq!(decode_text(&typed).expect("decodes").body, body);
    }
}

#[test]
fn spaces_are_never_trimmed() {
    // "%69 VD92EX0" is Base45 for "Hello!!" and has a space inside.
    let payload = decode_text("LZ1P:%69 VD92EX0").expect("decodes");
    assert_eq!(payload.body, b"Hello!!");
    // A trailing space is part of the text, and here makes it invalid.
    assert!(matches!(
        decode_text("LZ1P:%69 VD92EX0 "),
        Err(QrError::Base45(_))
    ));
}

#[test]
fn caps_lock_text_is_restored() {
    let body = random_bytes(4, 200);
    let text = encode_text(QrKind::Presentation, &body);
    // Caps Lock inverts letters only; digits and symbols are unchanged.
    let typed = format!("{}\r\n", text.to_ascii_lowercase());
    assert!(typed.starts_with("lz1p:"));
    assert_eq!(decode_text(&typed).expect("decodes").body, body);
}

#[test]
fn mixed_case_text_is_not_guessed_at() {
    let text = encode_text(QrKind::Presentation, b"Hello!!");
    let mixed = text.replacen("LZ", "lz", 1);
    assert_eq!(decode_text(&mixed), Err(QrError::UnknownPrefix));
}

#[test]
fn empty_text_is_rejected() {
    assert_eq!(decode_text(""), Err(QrError::Empty));
    assert_eq!(decode_text("\r\n"), Err(QrError::Empty));
}

#[test]
fn too_long_text_is_rejected_first() {
    // Longer than the limit and otherwise garbage: the length error wins.
    let text = "#".repeat(MAX_QR_TEXT_LEN + 1);
    assert_eq!(
        decode_text(&text),
        Err(QrError::TooLong {
            len: MAX_QR_TEXT_LEN + 1,
            max: MAX_QR_TEXT_LEN
        })
    );
    // Exactly at the limit is not a length error.
    let at_limit = format!("LZ1P:{}", "0".repeat(MAX_QR_TEXT_LEN - 5));
    assert!(!matches!(
        decode_text(&at_limit),
        Err(QrError::TooLong { .. })
    ));
    // The limit counts the text after the trailing CR/LF is stripped
    // (FORMAT.md §1.3): the largest code typed by a scanner gun passes.
    assert!(!matches!(
        decode_text(&format!("{at_limit}\r\n")),
        Err(QrError::TooLong { .. })
    ));
    // It counts UTF-8 bytes, not characters: 1,433 × "码" is 4,299 bytes.
    assert!(matches!(
        decode_text(&"码".repeat(1433)),
        Err(QrError::TooLong { len: 4299, .. })
    ));
}

#[test]
fn unknown_prefix_is_rejected() {
    for text in ["HC1:6BFOXN", "L", "LZ", "LZX:", "https://example.invalid/"] {
        assert_eq!(decode_text(text), Err(QrError::UnknownPrefix), "{text}");
    }
}

#[test]
fn future_format_version_asks_for_an_update() {
    assert_eq!(decode_text("LZ2P:BB8"), Err(QrError::UnsupportedVersion));
}

#[test]
fn unknown_kind_is_rejected() {
    for text in ["LZ1X:BB8", "LZ1:BB8", "LZ1"] {
        assert_eq!(decode_text(text), Err(QrError::UnknownKind), "{text}");
    }
}

#[test]
fn malformed_header_is_rejected() {
    for text in ["LZ1P", "LZ1PBB8", "LZ1PX:BB8", "LZ1PZZ:BB8", "LZ1PZ"] {
        assert_eq!(decode_text(text), Err(QrError::MalformedHeader), "{text}");
    }
}

#[test]
fn bad_base45_is_rejected() {
    assert_eq!(
        decode_text("LZ1P:V5"),
        Err(QrError::Base45(Base45Error::ValueOutOfRange {
            position: 0
        }))
    );
    assert!(matches!(decode_text("LZ1P:BB8#"), Err(QrError::Base45(_))));
}

#[test]
fn compressed_body_that_is_not_zlib_is_rejected() {
    let text = compressed_text('P', &random_bytes(5, 60));
    assert_eq!(decode_text(&text), Err(QrError::Inflate));
}

#[test]
fn truncated_zlib_stream_is_rejected() {
    let stream = zlib(&b"abc".repeat(100));
    let text = compressed_text('P', &stream[..stream.len() - 5]);
    assert_eq!(decode_text(&text), Err(QrError::Inflate));
}

#[test]
fn zlib_stream_with_bad_checksum_is_rejected() {
    let mut stream = zlib(&b"abc".repeat(100));
    let last = stream.len() - 1;
    stream[last] ^= 1;
    assert_eq!(
        decode_text(&compressed_text('P', &stream)),
        Err(QrError::Inflate)
    );
}

#[test]
fn bytes_after_the_zlib_stream_are_rejected() {
    let mut stream = zlib(&b"abc".repeat(100));
    stream.extend_from_slice(b"extra");
    assert_eq!(
        decode_text(&compressed_text('P', &stream)),
        Err(QrError::Inflate)
    );
}

#[test]
fn zlib_bomb_is_rejected_with_the_size_error() {
    let stream = zlib(&vec![0u8; 1 << 20]);
    let text = compressed_text('P', &stream);
    assert!(
        text.len() <= MAX_QR_TEXT_LEN,
        "the bomb fits a QR code: {} chars",
        text.len()
    );
    assert_eq!(
        decode_text(&text),
        Err(QrError::BodyTooLarge { max: MAX_BODY_LEN })
    );
}

#[test]
fn body_exactly_at_the_limit_inflates() {
    let body = vec![7u8; MAX_BODY_LEN];
    let payload = decode_text(&compressed_text('R', &zlib(&body))).expect("decodes");
    assert_eq!(payload.body, body);
    let over = vec![7u8; MAX_BODY_LEN + 1];
    assert_eq!(
        decode_text(&compressed_text('R', &zlib(&over))),
        Err(QrError::BodyTooLarge { max: MAX_BODY_LEN })
    );
}

#[test]
fn errors_speak_both_languages() {
    use crate::lang::Localized;
    let e = QrError::Base45(Base45Error::InvalidLength { len: 4 });
    assert!(e.zh().contains("Base45"));
    assert!(e.en().contains("length 4"));
    assert_eq!(e.to_string(), format!("{} / {}", e.zh(), e.en()));
    assert!(std::error::Error::source(&e).is_some());
}

// ---- rendering ----

/// Needs the `render` feature (drawing: `qrcode` and `png`); the `image` dev-dependency reads
/// the PNGs back.
#[cfg(feature = "render")]
mod rendering {
    use super::*;

    /// Alphanumeric capacity in characters, computed from the ISO/IEC 18004
    /// data-codeword counts (Table 7) of the versions these tests reach.
    fn alphanumeric_capacity(version: u8, ecc: Ecc) -> usize {
        // (version, [L, M, Q, H]) data codewords.
        const CODEWORDS: &[(u8, [usize; 4])] = &[
            (1, [19, 16, 13, 9]),
            (2, [34, 28, 22, 16]),
            (3, [55, 44, 34, 26]),
            (4, [80, 64, 48, 36]),
            (5, [108, 86, 62, 46]),
            (6, [136, 108, 76, 60]),
            (7, [156, 124, 88, 66]),
            (8, [194, 154, 110, 86]),
            (9, [232, 182, 132, 100]),
            (10, [274, 216, 154, 122]),
            (11, [324, 254, 180, 140]),
            (12, [370, 290, 206, 158]),
            (13, [428, 334, 244, 180]),
            (14, [461, 365, 261, 197]),
            (15, [523, 415, 295, 223]),
            (16, [589, 453, 325, 253]),
            (17, [647, 507, 367, 283]),
            (18, [721, 563, 397, 313]),
            (19, [795, 627, 445, 341]),
            (20, [861, 669, 485, 385]),
            (40, [2956, 2334, 1666, 1276]),
        ];
        let index = match ecc {
            Ecc::L => 0,
            Ecc::M => 1,
            Ecc::Q => 2,
            Ecc::H => 3,
        };
        let (_, words) = CODEWORDS
            .iter()
            .find(|(v, _)| *v == version)
            .expect("version in table");
        let count_bits = match version {
            1..=9 => 9,
            10..=26 => 11,
            _ => 13,
        };
        let bits = words[index] * 8 - 4 - count_bits;
        bits / 11 * 2 + usize::from(bits % 11 >= 6)
    }

    #[test]
    fn capacity_formula_matches_the_published_table() {
        // Well-known alphanumeric capacities (ISO/IEC 18004 Table 7).
        assert_eq!(alphanumeric_capacity(1, Ecc::L), 25);
        assert_eq!(alphanumeric_capacity(1, Ecc::H), 10);
        assert_eq!(alphanumeric_capacity(2, Ecc::M), 38);
        assert_eq!(alphanumeric_capacity(10, Ecc::M), 311);
        assert_eq!(alphanumeric_capacity(40, Ecc::L), MAX_QR_TEXT_LEN);
        assert_eq!(alphanumeric_capacity(40, Ecc::H), 1852);
    }

    #[test]
    fn version_is_the_smallest_alphanumeric_fit() {
        for ecc in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
            for len in (30..=550).step_by(13) {
                let text =
                    encode_text(QrKind::Presentation, &random_bytes(len as u64, len * 2 / 3));
                let v = qr_version(&text, ecc).expect("fits");
                assert!(
                    text.len() <= alphanumeric_capacity(v, ecc),
                    "{} chars do not fit version {v} {ecc:?}",
                    text.len()
                );
                if v > 1 {
                    assert!(
                        text.len() > alphanumeric_capacity(v - 1, ecc),
                        "{} chars would fit version {} {ecc:?}",
                        text.len(),
                        v - 1
                    );
                }
            }
        }
    }

    #[test]
    fn the_crates_automatic_choice_agrees_with_one_alphanumeric_segment() {
        // The qrcode crate's optimiser may split digit runs into numeric
        // segments; for Base45 text that must not change the version, or forcing
        // one alphanumeric segment would cost a version.
        for seed in 0..200u64 {
            let body = random_bytes(seed, 300 + (seed as usize * 7) % 300);
            let text = encode_text(QrKind::Presentation, &body);
            for ecc in [Ecc::L, Ecc::M, Ecc::Q] {
                // `QrCode::with_error_correction_level` picks its version here.
                let auto = qrcode::bits::encode_auto(text.as_bytes(), ecc.level())
                    .expect("fits")
                    .version();
                let ours = qr_version(&text, ecc).expect("fits");
                assert_eq!(
                    auto,
                    qrcode::Version::Normal(i16::from(ours)),
                    "seed {seed} {ecc:?}"
                );
            }
        }
    }

    #[test]
    fn hello_world_is_version_1() {
        assert_eq!(qr_version("HELLO WORLD", Ecc::Q), Ok(1));
    }

    #[test]
    fn text_outside_the_alphanumeric_set_is_not_rendered() {
        assert_eq!(
            qr_version("LZ1P:bb8", Ecc::M),
            Err(QrError::NotAlphanumeric { position: 5 })
        );
        assert!(matches!(
            render_png("lz1p:", &RenderOptions::default()),
            Err(QrError::NotAlphanumeric { position: 0 })
        ));
    }

    #[test]
    fn text_too_long_for_any_version_does_not_fit() {
        let text = "A".repeat(MAX_QR_TEXT_LEN + 1);
        assert_eq!(qr_version(&text, Ecc::L), Err(QrError::DoesNotFit));
        assert_eq!(qr_version(&"A".repeat(MAX_QR_TEXT_LEN), Ecc::L), Ok(40));
        assert_eq!(
            qr_version(&"A".repeat(1853), Ecc::H),
            Err(QrError::DoesNotFit)
        );
    }

    #[test]
    fn module_size_out_of_range_is_rejected() {
        for module_px in [0, MAX_MODULE_PX + 1] {
            let options = RenderOptions {
                module_px,
                ..RenderOptions::default()
            };
            assert_eq!(render_svg("LZ1P:", &options), Err(QrError::InvalidOptions));
        }
    }

    /// Size, scale and quiet zone: every pixel of the PNG (read back by the
    /// `image` crate's decoder, not ours) is the colour of the module of
    /// [`qr_matrix`] it falls in, light in the quiet zone.
    #[test]
    fn png_pixels_are_the_module_matrix_scaled() {
        let text = encode_text(QrKind::Presentation, &random_bytes(9, 360));
        let matrix = qr_matrix(&text, Ecc::M).expect("fits");
        let modules = 17 + 4 * usize::from(qr_version(&text, Ecc::M).expect("fits"));
        assert_eq!(matrix.width, modules);
        for (quiet_zone, margin) in [(true, QUIET_ZONE_MODULES), (false, 0)] {
            for px in [1u32, 3] {
                let options = RenderOptions {
                    ecc: Ecc::M,
                    module_px: px,
                    quiet_zone,
                };
                let png = render_png(&text, &options).expect("renders");
                assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
                let img = image::load_from_memory(&png).expect("valid PNG").to_luma8();
                let side = (modules + 2 * margin) * px as usize;
                assert_eq!((img.width() as usize, img.height() as usize), (side, side));
                let mut dark = 0usize;
                for (x, y, pixel) in img.enumerate_pixels() {
                    // The module this pixel is in, counted from the code's corner.
                    let (mx, my) = (x as usize / px as usize, y as usize / px as usize);
                    let inside = (margin..margin + modules).contains(&mx)
                        && (margin..margin + modules).contains(&my);
                    let want_dark = inside && matrix.is_dark(mx - margin, my - margin);
                    assert_eq!(
                        pixel.0[0],
                        if want_dark { 0 } else { 255 },
                        "pixel ({x}, {y}), px {px}, quiet zone {quiet_zone}"
                    );
                    dark += usize::from(want_dark);
                }
                let dark_modules = matrix.modules.iter().filter(|&&m| m == 1).count();
                assert_eq!(dark, dark_modules * (px * px) as usize);
            }
        }
    }

    #[test]
    fn svg_is_black_on_white_with_the_expected_size() {
        let svg = render_svg("HELLO WORLD", &RenderOptions::default()).expect("renders");
        // Version 1 at M: 21 modules + 8 quiet = 29, at 8 px.
        assert!(svg.contains(r#"width="232" height="232""#), "{svg}");
        assert!(svg.contains(r##"fill="#000000""##));
        assert!(svg.contains(r##"fill="#ffffff""##));
    }

    #[test]
    fn terminal_rendering_reproduces_every_module() {
        let text = encode_text(QrKind::Request, &random_bytes(10, 150));
        let art = render_terminal(&text, Ecc::M).expect("renders");
        let code = render::build(&text, Ecc::M).expect("builds");
        let width = code.width();
        let side = width + 8;
        let lines: Vec<&str> = art.lines().collect();
        assert_eq!(lines.len(), side.div_ceil(2));
        let mut grid = vec![vec![false; side]; side + 1];
        for (row, line) in lines.iter().enumerate() {
            let cells = line
                .strip_prefix("\u{1b}[30;107m")
                .and_then(|l| l.strip_suffix("\u{1b}[0m"))
                .expect("each line is wrapped in black-on-white SGR codes");
            assert_eq!(cells.chars().count(), side);
            for (x, c) in cells.chars().enumerate() {
                let (top, bottom) = match c {
                    ' ' => (false, false),
                    '\u{2580}' => (true, false),
                    '\u{2584}' => (false, true),
                    '\u{2588}' => (true, true),
                    other => panic!("unexpected {other:?}"),
                };
                grid[2 * row][x] = top;
                grid[2 * row + 1][x] = bottom;
            }
        }
        let colors = code.to_colors();
        for y in 0..side {
            for x in 0..side {
                let inside = (4..width + 4).contains(&x) && (4..width + 4).contains(&y);
                let expected = inside && colors[(y - 4) * width + (x - 4)] == qrcode::Color::Dark;
                assert_eq!(grid[y][x], expected, "module ({x}, {y})");
            }
        }
    }
}
