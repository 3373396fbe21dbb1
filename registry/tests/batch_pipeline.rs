//! The batch pipeline when its signing stage fails half-way (an HSM that stops
//! answering): the run returns the signer's typed error, the output holds whole
//! chunks only, and a resume with a working signer gives every line exactly one
//! result, re-signing the chunks that were committed but not yet written with
//! their own slots (no slot twice, none lost).

mod suite;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use liangzheng::alg::{PublicKey, SignatureAlgorithm};
use liangzheng::credential::{Credential, IssuedLicense, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::{IssuerKey, IssuerSigner, KeyError};
use liangzheng::time::UnixTime;
use lz_registry::batch::{run, BatchOptions};
use lz_registry::*;

const NOW: UnixTime = UnixTime(1_767_225_600);

/// The issuer key, failing every signature after the first `budget`.
struct FailingAfter {
    key: IssuerKey,
    budget: usize,
    used: AtomicUsize,
}

impl IssuerSigner for FailingAfter {
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        self.key.algorithm()
    }
    fn sign(&self, message: &[u8]) -> std::result::Result<[u8; 64], KeyError> {
        if self.used.fetch_add(1, Ordering::SeqCst) >= self.budget {
            return Err(KeyError::SignerFailed("token removed (test)".into()));
        }
        self.key.sign(message)
    }
}

fn line(n: usize, holder: &str) -> String {
    let (id, birth) = suite::person(n);
    serde_json::json!({"claims": {
        "type": "cn.resident-id-card", "license_number": id,
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": birth,
            "address": "山东省济南市历下区泉城路1号", "id_number": id, "authority": "济南市公安局历下分局"}
    }, "holder_key": holder})
    .to_string()
}

#[test]
fn a_signer_failing_mid_batch_stops_with_its_error_and_resumes_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db");
    let mut store = open(&db.to_string_lossy(), &OpenOptions::default()).expect("open");
    store.init(&suite::config(64), NOW.0).expect("init");
    let code = Uscc::parse(suite::CODE).expect("uscc");
    let phone = Ed25519DeviceSigner::from_seed(&[9; 32]);
    let holder = match phone.public_key() {
        liangzheng::holder::HolderPublicKey::Ed25519(k) => format!(
            "ed25519:{}",
            k.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        other => panic!("{other:?}"),
    };
    let input = (0..200)
        .map(|n| line(n, &holder))
        .collect::<Vec<_>>()
        .join("\n");
    let out = dir.path().join("results.jsonl");
    let opts = BatchOptions {
        batch_id: "p1".into(),
        now: NOW,
        chunk: 10,
        holder_parser: &suite::parse_holder,
        progress: &|_| {},
        max_chunks: None,
    };
    // 3 signatures per ID card: the signer gives out in the 6th chunk.
    let failing = Issuer::new(
        Arc::new(FailingAfter {
            key: IssuerKey::from_seed(&[5; 32]),
            budget: 3 * 55,
            used: AtomicUsize::new(0),
        }),
        "济南市公安局",
        code.clone(),
    );
    let err = run(store.as_mut(), &failing, &input, &out, &opts).expect_err("signer fails");
    assert!(
        matches!(&err, RegistryError::Signer(KeyError::SignerFailed(m)) if m.contains("token removed")),
        "{err:?}"
    );
    let first = suite::results(&out);
    assert_eq!(first.len() % 10, 0, "whole chunks only: {}", first.len());
    assert!(
        first.len() <= 50,
        "nothing after the failing chunk: {}",
        first.len()
    );
    let recorded = store.integrity().expect("integrity");
    assert!(recorded.is_clean(), "{recorded:?}");
    assert!(
        recorded.licenses as usize > first.len(),
        "the failing chunk (at least) was committed without output: {} recorded, {} written",
        recorded.licenses,
        first.len()
    );

    let working = Issuer::new(
        Arc::new(IssuerKey::from_seed(&[5; 32])),
        "济南市公安局",
        code,
    );
    let again = run(store.as_mut(), &working, &input, &out, &opts).expect("resume");
    assert!(again.complete);
    assert_eq!(again.already_done as usize, first.len());
    assert_eq!(
        again.resumed as usize,
        recorded.licenses as usize - first.len(),
        "committed-but-unwritten lines re-signed, not recorded again: {again:?}"
    );
    assert_eq!(again.failed, 0);
    let all = suite::results(&out);
    let mut lines: Vec<u64> = all.iter().map(|r| r.line).collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        (1..=200).collect::<Vec<u64>>(),
        "each line exactly once"
    );
    let mut slots = std::collections::HashSet::new();
    for r in &all {
        assert!(r.ok, "{r:?}");
        let slot = (r.list.expect("list"), r.index.expect("index"));
        assert!(slots.insert(slot), "slot {slot:?} used twice");
        let lic = IssuedLicense::from_bytes(
            &liangzheng::b64::decode(r.license.as_deref().expect("license")).expect("b64"),
        )
        .expect("license");
        let s = Credential::parse(&lic.credential)
            .expect("credential")
            .status
            .expect("status");
        assert_eq!((s.list, s.index), slot, "the credential carries its slot");
        let rec = store
            .by_request(&[r.request_id.clone().expect("request id")])
            .expect("by_request");
        assert_eq!(
            (rec[0].list, rec[0].index),
            slot,
            "the registry has that slot"
        );
    }
    let end = store.integrity().expect("integrity");
    assert!(end.is_clean(), "{end:?}");
    assert_eq!(end.licenses, 200);
}
