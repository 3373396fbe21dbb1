//! Which parts of the API this build of the library contains.
//!
//! The library is built in five sizes from one source and **one set of
//! bindings** (docs/decisions/0013-ffi-builds.md, 0021-wallet-lean-build.md):
//!
//! | build | cargo features | contains | for |
//! |---|---|---|---|
//! | verifier | `--no-default-features --features verifier` | [`crate::Verifier`], [`crate::default_policy`], [`crate::FrameAssembler`] | counter apps (核验端) |
//! | verifier-lean | `--no-default-features --features counter` | the verifier without [`crate::FrameAssembler`] (≈ 207 KB smaller) | counter apps that never read animated codes |
//! | wallet-lean | `--no-default-features --features holder,render` | [`crate::Wallet`] (single codes, requests), QR drawing (module matrix, SVG, PNG); no [`crate::Verifier`], no animated codes | phone wallets (持证端) |
//! | wallet | `--no-default-features --features wallet` | verifier + wallet + animated codes + PNG | holder apps that also verify |
//! | full | default (`full`) | wallet + [`crate::Issuer`] | issuing back offices, tests, demos |
//!
//! Every build exports the same objects and functions with the same
//! signatures, so the same generated Kotlin, Swift and Python files (and the
//! same UniFFI checksums) work with each. What a build leaves out fails with
//! [`crate::LzError::NotInThisBuild`] (code `not_in_this_build`) from its
//! constructor or function; an object whose constructor cannot succeed never
//! exists, so its other methods are unreachable (their receivers hold the
//! uninhabited `Absent`). [`library_build`] tells an app which build it has.

/// A part of the API that a build may leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Which variants a build names depends on what it leaves out (the full build: none).
#[allow(dead_code)]
pub(crate) enum Part {
    /// The counter's [`crate::Verifier`] (cargo feature `counter`; every build but wallet-lean).
    Counter,
    /// The holder's [`crate::Wallet`] (cargo feature `holder`).
    Wallet,
    /// The issuing authority's [`crate::Issuer`] (cargo feature `issuer`).
    Issuer,
    /// QR drawing: [`crate::qr_matrix`], [`crate::render_qr_svg`], [`crate::qr_version`]
    /// (cargo feature `holder`).
    Render,
    /// PNG drawing: [`crate::render_qr_png`] (cargo feature `render`: the png crate).
    Png,
    /// Animated codes: the counter's [`crate::FrameAssembler`] and the holder's
    /// [`crate::Wallet::present_frames`] and [`crate::Wallet::present_bundle`] (cargo feature
    /// `frames`: the verifier, wallet and full builds; verifier-lean and wallet-lean leave it out).
    Frames,
}

// The full build leaves nothing out, so it names no part.
#[allow(dead_code)]
impl Part {
    /// The cargo feature that builds this part in.
    pub(crate) fn feature(self) -> &'static str {
        match self {
            Part::Counter => "counter",
            Part::Wallet => "holder",
            Part::Issuer => "issuer",
            Part::Render => "holder",
            Part::Png => "render",
            Part::Frames => "frames",
        }
    }

    /// What the part is called in messages (Chinese, English).
    pub(crate) fn names(self) -> (&'static str, &'static str) {
        match self {
            Part::Counter => ("核验（Verifier）", "counter verification (Verifier)"),
            Part::Wallet => ("持证人卡包（Wallet）", "the holder wallet (Wallet)"),
            Part::Issuer => ("发证（Issuer）", "issuance (Issuer)"),
            Part::Render => ("二维码绘制", "QR drawing"),
            Part::Png => ("PNG 二维码图片", "PNG drawing (render_qr_png)"),
            Part::Frames => (
                "动态码（FrameAssembler、presentFrames、presentBundle）",
                "animated codes (FrameAssembler, presentFrames, presentBundle)",
            ),
        }
    }
}

