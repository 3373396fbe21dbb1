#!/usr/bin/env python3
"""Where a library's bytes go: symbol sizes (nm -S -C) grouped by crate, largest first.

    scripts/size-symbols.py LIB.so [N]      (an unstripped build; N groups, default 30)

scripts/size-report-ffi.sh --symbols BUILD builds the library unstripped and runs this. Only
named code and data symbols are counted (unwind tables, relocations, the dynamic symbol table
and unnamed read-only data are not: compare the total with the stripped size).
"""

import collections
import re
import subprocess
import sys

BACKTRACE = re.compile(r"backtrace|gimli|addr2line|rustc_demangle|miniz_oxide")


def group(name: str) -> str:
    if name.startswith("UNIFFI_META"):
        return "UniFFI metadata statics (read by uniffi-bindgen only)"
    if name.startswith(("uniffi_", "ffi_")):
        return "exported FFI functions (with what LTO inlined into them)"
    if BACKTRACE.search(name):
        return "std's backtrace printer (gimli, addr2line, rustc-demangle, miniz_oxide)"
    if name.startswith("<"):
        m = re.match(r"^<+(?:&(?:mut )?)?\[?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)", name)
    else:
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)::", name)
    if not m:
        return "other"
    crate = m.group(1)
    if crate in ("core", "alloc", "std"):
        return "core/alloc/std formatting" if "fmt" in name else "core/alloc/std"
    if crate == "liangzheng":
        sub = re.search(r"liangzheng::(\w+)", name)
        return "liangzheng::" + (sub.group(1) if sub else "?")
    if crate == "curve25519_dalek":
        return "curve25519_dalek (AVX2 backend, x86_64 only)" if "avx2" in name else "curve25519_dalek"
    return crate


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: size-symbols.py LIB.so [N]")
    limit = int(sys.argv[2]) if len(sys.argv) == 3 else 30
    out = subprocess.run(["nm", "-S", "--size-sort", "-C", sys.argv[1]], check=True,
                         capture_output=True, text=True).stdout
    sizes = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4:
            sizes[group(parts[3])] += int(parts[1], 16)
    if not sizes:
        sys.exit(f"size-symbols: error: no symbols in {sys.argv[1]} (stripped?)")
    total = sum(sizes.values())
    print(f"| symbols of {sys.argv[1].rsplit('/', 1)[-1]} | bytes | KiB | share |")
    print("|---|---:|---:|---:|")
    for name, size in sizes.most_common(limit):
        print(f"| {name} | {size} | {size / 1024:.1f} | {100 * size / total:.1f} % |")
    print(f"| all named symbols | {total} | {total / 1024:.1f} | 100 % |")


if __name__ == "__main__":
    main()
