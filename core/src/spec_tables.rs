//! docs/FORMAT.md sections generated from the code (error codes, code tables).
//!
//! Each section sits between `<!-- generated:NAME -->` and
//! `<!-- /generated:NAME -->` in docs/FORMAT.md. The tests below rebuild the
//! section from the code and data and require the document to match, so the
//! spec cannot drift from what the verifier emits. After a deliberate change,
//! run `LZ_BLESS_FORMAT_MD=1 cargo test -p liangzheng --lib spec_tables` to
//! rewrite the sections, and review the diff.

use std::fmt::Write as _;

use crate::lang::Localized as _;
use crate::schema::{Registry, ValueKind};
use crate::verify::{CheckKind, VerifyError};

const FORMAT_MD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/FORMAT.md");

/// Every verification code: (check(s) that report it, outcome, a sample).
fn error_samples() -> Vec<(&'static str, &'static str, VerifyError)> {
    use VerifyError as E;
    let d = || "{detail}".to_string();
    vec![
        ("format", "failed", E::MalformedQr { detail: d() }),
        ("format", "failed", E::MalformedCredential { detail: d() }),
        ("format", "failed", E::UnsupportedAlgorithm),
        ("format", "failed", E::NotAPresentation),
        ("issuer_known", "failed", E::UnknownIssuer),
        ("issuer_known", "indeterminate", E::TrustListExpired),
        ("issuer_authorized", "failed", E::UnknownLicenseType),
        ("issuer_authorized", "failed", E::TypeNotAccepted),
        ("issuer_authorized", "failed", E::IssuerNotAuthorizedForType),
        ("issuer_authorized", "failed", E::KeyNotValidAtIssuance),
        ("issuer_signature", "failed", E::BadIssuerSignature),
        ("issuer_signature", "failed", E::KeyAlgorithmMismatch),
        ("validity", "failed", E::IssuedInFuture),
        ("validity", "failed", E::NotYetValid),
        ("validity", "failed", E::Expired),
        ("disclosures", "failed", E::UnknownView),
        ("disclosures", "failed", E::DisclosureNotSigned),
        ("disclosures", "failed", E::DuplicateDisclosure),
        ("disclosures", "failed", E::DisclosuresOutOfOrder),
        ("disclosures", "failed", E::UnknownField),
        ("disclosures", "failed", E::FieldNotInView),
        (
            "disclosures, fields",
            "failed",
            E::InvalidFieldValue {
                field: "{field}".into(),
                reason: "{reason}".into(),
            },
        ),
        (
            "disclosures",
            "failed",
            // The image's own error (§6.3) follows the colon; truncated as the sample.
            E::InvalidImage {
                field: "{field}".into(),
                error: crate::schema::ImageError::Truncated,
            },
        ),
        (
            "fields",
            "failed",
            E::RuleViolated {
                rule: "{rule}".into(),
            },
        ),
        ("fields", "failed", E::LicenseIdMismatch),
        ("holder_signature", "failed", E::HolderProofMissing),
        ("holder_signature", "failed", E::BadHolderSignature),
        ("holder_signature", "failed", E::NotHolderBound),
        ("holder_signature", "failed", E::HolderBindingRequiredByType),
        ("freshness", "failed", E::FromFuture),
        ("freshness", "failed", E::Stale),
        ("freshness", "indeterminate", E::AlreadyVerified { at: 0 }),
        ("request", "failed", E::NonceMismatch),
        ("request", "failed", E::NonceAlreadyUsed),
        ("request", "failed", E::RequestNotAnswered),
        ("request", "failed", E::RequestNotSatisfied),
        ("status", "failed", E::Revoked),
        ("status", "failed", E::Suspended),
        ("status", "indeterminate", E::StatusListMissing),
        ("status", "indeterminate", E::StatusListExpired),
        (
            "status",
            "indeterminate",
            E::StatusListInvalid { detail: d() },
        ),
        ("status", "indeterminate", E::StatusIndexOutOfRange),
        ("status", "indeterminate", E::StatusUnknown),
    ]
}

/// Exhaustive (no wildcard): a new variant does not compile until it is
/// given a number here, and the test then requires a sample of it.
fn variant_index(e: &VerifyError) -> usize {
    use VerifyError as E;
    match e {
        E::MalformedQr { .. } => 0,
        E::MalformedCredential { .. } => 1,
        E::UnsupportedAlgorithm => 2,
        E::NotAPresentation => 3,
        E::UnknownIssuer => 4,
        E::TrustListExpired => 5,
        E::UnknownLicenseType => 6,
        E::TypeNotAccepted => 7,
        E::IssuerNotAuthorizedForType => 8,
        E::KeyNotValidAtIssuance => 9,
        E::BadIssuerSignature => 10,
        E::KeyAlgorithmMismatch => 11,
        E::NotYetValid => 12,
        E::Expired => 13,
        E::IssuedInFuture => 14,
        E::DisclosureNotSigned => 15,
        E::DuplicateDisclosure => 16,
        E::UnknownField => 17,
        E::UnknownView => 18,
        E::FieldNotInView => 19,
        E::DisclosuresOutOfOrder => 20,
        E::InvalidFieldValue { .. } => 21,
        E::RuleViolated { .. } => 22,
        E::LicenseIdMismatch => 23,
        E::HolderProofMissing => 24,
        E::BadHolderSignature => 25,
        E::NotHolderBound => 26,
        E::HolderBindingRequiredByType => 27,
        E::Stale => 28,
        E::FromFuture => 29,
        E::AlreadyVerified { .. } => 30,
        E::NonceMismatch => 31,
        E::RequestNotAnswered => 32,
        E::RequestNotSatisfied => 33,
        E::Revoked => 34,
        E::Suspended => 35,
        E::StatusListMissing => 36,
        E::StatusListExpired => 37,
        E::StatusListInvalid { .. } => 38,
        E::StatusIndexOutOfRange => 39,
        E::StatusUnknown => 40,
        E::InvalidImage { .. } => 41,
        E::NonceAlreadyUsed => 42,
    }
}
const VARIANTS: usize = 43;

