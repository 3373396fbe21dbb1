#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust tests (core, examples, ffi), docs,
# the independent Python verifier, the Kotlin and Python binding suites, the
# binding staleness check, the Swift header check, the web counter page (WASM in
# Node and Chromium), and a fuzz smoke run.
# Installs what it needs first (scripts/install-deps.sh). Fails on the first error.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# Property tests draw their cases from one fixed seed, so a run here and in CI
# test the same cases: a failure reproduces, and a green run is not luck.
# scripts/proptest-explore.sh looks beyond it (fresh seeds, many cases).
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261202}"

step() { echo; echo "=================== $* ==================="; }

step "install dependencies"
bash scripts/install-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test --workspace (all features)"
cargo test --workspace --all-features

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features

step "independent Python verifier (tests/python)"
python3 -m pytest -q tests/python

step "bindings: staleness check"
bash scripts/gen-bindings.sh --check

step "bindings: Kotlin suite"
bash scripts/test-kotlin.sh

step "bindings: Python suite"
bash scripts/test-python.sh

step "bindings: Python wheel (maturin), installed in a fresh venv (scripts/test-wheel.sh)"
bash scripts/test-wheel.sh

step "registry: SQLite + PostgreSQL suite, concurrency, crash test, SoftHSM2 (scripts/test-registry.sh)"
bash scripts/test-registry.sh

step "web counter page: WASM build, vectors in Node, Chromium (scripts/test-web.sh)"
bash scripts/test-web.sh

step "FFI builds: verifier and wallet builds, one binding set"
bash scripts/test-ffi-builds.sh

step "fuzz smoke run"
bash scripts/fuzz-smoke.sh "${LZ_FUZZ_SECONDS:-5}"

step "all tests passed"
