#!/usr/bin/env bash
# Regenerates the Kotlin, Swift and Python bindings in bindings/ from the built
# FFI library, with the uniffi-bindgen built from the same pinned UniFFI.
#
#   scripts/gen-bindings.sh          write bindings/{kotlin/src,swift,python}
#   scripts/gen-bindings.sh --check  regenerate into a temporary directory and
#                                    fail if the committed bindings differ (stale)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# One build gives both the library and the bindgen (same UniFFI, same metadata).
cargo build --quiet -p liangzheng-ffi --features bindgen --lib --bin uniffi-bindgen
target_dir=${CARGO_TARGET_DIR:-target}
lib=$target_dir/debug/libliangzheng_ffi.so
bindgen=$target_dir/debug/uniffi-bindgen
[[ -f $lib && -x $bindgen ]] || { echo "error: $lib or $bindgen missing after build" >&2; exit 1; }

if [[ $mode == check ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
else
  out=bindings
fi

generate() { # language, directory under $out
  mkdir -p "$out/$2"
  # --no-format: output must not depend on whether ktlint/swiftformat/yapf happen to be installed.
  "$bindgen" generate --library "$lib" --language "$1" --out-dir "$out/$2" --no-format >/dev/null
}
generate kotlin kotlin/src
# UniFFI 0.29 maps the FFI through a JNA interface (a reflective proxy per call); rewrite that one
# declaration block to JNA direct mapping, as newer UniFFI generates it (see the script's header).
python3 scripts/postprocess-kotlin.py "$out/kotlin/src/liangzheng/liangzheng_ffi.kt"
generate swift swift
generate python python

if [[ $mode == check ]]; then
  stale=0
  for f in kotlin/src/liangzheng/liangzheng_ffi.kt swift/Liangzheng.swift swift/LiangzhengFFI.h \
           swift/LiangzhengFFI.modulemap python/liangzheng_ffi.py; do
    if [[ ! -f "$out/$f" ]]; then
      echo "error: bindgen did not produce $f (file list changed? update $0)" >&2; stale=1
    elif ! diff -q "$out/$f" "bindings/$f" >/dev/null 2>&1; then
      echo "error: bindings/$f is stale" >&2
      diff -u "bindings/$f" "$out/$f" 2>&1 | head -20 >&2 || true
      stale=1
    fi
  done
  if [[ $stale != 0 ]]; then
    echo "error: committed bindings differ from the library; run scripts/gen-bindings.sh and commit the result" >&2
    exit 1
  fi
  echo "bindings are up to date"

  # No Swift toolchain here: check the C half of the Swift bindings. The header must
  # compile as C11, and every function it declares must exist in the library
  # (a C program takes each one's address, links against the .so and runs).
  # GCC does not know clang's nullability qualifiers; clang (as Xcode uses) does.
  cflags=(-std=c11 -Wall -Wextra -Werror -Ibindings/swift)
  cc=${CC:-cc}
  if command -v clang >/dev/null; then cc=clang; else cflags+=(-D_Nonnull= -D_Nullable=); fi
  fns=$(grep -v '^typedef' bindings/swift/LiangzhengFFI.h | grep -oE '\b(uniffi|ffi)_liangzheng_ffi_[a-z0-9_]+\(' | tr -d '(' | sort -u)
  [[ -n $fns ]] || { echo "error: no functions found in LiangzhengFFI.h" >&2; exit 1; }
  {
    echo '#include "LiangzhengFFI.h"'
    echo '#include <stdio.h>'
    echo 'typedef void (*any_fn)(void);'
    echo 'static const any_fn declared[] = {'
    for f in $fns; do echo "    (any_fn)$f,"; done
    echo '};'
    echo 'int main(void) {'
    echo '    printf("C header: %zu functions declared and linked, UniFFI contract version %u\n",'
    echo '           sizeof declared / sizeof declared[0], ffi_liangzheng_ffi_uniffi_contract_version());'
    echo '    return 0;'
    echo '}'
  } >"$out/header_check.c"
  "$cc" "${cflags[@]}" "$out/header_check.c" -o "$out/header_check" -L "$target_dir/debug" -lliangzheng_ffi \
    || { echo "error: bindings/swift/LiangzhengFFI.h does not compile or link against $lib" >&2; exit 1; }
  LD_LIBRARY_PATH="$target_dir/debug" "$out/header_check"
else
  echo "wrote bindings/kotlin/src, bindings/swift, bindings/python"
fi
