//! Verification: QR text → typed [`Report`].
//!
//! [`Verifier::verify_text`] runs every check in [`CheckKind`] order and never
//! panics or reads the network: the trust store, status lists, expected request,
//! clock and policy are all inputs. A structural failure stops the run (later
//! checks are `Skipped`); otherwise each check runs and reports its own outcome,
//! so the counter sees *every* reason a license was refused. Disclosed fields
//! are returned only when every integrity check (signatures, digests) passed.

mod batch;
mod bundle;
mod policy;
mod replay;
mod report;

pub use replay::{
    ConsumedNonces, SeenPresentations, DEFAULT_CAPACITY as DEFAULT_REPLAY_CAPACITY,
    DEFAULT_NONCE_CAPACITY,
};

pub use bundle::{BundleError, BundleMemberReport, BundleReport};
pub use policy::{Policy, StatusPolicy};
pub use report::{
    Check, CheckKind, DisclosedField, DisclosedImage, Finding, LicenseInfo, Outcome, Report,
    Verdict, VerifyError,
};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use crate::alg::{SignatureAlgorithm, VerifyingKey};
use crate::credential::Credential;
use crate::disclosure::Disclosure;
use crate::ids::LicenseId;
use crate::keys::KeyId;
use crate::lang::Localized as _;
use crate::presentation::{transcript, Presentation};
use crate::qr::{self, QrKind};
use crate::request::ReceivedRequest;
use crate::schema::{
    rules_input, FieldValue, HolderBinding, LicenseType, Registry, ValueKind, FIELD_LICENSE_ID,
};
use crate::status::{list_uri, StatusError, StatusToken, StatusValue};
use crate::time::UnixTime;
use crate::trust::{TrustStore, TrustedIssuer};

/// A verifier: trust store, status lists, license types and an optional pending request.
#[derive(Debug, Clone)]
pub struct Verifier {
    registry: Arc<Registry>,
    trust: TrustStore,
    /// Trust-store entries by key id, with the key decoded and checked through
    /// the algorithm table on first use (points decompressed, Ed25519 weak
    /// keys refused, SM2 `Z_A` precomputed), so a scan pays for neither a hash
    /// per entry nor a repeated decoding, and loading a list of 50,000 issuers
    /// decodes no key at all.
    keys: HashMap<KeyId, (usize, OnceLock<Option<VerifyingKey>>)>,
    lists: BTreeMap<String, StatusToken>,
    bad_lists: Vec<(Option<String>, StatusError)>,
    request: Option<ExpectedRequest>,
    /// Presentations accepted by [`verify_scan`](Self::verify_scan).
    seen: SeenPresentations,
    /// Request nonces answered by a presentation accepted by [`verify_scan`](Self::verify_scan).
    nonces: ConsumedNonces,
}

impl Verifier {
    /// A verifier trusting `trust`, with the built-in license types.
    pub fn new(trust: TrustStore) -> Self {
        let keys = index_keys(&trust);
        Verifier {
            registry: Arc::new(Registry::builtin()),
            trust,
            keys,
            lists: BTreeMap::new(),
            bad_lists: Vec::new(),
            request: None,
            seen: SeenPresentations::default(),
            nonces: ConsumedNonces::default(),
        }
    }

    /// The request nonces this counter accepted an answer to (each is single-use).
    pub fn consumed_nonces(&self) -> &ConsumedNonces {
        &self.nonces
    }

    /// Remembers at most `capacity` accepted presentations for
    /// [`verify_scan`](Self::verify_scan) (default
    /// [`DEFAULT_REPLAY_CAPACITY`], 10,000). Forgets what was remembered.
    pub fn with_replay_capacity(mut self, capacity: usize) -> Self {
        self.seen = SeenPresentations::with_capacity(capacity);
        self
    }

    /// The presentations this counter accepted and still remembers.
    pub fn seen_presentations(&self) -> &SeenPresentations {
        &self.seen
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

    /// The license types this verifier knows.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// The trust store.
    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }

    /// Replaces the trust store with a newer one (rollback protection):
    /// refused with [`TrustError::OlderThanCurrent`](crate::trust::TrustError::OlderThanCurrent)
    /// when `trust` was issued before the store this verifier holds, and with
    /// [`TrustError::DuplicateKey`](crate::trust::TrustError::DuplicateKey)
    /// when it names a key twice. Status lists already added are kept.
    ///
    /// An app persists the bytes of the last trust list it accepted and loads
    /// them with [`Verifier::new`] at start, so a restart cannot roll back.
    pub fn update_trust(&mut self, trust: TrustStore) -> Result<(), crate::trust::TrustError> {
        trust.check_not_older_than(&self.trust)?;
        trust.check_unique_keys()?;
        self.keys = index_keys(&trust);
        self.trust = trust;
        Ok(())
    }

    /// The trusted entry for a key id, with its decoded key (None when the key
    /// is not a valid key of its algorithm: nothing verifies under it).
    fn issuer(&self, kid: &KeyId) -> Option<(&TrustedIssuer, Option<&VerifyingKey>)> {
        let (i, vk) = self.keys.get(kid)?;
        let entry = self.trust.issuers.get(*i)?;
        let vk = vk.get_or_init(|| entry.public_key.verifying_key().ok());
        Some((entry, vk.as_ref()))
    }

