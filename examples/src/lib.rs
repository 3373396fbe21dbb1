//! Shared pieces of the runnable examples: built-in demo keys, demo issuers and
//! sample claims. Demo keys come from fixed seeds and are public: they exist so
//! the demo and the test vectors are reproducible, never for real use.

pub mod demo;
pub mod vectors;
