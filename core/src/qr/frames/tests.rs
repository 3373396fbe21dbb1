//! Unit tests of the multi-frame transport, one rule per test.

use super::super::{base45, decode_text, qr_version, Ecc, QrError, QrKind, RenderOptions};
use super::*;

/// xorshift64: deterministic pseudo-random numbers for bodies and losses.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[3]).collect()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Pushes every text; returns the payload and how many texts it took.
fn assemble<'a>(
    assembler: &mut FrameAssembler,
    texts: impl IntoIterator<Item = &'a String>,
) -> Option<(crate::qr::QrPayload, usize)> {
    for (i, text) in texts.into_iter().enumerate() {
        if let FrameStatus::Complete(payload) = assembler.push(text).expect("honest frame") {
            return Some((payload, i + 1));
        }
    }
    None
}

/// Decodes a frame text to its bytes (test helper for forging).
fn frame_bytes(text: &str) -> Vec<u8> {
    base45::decode(text.strip_prefix(FRAME_PREFIX).expect("prefix")).expect("base45")
}

fn frame_text(bytes: &[u8]) -> String {
    format!("{FRAME_PREFIX}{}", base45::encode(bytes))
}

#[test]
fn frames_in_order_assemble_the_body() {
    let body = Rng::new(1).bytes(2500);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let k = 2502usize.div_ceil(usize::from(RECOMMENDED_SYMBOL_SIZE));
    assert_eq!(frames.len(), 2 * k, "loop = source + as many repair frames");
    let (payload, used) = assemble(&mut FrameAssembler::new(), &frames).expect("completes");
    assert_eq!(payload.kind, QrKind::Presentation);
    assert_eq!(payload.body, body);
    assert!(!payload.compressed);
    assert_eq!(used, k, "the source frames alone suffice");
}

#[test]
fn every_frame_is_alphanumeric_and_of_one_version() {
    let body = Rng::new(2).bytes(1800);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    for f in &frames {
        assert!(f.starts_with("LZ1F:"));
        assert_eq!(f.len(), frames[0].len());
        assert_eq!(qr_version(f, Ecc::M), Ok(RECOMMENDED_VERSION));
    }
}

#[test]
fn the_recommended_symbol_size_fills_version_10_at_m() {
    assert_eq!(
        symbol_size_for_version(RECOMMENDED_VERSION, Ecc::M),
        Ok(RECOMMENDED_SYMBOL_SIZE)
    );
    // One byte more needs the next version.
    let chars = |size: usize| FRAME_PREFIX.len() + base45::encoded_len(FRAME_HEADER_LEN + size);
    let size = usize::from(RECOMMENDED_SYMBOL_SIZE);
    assert_eq!(qr_version(&"A".repeat(chars(size)), Ecc::M), Ok(10));
    assert_eq!(qr_version(&"A".repeat(chars(size + 1)), Ecc::M), Ok(11));
    assert_eq!(
        symbol_size_for_version(0, Ecc::M),
        Err(FrameError::InvalidOptions)
    );
}

#[test]
fn thirty_percent_loss_in_any_order_still_assembles() {
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed);
        let len = 600 + rng.below(3000);
        let body = rng.bytes(len);
        let frames =
            encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
        let mut kept: Vec<&String> = frames.iter().filter(|_| rng.below(100) >= 30).collect();
        rng.shuffle(&mut kept);
        let k = (body.len() + 2).div_ceil(usize::from(RECOMMENDED_SYMBOL_SIZE));
        if kept.len() < k + 2 {
            // Too few survived this loop: the animation loops, so add a
            // second pass with its own losses, as a camera would see it.
            let again: Vec<&String> = frames.iter().filter(|_| rng.below(100) >= 30).collect();
            kept.extend(again);
        }
        let (payload, used) = assemble(&mut FrameAssembler::new(), kept.iter().copied())
            .unwrap_or_else(|| panic!("seed {seed}: {} frames kept, K = {k}", kept.len()));
        assert_eq!(payload.body, body, "seed {seed}");
        assert!(
            used >= k,
            "seed {seed}: fewer than K frames cannot be enough"
        );
    }
}

