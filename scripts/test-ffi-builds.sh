#!/usr/bin/env bash
# The builds of the FFI library (docs/decisions/0013-ffi-builds.md, 0021-wallet-lean-build.md) and
# their one binding set:
#   1. core builds without its default features (no QR rendering, no qrcode/png), and with QR
#      drawing but no PNG or animated codes (qr-draw);
#   2. each reduced build (verifier, verifier-lean, wallet-lean, wallet) compiles, passes clippy -D warnings and runs
#      its unit tests (which check that what it leaves out fails with not_in_this_build);
#   3. bindings generated from each reduced build's library are byte-identical to the
#      committed ones (generated from the full build): one binding set for every build;
#   4. the committed Python module runs against each reduced library: library_build()
#      names it, every test vector verifies as expected, frames of a portrait and of
#      一照通 bundles made by the full build assemble and verify, and every part it leaves
#      out raises LzError.NotInThisBuild; the wallet-lean build presents a license issued by the
#      full build, draws it as a module matrix that zxing-cpp reads back, answers a request, and
#      the full build verifies both;
#   5. scripts/build-xcframework.sh (macOS only, not runnable here) parses and dry-runs.
# The reduced builds use their own target directory ($CARGO_TARGET_DIR/ffi-builds) so they
# never overwrite the full debug library the other suites load. Fails loudly, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
die() { echo "test-ffi-builds: error: $*" >&2; exit 1; }
py=${PYTHON:-python3}
"$py" -c 'import pytest' 2>/dev/null || die "pytest missing (scripts/install-deps.sh installs it)"

echo "== core without default features"
cargo check --quiet -p liangzheng --no-default-features
cargo check --quiet -p liangzheng --no-default-features --features qr-draw

builds_dir=${CARGO_TARGET_DIR:-$root/target}/ffi-builds
# In a workspace build ffi's default feature p256-ring is unified into core, so the pure-Rust
# ES256 backend (core's default, the one wasm uses) gets its own run here: core alone.
echo "== core's ES256 backends agree with p256 (pure-Rust default, then ring)"
CARGO_TARGET_DIR=$builds_dir cargo test --quiet -p liangzheng --lib alg::p256_backend
CARGO_TARGET_DIR=$builds_dir cargo test --quiet -p liangzheng --lib --features p256-ring alg::p256_backend

scripts/gen-bindings.sh --check >/dev/null
bindgen=${CARGO_TARGET_DIR:-$root/target}/debug/uniffi-bindgen
[[ -x $bindgen ]] || die "$bindgen missing after gen-bindings.sh --check"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Animated codes (a portrait, 一照通 bundles) made by the full build, for every build to
# assemble and verify: the verifier build has no wallet or issuer to make them itself.
echo "== full build: frames of a portrait and of bundles, for the reduced builds"
full_lib=${CARGO_TARGET_DIR:-$root/target}/debug/libliangzheng_ffi.so
[[ -f $full_lib ]] || die "$full_lib missing after gen-bindings.sh --check"
mkdir -p "$work/full-py"
cp bindings/python/liangzheng_ffi.py "$full_lib" "$work/full-py/"
PYTHONPATH="$work/full-py" "$py" bindings/python/build_tests/make_frames.py "$work/frames.json" \
  || die "make_frames.py failed"
