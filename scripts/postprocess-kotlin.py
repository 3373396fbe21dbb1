#!/usr/bin/env python3
"""Local rewrites of UniFFI 0.29's generated Kotlin that cut what each native call costs.

    scripts/postprocess-kotlin.py FILE.kt                 apply all (what gen-bindings.sh does)
    scripts/postprocess-kotlin.py --only direct FILE.kt   measurement only: direct mapping alone
    scripts/postprocess-kotlin.py --only status FILE.kt   measurement only: pointer statuses alone

Profiled with JFR (`jdk.ExecutionSample`) and perf on a loop of `Verifier.verify` /
`trustListExpires` (docs/bindings.md, "Kotlin per-call cost"): the JVM time of a call is not the
native code but JNA building and converting `Structure`s — each one allocates a registered
native `Memory` (a ConcurrentHashMap entry and a Cleaner registration, undone later on JNA's
cleaner thread) and reads/writes its fields by reflection. A plain call with primitive and
pointer arguments costs ≈ 0.07 µs; a RustBuffer alloc + free pair cost ≈ 3 µs.

1. `status`: the call status is native memory passed as a plain `Pointer`. Every FFI
   declaration's `uniffi_out_err` parameter becomes `Pointer`; `uniffiRustCallWithError` takes
   a status from a small per-thread cache (a `Memory` of `UniffiRustCallStatus`'s size, as JNA
   lays it out), zeroes it and gives it back after the check (also when the check throws).
   Success is one byte read (`code`, the first field); only a failed call's status is copied
   into the generated `UniffiRustCallStatus` Structure and checked by the generated code. A
   call made while the thread's statuses are in use — a nested call from a DeviceSigner
   callback, or the `RustBuffer.free` inside lifting an error — takes another one (or a fresh
   one), so no two calls in flight ever share a status. Rust writes it only on error. Statuses
   never leave their thread (ThreadLocal).
2. `direct`: JNA direct mapping. UniFFI 0.29 declares the FFI functions in a JNA interface
   (`interface UniffiLib : Library`, `Native.load`): each call goes through a reflective
   proxy. `Native.register` on an object of `external fun`s binds them once. Newer UniFFI
   generates exactly this (mozilla/uniffi-rs PR 2229). The lazy `INSTANCE` keeps its integrity
   checks (contract version and API checksums, through the interface-mapped
   `IntegrityCheckingUniffiLib`, called once) and stays lazy, so a checksum mismatch is still
   a RuntimeException on every call, never an ExceptionInInitializerError. Every call site
   (`UniffiLib.INSTANCE.uniffi_…`) is unchanged.
3. `buffers` (always with the other two):
   - `RustBuffer.ByValue` takes its native memory from a per-thread ring of 32-byte slots
     (`autoAllocate`), not a new registered `Memory`. JNA uses a by-value struct's memory only
     for a moment — it copies a returned value in and reads the fields at once, and writes the
     fields out right before the native call that takes it (the callee gets a copy) — so the
     Java fields are the value and the slot is scratch. A slot is reused only after 128 more
     by-value RustBuffers were built on the same thread; the arguments of one call are built
     right before it (one buffer each) and no FFI function takes more than 32 of them (checked
     here), so the arguments of one call never share a slot. A ring is freed with its thread.
   - `FfiConverterString.toUtf8` encodes with `String.getBytes(UTF_8)` (one pass; the
     generated code walks a CharBuffer char by char through a new CharsetEncoder). getBytes
     writes '?' for a lone surrogate, so when the bytes hold a '?' the generated strict encoder
     runs instead and still refuses lone surrogates.

Nothing else changes. The input must look exactly as expected, else this fails loudly (a
UniFFI upgrade must be looked at, not silently half-patched; drop a step once UniFFI does
it). scripts/gen-bindings.sh runs it after uniffi-bindgen (also for --check), and
scripts/test-ffi-builds.sh for the reduced builds, so the committed file stays reproducible.
bindings/kotlin/test (scripts/test-kotlin.sh) tests each mechanism: nested calls from a
callback, errors right before successes, threads, 300 nested buffer calls, exact strings.
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

STATUS_NEW = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (Pointer) -> U): U {
    // liangzheng: a reused native call status passed as a plain pointer (scripts/postprocess-kotlin.py),
    // not a new JNA Structure written and read back by reflection on every call.
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

// liangzheng: the calling thread's spare call statuses (scripts/postprocess-kotlin.py): native memory
// laid out as `UniffiRustCallStatus` (JNA computes the layout). A status is taken for one call, zeroed,
// and given back after its check, so calls in flight on a thread (a callback calling into Rust,
// lifting an error) each hold their own. Rust writes it only on error.
internal class UniffiCallStatusCache {
    private val spare = ArrayList<Memory>(4)

    fun take(): Memory {
        val status = if (spare.isEmpty()) Memory(UniffiCallStatusLayout.size) else spare.removeAt(spare.size - 1)
        status.clear()
        return status
    }

    fun give(status: Memory) {
        if (spare.size < 4) spare.add(status)
    }
}

// In an object, initialised on first use (not with the file's other top-level values).
internal object UniffiCallStatusLayout {
    val size: Long = UniffiRustCallStatus().size().toLong()
}

private val uniffiCallStatuses: ThreadLocal<UniffiCallStatusCache> =
    ThreadLocal.withInitial { UniffiCallStatusCache() }

// liangzheng: the status of a call that did not succeed, read into the generated Structure
// (only then: success is one byte, `code`, the first field).
private fun<E: kotlin.Exception> uniffiCheckCallStatus(errorHandler: UniffiRustCallStatusErrorHandler<E>, status: Pointer) {
    if (status.getByte(0) == UNIFFI_CALL_SUCCESS) {
        return
    }
    val failed = UniffiRustCallStatus()
    val size = failed.size()
    failed.getPointer().write(0, status.getByteArray(0, size), 0, size)
    failed.read()
    uniffiCheckCallStatus(errorHandler, failed)
}
"""