#[test]
fn distinct_frames_needed_are_k_or_barely_more() {
    // RaptorQ: any K received symbols decode with probability ~99%, K+2 with
    // ~99.9999%. Count distinct frames needed over many random subsets.
    let mut extra = [0usize; 4];
    for seed in 0..300u64 {
        let mut rng = Rng::new(1000 + seed);
        let body = rng.bytes(1500);
        let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
        let k = encoder.source_frames() as usize;
        let mut indexes: Vec<u32> = (0..(3 * k) as u32).collect();
        rng.shuffle(&mut indexes);
        let texts: Vec<String> = indexes
            .iter()
            .map(|&i| encoder.frame(i).expect("frame"))
            .collect();
        let (payload, used) = assemble(&mut FrameAssembler::new(), &texts).expect("completes");
        assert_eq!(payload.body, body);
        extra[(used - k).min(3)] += 1;
    }
    assert!(
        extra[0] >= 270,
        "K frames should almost always do: {extra:?}"
    );
    assert_eq!(extra[3], 0, "never 3 or more extra: {extra:?}");
}

#[test]
fn interleaved_codes_never_mix() {
    let mut rng = Rng::new(7);
    let a = rng.bytes(2000);
    let b = rng.bytes(2200);
    let fa = encode_frames(QrKind::Presentation, &a, &FrameOptions::default()).expect("ok");
    let fb = encode_frames(QrKind::Presentation, &b, &FrameOptions::default()).expect("ok");
    let mut assembler = FrameAssembler::new();
    let mut done = Vec::new();
    let mut other = 0;
    for (x, y) in fa.iter().zip(fb.iter()) {
        for text in [x, y] {
            match assembler.push(text).expect("honest") {
                FrameStatus::Complete(p) => done.push(p.body),
                FrameStatus::OtherCode(_) => other += 1,
                _ => {}
            }
        }
    }
    assert!(other > 0, "frames of the second code were set aside");
    assert_eq!(done.first(), Some(&a), "the first code completes, unmixed");
    // After the first completes, the second one's frames start a new assembly.
    assert_eq!(done.get(1), Some(&b), "then the second one, unmixed");
    assert_eq!(done.len(), 2);
}

#[test]
fn looping_frames_after_completion_are_already_complete() {
    let body = Rng::new(8).bytes(900);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let mut assembler = FrameAssembler::new();
    assemble(&mut assembler, &frames).expect("completes");
    assert_eq!(assembler.push(&frames[0]), Ok(FrameStatus::AlreadyComplete));
    assert_eq!(assembler.progress(), None);
}

#[test]
fn duplicates_are_reported_and_progress_never_reaches_100_early() {
    let body = Rng::new(9).bytes(3000);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let k = frames.len() / 2;
    let mut assembler = FrameAssembler::new();
    let mut last = 0;
    for (i, f) in frames.iter().take(k - 1).enumerate() {
        match assembler.push(f).expect("honest") {
            FrameStatus::Accepted(p) => {
                assert_eq!(p.frames_seen as usize, i + 1);
                assert_eq!(p.frames_needed as usize, k);
                assert!(p.percent >= last && p.percent < 100);
                last = p.percent;
            }
            other => panic!("frame {i}: {other:?}"),
        }
    }
    match assembler.push(&frames[0]).expect("honest") {
        FrameStatus::Duplicate(p) => assert_eq!(p.frames_seen as usize, k - 1),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        assembler.push(&frames[k - 1]),
        Ok(FrameStatus::Complete(_))
    ));
}

#[test]
fn a_stale_code_gives_way_to_a_new_one() {
    let mut rng = Rng::new(10);
    let a = rng.bytes(3000);
    let b = rng.bytes(400);
    let fa = encode_frames(QrKind::Presentation, &a, &FrameOptions::default()).expect("ok");
    let encoder_b = FrameEncoder::new(QrKind::Presentation, &b, 32).expect("ok");
    let mut assembler = FrameAssembler::new();
    assembler.push(&fa[0]).expect("honest");
    // The holder of A walks away; B's frames keep coming.
    let mut statuses = Vec::new();
    for i in 0..SWITCH_AFTER_FOREIGN + 40 {
        statuses.push(
            assembler
                .push(&encoder_b.frame(i).expect("frame"))
                .expect("honest"),
        );
    }
    let others = statuses
        .iter()
        .filter(|s| matches!(s, FrameStatus::OtherCode(_)))
        .count();
    assert_eq!(others as u32, SWITCH_AFTER_FOREIGN - 1);
    let done = statuses.iter().find_map(|s| match s {
        FrameStatus::Complete(p) => Some(p.body.clone()),
        _ => None,
    });
    assert_eq!(done, Some(b));
}