# The cargo features of each build (as scripts/size-report-ffi.sh names them).
features_of() {
  case $1 in
    verifier-lean) echo counter ;;  # the verifier without the FrameAssembler (no raptorq)
    wallet-lean) echo holder,render ;;  # the wallet without Verifier and animated codes
    *) echo "$1" ;;
  esac
}
for build in verifier verifier-lean wallet-lean wallet; do
  features=(--no-default-features --features "$(features_of "$build")")
  echo "== $build build: check, clippy, unit tests"
  CARGO_TARGET_DIR=$builds_dir cargo clippy --quiet -p liangzheng-ffi --lib --tests "${features[@]}" -- -D warnings
  LZ_EXPECT_BUILD=$build CARGO_TARGET_DIR=$builds_dir cargo test --quiet -p liangzheng-ffi --lib "${features[@]}"
  CARGO_TARGET_DIR=$builds_dir cargo build --quiet -p liangzheng-ffi --lib "${features[@]}"
  lib=$builds_dir/debug/libliangzheng_ffi.so
  [[ -f $lib ]] || die "$lib not built"

  echo "== $build build: bindings identical to the committed (full-build) ones"
  mkdir -p "$work/$build/bindings" "$work/$build/py"
  for lang in kotlin swift python; do
    "$bindgen" generate --library "$lib" --language "$lang" --out-dir "$work/$build/bindings/$lang" --no-format >/dev/null
  done
  # The same post-processing as scripts/gen-bindings.sh (JNA direct mapping).
  python3 scripts/postprocess-kotlin.py "$work/$build/bindings/kotlin/liangzheng/liangzheng_ffi.kt"
  for pair in kotlin/liangzheng/liangzheng_ffi.kt:kotlin/src/liangzheng/liangzheng_ffi.kt \
              swift/Liangzheng.swift:swift/Liangzheng.swift swift/LiangzhengFFI.h:swift/LiangzhengFFI.h \
              python/liangzheng_ffi.py:python/liangzheng_ffi.py; do
    generated=$work/$build/bindings/${pair%%:*}
    committed=bindings/${pair##*:}
    [[ -f $generated ]] || die "bindgen did not produce ${pair%%:*} for the $build build"
    diff -q "$generated" "$committed" >/dev/null \
      || { diff -u "$committed" "$generated" | head -20 >&2; die "$build build's bindings differ from $committed"; }
  done

  echo "== $build build: committed Python module against the $build library"
  cp bindings/python/liangzheng_ffi.py "$lib" "$work/$build/py/"
  LZ_EXPECT_BUILD=$build LZ_FRAMES_FILE=$work/frames.json LZ_PRESENTED_FILE=$work/$build/presented.json \
    PYTHONPATH="$work/$build/py" "$py" -m pytest -q -p no:cacheprovider bindings/python/build_tests
  if [[ $build == wallet-lean ]]; then
    echo "== wallet-lean build: the full build verifies what it presented and answered"
    [[ -f $work/$build/presented.json ]] || die "the wallet-lean suite wrote no presentation"
    PYTHONPATH="$work/full-py" "$py" bindings/python/build_tests/make_frames.py --verify \
      "$work/frames.json" "$work/$build/presented.json" || die "the wallet-lean presentation does not verify"
  fi
done

# `holder` without `render`: a wallet that draws matrices and SVG but no PNG (no named build;
# library_build() calls it custom). Linted and unit-tested so its cfg paths compile and refuse.
echo "== holder-only build (wallet without PNG): clippy, unit tests"
CARGO_TARGET_DIR=$builds_dir cargo clippy --quiet -p liangzheng-ffi --lib --tests --no-default-features --features holder -- -D warnings
LZ_EXPECT_BUILD=custom CARGO_TARGET_DIR=$builds_dir cargo test --quiet -p liangzheng-ffi --lib --no-default-features --features holder

# The library as apps ship it (scripts/build-ffi-release.sh: std rebuilt without its backtrace
# printer, no panic locations, no UniFFI metadata statics; docs/decisions/0020): the smallest
# build, plus the test-only panic probe. The committed Python module must load it (every
# checksum still exported), pass the build suite, and see a panic as InternalError with the
# process alive: unwinding still works without std's backtrace feature.
echo "== shipped verifier-lean library (build-ffi-release.sh): Python build suite and a panic"
shipped=$(scripts/build-ffi-release.sh --features counter,panic-probe --out "$work/shipped/libliangzheng_ffi.so" | tail -1)
[[ -f $shipped ]] || die "build-ffi-release.sh built nothing"
if nm -D "$shipped" | grep -q UNIFFI_META_; then die "the shipped library still exports UNIFFI_META_* statics"; fi
# The symbolizer looks DWARF sections up by name; a stable-std library holds these strings.
if strings "$shipped" | grep -q -F .debug_line; then die "the shipped library still links std's backtrace printer"; fi
if strings "$shipped" | grep -q '\.rs$'; then die "the shipped library still holds panic locations (source paths)"; fi
cp bindings/python/liangzheng_ffi.py "$work/shipped/"
LZ_EXPECT_BUILD=verifier-lean LZ_FRAMES_FILE=$work/frames.json PYTHONPATH="$work/shipped" \
  "$py" -m pytest -q -p no:cacheprovider bindings/python/build_tests
PYTHONPATH="$work/shipped" "$py" bindings/python/build_tests/panic_probe.py 2>"$work/shipped/stderr" \
  || { cat "$work/shipped/stderr" >&2; die "a panic in the shipped library did not become InternalError"; }
grep -q "panic probe" "$work/shipped/stderr" || die "the panic hook printed nothing for the probe's panic"

# The XCFramework script cannot run here (no macOS/Xcode): check its syntax and its dry run
# (inputs present, every build name accepted, the steps it would run printed).
echo "== scripts/build-xcframework.sh: syntax and dry run (not runnable here: needs macOS + Xcode)"
bash -n scripts/build-xcframework.sh
for build in verifier verifier-lean wallet-lean wallet full; do
  steps=$(bash scripts/build-xcframework.sh --dry-run --features "$build" "$work/apple")
  # The dry run prints each command with printf %q (a comma comes out as "\,").
  want=$(printf '%q' "$(features_of "$build")")
  grep -qF -- "--features $want " <<<"$steps" || grep -qF -- "--features $want\\," <<<"$steps" \
    || die "build-xcframework.sh --dry-run ($build) does not build the $build features ($want)"
  grep -q -- '-create-xcframework' <<<"$steps" || die "build-xcframework.sh --dry-run ($build) prints no xcodebuild step"
done
echo "test-ffi-builds: verifier, verifier-lean, wallet-lean and wallet builds pass; bindings are one set for every build; the shipped verifier-lean library passes and unwinds panics"
