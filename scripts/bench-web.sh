#!/usr/bin/env bash
# Benchmarks the web build against native on the same machine, same vectors,
# same loop (a benchmark, not a test; docs/benchmarks.md records the results):
#   - verify one presentation: WASM in Node (V8) vs native `Verifier::check`
#     (= core verify_text + the report conversion), and load lists + verify;
#   - camera frame decode, 640×480 RGBA, with and without a code: frames/s;
#   - the page's transfer size, gzip -9 (WASM + JS + HTML + CSS).
# Builds web/ first (scripts/build-web.sh). Medians; ratios against native in this run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/build-web.sh >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 640×480 frames: the demo ID card's QR (400 px) on white, and a frame without a code.
ffmpeg -loglevel error -y -i web/pkg/demo/id-card.png -vf "scale=400:400:flags=neighbor,pad=640:480:120:40:white" \
  -f rawvideo -pix_fmt rgba "$WORK/qr.rgba"
ffmpeg -loglevel error -y -f lavfi -i "testsrc=size=640x480:rate=1" -frames:v 1 -f rawvideo -pix_fmt rgba "$WORK/noqr.rgba"

cargo bench -q -p liangzheng-wasm --bench native -- "$WORK/qr.rgba" "$WORK/noqr.rgba" 2>/dev/null | grep '^{' > "$WORK/native.jsonl"
node web/test/bench.mjs "$WORK/qr.rgba" "$WORK/noqr.rgba" > "$WORK/wasm.jsonl"

python3 - "$WORK/native.jsonl" "$WORK/wasm.jsonl" <<'PY'
import json, sys
native = {j["name"]: j["median_us"] for j in map(json.loads, open(sys.argv[1]))}
wasm = {j["name"]: j["median_us"] for j in map(json.loads, open(sys.argv[2]))}
print("| measurement | native (µs, median) | WASM in Node (µs, median) | WASM / native |")
print("|---|---:|---:|---:|")
for name, n in native.items():
    w = wasm.get(name)
    extra = ""
    if name.startswith("decode"):
        extra = f" ({1e6 / w:.1f} frames/s WASM, {1e6 / n:.1f} native)"
    print(f"| {name}{extra} | {n:.1f} | {w:.1f} | {w / n:.2f}× |")
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