#[test]
fn compressible_bodies_travel_compressed() {
    let body = "食品经营许可证 ".repeat(300).into_bytes();
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
    assert!((encoder.message_len() as usize) < body.len() / 10);
    let frames = encoder.frames(encoder.source_frames()).expect("frames");
    let (payload, _) = assemble(&mut FrameAssembler::new(), &frames).expect("completes");
    assert!(payload.compressed);
    assert_eq!(payload.body, body);
}

#[test]
fn requests_can_travel_as_frames_too() {
    let body = Rng::new(11).bytes(700);
    let frames = encode_frames(QrKind::Request, &body, &FrameOptions::default()).expect("ok");
    let (payload, _) = assemble(&mut FrameAssembler::new(), &frames).expect("completes");
    assert_eq!(payload.kind, QrKind::Request);
}

#[test]
fn truncated_frames_are_rejected() {
    let body = Rng::new(12).bytes(1000);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let bytes = frame_bytes(&frames[0]);
    let full = bytes.len();
    let mut assembler = FrameAssembler::new();
    for cut in [1, 2, 10, full - FRAME_HEADER_LEN, full - 5] {
        let text = frame_text(&bytes[..full - cut]);
        let expected = if full - cut < FRAME_HEADER_LEN {
            FRAME_HEADER_LEN
        } else {
            full
        };
        assert_eq!(
            assembler.push(&text),
            Err(FrameError::Truncated {
                expected,
                actual: full - cut
            }),
            "cut {cut}"
        );
    }
    // A padded frame is no better.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        assembler.push(&frame_text(&longer)),
        Err(FrameError::Truncated { .. })
    ));
    // A text cut mid-Base45 group.
    let text = &frames[0][..frames[0].len() - 1];
    assert!(matches!(
        assembler.push(text),
        Err(FrameError::Base45(_) | FrameError::Truncated { .. })
    ));
    assert_eq!(assembler.progress(), None, "nothing was taken in");
}

#[test]
fn a_forged_frame_is_caught_by_the_hash() {
    let body = Rng::new(13).bytes(1500);
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
    let k = encoder.source_frames();
    let mut forged = frame_bytes(&encoder.frame(3).expect("frame"));
    forged[FRAME_HEADER_LEN + 10] ^= 0x40;
    let mut assembler = FrameAssembler::new();
    let mut result = None;
    for i in 0..k {
        let text = if i == 3 {
            frame_text(&forged)
        } else {
            encoder.frame(i).expect("frame")
        };
        match assembler.push(&text) {
            Ok(_) => {}
            Err(e) => {
                result = Some(e);
                break;
            }
        }
    }
    assert_eq!(result, Some(FrameError::HashMismatch));
    assert_eq!(assembler.progress(), None, "started over");
    // The honest frames assemble afterwards.
    let honest = encoder.frames(k).expect("frames");
    assert_eq!(
        assemble(&mut assembler, &honest).expect("completes").0.body,
        body
    );
}

#[test]
fn a_forged_repair_frame_is_caught_by_the_hash() {
    let body = Rng::new(14).bytes(1500);
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
    let k = encoder.source_frames();
    let mut forged = frame_bytes(&encoder.frame(k + 5).expect("frame"));
    forged[FRAME_HEADER_LEN] ^= 1;
    let mut assembler = FrameAssembler::new();
    assembler
        .push(&frame_text(&forged))
        .expect("looks fine alone");
    let mut error = None;
    for i in 1..k {
        if let Err(e) = assembler.push(&encoder.frame(i).expect("frame")) {
            error = Some(e);
            break;
        }
    }
    assert_eq!(error, Some(FrameError::HashMismatch));
}

#[test]
fn two_versions_of_one_frame_conflict() {
    let body = Rng::new(15).bytes(1500);
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
    let honest = encoder.frame(2).expect("frame");
    let mut forged = frame_bytes(&honest);
    forged[FRAME_HEADER_LEN] ^= 1;
    let mut assembler = FrameAssembler::new();
    assembler.push(&honest).expect("honest");
    assert_eq!(
        assembler.push(&frame_text(&forged)),
        Err(FrameError::ConflictingFrame { index: 2 })
    );
}

