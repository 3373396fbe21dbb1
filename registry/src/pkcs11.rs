//! Issuer signatures made inside a PKCS#11 token (an HSM; SoftHSM2 in tests)
//! through the `cryptoki` crate. The private key never leaves the token: this
//! module finds it by label, reads the matching public key, and asks the token
//! to sign — Ed25519 with `CKM_EDDSA`, P-256 with `CKM_ECDSA` over SHA-256 of
//! the message (the token returns `r‖s`; `s` is normalised to the low half,
//! since verifiers refuse high-S ES256 signatures). Both are an
//! [`IssuerSigner`], the trait software keys implement: credentials, views,
//! status lists and trust lists are signed through it and nothing else.
//!
//! A [`Pkcs11Key`] keeps a small pool of logged-in sessions so parallel
//! issuance signs on several sessions at once. The PIN is taken as a
//! [`Zeroizing`] string and handed to the token; it is never stored or printed.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use liangzheng::alg::PublicKey;
use liangzheng::keys::{IssuerSigner, KeyError};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{RegistryError, Result};

/// DER of the P-256 curve OID (1.2.840.10045.3.1.7), as CKA_EC_PARAMS.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// DER PrintableString "edwards25519", as CKA_EC_PARAMS (what SoftHSM2 and pkcs11-tool use).
const ED25519_PARAMS_NAME: &[u8] = b"\x13\x0cedwards25519";
/// DER of the Ed25519 OID (1.3.101.112), the other accepted CKA_EC_PARAMS form.
const ED25519_PARAMS_OID: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];

/// The key algorithms this module signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HsmAlgorithm {
    /// Ed25519 (`CKM_EDDSA`); public key: 32 bytes.
    Ed25519,
    /// ECDSA P-256 (`CKM_ECDSA` over SHA-256); public key: SEC1 uncompressed, 65 bytes.
    P256,
}

/// Where the key is.
#[derive(Debug, Clone)]
pub struct Pkcs11Config {
    /// Path of the PKCS#11 module (`libsofthsm2.so`, a vendor's library).
    pub module: std::path::PathBuf,
    /// Token label (default: the first token that holds the key).
    pub token_label: Option<String>,
    /// Label of the key pair (`CKA_LABEL` of the private and public key).
    pub key_label: String,
    /// Sessions to keep (parallel signers); at least 1.
    pub sessions: usize,
}

struct Inner {
    // Sessions borrow nothing but must not outlive the context: keep it here.
    sessions: Vec<Mutex<Session>>,
    _ctx: Pkcs11,
}

/// A signing key inside a PKCS#11 token.
pub struct Pkcs11Key {
    inner: Arc<Inner>,
    key: ObjectHandle,
    algorithm: HsmAlgorithm,
    public: Vec<u8>,
    typed: PublicKey,
    next: std::sync::atomic::AtomicUsize,
}

impl fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Pkcs11Key {{ algorithm: {:?}, kid: {} }}",
            self.algorithm,
            self.typed.key_id()
        )
    }
}

fn p11(what: &str) -> impl FnOnce(cryptoki::error::Error) -> RegistryError + '_ {
    move |e| RegistryError::Pkcs11(format!("{what}: {e}"))
}

/// One initialised context per module for the whole process: PKCS#11 allows a
/// single `C_Initialize` per application, and finalising would close every
/// other key's sessions.
fn load(module: &Path) -> Result<Pkcs11> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    if !module.is_file() {
        return Err(RegistryError::Pkcs11(format!(
            "no PKCS#11 module at {}",
            module.display()
        )));
    }
    let mut all = CONTEXTS
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| RegistryError::Pkcs11("context lock poisoned".into()))?;
    if let Some(ctx) = all.get(module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(p11("load module"))?;
    ctx.initialize(CInitializeArgs::OsThreads)
        .map_err(p11("C_Initialize"))?;
    all.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

fn find_slot(ctx: &Pkcs11, token_label: Option<&str>) -> Result<Slot> {
    for slot in ctx
        .get_slots_with_initialized_token()
        .map_err(p11("list slots"))?
    {
        let info = ctx.get_token_info(slot).map_err(p11("token info"))?;
        if token_label.is_none_or(|l| info.label().trim_end() == l) {
            return Ok(slot);
        }
    }
    Err(RegistryError::Pkcs11(match token_label {
        Some(l) => format!("no initialised token labelled {l:?}"),
        None => "no initialised token".into(),
    }))
}

/// Unwraps a DER OCTET STRING (how CKA_EC_POINT is encoded), or returns the bytes as they are.
fn der_octets(v: &[u8]) -> &[u8] {
    match v {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && *len < 0x80 => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => v,
    }
}

fn find_one(session: &Session, template: &[Attribute], what: &str) -> Result<ObjectHandle> {
    let found = session
        .find_objects(template)
        .map_err(p11("find objects"))?;
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(RegistryError::Pkcs11(format!("no {what} with that label"))),
        _ => Err(RegistryError::Pkcs11(format!(
            "several {what}s with that label"
        ))),
    }
}

