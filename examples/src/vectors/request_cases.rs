//! Request vectors (`test-vectors/requests/`): what a wallet decides about a
//! request (verified / unverified verifier, or refused), and what a counter
//! decides about a sequence of scans answering its request (single-use
//! nonces). Format `liangzheng-request-vector`, see test-vectors/README.md.

use ciborium::value::Value;
use liangzheng::alg::{PublicKey, SignatureAlgorithm};
use liangzheng::b64;
use liangzheng::cbor;
use liangzheng::cose::Sign1;
use liangzheng::keys::{IssuerSigner, P256IssuerKey};
use liangzheng::qr::{self, QrKind};
use liangzheng::registration::{Grant, Registration};
use liangzheng::request::{ReceivedRequest, Request, RequestPolicy, VerifierIdentity, REQUEST_TYP};
use liangzheng::time::UnixTime;
use liangzheng::wallet::Wallet;
use serde_json::{json, Value as Json};

use super::{e, PolicyJson, Res, World};
use crate::demo::{self, DEMO_NOW, ID_CARD};

/// `format` of a request vector.
pub const REQUEST_VECTOR_FORMAT: &str = "liangzheng-request-vector";

const PSB_ID: &str = "11370000004307400X";
const PSB_ZH: &str = "山东省公安厅";
const PSB_EN: &str = "Shandong Provincial Public Security Department";
const PURPOSE: &str = "办理户籍业务：核验身份";

fn registration(key: &dyn IssuerSigner, now: UnixTime) -> Registration {
    Registration {
        verifier_id: PSB_ID.into(),
        name_zh: PSB_ZH.into(),
        name_en: PSB_EN.into(),
        grants: vec![Grant {
            type_code: ID_CARD.into(),
            fields: vec![3, 8],
        }],
        not_before: now.minus(30 * 86_400).0,
        not_after: now.plus(335 * 86_400).0,
        public_key: key.public_key(),
        issued_at: now.minus(30 * 86_400).0,
    }
}

fn request(label: &str, fields: Vec<u32>, time: UnixTime, reg: Option<&[u8]>) -> Res<Request> {
    let r = Request::new(
        PSB_ID,
        PSB_ZH,
        PURPOSE,
        ID_CARD,
        fields,
        time,
        &mut demo::rng(label),
    )
    .map_err(e)?;
    Ok(match reg {
        Some(b) => r.with_registration(b.to_vec()),
        None => r,
    })
}

/// One wallet case before it is checked.
struct WalletCase {
    name: &'static str,
    description: &'static str,
    body: Vec<u8>,
    now: UnixTime,
    root: PublicKey,
    /// (request_error, verifier, unverified_reason, display_name_zh)
    expected: (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    ),
}

fn wallet_json(c: &WalletCase) -> Json {
    json!({
        "format": REQUEST_VECTOR_FORMAT,
        "version": 1,
        "kind": "wallet",
        "name": c.name,
        "description": c.description,
        "input": {
            "request_qr_text": qr::encode_text(QrKind::Request, &c.body),
            "now": c.now.0,
            "root_public_key": b64::encode(c.root.as_bytes()),
            "root_key_alg": c.root.cose_alg(),
            "policy": {"max_age_secs": 300, "skew_secs": 30},
        },
        "expected": {
            "request_error": c.expected.0,
            "verifier": c.expected.1,
            "unverified_reason": c.expected.2,
            "display_name_zh": c.expected.3,
        },
    })
}

/// Runs a wallet case through core: (request_error, verifier, unverified_reason, display_name_zh).
pub fn run_wallet_case(input: &Json) -> Res<Json> {
    let root_alg = SignatureAlgorithm::from_cose_id(input["root_key_alg"].as_i64().unwrap_or(-19))
        .ok_or("unknown root key algorithm")?;
    let root_bytes = input["root_public_key"]
        .as_str()
        .and_then(b64::decode)
        .ok_or("bad root key")?;
    let root = PublicKey::from_bytes(root_alg, &root_bytes).map_err(e)?;
    let p = &input["policy"];
    let policy = RequestPolicy {
        now: UnixTime(input["now"].as_u64().ok_or("now")?),
        max_age_secs: p["max_age_secs"].as_u64().ok_or("max_age_secs")?,
        skew_secs: p["skew_secs"].as_u64().ok_or("skew_secs")?,
    };
    let text = input["request_qr_text"].as_str().ok_or("request_qr_text")?;
    let body = qr::decode_text(text).map_err(e)?.body;
    let outcome = ReceivedRequest::parse(&body).and_then(|r| r.authenticate(Some(&root), &policy));
    Ok(match outcome {
        Err(err) => json!({"request_error": err.code(), "verifier": null,
                           "unverified_reason": null, "display_name_zh": null}),
        Ok(id) => {
            let reason = match &id {
                VerifierIdentity::Verified { .. } => None,
                VerifierIdentity::Unverified { reason, .. } => Some(reason.code()),
            };
            json!({
                "request_error": null,
                "verifier": if id.is_verified() { "verified" } else { "unverified" },
                "unverified_reason": reason,
                "display_name_zh": id.display_zh(),
            })
        }
    })
}

