//! Multi-frame vectors (`test-vectors/multiframe/`): an animated code as the
//! counter's camera delivers it (frame texts in scan order, with losses,
//! repeats, forgeries and frames of another code), the assembler's answer to
//! every frame, and the verification of what it assembled — a presentation
//! with a portrait (docs/FORMAT.md §6.3) or a 一照通 bundle (§15). Format
//! `liangzheng-frames-vector`, see test-vectors/README.md.
//!
//! These live in their own directory because their input is a frame sequence,
//! not one QR text: a runner of `cases/` never sees a kind it does not know.

use std::sync::Arc;

use ciborium::value::Value;
use liangzheng::alg::PublicKey;
use liangzheng::b64;
use liangzheng::bundle::Bundle;
use liangzheng::credential::{Claims, IssuedLicense};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::keys::IssuerSigner as _;
use liangzheng::qr::frames::{FrameAssembler, FrameEncoder, FrameStatus, RECOMMENDED_SYMBOL_SIZE};
use liangzheng::qr::{base45, QrKind};
use liangzheng::time::UnixTime;
use liangzheng::verify::{Policy, Report, Verifier, VerifyError};
use liangzheng::wallet::Wallet;
use rand_core::RngCore as _;
use serde_json::{json, Value as Json};

use super::{case_verifier, e, raw_credential, text, PolicyJson, Res, World};
use crate::demo::{
    self, Authority, AUTHORITIES, DEMO_NOW, HOTEL_USCC, ID_CARD, OTHER_USCC, PERMIT_AUTHORITIES,
    SYNTHETIC_FACE,
};

/// `format` of a multi-frame vector.
pub const FRAMES_VECTOR_FORMAT: &str = "liangzheng-frames-vector";

/// One case before it is run and written.
struct FramesCase {
    name: &'static str,
    description: &'static str,
    frames: Vec<String>,
    now: UnixTime,
    trust_list: Vec<u8>,
    root: PublicKey,
    status_lists: Vec<Vec<u8>>,
    /// What the generator means the case to show: the assembly result
    /// (`complete` or the last status), then the verdict and first error code
    /// of the presentation or bundle (bundle: of the member named, or the
    /// bundle's first problem).
    intent: (&'static str, Option<&'static str>, Option<&'static str>),
    /// For a refused portrait: the profile's failure code (§6.3).
    image: Option<&'static str>,
}

impl FramesCase {
    fn input(&self) -> Json {
        json!({
            "frames": self.frames,
            "now": self.now.0,
            "root_public_key": b64::encode(self.root.as_bytes()),
            "root_key_alg": self.root.cose_alg(),
            "trust_list": b64::encode(&self.trust_list),
            "status_lists": self.status_lists.iter().map(|s| b64::encode(s)).collect::<Vec<_>>(),
            "request": null,
            "policy": PolicyJson::default(),
        })
    }
}

fn status_code(s: &FrameStatus) -> &'static str {
    match s {
        FrameStatus::Accepted(_) => "accepted",
        FrameStatus::Duplicate(_) => "duplicate",
        FrameStatus::OtherCode(_) => "other_code",
        FrameStatus::Complete(_) => "complete",
        FrameStatus::AlreadyComplete => "already_complete",
        _ => "unknown_status",
    }
}

