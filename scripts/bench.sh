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
