"""A panic inside the library reaches Python as InternalError and the process lives on.

Run by scripts/test-ffi-builds.sh against a library built by scripts/build-ffi-release.sh with the
test-only feature `panic-probe` (std rebuilt without its backtrace printer, as apps ship it):
unwinding must still work there, or UniFFI could not turn a Rust bug into an exception.
The probe is not part of the bindings, so it is called through its C symbol.
"""

import ctypes
import sys

import liangzheng_ffi as lz


def main() -> int:
    probe = lz._UniffiLib.uniffi_liangzheng_ffi_fn_func_panic_probe
    probe.argtypes = [ctypes.POINTER(lz._UniffiRustCallStatus)]
    probe.restype = None
    message = ""
    for _ in range(3):
        try:
            lz._uniffi_rust_call(probe)
        except lz.InternalError as e:
            message = str(e)
            if "panic probe" not in message:
                print(f"panic_probe: InternalError without the panic message: {e!r}", file=sys.stderr)
                return 1
        else:
            print("panic_probe: the probe returned without an error", file=sys.stderr)
            return 1
    build = lz.library_build()
    print(f"panic_probe: 3 panics became InternalError('{message}'); library still answers (build {build.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
