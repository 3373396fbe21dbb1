//! The holder's wallet (电子卡包): licenses in, QR text out.
//!
//! Only in builds with the cargo feature `holder` (wallet-lean, wallet and full builds; animated
//! codes also need `frames`);
//! elsewhere the constructors fail with [`LzError::NotInThisBuild`] (see [`crate::parts`]).

use std::sync::Arc;
#[cfg(feature = "holder")]
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

#[cfg(feature = "holder")]
use liangzheng::credential::IssuedLicense;
#[cfg(feature = "holder")]
use liangzheng::holder::{DeviceSigner as _, Ed25519DeviceSigner};
#[cfg(feature = "holder")]
use liangzheng::lang::Localized as _;
#[cfg(feature = "holder")]
use liangzheng::request::ReceivedRequest;
#[cfg(feature = "holder")]
use liangzheng::time::UnixTime;

#[cfg(not(feature = "holder"))]
use crate::parts::{Absent, Part};
#[cfg(feature = "holder")]
use crate::signer::ForeignSigner;
use crate::{DeviceSigner, HolderKey, LzError, RequestPolicy, VerifierIdentity};

/// One field of a license type, for a "choose what to show" screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldInfo {
    /// Stable key, as `present` takes it (`name`, `id_number` …).
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Shown masked by default at the counter.
    pub sensitive: bool,
}

/// A license type as the wallet knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LicenseTypeInfo {
    /// Stable id (`cn.resident-id-card` …).
    pub id: String,
    /// 证照类型代码.
    pub type_code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The fields a holder can choose to show.
    pub fields: Vec<FieldInfo>,
}

/// One field a verifier asks for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestedField {
    /// Field key (or the numeric id, when the type does not know it).
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
}

/// A verifier's request (授权用证) as shown to the holder for consent.
///
/// Show `display_name_zh` / `display_name_en` as who asks: the registered name
/// of a verified verifier, or "未认证的核验方" / "unverified verifier". The
/// name a request claims is only in [`VerifierIdentity::Unverified`].
///
/// Pass it back unchanged to [`Wallet::respond`]: only `request_body` is used
/// there (re-read and bound into the holder's signature), the rest is for display.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentPrompt {
    /// Who asks: verified against its registration and the pinned root, or not.
    pub verifier: VerifierIdentity,
    /// The name to show for who asks, in Chinese (registered 名称 or "未认证的核验方").
    pub display_name_zh: String,
    /// The name to show for who asks, in English (registered name or "unverified verifier").
    pub display_name_en: String,
    /// The verifier id the request carries (authenticated only when `verifier` is `Verified`).
    pub claimed_verifier_id: String,
    /// Purpose (申请事由).
    pub purpose: String,
    /// License type code asked for.
    pub type_code: String,
    /// Fields asked for.
    pub fields: Vec<RequestedField>,
    /// Index of a license of that type in this wallet, if any.
    pub license_index: Option<u32>,
    /// Key id (hex) of the verifier's signature, if the request was signed
    /// (checked only as part of `verifier`).
    pub signed_by: Option<String>,
    /// When the request was made (Unix seconds).
    pub time: u64,
    /// The request's exact bytes.
    pub request_body: Vec<u8>,
}

/// How to cut a presentation into the frames of an animated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct FrameOptions {
    /// Symbol bytes per frame (16–2048). The default 179 fills a QR version 10
    /// (57 × 57 modules) at ECC M, which low-end phones read from a screen.
    #[uniffi(default = 179)]
    pub symbol_size: u16,
    /// Repair frames after the source frames in one loop; none = as many as
    /// there are source frames (at least 2), so a counter that misses 30% of a
    /// loop still assembles it.
    #[uniffi(default = None)]
    pub repair_frames: Option<u32>,
}

/// An animated code for the holder's screen: show `frames` in a loop, one every
/// `1 / fps` seconds, each drawn like any QR text (`renderQrPng`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AnimatedCode {
    /// One loop of frame texts (`LZ1F:…`): the source frames, then repair frames.
    pub frames: Vec<String>,
    /// Source frames K: a counter needs any K distinct frames (rarely one or two more).
    pub source_frames: u32,
    /// Symbol bytes per frame.
    pub symbol_size: u16,
    /// The QR version every frame needs at ECC M.
    pub qr_version: u8,
    /// Recommended display rate, frames per second (10).
    pub fps: u8,
}

