//! Vectors of the SM2 + SM3 suite (issue 10): an ID card issued by an SM2 key,
//! presented with an SM2 holder key, trusted through an SM2 root-signed trust
//! list and checked against SM2-signed status lists; and every failure that
//! depends on the algorithm (bad issuer or holder signature, a key of one
//! algorithm named for a signature of the other in both directions, encodings
//! that are not the canonical ones).
//!
//! RustCrypto `sm2` signs with an RFC 6979 nonce (HMAC-SM3 over the key and the
//! message digest), so SM2 signatures, like Ed25519 ones, are a function of
//! the key and the message: the files are as reproducible as the others.

use std::sync::Arc;

use liangzheng::alg::PublicKey;
use liangzheng::credential::{IssuedLicense, Issuer};
use liangzheng::holder::{DeviceSigner, Sm2DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerSigner, KeyError, KeyId, Sm2IssuerKey};
use liangzheng::presentation::Presentation;
use liangzheng::qr::{self, QrKind};
use liangzheng::status::{list_uri, StatusList, StatusToken, StatusValue};
use liangzheng::time::UnixTime;
use liangzheng::trust::TrustStore;
use liangzheng::wallet::Wallet;

use super::{e, raw_present, Case, Res, World};
use crate::demo::{self, AUTHORITIES};

/// The SM2 side of the world: the demo's SM2 root (the same label as `lz demo`'s
/// SM2 section), the police's SM2 key, the SM2-signed trust list naming it,
/// and 张三's SM2 phone key.
struct Sm2World {
    root: Arc<Sm2IssuerKey>,
    key: Arc<Sm2IssuerKey>,
    police: Issuer,
    trust_bytes: Vec<u8>,
    holder: Arc<Sm2DeviceSigner>,
}

impl Sm2World {
    fn new() -> Res<Self> {
        let police = &AUTHORITIES[0];
        let root = demo::sm2_key("root: 山东省一体化政务服务平台 (SM2)");
        let key = demo::sm2_key(&format!("{} (SM2)", police.label));
        let mut entry = demo::trusted(police);
        entry.public_key = key.public_key();
        let trust = TrustStore {
            issuers: vec![entry],
            ..demo::trust_store()
        };
        let trust_bytes = trust.sign(root.as_ref()).map_err(e)?;
        Ok(Sm2World {
            police: Issuer::new(
                key.clone(),
                police.name_zh,
                Uscc::parse(police.code).map_err(e)?,
            ),
            root,
            key,
            trust_bytes,
            holder: demo::holder_sm2("张三的手机 (SM2 安全芯片)"),
        })
    }

    /// The police's list 1 signed by its SM2 key one hour before `now`, TTL one
    /// day, with `revoked` set to 吊销/注销 (invalid).
    fn status_list(&self, now: UnixTime, revoked: &[usize]) -> Res<Vec<u8>> {
        let mut list = StatusList::new(1024, 2).map_err(e)?;
        for r in revoked {
            list.set_status(*r, StatusValue::Invalid).map_err(e)?;
        }
        StatusToken::sign(
            &list,
            &list_uri(AUTHORITIES[0].code, 1),
            now.minus(3600),
            Some(86_400),
            None,
            self.key.as_ref(),
        )
        .map_err(e)
    }

    /// A case in the SM2 world: SM2 root pinned, SM2 trust list, SM2 status list.
    fn case(
        &self,
        w: &World,
        name: &str,
        description: &str,
        qr_text: String,
        now: UnixTime,
    ) -> Res<Case> {
        let mut c = w.case(name, description, qr_text, now)?;
        c.trust_list = self.trust_bytes.clone();
        c.root_public_key = self.root.public_key();
        c.status_lists = vec![self.status_list(now, &[])?];
        Ok(c)
    }

    /// 张三's demo ID card issued by `issuer` a day before `now`, bound to the SM2 holder key.
    fn id_card(&self, issuer: &Issuer, now: UnixTime, label: &str) -> Res<(IssuedLicense, Wallet)> {
        let license = issuer
            .issue_with_rng(
                &demo::id_card_claims(),
                Some(&self.holder.public_key()),
                now.minus(86_400),
                &mut demo::rng(label),
            )
            .map_err(e)?;
        let mut wallet = Wallet::new(self.holder.clone());
        wallet.add(license.clone()).map_err(e)?;
        Ok((license, wallet))
    }
}