PLAIN_CALL_OLD = """private inline fun <U> uniffiRustCall(callback: (UniffiRustCallStatus) -> U): U {"""
PLAIN_CALL_NEW = """private inline fun <U> uniffiRustCall(callback: (Pointer) -> U): U {"""

IMPORT_OLD = "import com.sun.jna.Pointer\n"
IMPORT_NEW = "import com.sun.jna.Pointer\nimport com.sun.jna.Memory\n"

BYVALUE_OLD = "    class ByValue: RustBuffer(), Structure.ByValue\n"
BYVALUE_NEW = """    // liangzheng (scripts/postprocess-kotlin.py): a by-value RustBuffer takes its native memory
    // from the thread's scratch ring, not a new registered JNA Memory, and copies its three fields
    // with three native reads or writes instead of JNA's reflection. JNA uses a by-value struct's
    // memory only for a moment: it copies a returned value in and reads the fields at once, and
    // writes the fields out right before the native call that takes it (the callee gets a copy);
    // in between the Java fields are the value.
    class ByValue: RustBuffer(), Structure.ByValue {
        override fun autoAllocate(size: Int): Memory = UniffiRustBufferScratch.slot(size)

        override fun read() {
            val p = getPointer()
            capacity = p.getLong(0)
            len = p.getLong(UniffiRustBufferLayout.LEN)
            data = p.getPointer(UniffiRustBufferLayout.DATA)
        }

        override fun write() {
            val p = getPointer()
            p.setLong(0, capacity)
            p.setLong(UniffiRustBufferLayout.LEN, len)
            p.setPointer(UniffiRustBufferLayout.DATA, data)
        }
    }
"""

