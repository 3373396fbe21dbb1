//! `lz` — the liangzheng (亮证) command line.
//!
//! One binary for every role around an offline-verifiable electronic license:
//! the issuing authority (`keygen`, `issue`, `status`), the root of trust
//! (`trust`), the holder's wallet (`present`), the verifier (`request`,
//! `verify`, `qr`), and `demo`, which plays the whole story with the public demo
//! keys and checks every expected outcome. Run `lz --help` or `lz <command> --help`.
//!
//! Exit codes: 0 success (for `verify`: verdict valid); 1 a verification came
//! out invalid, or a batch line or demo expectation failed; 2 usage or
//! input/output error; 3 verdict indeterminate.

mod cli;

/// mimalloc instead of glibc malloc: bulk issuance allocates per field and per
/// signature on every core (docs/benchmarks.md, "Bulk issuance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