    /// Adds (or updates) a status list token. A token that fails to parse or
    /// verify is remembered, so licenses it may cover verify as
    /// *indeterminate*, and the error is returned to the caller too. A token
    /// older (by `iat`) than the one already held for its URI is refused with
    /// [`StatusError::OlderThanCurrent`] and the held one stays: an app that
    /// persists the last accepted token bytes per list and adds them at start
    /// cannot be rolled back to an older list that un-revokes a license.
    pub fn add_status_list(&mut self, bytes: &[u8]) -> Result<(), StatusError> {
        let parsed = StatusToken::parse_verified(bytes, |kid, uri| {
            let (entry, vk) = self.issuer(kid)?;
            let code = uri
                .strip_prefix("urn:liangzheng:status:")?
                .split(':')
                .next()?;
            if entry.code == code {
                vk.cloned()
            } else {
                None
            }
        });
        match parsed {
            Ok(token) => {
                // Rollback protection: never replace a list by an older one.
                if let Some(held) = self.lists.get(&token.uri) {
                    if token.issued_at < held.issued_at {
                        return Err(StatusError::OlderThanCurrent {
                            have: held.issued_at.0,
                            got: token.issued_at.0,
                        });
                    }
                }
                self.lists.insert(token.uri.clone(), token);
                Ok(())
            }
            Err(e) => {
                self.bad_lists.push((peek_uri(bytes), e.clone()));
                Err(e)
            }
        }
    }

    /// Expects presentations to answer this request (授权用证): nonce and
    /// requested fields are then checked.
    pub fn expect_request(&mut self, request: ReceivedRequest) {
        self.request = Some(ExpectedRequest::new(request));
    }

    /// Stops expecting a request.
    pub fn clear_request(&mut self) {
        self.request = None;
    }

    /// Verifies scanned QR text. Stateless: the same text gives the same
    /// report every time (for a counter, use [`verify_scan`](Self::verify_scan)).
    pub fn verify_text(&self, text: &str, policy: &Policy) -> Report {
        match parse_text(text) {
            Ok(parsed) => self.verify_parsed(&parsed, policy, &Direct, None),
            Err(report) => *report,
        }
    }

    /// Verifies a scan at a counter: as [`verify_text`](Self::verify_text),
    /// and a holder-bound presentation this verifier already accepted (the
    /// same transcript, within its lifetime) is reported as
    /// `already_verified` (indeterminate, at `freshness`, with the time of the
    /// first acceptance) instead of valid again. A request's nonce is
    /// single-use: once a presentation answering it was accepted, another
    /// presentation answering the same nonce is `nonce_already_used`
    /// (invalid, at `request`). Memory is bounded; see
    /// [`SeenPresentations`] and [`ConsumedNonces`].
    pub fn verify_scan(&self, text: &str, policy: &Policy) -> Report {
        match parse_text(text) {
            Ok(parsed) => self.verify_parsed(&parsed, policy, &Direct, Some(&self.seen)),
            Err(report) => *report,
        }
    }

    /// Verifies presentation bytes (the QR body, after Base45).
    pub fn verify_body(&self, body: &[u8], policy: &Policy) -> Report {
        match parse_body(body) {
            Ok(parsed) => self.verify_parsed(&parsed, policy, &Direct, None),
            Err(report) => *report,
        }
    }

    /// As [`verify_body`](Self::verify_body), with a counter's memory, as
    /// [`verify_scan`](Self::verify_scan) has it: for the presentation of an
    /// animated code, assembled from frames. A holder-bound presentation this
    /// verifier already accepted is `already_verified`; a second answer to a
    /// request's nonce is `nonce_already_used`.
    pub fn verify_scan_body(&self, body: &[u8], policy: &Policy) -> Report {
        match parse_body(body) {
            Ok(parsed) => self.verify_parsed(&parsed, policy, &Direct, Some(&self.seen)),
            Err(report) => *report,
        }
    }

    /// Verifies a QR payload already taken out of its text: what a
    /// [`FrameAssembler`](crate::qr::frames::FrameAssembler) completes from
    /// the frames of an animated code. A payload of another kind (a request)
    /// gives the typed [`VerifyError::NotAPresentation`] report, exactly as
    /// [`verify_text`](Self::verify_text) does for a single-symbol request code.
    pub fn verify_payload(&self, payload: &qr::QrPayload, policy: &Policy) -> Report {
        if payload.kind != QrKind::Presentation {
            return Run::default().fail_format(VerifyError::NotAPresentation);
        }
        self.verify_body(&payload.body, policy)
    }

