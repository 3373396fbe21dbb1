#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Rust,
# Python 3, Node/npm and Java 17: real QR scanners (zbarimg, zxing-cpp),
# independent CBOR/COSE/crypto libraries for the interop tests, JNA for the
# Kotlin tests, rustfmt/clippy, and cargo-fuzz. Idempotent; fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v zbarimg >/dev/null 2>&1 || need_apt+=(zbar-tools)
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# Registry tests: a private PostgreSQL 15 server, SoftHSM2 and pkcs11-tool (opensc).
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v softhsm2-util >/dev/null 2>&1 || need_apt+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need_apt+=(opensc)
# The web counter page (scripts/test-web.sh): Debian's wasm32 route (rustc-web with the
# standard library's source for -Zbuild-std, lld's wasm-ld), Chromium, ffmpeg (fake camera video).
{ [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ]; } \
  || need_apt+=(rustc-web cargo-web rust-web-src)
command -v wasm-ld >/dev/null 2>&1 || need_apt+=(lld)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
# lld: the size report links the FFI library with lld (--icf=all), as the Android NDK does.
command -v ld.lld >/dev/null 2>&1 || need_apt+=(lld)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== pip install (cbor2, cryptography, zxing-cpp, pillow, pytest, gmssl, pyraptorq, maturin)"
# maturin: builds the Python wheel (scripts/test-wheel.sh); the version tested here.
# pyraptorq: an RFC 6330 decoder independent of the Rust raptorq crate (a ctypes binding to
# the C++ td::raptorq of the TON project; the wheel ships the prebuilt .so) for the
# independent multi-frame verifier (tests/python/test_multiframe.py).
python3 -m pip install -q --disable-pip-version-check cbor2 cryptography zxing-cpp pillow pytest gmssl==3.2.2 pyraptorq==0.1.7 maturin==1.16.0

if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then rustup component add clippy; fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then rustup component add rustfmt; fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install --locked cargo-fuzz >/dev/null
fi

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate (wasm/Cargo.toml).
# Not --locked: the CLI's lock file pins a webpki-roots release that crates.io no longer serves.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "cannot read the wasm-bindgen pin from wasm/Cargo.toml" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "== cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >/dev/null
fi

if [ ! -x node_modules/kotlin-compiler/bin/kotlinc ]; then
  echo "== npm install kotlin-compiler"
  npm install --prefix "$PWD" --no-save --no-audit --no-fund kotlin-compiler@2.4.20 >/dev/null
fi

for tool in zbarimg python3 java node_modules/kotlin-compiler/bin/kotlinc cargo-fuzz wasm-bindgen wasm-ld ffmpeg /usr/bin/chromium /usr/bin/cargo node npm /usr/lib/postgresql/15/bin/initdb softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || { echo "MISSING after install: $tool" >&2; exit 1; }
done
python3 -c "import cbor2, cryptography, zxingcpp, PIL, pytest, pyraptorq; from gmssl import sm2, sm3" || { echo "MISSING Python packages after install" >&2; exit 1; }
[ -f /usr/share/java/jna.jar ] || { echo "MISSING /usr/share/java/jna.jar (libjna-java)" >&2; exit 1; }
echo "== dependencies ready"
