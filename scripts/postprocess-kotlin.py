#!/usr/bin/env python3
"""Two local rewrites of UniFFI 0.29's generated Kotlin that cut what each native call costs.

    scripts/postprocess-kotlin.py FILE.kt            apply both (what gen-bindings.sh does)
    scripts/postprocess-kotlin.py --only direct FILE.kt   measurement only: one rewrite
    scripts/postprocess-kotlin.py --only status FILE.kt   measurement only: the other

Profiled with JFR on a loop of `Verifier.verify` / `trustListExpires` (docs/bindings.md,
"Kotlin per-call cost"): most of a call's JVM time is not the native code but JNA building
`Structure`s — each `UniffiRustCallStatus` (one per crossing, five per `verify`) allocates
native `Memory` (a ConcurrentHashMap entry and a Cleaner registration, undone later by the
cleaner thread), reflects over its fields, and nests a second Structure (its `error_buf`).

1. `status`: the call status is reused. `uniffiRustCallWithError` takes one from a small
   per-thread cache instead of `UniffiRustCallStatus()`, resets it (code = success, empty
   `error_buf`) and gives it back after the status was checked (also when that check throws).
   A call made while the thread's statuses are in use — a nested call from a DeviceSigner
   callback, or the `RustBuffer.free` inside lifting an error — takes another one (or a fresh
   one), so no two calls in flight ever share a status. JNA writes the Structure to native
   memory before the call and reads it back after, so the reset reaches Rust; Rust only writes
   it on error. Statuses never leave their thread (ThreadLocal).
2. `direct`: JNA direct mapping. UniFFI 0.29 declares the FFI functions in a JNA interface
   (`interface UniffiLib : Library`, `Native.load`): each call goes through a reflective
   proxy. `Native.register` on an object of `external fun`s binds them once. Newer UniFFI
   generates exactly this (mozilla/uniffi-rs PR 2229). The lazy `INSTANCE` keeps its integrity
   checks (contract version and API checksums, through the interface-mapped
   `IntegrityCheckingUniffiLib`, called once) and stays lazy, so a checksum mismatch is still
   a RuntimeException on every call, never an ExceptionInInitializerError. Every call site
   (`UniffiLib.INSTANCE.uniffi_…`) is unchanged.

Nothing else changes. The input must look exactly as expected, else this fails loudly (a
UniFFI upgrade must be looked at, not silently half-patched; drop this step once UniFFI does
both). scripts/gen-bindings.sh runs it after uniffi-bindgen (also for --check), and
scripts/test-ffi-builds.sh for the reduced builds, so the committed file stays reproducible.
"""

import re
import sys

MARKER = "// liangzheng: rewritten by scripts/postprocess-kotlin.py"


def fail(msg: str) -> "None":
    sys.exit(f"postprocess-kotlin: error: {msg}")


def replace_once(text: str, old: str, new: str, what: str) -> str:
    if text.count(old) != 1:
        fail(f"expected exactly one {what} (UniFFI's Kotlin template changed?)")
    return text.replace(old, new, 1)


STATUS_OLD = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
"""

STATUS_NEW = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    // liangzheng: a reused status (scripts/postprocess-kotlin.py), not a new JNA Structure per call.
    val statuses = uniffiCallStatuses.get()
    val status = statuses.take()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        statuses.give(status)
    }
}

// liangzheng: the calling thread's spare call statuses (scripts/postprocess-kotlin.py). A status
// is taken for one call and given back after its check, so calls in flight on a thread (a
// callback calling into Rust, lifting an error) each hold their own.
internal class UniffiCallStatusCache {
    private val spare = ArrayList<UniffiRustCallStatus>(4)

    fun take(): UniffiRustCallStatus {
        val status = if (spare.isEmpty()) UniffiRustCallStatus() else spare.removeAt(spare.size - 1)
        status.code = UNIFFI_CALL_SUCCESS
        status.error_buf.capacity = 0
        status.error_buf.len = 0
        status.error_buf.data = null
        return status
    }

    fun give(status: UniffiRustCallStatus) {
        if (spare.size < 4) spare.add(status)
    }
}

private val uniffiCallStatuses: ThreadLocal<UniffiCallStatusCache> =
    ThreadLocal.withInitial { UniffiCallStatusCache() }
"""


def rewrite_status(text: str) -> str:
    return replace_once(text, STATUS_OLD, STATUS_NEW, "uniffiRustCallWithError")


def rewrite_direct(text: str) -> str:
    lines = text.split("\n")
    try:
        start = lines.index("internal interface UniffiLib : Library {")
    except ValueError:
        fail("no `internal interface UniffiLib : Library {` (UniFFI's Kotlin template changed?)")
    if lines[start + 1] != "    companion object {":
        fail("UniffiLib does not open with its companion object")
    try:
        ffi = lines.index("    // FFI functions", start)
    except ValueError:
        fail("no `// FFI functions` in UniffiLib")
    if lines[ffi - 2] != "    }":
        fail("the companion object does not close right before `// FFI functions`")
    load = "            val lib = loadIndirect<UniffiLib>(componentName)"
    head = lines[start + 2 : ffi - 2]
    if head.count(load) != 1:
        fail(f"expected one `{load.strip()}` in UniffiLib's companion object")
    try:
        end = lines.index("}", ffi)
    except ValueError:
        fail("UniffiLib's declaration block does not close")

    new_head = []
    for line in head:
        if line == load:
            new_head.append("            Native.register(UniffiLib::class.java, findLibraryName(componentName))")
            new_head.append("            val lib = UniffiLib")
        else:
            new_head.append(line)

    decls = []
    count = 0
    for line in lines[ffi + 1 : end]:
        if re.match(r"^ *fun (uniffi_|ffi_)", line):
            decls.append("    external " + line.lstrip())
            count += 1
        else:
            decls.append(line)
    if count < 10:
        fail(f"only {count} FFI declarations found in UniffiLib")

    out = (
        lines[:start]
        + ["// liangzheng: JNA direct mapping (scripts/postprocess-kotlin.py)", "internal object UniffiLib : Library {"]
        + new_head
        + ["", "    // FFI functions, bound once by Native.register (direct mapping)"]
        + decls
        + lines[end:]
    )
    return "\n".join(out)


def main() -> None:
    args = sys.argv[1:]
    only = None
    if len(args) == 3 and args[0] == "--only" and args[1] in ("direct", "status"):
        only = args[1]
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: postprocess-kotlin.py [--only direct|status] FILE.kt")
    path = args[0]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if MARKER in text:
        fail(f"{path} was already rewritten")
    if only != "direct":
        text = rewrite_status(text)
    if only != "status":
        text = rewrite_direct(text)
    # After `package …`, so the file still starts as uniffi-bindgen writes it.
    text = replace_once(text, "\npackage liangzheng\n", f"\npackage liangzheng\n\n{MARKER}\n", "`package liangzheng`")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