    /// Verifies many scans at once (a back office re-checking a day's scans),
    /// checking their Ed25519 signatures with batch verification. Gives the same
    /// reports as [`verify_text`](Self::verify_text) for every signature an
    /// honest key holder can make; see `docs/decisions/0007-batch-verification.md`.
    pub fn verify_batch(&self, texts: &[&str], policy: &Policy) -> Vec<Report> {
        let parsed: Vec<Result<Parsed, Box<Report>>> =
            texts.iter().map(|t| parse_text(t)).collect();
        let mut jobs = Vec::new();
        for p in parsed.iter().flatten() {
            let kid = p.cred.sign1.key_id();
            if let Some((i, _)) = kid.as_ref().and_then(|k| self.issuer(k)) {
                // Only Ed25519 batches; other algorithms are checked one by one.
                if p.cred.sign1.algorithm() == Some(SignatureAlgorithm::Ed25519)
                    && i.public_key.algorithm() == SignatureAlgorithm::Ed25519
                {
                    jobs.push(batch::Job {
                        public_key: i.public_key.as_bytes().to_vec(),
                        message: p.cred.sign1.to_be_signed(&[]),
                        signature: p.cred.sign1.signature().to_vec(),
                    });
                }
            }
            if let Some((crate::holder::HolderPublicKey::Ed25519(pk), t, sig)) = self.holder_job(p)
            {
                jobs.push(batch::Job {
                    public_key: pk.to_vec(),
                    message: t,
                    signature: sig,
                });
            }
        }
        let results = batch::verify(&jobs);
        parsed
            .into_iter()
            .map(|p| match p {
                Ok(parsed) => self.verify_parsed(&parsed, policy, &results, None),
                Err(report) => *report,
            })
            .collect()
    }

    /// The holder key, transcript and signature to check, when the holder proof can be checked.
    fn holder_job(&self, p: &Parsed) -> Option<(crate::holder::HolderPublicKey, Vec<u8>, Vec<u8>)> {
        let key = p.cred.holder.clone()?;
        let proof = p.pres.proof.as_ref()?;
        if let Some(t) = &p.bundle_transcript {
            return Some((key, t.clone(), proof.signature.clone()));
        }
        let digest = p.cred.suite().digest;
        let request_hash = match (&self.request, &proof.nonce) {
            (Some(r), Some(n)) if r.request.nonce.as_slice() == n.as_slice() => {
                Some(r.hash(digest))
            }
            (_, None) => None,
            // Nonce for another (or no) request: the signature is not checked.
            _ => return None,
        };
        let field_ids: Vec<u32> = p.disclosures.iter().map(|d| d.field_id).collect();
        let t = transcript(
            digest,
            &p.pres.credential,
            &field_ids,
            proof.time,
            proof.lifetime,
            request_hash.as_ref(),
        );
        Some((key, t, proof.signature.clone()))
    }

