//! Writes `test-vectors/` from fixed demo seeds: `gen-vectors [DIR]` (default `test-vectors`).
//!
//! Each case is checked against the core verifier before it is written, so a
//! vector can never disagree with the implementation that produced it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "test-vectors".into()),
    );
    let cases = match lz_examples::vectors::generate() {
        Ok(c) => c,
        Err(err) => {
            eprintln!("gen-vectors: {err}");
            return ExitCode::FAILURE;
        }
    };
    let cases_dir = dir.join("cases");
    if let Err(err) = std::fs::create_dir_all(&cases_dir) {
        eprintln!("gen-vectors: cannot create {}: {err}", cases_dir.display());
        return ExitCode::FAILURE;
    }
    let requests_dir = dir.join("requests");
    let multiframe_dir = dir.join("multiframe");
    for d in [&requests_dir, &multiframe_dir] {
        if let Err(err) = std::fs::create_dir_all(d) {
            eprintln!("gen-vectors: cannot create {}: {err}", d.display());
            return ExitCode::FAILURE;
        }
    }
    // Remove stale cases so renamed vectors do not linger.
    for d in [&cases_dir, &requests_dir, &multiframe_dir] {
        if let Ok(entries) = std::fs::read_dir(d) {
            for entry in entries.flatten() {
                if entry.path().extension().is_some_and(|x| x == "json") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    for (name, text) in &cases {
        let path = cases_dir.join(name);
        if let Err(err) = std::fs::write(&path, text) {
            eprintln!("gen-vectors: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {} files under {}", cases.len(), dir.display());
    ExitCode::SUCCESS
}