fn report_json(r: &Report) -> Res<Json> {
    let verdict = serde_json::to_value(r.verdict).map_err(e)?;
    let (check, code, image_error) = match r.first_problem() {
        None => (Json::Null, Json::Null, Json::Null),
        Some((k, err)) => {
            let image = match err {
                VerifyError::InvalidImage { error, .. } => {
                    serde_json::to_value(error).map_err(e)?["code"].clone()
                }
                _ => Json::Null,
            };
            (json!(k.code()), json!(err.code()), image)
        }
    };
    Ok(json!({
        "verdict": verdict,
        "failing_check": check,
        "error_code": code,
        "image_error": image_error,
        "fields": r.fields.iter().map(|f| json!({"key": f.key, "value": f.value_zh})).collect::<Vec<_>>(),
        "images": r.images.iter().map(|i| json!({
            "key": i.key,
            "media_type": i.media_type,
            "width": i.width,
            "height": i.height,
            "sha256": hex(&liangzheng::alg::DigestAlgorithm::Sha256.digest(&i.bytes)),
        })).collect::<Vec<_>>(),
    }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs a multi-frame case through the core assembler and verifier; returns
/// the `expected` object of the vector.
pub fn run_frames_case(input: &Json) -> Res<Json> {
    let (verifier, policy) = match case_verifier(input)? {
        Ok(v) => v,
        Err(code) => return Err(format!("trust list refused: {code}")),
    };
    let mut asm = FrameAssembler::new();
    let mut statuses = Vec::new();
    let mut payload = None;
    for f in input["frames"].as_array().ok_or("frames missing")? {
        let text = f.as_str().ok_or("frame is not a string")?;
        match asm.push(text) {
            Ok(FrameStatus::Complete(p)) => {
                statuses.push(json!("complete"));
                payload = Some(p);
                break;
            }
            Ok(s) => statuses.push(json!(status_code(&s))),
            Err(err) => statuses.push(json!(err.code())),
        }
    }
    let Some(p) = payload else {
        return Ok(json!({
            "statuses": statuses,
            "assembly": "incomplete",
            "kind": null,
            "presentation": null,
            "bundle": null,
        }));
    };
    let (kind, presentation, bundle) = match p.kind {
        QrKind::Presentation => (
            "presentation",
            report_json(&verifier.verify_payload(&p, &policy))?,
            Json::Null,
        ),
        QrKind::Bundle => (
            "bundle",
            Json::Null,
            bundle_json(&verifier, &p.body, &policy)?,
        ),
        _ => ("request", Json::Null, Json::Null),
    };
    Ok(json!({
        "statuses": statuses,
        "assembly": "complete",
        "kind": kind,
        "presentation": presentation,
        "bundle": bundle,
    }))
}

fn bundle_json(v: &Verifier, body: &[u8], policy: &Policy) -> Res<Json> {
    let r = v.verify_bundle(body, policy);
    let members = r
        .members
        .iter()
        .map(|m| {
            let own = report_json(&m.report)?;
            Ok(json!({
                "index": m.index,
                "verdict": serde_json::to_value(m.verdict).map_err(e)?,
                "same_subject": m.same_subject,
                "report": own,
            }))
        })
        .collect::<Res<Vec<_>>>()?;
    Ok(json!({
        "verdict": serde_json::to_value(r.verdict).map_err(e)?,
        "holder_signed": r.holder_signed,
        "subject_code": r.subject_code,
        "subject_name": r.subject_name,
        "problems": r.problems.iter().map(|p| {
            let mut j = serde_json::to_value(p).unwrap_or(Json::Null);
            j["code"] = json!(p.code());
            j.as_object_mut().map(|o| o.remove("detail"));
            j
        }).collect::<Vec<_>>(),
        "members": members,
    }))
}

/// What a run shows, for the generator's check against the case's intent.
fn summary(expected: &Json) -> (String, Option<String>, Option<String>) {
    let last = expected["statuses"]
        .as_array()
        .and_then(|s| s.last())
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let assembly = if expected["assembly"] == "complete" {
        "complete".to_string()
    } else {
        last
    };
    let s = |v: &Json| v.as_str().map(str::to_string);
    if !expected["presentation"].is_null() {
        let p = &expected["presentation"];
        return (assembly, s(&p["verdict"]), s(&p["error_code"]));
    }
    if !expected["bundle"].is_null() {
        let b = &expected["bundle"];
        let code = b["problems"]
            .get(0)
            .and_then(|p| s(&p["code"]))
            .or_else(|| {
                b["members"]
                    .as_array()
                    .and_then(|ms| ms.iter().find_map(|m| s(&m["report"]["error_code"])))
            });
        return (assembly, s(&b["verdict"]), code);
    }
    (assembly, None, None)
}

fn finish(c: FramesCase) -> Res<(String, String)> {
    let input = c.input();
    let expected = run_frames_case(&input)?;
    let got = summary(&expected);
    let want = (
        c.intent.0.to_string(),
        c.intent.1.map(str::to_string),
        c.intent.2.map(str::to_string),
    );
    if got != want {
        return Err(format!("{}: meant {want:?}, core says {got:?}", c.name));
    }
    if let Some(code) = c.image {
        let said = &expected["presentation"]["image_error"];
        if said != code {
            return Err(format!(
                "{}: meant image error {code}, core says {said}",
                c.name
            ));
        }
    }
    let j = json!({
        "format": FRAMES_VECTOR_FORMAT,
        "version": 1,
        "name": c.name,
        "description": c.description,
        "input": input,
        "expected": expected,
    });
    Ok((
        format!("../multiframe/{}.json", c.name),
        serde_json::to_string_pretty(&j).map_err(e)? + "\n",
    ))
}

/// Deterministic Fisher–Yates shuffle and loss from a labelled seed.
fn shuffle_and_drop(mut frames: Vec<String>, label: &str, loss_percent: u32) -> Vec<String> {
    let mut rng = demo::rng(label);
    for k in (1..frames.len()).rev() {
        frames.swap(k, rng.next_u32() as usize % (k + 1));
    }
    frames.retain(|_| rng.next_u32() % 100 >= loss_percent);
    frames
}

/// Frames `0..count` of `body`.
fn frames_of(kind: QrKind, body: &[u8], count: u32) -> Res<(FrameEncoder, Vec<String>)> {
    let enc = FrameEncoder::new(kind, body, RECOMMENDED_SYMBOL_SIZE).map_err(e)?;
    let frames = enc.frames(count).map_err(e)?;
    Ok((enc, frames))
}

/// Rewrites the bytes of a frame text (after its `LZ1F:` prefix).
fn edit_frame(text: &str, edit: impl FnOnce(&mut Vec<u8>)) -> Res<String> {
    let raw = text.strip_prefix("LZ1F:").ok_or("not a frame")?;
    let mut bytes = base45::decode(raw).map_err(e)?;
    edit(&mut bytes);
    Ok(format!("LZ1F:{}", base45::encode(&bytes)))
}

struct Bundles {
    trust_list: Vec<u8>,
    status_lists: Vec<Vec<u8>>,
    phone: Arc<Ed25519DeviceSigner>,
}

impl Bundles {
    fn new(w: &World, now: UnixTime) -> Res<Self> {
        let mut status_lists = w.status_lists(now, &[], &[])?;
        status_lists.extend(demo::bundle_status_tokens(now.minus(60), 86_400));
        Ok(Bundles {
            trust_list: demo::bundle_trust_store()
                .sign(w.root.as_ref())
                .map_err(e)?,
            status_lists,
            phone: demo::holder_ed25519("杭州示例酒店的手机"),
        })
    }

    fn issue(
        &self,
        a: &Authority,
        claims: &Claims,
        holder: Option<&dyn DeviceSigner>,
        label: &str,
    ) -> Res<IssuedLicense> {
        let key = holder.map(|h| h.public_key());
        demo::issuer(a)
            .issue_with_rng(
                claims,
                key.as_ref(),
                DEMO_NOW.minus(3600),
                &mut demo::rng(label),
            )
            .map_err(e)
    }

    /// The hotel's wallet: business license (0) and twelve permits (1–12).
    fn wallet(&self, bound: bool) -> Res<Wallet> {
        let mut w = Wallet::new(self.phone.clone());
        let holder: Option<&dyn DeviceSigner> = bound.then_some(self.phone.as_ref());
        w.add(self.issue(
            &AUTHORITIES[1],
            &demo::hotel_business_claims(),
            holder,
            "frames vectors: hotel business license",
        )?)
        .map_err(e)?;
        for (i, (a, c)) in demo::hotel_permit_claims(HOTEL_USCC)
            .into_iter()
            .enumerate()
        {
            w.add(self.issue(
                &PERMIT_AUTHORITIES[a],
                &c,
                holder,
                &format!("frames vectors: hotel permit {i}"),
            )?)
            .map_err(e)?;
        }
        Ok(w)
    }

    fn case(
        &self,
        w: &World,
        name: &'static str,
        description: &'static str,
        frames: Vec<String>,
        now: UnixTime,
        intent: (&'static str, Option<&'static str>, Option<&'static str>),
    ) -> FramesCase {
        FramesCase {
            name,
            description,
            frames,
            now,
            trust_list: self.trust_list.clone(),
            root: w.root.public_key(),
            status_lists: self.status_lists.clone(),
            intent,
            image: None,
        }
    }
}

const SHOWN: &[&str] = &["uscc", "name"];

fn members(n: usize) -> Vec<(usize, &'static [&'static str])> {
    (0..n).map(|i| (i, SHOWN)).collect()
}

/// A holder-signed portrait presentation built by hand around `jpeg` (the
/// issuer's own checks would refuse a hostile image): the police key signs a
/// credential with name, ID number and portrait, and the holder signs the
/// presentation of all three.
fn raw_portrait(w: &World, jpeg: &[u8], label: &str, shown_at: UnixTime) -> Res<Vec<u8>> {
    let mut rng = demo::rng(label);
    let (cred, disclosures) = raw_credential(
        w.police().signer(),
        ID_CARD,
        &[
            (3, text("张三")),
            (8, text("370102199003070016")),
            (10, Value::Bytes(jpeg.to_vec())),
        ],
        Some(&w.holder.public_key()),
        DEMO_NOW.minus(86_400),
        UnixTime::from_cst_date(demo::date("2020-05-12")),
        Some(UnixTime::from_cst_date(demo::date("2040-05-13"))),
        &mut rng,
    )?;
    let text = super::raw_present(&cred, &disclosures, Some(w.holder.as_ref()), shown_at)?;
    let payload = liangzheng::qr::decode_text(&text).map_err(e)?;
    Ok(payload.body)
}

/// JPEG segment offsets of the synthetic face: (offset of the `FF`, marker).
fn segments(jpeg: &[u8]) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let m = jpeg[i + 1];
        out.push((i, m));
        if m == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        i += 2 + len;
    }
    out
}

/// Generates every multi-frame case: `(path relative to cases/, contents)`.
pub(super) fn generate(w: &World) -> Res<Vec<(String, String)>> {
    let now = DEMO_NOW;
    let shown_at = now.minus(5);
    let mut cases = Vec::new();

    // ---------- portrait (§6.3) over frames (§14) ----------
    let mut rng = demo::rng("frames vectors: portrait id card");
    let card = w
        .police()
        .issue_with_rng(
            &demo::id_card_with_portrait_claims(),
            Some(&w.holder.public_key()),
            now.minus(86_400),
            &mut rng,
        )
        .map_err(e)?;
    let wallet = w.wallet(card)?;
    let portrait = wallet
        .present_bytes(0, &["name", "id_number", "portrait"], shown_at)
        .map_err(e)?;
    // One loop as the phone shows it: K source frames, then K repair frames.
    let enc =
        FrameEncoder::new(QrKind::Presentation, &portrait, RECOMMENDED_SYMBOL_SIZE).map_err(e)?;
    let k = enc.source_frames();
    let loop_frames2 = enc.frames(2 * k).map_err(e)?;
    let base = |name, description, frames, intent| FramesCase {
        name,
        description,
        frames,
        now,
        trust_list: w.trust_bytes.clone(),
        root: w.root.public_key(),
        status_lists: w.status_lists(now, &[], &[]).unwrap_or_default(),
        intent,
        image: None,
    };
    cases.push(base(
        "portrait-frames-source-in-order-valid",
        "张三's ID card: name, ID number and the synthetic 102x126 portrait (2,061-byte baseline JPEG), \
         holder-bound; the K source frames in order (systematic: the frames are the message)",
        loop_frames2[..k as usize].to_vec(),
        ("complete", Some("valid"), None),
    ));
    cases.push(base(
        "portrait-frames-shuffled-lossy-valid",
        "The same portrait presentation: one loop (K source + K repair frames) shuffled, 30% of the frames lost, \
         then the loop again shuffled: assembly needs RaptorQ decoding of repair frames",
        {
            let mut f = shuffle_and_drop(loop_frames2.clone(), "frames vectors: lossy portrait", 30);
            f.extend(shuffle_and_drop(loop_frames2.clone(), "frames vectors: lossy portrait 2", 30));
            f
        },
        ("complete", Some("valid"), None),
    ));
    cases.push(base(
        "portrait-frames-repair-only-valid",
        "The portrait presentation assembled from repair frames only (indexes K to 2K+3): nothing of the message itself",
        enc.frames(2 * k + 4)
            .map_err(e)?
            .split_off(k as usize),
        ("complete", Some("valid"), None),
    ));

    // Hostile images, each signed by the trusted police key with a valid holder proof.
    let segs = segments(SYNTHETIC_FACE);
    let sof = segs
        .iter()
        .find(|(_, m)| *m == 0xC0)
        .map(|(o, _)| *o)
        .ok_or("no SOF0 in the synthetic face")?;
    let after_app0 = segs
        .iter()
        .find(|(_, m)| *m != 0xE0)
        .map(|(o, _)| *o)
        .ok_or("no segment after APP0")?;
    let mut exif = SYNTHETIC_FACE[..after_app0].to_vec();
    let app1 = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0";
    exif.extend_from_slice(&[0xFF, 0xE1]);
    exif.extend_from_slice(&u16::try_from(app1.len() + 2).map_err(e)?.to_be_bytes());
    exif.extend_from_slice(app1);
    exif.extend_from_slice(&SYNTHETIC_FACE[after_app0..]);
    let mut progressive = SYNTHETIC_FACE.to_vec();
    progressive[sof + 1] = 0xC2;
    let mut wide = SYNTHETIC_FACE.to_vec();
    // SOF0: FF C0 Lh Ll P Yh Yl Xh Xl — width 400.
    wide[sof + 7..sof + 9].copy_from_slice(&400u16.to_be_bytes());
    let mut trailing = SYNTHETIC_FACE.to_vec();
    trailing.extend_from_slice(b"\xFF\xD8hidden\xFF\xD9");
    let truncated = SYNTHETIC_FACE[..SYNTHETIC_FACE.len() - 300].to_vec();
    let mut oversized = SYNTHETIC_FACE.to_vec();
    // A comment-free way to pass 3,072 bytes: more (valid) entropy data.
    let eoi = oversized.len() - 2;
    oversized.splice(eoi..eoi, std::iter::repeat_n(0x55, 1100));
    for (name, description, jpeg, image_code) in [
        (
            "portrait-exif-metadata-signed-by-trusted-key",
            "Portrait with an APP1 (EXIF) segment, signed by the trusted police key, valid holder proof: \
             the profile refuses metadata (invalid_image / metadata), no image is returned",
            exif,
            "metadata",
        ),
        (
            "portrait-progressive-signed-by-trusted-key",
            "Portrait whose frame header is progressive (SOF2), signed by the trusted key: unsupported_marker",
            progressive,
            "unsupported_marker",
        ),
        (
            "portrait-too-wide-signed-by-trusted-key",
            "Portrait whose SOF0 declares 400 pixels wide (profile: at most 160), signed by the trusted key: dimensions",
            wide,
            "dimensions",
        ),
        (
            "portrait-bytes-after-eoi-signed-by-trusted-key",
            "Portrait with more bytes after its EOI marker (FF D8 ... FF D9: the file still ends with EOI), signed by \
             the trusted key: the first EOI is an FF in the entropy data not followed by 00 or D0-D7, bad_entropy_data",
            trailing,
            "bad_entropy_data",
        ),
        (
            "portrait-truncated-signed-by-trusted-key",
            "Portrait cut 300 bytes before its end (no EOI), signed by the trusted key: truncated",
            truncated,
            "truncated",
        ),
        (
            "portrait-over-3072-bytes-signed-by-trusted-key",
            "Portrait of 3,161 bytes (profile: at most 3,072), signed by the trusted key: too_large, checked first",
            oversized,
            "too_large",
        ),
    ] {
        let body = raw_portrait(w, &jpeg, name, shown_at)?;
        let enc = FrameEncoder::new(QrKind::Presentation, &body, RECOMMENDED_SYMBOL_SIZE).map_err(e)?;
        let frames = enc.frames(enc.source_frames()).map_err(e)?;
        let mut c = base(
            name,
            description,
            frames,
            ("complete", Some("invalid"), Some("invalid_image")),
        );
        c.image = Some(image_code);
        cases.push(c);
    }

    // ---------- hostile frames (§14.4) ----------
    let src = loop_frames2[..k as usize].to_vec();
    {
        // A forged source frame (same header, other bytes): the message hash fails
        // when the set decodes; the assembler starts over and the genuine loop completes.
        let mut f = src.clone();
        f[3] = edit_frame(&src[3], |b| {
            let last = b.len() - 1;
            b[last] ^= 0x01;
        })?;
        f.extend(loop_frames2.iter().cloned());
        cases.push(base(
            "frames-forged-frame-hash-mismatch",
            "Frame 3 of the portrait code forged (one symbol byte changed, header intact): after K frames the \
             decoded message does not hash to the message id (hash_mismatch), everything is discarded, and the \
             genuine loop that follows assembles and verifies",
            f,
            ("complete", Some("valid"), None),
        ));
    }
    {
        // Cut and padded frames are rejected on their own; the rest assembles.
        let mut f = Vec::new();
        let cut = &src[2][..src[2].len() - 3];
        f.push(src[0].clone());
        f.push(cut.to_string());
        f.push(format!("{}000", src[4]));
        f.push(src[1][..40].to_string());
        f.push("LZ1F:".to_string());
        f.push(src[5][..src[5].len() - 1].to_string());
        f.extend(src[1..].iter().cloned());
        cases.push(base(
            "frames-truncated-and-padded-frames",
            "Frames cut by 2 bytes (3 Base45 characters), padded by 1 byte, cut inside the header, empty after the \
             prefix, and cut by one character (not Base45): each rejected with its code; the genuine frames assemble",
            f,
            ("complete", Some("valid"), None),
        ));
    }
    {
        // Frames of a second presentation interleaved: the assembler locks onto the first.
        let other_card = w.id_card_name_shown(
            w.police(),
            now.minus(7200),
            "frames vectors: other",
            shown_at,
        )?;
        let other_body = liangzheng::qr::decode_text(&other_card).map_err(e)?.body;
        let mut rng = demo::rng("frames vectors: second portrait");
        let card2 = w
            .police()
            .issue_with_rng(
                &demo::id_card_with_portrait_claims(),
                Some(&w.holder.public_key()),
                now.minus(80_000),
                &mut rng,
            )
            .map_err(e)?;
        let second = w
            .wallet(card2)?
            .present_bytes(0, &["name", "portrait"], shown_at)
            .map_err(e)?;
        let (_, b_frames) = frames_of(QrKind::Presentation, &second, 2 * k)?;
        let (_, c_frames) = frames_of(QrKind::Presentation, &other_body, 2)?;
        let mut f = Vec::new();
        for (i, a) in src.iter().enumerate() {
            f.push(a.clone());
            f.push(b_frames[(i * 7) % b_frames.len()].clone());
            if i % 5 == 0 {
                f.push(c_frames[i % c_frames.len()].clone());
            }
        }
        f.push(src[0].clone());
        cases.push(base(
            "frames-two-presentations-mixed",
            "Frames of two portrait presentations (and a third, small one) interleaved as two phones in view: \
             the assembler locks onto the first code, reports the others as other_code, and assembles only it",
            f,
            ("complete", Some("valid"), None),
        ));
    }
    {
        // Same index, other bytes; same id, other length.
        let mut f = vec![src[0].clone(), src[1].clone()];
        f.push(edit_frame(&src[1], |b| b[30] ^= 0x80)?);
        f.push(edit_frame(&src[2], |b| {
            let l = u32::from_be_bytes([b[16], b[17], b[18], b[19]]) - 1;
            b[16..20].copy_from_slice(&l.to_be_bytes());
        })?);
        f.push(edit_frame(&src[2], |b| {
            b[22..25].copy_from_slice(&[0x80, 0, 0])
        })?);
        f.push(edit_frame(&src[2], |b| b[20..22].copy_from_slice(&[0, 8]))?);
        f.push(edit_frame(&src[2], |b| {
            b[16..20].copy_from_slice(&[0, 1, 0, 1])
        })?);
        f.push(src[1].clone());
        f.extend(src[2..].iter().cloned());
        cases.push(base(
            "frames-conflicting-and-inconsistent-frames",
            "A second frame 1 with other bytes (conflicting_frame), frame 2 with the message length changed \
             (inconsistent_header), with a reserved index (bad_index), a symbol size of 8 (bad_symbol_size) and a \
             length of 65,537 (bad_message_length); the genuine frames assemble",
            f,
            ("complete", Some("valid"), None),
        ));
    }

    // ---------- 一照通 bundles (§15) over frames ----------
    let b = Bundles::new(w, now)?;
    let hotel = b.wallet(true)?;
    let body = hotel.present_bundle(&members(13), shown_at).map_err(e)?;
    let benc = FrameEncoder::new(QrKind::Bundle, &body, RECOMMENDED_SYMBOL_SIZE).map_err(e)?;
    let bloop = benc.frames(2 * benc.source_frames()).map_err(e)?;
    cases.push(b.case(
        w,
        "bundle-13-members-lossy-frames-valid",
        "A business license and its twelve permits (5 food, 5 hygiene, 2 special trade, from three departments) \
         of one hotel company, uscc and name shown, one holder signature; two shuffled loops with 30% lost",
        {
            let mut f = shuffle_and_drop(bloop.clone(), "frames vectors: bundle loop 1", 30);
            f.extend(shuffle_and_drop(bloop.clone(), "frames vectors: bundle loop 2", 30));
            f
        },
        now,
        ("complete", Some("valid"), None),
    ));
    let source_frames = |kind, body: &[u8]| -> Res<Vec<String>> {
        let enc = FrameEncoder::new(kind, body, RECOMMENDED_SYMBOL_SIZE).map_err(e)?;
        enc.frames(enc.source_frames()).map_err(e)
    };
    {
        let wall = b.wallet(false)?;
        let body = wall.present_bundle(&members(13), shown_at).map_err(e)?;
        cases.push(b.case(
            w,
            "bundle-static-wall-code-valid",
            "The same thirteen licenses issued static (no cnf): a wall bundle with no signature (proof null), \
             every member valid with the finding not_holder_bound",
            source_frames(QrKind::Bundle, &body)?,
            now,
            ("complete", Some("valid"), None),
        ));
    }
    {
        let mut w2 = b.wallet(true)?;
        let (a, c) = demo::hotel_permit_claims(OTHER_USCC).remove(3);
        let other = w2
            .add(b.issue(
                &PERMIT_AUTHORITIES[a],
                &c,
                Some(b.phone.as_ref()),
                "frames vectors: other company's permit",
            )?)
            .map_err(e)?;
        let mut m = members(13);
        m[4] = (other, SHOWN);
        let body = w2.present_bundle(&m, shown_at).map_err(e)?;
        cases.push(b.case(
            w,
            "bundle-member-of-another-subject",
            "Member 4 is a genuine hygiene permit of another company (other 统一社会信用代码), signed into the bundle \
             by the holder: that member is invalid (subject_mismatch), its own report is valid, the rest are valid",
            source_frames(QrKind::Bundle, &body)?,
            now,
            ("complete", Some("invalid"), Some("subject_mismatch")),
        ));
    }
    {
        let mut dropped = Bundle::parse(&body).map_err(e)?;
        dropped.members.remove(5);
        cases.push(b.case(
            w,
            "bundle-member-dropped-after-signing",
            "The holder-signed 13-member bundle with member 5 removed afterwards (and the frames re-made): the \
             transcript no longer matches, every member fails bad_holder_signature",
            source_frames(QrKind::Bundle, &dropped.to_bytes())?,
            now,
            ("complete", Some("invalid"), Some("bad_holder_signature")),
        ));
    }
    {
        let mut w2 = b.wallet(true)?;
        let (_, food) = demo::hotel_permit_claims(HOTEL_USCC).remove(0);
        let forged = w2
            .add(b.issue(
                &PERMIT_AUTHORITIES[3],
                &food,
                Some(b.phone.as_ref()),
                "frames vectors: street office food permit",
            )?)
            .map_err(e)?;
        let mut m = members(13);
        m.push((forged, SHOWN));
        let body = w2.present_bundle(&m, shown_at).map_err(e)?;
        cases.push(b.case(
            w,
            "bundle-permit-from-unauthorised-department",
            "A 14th member: a food business permit signed by a street office that the trust list authorises for \
             hygiene permits only: that member fails issuer_not_authorized_for_type, the other 13 are valid",
            source_frames(QrKind::Bundle, &body)?,
            now,
            ("complete", Some("invalid"), Some("issuer_not_authorized_for_type")),
        ));
    }
    {
        // A member bound to another phone's key: the one signature cannot verify
        // under it. No wallet makes this (it holds only its own key's licenses),
        // so the bundle is put together and signed by hand.
        let stranger = demo::holder_ed25519("another company's phone");
        let (a, c) = demo::hotel_permit_claims(HOTEL_USCC).remove(11);
        let mut sw = Wallet::new(stranger.clone());
        sw.add(b.issue(
            &PERMIT_AUTHORITIES[a],
            &c,
            Some(stranger.as_ref()),
            "frames vectors: permit bound to another key",
        )?)
        .map_err(e)?;
        let theirs =
            Bundle::parse(&sw.present_bundle(&members(1), shown_at).map_err(e)?).map_err(e)?;
        let mut mixed =
            Bundle::parse(&hotel.present_bundle(&members(12), shown_at).map_err(e)?).map_err(e)?;
        mixed.members.extend(theirs.members);
        let list: Vec<(&[u8], Vec<u32>)> = mixed
            .members
            .iter()
            .map(|m| {
                let ids = m
                    .disclosures
                    .iter()
                    .filter_map(|d| liangzheng::disclosure::Disclosure::parse(d).ok())
                    .map(|d| d.field_id)
                    .collect();
                (m.credential.as_slice(), ids)
            })
            .collect();
        let t = liangzheng::bundle::transcript(
            liangzheng::alg::DigestAlgorithm::Sha256,
            &list,
            shown_at,
            60,
        );
        mixed.proof = Some(liangzheng::bundle::BundleProof {
            time: shown_at,
            lifetime: 60,
            signature: b.phone.sign(&t).map_err(e)?,
        });
        let body = mixed.to_bytes();
        cases.push(b.case(
            w,
            "bundle-member-bound-to-another-key",
            "Member 12 is bound (cnf) to another phone's key; the bundle's one signature is the hotel phone's: \
             members 0-11 pass their holder signature, member 12 alone fails bad_holder_signature",
            source_frames(QrKind::Bundle, &body)?,
            now,
            ("complete", Some("invalid"), Some("bad_holder_signature")),
        ));
    }
    {
        let mut dup = Bundle::parse(&body).map_err(e)?;
        let again = dup.members[1].clone();
        dup.members.push(again);
        cases.push(b.case(
            w,
            "bundle-duplicate-member",
            "Member 1 repeated at the end after signing: duplicate_member (index 13), and the holder signature fails",
            source_frames(QrKind::Bundle, &dup.to_bytes())?,
            now,
            ("complete", Some("invalid"), Some("duplicate_member")),
        ));
    }
    {
        cases.push(b.case(
            w,
            "bundle-stale",
            "The valid 13-member bundle scanned 10 minutes after it was made: every member stale",
            source_frames(QrKind::Bundle, &body)?,
            now.plus(600),
            ("complete", Some("invalid"), Some("stale")),
        ));
    }

    cases.sort_by(|a, b| a.name.cmp(b.name));
    cases.into_iter().map(finish).collect()
}
