//! Integration tests of the `lz` binary: each runs the built program as a user would.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use lz_examples::demo;

const LZ: &str = env!("CARGO_BIN_EXE_lz");

/// A fresh empty folder under the target dir (no tempfile dependency).
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("lz-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn lz(args: &[&str]) -> Output {
    Command::new(LZ).args(args).output().expect("run lz")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs lz and requires exit code 0; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = lz(args);
    let (out, err) = text(&o);
    assert!(
        o.status.success(),
        "lz {args:?} failed ({:?})\nstdout:\n{out}\nstderr:\n{err}",
        o.status
    );
    out
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn demo_runs_and_every_expectation_holds() {
    let dir = tmp("demo");
    let out = ok(&["demo", "--out", p(&dir), "--color", "never"]);
    assert!(out.contains("演示通过 demo passed"), "{out}");
    assert!(!out.contains("UNEXPECTED"), "{out}");
    for needle in [
        "有 效   VALID",
        "stale",
        "disclosure_not_signed",
        "nonce_mismatch",
        "revoked",
        "issuer_not_authorized_for_type",
        "授权用证 answer to the right request",
    ] {
        assert!(
            out.contains(needle),
            "missing {needle:?} in demo output:\n{out}"
        );
    }
    for f in [
        "id-card.png",
        "business.png",
        "health.png",
        "trust.signed.json",
        "id-card.lz",
        "root.pub.pem",
    ] {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    // The files the demo wrote work with the other commands: verify the PNG from disk.
    let status: Vec<String> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            n.starts_with("status-") && !n.ends_with(".list.json")
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(status.len(), 4);
    let now = (demo::DEMO_NOW.0 + 5).to_string();
    let (trust, root, png) = (
        dir.join("trust.signed.json"),
        dir.join("root.pub.pem"),
        dir.join("id-card.png"),
    );
    let mut args = vec![
        "verify",
        "--image",
        p(&png),
        "--trust",
        p(&trust),
        "--root-key",
        p(&root),
        "--now",
        &now,
        "--color",
        "never",
        "--status",
    ];
    args.extend(status.iter().map(String::as_str));
    let out = ok(&args);
    assert!(out.contains("VALID") && out.contains("3701*"), "{out}");
}

#[test]
fn sm2_keys_from_keygen_and_openssl_work_with_every_key_taking_command() {
    let dir = tmp("keygen-sm2");
    // Issuer key: lz writes SM2 PKCS#8 that OpenSSL reads and derives the same SPKI from.
    let out = ok(&["keygen", "--alg", "sm2", "--out", p(&dir), "--name", "sm2"]);
    assert!(out.contains("SM2") && out.contains("kid: "), "{out}");
    let key = dir.join("sm2.key.pem");
    let o = Command::new("openssl")
        .args(["pkey", "-in", p(&key), "-pubout"])
        .output()
        .expect("openssl is required for this test (apt-get install openssl)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ours = std::fs::read_to_string(dir.join("sm2.pub.pem")).expect("pub");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), ours.trim());
    // Holder key.
    let out = ok(&["keygen", "--holder", "--alg", "sm2", "--out", p(&dir)]);
    assert!(out.contains("sm2:"), "{out}");
    // A root key, and an issuer key made by OpenSSL, both SM2.
    ok(&["trust", "init-root", "--alg", "sm2", "--out", p(&dir)]);
    let openssl_key = dir.join("openssl-sm2.pem");
    let o = Command::new("openssl")
        .args(["genpkey", "-algorithm", "SM2", "-out", p(&openssl_key)])
        .output()
        .expect("openssl");
    assert!(o.status.success());
    let claims = dir.join("claims.json");
    std::fs::write(
        &claims,
        serde_json::to_string(&demo::id_card_claims()).expect("json"),
    )
    .expect("write");
    let holder = dir.join("holder.key.json");
    let license = dir.join("id.lz");
    for k in [&key, &openssl_key] {
        ok(&[
            "issue",
            "--key",
            p(k),
            "--issuer-name",
            "济南市公安局",
            "--issuer-code",
            "11370100004307520K",
            "--claims",
            p(&claims),
            "--holder-key",
            p(&holder),
            "--out",
            p(&license),
        ]);
        assert!(license.is_file());
    }
}

#[test]
fn keygen_writes_pkcs8_that_openssl_reads() {
    let dir = tmp("keygen");
    let out = ok(&["keygen", "--out", p(&dir), "--name", "jinan"]);
    assert!(out.contains("kid: "), "{out}");
    let key = dir.join("jinan.key.pem");
    let pem = std::fs::read_to_string(&key).expect("key file");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
    let openssl = Command::new("openssl")
        .args(["pkey", "-in", p(&key), "-noout", "-text"])
        .output();
    let o = openssl.expect("openssl is required for this test (apt-get install openssl)");
    assert!(
        o.status.success(),
        "openssl pkey rejected the key: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("ED25519"),
        "not an Ed25519 key"
    );
    // openssl derives the same public key we wrote.
    let o = Command::new("openssl")
        .args(["pkey", "-in", p(&key), "-pubout"])
        .output()
        .expect("openssl");
    let ours = std::fs::read_to_string(dir.join("jinan.pub.pem")).expect("pub");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), ours.trim());
    // And a key made by openssl is usable by lz.
    let theirs = dir.join("openssl.pem");
    let o = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out", p(&theirs)])
        .output()
        .expect("openssl");
    assert!(o.status.success());
    let claims = dir.join("claims.json");
    std::fs::write(
        &claims,
        serde_json::to_string(&demo::business_claims()).expect("json"),
    )
    .expect("write");
    ok(&[
        "issue",
        "--key",
        p(&theirs),
        "--issuer-name",
        "杭州市市场监督管理局",
        "--issuer-code",
        "113301000024897012",
        "--claims",
        p(&claims),
        "--out",
        p(&dir.join("biz.lz")),
    ]);
    // Holder keys.
    let out = ok(&["keygen", "--holder", "--alg", "p256", "--out", p(&dir)]);
    assert!(out.contains("p256:"), "{out}");
}

#[test]
fn trust_init_add_rotate_sign_inspect_round_trip() {
    let dir = tmp("trust");
    ok(&["trust", "init-root", "--out", p(&dir)]);
    ok(&["keygen", "--out", p(&dir), "--name", "police"]);
    ok(&["keygen", "--out", p(&dir), "--name", "police2"]);
    let list = dir.join("trust.json");
    let out = ok(&[
        "trust",
        "add",
        "--list",
        p(&list),
        "--issuer-key",
        p(&dir.join("police.pub.pem")),
        "--name",
        "济南市公安局",
        "--name-en",
        "Jinan PSB",
        "--code",
        "11370100004307520K",
        "--region",
        "370100",
        "--types",
        "cn.resident-id-card",
        "--from",
        "2020-01-01",
    ]);
    let kid = out
        .split("kid ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("kid printed")
        .to_string();
    // A duplicate is refused; a bad USCC is refused.
    assert!(!lz(&[
        "trust",
        "add",
        "--list",
        p(&list),
        "--issuer-key",
        p(&dir.join("police.pub.pem")),
        "--name",
        "x",
        "--name-en",
        "x",
        "--code",
        "11370100004307520K",
        "--region",
        "370100",
        "--types",
        "cn.resident-id-card",
        "--from",
        "2020-01-01"
    ])
    .status
    .success());
    assert!(!lz(&[
        "trust",
        "add",
        "--list",
        p(&list),
        "--issuer-key",
        p(&dir.join("police2.pub.pem")),
        "--name",
        "x",
        "--name-en",
        "x",
        "--code",
        "91110000600037341N",
        "--region",
        "370100",
        "--types",
        "cn.resident-id-card",
        "--from",
        "2020-01-01"
    ])
    .status
    .success());
    ok(&[
        "trust",
        "rotate",
        "--list",
        p(&list),
        "--old-kid",
        &kid,
        "--new-key",
        p(&dir.join("police2.pub.pem")),
        "--at",
        "2026-06-01",
    ]);
    let draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&list).expect("list")).expect("json");
    assert_eq!(draft["format"], "liangzheng-trust-list-draft");
    assert_eq!(draft["version"], 1);
    let issuers = draft["issuers"].as_array().expect("issuers");
    assert_eq!(issuers.len(), 2);
    // Overlapping windows: the old key ends a week after the new one starts.
    let old_end = issuers[0]["not_after"].as_u64().expect("old not_after");
    let new_start = issuers[1]["not_before"].as_u64().expect("new not_before");
    assert_eq!(old_end, new_start + 7 * 86_400);

    let signed = dir.join("trust.signed.json");
    ok(&[
        "trust",
        "sign",
        "--list",
        p(&list),
        "--root-key",
        p(&dir.join("root.key.pem")),
        "--expires",
        "2030-01-01",
        "--out",
        p(&signed),
    ]);
    let out = ok(&[
        "trust",
        "inspect",
        p(&signed),
        "--root-key",
        p(&dir.join("root.pub.pem")),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("inspect JSON");
    assert_eq!(v["verified"], true);
    assert_eq!(v["issuers"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["issuers"][0]["kid"], kid.as_str());
    assert_eq!(v["issuers"][0]["types"][0], demo::ID_CARD);
    // Another root key does not verify it.
    assert!(!lz(&[
        "trust",
        "inspect",
        p(&signed),
        "--root-key",
        p(&dir.join("police.pub.pem"))
    ])
    .status
    .success());
    ok(&["trust", "remove", "--list", p(&list), "--kid", &kid]);
    let out = ok(&["trust", "inspect", p(&list)]);
    assert!(!out.contains(&kid), "{out}");
}

#[test]
fn status_new_revoke_publish_inspect() {
    let dir = tmp("status");
    ok(&["keygen", "--out", p(&dir), "--name", "police"]);
    let list = dir.join("status.json");
    ok(&[
        "status",
        "new",
        "--list-id",
        "3",
        "--size",
        "100",
        "--out",
        p(&list),
    ]);
    ok(&["status", "revoke", "--list", p(&list), "--index", "42"]);
    ok(&["status", "suspend", "--list", p(&list), "--index", "7"]);
    ok(&["status", "suspend", "--list", p(&list), "--index", "8"]);
    ok(&["status", "reinstate", "--list", p(&list), "--index", "8"]);
    assert!(
        !lz(&["status", "revoke", "--list", p(&list), "--index", "100"])
            .status
            .success()
    );
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["status", "inspect", p(&list)])).expect("json");
    assert_eq!(v["statuses"]["revoked"], serde_json::json!([42]));
    assert_eq!(v["statuses"]["suspended"], serde_json::json!([7]));
    let token = dir.join("status.token.json");
    ok(&[
        "status",
        "publish",
        "--list",
        p(&list),
        "--key",
        p(&dir.join("police.key.pem")),
        "--issuer-code",
        "11370100004307520K",
        "--ttl",
        "3600",
        "--out",
        p(&token),
    ]);
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "status",
        "inspect",
        p(&token),
        "--issuer-key",
        p(&dir.join("police.pub.pem")),
    ]))
    .expect("json");
    assert_eq!(v["verified"], true);
    assert_eq!(v["uri"], "urn:liangzheng:status:11370100004307520K:3");
    assert_eq!(v["ttl"], 3600);
    assert_eq!(v["statuses"]["revoked"], serde_json::json!([42]));
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["status", "inspect", p(&token)])).expect("json");
    assert_eq!(v["verified"], false);
}