SCRATCH = """
// liangzheng: per-thread scratch memory for RustBuffer.ByValue structs (scripts/postprocess-kotlin.py).
// JNA allocates native memory for every Structure it builds (a registered `Memory`: a map entry
// and a Cleaner registration, undone later on JNA's cleaner thread) — three per `verify`. A
// by-value RustBuffer needs its native copy only while JNA converts it (see RustBuffer.ByValue),
// so each one gets the next slot of a ring the thread owns. A slot is reused only after
// UNIFFI_SCRATCH_SLOTS more by-value RustBuffers were built on that thread; no FFI function takes
// nearly that many (checked by the post-processing), so the arguments of one call never share a slot.
internal const val UNIFFI_SCRATCH_SLOTS = 128
internal const val UNIFFI_SCRATCH_SLOT_BYTES = 32

internal class UniffiScratchSlot(private val ring: Memory, offset: Long, size: Long) : Memory() {
    init {
        peer = Pointer.nativeValue(ring) + offset
        this.size = size
    }

    // The ring's memory is freed with the ring (a normal JNA Memory), never through a slot.
    override fun dispose() {}
}

// Field offsets of RustBuffer as JNA lays it out for this platform (`capacity` is the first field).
internal object UniffiRustBufferLayout : RustBuffer() {
    val LEN: Long = fieldOffset("len").toLong()
    val DATA: Long = fieldOffset("data").toLong()

    init {
        check(fieldOffset("capacity") == 0) { "RustBuffer.capacity is not the first field" }
    }
}

internal object UniffiRustBufferScratch {
    private class Ring {
        val memory = Memory((UNIFFI_SCRATCH_SLOTS * UNIFFI_SCRATCH_SLOT_BYTES).toLong())
        var next = 0
    }

    private val rings: ThreadLocal<Ring> = ThreadLocal.withInitial { Ring() }

    fun slot(size: Int): Memory {
        check(size in 1..UNIFFI_SCRATCH_SLOT_BYTES) { "RustBuffer is $size bytes, scratch slots $UNIFFI_SCRATCH_SLOT_BYTES" }
        val ring = rings.get()
        val slot = UniffiScratchSlot(ring.memory, ring.next.toLong() * UNIFFI_SCRATCH_SLOT_BYTES, size.toLong())
        ring.next = (ring.next + 1) % UNIFFI_SCRATCH_SLOTS
        slot.clear()
        return slot
    }
}
"""

SCRATCH_ANCHOR = "/**\n * The equivalent of the `*mut RustBuffer` type.\n"

UTF8_OLD = """    fun toUtf8(value: String): ByteBuffer {
        // Make sure we don't have invalid UTF-16, check for lone surrogates.
        return Charsets.UTF_8.newEncoder().run {
            onMalformedInput(CodingErrorAction.REPORT)
            encode(CharBuffer.wrap(value))
        }
    }
"""
UTF8_NEW = """    fun toUtf8(value: String): ByteBuffer {
        // liangzheng (scripts/postprocess-kotlin.py): String.getBytes first — one pass, no encoder, no
        // CharBuffer walked char by char. It writes '?' for a lone surrogate, so when the bytes hold
        // a '?' the strict encoder below decides (it rejects lone surrogates, as before).
        val bytes = value.toByteArray(Charsets.UTF_8)
        if (bytes.indexOf(QUESTION_MARK) < 0) {
            return ByteBuffer.wrap(bytes)
        }
        // Make sure we don't have invalid UTF-16, check for lone surrogates.
        return Charsets.UTF_8.newEncoder().run {
            onMalformedInput(CodingErrorAction.REPORT)
            encode(CharBuffer.wrap(value))
        }
    }

    private const val QUESTION_MARK = '?'.code.toByte()
"""

LIFT_OLD = """    fun liftFromRustBuffer(rbuf: RustBuffer.ByValue): KotlinType {
        val byteBuf = rbuf.asByteBuffer()!!
"""
LIFT_NEW = """    fun liftFromRustBuffer(rbuf: RustBuffer.ByValue): KotlinType {
        // liangzheng: one copy into a heap buffer, not a JNI direct ByteBuffer (scripts/postprocess-kotlin.py).
        val byteBuf = ByteBuffer.wrap(rbuf.data!!.getByteArray(0, Math.toIntExact(rbuf.len)))
"""

