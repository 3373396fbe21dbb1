//! The holder's wallet (电子卡包): stored licenses, the holder key, and
//! presentations for display (亮证) or in answer to a request (授权用证).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::alg::PublicKey;
use crate::credential::{Credential, IssuedLicense};
use crate::disclosure::Disclosure;
use crate::holder::DeviceSigner;
use crate::keys::KeyError;
use crate::lang::Localized;
use crate::presentation::{transcript, HolderProof, Presentation, DEFAULT_LIFETIME_SECS};
use crate::qr::{self, QrKind};
use crate::request::{ReceivedRequest, RequestError, RequestPolicy, VerifierIdentity};
use crate::schema::{LicenseType, Registry};
use crate::time::UnixTime;

/// Why the wallet could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WalletError {
    /// The stored license could not be read.
    BadLicense(String),
    /// The license is bound to another key than this wallet's signer.
    WrongHolderKey,
    /// No license at that index.
    NoSuchLicense,
    /// The license type is unknown to this wallet.
    UnknownType,
    /// A chosen field is not part of the license.
    UnknownField(String),
    /// No field was chosen.
    NothingChosen,
    /// The QR text is not a request.
    NotARequest,
    /// The request could not be read.
    Request(RequestError),
    /// The request asks for another license type.
    RequestTypeMismatch,
    /// A chosen field was not asked for by the request (never disclose more than asked).
    NotRequested(String),
    /// The device signer failed.
    Signer(KeyError),
}

impl Localized for WalletError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            WalletError::BadLicense(_) => "证照数据无法读取".into(),
            WalletError::WrongHolderKey => "证照绑定的不是本机的持证人密钥".into(),
            WalletError::NoSuchLicense => "没有这张证照".into(),
            WalletError::UnknownType => "未知的证照类型".into(),
            WalletError::UnknownField(f) => format!("证照没有字段：{f}").into(),
            WalletError::NothingChosen => "请至少选择一个要出示的字段".into(),
            WalletError::NotARequest => "这不是用证请求码".into(),
            WalletError::Request(e) => e.zh(),
            WalletError::RequestTypeMismatch => "用证请求要的不是这类证照".into(),
            WalletError::NotRequested(f) => format!("用证请求没有要求字段：{f}").into(),
            WalletError::Signer(e) => e.zh(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            WalletError::BadLicense(w) => format!("stored license unreadable: {w}").into(),
            WalletError::WrongHolderKey => "license is bound to a different holder key".into(),
            WalletError::NoSuchLicense => "no such license".into(),
            WalletError::UnknownType => "unknown license type".into(),
            WalletError::UnknownField(f) => format!("the license has no field '{f}'").into(),
            WalletError::NothingChosen => "choose at least one field to show".into(),
            WalletError::NotARequest => "not a request code".into(),
            WalletError::Request(e) => e.en(),
            WalletError::RequestTypeMismatch => "the request asks for another license type".into(),
            WalletError::NotRequested(f) => format!("the request did not ask for '{f}'").into(),
            WalletError::Signer(e) => e.en(),
        }
    }
}
impl fmt::Display for WalletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for WalletError {}

/// A request as shown to the holder for consent.
///
/// Show [`ConsentPrompt::verifier`] as who asks (its
/// [`display_zh`](VerifierIdentity::display_zh) is the registered name or
/// "未认证的核验方"); `request.request.verifier_name` is only what the
/// request claims.
#[derive(Debug, Clone)]
pub struct ConsentPrompt {
    /// Who asks: verified against the registration and the root, or not.
    pub verifier: VerifierIdentity,
    /// The parsed request.
    pub request: ReceivedRequest,
    /// Index of a matching license in the wallet, if any.
    pub license_index: Option<usize>,
    /// Requested fields as (key, 中文 label, English label).
    pub fields: Vec<(String, String, String)>,
}

/// A holder's wallet.
pub struct Wallet {
    signer: Arc<dyn DeviceSigner>,
    registry: Arc<Registry>,
    licenses: Vec<(IssuedLicense, String)>,
    lifetime: u64,
    request_root: Option<PublicKey>,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Wallet {{ licenses: {} }}", self.licenses.len())
    }
}

