#!/usr/bin/env bash
# Builds LiangzhengFFI.xcframework for iOS apps (device arm64; simulator arm64 + x86_64; macOS
# arm64 + x86_64) from the static library, with the generated C header and module map, and
# copies the generated Swift file beside it. For macOS machines with Xcode and rustup.
#
# NOT RUN HERE: this repository's machines are Debian without Xcode, a Swift toolchain or
# Apple targets, so this script has never been executed end to end. What is checked here:
# `bash -n` and `--dry-run` (scripts/test-ffi-builds.sh), and the C header it packs is compiled
# and linked against the library by `scripts/gen-bindings.sh --check`.
#
#   scripts/build-xcframework.sh [--features BUILD] [--dry-run] [OUT_DIR]
#
# BUILD: verifier, wallet or full (with ring's P-256, decision 0014), or verifier-lean /
# wallet-lean (pure-Rust P-256: the ≤ 1 MB builds, decisions 0013 and 0021; wallet-lean is the
# one for a phone wallet that does not verify).
#
# --dry-run prints the commands instead of running them (works on any OS). Default build:
# full; OUT_DIR default: $CARGO_TARGET_DIR/apple (target/apple). Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "build-xcframework: error: $*" >&2; exit 1; }

build=full dry=0 out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --features) build=${2:-}; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -*) die "unknown option $1" ;;
    *) out=$1; shift ;;
  esac
done
case $build in
  verifier|wallet|full) features="$build,p256-ring" ;; # ring: docs/decisions/0014
  verifier-lean) features=counter ;;
  wallet-lean) features=holder,render ;;
  *) die "--features must be verifier, verifier-lean, wallet-lean, wallet or full, not '$build'" ;;
esac
target_dir=${CARGO_TARGET_DIR:-target}
out=${out:-$target_dir/apple}
profile=release-small

run() { if [[ $dry == 1 ]]; then printf '+'; printf ' %q' "$@"; echo; else "$@"; fi; }

for f in bindings/swift/LiangzhengFFI.h bindings/swift/LiangzhengFFI.modulemap bindings/swift/Liangzheng.swift; do
  [[ -f $f ]] || die "$f missing (scripts/gen-bindings.sh writes it)"
done
if [[ $dry == 0 ]]; then
  [[ $(uname -s) == Darwin ]] || die "needs macOS with Xcode (xcodebuild, lipo); use --dry-run to see the steps"
  for tool in xcodebuild lipo rustup cargo; do command -v "$tool" >/dev/null || die "$tool not found"; done
  # scripts/build-ffi-release.sh rebuilds std for size (decision 0020): it needs std's source.
  run rustup component add rust-src
fi

ios=aarch64-apple-ios
ios_sim=(aarch64-apple-ios-sim x86_64-apple-ios)
macos=(aarch64-apple-darwin x86_64-apple-darwin)
run rustup target add "$ios" "${ios_sim[@]}" "${macos[@]}"
for t in "$ios" "${ios_sim[@]}" "${macos[@]}"; do
  # The staticlib alone (so release-small's LTO runs), std rebuilt for size, no panic locations:
  # the library as apps ship it (scripts/build-ffi-release.sh, decision 0020). The app's linker
  # dead-strips what nothing references (UniFFI's metadata statics among them).
  run scripts/build-ffi-release.sh --features "$features" --target "$t" --crate-type staticlib --link plain
done
lib() { echo "$target_dir/ffi-release/$1/$profile/libliangzheng_ffi.a"; }

run rm -rf "$out"
run mkdir -p "$out/headers" "$out/fat"
run cp bindings/swift/LiangzhengFFI.h "$out/headers/"
# xcodebuild wants the module map named module.modulemap inside the headers directory.
run cp bindings/swift/LiangzhengFFI.modulemap "$out/headers/module.modulemap"
run lipo -create "$(lib "${ios_sim[0]}")" "$(lib "${ios_sim[1]}")" -output "$out/fat/libliangzheng_ffi-ios-sim.a"
run lipo -create "$(lib "${macos[0]}")" "$(lib "${macos[1]}")" -output "$out/fat/libliangzheng_ffi-macos.a"
run xcodebuild -create-xcframework \
  -library "$(lib "$ios")" -headers "$out/headers" \
  -library "$out/fat/libliangzheng_ffi-ios-sim.a" -headers "$out/headers" \
  -library "$out/fat/libliangzheng_ffi-macos.a" -headers "$out/headers" \
  -output "$out/LiangzhengFFI.xcframework"
run cp bindings/swift/Liangzheng.swift "$out/"
echo "build-xcframework: $out/LiangzhengFFI.xcframework ($build build) + $out/Liangzheng.swift:" \
  "add both to the app target$([[ $dry == 1 ]] && echo ' (dry run: nothing was built)')"