fn error_table() -> String {
    let mut out = String::from(
        "| code | check | outcome | 中文 message | English message |\n|---|---|---|---|---|\n",
    );
    for (check, outcome, e) in error_samples() {
        // `at` is shown as a CST clock time; 0 is 08:00:00.
        let fix = |s: std::borrow::Cow<'static, str>| s.replace("08:00:00", "hh:mm:ss");
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            e.code(),
            check,
            outcome,
            fix(e.zh()),
            fix(e.en())
        );
    }
    out
}

fn enum_tables() -> String {
    let registry = Registry::builtin();
    let mut out = String::new();
    let mut done: Vec<String> = Vec::new();
    for ty in registry.types() {
        for f in &ty.fields {
            let ValueKind::Enum { table, entries } = &f.kind else {
                continue;
            };
            if done.contains(table) {
                continue;
            }
            done.push(table.clone());
            let users: Vec<String> = registry
                .types()
                .iter()
                .flat_map(|t| {
                    t.fields.iter().filter_map(move |g| match &g.kind {
                        ValueKind::Enum { table: u, .. } if u == table => {
                            Some(format!("{} field {} {}", t.zh, g.id, g.zh))
                        }
                        _ => None,
                    })
                })
                .collect();
            let source = match table.as_str() {
                "sex" => " (GB/T 2261.1-2003)",
                "ethnicity" => " (GB/T 3304-1991, plus 97 and 98)",
                _ => " (`core/data/license-types.json`, `enums`)",
            };
            let _ = writeln!(out, "**`enum:{table}`**{source}: {}\n", users.join("; "));
            out.push_str("| code | 中文 | English |\n|---:|---|---|\n");
            for e in entries {
                let _ = writeln!(out, "| {} | {} | {} |", e.code, e.zh, e.en);
            }
            out.push('\n');
        }
    }
    out
}

/// Checks (or, with `LZ_BLESS_FORMAT_MD=1`, rewrites) one generated section.
fn check_section(name: &str, expected: &str) {
    // The tests run in parallel and may rewrite the same file: one at a time.
    static FILE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = FILE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let doc = std::fs::read_to_string(FORMAT_MD).expect("docs/FORMAT.md is readable");
    let begin = format!("<!-- generated:{name} -->\n");
    let end = format!("<!-- /generated:{name} -->");
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("FORMAT.md has no {begin:?} marker"))
        + begin.len();
    let stop = start
        + doc[start..]
            .find(&end)
            .unwrap_or_else(|| panic!("FORMAT.md has no {end:?} marker"));
    if &doc[start..stop] == expected {
        return;
    }
    if std::env::var_os("LZ_BLESS_FORMAT_MD").is_some() {
        let updated = format!("{}{}{}", &doc[..start], expected, &doc[stop..]);
        std::fs::write(FORMAT_MD, updated).expect("write docs/FORMAT.md");
        return;
    }
    panic!(
        "docs/FORMAT.md section {name} is not what the code emits; expected:\n{expected}\n\
         (rewrite with LZ_BLESS_FORMAT_MD=1 cargo test -p liangzheng --lib spec_tables)"
    );
}

#[test]
fn every_verification_code_has_a_sample_once() {
    let samples = error_samples();
    let mut seen = [false; VARIANTS];
    for (_, _, e) in &samples {
        let i = variant_index(e);
        assert!(!seen[i], "{} listed twice", e.code());
        seen[i] = true;
    }
    assert!(
        seen.iter().all(|s| *s),
        "a VerifyError variant has no sample"
    );
    // The check names are the CheckKind codes.
    let names: Vec<&str> = CheckKind::ALL.iter().map(CheckKind::code).collect();
    for (checks, _, e) in &samples {
        for c in checks.split(", ") {
            assert!(names.contains(&c), "{}: unknown check {c}", e.code());
        }
    }
}

#[test]
fn format_md_error_table_is_the_code() {
    check_section("error-codes", &error_table());
}

#[test]
fn format_md_code_tables_are_the_data() {
    check_section("enum-tables", &enum_tables());
}