    fn verify_parsed(
        &self,
        parsed: &Parsed,
        policy: &Policy,
        sigs: &dyn SignatureCheck,
        counter: Option<&SeenPresentations>,
    ) -> Report {
        let mut run = Run::default();
        run.pass(CheckKind::Format);
        let (pres, cred, disclosures) = (&parsed.pres, &parsed.cred, parsed.disclosures.as_slice());
        let now = policy.now;
        let skew = policy.skew_secs;
        let ty = self.registry.get(&cred.type_code);

        // Issuer known.
        let kid = cred.sign1.key_id();
        let entry = kid.as_ref().and_then(|k| self.issuer(k));
        let issuer: Option<&TrustedIssuer> = entry.map(|(i, _)| i);
        match (issuer, self.trust.expires) {
            (None, _) => run.fail(CheckKind::IssuerKnown, VerifyError::UnknownIssuer),
            // §9: a list is current while `now ≤ expires`; the clock skew
            // tolerates differences between devices, not stale lists.
            (Some(_), Some(exp)) if now.0 > exp.0 => {
                run.undecided(CheckKind::IssuerKnown, VerifyError::TrustListExpired)
            }
            (Some(_), _) => run.pass(CheckKind::IssuerKnown),
        }

        // Issuer authorised for the type, at issue time; type known and accepted.
        match (issuer, ty) {
            (_, None) => run.fail(CheckKind::IssuerAuthorized, VerifyError::UnknownLicenseType),
            (None, Some(_)) => run.skip(CheckKind::IssuerAuthorized),
            (Some(i), Some(t)) => {
                if policy
                    .accepted_types
                    .as_ref()
                    .is_some_and(|a| !a.iter().any(|x| *x == t.type_code || *x == t.id))
                {
                    run.fail(CheckKind::IssuerAuthorized, VerifyError::TypeNotAccepted)
                } else if !i.types.contains(&cred.type_code) {
                    run.fail(
                        CheckKind::IssuerAuthorized,
                        VerifyError::IssuerNotAuthorizedForType,
                    )
                } else if !i.window_contains(cred.issued_at) {
                    run.fail(
                        CheckKind::IssuerAuthorized,
                        VerifyError::KeyNotValidAtIssuance,
                    )
                } else {
                    if i.not_after.is_some_and(|end| now.0 > end) {
                        run.findings.push(Finding::IssuerKeyRetired);
                    }
                    run.pass(CheckKind::IssuerAuthorized)
                }
            }
        }

        // Issuer signature, through the algorithm table: the header's algorithm
        // must be the trusted key's.
        let cred_alg = cred.sign1.algorithm();
        let alg_matches = issuer.is_some_and(|i| cred_alg == Some(i.public_key.algorithm()));
        let signature_ok = match (entry, cred_alg) {
            // Not a valid key of its algorithm: nothing verifies under it.
            (Some((_, None)) | None, _) | (_, None) => false,
            (Some((i, Some(vk))), Some(alg)) => {
                alg_matches
                    && sigs.verify(
                        i.public_key.as_bytes(),
                        vk,
                        alg,
                        &cred.sign1.to_be_signed(&[]),
                        cred.sign1.signature(),
                    )
            }
        };
        match issuer {
            None => run.skip(CheckKind::IssuerSignature),
            Some(_) if signature_ok => run.pass(CheckKind::IssuerSignature),
            Some(_) if !alg_matches => run.fail(
                CheckKind::IssuerSignature,
                VerifyError::KeyAlgorithmMismatch,
            ),
            Some(_) => run.fail(CheckKind::IssuerSignature, VerifyError::BadIssuerSignature),
        }

        // Validity window.
        if cred.issued_at.0 > now.0.saturating_add(skew) {
            run.fail(CheckKind::Validity, VerifyError::IssuedInFuture)
        } else if cred.not_before.0 > now.0.saturating_add(skew) {
            run.fail(CheckKind::Validity, VerifyError::NotYetValid)
        } else if cred
            .expires
            // exp is exclusive (RFC 8392 / 7519: "on or after which" not
            // accepted): it is 00:00 CST of the day *after* the last valid day.
            .is_some_and(|e| now.0 >= e.0.saturating_add(skew))
        {
            run.fail(CheckKind::Validity, VerifyError::Expired)
        } else {
            run.pass(CheckKind::Validity)
        }

        // Disclosures against digests.
        let mut values: BTreeMap<u32, FieldValue> = BTreeMap::new();
        let disclosures_ok = match ty {
            None => {
                run.skip(CheckKind::Disclosures);
                false
            }
            Some(t) => match check_disclosures(t, cred, disclosures, &mut values) {
                Ok(()) => {
                    run.pass(CheckKind::Disclosures);
                    true
                }
                Err(e) => {
                    run.fail(CheckKind::Disclosures, e);
                    false
                }
            },
        };

        // Field validation and cross-field rules: only over values the issuer
        // is known to have signed (an attacker's own signature must not even
        // get its values evaluated).
        match (ty, disclosures_ok && signature_ok) {
            (Some(t), true) => match check_fields(t, cred, issuer, &values) {
                Ok(findings) => {
                    run.findings.extend(findings);
                    run.pass(CheckKind::Fields)
                }
                Err(e) => run.fail(CheckKind::Fields, e),
            },
            _ => run.skip(CheckKind::Fields),
        }

        // Holder binding.
        let field_ids: Vec<u32> = disclosures.iter().map(|d| d.field_id).collect();
        match (&cred.holder, &pres.proof) {
            (None, None) => {
                if ty.is_some_and(|t| t.holder_binding == HolderBinding::Required) {
                    // The type says so (居民身份证, 健康证明): a static code of it
                    // is a copy anyone can show.
                    run.fail(
                        CheckKind::HolderSignature,
                        VerifyError::HolderBindingRequiredByType,
                    )
                } else if policy.require_holder_binding {
                    run.fail(CheckKind::HolderSignature, VerifyError::NotHolderBound)
                } else {
                    run.findings.push(Finding::NotHolderBound);
                    run.not_applicable(CheckKind::HolderSignature)
                }
            }
            (None, Some(_)) => run.fail(CheckKind::HolderSignature, VerifyError::NotHolderBound),
            (Some(_), None) => {
                run.fail(CheckKind::HolderSignature, VerifyError::HolderProofMissing)
            }
            (Some(_), Some(_)) => match self.holder_job(parsed) {
                // Answers another request: reported under Request; the signature cannot be checked.
                None => run.skip(CheckKind::HolderSignature),
                Some((key, t, sig)) => {
                    // The holder key's own algorithm signs the transcript.
                    let ok = match &cred.holder_key {
                        Some(vk) => sigs.verify(key.as_bytes(), vk, key.algorithm(), &t, &sig),
                        None => key.verify(&t, &sig),
                    };
                    if ok {
                        run.pass(CheckKind::HolderSignature)
                    } else {
                        run.fail(CheckKind::HolderSignature, VerifyError::BadHolderSignature)
                    }
                }
            },
        }

        // Freshness, and (at a counter) whether this presentation was accepted before.
        let mut remember = None;
        match &pres.proof {
            None => run.not_applicable(CheckKind::Freshness),
            Some(p) => {
                let age = now.0.saturating_sub(p.time.0);
                let lifetime = p.lifetime.min(policy.max_presentation_age_secs);
                let scan_key = counter
                    .and_then(|_| self.holder_job(parsed))
                    .map(|(_, t, _)| {
                        use sha2::Digest as _;
                        let h = sha2::Sha256::digest(&t);
                        let mut k = [0u8; 16];
                        k.copy_from_slice(&h[..16]);
                        k
                    });
                let before = match (counter, scan_key) {
                    (Some(c), Some(k)) => c.first_seen(&k, now),
                    _ => None,
                };
                if p.time.0 > now.0.saturating_add(skew) {
                    run.fail(CheckKind::Freshness, VerifyError::FromFuture)
                } else if age > lifetime.saturating_add(skew) {
                    run.fail(CheckKind::Freshness, VerifyError::Stale)
                } else if let Some(at) = before {
                    run.undecided(
                        CheckKind::Freshness,
                        VerifyError::AlreadyVerified { at: at.0 },
                    )
                } else {
                    // Until it would be stale anyway.
                    remember = scan_key.map(|k| (k, p.time.plus(lifetime).plus(skew)));
                    run.pass(CheckKind::Freshness)
                }
            }
        }

        // Request.
        let nonce = pres.proof.as_ref().and_then(|p| p.nonce.as_ref());
        match (&self.request, nonce) {
            (None, None) => run.not_applicable(CheckKind::Request),
            (None, Some(_)) => run.fail(CheckKind::Request, VerifyError::NonceMismatch),
            (Some(_), None) => run.fail(CheckKind::Request, VerifyError::RequestNotAnswered),
            (Some(r), Some(n)) => {
                if r.request.nonce.as_slice() != n.as_slice() {
                    run.fail(CheckKind::Request, VerifyError::NonceMismatch)
                } else if counter.is_some()
                    && remember.is_some()
                    && self.nonces.contains(&r.request.nonce)
                {
                    // Another presentation for a request already answered (the
                    // same presentation again is `already_verified` above).
                    run.fail(CheckKind::Request, VerifyError::NonceAlreadyUsed)
                } else if r.request.type_code != cred.type_code
                    || !r.request.fields.iter().all(|f| field_ids.contains(f))
                {
                    run.fail(CheckKind::Request, VerifyError::RequestNotSatisfied)
                } else {
                    run.pass(CheckKind::Request)
                }
            }
        }

        // Status.
        match (cred.status, issuer) {
            (None, _) => run.not_applicable(CheckKind::Status),
            (Some(_), None) => run.skip(CheckKind::Status),
            (Some(sref), Some(i)) => {
                let uri = list_uri(&i.code, sref.list);
                match self.lists.get(&uri) {
                    Some(token) if !token.is_current(now, policy.status_max_age_secs) => {
                        run.undecided(CheckKind::Status, VerifyError::StatusListExpired)
                    }
                    Some(token) => match usize::try_from(sref.index)
                        .ok()
                        .and_then(|ix| token.list.status(ix))
                    {
                        None => {
                            run.undecided(CheckKind::Status, VerifyError::StatusIndexOutOfRange)
                        }
                        Some(StatusValue::Valid) => run.pass(CheckKind::Status),
                        Some(StatusValue::Invalid) => {
                            run.fail(CheckKind::Status, VerifyError::Revoked)
                        }
                        Some(StatusValue::Suspended) => {
                            run.fail(CheckKind::Status, VerifyError::Suspended)
                        }
                        Some(_) => run.undecided(CheckKind::Status, VerifyError::StatusUnknown),
                    },
                    None => {
                        let bad = self
                            .bad_lists
                            .iter()
                            .find(|(u, _)| u.as_deref() == Some(uri.as_str()) || u.is_none());
                        match (bad, policy.status) {
                            (Some((_, e)), _) => run.undecided(
                                CheckKind::Status,
                                VerifyError::StatusListInvalid {
                                    detail: e.en().into_owned(),
                                },
                            ),
                            (None, StatusPolicy::Strict) => {
                                run.undecided(CheckKind::Status, VerifyError::StatusListMissing)
                            }
                            (None, StatusPolicy::Lenient) => {
                                run.findings.push(Finding::StatusNotChecked);
                                run.not_applicable(CheckKind::Status)
                            }
                        }
                    }
                }
            }
        }

        // License facts and the fields to show: only from a credential whose
        // issuer signature verified (facts of a forgery are never shown).
        if let (Some(t), Some(i), true) = (ty, issuer, signature_ok) {
            run.license = Some(LicenseInfo {
                type_code: t.type_code.clone(),
                type_zh: t.zh.clone(),
                type_en: t.en.clone(),
                view: cred
                    .view
                    .and_then(|v| t.view_by_id(v))
                    .map(|v| format!("{} / {}", v.zh, v.en)),
                issuer_zh: i.name_zh.clone(),
                issuer_en: i.name_en.clone(),
                issuer_code: i.code.clone(),
                // The credential's kid found this entry (index_keys keys it by the entry's own
                // key id): no need to hash the key again.
                key_id: kid
                    .as_ref()
                    .map_or_else(|| i.key_id().to_hex(), KeyId::to_hex),
                issued_at: cred.issued_at.0,
                valid_from: cred.not_before.0,
                valid_until: cred.expires.map(|e| e.0),
                holder_bound: cred.holder.is_some(),
            });
            if disclosures_ok {
                run.fields = t
                    .fields
                    .iter()
                    .filter_map(|f| values.get(&f.id).map(|v| (f, v)))
                    .map(|(f, v)| {
                        let (zh, en) = v.display(&f.kind);
                        DisclosedField {
                            key: f.key.clone(),
                            label_zh: f.zh.clone(),
                            label_en: f.en.clone(),
                            display: if f.sensitive && !matches!(f.kind, ValueKind::Image(_)) {
                                f.mask.apply(&zh)
                            } else {
                                zh.clone()
                            },
                            value_zh: zh,
                            value_en: en,
                            sensitive: f.sensitive,
                        }
                    })
                    .collect();
                run.images = t
                    .fields
                    .iter()
                    .filter_map(|f| match (&f.kind, values.get(&f.id)) {
                        (ValueKind::Image(p), Some(FieldValue::Bytes(b))) => {
                            p.check(b).ok().map(|info| DisclosedImage {
                                key: f.key.clone(),
                                label_zh: f.zh.clone(),
                                label_en: f.en.clone(),
                                media_type: "image/jpeg".into(),
                                width: info.width,
                                height: info.height,
                                bytes: b.clone(),
                            })
                        }
                        _ => None,
                    })
                    .collect();
            }
        }
        let report = run.finish();
        if let (Some(c), Some((key, until)), Verdict::Valid) = (counter, remember, report.verdict) {
            c.remember(key, now, until);
            if let (Some(r), Some(_)) = (&self.request, nonce) {
                self.nonces.consume(r.request.nonce);
            }
        }
        report
    }
}

