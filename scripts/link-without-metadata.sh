#!/usr/bin/env bash
# Linker wrapper for the shipped FFI library (scripts/build-ffi-release.sh): UniFFI exports one
# `UNIFFI_META_*` static per exported item (≈ 33 KiB here) so that uniffi-bindgen can read the API
# out of a library file; nothing reads them at run time. rustc lists every exported symbol in a
# version script it passes to the linker; this wrapper drops the UNIFFI_META_* lines from that
# script, so they become local and --gc-sections removes them. Every function (the scaffolding,
# the checksums the bindings check at load time, the contract version) stays exported.
# Bindings are generated from the debug library, which keeps its metadata (scripts/gen-bindings.sh).
#
# The real linker: $LZ_REAL_LINKER (for cross builds, e.g. the NDK's clang), default `cc`.
set -euo pipefail
real=${LZ_REAL_LINKER:-cc}
args=()
found=0
for arg in "$@"; do
  if [[ $arg == -Wl,--version-script=* ]]; then
    script=${arg#-Wl,--version-script=}
    [[ -f $script ]] || { echo "link-without-metadata: $script not found" >&2; exit 1; }
    filtered=$script.lz-no-meta
    grep -v 'UNIFFI_META_' "$script" > "$filtered" || true
    grep -q 'global:' "$filtered" || { echo "link-without-metadata: unexpected version script $script" >&2; exit 1; }
    arg=-Wl,--version-script=$filtered
    found=1
  fi
  args+=("$arg")
done
[[ $found == 1 ]] || { echo "link-without-metadata: rustc passed no version script (not a cdylib link?)" >&2; exit 1; }
exec "$real" "${args[@]}"
