#!/usr/bin/env bash
# Size of the FFI library as an app embeds it, for each build (docs/decisions/0013-ffi-builds.md,
# 0021-wallet-lean-build.md): verifier(-lean) (counter apps), wallet(-lean) (holder apps), full.
#
# Each build is the cdylib alone, linked with the size-tuned `release-small` profile
# (opt-level z, fat LTO, one codegen unit, stripped, panic = unwind so UniFFI turns a
# panic into an error). It is built with `cargo rustc --crate-type cdylib` because the
# crate also declares `lib` (for Rust tests) and `staticlib` (for iOS), and rustc does
# not run LTO when one invocation also writes an rlib: a plain `cargo build` of the
# crate gives a library about 30 % larger.
#
# Three settings are reported for each build:
#   plain    the system linker, nothing else;
#   tuned    lld with identical-code folding (--icf=all) and packed relative relocations
#            (-z pack-relative-relocs: DT_RELR, glibc >= 2.36, Android API >= 30; the NDK's
#            lld is the default Android linker and knows both flags);
#   shipped  the library as an app ships it: scripts/build-ffi-release.sh (tuned, plus std
#            rebuilt without its backtrace printer and panic locations, no UniFFI metadata
#            statics; docs/decisions/0020-shipped-library-size.md).
#
#   scripts/size-report-ffi.sh [TARGET]   TARGET: a Rust target triple (needs its toolchain)
#   scripts/size-report-ffi.sh --symbols BUILD [TARGET]
#       where the bytes go: builds BUILD (verifier-lean, verifier, verifier+ring, wallet-lean, wallet, wallet+ring, full)
#       unstripped with the tuned link and prints its symbol sizes grouped by crate
#       (scripts/size-symbols.py; docs/bindings.md "Size and embedding" quotes it)
#
# Prints a table of stripped and gzip -9 sizes. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
symbols=
if [[ ${1:-} == --symbols ]]; then
  symbols=${2:?usage: $0 --symbols BUILD [TARGET]}
  shift 2
fi
target=${1:-}
die() { echo "size-report-ffi: error: $*" >&2; exit 1; }
command -v strip >/dev/null || die "strip not found (binutils)"
command -v gzip >/dev/null || die "gzip not found"

target_dir=${CARGO_TARGET_DIR:-target}
dir=$target_dir/release-small
triple_args=()
if [[ -n $target ]]; then triple_args=(--target "$target"); dir=$target_dir/$target/release-small; fi
host=$(rustc -vV | sed -n 's/^host: //p')

tuned_flags=(-C link-arg=-Wl,-z,pack-relative-relocs -C link-arg=-Wl,--icf=all)
if [[ -z $target || $target == "$host" ]]; then
  command -v ld.lld >/dev/null || die "ld.lld not found (apt-get install lld; scripts/install-deps.sh does)"
  tuned_flags=(-C link-arg=-fuse-ld=lld "${tuned_flags[@]}")
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The cargo features of each build, default features off.
release_features_of() {
  case $1 in
    verifier-lean) echo "counter" ;;
    wallet-lean) echo "holder,render" ;;
    verifier) echo "verifier" ;;
    verifier+ring) echo "verifier,p256-ring" ;;
    wallet) echo "wallet" ;;
    wallet+ring) echo "wallet,p256-ring" ;;
    full) echo "full,p256-ring" ;; # the crate's default features
    *) return 1 ;;
  esac
}
# The same as cargo arguments.
features_of() {
  local f
  f=$(release_features_of "$1") || return 0
  echo "--no-default-features --features $f"
}

if [[ -n $symbols ]]; then
  command -v nm >/dev/null || die "nm not found (binutils)"
  features=$(features_of "$symbols")
  [[ -n $features ]] || die "unknown build $symbols (verifier-lean, verifier, verifier+ring, wallet-lean, wallet, wallet+ring, full)"
  # shellcheck disable=SC2086
  CARGO_PROFILE_RELEASE_SMALL_STRIP=false cargo rustc --quiet -p liangzheng-ffi --lib --crate-type cdylib \
    --profile release-small $features "${triple_args[@]}" -- "${tuned_flags[@]}" || die "build $symbols failed"
  python3 scripts/size-symbols.py "$dir/libliangzheng_ffi.so" 30
  exit 0
fi

printf '\nlibliangzheng_ffi.so, %s, profile release-small, stripped (bytes; KiB = 1024 bytes)\n\n' "${target:-$host}"
printf '| build | link | stripped | gzip -9 |\n|---|---|---:|---:|\n'
for build in verifier-lean verifier verifier+ring wallet-lean wallet wallet+ring full; do
  for link in plain tuned shipped; do
    if [[ $link == shipped ]]; then
      lib=$(scripts/build-ffi-release.sh --features "$(release_features_of "$build")" "${triple_args[@]}" \
        --out "$out/$build-shipped.so" 2>/dev/null | tail -1) || die "build-ffi-release.sh $build failed"
      bytes=$(stat -c %s "$lib")
      gz=$(gzip -9 -c "$lib" | wc -c)
      printf '| %s | %s | %d (%d KiB) | %d (%d KiB) |\n' "$build" "$link" "$bytes" $((bytes / 1024)) "$gz" $((gz / 1024))
      continue
    fi
    flags=()
    [[ $link == tuned ]] && flags=("${tuned_flags[@]}")
    # shellcheck disable=SC2046
    cargo rustc --quiet -p liangzheng-ffi --lib --crate-type cdylib --profile release-small \
      $(features_of "$build") "${triple_args[@]}" -- "${flags[@]}" \
      || die "build $build ($link) failed"
    lib=$dir/libliangzheng_ffi.so
    [[ -f $lib ]] || die "$lib not built"
    strip -o "$out/$build-$link.so" "$lib" 2>/dev/null || cp "$lib" "$out/$build-$link.so"
    bytes=$(stat -c %s "$out/$build-$link.so")
    gz=$(gzip -9 -c "$out/$build-$link.so" | wc -c)
    printf '| %s | %s | %d (%d KiB) | %d (%d KiB) |\n' "$build" "$link" "$bytes" $((bytes / 1024)) "$gz" $((gz / 1024))
  done
done
echo
echo "goals: verifier <= 1 MB, wallet <= 1 MB, full <= 1.5 MB (1 MB = 1,000,000 bytes)"
