//! # liangzheng 亮证
//!
//! Signed electronic licenses (电子证照) that anyone can verify offline from a
//! QR code the holder shows on a phone.
//!
//! The data flows one way: claims → [`credential`] (issuer) → [`presentation`]
//! (holder, via the [`wallet`]) → [`qr`] text → [`verify`] → a typed report.
//! License types are data ([`schema`]); identifiers are validated by [`ids`];
//! issuers are trusted through signed [`trust`] lists and revoked through
//! [`status`] lists. Nothing here touches the network or reads the clock on its
//! own: time, trust and policy are inputs.
//!
//! ```
//! use std::sync::Arc;
//! use liangzheng::{credential::{Claims, Issuer}, holder::{DeviceSigner, Ed25519DeviceSigner},
//!     ids::{Date, Uscc}, keys::{IssuerKey, IssuerSigner}, time::UnixTime,
//!     trust::{TrustStore, TrustedIssuer}, verify::{Policy, Verdict, Verifier}, wallet::Wallet};
//!
//! // 公安 issues an ID card bound to the holder's phone key.
//! let key = Arc::new(IssuerKey::from_seed(&[1; 32]));
//! let issuer = Issuer::new(key.clone(), "济南市公安局", Uscc::parse("11370100004307520K").unwrap());
//! let phone = Arc::new(Ed25519DeviceSigner::from_seed(&[2; 32]));
//! let claims: Claims = serde_json::from_str(r#"{"type": "cn.resident-id-card",
//!   "license_number": "370102199003070016", "valid_from": "2020-01-01", "valid_until": "2040-01-01",
//!   "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07",
//!   "address": "山东省济南市历下区泉城路1号", "id_number": "370102199003070016", "authority": "济南市公安局历下分局"}}"#).unwrap();
//! let now = UnixTime(1_767_225_600); // 2026-01-01
//! let license = issuer.issue(&claims, Some(&phone.public_key()), now).unwrap();
//!
//! // The holder shows name + ID number; the counter scans and verifies.
//! let mut wallet = Wallet::new(phone);
//! let i = wallet.add(license).unwrap();
//! let qr_text = wallet.present(i, &["name", "id_number"], now).unwrap();
//! let trust = TrustStore::from_issuers(vec![TrustedIssuer { public_key: key.public_key(),
//!     name_zh: "济南市公安局".into(), name_en: "Jinan Public Security Bureau".into(),
//!     code: "11370100004307520K".into(), region: "370100".into(),
//!     types: vec!["11100000000013338W901".into()], not_before: 0, not_after: None }]);
//! let report = Verifier::new(trust).verify_text(&qr_text, &Policy::at(now.plus(5)));
//! assert_eq!(report.verdict, Verdict::Valid);
//! assert_eq!(report.fields[0].value_zh, "张三");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alg;
pub mod b64;
pub mod bundle;
pub mod cbor;
pub mod cose;
pub mod credential;
pub mod disclosure;
pub mod holder;
pub mod ids;
pub mod keys;
pub mod lang;
pub mod presentation;
pub mod qr;
pub mod registration;
pub mod request;
pub mod schema;
pub mod status;
pub mod time;
pub mod trust;
pub mod verify;
pub mod wallet;

#[cfg(test)]
mod spec_tables;
mod zlib;

/// The README's Rust example, compiled and run as a doctest.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
