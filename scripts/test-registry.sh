#!/usr/bin/env bash
# The registry's tests, with the servers they need started here:
#  1. the registry suite on SQLite and on a private PostgreSQL 15, the resume
#     test, and HSM signing through SoftHSM2 (cargo test --include-ignored);
#  2. two concurrent issuing processes, 50,000 licenses each, against one
#     SQLite file and against one PostgreSQL database: no slot twice, none
#     skipped without a record (lz registry audit);
#  3. the crash test: kill -9 in the middle of a 100,000-license batch, resume,
#     audit results and registry, revoke, publish, audit the published lists;
#  4. durability: a revocation survives a PostgreSQL crash (pg_ctl -m immediate)
#     right after the command returned;
#  5. the CLI with a key pkcs11-tool generated in SoftHSM2 (Ed25519);
#  6. a P-256 key pkcs11-tool generated: `lz registry public-key` exports it (== the
#     token's own key via pkcs11-tool + openssl), it goes into a trust list, signs
#     ES256 licenses and a status list that lz verify and pyca/cryptography accept.
# Fails loudly when postgresql, softhsm2 or opensc is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
T0=$(date +%s)
step() { echo; echo "------------- registry: $* ($(( $(date +%s) - T0 )) s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

source scripts/registry-services.sh
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
WORK="$LZ_SVC_DIR/work"; mkdir -p "$WORK"; chmod 777 "$WORK"
PSQL="$PG_BIN/psql"
createdb() { "$PSQL" -q -d "$LZ_TEST_PG_URL" -c "CREATE DATABASE $1" >/dev/null; echo "${LZ_TEST_PG_URL%/*}/$1"; }

step "cargo test -p liangzheng-registry --include-ignored (SQLite + PostgreSQL suite, resume, SoftHSM2)"
cargo test -q -p liangzheng-registry -- --include-ignored

step "release build of lz"
cargo build -q --release -p liangzheng-examples --bin lz
LZ="$TARGET/release/lz"
[ -x "$LZ" ] || fail "no $LZ"

CODE=11430000006122244L
"$LZ" keygen --out "$WORK/keys" >/dev/null
KEY="$WORK/keys/issuer.key.pem"
[ -f "$KEY" ] || fail "keygen wrote no $KEY"
python3 scripts/gen-registry-batch.py 50000 0 >"$WORK/a.jsonl"
python3 scripts/gen-registry-batch.py 50000 50000 >"$WORK/b.jsonl"
python3 scripts/gen-registry-batch.py 100000 200000 >"$WORK/crash.jsonl"
ISSUE=(issue --key "$KEY" --issuer-name 济南市公安局 --now 2026-01-01)

concurrent() { # $1 = db location, $2 = tag
  local db="$1" tag="$2"
  "$LZ" registry --db "$db" init --issuer-code "$CODE" --list-size 65536 >/dev/null
  "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$WORK/a.jsonl" --out "$WORK/$tag-a.jsonl" >"$WORK/$tag-a.report" 2>"$WORK/$tag-a.log" &
  local pa=$!
  "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$WORK/b.jsonl" --out "$WORK/$tag-b.jsonl" >"$WORK/$tag-b.report" 2>"$WORK/$tag-b.log" &
  local pb=$!
  wait $pa || { cat "$WORK/$tag-a.log" >&2; fail "$tag: process A failed"; }
  wait $pb || { cat "$WORK/$tag-b.log" >&2; fail "$tag: process B failed"; }
  tail -n1 "$WORK/$tag-a.log"; tail -n1 "$WORK/$tag-b.log"
  "$LZ" registry --db "$db" audit --results "$WORK/$tag-a.jsonl" --results "$WORK/$tag-b.jsonl" >"$WORK/$tag-audit.json" \
    || { cat "$WORK/$tag-audit.json" >&2; fail "$tag: audit found problems"; }
  python3 - "$WORK/$tag-audit.json" "$WORK/$tag-a.jsonl" "$WORK/$tag-b.jsonl" <<'PY'
import json, sys
audit = json.load(open(sys.argv[1]))
slots, lists = set(), {}
for path in sys.argv[2:]:
    for line in open(path):
        r = json.loads(line)
        assert r["ok"], r
        s = (r["list"], r["index"])
        assert s not in slots, f"slot {s} used twice"
        slots.add(s)
        lists.setdefault(r["list"], []).append(r["index"])
assert len(slots) == 100000, len(slots)
# No slot skipped: the lists are filled densely from 0 (65536 entries each).
assert sorted(lists) == [0, 1], sorted(lists)
assert sorted(lists[0]) == list(range(65536))
assert sorted(lists[1]) == list(range(100000 - 65536))
reg = audit["registry"]
assert reg["licenses"] == reg["allocated"] == 100000 and reg["gaps"] == 0 and reg["duplicate_slots"] == 0, reg
print(f"  100,000 licenses from 2 processes: 100,000 distinct slots, lists 0 (65,536) and 1 (34,464) dense, registry clean")
PY
}

step "two concurrent issuing processes, 50,000 each, one SQLite file"
concurrent "$WORK/conc.db" sqlite
step "two concurrent issuing processes, 50,000 each, one PostgreSQL database"
concurrent "$(createdb conc)" pg

crash() { # $1 = db location, $2 = tag
  local db="$1" tag="$2" out="$WORK/$2-crash.jsonl"
  "$LZ" registry --db "$db" init --issuer-code "$CODE" >/dev/null
  "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$WORK/crash.jsonl" --out "$out" >/dev/null 2>"$WORK/$tag-crash1.log" &
  local pid=$!
  for _ in $(seq 1 600); do
    [ -f "$out" ] && [ "$(wc -l <"$out")" -ge 30000 ] && break
    kill -0 $pid 2>/dev/null || fail "$tag: issuing process ended before the kill"
    sleep 0.05
  done
  kill -9 $pid; wait $pid 2>/dev/null || true
  local before; before=$(wc -l <"$out")
  [ "$before" -lt 100000 ] || fail "$tag: the batch finished before the kill"
  echo "  killed -9 after $before result lines (tail byte: $(tail -c1 "$out" | od -An -c | tr -d ' '))"
  "$LZ" registry --db "$db" "${ISSUE[@]}" --batch "$WORK/crash.jsonl" --out "$out" >"$WORK/$tag-resume.json" 2>"$WORK/$tag-crash2.log" \
    || { cat "$WORK/$tag-crash2.log" >&2; fail "$tag: resume failed"; }
  echo "  resume: $(cat "$WORK/$tag-resume.json")"
  python3 - "$out" <<'PY'
import json, sys
seen, slots = set(), set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["ok"], r
    assert r["line"] not in seen, f"line {r['line']} twice"
    seen.add(r["line"])
    s = (r["list"], r["index"])
    assert s not in slots, f"slot {s} twice"
    slots.add(s)
assert seen == set(range(1, 100001)), len(seen)
print("  100,000 result lines, each input line once, 100,000 distinct slots")
PY
  # Revoke / suspend a few, publish, and check the lists equal the registry exactly.
  for n in 200001 200500 250000; do
    local num; num=$(sed -n "$((n - 200000))p" "$WORK/crash.jsonl" | python3 -c 'import json,sys; l=json.load(sys.stdin); print((l.get("claims") or l)["license_number"])')
    "$LZ" registry --db "$db" revoke --number "$num" --reason 挂失 --actor op1 --note "crash test" >/dev/null
  done
  "$LZ" registry --db "$db" suspend --number "$(sed -n 7p "$WORK/crash.jsonl" | python3 -c 'import json,sys; l=json.load(sys.stdin); print((l.get("claims") or l)["license_number"])')" --reason withheld --actor op1 >/dev/null
  "$LZ" registry --db "$db" publish --key "$KEY" --ttl 86400 --out-dir "$WORK/$tag-pub" >"$WORK/$tag-pub.log"
  "$LZ" registry --db "$db" audit --key "$KEY" --results "$out" --published "$WORK/$tag-pub" >"$WORK/$tag-crash-audit.json" \
    || { cat "$WORK/$tag-crash-audit.json" >&2; fail "$tag: audit after the crash found problems"; }
  python3 - "$WORK/$tag-crash-audit.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
r = a["registry"]
assert a["problems"] == 0 and a["result_lines_ok"] == 100000, a
assert r["licenses"] == r["allocated"] == 100000 and r["gaps"] == 0 and r["duplicate_slots"] == 0, r
assert a["published_lists_checked"] == 1, a
print(f"  audit: every output license in the registry with its slot; registry {r}; published list == registry state")
PY
}

step "crash test: kill -9 during a 100,000-license batch (SQLite), resume, publish, audit"
crash "$WORK/crash.db" sqlite
step "crash test: kill -9 during a 100,000-license batch (PostgreSQL), resume, publish, audit"
crash "$(createdb crash)" pg

step "durability: a revocation survives a PostgreSQL crash right after the command returns"
DB="$(createdb durable)"
"$LZ" registry --db "$DB" init --issuer-code "$CODE" --list-size 1024 >/dev/null
head -n 3 "$WORK/a.jsonl" >"$WORK/three.jsonl"
"$LZ" registry --db "$DB" "${ISSUE[@]}" --batch "$WORK/three.jsonl" --out "$WORK/three-out.jsonl" >/dev/null 2>&1
NUM=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["license_number"])' "$WORK/three-out.jsonl")
"$LZ" registry --db "$DB" revoke --number "$NUM" --reason cancelled --actor op2 >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$LZ_SVC_DIR/pg/data" -m immediate -w stop >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$LZ_SVC_DIR/pg/data" -l "$LZ_SVC_DIR/pg/server.log" \
  -o "-p $LZ_PG_PORT -k $LZ_SVC_DIR/pg -c listen_addresses=127.0.0.1" -w start >/dev/null
