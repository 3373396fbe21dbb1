//! License-type files as CBOR (`Registry::with_cbor`: every FFI build can load them) and as
//! JSON (`Registry::with_json`): a typed error or a registry, never a panic.
#![no_main]
use liangzheng::schema::Registry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(registry) = Registry::builtin().with_cbor(data) {
        for ty in registry.types() {
            let _ = registry.get(&ty.type_code);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Registry::builtin().with_json(text);
    }
});