impl Wallet {
    /// A wallet whose presentations are signed by `signer`.
    pub fn new(signer: Arc<dyn DeviceSigner>) -> Self {
        Wallet {
            signer,
            registry: Arc::new(Registry::builtin()),
            licenses: Vec::new(),
            lifetime: DEFAULT_LIFETIME_SECS,
            request_root: None,
        }
    }

    /// Pins the root that signs verifier registrations (the trust-list root):
    /// without it every request's verifier is unverified.
    pub fn with_request_root(mut self, root: PublicKey) -> Self {
        self.request_root = Some(root);
        self
    }

    /// Replaces (or, with None, removes) the pinned root for verifier registrations.
    pub fn set_request_root(&mut self, root: Option<PublicKey>) {
        self.request_root = root;
    }

    /// Uses this registry of license types.
    pub fn with_registry(mut self, registry: Arc<Registry>) -> Self {
        self.registry = registry;
        self
    }

    /// Replaces the registry of license types (e.g. after loading more type files).
    pub fn set_registry(&mut self, registry: Arc<Registry>) {
        self.registry = registry;
    }

    /// The license types this wallet knows.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Sets the presentation lifetime in seconds (default 60).
    pub fn with_lifetime(mut self, secs: u64) -> Self {
        self.lifetime = secs.max(1);
        self
    }

    /// Adds an issued license; returns its index. Checks it is readable and bound to this wallet's key.
    pub fn add(&mut self, license: IssuedLicense) -> Result<usize, WalletError> {
        let cred = Credential::parse(&license.credential)
            .map_err(|e| WalletError::BadLicense(format!("{e:?}")))?;
        if let Some(h) = &cred.holder {
            if *h != self.signer.public_key() {
                return Err(WalletError::WrongHolderKey);
            }
        }
        self.registry
            .get(&cred.type_code)
            .ok_or(WalletError::UnknownType)?;
        self.licenses.push((license, cred.type_code));
        Ok(self.licenses.len() - 1)
    }

    /// Number of licenses held.
    pub fn len(&self) -> usize {
        self.licenses.len()
    }

    /// Whether the wallet is empty.
    pub fn is_empty(&self) -> bool {
        self.licenses.is_empty()
    }

    /// The type of the license at `index`.
    pub fn license_type(&self, index: usize) -> Option<&LicenseType> {
        self.licenses
            .get(index)
            .and_then(|(_, code)| self.registry.get(code))
    }

    /// Builds a presentation showing `fields` (by key) of license `index`, as QR text.
    ///
    /// Uses the smallest issuer-signed view that covers the chosen fields (fewer
    /// digests: a smaller QR), or the full credential.
    pub fn present(
        &self,
        index: usize,
        fields: &[&str],
        now: UnixTime,
    ) -> Result<String, WalletError> {
        let body = self.build_bytes(index, fields, now, None)?;
        Ok(qr::encode_text(QrKind::Presentation, &body))
    }

    /// As [`present`](Self::present), but returns the presentation bytes (the
    /// QR body) rather than one QR text: for presentations too large for one
    /// symbol (a portrait), sent as an animated code with
    /// [`crate::qr::frames::FrameEncoder`] (kind [`QrKind::Presentation`]).
    pub fn present_bytes(
        &self,
        index: usize,
        fields: &[&str],
        now: UnixTime,
    ) -> Result<Vec<u8>, WalletError> {
        self.build_bytes(index, fields, now, None)
    }

