//! Measurement helpers for `scripts/bench-registry.sh` (not a test):
//!
//! - `floor THREADS SECS`: bare Ed25519 signatures/s of an in-process key on
//!   THREADS rayon threads (the floor bulk issuance is compared with);
//!   `LZ_BENCH_ALG=p256`: of a P-256 (ES256) key;
//! - `hsm THREADS SECS`: the same through PKCS#11 (`LZ_PKCS11_MODULE`,
//!   `LZ_PKCS11_PIN`, `LZ_HSM_TOKEN`, `LZ_HSM_KEY`), after provisioning a token and the key
//!   (of the `LZ_BENCH_ALG` algorithm) when `LZ_HSM_INIT=1`, only the key when `=key`;
//! - `stages FILE N`: single-threaded time per line of each step of bulk
//!   issuance over the first N lines of a batch file (the profile of the
//!   pipeline: JSON parse, validation, holder-key parse, issuing with the OS
//!   RNG and with a ChaCha20 RNG seeded from it, encoding, result JSON, and
//!   `Store::record` in transactions of 1,000 into the registry DB (a fresh
//!   SQLite file in the temp dir, or the PostgreSQL database `LZ_BENCH_PG` names));
//! - `revoke DB EVERY`: revokes every EVERY-th license of a registry through
//!   `Store::change_status` (to publish lists with revoked entries).

use std::sync::Arc;
use std::time::{Duration, Instant};

use liangzheng::keys::{IssuerKey, IssuerSigner, P256IssuerKey};
use lz_registry::pkcs11::{generate_key, init_token, HsmAlgorithm, Pkcs11Config, Pkcs11Key};
use rayon::prelude::*;
use zeroize::Zeroizing;

fn rate(signer: &dyn IssuerSigner, threads: usize, secs: f64) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let msg = [7u8; 200];
    let deadline = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let count: u64 = pool.install(|| {
        (0..threads)
            .into_par_iter()
            .map(|_| {
                let mut n = 0u64;
                while start.elapsed() < deadline {
                    for _ in 0..16 {
                        signer.sign(&msg).expect("sign");
                    }
                    n += 16;
                }
                n
            })
            .sum()
    });
    count as f64 / start.elapsed().as_secs_f64()
}

/// `LZ_BENCH_ALG=p256` measures P-256 (ES256) keys; default Ed25519.
fn algorithm() -> HsmAlgorithm {
    match std::env::var("LZ_BENCH_ALG").as_deref() {
        Ok("p256") => HsmAlgorithm::P256,
        Ok("ed25519") | Err(_) => HsmAlgorithm::Ed25519,
        Ok(other) => panic!("LZ_BENCH_ALG: unknown algorithm {other}"),
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "floor" => {
            let threads: usize = arg(2).parse().expect("THREADS");
            let secs: f64 = arg(3).parse().expect("SECS");
            let key: Box<dyn IssuerSigner> = if algorithm() == HsmAlgorithm::P256 {
                Box::new(P256IssuerKey::from_scalar(&[1; 32]).expect("P-256 key"))
            } else {
                Box::new(IssuerKey::from_seed(&[1; 32]))
            };
            println!("{:.0}", rate(key.as_ref(), threads, secs));
        }
        "hsm" => {
            let threads: usize = arg(2).parse().expect("THREADS");
            let secs: f64 = arg(3).parse().expect("SECS");
            let module = std::path::PathBuf::from(env("LZ_PKCS11_MODULE"));
            let pin = Zeroizing::new(env("LZ_PKCS11_PIN"));
            let token = env("LZ_HSM_TOKEN");
            let label = env("LZ_HSM_KEY");
            // LZ_HSM_INIT=1: a new token and the key; =key: the key on the existing token.
            let init = std::env::var("LZ_HSM_INIT").unwrap_or_default();
            if init == "1" {
                init_token(&module, &token, &Zeroizing::new("so-bench".into()), &pin)
                    .expect("init");
            }
            if init == "1" || init == "key" {
                generate_key(&module, &token, &pin, &label, algorithm()).expect("keygen");
            }
            let key = Pkcs11Key::open(
                &Pkcs11Config {
                    module,
                    token_label: Some(token),
                    key_label: label,
                    sessions: threads,
                },
                &pin,
            )
            .expect("open");
            let signer: Arc<dyn IssuerSigner> = key.into_issuer_signer().expect("signer");
            println!("{:.0}", rate(signer.as_ref(), threads, secs));
        }
        "stages" => stages(&arg(2), arg(3).parse().expect("N")),
        "revoke" => {
            let db = arg(2);
            let every: usize = arg(3).parse().expect("EVERY");
            let mut store =
                lz_registry::open(&db, &lz_registry::OpenOptions::default()).expect("open");
            let input = std::fs::read_to_string(arg(4)).expect("results file");
            let mut n = 0;
            for (i, line) in input.lines().enumerate() {
                if i % every != 0 {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line).expect("json");
                let number = v["license_number"].as_str().expect("number").to_string();
                store
                    .change_status(&lz_registry::ChangeRequest {
                        license: lz_registry::LicenseKey {
                            number,
                            license_type: None,
                        },
                        action: lz_registry::Action::Revoke,
                        reason: lz_registry::Reason::Lost,
                        actor: "bench".into(),
                        note: String::new(),
                        at: 1_767_225_600,
                    })
                    .expect("revoke");
                n += 1;
            }
            println!("{n}");
        }
        _ => {
            eprintln!("usage: registry_bench floor|hsm THREADS SECS | revoke DB EVERY RESULTS");
            std::process::exit(2);
        }
    }
}

