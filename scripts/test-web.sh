#!/usr/bin/env bash
# The counter page's tests: builds web/ (scripts/build-web.sh), runs every test
# vector through the WebAssembly build in Node (same verdicts and codes as the
# Rust suite), then drives the page in Debian's Chromium with playwright-core
# against its own local static server: scanner gun, camera (fake device),
# 授权用证, lists kept across a reload, holder demo tab, phone size, and no
# request outside the page's own files. Screenshots go to $LZ_ARTIFACTS
# (default out/web-test/). Fails loudly when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOST_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PLAYWRIGHT_VERSION=1.65.1
NODE_PREFIX=$ROOT/build/web-node

started=$(date +%s)
for tool in node npm python3 ffmpeg /usr/bin/chromium wasm-bindgen; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-web: MISSING $tool (see scripts/install-deps.sh)" >&2; exit 1; }
done
if [ ! -f "$NODE_PREFIX/node_modules/playwright-core/index.mjs" ]; then
  echo "== npm install playwright-core@$PLAYWRIGHT_VERSION → build/web-node"
  mkdir -p "$NODE_PREFIX"
  npm install --prefix "$NODE_PREFIX" --no-save --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi
[ -f "$NODE_PREFIX/node_modules/playwright-core/index.mjs" ] || { echo "test-web: playwright-core did not install" >&2; exit 1; }

echo "== build the page (scripts/build-web.sh)"
bash scripts/build-web.sh
built=$(date +%s)

echo "== test vectors through the WebAssembly build (Node)"
node web/test/vectors.mjs

WORK=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A free port, then our own static server for web/ (stopped on exit).
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT/web" >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/index.html')" 2>/dev/null && break
  sleep 0.1
done
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/index.html')" \
  || { echo "test-web: the static server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

echo "== the page in Chromium (playwright-core)"
LZ_WEB_URL="http://127.0.0.1:$PORT" \
LZ_BIN="$HOST_TARGET_DIR/debug/lz" \
LZ_DEMO_DIR="$ROOT/web/pkg/demo" \
LZ_WORK="$WORK" \
LZ_ARTIFACTS="${LZ_ARTIFACTS:-$ROOT/out/web-test}" \
LZ_PLAYWRIGHT="$NODE_PREFIX/node_modules/playwright-core" \
  node web/test/browser.mjs

done_at=$(date +%s)
echo "== web tests passed (build $((built - started)) s, tests $((done_at - built)) s); screenshots in ${LZ_ARTIFACTS:-out/web-test}"