#[test]
fn batch_issue_reports_the_bad_line_and_issues_the_rest() {
    let dir = tmp("batch");
    ok(&["keygen", "--out", p(&dir), "--name", "police"]);
    let good = serde_json::to_string(&demo::id_card_claims()).expect("json");
    let holder = format!(
        "{{\"claims\": {good}, \"holder_key\": \"ed25519:{}\"}}",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    let mut bad = demo::id_card_claims();
    bad.fields
        .insert("id_number".into(), "370102199003070017".into()); // wrong check digit
    let bad = serde_json::to_string(&bad).expect("json");
    // Line 5: a static ID card (no holder key), which the type forbids.
    let lines = [
        holder.as_str(),
        holder.as_str(),
        bad.as_str(),
        "{not json",
        good.as_str(),
        holder.as_str(),
    ]
    .join("\n");
    let batch = dir.join("claims.jsonl");
    std::fs::write(&batch, lines).expect("write");
    let out_dir = dir.join("out");
    let o = lz(&[
        "issue",
        "--key",
        p(&dir.join("police.key.pem")),
        "--issuer-name",
        "济南市公安局",
        "--issuer-code",
        "11370100004307520K",
        "--batch",
        p(&batch),
        "--out-dir",
        p(&out_dir),
        "--now",
        "2026-11-01",
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("holder key"), "{err}");
    assert!(err.contains("issued 已签发 3, failed 失败 3"), "{err}");
    let results = std::fs::read_to_string(out_dir.join("results.jsonl")).expect("results");
    let rows: Vec<serde_json::Value> = results
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 6);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["line"], i + 1);
        assert_eq!(row["ok"], !(2..=4).contains(&i), "{row}");
    }
    assert!(rows[2]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let license = rows[0]["license"].as_str().expect("license");
    assert!(liangzheng::credential::IssuedLicense::from_bytes(
        &liangzheng::b64::decode(license).expect("b64")
    )
    .is_ok());
}

