//! Deterministic generation of the files in `test-vectors/`.
//!
//! Every case is built from public demo seeds (see [`crate::demo`]), so running
//! the generator twice gives identical bytes; a test requires exactly that.
//! Cases that no honest issuer or wallet would produce (a tampered field, an ID
//! number whose birth date contradicts the date of birth, a wrong algorithm
//! header) are built by hand from the wire format in `docs/FORMAT.md`, which
//! doubles as a check that the document is complete.

use std::collections::BTreeMap;
use std::sync::Arc;

use liangzheng::alg::{PublicKey, SignatureAlgorithm};
use liangzheng::b64;
use liangzheng::cbor::{self, read};
use liangzheng::credential::{Claims, IssuedLicense, Issuer};
use liangzheng::disclosure::Disclosure;
use liangzheng::holder::{DeviceSigner, HolderPublicKey};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use liangzheng::presentation::{transcript, HolderProof, Presentation};
use liangzheng::qr::{self, QrKind};
use liangzheng::request::{ReceivedRequest, Request};
use liangzheng::schema::FieldValue;
use liangzheng::status::{list_uri, StatusList, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use liangzheng::trust::TrustStore;
use liangzheng::verify::{Policy, StatusPolicy, Verifier};
use liangzheng::wallet::Wallet;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::demo::{self, AUTHORITIES, BUSINESS, DEMO_NOW, HEALTH, ID_CARD};

mod frames_cases;
mod sm2_cases;

type Res<T> = Result<T, String>;

fn e<E: std::fmt::Display>(err: E) -> String {
    err.to_string()
}

mod request_cases;

pub use frames_cases::{run_frames_case, FRAMES_VECTOR_FORMAT};
pub use request_cases::{run_counter_case, run_wallet_case, REQUEST_VECTOR_FORMAT};

/// Policy of a vector, in JSON form.
#[derive(Serialize, Clone)]
pub struct PolicyJson {
    /// Clock skew.
    pub skew_secs: u64,
    /// Max presentation age.
    pub max_presentation_age_secs: u64,
    /// "strict" or "lenient".
    pub status: &'static str,
    /// Require holder binding.
    pub require_holder_binding: bool,
    /// Accepted types.
    pub accepted_types: Option<Vec<String>>,
}

impl Default for PolicyJson {
    fn default() -> Self {
        PolicyJson {
            skew_secs: 30,
            max_presentation_age_secs: 60,
            status: "strict",
            require_holder_binding: false,
            accepted_types: None,
        }
    }
}

impl PolicyJson {
    /// The core policy at `now`.
    pub fn to_policy(&self, now: UnixTime) -> Policy {
        let mut p = Policy::at(now);
        p.skew_secs = self.skew_secs;
        p.max_presentation_age_secs = self.max_presentation_age_secs;
        p.status = if self.status == "lenient" {
            StatusPolicy::Lenient
        } else {
            StatusPolicy::Strict
        };
        p.require_holder_binding = self.require_holder_binding;
        p.accepted_types = self.accepted_types.clone();
        p
    }
}

/// One case before it is checked and written.
struct Case {
    name: String,
    description: String,
    qr_text: String,
    now: UnixTime,
    trust_list: Vec<u8>,
    root_public_key: PublicKey,
    status_lists: Vec<Vec<u8>>,
    request: Option<Vec<u8>>,
    policy: PolicyJson,
    expect_trust_error: Option<&'static str>,
    expect_verdict: Option<&'static str>,
    expect_check: Option<&'static str>,
    expect_code: Option<&'static str>,
}

/// The fixed world every case starts from.
struct World {
    root: Arc<IssuerKey>,
    trust: TrustStore,
    trust_bytes: Vec<u8>,
    issuers: Vec<Issuer>,
    holder: Arc<liangzheng::holder::Ed25519DeviceSigner>,
}

impl World {
    fn new() -> Res<Self> {
        let root = demo::root_key();
        let trust = demo::trust_store();
        let trust_bytes = trust.sign(root.as_ref()).map_err(e)?;
        Ok(World {
            root,
            trust,
            trust_bytes,
            issuers: AUTHORITIES.iter().map(demo::issuer).collect(),
            holder: demo::holder_ed25519("holder: 张三"),
        })
    }

    fn police(&self) -> &Issuer {
        &self.issuers[0]
    }

    /// Status lists for list 1 of each authority, signed one hour before `now`,
    /// TTL one day; `revoked`/`suspended` are indices in the police list.
    fn status_lists(
        &self,
        now: UnixTime,
        revoked: &[usize],
        suspended: &[usize],
    ) -> Res<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        for (i, a) in AUTHORITIES.iter().enumerate() {
            let mut list = StatusList::new(1024, 2).map_err(e)?;
            if i == 0 {
                for r in revoked {
                    list.set_status(*r, StatusValue::Invalid).map_err(e)?;
                }
                for s in suspended {
                    list.set_status(*s, StatusValue::Suspended).map_err(e)?;
                }
            }
            let token = StatusToken::sign(
                &list,
                &list_uri(a.code, 1),
                now.minus(3600),
                Some(86_400),
                None,
                self.issuers[i].signer_ref(),
            )
            .map_err(e)?;
            out.push(token);
        }
        Ok(out)
    }

    fn case(&self, name: &str, description: &str, qr_text: String, now: UnixTime) -> Res<Case> {
        Ok(Case {
            name: name.into(),
            description: description.into(),
            qr_text,
            now,
            trust_list: self.trust_bytes.clone(),
            root_public_key: self.root.public_key(),
            status_lists: self.status_lists(now, &[], &[])?,
            request: None,
            policy: PolicyJson::default(),
            expect_trust_error: None,
            expect_verdict: Some("valid"),
            expect_check: None,
            expect_code: None,
        })
    }

    fn wallet(&self, license: IssuedLicense) -> Res<Wallet> {
        let mut w = Wallet::new(self.holder.clone());
        w.add(license).map_err(e)?;
        Ok(w)
    }

    /// An ID card (demo claims) issued by `issuer` at `iat` with salts from
    /// `label`, bound to the holder, shown with its name only at `shown_at`.
    fn id_card_name_shown(
        &self,
        issuer: &Issuer,
        iat: UnixTime,
        label: &str,
        shown_at: UnixTime,
    ) -> Res<String> {
        let mut rng = demo::rng(label);
        let license = issuer
            .issue_with_rng(
                &demo::id_card_claims(),
                Some(&self.holder.public_key()),
                iat,
                &mut rng,
            )
            .map_err(e)?;
        self.wallet(license)?
            .present(0, &["name"], shown_at)
            .map_err(e)
    }

    fn id_card(&self, claims: &Claims) -> Res<IssuedLicense> {
        let mut rng = demo::rng("vectors: id card");
        self.police()
            .issue_with_rng(
                claims,
                Some(&self.holder.public_key()),
                DEMO_NOW.minus(86_400),
                &mut rng,
            )
            .map_err(e)
    }
}

/// Small extension so vectors can sign with an issuer's key.
trait SignerRef {
    fn signer_ref(&self) -> &dyn IssuerSigner;
}

impl SignerRef for Issuer {
    fn signer_ref(&self) -> &dyn IssuerSigner {
        self.signer()
    }
}

impl Case {
    fn expect(mut self, verdict: &'static str, check: &'static str, code: &'static str) -> Self {
        self.expect_verdict = Some(verdict);
        self.expect_check = Some(check);
        self.expect_code = Some(code);
        self
    }

    fn to_json(&self, fields: Vec<Json>) -> Json {
        let mut j = self.to_json_common(fields);
        // A P-256 or SM2 root also in SubjectPublicKeyInfo DER, the form the FFI
        // and WASM verifiers take for roots other than a raw Ed25519 key.
        if self.root_public_key.algorithm() != SignatureAlgorithm::Ed25519 {
            if let Ok(spki) = self.root_public_key.to_spki_der() {
                j["input"]["root_public_key_spki"] = Json::String(b64::encode(&spki));
            }
        }
        j
    }

