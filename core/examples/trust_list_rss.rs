//! Memory of a loaded trust list, for `/usr/bin/time -v` (scripts/bench.sh):
//!
//! `trust_list_rss gen N FILE` writes a signed list of N entries (root seed 9);
//! `trust_list_rss load FILE` loads it into a `Verifier` and holds it while
//! printing the entry count, so the peak RSS of `load` at N minus that at 1 is
//! the memory the list costs (the file bytes included: a verifier reads them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use liangzheng::keys::{IssuerKey, IssuerSigner as _};
use liangzheng::time::UnixTime;
use liangzheng::trust::{TrustStore, TrustedIssuer};
use liangzheng::verify::Verifier;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = IssuerKey::from_seed(&[9; 32]);
    match args.get(1).map(String::as_str) {
        Some("gen") => {
            let n: u32 = args[2].parse().expect("N");
            let issuers = (0..n)
                .map(|i| {
                    use sha2::Digest as _;
                    TrustedIssuer {
                        public_key: sha2::Sha256::digest(format!("filler {i}")).into(),
                        name_zh: format!("第{i}号县公安局"),
                        name_en: format!("County Public Security Bureau No. {i}"),
                        code: "11370100004307520K".into(),
                        region: "370100".into(),
                        types: vec!["11100000000013338W901".into()],
                        not_before: 0,
                        not_after: None,
                    }
                })
                .collect();
            let bytes = TrustStore {
                issuers,
                issued_at: UnixTime(1_767_225_600),
                expires: None,
            }
            .sign(&root)
            .expect("sign");
            std::fs::write(&args[3], bytes).expect("write");
        }
        Some("load") => {
            let bytes = std::fs::read(&args[2]).expect("read");
            let store = TrustStore::from_signed(&bytes, &root.public_key()).expect("load");
            drop(bytes);
            let verifier = Verifier::new(store);
            println!("{} entries loaded", verifier.trust().issuers.len());
        }
        _ => {
            eprintln!("usage: trust_list_rss gen N FILE | load FILE");
            std::process::exit(2);
        }
    }
}