    /// Parses a verifier's request QR, authenticates its verifier against the
    /// registration it carries and the pinned root
    /// ([`ReceivedRequest::authenticate`]) and says what it asks, for the
    /// consent screen. Refused (an error, no prompt): a request older than
    /// `policy.max_age_secs` or from the future, names or purposes with
    /// control or bidi characters, and a registered verifier asking beyond
    /// its registration.
    pub fn read_request(
        &self,
        text: &str,
        policy: &RequestPolicy,
    ) -> Result<ConsentPrompt, WalletError> {
        let payload = qr::decode_text(text).map_err(|_| WalletError::NotARequest)?;
        if payload.kind != QrKind::Request {
            return Err(WalletError::NotARequest);
        }
        let request = ReceivedRequest::parse(&payload.body).map_err(WalletError::Request)?;
        let verifier = request
            .authenticate(self.request_root.as_ref(), policy)
            .map_err(WalletError::Request)?;
        let ty = self.registry.get(&request.request.type_code);
        let fields = request
            .request
            .fields
            .iter()
            .map(|id| match ty.and_then(|t| t.field_by_id(*id)) {
                Some(f) => (f.key.clone(), f.zh.clone(), f.en.clone()),
                None => (
                    id.to_string(),
                    format!("未知字段 {id}"),
                    format!("unknown field {id}"),
                ),
            })
            .collect();
        let license_index = self
            .licenses
            .iter()
            .position(|(_, code)| *code == request.request.type_code);
        Ok(ConsentPrompt {
            verifier,
            request,
            license_index,
            fields,
        })
    }

    /// Answers a request with the fields the holder consented to (a subset of those asked).
    pub fn respond(
        &self,
        index: usize,
        request: &ReceivedRequest,
        consented: &[&str],
        now: UnixTime,
    ) -> Result<String, WalletError> {
        let body = self.respond_bytes(index, request, consented, now)?;
        Ok(qr::encode_text(QrKind::Presentation, &body))
    }

    /// As [`respond`](Self::respond), but returns the presentation bytes (for
    /// an animated code, see [`present_bytes`](Self::present_bytes)).
    pub fn respond_bytes(
        &self,
        index: usize,
        request: &ReceivedRequest,
        consented: &[&str],
        now: UnixTime,
    ) -> Result<Vec<u8>, WalletError> {
        let ty = self.license_type(index).ok_or(WalletError::NoSuchLicense)?;
        if ty.type_code != request.request.type_code {
            return Err(WalletError::RequestTypeMismatch);
        }
        for key in consented {
            let f = ty
                .field(key)
                .ok_or_else(|| WalletError::UnknownField((*key).to_string()))?;
            if !request.request.fields.contains(&f.id) {
                return Err(WalletError::NotRequested((*key).to_string()));
            }
        }
        self.build_bytes(index, consented, now, Some(request))
    }

    /// Presents several licenses as one 一照通 bundle (QR kind
    /// [`QrKind::Bundle`], sent as an animated code): for each member, the
    /// license index and the fields to show (its 统一社会信用代码 must be among
    /// them for the counter to check the subject). When a member is
    /// holder-bound, this wallet's key signs the whole bundle once
    /// ([`crate::bundle::transcript`]); a bundle of static licenses (a wall
    /// code) carries no signature.
    pub fn present_bundle(
        &self,
        members: &[(usize, &[&str])],
        now: UnixTime,
    ) -> Result<Vec<u8>, WalletError> {
        use crate::bundle::{Bundle, BundleMember, BundleProof, MAX_MEMBERS};
        if members.is_empty() || members.len() > MAX_MEMBERS {
            return Err(WalletError::NothingChosen);
        }
        let mut chosen = Vec::with_capacity(members.len());
        for (index, fields) in members {
            chosen.push(self.choose(*index, fields)?);
        }
        let bound = chosen.iter().any(|(_, _, _, c)| c.holder.is_some());
        let proof = if bound {
            let digest = chosen[0].3.suite().digest;
            let list: Vec<(&[u8], Vec<u32>)> = chosen
                .iter()
                .map(|(cred, _, ids, _)| (cred.as_slice(), ids.clone()))
                .collect();
            let t = crate::bundle::transcript(digest, &list, now, self.lifetime);
            Some(BundleProof {
                time: now,
                lifetime: self.lifetime,
                signature: self.signer.sign(&t).map_err(WalletError::Signer)?,
            })
        } else {
            None
        };
        Ok(Bundle {
            members: chosen
                .into_iter()
                .map(|(credential, disclosures, _, _)| BundleMember {
                    credential,
                    disclosures,
                })
                .collect(),
            proof,
        }
        .to_bytes())
    }