/// Held by an object in a build that leaves its part out: no value of it can
/// exist, so neither can the object, and its methods need no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // the full build leaves nothing out
pub(crate) enum Absent {}

/// The error of a call into a part this build leaves out: the typed error, never a panic.
#[cfg(test)]
mod absent_parts {
    use crate::LzError;

    #[cfg_attr(feature = "full", allow(dead_code))] // the full build refuses nothing
    fn assert_not_in_build<T>(result: Result<T, LzError>, feature: &str) {
        match result {
            Err(e @ LzError::NotInThisBuild { .. }) => {
                assert_eq!(e.code(), "not_in_this_build");
                assert!(e.message_en().contains(feature), "{e}");
            }
            Err(e) => panic!("expected not_in_this_build, got {e}"),
            Ok(_) => panic!("{feature} is not in this build, yet the call succeeded"),
        }
    }

    #[test]
    #[cfg(not(feature = "holder"))]
    fn a_build_without_the_wallet_refuses_to_make_one() {
        assert_not_in_build(crate::Wallet::from_ed25519_seed(vec![2; 32]), "holder");
    }

    #[test]
    #[cfg(not(feature = "counter"))]
    fn a_build_without_the_counter_refuses_to_make_a_verifier() {
        assert_not_in_build(crate::Verifier::new(vec![0; 8], vec![0; 32]), "counter");
    }

    #[test]
    #[cfg(all(feature = "holder", not(feature = "frames")))]
    fn a_wallet_without_frames_refuses_animated_codes_before_signing() {
        use std::collections::BTreeMap;
        use std::sync::atomic::{AtomicU32, Ordering};
        use std::sync::Arc;

        use liangzheng::credential::{Claims, Issuer};
        use liangzheng::holder::{DeviceSigner as _, Ed25519DeviceSigner};
        use liangzheng::ids::{Date, Uscc};
        use liangzheng::keys::IssuerKey;
        use liangzheng::time::UnixTime;

        /// An app's signer that counts what it is asked to sign.
        struct Counting {
            key: Ed25519DeviceSigner,
            calls: AtomicU32,
        }
        impl crate::DeviceSigner for Counting {
            fn public_key(&self) -> Result<crate::HolderKey, LzError> {
                Ok(crate::HolderKey::from_core(&self.key.public_key()))
            }
            fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, LzError> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                Ok(self.key.sign(&message).expect("Ed25519 signs"))
            }
        }