#[test]
fn verify_stdin_counter_mode_one_line_per_scan() {
    let dir = tmp("stdin");
    let now = demo::DEMO_NOW.0;
    // Issue 张三's ID card with the demo police key and present it at `now`.
    issue_demo_id_card(&dir, now as i64);
    let fresh = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name,id_number",
        "--now",
        &now.to_string(),
    ]);
    let old = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name,id_number",
        "--now",
        &(now - 600).to_string(),
    ]);
    let mut input = format!(
        "{}\r\nTHIS IS NOT A CODE\r\n{}\r\n",
        fresh.trim_end(),
        old.trim_end()
    )
    .into_bytes();
    // Line 4: not UTF-8 (used to end counter mode); 5: empty; 6: 1 MB of
    // junk (never stored beyond the largest QR text); 7: the first scan again.
    input.extend_from_slice(b"LZ1P:AB\xffCD\n\n");
    input.extend(std::iter::repeat_n(b'A', 1 << 20));
    input.extend_from_slice(b"\n");
    input.extend_from_slice(fresh.trim_end().as_bytes());
    input.extend_from_slice(b"\n");
    let mut child = Command::new(LZ)
        .args([
            "verify",
            "--stdin",
            "--demo",
            "--now",
            &(now + 5).to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7, "{out}");
    for (i, line) in lines.iter().enumerate().skip(3).take(3) {
        assert!(
            line.starts_with(&format!("#{} 无效", i + 1)) && line.contains("QR text unreadable"),
            "{line}"
        );
    }
    assert!(lines[5].contains("too long"), "{}", lines[5]);
    assert!(
        lines[6].starts_with("#7 无法确定") && lines[6].contains("已核验过"),
        "{}",
        lines[6]
    );
    assert!(lines[0].starts_with("#1 有效 / valid"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("#2 无效") && lines[1].contains("QR text unreadable"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("#3 无效") && lines[2].contains("presentation too old"),
        "{}",
        lines[2]
    );

    // The same scan as JSON.
    let o = lz(&[
        "verify",
        "--text",
        fresh.trim_end(),
        "--demo",
        "--now",
        &(now + 5).to_string(),
        "--json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert_eq!(v["verdict"], "valid");
    // The ID number is masked in JSON too, unless --unmask.
    let json = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!json.contains("370102199003070016"), "{json}");
    assert!(
        json.contains("\"value_zh\": \"3701*************6\""),
        "{json}"
    );
    let o = lz(&[
        "verify",
        "--text",
        fresh.trim_end(),
        "--demo",
        "--now",
        &(now + 5).to_string(),
        "--json",
        "--unmask",
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("370102199003070016"));
    // Replayed later: exit code 1 and the stale reason.
    let o = lz(&[
        "verify",
        "--text",
        fresh.trim_end(),
        "--demo",
        "--now",
        &(now + 600).to_string(),
        "--color",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("INVALID"));
}

#[test]
fn request_then_answer_then_verify() {
    let dir = tmp("request");
    let now = demo::DEMO_NOW.0;
    std::fs::write(
        dir.join("police.pem"),
        demo::issuer_key("济南市公安局")
            .to_pkcs8_pem()
            .expect("pem")
            .as_bytes(),
    )
    .expect("write");
    std::fs::write(
        dir.join("claims.json"),
        serde_json::to_string(&demo::id_card_claims()).expect("json"),
    )
    .expect("write");
    ok(&["keygen", "--holder", "--out", p(&dir), "--name", "phone"]);
    ok(&[
        "issue",
        "--key",
        p(&dir.join("police.pem")),
        "--issuer-name",
        "济南市公安局",
        "--issuer-code",
        "11370100004307520K",
        "--claims",
        p(&dir.join("claims.json")),
        "--holder-key",
        p(&dir.join("phone.key.json")),
        "--out",
        p(&dir.join("id.lz")),
        "--now",
        &(now - 3600).to_string(),
    ]);
    let req = dir.join("req.cbor");
    let req_text = ok(&[
        "request",
        "--verifier-id",
        "91370100MA3C0KTJ2X",
        "--verifier-name",
        "示例银行",
        "--purpose",
        "开户实名核验",
        "--type",
        "cn.resident-id-card",
        "--fields",
        "name,id_number",
        "--now",
        &now.to_string(),
        "--out",
        p(&req),
    ]);
    assert!(req_text.starts_with("LZ1R:"), "{req_text}");
    let answer = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name,id_number",
        "--now",
        &now.to_string(),
        "--request",
        p(&req),
    ]);
    let t = (now + 5).to_string();
    ok(&[
        "verify",
        "--text",
        answer.trim_end(),
        "--demo",
        "--request",
        p(&req),
        "--now",
        &t,
    ]);
    // The QR renders.
    let svg = dir.join("answer.svg");
    ok(&[
        "qr",
        "--text",
        answer.trim_end(),
        "--format",
        "svg",
        "--out",
        p(&svg),
    ]);
    assert!(std::fs::read_to_string(&svg).expect("svg").contains("<svg"));
    // A plain presentation does not answer the request.
    let plain = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name,id_number",
        "--now",
        &now.to_string(),
    ]);
    let o = lz(&[
        "verify",
        "--text",
        plain.trim_end(),
        "--demo",
        "--request",
        p(&req),
        "--now",
        &t,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn help_names_work_and_zero_lifetime_is_refused() {
    let dir = tmp("papercuts");
    // `--type id` as the help offers it.
    let o = lz(&[
        "request",
        "--verifier-id",
        "91370100MA3C5D6E7F",
        "--verifier-name",
        "济南某银行",
        "--purpose",
        "开户",
        "--type",
        "id",
        "--fields",
        "name,id_number",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.starts_with("LZ1R"));
    // `--types id,health` in the trust draft.
    ok(&["keygen", "--out", p(&dir), "--name", "police"]);
    let o = lz(&[
        "trust",
        "add",
        "--list",
        p(&dir.join("draft.json")),
        "--issuer-key",
        p(&dir.join("police.pub.pem")),
        "--name",
        "济南市公安局",
        "--name-en",
        "Jinan PSB",
        "--code",
        "11370100004307520K",
        "--region",
        "370100",
        "--types",
        "id,health",
        "--from",
        "2026-01-01",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let draft = std::fs::read_to_string(dir.join("draft.json")).expect("draft");
    assert!(draft.contains("11100000000013338W901") && draft.contains("11100000000013338W903"));
    // `--holder-key holder.pub`, the public key file keygen writes.
    ok(&["keygen", "--holder", "--out", p(&dir), "--name", "phone"]);
    std::fs::write(
        dir.join("claims.json"),
        serde_json::to_string(&demo::id_card_claims()).expect("json"),
    )
    .expect("write");
    let issue = |holder_key: &Path| {
        lz(&[
            "issue",
            "--key",
            p(&dir.join("police.key.pem")),
            "--issuer-name",
            "济南市公安局",
            "--issuer-code",
            "11370100004307520K",
            "--claims",
            p(&dir.join("claims.json")),
            "--holder-key",
            p(holder_key),
            "--out",
            p(&dir.join("id.lz")),
        ])
    };
    let o = issue(&dir.join("phone.pub"));
    assert!(o.status.success(), "{}", text(&o).1);
    let o = issue(&dir.join("phone.key.json"));
    assert!(o.status.success(), "{}", text(&o).1);
    // `--lifetime 0` is refused, not silently made 1.
    let o = lz(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name",
        "--lifetime",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    assert!(text(&o).1.contains("--lifetime"));
}

/// Issues 张三's ID card into `dir` (demo police key, holder key `phone`).
fn issue_demo_id_card(dir: &Path, now: i64) {
    std::fs::write(
        dir.join("police.pem"),
        demo::issuer_key("济南市公安局")
            .to_pkcs8_pem()
            .expect("pem")
            .as_bytes(),
    )
    .expect("write");
    std::fs::write(
        dir.join("claims.json"),
        serde_json::to_string(&demo::id_card_claims()).expect("json"),
    )
    .expect("write");
    ok(&["keygen", "--holder", "--out", p(dir), "--name", "phone"]);
    ok(&[
        "issue",
        "--key",
        p(&dir.join("police.pem")),
        "--issuer-name",
        "济南市公安局",
        "--issuer-code",
        "11370100004307520K",
        "--claims",
        p(&dir.join("claims.json")),
        "--holder-key",
        p(&dir.join("phone.key.json")),
        "--out",
        p(&dir.join("id.lz")),
        "--now",
        &(now - 3600).to_string(),
    ]);
}

#[test]
fn animated_present_then_verify_from_frame_pngs_and_scanner_lines() {
    let dir = tmp("animated");
    let now = demo::DEMO_NOW.0 as i64;
    issue_demo_id_card(&dir, now);
    let frames_dir = dir.join("frames");
    let out = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id.lz")),
        "--fields",
        "name,id_number",
        "--now",
        &now.to_string(),
        "--animated",
        "--gif",
        p(&dir.join("code.gif")),
        "--frames-dir",
        p(&frames_dir),
    ]);
    let frames: Vec<&str> = out.lines().collect();
    assert!(frames.len() >= 4, "{out}");
    assert!(frames.iter().all(|f| f.starts_with("LZ1F:")), "{out}");
    let gif = std::fs::read(dir.join("code.gif")).expect("gif written");
    assert!(gif.starts_with(b"GIF89a"));
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&frames_dir)
        .expect("frames dir")
        .map(|e| e.expect("entry").path())
        .collect();
    pngs.sort();
    assert_eq!(pngs.len(), frames.len());

    // From the PNGs, newest first and every third one missing.
    let kept: Vec<&str> = pngs
        .iter()
        .rev()
        .enumerate()
        .filter(|(i, _)| i % 3 != 1)
        .map(|(_, path)| p(path))
        .collect();
    let mut args = vec!["verify", "--demo", "--now"];
    let at = (now + 5).to_string();
    args.push(&at);
    args.push("--frames");
    args.extend(kept.iter().copied());
    let report = ok(&[args.as_slice(), &["--color", "never"]].concat());
    assert!(
        report.contains("VALID") || report.contains("有效"),
        "{report}"
    );

    // Too few frames: incomplete, a usage error naming the progress.
    let o = lz(&["verify", "--demo", "--now", &at, "--frames", p(&pngs[0])]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("incomplete"), "{}", text(&o).1);

    // Counter mode: frame lines give progress lines, then one result line.
    let input: String = frames.iter().skip(1).map(|f| format!("{f}\r\n")).collect();
    let mut child = Command::new(LZ)
        .args(["verify", "--stdin", "--demo", "--now", &at])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        frames.len() - 1,
        "one line per input line: {out}"
    );
    assert!(lines[0].contains("动态码 frame 1/"), "{}", lines[0]);
    let valid = lines
        .iter()
        .position(|l| l.contains("有效 / valid"))
        .expect("a valid result line");
    assert!(lines[valid + 1..]
        .iter()
        .all(|l| l.contains("already verified")));
}

#[test]
fn rp_register_sign_request_and_the_wallets_view() {
    let dir = tmp("rp");
    let now = demo::DEMO_NOW.0;
    let now_s = now.to_string();
    ok(&["trust", "init-root", "--out", p(&dir)]);
    ok(&["keygen", "--alg", "sm2", "--out", p(&dir), "--name", "psb"]);
    let root_key = dir.join("root.key.pem");
    let root_pub = dir.join("root.pub.pem");
    let reg = dir.join("psb.reg");
    let register = |name: &str| {
        lz(&[
            "rp",
            "register",
            "--root-key",
            p(&root_key),
            "--verifier-key",
            p(&dir.join("psb.pub.pem")),
            "--id",
            "11110000000021135M",
            "--name",
            name,
            "--name-en",
            "Beijing Municipal Public Security Bureau",
            "--grant",
            "id:name,id_number",
            "--from",
            &(now - 86_400).to_string(),
            "--until",
            &(now + 86_400 * 365).to_string(),
            "--now",
            &now_s,
            "--out",
            p(&reg),
        ])
    };
    // Bidi characters in a name: the root's tool refuses to sign.
    let o = register("北京市公安局\u{202e}局安公");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("U+202E"), "{err}");
    assert!(!reg.exists());
    let o = register("北京市公安局");
    assert!(o.status.success(), "{:?}", text(&o));
    let json = ok(&["rp", "inspect", p(&reg), "--root-key", p(&root_pub)]);
    assert!(
        json.contains("\"name_zh\": \"北京市公安局\"") && json.contains("sm2:"),
        "{json}"
    );
    // Another root does not accept it.
    ok(&["trust", "init-root", "--out", p(&dir.join("other"))]);
    let o = lz(&[
        "rp",
        "inspect",
        p(&reg),
        "--root-key",
        p(&dir.join("other/root.pub.pem")),
    ]);
    assert_eq!(o.status.code(), Some(2));

    let request = |fields: &str, signed: bool, time: u64| {
        let time = time.to_string();
        let mut args = vec![
            "request",
            "--verifier-id",
            "11110000000021135M",
            "--verifier-name",
            "北京市公安局",
            "--purpose",
            "办理户籍业务",
            "--type",
            "id",
            "--fields",
            fields,
            "--now",
            &time,
        ];
        let key = dir.join("psb.key.pem");
        if signed {
            args.extend(["--key", p(&key), "--registration", p(&reg)]);
        }
        ok(&args).trim().to_string()
    };
    let check = |qr: &str| {
        let o = lz(&[
            "rp",
            "check-request",
            qr,
            "--root-key",
            p(&root_pub),
            "--now",
            &now_s,
        ]);
        let (out, err) = text(&o);
        (o.status.code(), out, err)
    };
    let (code, out, _) = check(&request("name,id_number", true, now - 5));
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("北京市公安局 / Beijing Municipal Public Security Bureau")
            && out.contains("已认证 verified"),
        "{out}"
    );
    let (code, out, _) = check(&request("name,id_number", false, now - 5));
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("未认证的核验方 / unverified verifier") && out.contains("[unsigned]"),
        "{out}"
    );
    let (code, out, _) = check(&request("name,address", true, now - 5));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("[beyond_registration]"), "{out}");
    let (code, out, _) = check(&request("name", true, now - 3_600));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("[request_stale]"), "{out}");
    let (code, out, _) = check(&request("name", false, now + 600));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("[request_from_future]") && out.contains("核对设备时间"),
        "{out}"
    );
    // No pinned root: unverified.
    let o = lz(&[
        "rp",
        "check-request",
        &request("name", true, now),
        "--now",
        &now_s,
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).0.contains("[no_trust_root]"));
    // A bidi purpose is refused when making the request.
    let o = lz(&[
        "request",
        "--verifier-id",
        "x",
        "--verifier-name",
        "北京市公安局",
        "--purpose",
        "核验\u{2066}",
        "--type",
        "id",
        "--fields",
        "name",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("U+2066"), "{:?}", text(&o));
}

