//! `uniffi-bindgen`, built from the exact UniFFI version the library's scaffolding uses.
//!
//! Run through `scripts/gen-bindings.sh`; UniFFI releases have changed binding
//! checksums between patch versions, so bindings must never come from another build.

fn main() {
    uniffi::uniffi_bindgen_main()
}
