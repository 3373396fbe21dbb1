// Runs every case in test-vectors/cases through the WebAssembly build in Node
// and requires the verdict, failing check, error code and fields the Rust suite
// requires. Also checks the typed errors and the panic guard of lz.js.
// Usage: node web/test/vectors.mjs   (after scripts/build-web.sh)
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { Lz, LzError } from '../lz.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const wasmBytes = readFileSync(path.join(root, 'web/pkg/liangzheng_bg.wasm'));
const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64url'));

let lz = await Lz.load(wasmBytes);

const dir = path.join(root, 'test-vectors/cases');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
assert.ok(files.length >= 40, `expected the full vector set, found ${files.length}`);

let failures = 0;
for (const file of files) {
  const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const input = c.input;
  const exp = c.expected;
  try {
    let verifier;
    let trustError = null;
    try {
      // The pinned root as the WASM verifier takes it: raw Ed25519, or the SPKI DER of a P-256 / SM2 root.
      verifier = lz.call((m) => new m.Verifier(b64(input.trust_list), b64(input.root_public_key_spki ?? input.root_public_key)));
    } catch (e) {
      assert.ok(e instanceof LzError, `${file}: a typed error`);
      assert.equal(e.kind, 'trust_list', `${file}: error kind`);
      trustError = e.code;
    }
    assert.equal(trustError, exp.trust_list_error, `${file}: trust_list_error`);
    if (trustError !== null) continue;
    for (const token of input.status_lists) {
      try {
        lz.call(() => verifier.addStatusList(b64(token)));
      } catch (e) {
        // Remembered by the verifier (licenses it covers become indeterminate).
        assert.equal(e.kind, 'status_list', `${file}: status list error kind`);
      }
    }
    if (input.request) lz.call(() => verifier.expectRequest(b64(input.request)));
    const report = lz.call(() => verifier.verify(input.qr_text, { now: input.now, ...input.policy }));
    assert.equal(report.verdict, exp.verdict, `${file}: verdict`);
    assert.equal(report.failing_check, exp.failing_check, `${file}: failing_check`);
    assert.equal(report.problem?.code ?? null, exp.error_code, `${file}: error_code`);
    assert.deepEqual(report.fields.map((f) => ({ key: f.key, value: f.value_zh })), exp.fields, `${file}: fields`);
    // The report is complete: every check, bilingual messages.
    assert.equal(report.checks.length, 11, `${file}: every check reported`);
    if (report.problem) {
      assert.ok(report.problem.message_zh && report.problem.message_en, `${file}: bilingual problem`);
    }
    verifier.free();
  } catch (e) {
    failures += 1;
    console.error(`FAIL ${file}: ${e.message}`);
  }
}
assert.equal(failures, 0, `${failures} vector case(s) differ from the Rust suite`);
// Issue 10: the SM2 + SM3 vectors (SM2 root given as SPKI) went through the WASM verifier above.
const sm2 = files.filter((f) => f.startsWith('sm2-'));
assert.ok(sm2.length >= 8 && sm2.includes('sm2-id-card-identity-view-valid.json'), `SM2 vectors missing: ${sm2}`);
console.log(`ok: ${files.length} vector cases (${sm2.length} of them SM2 + SM3) give the Rust suite's verdicts, checks, codes and fields`);

// Issue 14: every multi-frame vector (portraits, hostile frames, 一照通 bundles) through
// FrameAssembler + verifyAssembled: each frame's status, then verdicts, codes, images, members.
const mdir = path.join(root, 'test-vectors/multiframe');
const mfiles = readdirSync(mdir).filter((f) => f.endsWith('.json')).sort();
assert.ok(mfiles.length >= 20, `expected the multi-frame vectors, found ${mfiles.length}`);
let mfailures = 0;
let shownImages = 0;
let bundleMembers = 0;
for (const file of mfiles) {
  const c = JSON.parse(readFileSync(path.join(mdir, file), 'utf8'));
  const { input, expected: exp } = c;
  try {
    const verifier = lz.call((m) => new m.Verifier(b64(input.trust_list), b64(input.root_public_key)));
    for (const token of input.status_lists) lz.call(() => verifier.addStatusList(b64(token)));
    const asm = lz.call((m) => new m.FrameAssembler());
    const statuses = [];
    for (const text of input.frames) {
      try {
        const p = lz.call(() => asm.push(text));
        statuses.push(p.status);
        if (p.status === 'complete') break;
        assert.ok(p.percent >= 0 && p.percent < 100 && p.frames_needed > 0, `${file}: progress`);
      } catch (e) {
        assert.ok(e instanceof LzError && e.kind === 'frame', `${file}: typed frame error`);
        statuses.push(e.code);
      }
    }
    assert.deepEqual(statuses, exp.statuses, `${file}: statuses`);
    const out = lz.call(() => verifier.verifyAssembled(asm, { now: input.now, ...input.policy }));
    assert.equal(out.kind, exp.kind, `${file}: kind`);
    if (out.kind === 'presentation') {
      assert.equal(out.report.verdict, exp.presentation.verdict, `${file}: verdict`);
      assert.equal(out.report.problem?.code ?? null, exp.presentation.error_code, `${file}: code`);
      assert.equal(out.report.images.length, exp.presentation.images.length, `${file}: images`);
      for (const [i, img] of out.report.images.entries()) {
        const want = exp.presentation.images[i];
        assert.equal(img.width, want.width);
        assert.equal(img.height, want.height);
        const digest = createHash('sha256').update(Buffer.from(img.data_base64, 'base64')).digest('hex');
        assert.equal(digest, want.sha256, `${file}: the exact signed image bytes`);
        shownImages += 1;
      }
    } else {
      assert.equal(out.bundle.verdict, exp.bundle.verdict, `${file}: bundle verdict`);
      assert.deepEqual(out.bundle.problems.map((p) => [p.code, p.index]), exp.bundle.problems.map((p) => [p.code, p.index ?? null]), `${file}: problems`);
      assert.equal(out.bundle.members.length, exp.bundle.members.length);
      for (const [i, m] of out.bundle.members.entries()) {
        assert.equal(m.verdict, exp.bundle.members[i].verdict, `${file}: member ${i}`);
        assert.equal(m.report.problem?.code ?? null, exp.bundle.members[i].report.error_code, `${file}: member ${i} code`);
        bundleMembers += 1;
      }
    }
    verifier.free();
    asm.free();
  } catch (e) {
    mfailures += 1;
    console.error(`FAIL ${file}: ${e.message}`);
  }
}
assert.equal(mfailures, 0, `${mfailures} multi-frame case(s) differ from the Rust suite`);
assert.ok(shownImages >= 6 && bundleMembers >= 100, `${shownImages} images, ${bundleMembers} members`);
console.log(`ok: ${mfiles.length} multi-frame cases (every frame's status, ${shownImages} portraits, ${bundleMembers} bundle members) give the Rust suite's results`);

