#!/usr/bin/env bash
# Kotlin tests of the UniFFI bindings: compiles bindings/kotlin/src + bindings/kotlin/test
# with a real kotlinc and runs them on the JVM (JNA) against the built libliangzheng_ffi.so.
# Runs every test vector, the wallet → QR → verifier flow, and a Kotlin DeviceSigner with
# java.security P-256 keys; then reports the per-call cost of verify through Kotlin.
#
# Installs what it needs when missing (Debian libjna-java, npm kotlin-compiler); fails
# loudly, never skips. Env: LZ_PROFILE=release|debug (default release), LZ_BENCH=0 to skip
# the timing, KOTLIN_COMPILER_VERSION (default pinned below).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
profile=${LZ_PROFILE:-release}
kotlin_version=${KOTLIN_COMPILER_VERSION:-2.4.20}

die() { echo "test-kotlin: error: $*" >&2; exit 1; }

# --- tools --------------------------------------------------------------------
command -v java >/dev/null || die "java not found (install a JDK 17: apt-get install -y openjdk-17-jdk-headless)"
jna=/usr/share/java/jna.jar
if [[ ! -f $jna ]]; then
  echo "test-kotlin: installing libjna-java" >&2
  apt-get install -y libjna-java >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y libjna-java >/dev/null; } \
    || die "could not install libjna-java"
fi
[[ -f $jna ]] || die "$jna missing after installing libjna-java"

kotlinc=$root/node_modules/kotlin-compiler/bin/kotlinc
have_version=$(node -p "require('$root/node_modules/kotlin-compiler/package.json').version" 2>/dev/null || true)
if [[ ! -x $kotlinc || $have_version != "$kotlin_version" ]]; then
  command -v npm >/dev/null || die "npm not found (needed to install kotlin-compiler)"
  echo "test-kotlin: installing kotlin-compiler@$kotlin_version with npm" >&2
  npm install --prefix "$root" --no-save --no-audit --no-fund "kotlin-compiler@$kotlin_version" >/dev/null \
    || die "npm install kotlin-compiler failed"
fi
[[ -x $kotlinc ]] || die "$kotlinc missing after npm install"

# --- build --------------------------------------------------------------------
scripts/gen-bindings.sh --check
if [[ $profile == release ]]; then
  cargo build --quiet -p liangzheng-ffi --lib --release
  libdir=${CARGO_TARGET_DIR:-$root/target}/release
else
  cargo build --quiet -p liangzheng-ffi --lib
  libdir=${CARGO_TARGET_DIR:-$root/target}/debug
fi
[[ -f $libdir/libliangzheng_ffi.so ]] || die "$libdir/libliangzheng_ffi.so not built"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "test-kotlin: compiling with $("$kotlinc" -version 2>&1 | grep -o 'kotlinc-jvm [0-9.]*')" >&2
"$kotlinc" -nowarn -include-runtime -cp "$jna" -d "$out/tests.jar" \
  bindings/kotlin/src/liangzheng/liangzheng_ffi.kt bindings/kotlin/test/*.kt \
  || die "kotlinc failed"

# --- run ----------------------------------------------------------------------
bench=--bench
[[ ${LZ_BENCH:-1} == 0 ]] && bench=
java -Djna.library.path="$libdir" -cp "$out/tests.jar:$jna" liangzheng.test.MainKt "$root" $bench
