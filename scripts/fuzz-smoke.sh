#!/usr/bin/env bash
# Runs every fuzz target (`cargo fuzz list`: bundle_verify, cbor, credential_parse, portrait,
# presentation_parse, qr_frames, qr_text, request_authenticate, request_parse, status_list, trust_list, type_file,
# verify_full) for SECONDS (default 5) starting from the committed
# seeds in fuzz/seeds/<target>/, and fails on the first crash, panic, leak or
# timeout. The working corpus goes to fuzz/corpus/<target>/ (gitignored), so
# the committed seeds are never modified; crashes land in fuzz/artifacts/.
#
#   scripts/fuzz-smoke.sh            # 5 s per target
#   scripts/fuzz-smoke.sh 60         # 60 s per target
#   TARGETS="cbor qr_text" scripts/fuzz-smoke.sh 10
#
# The machine has only stable Rust; cargo-fuzz needs nightly flags
# (-Zsanitizer), which RUSTC_BOOTSTRAP=1 unlocks on stable.
set -euo pipefail

SECONDS_PER_TARGET="${1:-5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz…" >&2
    cargo install --locked cargo-fuzz
fi

cd "$FUZZ"
ALL_TARGETS="$(cargo fuzz list)"
TARGETS="${TARGETS:-$ALL_TARGETS}"

cargo fuzz build

failed=()
for t in $TARGETS; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="$(mktemp)"
    echo "== $t (${SECONDS_PER_TARGET}s)"
    # Corpus first (written to), seeds second (read only).
    if cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    else
        echo "!! $t failed:" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written|Base64' "$log" >&2 || tail -n 40 "$log" >&2
        failed+=("$t")
    fi
    rm -f "$log"
done

if ((${#failed[@]})); then
    echo "fuzz-smoke: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz-smoke: all targets ran ${SECONDS_PER_TARGET}s without a crash"