"$LZ" registry --db "$DB" history --number "$NUM" | python3 -c '
import json, sys
h = json.load(sys.stdin)
assert h["license"]["status"] == "revoked" and h["history"][-1]["reason"] == "cancelled", h
print("  revocation present after an immediate (crash) shutdown and restart")'
# Refused commands change nothing and say why in both languages.
set +e
MSG=$("$LZ" registry --db "$DB" revoke --number NO-SUCH --reason lost --actor op2 2>&1); RC=$?
set -e
[ $RC -ne 0 ] && echo "$MSG" | grep -q "登记簿中没有该证照" && echo "$MSG" | grep -q "no license" || fail "unknown license: $RC $MSG"
set +e
MSG=$("$LZ" registry --db "$DB" revoke --number "$NUM" --reason lost --actor op2 2>&1); RC=$?
set -e
[ $RC -ne 0 ] && echo "$MSG" | grep -q "不能" && echo "$MSG" | grep -q "cannot revoke" || fail "second revoke: $RC $MSG"
"$LZ" registry --db "$DB" history --number "$NUM" | python3 -c '
import json, sys
h = json.load(sys.stdin); assert len(h["history"]) == 1, h
print("  unknown license and repeated revoke refused in 中文 and English; history unchanged")'

step "verifier (lz verify) given published files: revocations before the publish seen, after it not"
"$LZ" trust init-root --out "$WORK/root" >/dev/null
"$LZ" trust add --list "$WORK/draft.json" --issuer-key "$KEY" --name 济南市公安局 --name-en "Jinan PSB" \
  --code "$CODE" --region 370100 --types cn.resident-id-card --from 2025-01-01 >/dev/null