/// The trust store's entries by key id. A key listed twice (only possible in a
/// store built directly; signed lists refuse it) keeps its first entry, as
/// [`TrustStore::find`] does.
fn index_keys(trust: &TrustStore) -> HashMap<KeyId, (usize, OnceLock<Option<VerifyingKey>>)> {
    let mut keys = HashMap::with_capacity(trust.issuers.len());
    for (i, entry) in trust.issuers.iter().enumerate() {
        keys.entry(entry.key_id())
            .or_insert_with(|| (i, OnceLock::new()));
    }
    keys
}

/// The request a verifier expects answers to, with the digests of its bytes
/// (what a holder transcript binds) computed once rather than per scan.
#[derive(Debug, Clone)]
struct ExpectedRequest {
    received: ReceivedRequest,
    sha256: [u8; 32],
    sm3: [u8; 32],
}

impl ExpectedRequest {
    fn new(received: ReceivedRequest) -> Self {
        use crate::alg::DigestAlgorithm;
        ExpectedRequest {
            sha256: received.hash_with(DigestAlgorithm::Sha256),
            sm3: received.hash_with(DigestAlgorithm::Sm3),
            received,
        }
    }

    /// `ReceivedRequest::hash_with(digest)`, precomputed.
    fn hash(&self, digest: crate::alg::DigestAlgorithm) -> [u8; 32] {
        match digest {
            crate::alg::DigestAlgorithm::Sha256 => self.sha256,
            crate::alg::DigestAlgorithm::Sm3 => self.sm3,
        }
    }
}