        let signer = Arc::new(Counting {
            key: Ed25519DeviceSigner::from_seed(&[2; 32]),
            calls: AtomicU32::new(0),
        });
        let wallet = crate::Wallet::new(signer.clone()).expect("wallet");
        // A license bound to the signer's key (issued with core: this build has no Issuer).
        let issuer = Issuer::new(
            Arc::new(IssuerKey::from_seed(&[1; 32])),
            "济南市公安局",
            Uscc::parse("11370100004307520K").expect("USCC"),
        );
        let fields: BTreeMap<String, String> = [
            ("name", "张三"),
            ("sex", "男"),
            ("ethnicity", "汉"),
            ("birth_date", "1990-03-07"),
            ("address", "山东省济南市历下区泉城路1号"),
            ("id_number", "370102199003070016"),
            ("authority", "济南市公安局历下分局"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let claims = Claims {
            license_type: "cn.resident-id-card".into(),
            license_number: "370102199003070016".into(),
            serial: None,
            valid_from: Date::parse_iso("2020-01-01").expect("date"),
            valid_until: Some(Date::parse_iso("2040-01-01").expect("date")),
            fields,
            status: None,
        };
        let now = 1_767_225_600;
        let holder = signer.key.public_key();
        let license = issuer
            .issue(&claims, Some(&holder), UnixTime(now))
            .expect("issues");
        let index = wallet.add(license.to_bytes()).expect("added");

        let choice = crate::BundleMemberChoice {
            index,
            field_keys: vec!["name".into()],
        };
        assert_not_in_build(
            wallet.present_frames(index, vec!["name".into()], now, None),
            "frames",
        );
        assert_not_in_build(wallet.present_bundle(vec![choice], now, None), "frames");
        assert_eq!(
            signer.calls.load(Ordering::SeqCst),
            0,
            "signed before refusing"
        );
        // The same license as a single code is signed, once: the count counts.
        assert!(wallet.present(index, vec!["name".into()], now).is_ok());
        assert_eq!(signer.calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    #[cfg(all(feature = "holder", not(feature = "render")))]
    fn a_wallet_without_png_draws_matrices_and_svg() {
        assert!(crate::render_qr_svg("LZ1P:X".into(), None).is_ok());
        assert_eq!(
            crate::qr_matrix("LZ1P:X".into(), crate::QrEcc::M).map(|m| m.width),
            Ok(21)
        );
        assert_not_in_build(crate::render_qr_png("LZ1P:X".into(), None), "render");
    }

    #[test]
    #[cfg(not(feature = "issuer"))]
    fn a_build_without_the_issuer_refuses_to_make_one() {
        let made = crate::Issuer::from_seed(vec![1; 32], "x".into(), "11370100004307520K".into());
        assert_not_in_build(made, "issuer");
        let pem = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
        assert_not_in_build(
            crate::Issuer::from_pkcs8_pem(pem.into(), "x".into(), "y".into()),
            "issuer",
        );
        // Signing a verifier registration is the root's job: issuer builds only.
        let key = crate::SigningKey::from_ed25519_seed(vec![3; 32]).expect("signing key");
        let reg = crate::VerifierRegistration {
            verifier_id: "x".into(),
            name_zh: "核验方".into(),
            name_en: "verifier".into(),
            grants: vec![crate::RegistrationGrant {
                type_code: "cn.resident-id-card".into(),
                field_keys: vec!["name".into()],
            }],
            not_before: 0,
            not_after: 10,
            issued_at: 0,
            public_key: key.public_key_spki(),
        };
        assert_not_in_build(crate::sign_registration(reg, key), "issuer");
    }

    #[test]
    #[cfg(not(feature = "holder"))]
    fn a_build_without_rendering_refuses_to_draw() {
        assert_not_in_build(crate::render_qr_svg("LZ1P:X".into(), None), "holder");
        assert_not_in_build(crate::render_qr_png("LZ1P:X".into(), None), "render");
        assert_not_in_build(crate::qr_matrix("LZ1P:X".into(), crate::QrEcc::M), "holder");
        assert_not_in_build(
            crate::qr_version("LZ1P:X".into(), crate::QrEcc::M),
            "holder",
        );
    }

    #[test]
    #[cfg(not(feature = "frames"))]
    fn a_build_without_frames_refuses_to_make_an_assembler() {
        assert_not_in_build(crate::FrameAssembler::new(), "frames");
    }

    #[test]
    #[cfg(feature = "full")]
    fn the_full_build_has_every_part() {
        assert!(crate::Wallet::from_ed25519_seed(vec![2; 32]).is_ok());
        assert!(crate::render_qr_svg("LZ1P:X".into(), None).is_ok());
        let made = crate::Issuer::from_seed(vec![1; 32], "x".into(), "11370100004307520K".into());
        assert!(made.is_ok());
    }
}

/// What this build of the native library contains.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LibraryBuild {
    /// `verifier`, `verifier-lean`, `wallet-lean`, `wallet` or `full` (or `custom` for another
    /// feature mix).
    pub name: String,
    /// The crate version (`0.1.0`).
    pub version: String,
    /// [`crate::Verifier`] is available (every build but wallet-lean).
    pub verifier: bool,
    /// [`crate::Wallet`] is available.
    pub wallet: bool,
    /// [`crate::Issuer`] is available.
    pub issuer: bool,
    /// [`crate::qr_matrix`], [`crate::render_qr_svg`] and [`crate::qr_version`] are available.
    pub render: bool,
    /// [`crate::render_qr_png`] is available.
    pub png: bool,
    /// Animated codes are available: [`crate::FrameAssembler`], [`crate::Wallet::present_frames`]
    /// and [`crate::Wallet::present_bundle`] (the verifier, wallet and full builds).
    pub frames: bool,
}

/// Which build of the native library this is.
#[uniffi::export]
pub fn library_build() -> LibraryBuild {
    let (verifier, wallet, issuer, render, png, frames) = (
        cfg!(feature = "counter"),
        cfg!(feature = "holder"),
        cfg!(feature = "issuer"),
        cfg!(feature = "holder"),
        cfg!(feature = "render"),
        cfg!(feature = "frames"),
    );
    let name = match (verifier, wallet, issuer, png, frames) {
        (true, false, false, false, true) => "verifier",
        (true, false, false, false, false) => "verifier-lean",
        (false, true, false, true, false) => "wallet-lean",
        (true, true, false, true, true) => "wallet",
        (true, true, true, true, true) => "full",
        _ => "custom",
    };
    LibraryBuild {
        name: name.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        verifier,
        wallet,
        issuer,
        render,
        png,
        frames,
    }
}

/// Test only, never in a shipped build (cargo feature `panic-probe`): panics, so that
/// scripts/test-ffi-builds.sh can check that a library built by scripts/build-ffi-release.sh
/// (the standard library rebuilt without its backtrace printer) still turns a panic into
/// UniFFI's internal error for the caller instead of aborting the app. Not in the bindings:
/// the test calls the C symbol directly.
#[cfg(feature = "panic-probe")]
#[uniffi::export]
#[allow(clippy::panic)]
pub fn panic_probe() {
    panic!("panic probe: this panic must reach the caller as an error")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `library_build()` against the builds as docs/bindings.md lists them, stated here
    /// once more: which build the features make comes from outside (scripts/test-ffi-builds.sh
    /// sets `LZ_EXPECT_BUILD` for each build it tests; the full build needs none).
    #[test]
    fn the_build_names_its_parts() {
        let build = library_build();
        let expected = match std::env::var("LZ_EXPECT_BUILD") {
            Ok(name) => name,
            Err(_) if cfg!(feature = "full") => "full".to_owned(),
            Err(_) => panic!(
                "set LZ_EXPECT_BUILD to the build these features make (verifier, verifier-lean, \
                 wallet-lean, wallet, full or custom), as scripts/test-ffi-builds.sh does"
            ),
        };
        assert_eq!(build.name, expected);
        // (verifier, wallet, issuer, render, png, frames)
        let parts = match expected.as_str() {
            "verifier" => (true, false, false, false, false, true),
            "verifier-lean" => (true, false, false, false, false, false),
            "wallet-lean" => (false, true, false, true, true, false),
            "wallet" => (true, true, false, true, true, true),
            "full" => (true, true, true, true, true, true),
            "custom" => return,
            other => panic!("LZ_EXPECT_BUILD={other} names no build"),
        };
        let got = (
            build.verifier,
            build.wallet,
            build.issuer,
            build.render,
            build.png,
            build.frames,
        );
        assert_eq!(got, parts);
    }

    #[test]
    fn a_missing_part_is_a_typed_error_in_both_languages() {
        for part in [
            Part::Counter,
            Part::Wallet,
            Part::Issuer,
            Part::Render,
            Part::Png,
            Part::Frames,
        ] {
            let e = crate::LzError::not_in_this_build(part);
            assert!(matches!(e, crate::LzError::NotInThisBuild { .. }));
            assert_eq!(e.code(), "not_in_this_build");
            assert!(e.message_en().contains(part.feature()), "{e}");
            assert!(e.message_zh().contains(part.names().0), "{e}");
        }
    }
}