    fn to_json_common(&self, fields: Vec<Json>) -> Json {
        json!({
            "format": "liangzheng-test-vector",
            "version": 1,
            "name": self.name,
            "description": self.description,
            "input": {
                "qr_text": self.qr_text,
                "now": self.now.0,
                "root_public_key": b64::encode(self.root_public_key.as_bytes()),
                "root_key_alg": self.root_public_key.cose_alg(),
                "trust_list": b64::encode(&self.trust_list),
                "status_lists": self.status_lists.iter().map(|s| b64::encode(s)).collect::<Vec<_>>(),
                "request": self.request.as_ref().map(|r| b64::encode(r)),
                "policy": self.policy,
            },
            "expected": {
                "trust_list_error": self.expect_trust_error,
                "verdict": self.expect_verdict,
                "failing_check": self.expect_check,
                "error_code": self.expect_code,
                "fields": fields,
            }
        })
    }
}

/// Builds the verifier and policy a case describes; `Err(code)` when the
/// trust list itself must be rejected (`wrong_root`, `bad_signature`, `malformed`).
pub fn case_verifier(input: &Json) -> Res<CaseSetup> {
    let get_bytes = |v: &Json| -> Res<Vec<u8>> {
        v.as_str()
            .and_then(b64::decode)
            .ok_or_else(|| "bad base64url".to_string())
    };
    // The root key's algorithm (COSE id); absent in older vectors = Ed25519.
    let root_alg = match input["root_key_alg"].as_i64() {
        None => SignatureAlgorithm::Ed25519,
        Some(id) => SignatureAlgorithm::from_cose_id(id).ok_or("unknown root key algorithm")?,
    };
    let root = PublicKey::from_bytes(root_alg, &get_bytes(&input["root_public_key"])?)
        .map_err(|_| "bad root key".to_string())?;
    // The SPKI form, when given, is the same key.
    if !input["root_public_key_spki"].is_null() {
        let spki = PublicKey::from_spki_der(&get_bytes(&input["root_public_key_spki"])?)
            .map_err(|_| "bad root SPKI".to_string())?;
        if spki != root {
            return Err("root_public_key_spki is not root_public_key".into());
        }
    }
    let trust = match TrustStore::from_signed(&get_bytes(&input["trust_list"])?, &root) {
        Ok(t) => t,
        Err(err) => {
            let code = match err {
                liangzheng::trust::TrustError::WrongRoot => "wrong_root",
                liangzheng::trust::TrustError::BadSignature => "bad_signature",
                liangzheng::trust::TrustError::DuplicateKey { .. } => "duplicate_key",
                _ => "malformed",
            };
            return Ok(Err(code.into()));
        }
    };
    let mut verifier = Verifier::new(trust);
    for s in input["status_lists"].as_array().into_iter().flatten() {
        // A bad list is remembered by the verifier; the verdict says so.
        let _ = verifier.add_status_list(&get_bytes(s)?);
    }
    if let Some(r) = input["request"].as_str() {
        let bytes = b64::decode(r).ok_or("bad request base64url")?;
        verifier.expect_request(ReceivedRequest::parse(&bytes).map_err(e)?);
    }
    let p = &input["policy"];
    let policy = PolicyJson {
        skew_secs: p["skew_secs"].as_u64().unwrap_or(30),
        max_presentation_age_secs: p["max_presentation_age_secs"].as_u64().unwrap_or(60),
        status: if p["status"] == "lenient" {
            "lenient"
        } else {
            "strict"
        },
        require_holder_binding: p["require_holder_binding"].as_bool().unwrap_or(false),
        accepted_types: p["accepted_types"].as_array().map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        }),
    }
    .to_policy(UnixTime(input["now"].as_u64().unwrap_or(0)));
    Ok(Ok((verifier, policy)))
}

/// A case's verifier and policy, or the trust-list error code.
pub type CaseSetup = Result<(Verifier, Policy), String>;

/// Outcome of a case: trust-list error, or (verdict, failing check, error code), and the fields.
pub type CaseOutcome = (Option<String>, Option<(String, String, String)>, Vec<Json>);

/// Runs a case through the core verifier and returns what it decided.
pub fn run_case(input: &Json) -> Res<CaseOutcome> {
    let (verifier, policy) = match case_verifier(input)? {
        Ok(v) => v,
        Err(code) => return Ok((Some(code), None, Vec::new())),
    };
    let report = verifier.verify_text(input["qr_text"].as_str().unwrap_or(""), &policy);
    let verdict = serde_json::to_value(report.verdict).map_err(e)?;
    let problem = report
        .first_problem()
        .map(|(k, err)| (k.code().to_string(), err.code().to_string()));
    let fields = report
        .fields
        .iter()
        .map(|f| json!({"key": f.key, "value": f.value_zh}))
        .collect();
    let verdict = verdict.as_str().unwrap_or("").to_string();
    let (check, code) = problem.unwrap_or_default();
    Ok((None, Some((verdict, check, code)), fields))
}

fn finish(case: Case) -> Res<(String, String)> {
    let draft = case.to_json(Vec::new());
    let (trust_err, outcome, fields) = run_case(&draft["input"])?;
    match (case.expect_trust_error, trust_err.as_deref()) {
        (Some(want), Some(got)) if want == got => {}
        (None, None) => {}
        (want, got) => {
            return Err(format!(
                "{}: trust list error {want:?} expected, got {got:?}",
                case.name
            ))
        }
    }
    if let Some((verdict, check, code)) = outcome {
        let want = (
            case.expect_verdict.unwrap_or(""),
            case.expect_check.unwrap_or(""),
            case.expect_code.unwrap_or(""),
        );
        if (verdict.as_str(), check.as_str(), code.as_str()) != want {
            return Err(format!(
                "{}: expected {want:?}, verifier said ({verdict}, {check}, {code})",
                case.name
            ));
        }
    }
    let json = case.to_json(fields);
    let text = serde_json::to_string_pretty(&json).map_err(e)? + "\n";
    Ok((format!("{}.json", case.name), text))
}

/// Builds a credential by hand (for cases an honest issuer would refuse to make).
#[allow(clippy::too_many_arguments)]
fn raw_credential(
    signer: &dyn IssuerSigner,
    type_code: &str,
    fields: &[(u32, ciborium::value::Value)],
    holder: Option<&HolderPublicKey>,
    iat: UnixTime,
    nbf: UnixTime,
    exp: Option<UnixTime>,
    rng: &mut rand_chacha::ChaCha20Rng,
) -> Res<(Vec<u8>, Vec<Vec<u8>>)> {
    let (payload, disclosures) = raw_payload(
        signer,
        type_code,
        fields,
        holder,
        (iat, nbf, exp),
        None,
        rng,
    );
    let cred = liangzheng::cose::Sign1::sign(&payload, None, signer).map_err(e)?;
    Ok((cred, disclosures))
}

/// The CWT claims of a hand-built credential (`view`: `lz[4]`) and its disclosures.
fn raw_payload(
    signer: &dyn IssuerSigner,
    type_code: &str,
    fields: &[(u32, ciborium::value::Value)],
    holder: Option<&HolderPublicKey>,
    (iat, nbf, exp): (UnixTime, UnixTime, Option<UnixTime>),
    view: Option<u64>,
    rng: &mut rand_chacha::ChaCha20Rng,
) -> (Vec<u8>, Vec<Vec<u8>>) {
    use ciborium::value::Value;
    let mut digests = Vec::new();
    let mut disclosures = Vec::new();
    for (id, v) in fields {
        let d = Disclosure::new(*id, v.clone(), rng);
        digests.push(d.digest(signer.algorithm().digest()));
        disclosures.push(d.bytes);
    }
    digests.sort();
    let mut claims = Vec::new();
    if let Some(x) = exp {
        claims.push((read::i(4), read::u(x.0)));
    }
    claims.push((read::i(5), read::u(nbf.0)));
    claims.push((read::i(6), read::u(iat.0)));
    if let Some(h) = holder {
        claims.push((read::i(8), Value::Map(vec![(read::i(1), h.to_cose_key())])));
    }
    let mut lz = vec![
        (read::i(1), Value::Text(type_code.into())),
        (read::i(2), Value::Bytes(digests.concat())),
    ];
    if let Some(v) = view {
        lz.push((read::i(4), read::u(v)));
    }
    claims.push((read::i(-65537), Value::Map(lz)));
    (cbor::encode(&Value::Map(claims)), disclosures)
}

