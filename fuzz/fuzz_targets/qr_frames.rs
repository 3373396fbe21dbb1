//! Multi-frame assembler: frame header parsing, bounds, RaptorQ decoding of
//! hostile symbols, message hash, bounded inflate.
//!
//! Input: records `tag u8 | len u16 BE | bytes`. Tag 0: the bytes are a
//! frame text as scanned (UTF-8). Any other tag: the bytes are the binary
//! frame, sent as `LZ1F:` + Base45 (so the fuzzer mutates header fields
//! directly). Every record is pushed into one assembler.
#![no_main]
use liangzheng::qr::base45;
use liangzheng::qr::frames::{FrameAssembler, FrameEncoder, FrameStatus, FRAME_PREFIX};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut assembler = FrameAssembler::new();
    let mut rest = data;
    while let [tag, hi, lo, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(tail.len());
        let (chunk, next) = tail.split_at(len);
        rest = next;
        let text = if *tag == 0 {
            match std::str::from_utf8(chunk) {
                Ok(t) => t.to_owned(),
                Err(_) => continue,
            }
        } else {
            format!("{FRAME_PREFIX}{}", base45::encode(chunk))
        };
        if let Ok(FrameStatus::Complete(p)) = assembler.push(&text) {
            // What assembles must re-encode and assemble to the same body.
            let encoder = FrameEncoder::new(p.kind, &p.body, 64).expect("assembled body re-encodes");
            let frames = encoder.frames(encoder.source_frames()).expect("frames");
            let mut again = FrameAssembler::new();
            let body = frames.iter().find_map(|f| match again.push(f) {
                Ok(FrameStatus::Complete(q)) => Some(q.body),
                _ => None,
            });
            assert_eq!(body.as_ref(), Some(&p.body));
        }
        if let Some(progress) = assembler.progress() {
            assert!(progress.percent < 100);
        }
    }
});