/// Runs a counter case through core: the (verdict, failing_check, error_code) of each scan, in order.
pub fn run_counter_case(input: &Json) -> Res<Json> {
    let (verifier, _) = match super::case_verifier(input)? {
        Ok(v) => v,
        Err(code) => return Err(format!("trust list refused: {code}")),
    };
    let mut out = Vec::new();
    for scan in input["scans"].as_array().ok_or("scans")? {
        let mut case_input = input.clone();
        case_input["now"] = scan["now"].clone();
        let (_, policy) = super::case_verifier(&case_input)?.map_err(|c| c.to_string())?;
        let report = verifier.verify_scan(scan["qr_text"].as_str().ok_or("qr_text")?, &policy);
        let (check, code) = report
            .first_problem()
            .map(|(k, err)| (k.code().to_string(), err.code().to_string()))
            .unwrap_or_default();
        out.push(json!({
            "verdict": serde_json::to_value(report.verdict).map_err(e)?,
            "failing_check": if check.is_empty() { Json::Null } else { check.into() },
            "error_code": if code.is_empty() { Json::Null } else { code.into() },
        }));
    }
    Ok(Json::Array(out))
}

fn finish_wallet(c: WalletCase) -> Res<(String, String)> {
    let json = wallet_json(&c);
    let got = run_wallet_case(&json["input"])?;
    if got != json["expected"] {
        return Err(format!(
            "{}: expected {}, core said {got}",
            c.name, json["expected"]
        ));
    }
    let text = serde_json::to_string_pretty(&json).map_err(e)? + "\n";
    Ok((format!("../requests/{}.json", c.name), text))
}

/// A request map built by hand (for texts [`Request::new`] refuses to make).
fn raw_request(name: &str, reg: &[u8], time: UnixTime) -> Vec<u8> {
    let i = |n: i64| Value::Integer(n.into());
    cbor::encode(&Value::Map(vec![
        (i(1), Value::Text(PSB_ID.into())),
        (i(2), Value::Text(name.into())),
        (i(3), Value::Text(PURPOSE.into())),
        (i(4), Value::Text(ID_CARD.into())),
        (i(5), Value::Array(vec![i(3), i(8)])),
        (i(6), Value::Bytes(vec![0x5a; 16])),
        (i(7), Value::Integer(time.0.into())),
        (i(8), Value::Bytes(reg.to_vec())),
    ]))
}

