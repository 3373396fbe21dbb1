#!/usr/bin/env bash
# Benchmarks the web build against native on the same machine, same vectors,
# same loop (a benchmark, not a test; docs/benchmarks.md records the results):
#   - verify one presentation: WASM in Node (V8) and in headless Chromium vs
#     native `Verifier::check` (= core verify_text + the report conversion),
#     and load trust list + status lists + verify;
#   - camera frame decode, 640×480 RGBA, with and without a code: frames/s;
#   - the page's transfer size, gzip -9 (WASM + JS + HTML + CSS).
# LZ_BENCH_BITS64=1 also builds with curve25519-dalek's 64-bit backend on wasm32
# (`curve25519_dalek_bits="64"`) and times it in Node: the comparison behind
# build-web.sh keeping dalek's default.
# Builds web/ first (scripts/build-web.sh). Medians; ratios against native in this run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOST_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
NODE_PREFIX=$ROOT/build/web-node
bash scripts/build-web.sh >/dev/null
WORK=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${LZ_BENCH_BITS64:-0}" = 1 ]; then
  LZ_DALEK_BITS=64 LZ_WEB_PKG="$HOST_TARGET_DIR/wasm-web-bits64-pkg" bash scripts/build-web.sh >/dev/null
fi

# 640×480 frames: the demo ID card's QR (400 px) on white, and a frame without a code.
ffmpeg -loglevel error -y -i web/pkg/demo/id-card.png -vf "scale=400:400:flags=neighbor,pad=640:480:120:40:white" \
  -f rawvideo -pix_fmt rgba "$WORK/qr.rgba"
ffmpeg -loglevel error -y -f lavfi -i "testsrc=size=640x480:rate=1" -frames:v 1 -f rawvideo -pix_fmt rgba "$WORK/noqr.rgba"

uptime
cargo bench -q -p liangzheng-wasm --bench native -- "$WORK/qr.rgba" "$WORK/noqr.rgba" 2>/dev/null | grep '^{' > "$WORK/native.jsonl"
node web/test/bench.mjs "$WORK/qr.rgba" "$WORK/noqr.rgba" > "$WORK/node.jsonl"
: > "$WORK/bits32.jsonl"
if [ "${LZ_BENCH_BITS64:-0}" = 1 ]; then
  LZ_BENCH_WASM="$HOST_TARGET_DIR/wasm-web-bits64-pkg/liangzheng_bg.wasm" node web/test/bench.mjs > "$WORK/bits32.jsonl"
fi
: > "$WORK/chromium.jsonl"
if [ -f "$NODE_PREFIX/node_modules/playwright-core/index.mjs" ]; then
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT/web" >/dev/null 2>&1 &
  server_pid=$!
  sleep 1
  LZ_WEB_URL="http://127.0.0.1:$PORT" LZ_PLAYWRIGHT="$NODE_PREFIX/node_modules/playwright-core" LZ_WORK="$WORK" \
    node web/test/bench-browser.mjs "$WORK/qr.rgba" "$WORK/noqr.rgba" > "$WORK/chromium.jsonl"
else
  echo "(no playwright-core in build/web-node: run scripts/test-web.sh once for the Chromium column)"
fi
uptime

python3 - "$WORK" <<'PY'
import json, sys, os
d = sys.argv[1]
def load(n):
    p = os.path.join(d, n)
    return {j["name"]: j["median_us"] for j in map(json.loads, filter(str.strip, open(p)))}
native, node, chrome, b32 = load("native.jsonl"), load("node.jsonl"), load("chromium.jsonl"), load("bits32.jsonl")
def cell(m, name, n):
    w = m.get(name)
    if w is None:
        return "—"
    return f"{w:.0f} ({w / n:.2f}×)"
head = "| measurement | native µs | WASM Node µs (× native) | WASM Chromium µs (× native) |"
sep = "|---|---:|---:|---:|"
if b32:
    head += " WASM Node, dalek 64-bit cfg µs (× native) |"
    sep += "---:|"
print(head); print(sep)
for name, n in native.items():
    row = f"| {name} | {n:.0f} | {cell(node, name, n)} | {cell(chrome, name, n)} |"
    if b32:
        row += f" {cell(b32, name, n)} |"
    print(row)
print()
print("| frames/s (640×480) | native | WASM Node | WASM Chromium |")
print("|---|---:|---:|---:|")
for name, n in native.items():
    if name.startswith("decode"):
        fps = lambda m: f"{1e6 / m[name]:.1f}" if name in m else "—"
        print(f"| {name[len('decode '):]} | {1e6 / n:.1f} | {fps(node)} | {fps(chrome)} |")
PY

echo
echo "| file | bytes | gzip -9 |"
echo "|---|---:|---:|"
total=0; total_gz=0
for f in web/index.html web/style.css web/app.js web/lz.js web/pkg/liangzheng.js web/pkg/liangzheng_bg.wasm; do
  b=$(wc -c < "$f"); g=$(gzip -9c "$f" | wc -c)
  total=$((total + b)); total_gz=$((total_gz + g))
  echo "| $f | $b | $g |"
done
echo "| **total** | $total | **$total_gz** |"
