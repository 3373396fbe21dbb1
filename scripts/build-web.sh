#!/usr/bin/env bash
# Builds the offline counter page (web/): the liangzheng-wasm crate for
# wasm32-unknown-unknown, its JS glue (wasm-bindgen, pinned to the crate's
# exact version) into web/pkg/, and the demo holder's files into web/pkg/demo/
# (from `lz demo`). web/pkg/ is generated, not committed (see
# docs/decisions/0010-web-counter-page.md); serve web/ as static files.
#
# Two toolchains are supported (chosen automatically, or with LZ_WASM_ROUTE):
#   debian  Debian's rustc-web + rust-web-src + lld: /usr/bin/cargo with
#           -Zbuild-std=std,panic_abort and wasm-ld (RUSTC_BOOTSTRAP=1).
#   rustup  rustup's prebuilt standard library:
#           `rustup target add wasm32-unknown-unknown`, then plain cargo.
# The wasm build has its own target dir: $CARGO_TARGET_DIR/wasm-web (or
# target/wasm-web), so it never disturbs the host build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "build-web: cannot read the pinned wasm-bindgen version from wasm/Cargo.toml" >&2; exit 1; }

HOST_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# LZ_DALEK_BITS=32 builds with curve25519-dalek's default wasm32 backend instead
# (for the comparison in docs/benchmarks.md), in its own target dir.
DALEK_BITS=${LZ_DALEK_BITS:-64}
case "$DALEK_BITS" in
  64) WASM_TARGET_DIR=$HOST_TARGET_DIR/wasm-web; DALEK_CFG='--cfg curve25519_dalek_bits="64"' ;;
  32) WASM_TARGET_DIR=$HOST_TARGET_DIR/wasm-web-bits32; DALEK_CFG='' ;;
  *) echo "build-web: LZ_DALEK_BITS must be 64 or 32" >&2; exit 1 ;;
esac
# LZ_WEB_PKG: where the module goes (default web/pkg, which the page loads).
OUT=${LZ_WEB_PKG:-$ROOT/web/pkg}

route=${LZ_WASM_ROUTE:-}
if [ -z "$route" ]; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    route=rustup
  elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] && command -v wasm-ld >/dev/null 2>&1; then
    route=debian
  else
    cat >&2 <<'MSG'
build-web: no toolchain for wasm32-unknown-unknown found. Either
  rustup target add wasm32-unknown-unknown          (any OS with rustup), or
  apt-get install rustc-web cargo-web rust-web-src lld   (Debian 12)
MSG
    exit 1
  fi
fi

# curve25519-dalek picks its 64-bit field arithmetic on wasm32 with the cfg above
# (wasm has native 64-bit integers): measured faster, see docs/benchmarks.md.
case "$route" in
  debian)
    echo "== wasm32 build (Debian rustc-web, build-std) → $WASM_TARGET_DIR"
    env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C linker=wasm-ld $DALEK_CFG" \
      CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      /usr/bin/cargo build --profile wasm-release --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort -p liangzheng-wasm
    ;;
  rustup)
    echo "== wasm32 build (rustup target) → $WASM_TARGET_DIR"
    env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$DALEK_CFG" \
      CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      cargo build --profile wasm-release --target wasm32-unknown-unknown -p liangzheng-wasm
    ;;
  *) echo "build-web: LZ_WASM_ROUTE must be debian or rustup, not $route" >&2; exit 1 ;;
esac
WASM=$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/liangzheng_wasm.wasm
[ -f "$WASM" ] || { echo "build-web: $WASM was not built" >&2; exit 1; }

BINDGEN=$(command -v wasm-bindgen || true)
if [ -z "$BINDGEN" ] || [ "$("$BINDGEN" --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  echo "build-web: wasm-bindgen $WASM_BINDGEN_VERSION is required (found: ${BINDGEN:-none});" >&2
  echo "           cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION" >&2
  exit 1
fi
echo "== wasm-bindgen $WASM_BINDGEN_VERSION → web/pkg"
rm -rf "$OUT"
mkdir -p "$OUT"
"$BINDGEN" --target web --out-dir "$OUT" --out-name liangzheng "$WASM"

echo "== demo holder files (lz demo) → web/pkg/demo"
cargo build -q -p liangzheng-examples --bin lz
"$HOST_TARGET_DIR/debug/lz" demo --out "$OUT/demo" --color never >/dev/null
ls -l "$OUT"
echo "== built web/ (serve it as static files; open index.html, add ?demo for the demo)"