// Typed errors, never a raw throw.
const expectLzError = (fn, kind, code) => {
  assert.throws(() => lz.call(fn), (e) => {
    assert.ok(e instanceof LzError, 'an LzError');
    assert.equal(e.kind, kind);
    assert.equal(e.code, code);
    assert.ok(e.message_zh.length > 0 && e.message_en.length > 0, 'both languages');
    return true;
  });
};
const anyCase = JSON.parse(readFileSync(path.join(dir, 'id-card-identity-view-valid.json'), 'utf8')).input;
expectLzError((m) => new m.Verifier(b64(anyCase.trust_list), new Uint8Array(31)), 'invalid_input', 'bad_public_key');
expectLzError((m) => new m.Verifier(new Uint8Array([1, 2, 3]), b64(anyCase.root_public_key)), 'trust_list', 'malformed');
const v = lz.call((m) => new m.Verifier(b64(anyCase.trust_list), b64(anyCase.root_public_key)));
expectLzError(() => v.verify(anyCase.qr_text, {}), 'invalid_input', 'bad_policy');
expectLzError(() => v.verify(anyCase.qr_text, { now: -5 }), 'invalid_input', 'bad_policy');
expectLzError(() => v.verify(anyCase.qr_text, { now: 1, status: 'sloppy' }), 'invalid_input', 'bad_policy');
expectLzError(() => v.addStatusList(new Uint8Array([0xd2, 0])), 'status_list', 'malformed');
expectLzError((m) => m.decodeFrame(4, 4, new Uint8Array(10)), 'invalid_input', 'bad_frame');
expectLzError((m) => m.decodeFrame(4, 4, new Uint8Array(64).fill(255)), 'qr', 'no_qr_found');
expectLzError((m) => m.Verifier.demo(1.5), 'invalid_input', 'bad_time');
expectLzError((m) => m.rootKeyFromPem('not a pem'), 'invalid_input', 'bad_public_key');
// Garbage text is a report, not an error.
const garbage = lz.call(() => v.verify('\u0000\uFFFF not a code', { now: anyCase.now }));
assert.equal(garbage.verdict, 'invalid');
assert.equal(garbage.problem.code, 'malformed_qr');
console.log('ok: bad input gives typed LzErrors (kind, code, 中文, English)');

// A panic is converted, and a fresh instance works afterwards.
assert.throws(() => lz.call((m) => m.selfTestPanic()), (e) => {
  assert.ok(e instanceof LzError);
  assert.equal(e.kind, 'internal');
  assert.equal(e.code, 'panic');
  assert.match(e.message_en, /self-test panic/);
  return true;
});
assert.throws(() => lz.call((m) => m.decodeFrame(1, 1, new Uint8Array(4))), (e) => e.code === 'instance_dead');
lz = await Lz.load(wasmBytes);
const again = lz.call((m) => new m.Verifier(b64(anyCase.trust_list), b64(anyCase.root_public_key)));
for (const token of anyCase.status_lists) lz.call(() => again.addStatusList(b64(token)));
assert.equal(lz.call(() => again.verify(anyCase.qr_text, { now: anyCase.now, ...anyCase.policy })).verdict, 'valid');
console.log('ok: a panic becomes LzError internal/panic with its message; a fresh instance verifies again');

// The demo verifier is `lz verify --demo`'s: it trusts the demo issuers.
const demo = lz.call((m) => m.Verifier.demo(1795395605));
const issuers = lz.call(() => demo.trustListInfo()).issuers;
assert.deepEqual(issuers.map((i) => i.code), ['11370100004307520K', '113301000024897012', '123701004955708351', '12370102MB2843650X']);
console.log('ok: demo verifier trusts the four demo authorities');
