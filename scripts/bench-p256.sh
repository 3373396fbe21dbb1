#!/usr/bin/env bash
# P-256 ECDSA verification side by side, in one run, with the Ed25519 floor (ed25519-dalek
# verify_strict): RustCrypto p256 0.13 (core's pure-Rust default), p256 0.14.0 with
# precomputed-tables, ring 0.17 (C/asm; core feature p256-ring), libcrux-ecdsa 0.0.9 and
# graviola 0.4.4 (docs/benchmarks.md, "P-256 verification side by side").
#
#   scripts/bench-p256.sh              # 3 s per bench
#   MEASURE=5 scripts/bench-p256.sh
#
# The crate benches/p256-compare is outside the workspace (own Cargo.lock), so
# `cargo test --workspace` never builds the candidates. Its tests check that every candidate
# accepts the good signature and refuses the same bad ones (flipped bit, other message,
# r = n, s = 0, short signature) and agrees with p256 0.13 on high s, before timing.
# Honours CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/benches/p256-compare"
MEASURE="${MEASURE:-3}"
echo "== correctness of every candidate"
cargo test --release --locked
echo "== bench"
cargo bench --locked --bench p256 -- --warm-up-time 1 --measurement-time "$MEASURE"