/// The SM2 world's public keys for `keys.json`: the SM2 root and the police's SM2 key.
pub(super) fn keys_json() -> Res<serde_json::Value> {
    let s = Sm2World::new()?;
    let key = |k: &Sm2IssuerKey| {
        serde_json::json!({"kid": k.key_id().to_hex(),
            "public_key": liangzheng::b64::encode(k.public_key().as_bytes()),
            "alg": k.public_key().cose_alg()})
    };
    let mut police = key(&s.key);
    police["name"] = AUTHORITIES[0].name_zh.into();
    police["code"] = AUTHORITIES[0].code.into();
    police["types"] = AUTHORITIES[0].types.into();
    Ok(serde_json::json!({
        "note": "Root and issuer of the sm2-* vectors (SM2 + SM3 suite; SM3 key ids).",
        "root": key(&s.root),
        "issuers": [police],
        "holder": {"public_key": liangzheng::b64::encode(s.holder.public_key().as_bytes()),
                   "alg": s.holder.public_key().cose_alg()},
    }))
}

/// A signer that names another key's id in its headers: how a forger points a
/// verifier at a trusted key of a different algorithm than the one that
/// really signed. The algorithm stays the signing key's own.
struct UnderKid {
    inner: Arc<dyn IssuerSigner>,
    kid: KeyId,
}

impl IssuerSigner for UnderKid {
    fn public_key(&self) -> PublicKey {
        self.inner.public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        self.inner.sign(message)
    }

    fn key_id(&self) -> KeyId {
        self.kid
    }
}

/// Raw r‖s (64 bytes) → the DER `SEQUENCE { INTEGER r, INTEGER s }` OpenSSL emits.
fn der_signature(raw: &[u8]) -> Res<Vec<u8>> {
    if raw.len() != 64 {
        return Err(format!("SM2 signature of {} bytes", raw.len()));
    }
    let int = |x: &[u8]| {
        let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
        let mut out = vec![0x02];
        if x.first().is_some_and(|b| b & 0x80 != 0) {
            out.push((x.len() + 1) as u8);
            out.push(0);
        } else {
            out.push(x.len() as u8);
        }
        out.extend(x);
        out
    };
    let body = [int(&raw[..32]), int(&raw[32..])].concat();
    Ok([vec![0x30, body.len() as u8], body].concat())
}

/// Replaces the signature of a COSE_Sign1 (tag 18, four-element array).
fn with_signature(sign1: &[u8], signature: Vec<u8>) -> Res<Vec<u8>> {
    use ciborium::value::Value;
    let value: Value = ciborium::from_reader(sign1).map_err(e)?;
    let Value::Tag(18, inner) = value else {
        return Err("not a tagged COSE_Sign1".into());
    };
    let Value::Array(mut parts) = *inner else {
        return Err("COSE_Sign1 is not an array".into());
    };
    if parts.len() != 4 {
        return Err("COSE_Sign1 without four members".into());
    }
    parts[3] = Value::Bytes(signature);
    Ok(liangzheng::cbor::encode(&Value::Tag(
        18,
        Box::new(Value::Array(parts)),
    )))
}

