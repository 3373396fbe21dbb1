#!/usr/bin/env bash
# Registry measurements, run by hand (not in CI): bulk issuance with the
# registry on SQLite and PostgreSQL against the bare signing floor and the
# registry-less `lz issue --batch`, on 1 and 2 cores (medians of REPS runs);
# 1,000,000 licenses into each engine (wall time, DB size per license, publish
# time with 1% revoked); HSM signatures/s through SoftHSM2 vs in-process.
#   N_BULK=100000 N_BIG=1000000 REPS=3 scripts/bench-registry.sh | tee bench.txt
# PARTS picks the parts (default all): bulk hsm big-sqlite big-pg, e.g.
#   PARTS=big-pg scripts/bench-registry.sh
# Results files of the big runs are deleted after use (≈ 1.7 GB each).
set -euo pipefail
cd "$(dirname "$0")/.."
N_BULK="${N_BULK:-100000}"; N_BIG="${N_BIG:-1000000}"; REPS="${REPS:-3}"
PARTS="${PARTS:-bulk hsm big-sqlite big-pg}"
part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
source scripts/registry-services.sh
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build -q --release -p liangzheng-examples --bin lz
cargo build -q --release -p liangzheng-registry --example registry_bench
LZ="$TARGET/release/lz"; RB="$TARGET/release/examples/registry_bench"
W="$LZ_SVC_DIR/work"; mkdir -p "$W"; chmod 777 "$W"
PSQL="$PG_BIN/psql"
createdb() { "$PSQL" -q -d "$LZ_TEST_PG_URL" -c "CREATE DATABASE $1" >/dev/null; echo "${LZ_TEST_PG_URL%/*}/$1"; }
CODE=11430000006122244L
"$LZ" keygen --out "$W/keys" >/dev/null; KEY="$W/keys/issuer.key.pem"
ISSUE=(issue --key "$KEY" --issuer-name 济南市公安局 --now 2026-01-01)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Times a command; its stderr goes to $W/err.log and a failure stops the script (loudly).
secs() {
  local t0 t1; t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$W/err.log" || { echo "FAILED: $*" >&2; cat "$W/err.log" >&2; exit 1; }
  t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); N_BULK=$N_BULK N_BIG=$N_BIG REPS=$REPS PARTS=$PARTS"
if part bulk; then
python3 scripts/gen-registry-batch.py "$N_BULK" >"$W/bulk.jsonl"
echo "Bulk issuance of $N_BULK holder-bound ID cards (3 Ed25519 signatures each), medians of $REPS runs."
echo "floor = in-process Ed25519 signatures/s on the same cores in the same run / 3;"
echo "(x %) = licenses/s / floor: the ratio to read on a loaded machine. Goal: registry SQLite >= 50 % on 2 cores."
echo "| cores | floor licenses/s (3 sig) | lz issue --batch (no registry) | registry SQLite | registry PostgreSQL | load |"
echo "|---:|---:|---:|---:|---:|---:|"
for cores in 1 2; do
  cpus="0-$((cores - 1))"
  export RAYON_NUM_THREADS=$cores
  fl=(); bare=(); sq=(); pg=()
  for r in $(seq 1 "$REPS"); do
    fl+=("$(taskset -c "$cpus" "$RB" floor "$cores" 3)")
    rm -rf "$W/bare"; t=$(secs taskset -c "$cpus" "$LZ" issue --key "$KEY" --issuer-name x --issuer-code "$CODE" --batch "$W/bulk.jsonl" --out-dir "$W/bare" --now 2026-01-01)
    bare+=("$(echo "$N_BULK / $t" | bc -l)")
    rm -f "$W/b.db"* "$W/b.out"; "$LZ" registry --db "$W/b.db" init --issuer-code "$CODE" >/dev/null
    t=$(secs taskset -c "$cpus" "$LZ" registry --db "$W/b.db" "${ISSUE[@]}" --batch "$W/bulk.jsonl" --out "$W/b.out")
    sq+=("$(echo "$N_BULK / $t" | bc -l)")
    db=$(createdb "bulk_${cores}_$r"); rm -f "$W/p.out"; "$LZ" registry --db "$db" init --issuer-code "$CODE" >/dev/null
    t=$(secs taskset -c "$cpus" "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$W/bulk.jsonl" --out "$W/p.out")
    pg+=("$(echo "$N_BULK / $t" | bc -l)")
  done
  f=$(printf '%s\n' "${fl[@]}" | median); f3=$(echo "$f / 3" | bc -l)
  b=$(printf '%s\n' "${bare[@]}" | median); s=$(printf '%s\n' "${sq[@]}" | median); p=$(printf '%s\n' "${pg[@]}" | median)
  printf '| %d | %.0f (%.0f sig/s) | %.0f (%.0f %%) | %.0f (%.0f %%) | %.0f (%.0f %%) | %s |\n' "$cores" "$f3" "$f" \
    "$b" "$(echo "100 * $b / $f3" | bc -l)" "$s" "$(echo "100 * $s / $f3" | bc -l)" "$p" "$(echo "100 * $p / $f3" | bc -l)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
  [ "$cores" = 2 ] && sq2=$(echo "100 * $s / $f3" | bc -l)
