//! Resumable batches: a run stopped between chunks, a torn last output line, and
//! a chunk committed to the registry whose output never reached the disk all
//! resume to exactly one result per line, one record per request, one slot each.

mod suite;

use std::sync::Arc;

use liangzheng::credential::{Credential, IssuedLicense, Issuer};
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner};
use liangzheng::ids::Uscc;
use liangzheng::keys::IssuerKey;
use liangzheng::time::UnixTime;
use lz_registry::batch::{run, BatchOptions};
use lz_registry::*;

const NOW: UnixTime = UnixTime(1_767_225_600);

fn line(n: usize, holder: Option<&str>) -> String {
    let (id, birth) = suite::person(n);
    let claims = serde_json::json!({
        "type": "cn.resident-id-card", "license_number": id,
        "valid_from": "2020-01-01", "valid_until": "2040-01-01",
        "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": birth,
            "address": "山东省济南市历下区泉城路1号", "id_number": id, "authority": "济南市公安局历下分局"}
    });
    match holder {
        Some(h) => serde_json::json!({"claims": claims, "holder_key": h}).to_string(),
        None => claims.to_string(),
    }
}

#[test]
fn interrupted_batches_resume_without_reuse_or_loss() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db");
    let mut store = open(&db.to_string_lossy(), &OpenOptions::default()).expect("open");
    store.init(&suite::config(16), NOW.0).expect("init");
    let issuer = Issuer::new(
        Arc::new(IssuerKey::from_seed(&[5; 32])),
        "济南市公安局",
        Uscc::parse(suite::CODE).expect("uscc"),
    );
    let phone = Ed25519DeviceSigner::from_seed(&[9; 32]);
    let holder = match phone.public_key() {
        liangzheng::holder::HolderPublicKey::Ed25519(k) => format!(
            "ed25519:{}",
            k.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        other => panic!("{other:?}"),
    };
    // ID cards must be holder-bound (the license type says so).
    let mut lines: Vec<String> = (0..40).map(|n| line(n, Some(holder.as_str()))).collect();
    lines[7] = "{not json".into();
    lines[8] = String::new();
    let mut with_status: serde_json::Value =
        serde_json::from_str(&line(8, Some(holder.as_str()))).expect("json");
    with_status["status"] = serde_json::json!({"list": 0, "index": 0});
    lines[9] = with_status.to_string();
    lines[10] = line(3, Some(holder.as_str())); // the same license number as line 4: refused
    let input = lines.join("\n");
    let out = dir.path().join("results.jsonl");
    let opts = |max: Option<usize>| BatchOptions {
        batch_id: "b1".into(),
        now: NOW,
        chunk: 6,
        holder_parser: &suite::parse_holder,
        progress: &|_| {},
        max_chunks: max,
    };
    // Stop after 2 chunks (12 lines).
    let r1 = run(store.as_mut(), &issuer, &input, &out, &opts(Some(2))).expect("first run");
    assert!(!r1.complete);
    assert_eq!(suite::results(&out).len(), 12);
    // Simulate a crash after the next chunk's commit but before its output was
    // synced: record it directly, and leave a torn line at the end of the output.
    let pending: Vec<NewLicense> = (12..18)
        .map(|n| {
            let (id, _) = suite::person(n);
            NewLicense {
                request_id: format!("b1:{}", n + 1),
                license_type: "cn.resident-id-card".into(),
                license_number: id,
                holder_fingerprint: None,
                key_id: issuer.key_id().to_hex(),
                issued_at: NOW.0,
                valid_from: "2020-01-01".into(),
                valid_until: Some("2040-01-01".into()),
            }
        })
        .collect();
    store.record(&pending).expect("commit without output");
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&out)
            .expect("open");
        f.write_all(b"{\"line\": 13, \"ok\": tr")
            .expect("torn line");
    }
    let r2 = run(store.as_mut(), &issuer, &input, &out, &opts(None)).expect("resume");
    assert!(r2.complete);
    assert_eq!(r2.already_done, 12);
    assert_eq!(r2.resumed, 6, "{r2:?}");
    let all = suite::results(&out);
    assert_eq!(all.len(), 40, "one result per input line");
    let mut lines_seen: Vec<u64> = all.iter().map(|r| r.line).collect();
    lines_seen.sort_unstable();
    assert_eq!(lines_seen, (1..=40).collect::<Vec<u64>>());
    let failed: Vec<u64> = all.iter().filter(|r| !r.ok).map(|r| r.line).collect();
    assert_eq!(failed, vec![8, 9, 10, 11]);
    assert!(
        all[10]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("already issued")),
        "{:?}",
        all[10]
    );
    let mut slots = std::collections::HashSet::new();
    for r in all.iter().filter(|r| r.ok) {
        let (list, index) = (r.list.expect("list"), r.index.expect("index"));
        assert!(slots.insert((list, index)), "slot used twice");
        let lic = IssuedLicense::from_bytes(
            &liangzheng::b64::decode(r.license.as_deref().expect("license")).expect("b64"),
        )
        .expect("license");
        let c = Credential::parse(&lic.credential).expect("credential");
        let s = c.status.expect("status");
        assert_eq!((s.list, s.index), (list, index));
        assert!(c.holder.is_some(), "ID cards are holder-bound");
        let rec = store
            .by_request(&[r.request_id.clone().expect("request id")])
            .expect("by_request");
        assert_eq!((rec[0].list, rec[0].index), (list, index));
    }
    let integrity = store.integrity().expect("integrity");
    assert!(integrity.is_clean(), "{integrity:?}");
    assert_eq!(integrity.licenses, 36);
    // A third run has nothing left to do and records nothing.
    let r3 = run(store.as_mut(), &issuer, &input, &out, &opts(None)).expect("again");
    assert_eq!((r3.already_done, r3.issued, r3.resumed), (40, 0, 0));
    assert_eq!(suite::results(&out).len(), 40);
    assert_eq!(store.integrity().expect("integrity").licenses, 36);
}
