//! Compiles the built-in license-type file (`data/license-types.json`, the one a person edits)
//! into CBOR once, at build time, so the library parses it with ciborium (which it links for
//! the wire format anyway) and builds without the `json` feature need no JSON parser at all
//! (docs/decisions/0020-shipped-library-size.md). Same data model, same checks at run time.

use std::path::Path;

fn main() {
    let source = Path::new("data/license-types.json");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = std::fs::read_to_string(source)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", source.display()));
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", source.display()));
    let mut cbor = Vec::new();
    ciborium::into_writer(&value, &mut cbor)
        .unwrap_or_else(|e| panic!("cannot encode the license types as CBOR: {e}"));
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out = Path::new(&out_dir).join("license-types.cbor");
    std::fs::write(&out, cbor).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