"$LZ" trust sign --list "$WORK/draft.json" --root-key "$WORK/root/root.key.pem" --expires 2027-01-01 --now 2025-12-31 --out "$WORK/trust.json" >/dev/null
"$LZ" registry --db "$WORK/verify.db" init --issuer-code "$CODE" --list-size 1024 >/dev/null
for i in 1 2; do
  "$LZ" keygen --holder --out "$WORK/h$i" >/dev/null
  # The batch line is {"claims": …, "holder_key": …}: --claims takes the claims alone.
  sed -n "$((i + 1))p" "$WORK/a.jsonl" \
    | python3 -c 'import json,sys; l=json.load(sys.stdin); print(json.dumps(l.get("claims", l), ensure_ascii=False))' >"$WORK/c$i.json"
  "$LZ" registry --db "$WORK/verify.db" "${ISSUE[@]}" --claims "$WORK/c$i.json" --holder-key "$(cat "$WORK/h$i/holder.pub")" --out "$WORK/l$i.txt" >/dev/null
done
num() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["license_number"])' "$1"; }
"$LZ" registry --db "$WORK/verify.db" revoke --number "$(num "$WORK/c1.json")" --reason lost --actor op4 >/dev/null
"$LZ" registry --db "$WORK/verify.db" publish --key "$KEY" --ttl 86400 --now 2026-01-01 --out-dir "$WORK/vpub1" >/dev/null
"$LZ" registry --db "$WORK/verify.db" revoke --number "$(num "$WORK/c2.json")" --reason cancelled --actor op4 >/dev/null
"$LZ" registry --db "$WORK/verify.db" publish --key "$KEY" --ttl 86400 --now 2026-01-01 --out-dir "$WORK/vpub2" >/dev/null
verdict() { # license, status dir -> exit code of lz verify
  local qr; qr=$("$LZ" present --wallet-seed "${1%.txt}.seed" --license "$1" --fields name,id_number --now 1767196810 2>/dev/null || true)
  set +e; "$LZ" verify --text "$qr" --trust "$WORK/trust.json" --root-key "$WORK/root/root.pub.pem" \
    --status "$2/status-0.json" --now 1767196815 >/dev/null 2>&1; local rc=$?; set -e; echo $rc; }