done
unset RAYON_NUM_THREADS
printf 'Goal (registry SQLite >= 50 %% of the floor on 2 cores): %.1f %% -> %s\n' "$sq2" \
  "$(if [ "$(echo "$sq2 >= 50" | bc -l)" = 1 ]; then echo met; else echo MISSED; fi)"
fi

if part hsm; then
echo; echo "HSM: signatures/s through SoftHSM2 2.6.1 (PKCS#11) vs an in-process key of the same algorithm, same run:"
export LZ_PKCS11_PIN=bench-pin LZ_HSM_TOKEN=bench
LZ_HSM_INIT=1 LZ_HSM_KEY=bench-ed LZ_BENCH_ALG=ed25519 "$RB" hsm 1 0.2 >/dev/null
LZ_HSM_INIT=key LZ_HSM_KEY=bench-p256 LZ_BENCH_ALG=p256 "$RB" hsm 1 0.2 >/dev/null
for alg in ed25519 p256; do
  case $alg in ed25519) label=bench-ed; name="Ed25519 (CKM_EDDSA)" ;; p256) label=bench-p256; name="P-256 (CKM_ECDSA over SHA-256, low-S)" ;; esac
  for th in 1 2; do
    h=$(LZ_HSM_KEY=$label LZ_BENCH_ALG=$alg "$RB" hsm "$th" 3); f=$(LZ_BENCH_ALG=$alg "$RB" floor "$th" 3)
    printf '  %s, %d thread(s): SoftHSM2 %s/s, in-process %s/s, ratio HSM/in-process %.2f\n' "$name" "$th" "$h" "$f" "$(echo "$h / $f" | bc -l)"
  done
done
unset LZ_HSM_KEY LZ_BENCH_ALG
fi

if part big-sqlite || part big-pg; then
echo; echo "$N_BIG licenses into each engine (2 cores, load $(cut -d' ' -f1-3 /proc/loadavg)):"
python3 scripts/gen-registry-batch.py "$N_BIG" >"$W/big.jsonl"
fi
if part big-sqlite; then
rm -f "$W/big.db"*; "$LZ" registry --db "$W/big.db" init --issuer-code "$CODE" >/dev/null
/usr/bin/time -f "%e s wall, %M KB max RSS" "$LZ" registry --db "$W/big.db" "${ISSUE[@]}" --batch "$W/big.jsonl" --out "$W/big-sq.out" 2>&1 >/dev/null | tail -2
sz=$(du -cb "$W/big.db"* | tail -1 | cut -f1)
echo "  SQLite: $sz bytes = $(echo "$sz / $N_BIG" | bc) B/license (incl. WAL)"
"$RB" revoke "$W/big.db" 100 "$W/big-sq.out" | sed 's/^/  revoked (1%): /'
for r in 1 2 3; do "$LZ" registry --db "$W/big.db" publish --key "$KEY" --ttl 86400 --out-dir "$W/pub-sq" 2>&1 >/dev/null | sed 's/^/  SQLite publish: /'; done
rm -f "$W/big-sq.out" "$W/big.db"*
fi
if part big-pg; then
db=$(createdb big)
"$LZ" registry --db "$db" init --issuer-code "$CODE" >/dev/null
/usr/bin/time -f "%e s wall, %M KB max RSS" "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$W/big.jsonl" --out "$W/big-pg.out" 2>&1 >/dev/null | tail -2
sz=$("$PSQL" -At -d "$db" -c "SELECT pg_database_size(current_database())")
empty=$("$PSQL" -At -d "$LZ_TEST_PG_URL" -c "SELECT pg_database_size('template1')")
echo "  PostgreSQL: $sz bytes ($(( (sz - empty) / N_BIG )) B/license above an empty database)"
"$RB" revoke "$db" 100 "$W/big-pg.out" | sed 's/^/  revoked (1%): /'
for r in 1 2 3; do "$LZ" registry --db "$db" publish --key "$KEY" --ttl 86400 --out-dir "$W/pub-pg" 2>&1 >/dev/null | sed 's/^/  PostgreSQL publish: /'; done
"$LZ" registry --db "$db" audit --key "$KEY" --published "$W/pub-pg" >/dev/null && echo "  PostgreSQL published lists == registry state"
rm -f "$W/big-pg.out"
fi
