#!/usr/bin/env bash
# Kotlin tests of the UniFFI bindings: builds the JVM jar (scripts/build-jar.sh: compiled bindings +
# linux-x86-64/libliangzheng_ffi.so), compiles bindings/kotlin/test against it
# with a real kotlinc and runs them with a plain `java -cp` (JNA loads the library from the jar).
# Then checks that a library from another API surface is refused at load time (UniFFI checksums).
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
stdlib=$root/node_modules/kotlin-compiler/lib/kotlin-stdlib.jar
[[ -f $stdlib ]] || die "$stdlib missing (npm kotlin-compiler layout changed?)"
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "test-kotlin: compiling with $("$kotlinc" -version 2>&1 | grep -o 'kotlinc-jvm [0-9.]*')" >&2
# The jar an app would use: compiled bindings + linux-x86-64/libliangzheng_ffi.so (scripts/build-jar.sh).
jar=$(KOTLINC=$kotlinc JNA_JAR=$jna LZ_PROFILE=$profile scripts/build-jar.sh "$out/jvm") || die "build-jar.sh failed"
"$kotlinc" -nowarn -cp "$jar:$jna" -d "$out/tests.jar" bindings/kotlin/test/*.kt || die "kotlinc failed on the tests"

# --- run ----------------------------------------------------------------------
# A plain classpath: tests, the jar, JNA, kotlin-stdlib. No jna.library.path: JNA must find
# the native library inside the jar (checked from JNA's own load log below).
classpath=$out/tests.jar:$jar:$jna:$stdlib
bench=--bench
[[ ${LZ_BENCH:-1} == 0 ]] && bench=
if [[ -n $bench ]]; then
  # The Rust side of the same comparison, in the same run, right before the Kotlin timing.
  if [[ $profile == release ]]; then rel=--release; else rel=; fi
  cargo run --quiet $rel -p liangzheng-ffi --example verify_cost | tee "$out/rust-bench.txt"
fi
# The social security card's type file as CBOR, encoded by Python's cbor2 (LicenseTypes.kt).
python3 -c 'import cbor2, json, sys; sys.stdout.buffer.write(cbor2.dumps(json.load(open(sys.argv[1], encoding="utf-8"))))' \
  core/data/extra/social-security-card.json > "$out/social-security-card.cbor" \
  || die "cannot encode the type file as CBOR (python3 with cbor2: scripts/install-deps.sh)"
java -Djna.debug_load=true -Dlz.typeFile="$out/social-security-card.cbor" -cp "$classpath" liangzheng.test.MainKt "$root" $bench 2>"$out/jna-load.log" \
  | tee "$out/kotlin.txt"
[[ ${PIPESTATUS[0]} == 0 ]] || { cat "$out/jna-load.log" >&2; die "Kotlin suite failed"; }
if [[ -n $bench ]]; then
  rust_us=$(sed -n 's/^ffi Verifier::verify (Rust): median \([0-9.]*\) µs.*/\1/p' "$out/rust-bench.txt")
  kotlin_us=$(sed -n 's/^bench: verify via Kotlin\/JNA: median \([0-9.]*\) µs.*/\1/p' "$out/kotlin.txt")
  [[ -n $rust_us && -n $kotlin_us ]] || die "could not read the Rust ($rust_us) or Kotlin ($kotlin_us) median"
  python3 -c 'import sys; k, r = map(float, sys.argv[1:]); print(f"bench: Kotlin verify / Rust ffi verify = {k:.1f} / {r:.1f} µs = {k / r:.2f}x (goal <= 1.3x; wall-clock medians, same run)")' \
    "$kotlin_us" "$rust_us"
fi
grep -q "jar:file:$jar!/linux-x86-64/libliangzheng_ffi.so" "$out/jna-load.log" \
  || { cat "$out/jna-load.log" >&2; die "JNA did not load libliangzheng_ffi.so from $jar"; }
echo "test-kotlin: JNA $(unzip -p "$jna" META-INF/MANIFEST.MF | grep -i '^Implementation-Version' | tr -d '\r' | cut -d' ' -f2) loaded the native library from the jar" >&2

# --- load-time check: a library from another API surface is refused -------------
# ffi's test-only feature api-skew-test renames one parameter of qr_version, so one UniFFI
# checksum differs; the bindings must refuse that library with a clear error, not crash.
cargo build --quiet -p liangzheng-ffi --lib --features api-skew-test
mkdir -p "$out/skew"
cp "$target_dir/debug/libliangzheng_ffi.so" "$out/skew/libliangzheng_ffi.so"
cargo build --quiet -p liangzheng-ffi --lib # put the normal debug library back for the next scripts
cmp -s "$target_dir/debug/libliangzheng_ffi.so" "$out/skew/libliangzheng_ffi.so" \
  && die "the api-skew-test library is identical to the normal one (the skew changed nothing?)"
java -Duniffi.component.liangzheng_ffi.libraryOverride="$out/skew/libliangzheng_ffi.so" -cp "$classpath" \
  liangzheng.test.ChecksumMismatch || die "a library from another API surface was not refused cleanly"