#[test]
fn a_portrait_presentation_goes_out_as_frames_and_the_counter_writes_the_signed_photo() {
    let dir = tmp("portrait");
    let now = demo::DEMO_NOW.0 as i64;
    issue_demo_id_card(&dir, now);
    // Re-issue the same card with the synthetic portrait.
    std::fs::write(
        dir.join("claims.json"),
        serde_json::to_string(&demo::id_card_with_portrait_claims()).expect("json"),
    )
    .expect("write");
    ok(&[
        "issue",
        "--key",
        p(&dir.join("police.pem")),
        "--issuer-name",
        "济南市公安局",
        "--issuer-code",
        "11370100004307520K",
        "--claims",
        p(&dir.join("claims.json")),
        "--holder-key",
        p(&dir.join("phone.key.json")),
        "--out",
        p(&dir.join("id-photo.lz")),
        "--now",
        &(now - 3600).to_string(),
    ]);
    let frames_dir = dir.join("frames");
    // No --animated: a portrait does not fit one symbol, so frames come by themselves.
    let out = ok(&[
        "present",
        "--wallet-seed",
        p(&dir.join("phone.key.json")),
        "--license",
        p(&dir.join("id-photo.lz")),
        "--fields",
        "name,id_number,portrait",
        "--now",
        &now.to_string(),
        "--frames-dir",
        p(&frames_dir),
    ]);
    let frames: Vec<&str> = out.lines().collect();
    assert!(frames.len() >= 20, "{out}");
    assert!(frames.iter().all(|f| f.starts_with("LZ1F:")), "{out}");
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&frames_dir)
        .expect("frames dir")
        .map(|e| e.expect("entry").path())
        .collect();
    pngs.sort();
    let kept: Vec<&str> = pngs
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, path)| p(path))
        .collect();
    let at = (now + 5).to_string();
    let photo = dir.join("photo.jpg");
    let mut args = vec!["verify", "--demo", "--now", &at, "--color", "never"];
    args.extend(["--portrait-out", p(&photo), "--frames"]);
    args.extend(kept.iter().copied());
    let report = ok(&args);
    assert!(report.contains("VALID"), "{report}");
    assert!(report.contains("JPEG 照片 102×126"), "{report}");
    assert_eq!(
        std::fs::read(&photo).expect("photo written"),
        demo::SYNTHETIC_FACE
    );
    // JSON without --unmask carries no image bytes (biometric data goes only to the file).
    let mut args = vec!["verify", "--demo", "--now", &at, "--json", "--frames"];
    args.extend(kept.iter().copied());
    let json: serde_json::Value = serde_json::from_str(&ok(&args)).expect("json");
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["images"], serde_json::json!([]));

    // Counter mode: the photo of the scan on line N goes to photo-N.jpg.
    let input: String = frames.iter().map(|f| format!("{f}\n")).collect();
    let mut child = Command::new(LZ)
        .args([
            "verify",
            "--stdin",
            "--demo",
            "--now",
            &at,
            "--portrait-out",
        ])
        .arg(&photo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let done = out
        .lines()
        .position(|l| l.contains("有效 / valid"))
        .expect("a valid line")
        + 1;
    assert_eq!(
        std::fs::read(dir.join(format!("photo-{done}.jpg"))).expect("counter photo"),
        demo::SYNTHETIC_FACE
    );
}

