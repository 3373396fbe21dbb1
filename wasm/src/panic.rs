//! Panics never cross into JS unannounced.
//!
//! Core returns typed errors for every bad input, so a panic is a bug. On
//! wasm32 a panic aborts (the module traps with a `WebAssembly.RuntimeError`
//! and must not be used again); the hook installed here keeps the panic's
//! message so the JS wrapper (`web/lz.js`) can turn the trap into an
//! `LzError` of kind `internal` with that message, and start a fresh instance.

use std::sync::Mutex;

use wasm_bindgen::prelude::*;

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs the panic hook (runs when the module starts).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let mut slot = LAST_PANIC
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(info.to_string());
    }));
}

/// `takePanicMessage()`: the message of the panic that trapped this instance, if any.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

/// `selfTestPanic()`: panics on purpose, so tests can check the JS wrapper
/// turns the trap into a typed error and recovers.
#[wasm_bindgen(js_name = selfTestPanic)]
pub fn self_test_panic() {
    #[allow(clippy::panic)]
    {
        panic!("self-test panic (deliberate)");
    }
}