#[test]
fn a_header_that_contradicts_the_code_is_rejected() {
    let body = Rng::new(16).bytes(1500);
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 179).expect("ok");
    let mut assembler = FrameAssembler::new();
    assembler
        .push(&encoder.frame(0).expect("frame"))
        .expect("honest");
    let mut forged = frame_bytes(&encoder.frame(1).expect("frame"));
    forged[19] ^= 1; // message length, low byte
    assert_eq!(
        assembler.push(&frame_text(&forged)),
        Err(FrameError::InconsistentHeader)
    );
}

/// A frame with the given header fields and a symbol of `symbol_len` bytes.
fn raw_frame(message_len: u32, symbol_size: u16, index: u32, symbol_len: usize) -> String {
    let mut bytes = vec![0xAB; ID_LEN];
    bytes.extend_from_slice(&message_len.to_be_bytes());
    bytes.extend_from_slice(&symbol_size.to_be_bytes());
    bytes.extend_from_slice(&index.to_be_bytes()[1..]);
    bytes.extend(std::iter::repeat_n(0, symbol_len));
    frame_text(&bytes)
}

#[test]
fn hostile_headers_are_rejected_before_allocating() {
    let mut a = FrameAssembler::new();
    let max = MAX_MESSAGE_LEN;
    assert_eq!(
        a.push(&raw_frame(0, 100, 0, 100)),
        Err(FrameError::BadMessageLength { len: 0, max })
    );
    assert_eq!(
        a.push(&raw_frame(u32::MAX, 100, 0, 100)),
        Err(FrameError::BadMessageLength { len: u32::MAX, max })
    );
    assert_eq!(
        a.push(&raw_frame(max as u32 + 1, 100, 0, 100)),
        Err(FrameError::BadMessageLength {
            len: max as u32 + 1,
            max
        })
    );
    assert_eq!(
        a.push(&raw_frame(1000, 0, 0, 0)),
        Err(FrameError::BadSymbolSize { size: 0 })
    );
    assert_eq!(
        a.push(&raw_frame(1000, MIN_SYMBOL_SIZE - 1, 0, 15)),
        Err(FrameError::BadSymbolSize { size: 15 })
    );
    assert_eq!(
        a.push(&raw_frame(1000, MAX_SYMBOL_SIZE + 1, 0, 16)),
        Err(FrameError::BadSymbolSize {
            size: MAX_SYMBOL_SIZE + 1
        })
    );
    assert_eq!(
        a.push(&raw_frame(max as u32, 32, 0, 32)),
        Err(FrameError::TooManySymbols {
            symbols: max / 32,
            max: MAX_SOURCE_SYMBOLS
        })
    );
    assert_eq!(
        a.push(&raw_frame(1000, 100, MAX_FRAME_INDEX + 1, 100)),
        Err(FrameError::BadIndex {
            index: MAX_FRAME_INDEX + 1
        })
    );
    // At the limits the header is fine (the symbol is random, so no hash).
    assert!(matches!(
        a.push(&raw_frame(max as u32, 64, MAX_FRAME_INDEX, 64)),
        Ok(FrameStatus::Accepted(_))
    ));
}

#[test]
fn foreign_texts_are_not_frames() {
    let mut a = FrameAssembler::new();
    assert_eq!(a.push(""), Err(FrameError::Empty));
    assert_eq!(a.push("\r\n"), Err(FrameError::Empty));
    assert_eq!(a.push("LZ1P:BB8"), Err(FrameError::NotAFrame));
    assert_eq!(a.push("HC1:6BF"), Err(FrameError::NotAFrame));
    let long = "A".repeat(crate::qr::MAX_QR_TEXT_LEN + 1);
    assert!(matches!(a.push(&long), Err(FrameError::TooLong { .. })));
}

#[test]
fn scanner_gun_frames_are_restored() {
    let body = Rng::new(17).bytes(800);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let typed: Vec<String> = frames
        .iter()
        .map(|f| format!("{}\r\n", f.to_ascii_lowercase()))
        .collect();
    assert_eq!(
        assemble(&mut FrameAssembler::new(), &typed)
            .expect("completes")
            .0
            .body,
        body
    );
}

#[test]
fn a_single_symbol_decoder_points_to_the_assembler() {
    let frames =
        encode_frames(QrKind::Presentation, &[1; 300], &FrameOptions::default()).expect("ok");
    assert_eq!(decode_text(&frames[0]), Err(QrError::FrameOfAnimatedCode));
}