/// Every request vector, as (path relative to `cases/`, JSON text).
pub(super) fn generate(w: &World, wallet: &Wallet) -> Res<Vec<(String, String)>> {
    let now = DEMO_NOW;
    let root = w.root.public_key();
    let psb = demo::issuer_key("verifier: 山东省公安厅 request key");
    let reg = registration(psb.as_ref(), now)
        .sign(w.root.as_ref())
        .map_err(e)?;
    // A P-256 request key (RFC 6979 signatures: reproducible).
    let p256 = P256IssuerKey::from_scalar(&demo::seed("verifier: 山东省公安厅 P-256 request key"))
        .map_err(e)?;
    let reg_p256 = registration(&p256, now).sign(w.root.as_ref()).map_err(e)?;
    let signed = |r: &Request, key: &dyn IssuerSigner| r.to_signed_bytes(key).map_err(e);
    let wallet_case = |name, description, body, expected| WalletCase {
        name,
        description,
        body,
        now,
        root: root.clone(),
        expected,
    };
    let mut out = Vec::new();
    let mut cases = vec![
        wallet_case(
            "registered-request-verified",
            "A request signed by the key the root registered, embedding its registration, for granted fields: verified, shown with the registered name",
            signed(&request("rq: valid", vec![3, 8], now.minus(20), Some(&reg))?, psb.as_ref())?,
            (None, Some("verified"), None, Some(PSB_ZH)),
        ),
        wallet_case(
            "registered-request-es256-verified",
            "As registered-request-verified, with a P-256 (ES256) request key",
            signed(&request("rq: p256", vec![3], now.minus(20), Some(&reg_p256))?, &p256)?,
            (None, Some("verified"), None, Some(PSB_ZH)),
        ),
        wallet_case(
            "unsigned-request-unverified",
            "An unsigned request naming itself 山东省公安厅: shown as 未认证的核验方, never with the claimed name",
            request("rq: unsigned", vec![3, 8], now.minus(20), None)?.to_bytes(),
            (None, Some("unverified"), Some("unsigned"), Some("未认证的核验方")),
        ),
        WalletCase {
            now: now.plus(336 * 86_400),
            ..wallet_case(
                "registration-expired",
                "A registered request, fresh, read one day after the registration's not_after: unverified",
                signed(&request("rq: expired", vec![3, 8], now.plus(336 * 86_400).minus(20), Some(&reg))?, psb.as_ref())?,
                (None, Some("unverified"), Some("registration_expired"), Some("未认证的核验方")),
            )
        },
        wallet_case(
            "request-unregistered-key",
            "The genuine registration copied into a request signed by another key: unverified",
            signed(
                &request("rq: other key", vec![3, 8], now.minus(20), Some(&reg))?,
                demo::issuer_key("verifier: a phishing counter").as_ref(),
            )?,
            (None, Some("unverified"), Some("key_not_registered"), Some("未认证的核验方")),
        ),
        wallet_case(
            "registration-wrong-root",
            "A phishing counter's registration signed by its own 'root', claiming to be 山东省公安厅: unverified",
            {
                let rogue = demo::issuer_key("verifier: a phishing counter");
                let fake = registration(rogue.as_ref(), now)
                    .sign(demo::issuer_key("not the root").as_ref())
                    .map_err(e)?;
                signed(&request("rq: rogue", vec![3, 8], now.minus(20), Some(&fake))?, rogue.as_ref())?
            },
            (None, Some("unverified"), Some("registration_invalid"), Some("未认证的核验方")),
        ),
        wallet_case(
            "request-field-beyond-registration",
            "A registered verifier asks for 住址 (field 7), which its registration does not grant: refused",
            signed(&request("rq: beyond", vec![3, 7, 8], now.minus(20), Some(&reg))?, psb.as_ref())?,
            (Some("beyond_registration"), None, None, None),
        ),
        wallet_case(
            "request-stale",
            "A registered request made 331 s before the wallet's clock (limit 300 s + 30 s skew): refused",
            signed(&request("rq: stale", vec![3, 8], now.minus(331), Some(&reg))?, psb.as_ref())?,
            (Some("request_stale"), None, None, None),
        ),
        wallet_case(
            "request-from-future",
            "A registered request dated 31 s after the wallet's clock (skew 30 s): refused",
            signed(&request("rq: future", vec![3, 8], now.plus(31), Some(&reg))?, psb.as_ref())?,
            (Some("request_from_future"), None, None, None),
        ),
        wallet_case(
            "request-bidi-in-name",
            "A signed request whose verifier name holds U+202E RIGHT-TO-LEFT OVERRIDE: refused",
            Sign1::sign(
                &raw_request("山东省公安厅\u{202e}厅安公", &reg, now.minus(20)),
                Some(REQUEST_TYP),
                psb.as_ref(),
            )
            .map_err(e)?,
            (Some("unsafe_text"), None, None, None),
        ),
    ];
    cases.sort_by_key(|c| c.name);
    for c in cases {
        out.push(finish_wallet(c)?);
    }

    // Counter: two answers to one request; the second is refused.
    let req = request("rq: counter", vec![3, 8], now.minus(40), Some(&reg))?;
    let body = signed(&req, psb.as_ref())?;
    let received = ReceivedRequest::parse(&body).map_err(e)?;
    let first = wallet
        .respond(0, &received, &["name", "id_number"], now.minus(30))
        .map_err(e)?;
    let second = wallet
        .respond(0, &received, &["name", "id_number"], now.minus(20))
        .map_err(e)?;
    let policy = serde_json::to_value(PolicyJson::default()).map_err(e)?;
    let input = json!({
        "trust_list": b64::encode(&w.trust_bytes),
        "root_public_key": b64::encode(root.as_bytes()),
        "root_key_alg": root.cose_alg(),
        "status_lists": w.status_lists(now, &[], &[])?.iter().map(|s| b64::encode(s)).collect::<Vec<_>>(),
        "request": b64::encode(&body),
        "policy": policy,
        "scans": [
            {"qr_text": first, "now": now.minus(28).0},
            {"qr_text": second, "now": now.minus(18).0},
        ],
    });
    let expected = json!({"scans": [
        {"verdict": "valid", "failing_check": null, "error_code": null},
        {"verdict": "invalid", "failing_check": "request", "error_code": "nonce_already_used"},
    ]});
    let got = run_counter_case(&input)?;
    if got != expected["scans"] {
        return Err(format!("request-nonce-replayed: core said {got}"));
    }
    let json = json!({
        "format": REQUEST_VECTOR_FORMAT,
        "version": 1,
        "kind": "counter",
        "name": "request-nonce-replayed",
        "description": "A counter's request answered twice (two presentations, same nonce): the first is valid, the second refused as nonce_already_used (verify_scan, in order)",
        "input": input,
        "expected": expected,
    });
    out.push((
        "../requests/request-nonce-replayed.json".into(),
        serde_json::to_string_pretty(&json).map_err(e)? + "\n",
    ));
    Ok(out)
}