LEN_OLD = """            rbuf.writeField("len", bbuf.position().toLong())
"""
LEN_NEW = """            rbuf.len = bbuf.position().toLong() // liangzheng: written out with the struct (RustBuffer.ByValue)
"""

STRING_LIFT_OLD = """            val byteArr = ByteArray(value.len.toInt())
            value.asByteBuffer()!!.get(byteArr)
            return byteArr.toString(Charsets.UTF_8)
"""
STRING_LIFT_NEW = """            // liangzheng: one copy, not a JNI direct ByteBuffer (scripts/postprocess-kotlin.py).
            val byteArr = value.data!!.getByteArray(0, Math.toIntExact(value.len))
            return byteArr.toString(Charsets.UTF_8)
"""

STRING_LOWER_OLD = """        val rbuf = RustBuffer.alloc(byteBuf.limit().toULong())
        rbuf.asByteBuffer()!!.put(byteBuf)
        return rbuf
"""
STRING_LOWER_NEW = """        val rbuf = RustBuffer.alloc(byteBuf.limit().toULong())
        // liangzheng: one copy, not a JNI direct ByteBuffer (scripts/postprocess-kotlin.py).
        rbuf.data!!.write(0, byteBuf.array(), byteBuf.arrayOffset() + byteBuf.position(), byteBuf.remaining())
        return rbuf
"""

# Most RustBuffer arguments a generated FFI function may take (the scratch ring must be larger).
MAX_BUFFER_ARGS = 32


def rewrite_status(text: str) -> str:
    text = replace_once(text, STATUS_OLD, STATUS_NEW, "uniffiRustCallWithError")
    # Every FFI declaration's status parameter (and nothing else) becomes a plain pointer.
    decl = "uniffi_out_err: UniffiRustCallStatus, \n"
    count = text.count(decl)
    if count < 10 or count != text.count("uniffi_out_err"):
        fail(f"expected the FFI declarations' `{decl.strip()}` parameters, found {count}")
    text = text.replace(decl, "uniffi_out_err: Pointer, \n")
    text = replace_once(text, PLAIN_CALL_OLD, PLAIN_CALL_NEW, "uniffiRustCall")
    return replace_once(text, IMPORT_OLD, IMPORT_NEW, "`import com.sun.jna.Pointer`")


def rewrite_buffers(text: str) -> str:
    text = replace_once(text, BYVALUE_OLD, BYVALUE_NEW, "`class ByValue: RustBuffer()`")
    text = replace_once(text, SCRATCH_ANCHOR, SCRATCH.lstrip("\n") + "\n" + SCRATCH_ANCHOR, "RustBufferByReference doc")
    text = replace_once(text, LIFT_OLD, LIFT_NEW, "liftFromRustBuffer")
    text = replace_once(text, LEN_OLD, LEN_NEW, "lowerIntoRustBuffer's `len`")
    text = replace_once(text, STRING_LIFT_OLD, STRING_LIFT_NEW, "FfiConverterString.lift")
    text = replace_once(text, STRING_LOWER_OLD, STRING_LOWER_NEW, "FfiConverterString.lower")
    return replace_once(text, UTF8_OLD, UTF8_NEW, "FfiConverterString.toUtf8")


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


def check_buffer_args(text: str) -> None:
    """No FFI function may take as many RustBuffers as the scratch ring has slots."""
    decls = re.findall(r"^ *(?:external )?fun (?:uniffi_|ffi_)\w+\((.*?)\n\)", text, re.M | re.S)
    if len(decls) < 10:
        fail(f"only {len(decls)} FFI declarations found")
    most = max(d.count("RustBuffer.ByValue") for d in decls)
    if most > MAX_BUFFER_ARGS:
        fail(f"an FFI function takes {most} RustBuffers, more than {MAX_BUFFER_ARGS}")


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
    if only is None:
        text = rewrite_buffers(text)
    check_buffer_args(text)
    # After `package …`, so the file still starts as uniffi-bindgen writes it.
    text = replace_once(text, "\npackage liangzheng\n", f"\npackage liangzheng\n\n{MARKER}\n", "`package liangzheng`")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
