//! Measurement helpers for `scripts/bench-registry.sh` (not a test):
//!
//! - `floor THREADS SECS`: bare Ed25519 signatures/s of an in-process key on
//!   THREADS rayon threads (the floor bulk issuance is compared with);
//! - `hsm THREADS SECS`: the same through PKCS#11 (`LZ_PKCS11_MODULE`,
//!   `LZ_PKCS11_PIN`, `LZ_HSM_TOKEN`, `LZ_HSM_KEY`), after provisioning the key
//!   when `LZ_HSM_INIT=1`;
//! - `revoke DB EVERY`: revokes every EVERY-th license of a registry through
//!   `Store::change_status` (to publish lists with revoked entries).

use std::sync::Arc;
use std::time::{Duration, Instant};

use liangzheng::keys::{IssuerKey, IssuerSigner};
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
            let key = IssuerKey::from_seed(&[1; 32]);
            println!("{:.0}", rate(&key, threads, secs));
        }
        "hsm" => {
            let threads: usize = arg(2).parse().expect("THREADS");
            let secs: f64 = arg(3).parse().expect("SECS");
            let module = std::path::PathBuf::from(env("LZ_PKCS11_MODULE"));
            let pin = Zeroizing::new(env("LZ_PKCS11_PIN"));
            let token = env("LZ_HSM_TOKEN");
            let label = env("LZ_HSM_KEY");
            if std::env::var("LZ_HSM_INIT").is_ok_and(|v| v == "1") {
                init_token(&module, &token, &Zeroizing::new("so-bench".into()), &pin)
                    .expect("init");
                generate_key(&module, &token, &pin, &label, HsmAlgorithm::Ed25519).expect("keygen");
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