/// Times one step over all lines; prints µs per line.
fn step<T>(name: &str, n: usize, mut f: impl FnMut(usize) -> T) -> Vec<T> {
    let start = Instant::now();
    let out: Vec<T> = (0..n).map(&mut f).collect();
    let us = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("  {name:<46} {us:>8.2} us/line");
    out
}

fn stages(file: &str, n: usize) {
    use liangzheng::credential::{Claims, Issuer};
    use rand_core::SeedableRng;
    let text = std::fs::read_to_string(file).expect("batch file");
    let lines: Vec<&str> = text.lines().take(n).collect();
    let n = lines.len();
    let key: Arc<dyn IssuerSigner> = Arc::new(IssuerKey::from_seed(&[1; 32]));
    let issuer = Issuer::new(
        key.clone(),
        "bench",
        liangzheng::ids::Uscc::parse("11430000006122244L").expect("uscc"),
    );
    println!("stages over {n} lines, 1 thread:");
    let msg = [7u8; 200];
    step("floor: 3 Ed25519 signatures", n, |_| {
        for _ in 0..3 {
            key.sign(&msg).expect("sign");
        }
    });
    let values: Vec<serde_json::Value> = step("JSON -> serde_json::Value", n, |i| {
        serde_json::from_str(lines[i]).expect("json")
    });
    let claims: Vec<Claims> = step("Value -> Claims (from_value)", n, |i| {
        serde_json::from_value(values[i]["claims"].clone()).expect("claims")
    });
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Line {
        claims: Claims,
        holder_key: Option<String>,
    }
    step("JSON -> typed line (one pass)", n, |i| {
        serde_json::from_str::<Line>(lines[i]).expect("json")
    });
    let holders: Vec<_> = step("holder key text -> HolderPublicKey", n, |i| {
        let s = values[i]["holder_key"].as_str().expect("holder");
        let hex = s.strip_prefix("ed25519:").expect("ed25519");
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|j| u8::from_str_radix(&hex[j..j + 2], 16).expect("hex"))
            .collect();
        liangzheng::holder::HolderPublicKey::ed25519(&bytes).expect("key")
    });
    step("Issuer::validate", n, |i| {
        issuer.validate(&claims[i]).expect("valid");
    });
    let now = liangzheng::time::UnixTime(1_767_225_600);
    let issued = step("Issuer::issue (OsRng)", n, |i| {
        issuer
            .issue(&claims[i], Some(&holders[i]), now)
            .expect("issue")
    });
    let mut rng = rand_chacha::ChaCha20Rng::from_rng(rand_core::OsRng).expect("seed");
    step("Issuer::issue_with_rng (ChaCha20 from OsRng)", n, |i| {
        issuer
            .issue_with_rng(&claims[i], Some(&holders[i]), now, &mut rng)
            .expect("issue")
    });
    let b64s = step("to_bytes + base64url", n, |i| {
        liangzheng::b64::encode(&issued[i].to_bytes())
    });
    step("result line JSON", n, |i| {
        serde_json::to_string(&lz_registry::batch::ResultLine {
            line: i as u64,
            ok: true,
            request_id: Some(format!("0123456789abcdef0123456789abcdef:{i}")),
            license_number: Some(claims[i].license_number.clone()),
            list: Some(0),
            index: Some(i as u64),
            resumed: false,
            license: Some(b64s[i].clone()),
            error: None,
        })
        .expect("json")
    });
    let items: Vec<lz_registry::NewLicense> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| lz_registry::NewLicense {
            request_id: format!("0123456789abcdef0123456789abcdef:{i}"),
            license_type: c.license_type.clone(),
            license_number: c.license_number.clone(),
            holder_fingerprint: Some(lz_registry::holder_fingerprint(&holders[i])),
            key_id: issuer.key_id().to_hex(),
            issued_at: now.0,
            valid_from: c.valid_from.to_string(),
            valid_until: c.valid_until.map(|d| d.to_string()),
        })
        .collect();
    let tmp = std::env::temp_dir().join(format!("lz-stages-{}.db", std::process::id()));
    let (location, engine) = match std::env::var("LZ_BENCH_PG") {
        Ok(url) => (url, "PostgreSQL"),
        Err(_) => (tmp.to_string_lossy().into_owned(), "SQLite"),
    };
    let mut store =
        lz_registry::open(&location, &lz_registry::OpenOptions::default()).expect("open");
    store
        .init(
            &lz_registry::RegistryConfig {
                issuer_code: "11430000006122244L".into(),
                list_size: 1 << 20,
            },
            now.0,
        )
        .expect("init");
    let chunks: Vec<&[lz_registry::NewLicense]> = items.chunks(1000).collect();
    let per_chunk = n.div_ceil(chunks.len().max(1));
    step(
        &format!("Store::record ({engine}, 1,000 per tx)"),
        chunks.len(),
        |i| store.record(chunks[i]).expect("record"),
    );
    println!("  (the line above is per 1,000-line transaction: divide by {per_chunk})");
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
}
