//! # liangzheng-wasm 亮证 in the browser
//!
//! A thin `wasm-bindgen` shell over the `liangzheng` core crate for the offline
//! counter page (`web/`): load a signed trust list (with its pinned root key),
//! status lists and license types; verify one scanned text and get the full
//! report as a plain JS object (verdict, every check, disclosed fields with
//! their masked display, messages in 中文 and English); decode a QR code from a
//! camera frame (RGBA pixels) with core's pure-Rust `scan` path; present a demo
//! license as a holder; assemble an animated multi-frame code (portrait,
//! 一照通 bundle) and verify what it carries. Like `ffi/`, it converts and delegates: no verification
//! logic of its own.
//!
//! Every fallible call throws an `LzError` (see [`LzError`]); a verification
//! result is never an error. Times are Unix seconds as JS numbers (checked:
//! whole, non-negative, at most 2^53 − 1).
//!
//! The same crate builds on the host (for `cargo test` / `clippy`), where the
//! Rust-level methods ([`Verifier::from_signed`], [`Verifier::check`],
//! [`Holder::show`], [`scan::frame_text`] …) are tested; the JS-level wrappers
//! only run in a JS engine.

mod convert;
mod demo;
mod error;
mod frames;
mod holder;
mod panic;
mod report;
pub mod scan;
mod verifier;

pub use convert::unix_seconds;
pub use error::LzError;
pub use frames::{
    Assembled, BundleMember, BundleProblem, BundleReport, FrameAssembler, FrameProgress,
};
pub use holder::Holder;
pub use panic::{start, take_panic_message};
pub use report::{
    CheckResult, DisclosedField, DisclosedImage, Finding, LicenseFacts, Problem, VerificationReport,
};
pub use verifier::{
    root_key_from_pem, RequestCode, StatusListInfo, TrustListInfo, Verifier, VerifyPolicy,
};