/// One member of a 一照通 bundle: a license in this wallet and the fields to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleMemberChoice {
    /// Wallet index of the license.
    pub index: u32,
    /// Fields to show; include `uscc` (统一社会信用代码), or the counter cannot
    /// check that the member belongs to the subject (`subject_not_disclosed`).
    pub field_keys: Vec<String>,
}

/// The holder's wallet: stored licenses and the holder key that signs presentations.
#[derive(uniffi::Object)]
pub struct Wallet {
    // Reads (present, respond) run concurrently and call the app's signer; only `add` writes.
    #[cfg(feature = "holder")]
    inner: RwLock<liangzheng::wallet::Wallet>,
    #[cfg(feature = "holder")]
    key: HolderKey,
    #[cfg(not(feature = "holder"))]
    absent: Absent,
}

#[uniffi::export]
impl Wallet {
    /// A wallet whose presentations the app's `signer` signs (Android Keystore, Secure
    /// Enclave). Reads the signer's public key once and validates it.
    #[uniffi::constructor]
    pub fn new(signer: Arc<dyn DeviceSigner>) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = signer;
            Err(LzError::not_in_this_build(Part::Wallet))
        }
        #[cfg(feature = "holder")]
        {
            let signer = ForeignSigner::new(signer)?;
            let key = HolderKey::from_core(&liangzheng::holder::DeviceSigner::public_key(&signer));
            Ok(Self::wrap(
                liangzheng::wallet::Wallet::new(Arc::new(signer)),
                key,
            ))
        }
    }

    /// A wallet with a software Ed25519 holder key from a 32-byte seed (tests and demos;
    /// a real app keeps its key in secure hardware and uses [`Wallet::new`]).
    #[uniffi::constructor]
    pub fn from_ed25519_seed(seed: Vec<u8>) -> Result<Arc<Self>, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = seed;
            Err(LzError::not_in_this_build(Part::Wallet))
        }
        #[cfg(feature = "holder")]
        {
            let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| {
                LzError::invalid_input("bad_seed", "种子必须是 32 字节", "a seed is 32 bytes")
            })?;
            let signer = Ed25519DeviceSigner::from_seed(&seed);
            let key = HolderKey::from_core(&signer.public_key());
            Ok(Self::wrap(
                liangzheng::wallet::Wallet::new(Arc::new(signer)),
                key,
            ))
        }
    }

    /// Learns the license types of a type file (CBOR; see [`crate::Verifier::add_license_types`]),
    /// so licenses of those types can be added, presented and used to answer requests. All or
    /// nothing; errors: [`LzError::InvalidInput`] (`bad_type_file`, `bad_type_definition`).
    pub fn add_license_types(&self, type_file: Vec<u8>) -> Result<(), LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = type_file;
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let mut wallet = self.write();
            let registry = liangzheng::schema::Registry::clone(wallet.registry())
                .with_cbor(&type_file)
                .map_err(|e| crate::error::type_file_error(&e))?;
            wallet.set_registry(Arc::new(registry));
            Ok(())
        }
    }

    /// The holder's public key: give it to the issuer so licenses are bound to this wallet.
    pub fn holder_key(&self) -> HolderKey {
        #[cfg(not(feature = "holder"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            self.key.clone()
        }
    }

    /// Adds a license (the bytes [`crate::Issuer::issue`] returned, as stored by the app);
    /// returns its index. Fails if it is unreadable or bound to another holder key.
    pub fn add(&self, license: Vec<u8>) -> Result<u32, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = license;
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let license = IssuedLicense::from_bytes(&license).map_err(|e| LzError::Wallet {
                code: "bad_license".into(),
                message_zh: format!("证照数据无法读取：{}", e.zh()),
                message_en: format!("stored license unreadable: {}", e.en()),
            })?;
            let index = self.write().add(license)?;
            Ok(index_out(index))
        }
    }

    /// Number of licenses held.
    pub fn count(&self) -> u32 {
        #[cfg(not(feature = "holder"))]
        {
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            index_out(self.read().len())
        }
    }

    /// The type of the license at `index`, with the fields the holder can choose.
    pub fn license_type(&self, index: u32) -> Result<LicenseTypeInfo, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = index;
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let wallet = self.read();
            let ty = wallet
                .license_type(index_in(index))
                .ok_or(liangzheng::wallet::WalletError::NoSuchLicense)?;
            Ok(LicenseTypeInfo {
                id: ty.id.clone(),
                type_code: ty.type_code.clone(),
                name_zh: ty.zh.clone(),
                name_en: ty.en.clone(),
                fields: ty
                    .fields
                    .iter()
                    .map(|f| FieldInfo {
                        key: f.key.clone(),
                        label_zh: f.zh.clone(),
                        label_en: f.en.clone(),
                        sensitive: f.sensitive,
                    })
                    .collect(),
            })
        }
    }

    /// Shows `field_keys` of license `index` (亮证): returns the QR text, valid for
    /// 60 seconds from `now` (Unix seconds). Signs through the device signer.
    pub fn present(
        &self,
        index: u32,
        field_keys: Vec<String>,
        now: u64,
    ) -> Result<String, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = (index, field_keys, now);
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let keys: Vec<&str> = field_keys.iter().map(String::as_str).collect();
            Ok(self.read().present(index_in(index), &keys, UnixTime(now))?)
        }
    }

    /// As [`present`](Self::present), but as an animated code: for a
    /// presentation too large for one QR symbol (one that shows the
    /// `portrait`). `options` default: 179-byte symbols (QR version 10), one
    /// repair frame per source frame.
    #[uniffi::method(default(options = None))]
    pub fn present_frames(
        &self,
        index: u32,
        field_keys: Vec<String>,
        now: u64,
        options: Option<FrameOptions>,
    ) -> Result<AnimatedCode, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = (index, field_keys, now, options);
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            // Before anything is signed: no animated codes in this build (wallet-lean).
            #[cfg(not(feature = "frames"))]
            {
                let _ = (index, field_keys, now, options);
                Err(LzError::not_in_this_build(crate::parts::Part::Frames))
            }
            #[cfg(feature = "frames")]
            {
                let keys: Vec<&str> = field_keys.iter().map(String::as_str).collect();
                let body = self
                    .read()
                    .present_bytes(index_in(index), &keys, UnixTime(now))?;
                animated(liangzheng::qr::QrKind::Presentation, &body, options)
            }
        }
    }

    /// Presents several licenses as one 一照通 bundle (a business license and
    /// permits of the same subject), always as an animated code. When a
    /// member is bound to this wallet's key, the device signer signs the
    /// whole bundle once. At most 64 members; `options` as in `present_frames`.
    #[uniffi::method(default(options = None))]
    pub fn present_bundle(
        &self,
        members: Vec<BundleMemberChoice>,
        now: u64,
        options: Option<FrameOptions>,
    ) -> Result<AnimatedCode, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = (members, now, options);
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            // Before anything is signed: no animated codes in this build (wallet-lean).
            #[cfg(not(feature = "frames"))]
            {
                let _ = (members, now, options);
                Err(LzError::not_in_this_build(crate::parts::Part::Frames))
            }
            #[cfg(feature = "frames")]
            {
                let keys: Vec<Vec<&str>> = members
                    .iter()
                    .map(|m| m.field_keys.iter().map(String::as_str).collect())
                    .collect();
                let chosen: Vec<(usize, &[&str])> = members
                    .iter()
                    .zip(&keys)
                    .map(|(m, k)| (index_in(m.index), k.as_slice()))
                    .collect();
                let body = self.read().present_bundle(&chosen, UnixTime(now))?;
                animated(liangzheng::qr::QrKind::Bundle, &body, options)
            }
        }
    }

    /// Pins the root that signs verifier registrations (the trust-list root:
    /// raw 32-byte Ed25519 or SubjectPublicKeyInfo DER). Without it every
    /// request's verifier is unverified (`no_trust_root`).
    pub fn set_request_root(&self, root_public_key: Vec<u8>) -> Result<(), LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = root_public_key;
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let root = crate::verifier::root_key(&root_public_key)?;
            self.write().set_request_root(Some(root));
            Ok(())
        }
    }

    /// Reads a verifier's request QR (授权用证) for the consent screen, after
    /// authenticating its verifier against the registration it carries and
    /// the pinned root. Refused (`LzError::Request`): `request_stale` (older
    /// than `policy.max_age_secs`), `request_from_future`, `unsafe_text`
    /// (control or bidi characters in a name or the purpose),
    /// `beyond_registration` (a registered verifier asking for more than its
    /// registration grants), `malformed`.
    pub fn read_request(
        &self,
        qr_text: String,
        policy: RequestPolicy,
    ) -> Result<ConsentPrompt, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = (qr_text, policy);
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let prompt = self.read().read_request(&qr_text, &policy.to_core())?;
            let r = &prompt.request.request;
            Ok(ConsentPrompt {
                verifier: VerifierIdentity::from_core(&prompt.verifier),
                display_name_zh: prompt.verifier.display_zh().to_string(),
                display_name_en: prompt.verifier.display_en().to_string(),
                claimed_verifier_id: r.verifier_id.clone(),
                purpose: r.purpose.clone(),
                type_code: r.type_code.clone(),
                fields: prompt
                    .fields
                    .into_iter()
                    .map(|(key, label_zh, label_en)| RequestedField {
                        key,
                        label_zh,
                        label_en,
                    })
                    .collect(),
                license_index: prompt.license_index.map(index_out),
                signed_by: prompt.request.signed_by.map(|k| k.to_hex()),
                time: r.time.0,
                request_body: prompt.request.bytes.clone(),
            })
        }
    }

    /// Answers `request` with license `index`, showing the fields the holder
    /// consented to (`consented_keys`, a subset of those asked). Returns the QR text.
    pub fn respond(
        &self,
        index: u32,
        request: ConsentPrompt,
        consented_keys: Vec<String>,
        now: u64,
    ) -> Result<String, LzError> {
        #[cfg(not(feature = "holder"))]
        {
            let _ = (index, request, consented_keys, now);
            match self.absent {}
        }
        #[cfg(feature = "holder")]
        {
            let received = ReceivedRequest::parse(&request.request_body)?;
            let keys: Vec<&str> = consented_keys.iter().map(String::as_str).collect();
            Ok(self
                .read()
                .respond(index_in(index), &received, &keys, UnixTime(now))?)
        }
    }
}

