//! The built-in demo data of `lz verify --demo` and `lz demo`: the very same
//! source file as the CLI's (`examples/src/demo.rs`), compiled into this crate
//! so the page's 演示 mode trusts exactly what the CLI's demo trusts. Demo keys
//! come from public seeds: never for real use.

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../examples/src/demo.rs"]
mod shared;

pub use shared::{status_tokens, trust_store};