#[test]
fn needs_frames_follows_the_version() {
    let small = crate::qr::encode_text(QrKind::Presentation, &[5; 300]);
    assert_eq!(needs_frames(&small, Ecc::M, 25), Ok(false));
    let large = crate::qr::encode_text(QrKind::Presentation, &Rng::new(18).bytes(2000));
    assert_eq!(needs_frames(&large, Ecc::M, 25), Ok(true));
    let huge = "A".repeat(5000);
    assert_eq!(needs_frames(&huge, Ecc::M, 40), Ok(true));
}

#[test]
fn options_out_of_range_are_rejected() {
    let body = [1u8; 100];
    assert_eq!(
        FrameEncoder::new(QrKind::Presentation, &body, 8).map(|_| ()),
        Err(FrameError::BadSymbolSize { size: 8 })
    );
    assert!(
        FrameEncoder::new(QrKind::Presentation, &[], 100).is_ok(),
        "2-byte message"
    );
    let encoder = FrameEncoder::new(QrKind::Presentation, &body, 100).expect("ok");
    assert_eq!(encoder.frames(0), Err(FrameError::InvalidOptions));
    assert_eq!(
        encoder.frame(MAX_FRAME_INDEX + 1),
        Err(FrameError::BadIndex {
            index: MAX_FRAME_INDEX + 1
        })
    );
    assert!(encoder.frame(MAX_FRAME_INDEX).is_ok());
    assert!(FrameEncoder::new(
        QrKind::Presentation,
        &Rng::new(3).bytes(MAX_MESSAGE_LEN),
        2048
    )
    .is_err());
}

#[test]
fn gif_has_every_frame_at_the_chosen_rate() {
    let body = Rng::new(19).bytes(1200);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let options = RenderOptions {
        module_px: 4,
        ..RenderOptions::default()
    };
    let gif = render_gif(&frames, &options, 10).expect("renders");
    let mut decoder = gif::DecodeOptions::new();
    decoder.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = decoder.read_info(gif.as_slice()).expect("valid GIF");
    let side = (57 + 8) * 4;
    assert_eq!(usize::from(decoder.width()), side);
    let mut count = 0;
    while let Some(frame) = decoder.read_next_frame().expect("frame") {
        assert_eq!(frame.delay, 10);
        // Pixel-for-pixel the PNG renderer's picture of the same text.
        let png = crate::qr::render_png(&frames[count], &options).expect("png");
        let img = image::load_from_memory(&png).expect("png").to_luma8();
        for (i, &p) in frame.buffer.iter().enumerate() {
            let expected = if img.as_raw()[i] < 128 { 1 } else { 0 };
            assert_eq!(p, expected, "frame {count} pixel {i}");
        }
        count += 1;
    }
    assert_eq!(count, frames.len());
    assert_eq!(render_gif(&[], &options, 10), Err(QrError::InvalidOptions));
    assert_eq!(
        render_gif(&frames, &options, 0),
        Err(QrError::InvalidOptions)
    );
    let mixed = vec![frames[0].clone(), "LZ1P:BB8".to_owned()];
    assert_eq!(
        render_gif(&mixed, &options, 10),
        Err(QrError::InvalidOptions)
    );
}

#[test]
fn completion_reports_the_frames_it_took_and_reset_forgets_it() {
    let body = Rng::new(14).bytes(1500);
    let frames = encode_frames(QrKind::Presentation, &body, &FrameOptions::default()).expect("ok");
    let mut assembler = FrameAssembler::new();
    assert_eq!(assembler.completed_progress(), None);
    // Start at the last frame and go backwards (repair frames first).
    let (payload, used) = assemble(&mut assembler, frames.iter().rev()).expect("assembled");
    assert_eq!(payload.body, body);
    let done = assembler.completed_progress().expect("completed");
    assert_eq!(done.percent, 100);
    assert_eq!(done.frames_seen as usize, used);
    assert_eq!(done.frames_needed, frames.len() as u32 / 2);
    assert!(done.frames_seen >= done.frames_needed);
    // Later frames of the same code change nothing.
    assert_eq!(assembler.push(&frames[0]), Ok(FrameStatus::AlreadyComplete));
    assert_eq!(assembler.completed_progress(), Some(done));
    assembler.reset();
    assert_eq!(assembler.completed_progress(), None);
}