#[test]
fn lz_bundle_writes_frames_and_lz_verify_checks_every_member() {
    let dir = tmp("bundle");
    let now = demo::DEMO_NOW.0 as i64;
    ok(&["keygen", "--holder", "--out", p(&dir), "--name", "hotel"]);
    let issue = |label: &str,
                 name: &str,
                 code: &str,
                 claims: &liangzheng::credential::Claims,
                 file: &str| {
        let pem = dir.join(format!("{file}.pem"));
        std::fs::write(
            &pem,
            demo::issuer_key(label)
                .to_pkcs8_pem()
                .expect("pem")
                .as_bytes(),
        )
        .expect("write");
        let c = dir.join(format!("{file}.json"));
        std::fs::write(&c, serde_json::to_string(claims).expect("json")).expect("write");
        ok(&[
            "issue",
            "--key",
            p(&pem),
            "--issuer-name",
            name,
            "--issuer-code",
            code,
            "--claims",
            p(&c),
            "--holder-key",
            p(&dir.join("hotel.key.json")),
            "--out",
            p(&dir.join(format!("{file}.lz"))),
            "--now",
            &(now - 3600).to_string(),
        ]);
    };
    let market = &demo::AUTHORITIES[1];
    issue(
        market.label,
        market.name_zh,
        market.code,
        &demo::hotel_business_claims(),
        "biz",
    );
    let permits = demo::hotel_permit_claims(demo::HOTEL_USCC);
    for (n, (a, c)) in permits
        .iter()
        .enumerate()
        .filter(|(n, _)| [0, 5, 10].contains(n))
    {
        let au = &demo::PERMIT_AUTHORITIES[*a];
        issue(au.label, au.name_zh, au.code, c, &format!("permit{n}"));
    }
    let mut args = vec![
        "bundle".to_string(),
        "--wallet-seed".into(),
        p(&dir.join("hotel.key.json")).into(),
        "--now".into(),
        now.to_string(),
        "--frames-dir".into(),
        p(&dir.join("frames")).into(),
        "--member".into(),
        format!("{}=uscc,name", p(&dir.join("biz.lz"))),
    ];
    for n in [0, 5, 10] {
        args.push("--member".into());
        args.push(format!(
            "{}=uscc,name,license_number",
            p(&dir.join(format!("permit{n}.lz")))
        ));
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&argv);
    let frames: Vec<&str> = out.lines().collect();
    assert!(
        frames.len() >= 4 && frames.iter().all(|f| f.starts_with("LZ1F:")),
        "{out}"
    );
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir.join("frames"))
        .expect("frames")
        .map(|e| e.expect("entry").path())
        .collect();
    pngs.sort();
    assert_eq!(pngs.len(), frames.len());
    let at = (now + 5).to_string();
    let mut v = vec![
        "verify", "--demo", "--now", &at, "--color", "never", "--frames",
    ];
    v.extend(pngs.iter().rev().map(|x| p(x)));
    let view = ok(&v);
    assert!(view.contains("BUNDLE VALID"), "{view}");
    assert!(view.contains("Members (4)"), "{view}");
    for t in [
        "营业执照",
        "食品经营许可证",
        "公共场所卫生许可证",
        "特种行业许可证",
    ] {
        assert!(view.contains(t), "{t}: {view}");
    }
    // JSON: every member with its own verdict.
    let mut v = vec!["verify", "--demo", "--now", &at, "--json", "--frames"];
    v.extend(pngs.iter().map(|x| p(x)));
    let json: serde_json::Value = serde_json::from_str(&ok(&v)).expect("json");
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["members"].as_array().map(Vec::len), Some(4));
    assert!(json["members"]
        .as_array()
        .expect("members")
        .iter()
        .all(|m| m["verdict"] == "valid"));
    // Counter mode: the completing frame line gives the bundle's summary line.
    let input: String = frames.iter().map(|f| format!("{f}\n")).collect();
    let mut child = Command::new(LZ)
        .args(["verify", "--stdin", "--demo", "--now", &at])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    let (out, _) = text(&o);
    assert_eq!(out.lines().count(), frames.len(), "{out}");
    assert!(
        out.contains("一照通 bundle 91330106MA2KXJ3P7H: 4/4 valid"),
        "{out}"
    );
    // Too late: invalid, exit 1.
    let late = (now + 600).to_string();
    let mut v = vec!["verify", "--demo", "--now", &late, "--frames"];
    v.extend(pngs.iter().map(|x| p(x)));
    assert_eq!(lz(&v).status.code(), Some(1));
}
