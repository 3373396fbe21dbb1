//! P-256 verify per candidate, with the Ed25519 `verify_strict` floor in the same run.
use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::Signer as _;
use p256_compare::*;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let f = Fixture::new();
    let mut g = c.benchmark_group("p256-verify");
    let ed = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let ed_sig = ed.sign(&f.message);
    let ed_vk = ed.verifying_key();
    g.bench_function("ed25519-dalek verify_strict (floor)", |b| {
        b.iter(|| ed_vk.verify_strict(black_box(&f.message), black_box(&ed_sig)).is_ok())
    });
    let k = P256v013::new(&f.compressed).expect("key");
    g.bench_function("p256 0.13.2", |b| b.iter(|| k.verify(black_box(&f.message), black_box(&f.signature))));
    let k = P256v014::new(&f.compressed).expect("key");
    g.bench_function("p256 0.14.0 precomputed-tables", |b| {
        b.iter(|| k.verify(black_box(&f.message), black_box(&f.signature)))
    });
    let k = Ring::new(&f.uncompressed).expect("key");
    g.bench_function("ring 0.17.14", |b| b.iter(|| k.verify(black_box(&f.message), black_box(&f.signature))));
    let k = Libcrux::new(&f.uncompressed).expect("key");
    g.bench_function("libcrux-ecdsa 0.0.9", |b| b.iter(|| k.verify(black_box(&f.message), black_box(&f.signature))));
    let k = Graviola::new(&f.uncompressed).expect("key");
    g.bench_function("graviola 0.4.4", |b| b.iter(|| k.verify(black_box(&f.message), black_box(&f.signature))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