impl std::ops::Deref for ExpectedRequest {
    type Target = ReceivedRequest;
    fn deref(&self) -> &ReceivedRequest {
        &self.received
    }
}

/// A scan parsed far enough to run the checks.
struct Parsed {
    pres: Presentation,
    cred: Credential,
    disclosures: Vec<Disclosure>,
    /// For a bundle member: the bundle transcript its holder signature covers.
    bundle_transcript: Option<Vec<u8>>,
}

fn parse_text(text: &str) -> Result<Parsed, Box<Report>> {
    let payload = match qr::decode_text(text) {
        Ok(p) => p,
        Err(e) => {
            return Err(Box::new(Run::default().fail_format(
                VerifyError::MalformedQr {
                    detail: e.en().into_owned(),
                },
            )))
        }
    };
    if payload.kind != QrKind::Presentation {
        return Err(Box::new(
            Run::default().fail_format(VerifyError::NotAPresentation),
        ));
    }
    parse_body(&payload.body)
}

fn parse_body(body: &[u8]) -> Result<Parsed, Box<Report>> {
    let fail = |e: VerifyError| Box::new(Run::default().fail_format(e));
    let pres = Presentation::parse(body).map_err(|e| {
        fail(VerifyError::MalformedCredential {
            detail: e.en().into_owned(),
        })
    })?;
    parse_presentation(pres, None)
}

/// The credential and disclosures of a presentation (or of a bundle member,
/// whose holder signature is the bundle's: `bundle_transcript`).
fn parse_presentation(
    pres: Presentation,
    bundle_transcript: Option<Vec<u8>>,
) -> Result<Parsed, Box<Report>> {
    let fail = |e: VerifyError| Box::new(Run::default().fail_format(e));
    let cred = Credential::parse(&pres.credential).map_err(|e| match e {
        crate::credential::CredentialFormatError::Cose(
            crate::cose::CoseError::UnsupportedAlgorithm(_),
        ) => fail(VerifyError::UnsupportedAlgorithm),
        e => fail(VerifyError::MalformedCredential {
            detail: format!("{e:?}"),
        }),
    })?;
    let disclosures = pres
        .disclosures
        .iter()
        .map(|d| Disclosure::parse(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            fail(VerifyError::MalformedCredential {
                detail: format!("disclosure: {}", e.en()),
            })
        })?;
    Ok(Parsed {
        pres,
        cred,
        disclosures,
        bundle_transcript,
    })
}

/// How signatures are checked: one by one, or looked up from a batch.
trait SignatureCheck {
    /// Verifies `signature` under the decoded `key` (whose canonical bytes are
    /// `public_key`) for the algorithm the signed structure names.
    fn verify(
        &self,
        public_key: &[u8],
        key: &VerifyingKey,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> bool;
}

/// Single verification through the algorithm table (strict Ed25519).
struct Direct;

impl SignatureCheck for Direct {
    fn verify(
        &self,
        _public_key: &[u8],
        key: &VerifyingKey,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        key.verify(algorithm, message, signature)
    }
}

/// Remembers the outcome of each distinct holder-signature check over one
/// bundle transcript: a bundle carries one holder signature, checked under
/// every holder-bound member's `cnf` key, and members that share a key (the
/// usual case: one wallet) need it verified only once. Keyed by the key's
/// algorithm and canonical bytes and by the signature; any other message
/// (the members' issuer signatures) goes straight to `inner`.
struct TranscriptMemo<'a> {
    transcript: &'a [u8],
    inner: &'a dyn SignatureCheck,
    seen: std::cell::RefCell<Vec<MemoEntry>>,
}