/// Signs `payload` as a COSE_Sign1 with these exact protected header bytes and
/// this unprotected header (for headers no honest signer writes).
fn sign1_with_headers(
    payload: &[u8],
    protected: Vec<u8>,
    unprotected: ciborium::value::Value,
    signer: &dyn IssuerSigner,
) -> Res<Vec<u8>> {
    use ciborium::value::Value;
    let tbs = cbor::encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.clone()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]));
    let sig = signer.sign(&tbs).map_err(e)?;
    Ok(cbor::encode(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            unprotected,
            Value::Bytes(payload.to_vec()),
            Value::Bytes(sig.to_vec()),
        ])),
    )))
}

/// Signs `payload` as a COSE_Sign1 whose protected header is `{1: alg, 4: kid}`
/// with any algorithm id (for cases no honest issuer would produce).
fn forge_sign1(payload: &[u8], alg: i64, signer: &dyn IssuerSigner) -> Res<Vec<u8>> {
    use ciborium::value::Value;
    let protected = cbor::encode(&Value::Map(vec![
        (read::i(1), read::i(alg)),
        (read::i(4), Value::Bytes(signer.key_id().0.to_vec())),
    ]));
    // Sig_structure = ["Signature1", protected, external_aad = h'', payload].
    let tbs = cbor::encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.clone()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]));
    let sig = signer.sign(&tbs).map_err(e)?;
    Ok(cbor::encode(&Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(Vec::new()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(sig.to_vec()),
        ])),
    )))
}

/// Presents a hand-built credential with a holder proof.
fn raw_present(
    cred: &[u8],
    disclosures: &[Vec<u8>],
    holder: Option<&dyn DeviceSigner>,
    now: UnixTime,
) -> Res<String> {
    let ids: Vec<u32> = disclosures
        .iter()
        .map(|d| Disclosure::parse(d).map(|x| x.field_id))
        .collect::<Result<_, _>>()
        .map_err(e)?;
    let proof = match holder {
        None => None,
        Some(h) => {
            let digest = liangzheng::credential::Credential::parse(cred)
                .map(|c| c.suite().digest)
                .unwrap_or(liangzheng::alg::DigestAlgorithm::Sha256);
            let t = transcript(digest, cred, &ids, now, 60, None);
            Some(HolderProof {
                time: now,
                lifetime: 60,
                signature: h.sign(&t).map_err(e)?,
                nonce: None,
            })
        }
    };
    let p = Presentation {
        credential: cred.to_vec(),
        disclosures: disclosures.to_vec(),
        proof,
    };
    Ok(qr::encode_text(QrKind::Presentation, &p.to_bytes()))
}

fn text(s: &str) -> ciborium::value::Value {
    ciborium::value::Value::Text(s.into())
}

fn days(d: &str) -> ciborium::value::Value {
    FieldValue::Date(demo::date(d)).to_cbor()
}

