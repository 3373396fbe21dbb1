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

# Debug builds keep file:line tables (backtraces name the line) but not full debug info:
# a smaller target dir. Set CARGO_PROFILE_DEV_DEBUG to override.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")

step() { echo; echo "=================== $* ==================="; }

# Disk: a fresh clone's full run peaks at 9.0 GiB (the clone with its target dir, node and
# Kotlin packages, during the FFI-builds stage; 7.5 GiB at the end), measured with the
# directories below freed as their stage ends; before that it left 15 GB. Say what is free, so
# a full disk is seen as such, and say it after each stage that builds much.
NEED_GB=12 # GiB
disk() {
  local free_kb
  mkdir -p "$TARGET_DIR"
  free_kb=$(df -Pk "$TARGET_DIR" | awk 'NR == 2 { print $4 }')
  echo "-- disk: $((free_kb / 1048576)) GiB free under $TARGET_DIR; target dir $(du -sh "$TARGET_DIR" 2>/dev/null | cut -f1)"
  if (( free_kb < NEED_GB * 1048576 )) && [[ ${1:-} == start ]]; then
    echo "!! test-all: only $((free_kb / 1048576)) GiB free under $TARGET_DIR; a full run needs about $NEED_GB GiB." >&2
    echo "!! It will likely fail with 'No space left on device'. Free some space first." >&2
  fi
}
# Directories only one stage uses are removed when it ends (LZ_KEEP_TARGETS=1 keeps them, for
# faster reruns on a machine with the room): the wasm builds, the reduced FFI builds, the
# shipped-library build.
free_stage_dirs() {
  [[ ${LZ_KEEP_TARGETS:-0} == 1 ]] && return 0
  local d
  for d in "$@"; do
    if [[ -e $TARGET_DIR/$d ]]; then
      rm -rf "${TARGET_DIR:?}/$d"
      echo "-- freed $TARGET_DIR/$d"
    fi
  done
}
disk start

step "install dependencies"
bash scripts/install-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test --workspace (all features)"
cargo test --workspace --all-features
disk

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
disk

step "web counter page: WASM build, vectors in Node, Chromium (scripts/test-web.sh)"
bash scripts/test-web.sh
free_stage_dirs wasm-web wasm-web-bits64
disk

step "FFI builds: verifier and wallet builds, one binding set"
bash scripts/test-ffi-builds.sh
free_stage_dirs ffi-builds ffi-release
disk

step "fuzz smoke run"
bash scripts/fuzz-smoke.sh "${LZ_FUZZ_SECONDS:-5}"

step "all tests passed"
