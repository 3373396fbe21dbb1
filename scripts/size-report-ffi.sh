#!/usr/bin/env bash
# Size of the FFI library as an app would embed it: builds liangzheng-ffi with the
# size-tuned `release-small` profile (opt-level z, LTO, one codegen unit, stripped,
# panic = unwind so UniFFI can turn a panic into an error) and prints the cdylib size.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-}   # optional Rust target triple, e.g. aarch64-linux-android (needs its toolchain)

args=(-p liangzheng-ffi --lib --profile release-small)
tdir=${CARGO_TARGET_DIR:-target}   # honour CARGO_TARGET_DIR
dir=$tdir/release-small
if [[ -n $target ]]; then args+=(--target "$target"); dir=$tdir/$target/release-small; fi
cargo build --quiet "${args[@]}"

lib=$dir/libliangzheng_ffi.so
[[ -f $lib ]] || { echo "size-report-ffi: error: $lib not built" >&2; exit 1; }
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
# The profile strips already; strip again to be sure the number is the stripped one.
strip -o "$stripped" "$lib" 2>/dev/null || cp "$lib" "$stripped"
bytes=$(stat -c %s "$stripped")
gz=$(gzip -9 -c "$stripped" | wc -c)
printf 'libliangzheng_ffi.so (%s, release-small, stripped): %d bytes (%d KiB), %d KiB gzipped\n' \
  "${target:-$(rustc -vV | sed -n 's/^host: //p')}" "$bytes" $((bytes / 1024)) $((gz / 1024))
if [[ -f $dir/libliangzheng_ffi.a ]]; then
  printf 'libliangzheng_ffi.a (staticlib, for iOS XCFrameworks; the app linker keeps only what is used): %d KiB\n' \
    $(( $(stat -c %s "$dir/libliangzheng_ffi.a") / 1024 ))
fi