impl Pkcs11Key {
    /// Opens the token, logs in as user with `pin`, and finds the key pair.
    pub fn open(config: &Pkcs11Config, pin: &Zeroizing<String>) -> Result<Self> {
        let ctx = load(&config.module)?;
        let slot = find_slot(&ctx, config.token_label.as_deref())?;
        let n = config.sessions.max(1);
        let mut sessions = Vec::with_capacity(n);
        for i in 0..n {
            let s = ctx.open_ro_session(slot).map_err(p11("open session"))?;
            if i == 0 {
                match s.login(UserType::User, Some(&AuthPin::new(pin.as_str().into()))) {
                    // Login state is per application: another key of this token is open.
                    Ok(())
                    | Err(cryptoki::error::Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                    Err(e) => return Err(p11("login")(e)),
                }
            }
            sessions.push(s);
        }
        let label = Attribute::Label(config.key_label.as_bytes().to_vec());
        let s0 = &sessions[0];
        let private = find_one(
            s0,
            &[Attribute::Class(ObjectClass::PRIVATE_KEY), label.clone()],
            "private key",
        )?;
        let public = find_one(
            s0,
            &[Attribute::Class(ObjectClass::PUBLIC_KEY), label],
            "public key",
        )?;
        let attrs = s0
            .get_attributes(
                public,
                &[
                    AttributeType::KeyType,
                    AttributeType::EcParams,
                    AttributeType::EcPoint,
                ],
            )
            .map_err(p11("read public key"))?;
        let (mut kind, mut params, mut point) = (None, None, None);
        for a in attrs {
            match a {
                Attribute::KeyType(k) => kind = Some(k),
                Attribute::EcParams(p) => params = Some(p),
                Attribute::EcPoint(p) => point = Some(p),
                _ => {}
            }
        }
        let point =
            point.ok_or_else(|| RegistryError::Pkcs11("public key has no EC point".into()))?;
        let raw = der_octets(&point).to_vec();
        let algorithm = match (kind, params.as_deref()) {
            (Some(k), Some(p))
                if k == KeyType::EC_EDWARDS
                    && (p == ED25519_PARAMS_NAME || p == ED25519_PARAMS_OID) =>
            {
                HsmAlgorithm::Ed25519
            }
            (Some(k), Some(p)) if k == KeyType::EC && p == P256_PARAMS => HsmAlgorithm::P256,
            _ => {
                return Err(RegistryError::Pkcs11(
                    "the key is neither Ed25519 nor P-256".into(),
                ))
            }
        };
        let ok_len = match algorithm {
            HsmAlgorithm::Ed25519 => raw.len() == 32,
            HsmAlgorithm::P256 => raw.len() == 65 && raw[0] == 0x04,
        };
        let typed = match algorithm {
            _ if !ok_len => None,
            HsmAlgorithm::Ed25519 => PublicKey::ed25519(&raw).ok(),
            HsmAlgorithm::P256 => PublicKey::p256_from_sec1(&raw).ok(),
        };
        let Some(typed) = typed else {
            return Err(RegistryError::Pkcs11(format!(
                "unexpected {algorithm:?} public key encoding ({} bytes), or not a valid point",
                raw.len()
            )));
        };
        Ok(Pkcs11Key {
            inner: Arc::new(Inner {
                sessions: sessions.into_iter().map(Mutex::new).collect(),
                _ctx: ctx,
            }),
            key: private,
            algorithm,
            public: raw,
            typed,
            next: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> HsmAlgorithm {
        self.algorithm
    }

    /// The raw public key (Ed25519: 32 bytes; P-256: SEC1 uncompressed).
    pub fn public_key_bytes(&self) -> &[u8] {
        &self.public
    }

    /// The typed public key (what a trust-list entry names), e.g. for
    /// [`PublicKey::to_spki_pem`].
    pub fn typed_public_key(&self) -> &PublicKey {
        &self.typed
    }

    /// Signs in the token: Ed25519 over `message`, or ECDSA P-256 over
    /// SHA-256(`message`); returns the 64-byte `R‖S` / `r‖s`, for P-256 with
    /// `s` in the low half (`s ≤ n/2`; `(r, n − s)` is the same signature for
    /// ECDSA but verifiers refuse the high form).
    pub fn sign_raw(&self, message: &[u8]) -> std::result::Result<[u8; 64], KeyError> {
        let sessions = &self.inner.sessions;
        let start = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Take a free session if there is one, else wait for ours.
        let guard = (0..sessions.len())
            .find_map(|i| sessions[(start + i) % sessions.len()].try_lock().ok())
            .map(Ok)
            .unwrap_or_else(|| sessions[start % sessions.len()].lock())
            .map_err(|_| KeyError::SignerFailed("PKCS#11 session poisoned".into()))?;
        let sig = match self.algorithm {
            HsmAlgorithm::Ed25519 => guard.sign(
                &Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
                self.key,
                message,
            ),
            HsmAlgorithm::P256 => guard.sign(&Mechanism::Ecdsa, self.key, &Sha256::digest(message)),
        }
        .map_err(|e| KeyError::SignerFailed(format!("PKCS#11 C_Sign: {e}")))?;
        let raw = <[u8; 64]>::try_from(sig.as_slice()).map_err(|_| {
            KeyError::SignerFailed(format!("PKCS#11 signature of {} bytes", sig.len()))
        })?;
        match self.algorithm {
            HsmAlgorithm::Ed25519 => Ok(raw),
            HsmAlgorithm::P256 => low_s(&raw),
        }
    }

    /// This key as an issuer signer (the trait software keys implement):
    /// Ed25519 keys sign as Ed25519 (COSE −19), P-256 keys as ESP256 (−9).
    pub fn into_issuer_signer(self) -> Result<Arc<dyn IssuerSigner>> {
        Ok(Arc::new(self))
    }
}

impl IssuerSigner for Pkcs11Key {
    fn public_key(&self) -> PublicKey {
        self.typed.clone()
    }

    fn sign(&self, message: &[u8]) -> std::result::Result<[u8; 64], KeyError> {
        self.sign_raw(message)
    }
}

/// A P-256 `r‖s` from the token with `s` moved to the low half (`n − s` when
/// `s > n/2`); refuses what is not a well-formed signature (`r` or `s` zero or
/// not below `n`), so a faulty token cannot hand out garbage as a signature.
fn low_s(raw: &[u8; 64]) -> std::result::Result<[u8; 64], KeyError> {
    let sig = p256::ecdsa::Signature::from_slice(raw).map_err(|_| {
        KeyError::SignerFailed("PKCS#11 returned a malformed P-256 signature".into())
    })?;
    let sig = sig.normalize_s().unwrap_or(sig);
    let mut out = [0u8; 64];
    out.copy_from_slice(&sig.to_bytes());
    Ok(out)
}

/// Test and provisioning helper: initialises the token in the first free slot
/// with an SO PIN and a user PIN (SoftHSM2 in a temp dir; never on a production HSM).
pub fn init_token(
    module: &Path,
    token_label: &str,
    so_pin: &Zeroizing<String>,
    user_pin: &Zeroizing<String>,
) -> Result<()> {
    let ctx = load(module)?;
    let slots = ctx.get_slots_with_token().map_err(p11("list slots"))?;
    let mut free = None;
    for slot in slots {
        let info = ctx.get_token_info(slot).map_err(p11("token info"))?;
        if !info.token_initialized() {
            free = Some(slot);
            break;
        }
    }
    let slot = free.ok_or_else(|| RegistryError::Pkcs11("no free slot".into()))?;
    let so = AuthPin::new(so_pin.as_str().into());
    ctx.init_token(slot, &so, token_label)
        .map_err(p11("C_InitToken"))?;
    let slot = find_slot(&ctx, Some(token_label))?;
    let s = ctx.open_rw_session(slot).map_err(p11("open session"))?;
    s.login(UserType::So, Some(&so)).map_err(p11("SO login"))?;
    s.init_pin(&AuthPin::new(user_pin.as_str().into()))
        .map_err(p11("C_InitPIN"))?;
    Ok(())
}

/// Generates a non-extractable signing key pair in the token.
pub fn generate_key(
    module: &Path,
    token_label: &str,
    user_pin: &Zeroizing<String>,
    key_label: &str,
    algorithm: HsmAlgorithm,
) -> Result<()> {
    let ctx = load(module)?;
    let slot = find_slot(&ctx, Some(token_label))?;
    let s = ctx.open_rw_session(slot).map_err(p11("open session"))?;
    s.login(
        UserType::User,
        Some(&AuthPin::new(user_pin.as_str().into())),
    )
    .map_err(p11("login"))?;
    let (mech, params) = match algorithm {
        HsmAlgorithm::Ed25519 => (
            Mechanism::EccEdwardsKeyPairGen,
            ED25519_PARAMS_NAME.to_vec(),
        ),
        HsmAlgorithm::P256 => (Mechanism::EccKeyPairGen, P256_PARAMS.to_vec()),
    };
    let label = Attribute::Label(key_label.as_bytes().to_vec());
    let public = [
        Attribute::Token(true),
        Attribute::Verify(true),
        Attribute::EcParams(params),
        label.clone(),
    ];
    let private = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        label,
    ];
    s.generate_key_pair(&mech, &public, &private)
        .map_err(p11("C_GenerateKeyPair"))?;
    Ok(())
}
