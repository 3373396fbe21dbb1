//! Size report (not timed): for each built-in license type and a typical set
//! of disclosed fields, the presentation's CBOR bytes, its QR text length and
//! the QR version it needs at ECC L/M/Q, comparing a presentation of the full
//! credential with one of the smallest issuer-signed view that covers the
//! fields (what `Wallet::present` picks).
//!
//! `cargo bench -p liangzheng --bench size_report` prints a Markdown table.
//! Reference (DESIGN.md): EU DCC median 368 B COSE, 555 QR characters,
//! version 15 at ECC M — without selective disclosure or holder binding.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use liangzheng::credential::Credential;
use liangzheng::presentation::Presentation;
use liangzheng::qr::{self, Ecc};
use liangzheng::wallet::Wallet;

struct Row {
    ty: &'static str,
    fields: String,
    form: String,
    bound: bool,
    digests: usize,
    body: Vec<u8>,
    text: String,
}

fn row(ty: &'static str, fields: &[&str], bound: bool, text: String) -> Row {
    let payload = qr::decode_text(&text).unwrap();
    let p = Presentation::parse(&payload.body).unwrap();
    let cred = Credential::parse(&p.credential).unwrap();
    let form = match cred.view {
        Some(v) => format!("view {v}"),
        None => "full".into(),
    };
    Row {
        ty,
        fields: fields.join(", "),
        form,
        bound,
        digests: cred.digests.len(),
        body: payload.body,
        text,
    }
}

fn main() {
    // `cargo test --benches` runs this too; the table is cheap, so print it always.
    let cases: [(&str, &'static str, Vec<&str>, bool); 8] = [
        (ID_CARD, "居民身份证", vec!["name"], true),
        (ID_CARD, "居民身份证", vec!["name", "id_number"], true),
        (
            ID_CARD,
            "居民身份证",
            vec!["name", "id_number", "birth_date"],
            true,
        ),
        (ID_CARD, "居民身份证", vec![], true),
        (
            BUSINESS,
            "营业执照",
            vec!["uscc", "name", "legal_rep"],
            false,
        ),
        (BUSINESS, "营业执照", vec![], false),
        (HEALTH, "健康证明", vec!["name", "category"], true),
        (HEALTH, "健康证明", vec![], true),
    ];
    // Stored credential sizes per type (what the wallet keeps, before any presentation).
    println!("| type | holder-bound | full credential bytes | view credential bytes | disclosures (full) | stored license bytes |");
    println!("|---|---|---:|---|---:|---:|");
    for (code, label, bound) in [
        (ID_CARD, "居民身份证", true),
        (BUSINESS, "营业执照", false),
        (HEALTH, "健康证明", true),
    ] {
        let phone = holder(0);
        let license = issue(code, bound.then_some(phone.as_ref()));
        let views: Vec<String> = license
            .views
            .iter()
            .map(|v| format!("view {}: {}", v.view_id, v.credential.len()))
            .collect();
        println!(
            "| {label} | {} | {} | {} | {} ({} bytes) | {} |",
            if bound { "yes" } else { "no" },
            license.credential.len(),
            views.join(", "),
            license.disclosures.len(),
            license.disclosures.iter().map(Vec::len).sum::<usize>(),
            license.to_bytes().len()
        );
    }
    println!();
    let mut rows = Vec::new();
    for (code, label, fields, bound) in cases {
        let all = field_keys(code);
        let fields: Vec<&str> = if fields.is_empty() {
            // "all": every field the holder can disclose (the identifier and number included).
            all.iter().map(String::as_str).collect()
        } else {
            fields
        };
        let phone = holder(0);
        let license = issue(code, bound.then_some(phone.as_ref()));
        let mut wallet = Wallet::new(phone.clone());
        let i = wallet.add(license.clone()).unwrap();
        let shown = if fields.len() == all.len() {
            vec!["all fields".to_string()]
        } else {
            vec![]
        };
        let mut push = |r: Row| {
            let mut r = r;
            if let Some(s) = shown.first() {
                r.fields = s.clone();
            }
            rows.push(r);
        };
        let full = present_full(&license, code, &fields, bound.then_some(phone.as_ref()));
        push(row(label, &fields, bound, full));
        let picked = wallet.present(i, &fields, NOW).unwrap();
        let r = row(label, &fields, bound, picked);
        if r.form != "full" {
            push(r);
        }
    }

    println!("| type | disclosed | credential | holder-bound | digests | CBOR bytes | QR text chars | QR version L / M / Q |");
    println!("|---|---|---|---|---:|---:|---:|---|");
    for r in &rows {
        let v = |e| qr::qr_version(&r.text, e).map_or("—".to_string(), |v| v.to_string());
        println!(
            "| {} | {} | {} | {} | {} | {} | {}{} | {} / {} / {} |",
            r.ty,
            r.fields,
            r.form,
            if r.bound { "yes" } else { "no" },
            r.digests,
            r.body.len(),
            r.text.len(),
            if r.text.starts_with("LZ1PZ:") {
                " (zlib)"
            } else {
                ""
            },
            v(Ecc::L),
            v(Ecc::M),
            v(Ecc::Q),
        );
    }

    // Where the bytes go, for the budget case (ID card, name + ID number, holder-bound).
    if let Some(r) = rows
        .iter()
        .find(|r| r.ty == "居民身份证" && r.fields == "name, id_number" && r.form != "full")
    {
        let p = Presentation::parse(&r.body).unwrap();
        let cred = Credential::parse(&p.credential).unwrap();
        let disclosures: usize = p.disclosures.iter().map(Vec::len).sum();
        let without_proof = Presentation {
            proof: None,
            ..p.clone()
        }
        .to_bytes()
        .len();
        println!(
            "\nBreakdown of the budget case ({}, {} bytes):",
            r.form,
            r.body.len()
        );
        println!("- credential (COSE_Sign1): {} bytes, of which payload {} bytes ({} digests of 16 bytes)",
            p.credential.len(), cred.sign1.payload.len(), cred.digests.len());
        println!(
            "- disclosures: {} bytes in {} items",
            disclosures,
            p.disclosures.len()
        );
        println!(
            "- holder proof (time, lifetime, signature): {} bytes",
            r.body.len() - without_proof + 1
        );
    }

    // The SM2 + SM3 suite: the same ID-card budget case, SM2 issuer and SM2 holder.
    let phone = sm2_holder(0);
    let license = issue_sm2(ID_CARD, Some(phone.as_ref()));
    let mut wallet = Wallet::new(phone.clone());
    let i = wallet.add(license).unwrap();
    let sm2 = row(
        "居民身份证 (SM2 + SM3)",
        &["name", "id_number"],
        true,
        wallet.present(i, &["name", "id_number"], NOW).unwrap(),
    );
    let ed = rows
        .iter()
        .find(|r| r.ty == "居民身份证" && r.fields == "name, id_number" && r.form != "full");
    let v = |r: &Row, e| qr::qr_version(&r.text, e).map_or("—".to_string(), |v| v.to_string());
    println!(
        "\n| suite | disclosed | credential | CBOR bytes | QR text chars | QR version L / M / Q |"
    );
    println!("|---|---|---|---:|---:|---|");
    for (suite, r) in [("Ed25519 + SHA-256", ed), ("SM2 + SM3", Some(&sm2))] {
        if let Some(r) = r {
            println!(
                "| {suite} | {} | {} | {} | {} | {} / {} / {} |",
                r.fields,
                r.form,
                r.body.len(),
                r.text.len(),
                v(r, Ecc::L),
                v(r, Ecc::M),
                v(r, Ecc::Q)
            );
        }
    }
}