for i in 1 2; do ln -sf "$WORK/h$i/holder.key.json" "$WORK/l$i.seed"; done
R1=$(verdict "$WORK/l1.txt" "$WORK/vpub1"); R2=$(verdict "$WORK/l2.txt" "$WORK/vpub1"); R3=$(verdict "$WORK/l2.txt" "$WORK/vpub2")
[ "$R1" = 1 ] && [ "$R2" = 0 ] && [ "$R3" = 1 ] || fail "lz verify: revoked-before $R1 (want 1), revoked-after with old list $R2 (want 0), with new list $R3 (want 1)"
python3 - "$WORK/vpub1/publication.json" "$WORK/vpub2/publication.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["lists"][0] for p in sys.argv[1:])
assert b["seq"] > a["seq"] and b["issued_at"] == a["issued_at"] + 1 and b["as_of_change"] > a["as_of_change"], (a, b)
print(f"  lz verify: revoked before publish -> invalid; revoked after -> valid with that list, invalid with the next (seq {a['seq']}->{b['seq']}, iat +1 s)")
PY

step "CLI with an Ed25519 key generated by pkcs11-tool in SoftHSM2"
# Throwaway PINs of a temp test token: softhsm2-util and pkcs11-tool take them as
# arguments; lz itself reads the PIN only from LZ_PKCS11_PIN or a prompt.
softhsm2-util --init-token --free --label lz-cli --so-pin 87654321 --pin 12345678 >/dev/null
pkcs11-tool --module "$LZ_PKCS11_MODULE" --token-label lz-cli --login --pin 12345678 \
  --keypairgen --key-type EC:edwards25519 --label issuer-cli >/dev/null