/// Appends the SM2 suite's cases.
pub(super) fn sm2_cases(w: &World, cases: &mut Vec<Case>) -> Res<()> {
    let s = Sm2World::new()?;
    let now = demo::DEMO_NOW;
    let shown_at = now.minus(5);
    let (license, wallet) = s.id_card(&s.police, now, "vectors: SM2 id card")?;
    let identity = wallet
        .present(0, &["name", "id_number"], shown_at)
        .map_err(e)?;
    let view = license
        .views
        .first()
        .ok_or("SM2 ID card without an identity view")?
        .clone();

    cases.push(s.case(
        w,
        "sm2-id-card-identity-view-valid",
        "SM2 + SM3 suite end to end: ID card issued by the police's SM2 key (SM3 disclosure digests and key id), \
         shown through the 'identity' view by the holder's SM2 key, SM2 root-signed trust list, SM2-signed status list",
        identity.clone(),
        now,
    )?);
    {
        let mut c = s.case(
            w,
            "sm2-id-card-revoked",
            "SM2 ID card whose index (42) is revoked in the police's SM2-signed status list",
            identity.clone(),
            now,
        )?;
        c.status_lists = vec![s.status_list(now, &[42])?];
        cases.push(c.expect("invalid", "status", "revoked"));
    }
    {
        let mut bad = view.credential.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x80;
        cases.push(
            s.case(
                w,
                "sm2-id-card-bad-issuer-signature",
                "One bit of the SM2 issuer signature (s) flipped",
                raw_present(
                    &bad,
                    &view.disclosures,
                    Some(s.holder.as_ref() as &dyn DeviceSigner),
                    shown_at,
                )?,
                now,
            )?
            .expect("invalid", "issuer_signature", "bad_issuer_signature"),
        );
        let thief = demo::holder_sm2("holder: someone else (SM2)");
        cases.push(
            s.case(
                w,
                "sm2-id-card-bad-holder-signature",
                "Someone else's SM2 phone key signs the presentation of a credential bound to 张三's SM2 key",
                raw_present(&view.credential, &view.disclosures, Some(thief.as_ref() as &dyn DeviceSigner), shown_at)?,
                now,
            )?
            .expect("invalid", "holder_signature", "bad_holder_signature"),
        );
    }
    // A key of one algorithm never verifies a signature of the other: the
    // header names the trusted key's id, the signature is the other algorithm's.
    {
        let ed_police = demo::issuer_key(AUTHORITIES[0].label);
        let forged = Issuer::new(
            Arc::new(UnderKid {
                inner: s.key.clone(),
                kid: ed_police.key_id(),
            }),
            AUTHORITIES[0].name_zh,
            Uscc::parse(AUTHORITIES[0].code).map_err(e)?,
        );
        let text = s
            .id_card(&forged, now, "vectors: SM2 under Ed25519 kid")?
            .1
            .present(0, &["name", "id_number"], shown_at)
            .map_err(e)?;
        // The Ed25519 world: the police's key is trusted as Ed25519.
        cases.push(
            w.case(
                "sm2-signature-under-ed25519-key",
                "An SM2 signature (header alg -66037) naming the kid of the police's trusted Ed25519 key: \
                 refused as key_algorithm_mismatch, never tried as Ed25519",
                text,
                now,
            )?
            .expect("invalid", "issuer_signature", "key_algorithm_mismatch"),
        );
        let forged = Issuer::new(
            Arc::new(UnderKid {
                inner: ed_police,
                kid: s.key.key_id(),
            }),
            AUTHORITIES[0].name_zh,
            Uscc::parse(AUTHORITIES[0].code).map_err(e)?,
        );
        let text = s
            .id_card(&forged, now, "vectors: Ed25519 under SM2 kid")?
            .1
            .present(0, &["name", "id_number"], shown_at)
            .map_err(e)?;
        cases.push(
            s.case(
                w,
                "ed25519-signature-under-sm2-key",
                "An Ed25519 signature (header alg -19) naming the kid of the police's trusted SM2 key: \
                 refused as key_algorithm_mismatch",
                text,
                now,
            )?
            .expect("invalid", "issuer_signature", "key_algorithm_mismatch"),
        );
        // A status list signed by the Ed25519 key under the SM2 key's id.
        let mut c = s.case(
            w,
            "sm2-status-list-signed-by-ed25519-key",
            "The police's status list signed by its Ed25519 key but naming the trusted SM2 key's id: \
             the list is refused (indeterminate), never read",
            identity.clone(),
            now,
        )?;
        c.status_lists = vec![StatusToken::sign(
            &StatusList::new(1024, 2).map_err(e)?,
            &list_uri(AUTHORITIES[0].code, 1),
            now.minus(3600),
            Some(86_400),
            None,
            &UnderKid {
                inner: demo::issuer_key(AUTHORITIES[0].label),
                kid: s.key.key_id(),
            },
        )
        .map_err(e)?];
        cases.push(c.expect("indeterminate", "status", "status_list_invalid"));
    }
    // Encodings that are not the canonical ones.
    {
        let p = Presentation::parse(&qr::decode_text(&identity).map_err(e)?.body).map_err(e)?;
        let mut bytes = p.to_bytes();
        bytes.splice(0..1, [0x98, 0x03]);
        cases.push(
            s.case(
                w,
                "sm2-cbor-not-deterministic",
                "An SM2 presentation whose array length is encoded in two bytes instead of one",
                qr::encode_text(QrKind::Presentation, &bytes),
                now,
            )?
            .expect("invalid", "format", "malformed_credential"),
        );
        let sig = liangzheng::cose::Sign1::parse(&view.credential, 8192, None).map_err(e)?;
        let der = with_signature(&view.credential, der_signature(sig.signature())?)?;
        cases.push(
            s.case(
                w,
                "sm2-issuer-signature-der-encoded",
                "The SM2 issuer signature carried as DER SEQUENCE{r, s} (OpenSSL's form) instead of raw r||s: refused",
                raw_present(&der, &view.disclosures, Some(s.holder.as_ref() as &dyn DeviceSigner), shown_at)?,
                now,
            )?
            .expect("invalid", "issuer_signature", "bad_issuer_signature"),
        );
    }
    Ok(())
}
