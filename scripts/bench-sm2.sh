#!/usr/bin/env bash
# SM2 implementations side by side, in one run, with the Ed25519 floor (ed25519-dalek
# verify_strict), P-256 references (RustCrypto p256, ring) and OpenSSL's `speed` for SM2,
# Ed25519 and P-256. Prints one table of medians and ratios (docs/benchmarks.md, "SM2").
#
#   scripts/bench-sm2.sh              # 2 s per bench, openssl speed 3 s per algorithm
#   MEASURE=5 OPENSSL_SECONDS=5 scripts/bench-sm2.sh
#
# The crate benches/sm2-compare is outside the workspace (own Cargo.lock), so
# `cargo test --workspace` never builds the candidates. Its tests check every candidate
# against the GM/T 0003.5 published signature and against RustCrypto before timing.
# Honours CARGO_TARGET_DIR. Needs the `openssl` binary (fails when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/benches/sm2-compare"
command -v openssl >/dev/null || { echo "bench-sm2: openssl not found (scripts/install-deps.sh)" >&2; exit 1; }
MEASURE="${MEASURE:-2}"
export OPENSSL_SECONDS="${OPENSSL_SECONDS:-3}"
echo "== correctness of every candidate (GM/T 0003.5 example, cross-verification, range checks)"
cargo test --release --locked -- --nocapture
echo "== bench"
cargo bench --locked --bench sm2 -- --warm-up-time 1 --measurement-time "$MEASURE" --noplot
