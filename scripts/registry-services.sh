# Sourced by the registry scripts: starts a private PostgreSQL 15 cluster on a
# free local port (as the postgres user, in a temp dir) and a SoftHSM2 token
# directory, exports LZ_TEST_PG_URL / SOFTHSM2_CONF / LZ_PKCS11_MODULE, and
# stops the server at exit. Fails loudly when a tool is missing.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" softhsm2-util pkcs11-tool runuser; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || {
    echo "MISSING: $tool (scripts/install-deps.sh installs postgresql, softhsm2, opensc)" >&2; exit 1; }
done
LZ_PKCS11_MODULE="${LZ_PKCS11_MODULE:-}"
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -z "$LZ_PKCS11_MODULE" ] && [ -f "$m" ] && LZ_PKCS11_MODULE="$m"
done
[ -f "$LZ_PKCS11_MODULE" ] || { echo "MISSING: libsofthsm2.so (softhsm2)" >&2; exit 1; }
export LZ_PKCS11_MODULE

LZ_SVC_DIR="$(mktemp -d /tmp/lz-registry.XXXXXX)"
chmod 755 "$LZ_SVC_DIR"
mkdir -p "$LZ_SVC_DIR/pg"
chown postgres:postgres "$LZ_SVC_DIR/pg"

lz_services_stop() {
  if [ -f "$LZ_SVC_DIR/pg/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$LZ_SVC_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$LZ_SVC_DIR"
}
trap lz_services_stop EXIT

LZ_PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
runuser -u postgres -- "$PG_BIN/initdb" -D "$LZ_SVC_DIR/pg/data" -A trust -U lz >"$LZ_SVC_DIR/initdb.log" 2>&1 \
  || { cat "$LZ_SVC_DIR/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$LZ_SVC_DIR/pg/data" -l "$LZ_SVC_DIR/pg/server.log" \
  -o "-p $LZ_PG_PORT -k $LZ_SVC_DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync=on" -w start >/dev/null \
  || { cat "$LZ_SVC_DIR/pg/server.log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
export LZ_TEST_PG_URL="postgres://lz@127.0.0.1:$LZ_PG_PORT/postgres"
echo "== PostgreSQL 15 on 127.0.0.1:$LZ_PG_PORT ($LZ_SVC_DIR/pg)"

mkdir -p "$LZ_SVC_DIR/hsm/tokens"
cat >"$LZ_SVC_DIR/hsm/softhsm2.conf" <<CONF
directories.tokendir = $LZ_SVC_DIR/hsm/tokens
objectstore.backend = file
log.level = ERROR
CONF
export SOFTHSM2_CONF="$LZ_SVC_DIR/hsm/softhsm2.conf"
echo "== SoftHSM2 token dir $LZ_SVC_DIR/hsm/tokens (module $LZ_PKCS11_MODULE)"