export LZ_PKCS11_PIN=12345678
HSM=(--pkcs11-module "$LZ_PKCS11_MODULE" --token-label lz-cli --key-label issuer-cli)
"$LZ" registry --db "$WORK/hsm.db" init --issuer-code "$CODE" --list-size 1024 >/dev/null
head -n 200 "$WORK/b.jsonl" >"$WORK/hsm-batch.jsonl"
"$LZ" registry --db "$WORK/hsm.db" issue "${HSM[@]}" --issuer-name 济南市公安局 --now 2026-01-01 \
  --batch "$WORK/hsm-batch.jsonl" --out "$WORK/hsm-out.jsonl" >/dev/null
"$LZ" registry --db "$WORK/hsm.db" revoke --number "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["license_number"])' "$WORK/hsm-out.jsonl")" --reason lost --actor op3 >/dev/null
"$LZ" registry --db "$WORK/hsm.db" publish "${HSM[@]}" --ttl 3600 --out-dir "$WORK/hsm-pub" >/dev/null
"$LZ" registry --db "$WORK/hsm.db" audit "${HSM[@]}" --results "$WORK/hsm-out.jsonl" --published "$WORK/hsm-pub" >"$WORK/hsm-audit.json" \
  || { cat "$WORK/hsm-audit.json" >&2; fail "HSM audit"; }
set +e
MSG=$(LZ_PKCS11_PIN=wrong "$LZ" registry --db "$WORK/hsm.db" publish "${HSM[@]}" --ttl 3600 --out-dir "$WORK/hsm-pub2" 2>&1); RC=$?
set -e
[ $RC -ne 0 ] && echo "$MSG" | grep -q "PKCS#11" || fail "wrong PIN accepted: $MSG"
echo "  200 licenses and a status list signed in SoftHSM2 (key from pkcs11-tool), audited; wrong PIN refused"

step "CLI with a P-256 key generated by pkcs11-tool in SoftHSM2: exported as PEM, trusted, signs ES256 licenses and a status list"
pkcs11-tool --module "$LZ_PKCS11_MODULE" --token-label lz-cli --login --pin 12345678 \
  --keypairgen --key-type EC:prime256v1 --label issuer-p256 >/dev/null
P256=(--pkcs11-module "$LZ_PKCS11_MODULE" --token-label lz-cli --key-label issuer-p256)
"$LZ" registry public-key "${P256[@]}" --out "$WORK/p256.pub.pem" 2>"$WORK/p256.info"
grep -q "P-256" "$WORK/p256.info" || fail "lz registry public-key: $(cat "$WORK/p256.info")"
# Independent of lz: the token's own public-key object, exported by pkcs11-tool and
# turned into PEM by openssl, is byte-equal to what lz exported.
pkcs11-tool --module "$LZ_PKCS11_MODULE" --token-label lz-cli --read-object --type pubkey \
  --label issuer-p256 -o "$WORK/p256.p11.der" >/dev/null 2>&1 || fail "pkcs11-tool --read-object"
openssl pkey -pubin -inform DER -in "$WORK/p256.p11.der" -out "$WORK/p256.openssl.pem" || fail "openssl pkey"
cmp -s "$WORK/p256.pub.pem" "$WORK/p256.openssl.pem" || fail "exported PEM differs from the token's public key (pkcs11-tool + openssl)"
set +e
MSG=$(env -u LZ_PKCS11_PIN "$LZ" registry public-key "${P256[@]}" </dev/null 2>&1); RC=$?
set -e
[ $RC -ne 0 ] && echo "$MSG" | grep -q "LZ_PKCS11_PIN" || fail "public-key without a PIN source: $RC $MSG"
"$LZ" trust add --list "$WORK/draft256.json" --issuer-key "$WORK/p256.pub.pem" --name 济南市公安局 --name-en "Jinan PSB" \
  --code "$CODE" --region 370100 --types cn.resident-id-card --from 2025-01-01 >/dev/null
