#!/usr/bin/env bash
# Runs the core benches with a short measurement time and prints the tables
# that docs/benchmarks.md records: medians with ratios to the bare Ed25519
# operations measured in the same run, and the size report.
#
#   scripts/bench.sh            # 2 s measurement per bench
#   MEASURE=10 scripts/bench.sh # longer, steadier
#
# Wall time on a shared VM is noisy: compare ratios within one run, not
# absolute numbers across runs.
set -euo pipefail

MEASURE="${MEASURE:-2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ARGS=(--warm-up-time 1 --measurement-time "$MEASURE" --noplot)

echo "== size report"
cargo bench -p liangzheng --bench size_report
echo "== QR decode from PNG (feature scan)"
cargo bench -p liangzheng --features scan --bench qr_scan -- "${ARGS[@]}"
# Last, so its table (which also reads qr_scan's result) is current.
echo "== pipeline"
cargo bench -p liangzheng --bench pipeline -- "${ARGS[@]}"
echo "== trust lists at national scale (load time, per-scan cost)"
cargo bench -p liangzheng --bench trust_list -- "${ARGS[@]}"
echo "== trust list memory (peak RSS of loading into a Verifier, /usr/bin/time -v)"
[ -x /usr/bin/time ] || { echo "FAIL: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
cargo build --release -q -p liangzheng --example trust_list_rss
RSS_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/trust_list_rss"
RSS_TMP="$(mktemp -d)"
trap 'rm -rf "$RSS_TMP"' EXIT
echo "| entries | list bytes | peak RSS |"
echo "|---:|---:|---:|"
for n in 1 1000 10000 50000; do
  "$RSS_BIN" gen "$n" "$RSS_TMP/$n.cbor"
  rss=$(/usr/bin/time -v "$RSS_BIN" load "$RSS_TMP/$n.cbor" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')
  echo "| $n | $(stat -c %s "$RSS_TMP/$n.cbor") | ${rss} KiB |"
done