#[cfg(feature = "holder")]
impl Wallet {
    fn wrap(inner: liangzheng::wallet::Wallet, key: HolderKey) -> Arc<Self> {
        Arc::new(Wallet {
            inner: RwLock::new(inner),
            key,
        })
    }

    // A panic while the lock was held cannot leave the wallet half-updated
    // (`add` pushes last), so a poisoned lock is still safe to use.
    fn read(&self) -> RwLockReadGuard<'_, liangzheng::wallet::Wallet> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, liangzheng::wallet::Wallet> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The frames of `body` with `options` (default: recommended symbol size, one
/// repair frame per source frame).
#[cfg(all(feature = "holder", feature = "frames"))]
fn animated(
    kind: liangzheng::qr::QrKind,
    body: &[u8],
    options: Option<FrameOptions>,
) -> Result<AnimatedCode, LzError> {
    use liangzheng::qr::frames;
    let symbol_size = options.map_or(frames::RECOMMENDED_SYMBOL_SIZE, |o| o.symbol_size);
    let encoder =
        frames::FrameEncoder::new(kind, body, symbol_size).map_err(crate::error::frames)?;
    let source_frames = encoder.source_frames();
    // As core's `encode_frames`: one repair frame per source frame (at least 2) unless asked.
    let repair = options
        .and_then(|o| o.repair_frames)
        .unwrap_or(source_frames.max(2));
    let count = source_frames
        .checked_add(repair)
        .ok_or(frames::FrameError::InvalidOptions)
        .map_err(crate::error::frames)?;
    let texts = encoder.frames(count).map_err(crate::error::frames)?;
    let qr_version = match texts.first() {
        Some(t) => liangzheng::qr::qr_version(t, liangzheng::qr::Ecc::M)?,
        None => return Err(crate::error::frames(frames::FrameError::InvalidOptions)),
    };
    Ok(AnimatedCode {
        frames: texts,
        source_frames,
        symbol_size,
        qr_version,
        fps: frames::RECOMMENDED_FPS,
    })
}

/// A wallet index as the foreign side sees it (wallets hold far fewer than 2³² licenses).
#[cfg(feature = "holder")]
fn index_out(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// A foreign index as core takes it (`u32` always fits `usize` on 32- and 64-bit targets).
#[cfg(feature = "holder")]
fn index_in(index: u32) -> usize {
    usize::try_from(index).unwrap_or(usize::MAX)
}