"$LZ" trust sign --list "$WORK/draft256.json" --root-key "$WORK/root/root.key.pem" --expires 2027-01-01 --now 2025-12-31 --out "$WORK/trust256.json" >/dev/null
"$LZ" registry --db "$WORK/p256.db" init --issuer-code "$CODE" --list-size 1024 >/dev/null
for i in 1 2; do
  "$LZ" registry --db "$WORK/p256.db" issue "${P256[@]}" --issuer-name 济南市公安局 --now 2026-01-01 \
    --claims "$WORK/c$i.json" --holder-key "$(cat "$WORK/h$i/holder.pub")" --out "$WORK/p$i.txt" >/dev/null
  ln -sf "$WORK/h$i/holder.key.json" "$WORK/p$i.seed"
done
"$LZ" registry --db "$WORK/p256.db" revoke --number "$(num "$WORK/c1.json")" --reason lost --actor op5 >/dev/null
"$LZ" registry --db "$WORK/p256.db" publish "${P256[@]}" --ttl 86400 --now 2026-01-01 --out-dir "$WORK/ppub" >/dev/null
"$LZ" registry --db "$WORK/p256.db" audit "${P256[@]}" --published "$WORK/ppub" >/dev/null || fail "P-256 HSM audit"
pverdict() { # license -> exit code of lz verify against the P-256 trust list
  local qr; qr=$("$LZ" present --wallet-seed "${1%.txt}.seed" --license "$1" --fields name,id_number --now 1767196810 2>/dev/null || true)
  set +e; "$LZ" verify --text "$qr" --trust "$WORK/trust256.json" --root-key "$WORK/root/root.pub.pem" \
    --status "$WORK/ppub/status-0.json" --now 1767196815 >/dev/null 2>&1; local rc=$?; set -e; echo $rc; }
P1=$(pverdict "$WORK/p1.txt"); P2=$(pverdict "$WORK/p2.txt")
[ "$P1" = 1 ] && [ "$P2" = 0 ] || fail "lz verify with the HSM P-256 issuer: revoked $P1 (want 1), valid $P2 (want 0)"
# Independent check with pyca/cryptography (not our code): every COSE_Sign1 the HSM
# made (credentials, views, the status list) is ES256 (-9), low-S, and verifies
# under the exported PEM; a flipped byte does not.
python3 - "$WORK/p256.pub.pem" "$WORK/ppub/status-0.json" "$WORK/p1.txt" "$WORK/p2.txt" <<'PY'
import base64, json, sys
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
def b64u(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
key = serialization.load_pem_public_key(open(sys.argv[1], "rb").read())
assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
def check(sign1, what):
    obj = cbor2.loads(sign1)
    protected, _, payload, sig = obj.value if isinstance(obj, cbor2.CBORTag) else obj
    assert cbor2.loads(protected)[1] == -9, (what, cbor2.loads(protected))
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    assert len(sig) == 64 and 0 < r < N and 0 < s <= N // 2, (what, "not low-S")
    key.verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA256()))
    try:
        key.verify(encode_dss_signature(r, s), tbs[:-1] + bytes([tbs[-1] ^ 1]), ec.ECDSA(hashes.SHA256()))
        raise SystemExit(f"{what}: altered message verified")
    except InvalidSignature:
        pass
n = 0
check(b64u(json.load(open(sys.argv[2]))["cose"]), "status list"); n += 1
for path in sys.argv[3:]:
    lic = cbor2.loads(b64u(open(path).read().strip()))
    check(lic[1], path); n += 1
    for view in lic.get(3, []):
        check(view[1], path + " view"); n += 1
print(f"  P-256 HSM key: PEM export == pkcs11-tool/openssl; revoked -> invalid, other -> valid (lz verify); {n} COSE signatures ES256, low-S, verified by pyca/cryptography")
PY

step "registry tests passed in $(( $(date +%s) - T0 )) s"
