#!/usr/bin/env bash
# Runs core's property tests on fresh random seeds with many cases, printing each
# seed. scripts/test-all.sh (and so CI) runs them on one fixed seed, so that the
# same cases are tested everywhere; this is how to look beyond that seed.
# A failing seed reproduces with: PROPTEST_RNG_SEED=<seed> cargo test -p liangzheng
# Usage: scripts/proptest-explore.sh [cases per property, default 20000] [rounds, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}"
rounds="${2:-1}"
for ((round = 1; round <= rounds; round++)); do
    seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
    echo "round $round of $rounds: PROPTEST_RNG_SEED=$seed PROPTEST_CASES=$cases"
    PROPTEST_RNG_SEED="$seed" PROPTEST_CASES="$cases" \
        cargo test -p liangzheng --all-features --lib --test proptest_roundtrip --test untrusted_arithmetic
done