/// Generates every case: `(file name, file contents)`, sorted by name.
pub fn generate() -> Res<Vec<(String, String)>> {
    let w = World::new()?;
    let now = DEMO_NOW;
    let shown_at = now.minus(5);
    let mut cases: Vec<Case> = Vec::new();

    // ---------- 居民身份证, holder-bound ----------
    let id = w.id_card(&demo::id_card_claims())?;
    let wallet = w.wallet(id.clone())?;
    let identity = wallet
        .present(0, &["name", "id_number"], shown_at)
        .map_err(e)?;
    cases.push(w.case(
        "id-card-identity-view-valid",
        "ID card shown through the issuer-signed 'identity' view (name + ID number), holder-bound (Ed25519), status valid",
        identity.clone(),
        now,
    )?);
    let full = wallet
        .present(0, &["name", "id_number", "birth_date", "sex"], shown_at)
        .map_err(e)?;
    cases.push(w.case(
        "id-card-full-credential-four-fields-valid",
        "ID card full credential disclosing name, ID number, birth date and sex; cross-field rules checked",
        full,
        now,
    )?);
    let caps: String = identity
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect::<String>()
        + "\r\n";
    cases.push(w.case(
        "id-card-scanner-gun-caps-lock-valid",
        "The same QR text as typed by a USB scanner gun with Caps Lock on (letters inverted) plus CR LF: still valid",
        caps,
        now,
    )?);
    cases.push(
        w.case(
            "id-card-screenshot-replayed-stale",
            "A screenshot of a valid presentation scanned 200 s later (lifetime 60 s, skew 30 s)",
            identity.clone(),
            shown_at.plus(200),
        )?
        .expect("invalid", "freshness", "stale"),
    );
    cases.push(
        w.case(
            "id-card-presentation-from-future",
            "The phone's clock is 10 minutes ahead of the counter's",
            wallet.present(0, &["name"], now.plus(600)).map_err(e)?,
            now,
        )?
        .expect("invalid", "freshness", "from_future"),
    );
    {
        let mut c = w.case(
            "id-card-revoked",
            "ID card whose index (42) is revoked in the police status list",
            identity.clone(),
            now,
        )?;
        c.status_lists = w.status_lists(now, &[42], &[])?;
        cases.push(c.expect("invalid", "status", "revoked"));
        let mut c = w.case(
            "id-card-suspended",
            "ID card whose index (42) is suspended",
            identity.clone(),
            now,
        )?;
        c.status_lists = w.status_lists(now, &[], &[42])?;
        cases.push(c.expect("invalid", "status", "suspended"));
        let mut c = w.case(
            "id-card-status-list-missing-strict",
            "No status list for the police key; strict policy: indeterminate, never a silent pass",
            identity.clone(),
            now,
        )?;
        c.status_lists.remove(0);
        cases.push(c.expect("indeterminate", "status", "status_list_missing"));
        let mut c = w.case(
            "id-card-status-list-missing-lenient",
            "No status list; lenient policy: valid with a 'status not checked' finding",
            identity.clone(),
            now,
        )?;
        c.status_lists.remove(0);
        c.policy.status = "lenient";
        cases.push(c);
        let mut c = w.case(
            "id-card-status-list-past-ttl",
            "The status list was signed 25 hours ago with a 24-hour TTL: indeterminate, not revoked",
            identity.clone(),
            now,
        )?;
        c.status_lists = w.status_lists(now.minus(86_400), &[], &[])?;
        cases.push(c.expect("indeterminate", "status", "status_list_expired"));
        let mut c = w.case(
            "id-card-status-list-bad-signature",
            "The police status list's signature is broken: indeterminate with the reason, never 'revoked'",
            identity.clone(),
            now,
        )?;
        let last = c.status_lists[0].len() - 1;
        c.status_lists[0][last] ^= 0x01;
        cases.push(c.expect("indeterminate", "status", "status_list_invalid"));
        let mut c = w.case(
            "id-card-status-list-untrusted-signer",
            "A status list for the police's URI signed by the market regulator's key: rejected, indeterminate",
            identity.clone(),
            now,
        )?;
        c.status_lists[0] = StatusToken::sign(
            &StatusList::new(1024, 2).map_err(e)?,
            &list_uri(AUTHORITIES[0].code, 1),
            now.minus(3600),
            Some(86_400),
            None,
            w.issuers[1].signer(),
        )
        .map_err(e)?;
        cases.push(c.expect("indeterminate", "status", "status_list_invalid"));
    }
    {
        let mut c = w.case(
            "id-card-trust-list-expired",
            "The verifier's trust list expired (2027-11-01) before this scan",
            wallet
                .present(0, &["name"], UnixTime(1_826_000_000))
                .map_err(e)?,
            UnixTime(1_826_000_010),
        )?;
        c.policy.status = "lenient";
        cases.push(c.expect("indeterminate", "issuer_known", "trust_list_expired"));
    }
    {
        let c = w.case(
            "id-card-type-not-accepted",
            "This counter only accepts business licenses",
            identity.clone(),
            now,
        )?;
        let mut c = c.expect("invalid", "issuer_authorized", "type_not_accepted");
        c.policy.accepted_types = Some(vec![BUSINESS.to_string()]);
        cases.push(c);
    }
    // Holder proof missing / bad holder signature.
    {
        let view = &id.views[0];
        let no_proof = Presentation {
            credential: view.credential.clone(),
            disclosures: view.disclosures.clone(),
            proof: None,
        };
        cases.push(
            w.case(
                "id-card-holder-proof-missing",
                "A holder-bound credential shown without the holder's signature (copied out of the wallet)",
                qr::encode_text(QrKind::Presentation, &no_proof.to_bytes()),
                now,
            )?
            .expect("invalid", "holder_signature", "holder_proof_missing"),
        );
        let thief = demo::holder_ed25519("holder: someone else");
        let stolen = raw_present(
            &view.credential,
            &view.disclosures,
            Some(thief.as_ref()),
            shown_at,
        )?;
        cases.push(
            w.case(
                "id-card-bad-holder-signature",
                "Someone else's phone signs the presentation of a credential bound to 张三's key",
                stolen,
                now,
            )?
            .expect("invalid", "holder_signature", "bad_holder_signature"),
        );
    }
    // Tampering.
    {
        let view = &id.views[0];
        let mut tampered = view.disclosures.clone();
        let d = Disclosure::parse(&tampered[0]).map_err(e)?;
        let forged = cbor::encode(&ciborium::value::Value::Array(vec![
            ciborium::value::Value::Bytes(d.salt.to_vec()),
            read::u(u64::from(d.field_id)),
            text("李四"),
        ]));
        tampered[0] = forged;
        cases.push(
            w.case(
                "id-card-tampered-field",
                "The name disclosure was rewritten (same salt, new value): its digest is not signed",
                raw_present(&view.credential, &tampered, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "disclosure_not_signed"),
        );
        let dup = vec![view.disclosures[0].clone(), view.disclosures[0].clone()];
        cases.push(
            w.case(
                "id-card-duplicate-disclosure",
                "The same disclosure appears twice",
                raw_present(&view.credential, &dup, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "duplicate_disclosure"),
        );
        let mut bad_sig = view.credential.clone();
        let last = bad_sig.len() - 1;
        bad_sig[last] ^= 0x80;
        cases.push(
            w.case(
                "id-card-bad-issuer-signature",
                "One bit of the issuer's signature flipped",
                raw_present(
                    &bad_sig,
                    &view.disclosures,
                    Some(w.holder.as_ref()),
                    shown_at,
                )?,
                now,
            )?
            .expect("invalid", "issuer_signature", "bad_issuer_signature"),
        );
    }
    // Malformed input.
    {
        // Cut inside a Base45 triplet: the text itself is broken.
        let body_len = identity.len() - 5;
        let cut = 5 + (body_len / 2) / 3 * 3 + 1;
        cases.push(
            w.case(
                "qr-truncated-mid-triplet",
                "QR text cut in half, inside a Base45 triplet",
                identity[..cut].to_string(),
                now,
            )?
            .expect("invalid", "format", "malformed_qr"),
        );
        // Cut on a triplet boundary: Base45 decodes, the CBOR ends early.
        let cut = 5 + (body_len / 2) / 3 * 3;
        cases.push(
            w.case(
                "qr-truncated-cbor",
                "QR text cut in half on a Base45 triplet boundary: the CBOR is truncated",
                identity[..cut].to_string(),
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
        cases.push(
            w.case(
                "qr-wrong-prefix",
                "EU DCC-style prefix HC1:",
                format!("HC1:{}", &identity[5..]),
                now,
            )?
            .expect("invalid", "format", "malformed_qr"),
        );
        cases.push(
            w.case(
                "cbor-garbage",
                "Valid Base45 of bytes that are not CBOR",
                qr::encode_text(QrKind::Presentation, &[0xff, 0x00, 0x13, 0x37]),
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
        let non_det = {
            // An array of three with a non-minimal length encoding (0x98 0x03).
            let p = Presentation::parse(&qr::decode_text(&identity).map_err(e)?.body).map_err(e)?;
            let mut bytes = p.to_bytes();
            bytes.splice(0..1, [0x98, 0x03]);
            bytes
        };
        cases.push(
            w.case(
                "cbor-not-deterministic",
                "The presentation array length is encoded in two bytes instead of one",
                qr::encode_text(QrKind::Presentation, &non_det),
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
        let mut rng = demo::rng("vectors: request");
        let req = Request::new(
            "91370100MA3C5D6E7F",
            "济南某银行",
            "开立账户核验身份",
            ID_CARD,
            vec![3, 8],
            now,
            &mut rng,
        )
        .map_err(e)?;
        cases.push(
            w.case(
                "request-code-scanned-as-presentation",
                "The counter scanned a request QR instead of a presentation",
                qr::encode_text(QrKind::Request, &req.to_bytes()),
                now,
            )?
            .expect("invalid", "format", "not_a_presentation"),
        );
        // Algorithm ids: the header names ES256 over an Ed25519 signature by an
        // Ed25519 key (a key of one algorithm never verifies another's
        // signature); an algorithm outside the table; the legacy EdDSA id.
        let view = &id.views[0];
        let parsed = liangzheng::cose::Sign1::parse(&view.credential, 8192, None).map_err(e)?;
        let key = demo::issuer_key(AUTHORITIES[0].label);
        let with_alg = |alg: i64| forge_sign1(&parsed.payload, alg, key.as_ref());
        for (name, description, alg, expect) in [
            (
                "cose-algorithm-confusion",
                "The protected header names ES256 (-7) over an Ed25519 signature by the trusted Ed25519 key",
                -7,
                Some(("invalid", "issuer_signature", "key_algorithm_mismatch")),
            ),
            (
                "cose-algorithm-confusion-esp256",
                "The protected header names ESP256 (-9) over an Ed25519 signature by the trusted Ed25519 key",
                -9,
                Some(("invalid", "issuer_signature", "key_algorithm_mismatch")),
            ),
            (
                "cose-algorithm-unsupported",
                "The protected header names ES384 (-35), an algorithm outside the table",
                -35,
                Some(("invalid", "format", "unsupported_algorithm")),
            ),
            (
                "cose-legacy-eddsa-accepted",
                "An Ed25519 credential whose header carries the legacy EdDSA id (-8) instead of Ed25519 (-19): accepted",
                -8,
                None,
            ),
        ] {
            let case = w.case(
                name,
                description,
                raw_present(
                    &with_alg(alg)?,
                    &view.disclosures,
                    Some(w.holder.as_ref()),
                    shown_at,
                )?,
                now,
            )?;
            cases.push(match expect {
                Some((v, c, code)) => case.expect(v, c, code),
                None => case,
            });
        }
    }
    // Validity window.
    {
        let mut claims = demo::id_card_claims();
        claims.valid_from = demo::date("2027-01-01");
        claims.valid_until = Some(demo::date("2047-01-01"));
        let future = w.wallet(w.id_card(&claims)?)?;
        cases.push(
            w.case(
                "id-card-not-yet-valid",
                "An ID card valid from 2027-01-01 shown in 2026",
                future.present(0, &["name"], shown_at).map_err(e)?,
                now,
            )?
            .expect("invalid", "validity", "not_yet_valid"),
        );
        let late = w.id_card_name_shown(
            w.police(),
            now.plus(3600),
            "vectors: issued in future",
            shown_at,
        )?;
        cases.push(
            w.case(
                "id-card-issued-in-future",
                "The credential's iat is an hour after the counter's clock",
                late,
                now,
            )?
            .expect("invalid", "validity", "issued_in_future"),
        );
    }
    // Issuers.
    {
        let rogue = Issuer::new(
            demo::issuer_key("a key nobody trusts"),
            "某伪造机关",
            Uscc::parse(AUTHORITIES[0].code).map_err(e)?,
        );
        let lic = w.id_card_name_shown(&rogue, now.minus(10), "vectors: rogue", shown_at)?;
        cases.push(
            w.case(
                "id-card-unknown-issuer",
                "Signed by a key that is not on the trust list (the police's name and code copied)",
                lic,
                now,
            )?
            .expect("invalid", "issuer_known", "unknown_issuer"),
        );
        let clinic = &w.issuers[3];
        let lic = w.id_card_name_shown(clinic, now.minus(10), "vectors: clinic", shown_at)?;
        cases.push(
            w.case(
                "id-card-from-unauthorised-issuer",
                "A district clinic, trusted for health certificates only, issues an ID card",
                lic,
                now,
            )?
            .expect(
                "invalid",
                "issuer_authorized",
                "issuer_not_authorized_for_type",
            ),
        );
        // Key rotation: the police key retired 2026-06-01; a new key took over.
        let old = &AUTHORITIES[0];
        let new_key = demo::issuer_key("济南市公安局 (2026 key)");
        let mut rotated = w.trust.clone();
        rotated.issuers[0].not_after = Some(1_780_272_000); // 2026-06-01
        let mut new_entry = demo::trusted(old);
        new_entry.public_key = new_key.public_key();
        new_entry.not_before = 1_777_593_600; // 2026-05-01, overlapping
        rotated.issuers.push(new_entry);
        let rotated_bytes = rotated.sign(w.root.as_ref()).map_err(e)?;
        let before = w.id_card_name_shown(
            w.police(),
            UnixTime(1_767_225_600),
            "vectors: before rotation",
            shown_at,
        )?;
        let mut c = w.case(
            "id-card-issued-before-key-rotation-valid",
            "Issued 2026-01-01 under the police key retired on 2026-06-01: stays valid until its own expiry",
            before,
            now,
        )?;
        c.trust_list = rotated_bytes.clone();
        cases.push(c);
        let after = w.id_card_name_shown(
            w.police(),
            UnixTime(1_790_000_000),
            "vectors: after rotation",
            shown_at,
        )?;
        let mut c = w.case(
            "id-card-issued-by-retired-key",
            "Issued 2026-09-21 under the police key that was retired on 2026-06-01",
            after,
            now,
        )?;
        c.trust_list = rotated_bytes;
        cases.push(c.expect("invalid", "issuer_authorized", "key_not_valid_at_issuance"));
    }
    // Trust list loading.
    {
        let mut c = w.case(
            "trust-list-wrong-root",
            "The trust list is signed by a key other than the pinned root",
            identity.clone(),
            now,
        )?;
        c.trust_list = w
            .trust
            .sign(demo::issuer_key("not the root").as_ref())
            .map_err(e)?;
        c.expect_trust_error = Some("wrong_root");
        c.expect_verdict = None;
        cases.push(c);
        let mut c = w.case(
            "trust-list-bad-signature",
            "One bit of the trust list's signature flipped",
            identity.clone(),
            now,
        )?;
        let last = c.trust_list.len() - 1;
        c.trust_list[last] ^= 0x01;
        c.expect_trust_error = Some("bad_signature");
        c.expect_verdict = None;
        cases.push(c);
    }
    // Requests (授权用证).
    {
        let mut rng = demo::rng("vectors: bank request");
        let bank = Request::new(
            "91370100MA3C5D6E7F",
            "济南某银行营业部",
            "开立个人账户，核验身份",
            ID_CARD,
            vec![3, 8],
            now.minus(30),
            &mut rng,
        )
        .map_err(e)?;
        let bank_bytes = bank.to_bytes();
        let bank_rx = ReceivedRequest::parse(&bank_bytes).map_err(e)?;
        let answer = wallet
            .respond(0, &bank_rx, &["name", "id_number"], shown_at)
            .map_err(e)?;
        let mut c = w.case(
            "request-answered-valid",
            "A bank's request for name + ID number, answered with consent: bound to its nonce",
            answer.clone(),
            now,
        )?;
        c.request = Some(bank_bytes.clone());
        cases.push(c);
        let other = Request::new(
            "91370100MA3C5D6E7F",
            "济南某银行营业部",
            "开立个人账户，核验身份",
            ID_CARD,
            vec![3, 8],
            now.minus(20),
            &mut rng,
        )
        .map_err(e)?;
        let mut c = w.case(
            "request-wrong-nonce",
            "The verifier expects one request; the wallet answered another (replayed answer)",
            answer.clone(),
            now,
        )?;
        c.request = Some(other.to_bytes());
        cases.push(c.expect("invalid", "request", "nonce_mismatch"));
        cases.push(
            w.case(
                "request-answer-replayed-elsewhere",
                "An answer to the bank's request shown at a counter that made no request",
                answer,
                now,
            )?
            .expect("invalid", "request", "nonce_mismatch"),
        );
        let mut c = w.case(
            "request-not-answered",
            "The counter made a request, but the holder showed a plain presentation",
            identity.clone(),
            now,
        )?;
        c.request = Some(bank_bytes.clone());
        cases.push(c.expect("invalid", "request", "request_not_answered"));
        let partial = wallet
            .respond(0, &bank_rx, &["name"], shown_at)
            .map_err(e)?;
        let mut c = w.case(
            "request-partially-answered",
            "The holder consented to the name only; the request asked for name + ID number",
            partial,
            now,
        )?;
        c.request = Some(bank_bytes);
        cases.push(c.expect("invalid", "request", "request_not_satisfied"));
    }
    // 营业执照 (static display) and 健康证明.
    {
        let market = &w.issuers[1];
        let mut rng = demo::rng("vectors: business");
        let lic = market
            .issue_with_rng(&demo::business_claims(), None, now.minus(86_400), &mut rng)
            .map_err(e)?;
        let wallet_b = {
            let mut wb = Wallet::new(w.holder.clone());
            wb.add(lic).map_err(e)?;
            wb
        };
        let keys: Vec<&str> = vec![
            "license_number",
            "license_id",
            "uscc",
            "name",
            "entity_type",
            "legal_rep",
            "capital",
            "established",
            "term_end",
            "scope",
            "domicile",
            "registrar",
        ];
        let wall = wallet_b.present(0, &keys, now.minus(86_000)).map_err(e)?;
        cases.push(w.case(
            "business-license-static-full-valid",
            "Business license printed on the wall: every field disclosed, not holder-bound (a static display is valid)",
            wall.clone(),
            now,
        )?);
        let mut c = w.case(
            "business-license-static-holder-binding-required",
            "The same static code at a counter whose policy requires holder binding",
            wall,
            now,
        )?;
        c.policy.require_holder_binding = true;
        cases.push(c.expect("invalid", "holder_signature", "not_holder_bound"));
        let clinic_holder = demo::holder_p256("holder: 王小红 (P-256)");
        let cdc = &w.issuers[2];
        let mut rng = demo::rng("vectors: health");
        let lic = cdc
            .issue_with_rng(
                &demo::health_claims(),
                Some(&clinic_holder.public_key()),
                now.minus(86_400),
                &mut rng,
            )
            .map_err(e)?;
        let mut wh = Wallet::new(clinic_holder.clone());
        wh.add(lic).map_err(e)?;
        cases.push(w.case(
            "health-certificate-fit-for-work-p256-valid",
            "Health certificate shown through the 'fit for work' view, holder key P-256 (ES256) as in phone secure hardware",
            wh.present(0, &["name", "category"], shown_at).map_err(e)?,
            now,
        )?);
        cases.push(
            w.case(
                "health-certificate-expired",
                "Health certificate valid until 2027-03-14, scanned 2027-04-01",
                wh.present(0, &["name", "category"], UnixTime(1_806_537_600))
                    .map_err(e)?,
                UnixTime(1_806_537_605),
            )?
            .expect("invalid", "validity", "expired"),
        );
    }
    // Field-level failures (hand-built credentials).
    {
        let police_key = demo::issuer_key(AUTHORITIES[0].label);
        let holder_pk = w.holder.public_key();
        let iat = now.minus(86_400);
        let nbf = UnixTime::from_cst_date(demo::date("2020-05-12"));
        let exp = Some(UnixTime::from_cst_date(demo::date("2040-05-13")));
        let mut rng = demo::rng("vectors: raw");
        let mk = |fields: Vec<(u32, ciborium::value::Value)>,
                  rng: &mut rand_chacha::ChaCha20Rng| {
            raw_credential(
                police_key.as_ref(),
                ID_CARD,
                &fields,
                Some(&holder_pk),
                iat,
                nbf,
                exp,
                rng,
            )
        };
        let (cred, ds) = mk(
            vec![(3, text("张三")), (8, text("370102199003070017"))],
            &mut rng,
        )?;
        cases.push(
            w.case(
                "field-id-number-bad-check-digit",
                "A signed ID number whose GB 11643 check digit is wrong (…0017 instead of …0016)",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "invalid_field_value"),
        );
        let (cred, ds) = mk(
            vec![(6, days("1991-03-07")), (8, text("370102199003070016"))],
            &mut rng,
        )?;
        cases.push(
            w.case(
                "field-birth-date-contradicts-id-number",
                "Date of birth 1991-03-07 next to an ID number that encodes 1990-03-07",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "fields", "rule_violated"),
        );
        let (cred, ds) = mk(vec![(3, text("张三")), (99, text("?"))], &mut rng)?;
        cases.push(
            w.case(
                "field-unknown-id",
                "A signed disclosure for field id 99, which the ID card type does not have",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "unknown_field"),
        );
        let foreign_id =
            "1.2.156.3005.2.11100000000013338W901.113301000024897012.370102199003070016.001.";
        let check = liangzheng::ids::iso7064_mod37_36(
            "11100000000013338W901113301000024897012370102199003070016001",
        )
        .ok_or("check")?;
        let (cred, ds) = mk(
            vec![
                (2, text(&format!("{foreign_id}{check}"))),
                (3, text("张三")),
            ],
            &mut rng,
        )?;
        cases.push(
            w.case(
                "field-license-id-names-another-issuer",
                "The 证照标识 names the Hangzhou market regulator while the police signed the credential",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "fields", "license_id_mismatch"),
        );
        let unknown_type = raw_credential(
            police_key.as_ref(),
            "11100000000013338W999",
            &[(3, text("张三"))],
            Some(&holder_pk),
            iat,
            nbf,
            exp,
            &mut rng,
        )?;
        cases.push(
            w.case(
                "type-unknown-to-verifier",
                "A credential of type …W999, which this verifier's registry does not define",
                raw_present(
                    &unknown_type.0,
                    &unknown_type.1,
                    Some(w.holder.as_ref()),
                    shown_at,
                )?,
                now,
            )?
            .expect("invalid", "issuer_authorized", "unknown_license_type"),
        );
    }

    // ---------- issue 9: national scale, untrusted arithmetic, list expiry ----------
    hardening_cases(&w, &mut cases)?;
    spec_cases(&w, &mut cases)?;

    // ---------- issue 10: the SM2 + SM3 suite ----------
    sm2_cases::sm2_cases(&w, &mut cases)?;

    cases.sort_by(|a, b| a.name.cmp(&b.name));
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for c in cases {
        if seen.insert(c.name.clone(), ()).is_some() {
            return Err(format!("duplicate case name {}", c.name));
        }
        out.push(finish(c)?);
    }
    out.extend(request_cases::generate(&w, &wallet)?);
    out.extend(frames_cases::generate(&w)?);
    out.push(("../keys.json".into(), keys_json(&w)?));
    Ok(out)
}

/// Cases added for issue 9: a forged credential with extreme times, the
/// ID-card term's application window, list expiry without skew, a status
/// list that carries no `ttl`/`exp`, a large and a duplicate-key trust list.
fn hardening_cases(w: &World, cases: &mut Vec<Case>) -> Res<()> {
    let now = DEMO_NOW;
    let shown_at = now.minus(5);
    let holder_pk = w.holder.public_key();
    let mut rng = demo::rng("vectors: hardening");
    let name_and_id = || -> Vec<(u32, ciborium::value::Value)> {
        vec![
            (3, text("张三")),
            (6, days("1990-03-07")),
            (8, text("370102199003070016")),
        ]
    };
    {
        // Signed by a key nobody trusts, nbf = exp = u64::MAX: the field
        // rules must not run on it (they used to, and overflowed).
        let attacker = IssuerKey::from_seed(&[0xa7; 32]);
        let fields = name_and_id();
        let (cred, ds) = raw_credential(
            &attacker,
            ID_CARD,
            &fields,
            Some(&holder_pk),
            now.minus(86_400),
            UnixTime(u64::MAX),
            Some(UnixTime(u64::MAX)),
            &mut rng,
        )?;
        cases.push(
            w.case(
                "id-card-forged-extreme-times-unknown-issuer",
                "nbf = exp = 2^64-1, signed by an untrusted key: refused as unknown issuer without evaluating the time arithmetic or field rules (no license facts)",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "issuer_known", "unknown_issuer"),
        );
    }
    {
        // Born 2000-01-10, applied at 25 (10-year term), issued 2026-01-15 at 26.
        let police_key = demo::issuer_key(AUTHORITIES[0].label);
        let nbf = UnixTime::from_cst_date(demo::date("2026-01-15"));
        let fields = vec![
            (3, text("李四")),
            (6, days("2000-01-10")),
            (8, text("370102200001100010")),
        ];
        for (name, description, end, expect) in [
            (
                "id-card-term-applied-before-birthday-valid",
                "Born 2000-01-10, card valid 2026-01-15 to 2036-01-15: the 10-year term of the age at application (25), issued days after the 26th birthday (FORMAT.md §6.1: 90-day application window)",
                "2036-01-16",
                None,
            ),
            (
                "id-card-term-wrong-for-age",
                "Born 2000-01-10, card valid 2026-01-15 to 2031-01-15: a 5-year term fits no age in the application window",
                "2031-01-16",
                Some(("invalid", "fields", "rule_violated")),
            ),
        ] {
            let exp = Some(UnixTime::from_cst_date(demo::date(end)));
            let (cred, ds) = raw_credential(
                police_key.as_ref(),
                ID_CARD,
                &fields,
                Some(&holder_pk),
                now.minus(86_400),
                nbf,
                exp,
                &mut rng,
            )?;
            let c = w.case(
                name,
                description,
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?;
            cases.push(match expect {
                None => c,
                Some((v, k, code)) => c.expect(v, k, code),
            });
        }
    }
    {
        // A static (unbound) ID card and health certificate: the type requires
        // a holder key, so the default policy refuses them. (An honest issuer
        // refuses to make them; built by hand.)
        let police_key = demo::issuer_key(AUTHORITIES[0].label);
        let (cred, ds) = raw_credential(
            police_key.as_ref(),
            ID_CARD,
            &name_and_id(),
            None,
            now.minus(86_400),
            UnixTime::from_cst_date(demo::date("2020-05-12")),
            Some(UnixTime::from_cst_date(demo::date("2040-05-13"))),
            &mut rng,
        )?;
        cases.push(
            w.case(
                "id-card-static-not-holder-bound",
                "An ID card without a holder key, shown without a holder proof (a screenshot works forever): invalid under the default policy, because the type requires holder binding",
                raw_present(&cred, &ds, None, shown_at)?,
                now,
            )?
            .expect("invalid", "holder_signature", "holder_binding_required_by_type"),
        );
    }
    let id = w.id_card(&demo::id_card_claims())?;
    let identity = w
        .wallet(id)?
        .present(0, &["name", "id_number"], shown_at)
        .map_err(e)?;
    {
        // The trust list expires at 1_825_027_200; the skew (30 s) does not extend it.
        let expires = w.trust.expires.ok_or("demo trust list expires")?;
        let mut c = w.case(
            "id-card-trust-list-expired-within-skew",
            "Scanned 10 s after the trust list's expiry: expired (FORMAT.md §9: the clock skew is not added to list expiry)",
            w.id_card_name_shown(w.police(), now.minus(86_400), "vectors: skew", expires.plus(5))?,
            expires.plus(10),
        )?;
        c.policy.status = "lenient";
        cases.push(c.expect("indeterminate", "issuer_known", "trust_list_expired"));
    }
    {
        // Status lists: no ttl, no exp, signed two days ago (default max age one day).
        let mut lists = Vec::new();
        for a in AUTHORITIES.iter() {
            let list = StatusList::new(1024, 2).map_err(e)?;
            lists.push(
                StatusToken::sign(
                    &list,
                    &list_uri(a.code, 1),
                    now.minus(2 * 86_400),
                    None,
                    None,
                    demo::issuer_key(a.label).as_ref(),
                )
                .map_err(e)?,
            );
        }
        let mut c = w.case(
            "id-card-status-list-without-ttl-stale",
            "The status list carries neither ttl nor exp and was signed two days ago: past the default maximum age of one day, indeterminate",
            identity.clone(),
            now,
        )?;
        c.status_lists = lists;
        cases.push(c.expect("indeterminate", "status", "status_list_expired"));
        let mut c = w.case(
            "id-card-status-list-past-ttl-within-skew",
            "The status list's TTL ended 10 s ago: expired (the clock skew is not added to list expiry)",
            identity.clone(),
            now,
        )?;
        // Lists signed so that iat + ttl = now - 10.
        c.status_lists = AUTHORITIES
            .iter()
            .map(|a| {
                StatusToken::sign(
                    &StatusList::new(1024, 2).map_err(e)?,
                    &list_uri(a.code, 1),
                    now.minus(86_410),
                    Some(86_400),
                    None,
                    demo::issuer_key(a.label).as_ref(),
                )
                .map_err(e)
            })
            .collect::<Res<_>>()?;
        cases.push(c.expect("indeterminate", "status", "status_list_expired"));
    }
    {
        // A provincial list of 300 issuers (more than the old limit of ~255),
        // filler entries after the demo ones; generated, never hand-edited.
        let mut big = w.trust.clone();
        let mut filler = demo::rng("vectors: filler issuers");
        for i in 0..300u32 {
            use rand_chacha::rand_core::RngCore as _;
            let mut entry = demo::trusted(&AUTHORITIES[1]);
            let mut key = [0u8; 32];
            filler.fill_bytes(&mut key);
            entry.public_key = PublicKey::Ed25519(key);
            entry.name_zh = format!("第{i}号县市场监督管理局");
            entry.name_en = format!("County Market Regulation Bureau No. {i}");
            big.issuers.push(entry);
        }
        let mut c = w.case(
            "trust-list-300-issuers-valid",
            "A trust list of 304 issuers (beyond the old fixed CBOR item limit): loads, and the police key in it verifies",
            identity.clone(),
            now,
        )?;
        c.trust_list = big.sign(w.root.as_ref()).map_err(e)?;
        cases.push(c);

        // The police key listed twice (once for ID cards, once for health
        // certificates): refused at load. Signed by hand (the signer refuses too).
        let mut dup = w.trust.clone();
        let mut again = demo::trusted(&AUTHORITIES[0]);
        again.types = vec![HEALTH.to_string()];
        dup.issuers.push(again);
        let payload = ciborium::value::Value::Map(vec![
            (read::i(1), read::u(1)),
            (read::i(2), read::u(dup.issued_at.0)),
            (read::i(3), read::u(dup.expires.ok_or("expires")?.0)),
            (
                read::i(4),
                ciborium::value::Value::Array(dup.issuers.iter().map(trust_entry_value).collect()),
            ),
        ]);
        let mut c = w.case(
            "trust-list-duplicate-key",
            "The police key appears in two entries with different types: the list is refused (one key, one entry)",
            identity,
            now,
        )?;
        c.trust_list = liangzheng::cose::Sign1::sign(
            &cbor::encode(&payload),
            Some(liangzheng::trust::TRUST_LIST_TYP),
            w.root.as_ref(),
        )
        .map_err(e)?;
        c.expect_trust_error = Some("duplicate_key");
        c.expect_verdict = None;
        cases.push(c);
    }
    Ok(())
}

/// A trust-list entry in its wire form (FORMAT.md §9), built by hand.
fn trust_entry_value(t: &liangzheng::trust::TrustedIssuer) -> ciborium::value::Value {
    use ciborium::value::Value;
    let mut m = vec![
        (read::i(1), Value::Bytes(t.public_key.as_bytes().to_vec())),
        (read::i(2), Value::Text(t.name_zh.clone())),
        (read::i(3), Value::Text(t.name_en.clone())),
        (read::i(4), Value::Text(t.code.clone())),
        (read::i(5), Value::Text(t.region.clone())),
        (
            read::i(6),
            Value::Array(t.types.iter().map(|x| Value::Text(x.clone())).collect()),
        ),
        (read::i(7), read::u(t.not_before)),
    ];
    if let Some(end) = t.not_after {
        m.push((read::i(8), read::u(end)));
    }
    m.push((read::i(9), read::i(t.public_key.cose_alg())));
    Value::Map(m)
}

fn keys_json(w: &World) -> Res<String> {
    let issuers: Vec<Json> = AUTHORITIES
        .iter()
        .map(|a| {
            let k = demo::issuer_key(a.label);
            json!({"name": a.name_zh, "code": a.code, "kid": k.key_id().to_hex(),
                   "public_key": b64::encode(k.public_key().as_bytes()),
                   "alg": k.public_key().cose_alg(), "types": a.types})
        })
        .collect();
    let j = json!({
        "note": "Demo keys from public seeds (see examples/src/demo.rs). Never use them for anything real.",
        "root": {"kid": w.root.key_id().to_hex(), "public_key": b64::encode(w.root.public_key().as_bytes()),
                 "alg": w.root.public_key().cose_alg()},
        "issuers": issuers,
        "sm2": sm2_cases::keys_json()?,
        "types": {"id_card": ID_CARD, "business_license": BUSINESS, "health_certificate": HEALTH},
    });
    Ok(serde_json::to_string_pretty(&j).map_err(e)? + "\n")
}

/// `r ‖ (n − s)` for an ES256 `r ‖ s` (P-256 group order `n`): the other
/// signature of the pair that verifies under plain ECDSA, which FORMAT.md §3
/// refuses (low S only). Plain 256-bit subtraction, independent of the
/// library under test.
fn p256_high_s_twin(sig: &[u8]) -> Res<Vec<u8>> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    if sig.len() != 64 {
        return Err("an ES256 signature is 64 bytes".into());
    }
    let mut out = sig.to_vec();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(N[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[32 + i] = u8::try_from(d).map_err(e)?;
    }
    Ok(out)
}

/// Cases of FORMAT.md decisions of issue 9 item 12 ("spec and code agree").
fn spec_cases(w: &World, cases: &mut Vec<Case>) -> Res<()> {
    use ciborium::value::Value;
    let now = DEMO_NOW;
    let shown_at = now.minus(5);
    let holder_pk = w.holder.public_key();
    let police_key = demo::issuer_key(AUTHORITIES[0].label);
    let mut rng = demo::rng("vectors: spec");
    let iat = now.minus(86_400);
    let nbf = UnixTime::from_cst_date(demo::date("2020-05-12"));
    let exp = Some(UnixTime::from_cst_date(demo::date("2040-05-13")));
    let name_and_number = || vec![(3, text("张三")), (8, text("370102199003070016"))];

    // Protected headers are deterministic CBOR like everything else (§1.1, §4).
    {
        let (payload, ds) = raw_payload(
            police_key.as_ref(),
            ID_CARD,
            &name_and_number(),
            Some(&holder_pk),
            (iat, nbf, exp),
            None,
            &mut rng,
        );
        // {4: kid, 1: -19}: the right parameters, keys out of order.
        let mut protected = vec![0xa2, 0x04, 0x48];
        protected.extend_from_slice(&police_key.key_id().0);
        protected.extend_from_slice(&[0x01, 0x32]);
        let cred = sign1_with_headers(
            &payload,
            protected,
            Value::Map(Vec::new()),
            police_key.as_ref(),
        )?;
        cases.push(
            w.case(
                "cose-protected-header-not-deterministic",
                "A police-signed ID card whose protected header is {4: kid, 1: -19} (keys out of order), signed over exactly those bytes: refused as a format error, the header must be deterministic CBOR",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
        let (payload, ds) = raw_payload(
            police_key.as_ref(),
            ID_CARD,
            &name_and_number(),
            Some(&holder_pk),
            (iat, nbf, exp),
            None,
            &mut rng,
        );
        let mut protected = vec![0xa1, 0x04, 0x48];
        protected.extend_from_slice(&police_key.key_id().0);
        let cred = sign1_with_headers(
            &payload,
            protected,
            Value::Map(vec![(read::i(1), read::i(-19))]),
            police_key.as_ref(),
        )?;
        cases.push(
            w.case(
                "cose-alg-in-unprotected-header",
                "alg -19 in the unprotected header, none in the protected one: a format error (malformed_credential), not unsupported_algorithm",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
    }

    // ES256 low S only (§3), for the holder and for the issuer.
    {
        let clinic_holder = demo::holder_p256("holder: 王小红 (P-256)");
        let mut rng = demo::rng("vectors: spec health");
        let lic = w.issuers[2]
            .issue_with_rng(
                &demo::health_claims(),
                Some(&clinic_holder.public_key()),
                now.minus(86_400),
                &mut rng,
            )
            .map_err(e)?;
        let mut wh = Wallet::new(clinic_holder);
        wh.add(lic).map_err(e)?;
        let good = wh.present(0, &["name", "category"], shown_at).map_err(e)?;
        let mut pres = Presentation::parse(&qr::decode_text(&good).map_err(e)?.body).map_err(e)?;
        let proof = pres.proof.as_mut().ok_or("holder-bound")?;
        proof.signature = p256_high_s_twin(&proof.signature)?;
        cases.push(
            w.case(
                "health-certificate-p256-high-s-holder-signature",
                "The P-256 holder's valid signature replaced by its twin r ‖ (n − s), which plain ECDSA also accepts: refused, ES256 is low-S only",
                qr::encode_text(QrKind::Presentation, &pres.to_bytes()),
                now,
            )?
            .expect("invalid", "holder_signature", "bad_holder_signature"),
        );

        let p256_police =
            liangzheng::keys::P256IssuerKey::from_scalar(&demo::seed("济南市公安局 P-256 (HSM)"))
                .map_err(e)?;
        let mut trust = demo::trust_store();
        let mut entry = demo::trusted(&AUTHORITIES[0]);
        entry.public_key = p256_police.public_key();
        entry.name_en = "Jinan Public Security Bureau (P-256 HSM key)".into();
        trust.issuers.push(entry);
        let trust_bytes = trust.sign(w.root.as_ref()).map_err(e)?;
        let (cred, ds) = raw_credential(
            &p256_police,
            ID_CARD,
            &name_and_number(),
            Some(&holder_pk),
            iat,
            nbf,
            exp,
            &mut rng,
        )?;
        let valid = raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?;
        let mut c = w.case(
            "id-card-p256-issuer-valid",
            "An ID card signed by a P-256 issuer key (low S, as every signer writes it)",
            valid,
            now,
        )?;
        c.trust_list = trust_bytes.clone();
        c.policy.status = "lenient";
        cases.push(c);
        let mut forged = cred.clone();
        let at = forged.len() - 64;
        let twin = p256_high_s_twin(&forged[at..])?;
        forged[at..].copy_from_slice(&twin);
        let mut c = w.case(
            "id-card-p256-issuer-high-s",
            "The same credential with the issuer's signature replaced by its high-S twin r ‖ (n − s): refused",
            raw_present(&forged, &ds, Some(w.holder.as_ref()), shown_at)?,
            now,
        )?
        .expect("invalid", "issuer_signature", "bad_issuer_signature");
        c.trust_list = trust_bytes;
        c.policy.status = "lenient";
        cases.push(c);
    }

    // One canonical disclosure order: ascending field id (§7).
    {
        let (cred, mut ds) = raw_credential(
            police_key.as_ref(),
            ID_CARD,
            &name_and_number(),
            Some(&holder_pk),
            iat,
            nbf,
            exp,
            &mut rng,
        )?;
        ds.reverse();
        cases.push(
            w.case(
                "id-card-disclosures-out-of-order",
                "Name (3) and ID number (8) disclosed as [8, 3], holder-signed (the transcript sorts ids anyway): refused, a presentation has one encoding",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "disclosures_out_of_order"),
        );
    }

    // Views: an unknown view id, a field outside the view (§5, §11).
    {
        let (payload, ds) = raw_payload(
            police_key.as_ref(),
            ID_CARD,
            &[(3, text("张三"))],
            Some(&holder_pk),
            (iat, nbf, exp),
            Some(99),
            &mut rng,
        );
        let cred = liangzheng::cose::Sign1::sign(&payload, None, police_key.as_ref()).map_err(e)?;
        cases.push(
            w.case(
                "id-card-unknown-view",
                "A police-signed credential naming view 99, which the ID card type does not define",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "unknown_view"),
        );
        let (payload, ds) = raw_payload(
            police_key.as_ref(),
            ID_CARD,
            &[(3, text("张三")), (6, days("1990-03-07"))],
            Some(&holder_pk),
            (iat, nbf, exp),
            Some(2),
            &mut rng,
        );
        let cred = liangzheng::cose::Sign1::sign(&payload, None, police_key.as_ref()).map_err(e)?;
        cases.push(
            w.case(
                "id-card-field-not-in-view",
                "View 2 (name_only) with a signed birth-date disclosure: the field is the type's but not the view's",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "disclosures", "field_not_in_view"),
        );
    }

    // exp is exclusive: expired from exp + skew on (§5, §7).
    {
        let (cred, ds) = raw_credential(
            police_key.as_ref(),
            ID_CARD,
            &[(3, text("张三"))],
            Some(&holder_pk),
            iat,
            nbf,
            Some(now.minus(30)),
            &mut rng,
        )?;
        cases.push(
            w.case(
                "id-card-expired-at-exp-plus-skew",
                "exp = now − 30 s with a 30 s skew: now = exp + skew, the first second the card is expired (exp is exclusive)",
                raw_present(&cred, &ds, Some(w.holder.as_ref()), shown_at)?,
                now,
            )?
            .expect("invalid", "validity", "expired"),
        );
    }

    // Status lists with bits other than 1, 2, 4, 8 (§9).
    {
        let good = &w.status_lists(now, &[], &[])?[0];
        let sign1 = liangzheng::cose::Sign1::parse(
            good,
            1 << 20,
            Some(liangzheng::status::STATUS_LIST_TYP),
        )
        .map_err(e)?;
        let claims = cbor::decode_strict(&sign1.payload, 1 << 20).map_err(e)?;
        let Value::Map(entries) = claims else {
            return Err("status claims are a map".into());
        };
        let entries = entries
            .into_iter()
            .map(|(k, v)| match (read::int(&k), v) {
                (Some(65533), Value::Map(list)) => (
                    k,
                    Value::Map(
                        list.into_iter()
                            .map(|(lk, lv)| {
                                if lk == text("bits") {
                                    (lk, read::u(3))
                                } else {
                                    (lk, lv)
                                }
                            })
                            .collect(),
                    ),
                ),
                (_, v) => (k, v),
            })
            .collect();
        let token = liangzheng::cose::Sign1::sign(
            &cbor::encode(&Value::Map(entries)),
            Some(liangzheng::status::STATUS_LIST_TYP),
            w.police().signer_ref(),
        )
        .map_err(e)?;
        let identity = w
            .wallet(w.id_card(&demo::id_card_claims())?)?
            .present(0, &["name", "id_number"], shown_at)
            .map_err(e)?;
        let mut c = w.case(
            "id-card-status-list-bits-3",
            "The police status list, correctly signed, says bits = 3 (only 1, 2, 4, 8 are defined): indeterminate (status_list_invalid), never revoked or valid",
            identity,
            now,
        )?;
        c.status_lists[0] = token;
        cases.push(c.expect("indeterminate", "status", "status_list_invalid"));
    }
    Ok(())
}
