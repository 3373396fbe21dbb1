#!/usr/bin/env bash
# The FFI library as an app ships it (docs/decisions/0020-shipped-library-size.md): one build
# (cargo features), the cdylib (Android, desktop JVM, Python) or the staticlib (iOS) alone, profile
# `release-small` (opt-level z, fat LTO, one codegen unit, stripped, panic = unwind), with the
# standard library rebuilt from source for this library (-Zbuild-std) without std's `backtrace`
# feature and with its `optimize_for_size` one:
#   - stable Rust's std links a backtrace symbolizer (gimli, addr2line, rustc-demangle, miniz_oxide:
#     ≈ 170 KiB) into every library through the default panic hook, whether or not a backtrace is
#     ever printed; rebuilt without the feature, a panic still prints its message and still
#     unwinds into UniFFI's catch_unwind (an InternalException / InternalError, never a crash:
#     scripts/test-ffi-builds.sh checks it on a library built by this script);
#   - optimize_for_size picks std's smaller algorithms (sorting, formatting) where it has two;
#   - -Zlocation-detail=none leaves the file/line/column of panic sites out (≈ 45 KB of strings
#     and Location records): a panic message still names what went wrong, not where (the
#     debug and test builds keep locations; --keep-locations keeps them here too).
# -Zbuild-std is a nightly flag: this script sets RUSTC_BOOTSTRAP=1 for the one cargo command it
# runs, as the wasm build does (scripts/build-web.sh), and needs the standard library's source:
#   rustup:  rustup component add rust-src   (any stable toolchain)
#   Debian:  apt-get install rustc-web cargo-web rust-web-src   (used automatically when the default
#            toolchain has no rust-src; scripts/install-deps.sh installs them)
#
#   scripts/build-ffi-release.sh [--features LIST] [--target TRIPLE] [--crate-type cdylib|staticlib]
#                                [--link plain|tuned] [--out FILE]
#     --features  cargo features of liangzheng-ffi, default features off: verifier (default),
#                 verifier,p256-ring, counter (verifier-lean), holder,render (wallet-lean),
#                 wallet, wallet,p256-ring, full,p256-ring,
#                 api-skew-test / panic-probe (tests only) …
#     --target    default: the host triple (-Zbuild-std needs an explicit one)
#     --link      tuned (default on the host): lld, --icf=all, -z pack-relative-relocs
#                 (the NDK's lld knows both); plain: the target's default linker
#     --out       where to copy the library (stripped); default: print its path only
#     --keep-locations  keep panic locations (file:line:column) in the library
#     --keep-metadata  keep UniFFI's UNIFFI_META_* statics (cdylib only; by default
#                 scripts/link-without-metadata.sh drops them: nothing reads them at run time)
# Its own target directory: $CARGO_TARGET_DIR/ffi-release (std is built once per target and
# toolchain there and reused). Prints the built library's path on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "build-ffi-release: error: $*" >&2; exit 1; }

features=verifier
target=
crate_type=cdylib
link=tuned
out=
keep_metadata=0
keep_locations=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --features) features=${2:?--features needs a value}; shift 2 ;;
    --target) target=${2:?--target needs a triple}; shift 2 ;;
    --crate-type) crate_type=${2:?}; shift 2 ;;
    --link) link=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --keep-metadata) keep_metadata=1; shift ;;
    --keep-locations) keep_locations=1; shift ;;
    *) die "unknown argument $1 (see the comment at the top of this script)" ;;
  esac
done
[[ $crate_type == cdylib || $crate_type == staticlib ]] || die "--crate-type is cdylib or staticlib"
# Without features the library contains no part (every call: not_in_this_build): never what is meant.
[[ ${features//,/} =~ [^[:space:]] ]] || die "--features is empty: name a build's features (counter, holder,render, verifier, wallet, full …)"
[[ $link == tuned || $link == plain ]] || die "--link is tuned or plain"

# A toolchain that has the standard library's source: the default one (rustup's rust-src), else
# Debian's rustc-web (rust-web-src), else stop with what to install.
rustc_bin=${RUSTC:-rustc}
cargo_bin=${CARGO:-cargo}
has_src() { [[ -f "$("$1" --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library/Cargo.lock" ]]; }
if ! has_src "$rustc_bin"; then
  if [[ -x /usr/bin/rustc && -x /usr/bin/cargo ]] && has_src /usr/bin/rustc; then
    rustc_bin=/usr/bin/rustc
    cargo_bin=/usr/bin/cargo
  else
    die "no standard library source for -Zbuild-std: run 'rustup component add rust-src', or on Debian 'apt-get install rustc-web cargo-web rust-web-src' (scripts/install-deps.sh)"
  fi
fi
host=$("$rustc_bin" -vV | sed -n 's/^host: //p')
target=${target:-$host}

flags=()
if [[ $link == tuned ]]; then
  flags=(-C link-arg=-Wl,-z,pack-relative-relocs -C link-arg=-Wl,--icf=all)
  if [[ $target == "$host" ]]; then
    command -v ld.lld >/dev/null || die "ld.lld not found (apt-get install lld; scripts/install-deps.sh does)"
    flags=(-C link-arg=-fuse-ld=lld "${flags[@]}")
  fi
fi

if [[ $crate_type == cdylib && $keep_metadata == 0 ]]; then
  # The wrapper calls $LZ_REAL_LINKER (default cc): set it for a cross build's linker.
  flags+=(-C "linker=$PWD/scripts/link-without-metadata.sh")
fi

target_dir=${CARGO_TARGET_DIR:-$PWD/target}/ffi-release
feature_args=(--no-default-features --features "$features")
# For every crate, std included (-Zbuild-std builds it with RUSTFLAGS); the caller's flags kept.
rustflags=${RUSTFLAGS:-}
[[ $keep_locations == 0 ]] && rustflags="$rustflags -Zlocation-detail=none"
echo "== liangzheng-ffi $crate_type, features '${features}', $target, $("$rustc_bin" --version), build-std without backtrace" >&2
RUSTFLAGS=$rustflags RUSTC=$rustc_bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$target_dir "$cargo_bin" rustc --quiet -p liangzheng-ffi --lib \
  --crate-type "$crate_type" --profile release-small "${feature_args[@]}" --target "$target" \
  -Zbuild-std=std,panic_unwind -Zbuild-std-features=panic-unwind,optimize_for_size \
  -- "${flags[@]}" >&2 || die "cargo failed"

case $crate_type in
  cdylib) name=libliangzheng_ffi.so
    [[ $target == *apple* ]] && name=libliangzheng_ffi.dylib
    [[ $target == *windows* ]] && name=liangzheng_ffi.dll ;;
  staticlib) name=libliangzheng_ffi.a ;;
esac
lib=$target_dir/$target/release-small/$name
[[ -f $lib ]] || die "$lib was not built"
if [[ -n $out ]]; then
  mkdir -p "$(dirname "$out")"
  cp "$lib" "$out"
  lib=$out
fi
echo "$lib"
