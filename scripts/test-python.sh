#!/usr/bin/env bash
# Python tests of the UniFFI bindings (bindings/python/tests): every test vector, the
# wallet → QR → verifier flow, a Python DeviceSigner (cryptography's P-256), requests, errors.
# Installs pytest and cryptography with pip when missing. The generated module and the built
# library are copied to a temporary directory, so nothing is written into the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
die() { echo "test-python: error: $*" >&2; exit 1; }

py=${PYTHON:-python3}
command -v "$py" >/dev/null || die "$py not found"
"$py" -c 'import pytest' 2>/dev/null || "$py" -m pip install --quiet pytest || die "pip install pytest failed"
"$py" -c 'import cryptography' 2>/dev/null || "$py" -m pip install --quiet cryptography \
  || die "pip install cryptography failed"

scripts/gen-bindings.sh --check
cargo build --quiet -p liangzheng-ffi --lib
lib=${CARGO_TARGET_DIR:-$root/target}/debug/libliangzheng_ffi.so
[[ -f $lib ]] || die "$lib not built"

pkg=$(mktemp -d)
trap 'rm -rf "$pkg"' EXIT
cp bindings/python/liangzheng_ffi.py "$lib" "$pkg/"
PYTHONPATH="$pkg${PYTHONPATH:+:$PYTHONPATH}" "$py" -m pytest -q -p no:cacheprovider bindings/python/tests "$@"