/// One remembered check: key algorithm, key bytes, signature, outcome.
type MemoEntry = (SignatureAlgorithm, Vec<u8>, Vec<u8>, bool);

impl<'a> TranscriptMemo<'a> {
    fn new(transcript: &'a [u8], inner: &'a dyn SignatureCheck) -> Self {
        Self {
            transcript,
            inner,
            seen: std::cell::RefCell::new(Vec::new()),
        }
    }
}

impl SignatureCheck for TranscriptMemo<'_> {
    fn verify(
        &self,
        public_key: &[u8],
        key: &VerifyingKey,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        if message != self.transcript {
            return self
                .inner
                .verify(public_key, key, algorithm, message, signature);
        }
        let hit = self.seen.borrow().iter().find_map(|(a, k, s, ok)| {
            (*a == algorithm && k.as_slice() == public_key && s.as_slice() == signature)
                .then_some(*ok)
        });
        if let Some(ok) = hit {
            return ok;
        }
        let ok = self
            .inner
            .verify(public_key, key, algorithm, message, signature);
        self.seen
            .borrow_mut()
            .push((algorithm, public_key.to_vec(), signature.to_vec(), ok));
        ok
    }
}

impl SignatureCheck for batch::Results {
    fn verify(
        &self,
        public_key: &[u8],
        key: &VerifyingKey,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let batched = (algorithm == SignatureAlgorithm::Ed25519 && key.as_ed25519().is_some())
            .then(|| self.get(public_key, message, signature))
            .flatten();
        batched.unwrap_or_else(|| key.verify(algorithm, message, signature))
    }
}

fn check_disclosures(
    ty: &LicenseType,
    cred: &Credential,
    disclosures: &[Disclosure],
    values: &mut BTreeMap<u32, FieldValue>,
) -> Result<(), VerifyError> {
    let view = match cred.view {
        None => None,
        Some(v) => Some(ty.view_by_id(v).ok_or(VerifyError::UnknownView)?),
    };
    let mut seen = BTreeSet::new();
    let mut previous: Option<u32> = None;
    for d in disclosures {
        if !cred.commits_to(&d.digest(cred.suite().digest)) {
            return Err(VerifyError::DisclosureNotSigned);
        }
        if !seen.insert(d.field_id) {
            return Err(VerifyError::DuplicateDisclosure);
        }
        // One canonical order, ascending field id (§7): a presentation has one encoding.
        if previous.is_some_and(|p| p > d.field_id) {
            return Err(VerifyError::DisclosuresOutOfOrder);
        }
        previous = Some(d.field_id);
        let field = ty
            .field_by_id(d.field_id)
            .ok_or(VerifyError::UnknownField)?;
        if view.is_some_and(|v| !v.fields.contains(&field.key)) {
            return Err(VerifyError::FieldNotInView);
        }
        if let (ValueKind::Image(profile), ciborium::value::Value::Bytes(b)) =
            (&field.kind, &d.value)
        {
            // Bounded before anything decodes it: size, then the marker walk.
            profile
                .check(b)
                .map_err(|error| VerifyError::InvalidImage {
                    field: field.key.clone(),
                    error,
                })?;
        }
        let value = FieldValue::from_cbor(&field.kind, &d.value).map_err(|reason| {
            VerifyError::InvalidFieldValue {
                field: field.key.clone(),
                reason,
            }
        })?;
        values.insert(d.field_id, value);
    }
    Ok(())
}

fn check_fields(
    ty: &LicenseType,
    cred: &Credential,
    issuer: Option<&TrustedIssuer>,
    values: &BTreeMap<u32, FieldValue>,
) -> Result<Vec<Finding>, VerifyError> {
    let mut findings = Vec::new();
    if let Some(FieldValue::Text(t)) = values.get(&FIELD_LICENSE_ID) {
        let id = LicenseId::parse(t).map_err(|e| VerifyError::InvalidFieldValue {
            field: "license_id".into(),
            reason: e.en().into_owned(),
        })?;
        if id.type_code().as_str() != cred.type_code
            || issuer.is_some_and(|i| id.issuer().as_str() != i.code)
        {
            return Err(VerifyError::LicenseIdMismatch);
        }
        if !id.conformance().is_conforming() {
            findings.push(Finding::NonConformingLicenseId);
        }
    }
    let by_key: BTreeMap<String, FieldValue> = values
        .iter()
        .filter_map(|(id, v)| ty.field_by_id(*id).map(|f| (f.key.clone(), v.clone())))
        .collect();
    let from = cred.not_before.cst_date();
    // exp is the start of the day after the last valid day.
    let until = cred
        .expires
        .map(|e| UnixTime(e.0.saturating_sub(1)).cst_date());
    let input = rules_input(&by_key, from, until);
    for rule in &ty.rules {
        if let Some(Err(_)) = rule.check(ty, &input) {
            return Err(VerifyError::RuleViolated {
                rule: rule.name().to_string(),
            });
        }
    }
    Ok(findings)
}

