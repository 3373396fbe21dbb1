#!/usr/bin/env bash
# Builds the JVM jar of the bindings with the JDK's own tools (kotlinc + jar; no Maven or
# Gradle): the compiled generated Kotlin (package `liangzheng`) plus the native library at
# `linux-x86-64/libliangzheng_ffi.so`, where JNA looks for it on the classpath. Depends at
# run time on JNA (≥ 5.18.1 recommended, see docs/bindings.md "JVM jar") and kotlin-stdlib.
#
#   scripts/build-jar.sh [OUT_DIR]     default: $CARGO_TARGET_DIR/jvm (target/jvm)
#
# Env: KOTLINC (default node_modules/kotlin-compiler/bin/kotlinc, as scripts/test-kotlin.sh
# installs it), JNA_JAR (default /usr/share/java/jna.jar), LZ_PROFILE=release|debug
# (default release). Prints the jar's path on stdout. Fails loudly when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
die() { echo "build-jar: error: $*" >&2; exit 1; }

profile=${LZ_PROFILE:-release}
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
out=$(realpath -m "${1:-$target_dir/jvm}")
kotlinc=${KOTLINC:-$root/node_modules/kotlin-compiler/bin/kotlinc}
jna=${JNA_JAR:-/usr/share/java/jna.jar}
[[ -x $kotlinc ]] || die "kotlinc not found at $kotlinc (scripts/test-kotlin.sh installs npm kotlin-compiler)"
[[ -f $jna ]] || die "JNA not found at $jna (apt-get install libjna-java)"
command -v jar >/dev/null || die "jar not found (the JDK's jar tool: apt-get install openjdk-17-jdk-headless)"
command -v strip >/dev/null || die "strip not found (binutils)"

case $profile in
  release) cargo build --quiet -p liangzheng-ffi --lib --release ;;
  debug) cargo build --quiet -p liangzheng-ffi --lib ;;
  *) die "LZ_PROFILE must be release or debug, not $profile" ;;
esac
lib=$target_dir/$profile/libliangzheng_ffi.so
[[ -f $lib ]] || die "$lib not built"

version=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "liangzheng-ffi"))')
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/classes/linux-x86-64" "$out"
"$kotlinc" -nowarn -cp "$jna" -d "$stage/classes" bindings/kotlin/src/liangzheng/liangzheng_ffi.kt >&2 \
  || die "kotlinc failed on the generated bindings"
# JNA's resource prefix for Linux x86_64 (com.sun.jna.Platform.RESOURCE_PREFIX).
strip --strip-unneeded -o "$stage/classes/linux-x86-64/libliangzheng_ffi.so" "$lib"
cat >"$stage/MANIFEST.MF" <<MF
Implementation-Title: liangzheng
Implementation-Version: $version
Liangzheng-Native-Profile: $profile
MF
jar_path=$out/liangzheng-$version.jar
rm -f "$jar_path"
jar --create --file "$jar_path" --manifest "$stage/MANIFEST.MF" -C "$stage/classes" . || die "jar failed"

listing=$(jar --list --file "$jar_path")
grep -qx 'linux-x86-64/libliangzheng_ffi.so' <<<"$listing" || die "$jar_path lacks linux-x86-64/libliangzheng_ffi.so"
grep -qx 'liangzheng/Verifier.class' <<<"$listing" || die "$jar_path lacks liangzheng/Verifier.class"
echo "build-jar: $jar_path ($(stat -c %s "$jar_path") bytes, $(grep -c '\.class$' <<<"$listing") classes)" >&2
echo "$jar_path"
