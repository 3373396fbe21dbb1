//! FFI placeholder.