/// Best-effort: the `sub` of a status token that failed verification.
fn peek_uri(bytes: &[u8]) -> Option<String> {
    let v: ciborium::value::Value = ciborium::de::from_reader(bytes).ok()?;
    let ciborium::value::Value::Tag(18, inner) = v else {
        return None;
    };
    let items = crate::cbor::read::array(&inner)?;
    let payload = crate::cbor::read::bytes(items.get(2)?)?;
    let claims: ciborium::value::Value = ciborium::de::from_reader(payload).ok()?;
    let m = crate::cbor::read::map(&claims)?;
    crate::cbor::read::get(m, 2)
        .and_then(crate::cbor::read::text)
        .map(str::to_string)
}

#[derive(Default)]
struct Run {
    checks: Vec<Check>,
    license: Option<LicenseInfo>,
    fields: Vec<DisclosedField>,
    images: Vec<DisclosedImage>,
    findings: Vec<Finding>,
}

impl Run {
    fn push(&mut self, kind: CheckKind, outcome: Outcome) {
        self.checks.push(Check { kind, outcome });
    }
    fn pass(&mut self, kind: CheckKind) {
        self.push(kind, Outcome::Passed)
    }
    fn fail(&mut self, kind: CheckKind, e: VerifyError) {
        self.push(kind, Outcome::Failed(e))
    }
    fn undecided(&mut self, kind: CheckKind, e: VerifyError) {
        self.push(kind, Outcome::Indeterminate(e))
    }
    fn skip(&mut self, kind: CheckKind) {
        self.push(kind, Outcome::Skipped)
    }
    fn not_applicable(&mut self, kind: CheckKind) {
        self.push(kind, Outcome::NotApplicable)
    }

    fn fail_format(mut self, e: VerifyError) -> Report {
        self.fail(CheckKind::Format, e);
        for kind in &CheckKind::ALL[1..] {
            self.skip(*kind);
        }
        self.finish()
    }

    fn finish(self) -> Report {
        let verdict = if self
            .checks
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Failed(_)))
        {
            Verdict::Invalid
        } else if self
            .checks
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Indeterminate(_) | Outcome::Skipped))
        {
            Verdict::Indeterminate
        } else {
            Verdict::Valid
        };
        Report {
            verdict,
            checks: self.checks,
            license: self.license,
            fields: if verdict == Verdict::Invalid {
                Vec::new()
            } else {
                self.fields
            },
            images: if verdict == Verdict::Invalid {
                Vec::new()
            } else {
                self.images
            },
            findings: self.findings,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod memo_tests {
    use super::*;
    use crate::alg::PublicKey;
    use ed25519_dalek::{Signer as _, SigningKey};
    use std::cell::Cell;

    /// Counts the signatures it really verifies.
    struct Counting(Cell<usize>);

    impl SignatureCheck for Counting {
        fn verify(
            &self,
            _public_key: &[u8],
            key: &VerifyingKey,
            algorithm: SignatureAlgorithm,
            message: &[u8],
            signature: &[u8],
        ) -> bool {
            self.0.set(self.0.get() + 1);
            key.verify(algorithm, message, signature)
        }
    }

    fn key(seed: u8) -> (SigningKey, PublicKey, VerifyingKey) {
        let sk = SigningKey::from_bytes(&[seed; 32]);
        let pk = PublicKey::ed25519(&sk.verifying_key().to_bytes()).unwrap();
        let vk = pk.verifying_key().unwrap();
        (sk, pk, vk)
    }

    #[test]
    fn each_distinct_key_and_transcript_is_verified_once_with_its_own_outcome() {
        let transcript = b"bundle transcript".to_vec();
        let (sk, pk, vk) = key(1);
        let (_, other_pk, other_vk) = key(2);
        let sig = sk.sign(&transcript).to_bytes().to_vec();
        let inner = Counting(Cell::new(0));
        let memo = TranscriptMemo::new(&transcript, &inner);
        let ed = SignatureAlgorithm::Ed25519;
        for _ in 0..13 {
            assert!(memo.verify(pk.as_bytes(), &vk, ed, &transcript, &sig));
        }
        assert_eq!(
            inner.0.get(),
            1,
            "13 members with one key: one verification"
        );
        // A member with another cnf key gets its own check, and it fails.
        for _ in 0..3 {
            assert!(!memo.verify(other_pk.as_bytes(), &other_vk, ed, &transcript, &sig));
        }
        assert_eq!(inner.0.get(), 2);
        // Another signature under the same key is checked on its own.
        let mut forged = sig.clone();
        forged[0] ^= 1;
        assert!(!memo.verify(pk.as_bytes(), &vk, ed, &transcript, &forged));
        assert!(memo.verify(pk.as_bytes(), &vk, ed, &transcript, &sig));
        assert_eq!(inner.0.get(), 3);
        // Other messages (issuer signatures) are never cached.
        let other = b"issuer Sig_structure".to_vec();
        let other_sig = sk.sign(&other).to_bytes().to_vec();
        assert!(memo.verify(pk.as_bytes(), &vk, ed, &other, &other_sig));
        assert!(memo.verify(pk.as_bytes(), &vk, ed, &other, &other_sig));
        assert!(!memo.verify(pk.as_bytes(), &vk, ed, &other, &sig));
        assert_eq!(inner.0.get(), 6);
    }
}
