//! # liangzheng-ffi
//!
//! Kotlin, Swift and Python bindings for [`liangzheng`] (亮证), made with UniFFI
//! proc-macros. This crate is a thin shell: it converts types at the boundary,
//! maps every core error into the one [`LzError`], and delegates; the rules of
//! issuing, presenting and verifying live in core.
//!
//! The flow across the boundary is three objects and a few coarse calls (each
//! call crosses the boundary once, so a scan costs one call, not dozens):
//!
//! | role | object | calls |
//! |---|---|---|
//! | issuing authority | [`Issuer`] | `from_pkcs8_pem` / `from_seed`, `issue(claims_json, holder_key, now)` → license bytes |
//! | holder's phone | [`Wallet`] | `new(DeviceSigner)`, `add(bytes)`, `present(index, keys, now)` → QR text, `read_request`, `respond` |
//! | counter | [`Verifier`] | `new(trust_list, root_key)`, `add_status_list`, `expect_request` / `create_request`, `verify(qr_text, policy)` → [`VerificationReport`] |
//!
//! The holder key stays in the phone's secure hardware: the app implements
//! [`DeviceSigner`] (Android Keystore, iOS Secure Enclave, ES256) and the wallet
//! calls it with the bytes to sign. [`render_qr_png`] and [`render_qr_svg`] draw
//! QR text for the screen; [`qr_matrix`] gives its modules to apps that draw natively.
//!
//! The library comes in five builds from one source and one set of bindings —
//! verifier and verifier-lean (counter apps), wallet-lean and wallet (holder apps),
//! full — chosen with cargo features; what a build leaves out fails with
//! [`LzError::NotInThisBuild`].
//! See [`parts`].
//!
//! ```
//! use liangzheng_ffi::{default_policy, Issuer, Verdict, Verifier, Wallet};
//! # use liangzheng::{keys::IssuerKey, trust::{TrustStore, TrustedIssuer}};
//! # let root = IssuerKey::from_seed(&[9; 32]);
//! # let issuer_key = IssuerKey::from_seed(&[1; 32]);
//! # let store = TrustStore { issuers: vec![TrustedIssuer { public_key: liangzheng::keys::IssuerSigner::public_key(&issuer_key),
//! #     name_zh: "济南市公安局".into(), name_en: "Jinan PSB".into(), code: "11370100004307520K".into(),
//! #     region: "370100".into(), types: vec!["11100000000013338W901".into()], not_before: 0, not_after: None }],
//! #     issued_at: liangzheng::time::UnixTime(0), expires: None };
//! # let trust_list = store.sign(&root).unwrap();
//! # let root_key = root.public_key_bytes().to_vec();
//! let issuer = Issuer::from_seed(vec![1; 32], "济南市公安局".into(), "11370100004307520K".into())?;
//! let wallet = Wallet::from_ed25519_seed(vec![2; 32])?;
//! let claims = r#"{"type": "cn.resident-id-card", "license_number": "370102199003070016",
//!   "valid_from": "2020-01-01", "valid_until": "2040-01-01", "fields": {"name": "张三", "sex": "男",
//!   "ethnicity": "汉", "birth_date": "1990-03-07", "address": "山东省济南市历下区泉城路1号",
//!   "id_number": "370102199003070016", "authority": "济南市公安局历下分局"}}"#;
//! let now = 1_767_225_600;
//! let license = issuer.issue(claims.into(), Some(wallet.holder_key()), now)?;
//! let index = wallet.add(license)?;
//! let qr_text = wallet.present(index, vec!["name".into(), "id_number".into()], now)?;
//!
//! let verifier = Verifier::new(trust_list, root_key)?;
//! let mut policy = default_policy(now + 5);
//! policy.status = liangzheng_ffi::StatusMode::Lenient;
//! let report = verifier.verify(qr_text, policy);
//! assert_eq!(report.verdict, Verdict::Valid);
//! assert_eq!(report.fields[0].value_zh, "张三");
//! # Ok::<(), liangzheng_ffi::LzError>(())
//! ```

mod bundle;
mod error;
mod frames;
mod images;
mod issuer;
pub mod parts;
mod qr;
mod registration;
mod signer;
mod trust_list;
mod verifier;
mod wallet;

pub use bundle::{BundleMemberReport, BundleProblem, BundleReport};
pub use error::LzError;
pub use frames::{
    AssembledCode, AssembledReport, CodeKind, FrameAssembler, FrameProgress, FrameStatus,
};
pub use images::DisclosedImage;
pub use issuer::Issuer;
pub use parts::{library_build, LibraryBuild};
pub use qr::{qr_matrix, qr_version, render_qr_png, render_qr_svg, QrEcc, QrMatrix, QrStyle};
pub use registration::{
    default_request_policy, read_registration, sign_registration, RegistrationGrant, RequestPolicy,
    SigningKey, VerifierIdentity, VerifierRegistration,
};
pub use signer::{DeviceSigner, HolderKey, HolderKeyAlgorithm};
pub use trust_list::{sign_trust_list, TrustListEntry};
pub use verifier::{
    default_policy, CheckOutcome, CheckResult, DisclosedField, Finding, LicenseFacts, Problem,
    RequestCode, StatusMode, Verdict, VerificationReport, Verifier, VerifyPolicy,
};
pub use wallet::{
    AnimatedCode, BundleMemberChoice, ConsentPrompt, FieldInfo, FrameOptions, LicenseTypeInfo,
    RequestedField, Wallet,
};

uniffi::setup_scaffolding!();
