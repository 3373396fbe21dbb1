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
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== pip install (cbor2, cryptography, zxing-cpp, pillow, pytest, gmssl)"
python3 -m pip install -q --disable-pip-version-check cbor2 cryptography zxing-cpp pillow pytest gmssl==3.2.2

if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then rustup component add clippy; fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then rustup component add rustfmt; fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install --locked cargo-fuzz >/dev/null
fi

if [ ! -x node_modules/kotlin-compiler/bin/kotlinc ]; then
  echo "== npm install kotlin-compiler"
  npm install --prefix "$PWD" --no-save --no-audit --no-fund kotlin-compiler@2.4.20 >/dev/null
fi

for tool in zbarimg python3 java node_modules/kotlin-compiler/bin/kotlinc cargo-fuzz; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || { echo "MISSING after install: $tool" >&2; exit 1; }
done
python3 -c "import cbor2, cryptography, zxingcpp, PIL, pytest; from gmssl import sm2, sm3" || { echo "MISSING Python packages after install" >&2; exit 1; }
[ -f /usr/share/java/jna.jar ] || { echo "MISSING /usr/share/java/jna.jar (libjna-java)" >&2; exit 1; }
echo "== dependencies ready"