    /// The credential (smallest view covering `fields`, else the full one),
    /// the chosen disclosures and their field ids.
    #[allow(clippy::type_complexity)]
    fn choose(
        &self,
        index: usize,
        fields: &[&str],
    ) -> Result<(Vec<u8>, Vec<Vec<u8>>, Vec<u32>, Credential), WalletError> {
        let (license, _) = self.licenses.get(index).ok_or(WalletError::NoSuchLicense)?;
        let ty = self.license_type(index).ok_or(WalletError::UnknownType)?;
        if fields.is_empty() {
            return Err(WalletError::NothingChosen);
        }
        let mut ids = Vec::new();
        for key in fields {
            let f = ty
                .field(key)
                .ok_or_else(|| WalletError::UnknownField((*key).to_string()))?;
            if !ids.contains(&f.id) {
                ids.push(f.id);
            }
        }
        // Candidates: every view covering the chosen fields, then the full credential.
        let mut candidates: Vec<(&[u8], &[Vec<u8>])> = license
            .views
            .iter()
            .filter(|v| {
                ty.view_by_id(v.view_id)
                    .is_some_and(|view| fields.iter().all(|k| view.fields.iter().any(|f| f == k)))
            })
            .map(|v| (v.credential.as_slice(), v.disclosures.as_slice()))
            .collect();
        candidates.sort_by_key(|(c, _)| c.len());
        candidates.push((&license.credential, &license.disclosures));
        let (credential, all) = candidates[0];
        let mut chosen = Vec::new();
        let mut chosen_ids = Vec::new();
        for bytes in all {
            let d = Disclosure::parse(bytes)
                .map_err(|e| WalletError::BadLicense(e.en().into_owned()))?;
            if ids.contains(&d.field_id) {
                chosen.push(bytes.clone());
                chosen_ids.push(d.field_id);
            }
        }
        // The one canonical order (FORMAT.md §7): ascending field id.
        let mut pairs: Vec<(u32, Vec<u8>)> = chosen_ids.iter().copied().zip(chosen).collect();
        pairs.sort_by_key(|(id, _)| *id);
        let (chosen_ids, chosen): (Vec<u32>, Vec<Vec<u8>>) = pairs.into_iter().unzip();
        if let Some(missing) = ids.iter().find(|id| !chosen_ids.contains(id)) {
            let key = ty
                .field_by_id(*missing)
                .map_or(String::new(), |f| f.key.clone());
            return Err(WalletError::UnknownField(key));
        }
        let cred =
            Credential::parse(credential).map_err(|e| WalletError::BadLicense(format!("{e:?}")))?;
        Ok((credential.to_vec(), chosen, chosen_ids, cred))
    }

    fn build_bytes(
        &self,
        index: usize,
        fields: &[&str],
        now: UnixTime,
        request: Option<&ReceivedRequest>,
    ) -> Result<Vec<u8>, WalletError> {
        let (credential, chosen, chosen_ids, cred) = self.choose(index, fields)?;
        let credential = credential.as_slice();
        let proof = match cred.holder {
            None => None,
            Some(_) => {
                // Both transcript digests use the credential's suite digest.
                let digest = cred.suite().digest;
                let hash = request.map(|r| r.hash_with(digest));
                let t = transcript(
                    digest,
                    credential,
                    &chosen_ids,
                    now,
                    self.lifetime,
                    hash.as_ref(),
                );
                let signature = self.signer.sign(&t).map_err(WalletError::Signer)?;
                // One encoding per signature: ES256 in its low-S form (§3).
                let signature = crate::alg::canonical_signature(
                    self.signer.public_key().algorithm(),
                    signature,
                );
                Some(HolderProof {
                    time: now,
                    lifetime: self.lifetime,
                    signature,
                    nonce: request.map(|r| r.request.nonce.to_vec()),
                })
            }
        };
        let pres = Presentation {
            credential: credential.to_vec(),
            disclosures: chosen,
            proof,
        };
        Ok(pres.to_bytes())
    }
}
