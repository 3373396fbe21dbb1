//! Issue 14 numbers, from real presentations of the demo data (not stand-in
//! bytes): an ID card with name, ID number and the synthetic portrait, and the
//! hotel company's business license with its 12 permits as one holder-signed
//! bundle. For each: bytes, frames at the recommended symbol size, and the
//! simulated assembly time at 10 frames/s with 0% and 30% of the frames lost
//! (1,000 runs, random start frame; seconds of display). Then the time to
//! verify the whole bundle against the sum of its signature floors (one
//! strict Ed25519 verification, measured in the same run), medians of 201
//! samples.
//!
//! `cargo bench -p liangzheng-examples --bench issue14_report` prints Markdown.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use ed25519_dalek::{Signer as _, SigningKey};
use liangzheng::holder::DeviceSigner as _;
use liangzheng::qr::frames::{
    encode_frames, FrameOptions, RECOMMENDED_FPS, RECOMMENDED_SYMBOL_SIZE,
};
use liangzheng::qr::QrKind;
use liangzheng::verify::{Policy, Verdict, Verifier};
use liangzheng::wallet::Wallet;
use lz_examples::demo::{self, AUTHORITIES, HOTEL_USCC, PERMIT_AUTHORITIES};

#[path = "../../core/benches/support/frame_sim.rs"]
mod frame_sim;
use frame_sim::simulate;

fn stats(mut v: Vec<usize>) -> String {
    v.sort_unstable();
    let at =
        |q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / f64::from(RECOMMENDED_FPS);
    format!("{:.1} / {:.1} / {:.1}", at(0.5), at(0.95), at(1.0))
}

fn row(label: &str, kind: QrKind, body: &[u8]) {
    let frames = encode_frames(kind, body, &FrameOptions::default()).unwrap();
    println!(
        "| {label} | {} | {} | {} | {} | {} |",
        body.len(),
        frames.len() / 2,
        frames.len(),
        stats(simulate(&frames, 0, 1000, 11)),
        stats(simulate(&frames, 30, 1000, 12)),
    );
}

fn median_us(samples: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..samples)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[samples / 2]
}

fn main() {
    let now = demo::DEMO_NOW;
    let policy = Policy::at(now.plus(5));
    // ID card with portrait.
    let zhang = demo::holder_ed25519("张三的手机");
    let card = demo::issuer(&AUTHORITIES[0])
        .issue(
            &demo::id_card_with_portrait_claims(),
            Some(&zhang.public_key()),
            now.minus(3600),
        )
        .unwrap();
    let mut w = Wallet::new(zhang);
    let i = w.add(card).unwrap();
    let portrait = w
        .present_bytes(i, &["name", "id_number", "portrait"], now)
        .unwrap();
    let plain = w.present_bytes(i, &["name", "id_number"], now).unwrap();
    // Bundle: business license + 12 permits, holder-signed.
    let phone = demo::holder_ed25519("杭州示例酒店的手机");
    let key = phone.public_key();
    let mut hw = Wallet::new(phone);
    hw.add(
        demo::issuer(&AUTHORITIES[1])
            .issue(&demo::hotel_business_claims(), Some(&key), now.minus(3600))
            .unwrap(),
    )
    .unwrap();
    for (a, c) in demo::hotel_permit_claims(HOTEL_USCC) {
        hw.add(
            demo::issuer(&PERMIT_AUTHORITIES[a])
                .issue(&c, Some(&key), now.minus(3600))
                .unwrap(),
        )
        .unwrap();
    }
    let summary: &[&str] = &["uscc", "name", "license_number"];
    let members: Vec<(usize, &[&str])> = (0..hw.len()).map(|i| (i, summary)).collect();
    let bundle = hw.present_bundle(&members, now).unwrap();
    let all: Vec<Vec<String>> = (0..hw.len())
        .map(|i| {
            hw.license_type(i)
                .unwrap()
                .fields
                .iter()
                .map(|f| f.key.clone())
                .collect()
        })
        .collect();
    let all_refs: Vec<Vec<&str>> = all
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let full_members: Vec<(usize, &[&str])> = all_refs
        .iter()
        .enumerate()
        .map(|(i, v)| (i, v.as_slice()))
        .collect();
    let bundle_full = hw.present_bundle(&full_members, now).unwrap();

    println!(
        "Frames at symbol size {RECOMMENDED_SYMBOL_SIZE} B (QR version 10, ECC M), {RECOMMENDED_FPS} frames/s; \
         assembly seconds median / p95 / worst of 1,000 simulated runs, random start frame."
    );
    println!();
    println!("| presentation | bytes | frames needed (K) | frames per loop | 0% loss | 30% loss |");
    println!("|---|---:|---:|---:|---|---|");
    row(
        "ID card: name + ID number (reference)",
        QrKind::Presentation,
        &plain,
    );
    row(
        &format!(
            "ID card: name + ID number + portrait ({} B JPEG)",
            demo::SYNTHETIC_FACE.len()
        ),
        QrKind::Presentation,
        &portrait,
    );
    row(
        "business license + 12 permits, uscc + name + number each",
        QrKind::Bundle,
        &bundle,
    );
    row(
        "business license + 12 permits, every field",
        QrKind::Bundle,
        &bundle_full,
    );

    let mut v = Verifier::new(demo::bundle_trust_store());
    for t in demo::status_tokens(now.minus(60), 86_400)
        .into_iter()
        .chain(demo::bundle_status_tokens(now.minus(60), 86_400))
    {
        v.add_status_list(&t).unwrap();
    }
    let r = v.verify_bundle(&bundle, &policy);
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.summary());
    // Floor: one strict verify per member's issuer signature plus one per
    // distinct holder signature (one phone signs the whole bundle: 13 + 1).
    let sigs = r.members.len() + 1;
    let sigs_uncached = 2 * r.members.len();
    let sk = SigningKey::from_bytes(&[7; 32]);
    let vk = sk.verifying_key();
    let msg = vec![0x5a; 300];
    let sig = sk.sign(&msg);
    let floor = median_us(201, || {
        assert!(vk.verify_strict(std::hint::black_box(&msg), &sig).is_ok());
    });
    let whole = median_us(201, || {
        assert_eq!(
            v.verify_bundle(std::hint::black_box(&bundle), &policy)
                .verdict,
            Verdict::Valid
        );
    });
    let single = median_us(201, || {
        assert_eq!(
            v.verify_body(std::hint::black_box(&portrait), &policy)
                .verdict,
            Verdict::Valid
        );
    });
    println!();
    println!(
        "Bundle verify (13 members, {sigs} distinct Ed25519 signatures: 13 issuer + the holder's one signature, verified once \
         for the 13 members that share its key): median {whole:.0} µs; floor 1 strict Ed25519 verify {floor:.1} µs × {sigs} = {:.0} µs; \
         ratio {:.2}× (against the uncached {sigs_uncached}-signature floor {:.0} µs: {:.2}×).",
        floor * sigs as f64,
        whole / (floor * sigs as f64),
        floor * sigs_uncached as f64,
        whole / (floor * sigs_uncached as f64)
    );
    println!(
        "ID card + portrait presentation verify (2 Ed25519 signatures, portrait header check): median {single:.0} µs; floor × 2 = {:.0} µs; ratio {:.2}×.",
        floor * 2.0,
        single / (floor * 2.0)
    );
}
