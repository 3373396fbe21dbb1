// The WASM side of scripts/bench-web.sh: the same vectors and loop as
// wasm/benches/native.rs, through the built module in Node (V8, as in Chromium).
// Prints one JSON object per measurement. Usage: node web/test/bench.mjs FRAME.rgba FRAME_NOQR.rgba
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lz } from '../lz.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// LZ_BENCH_WASM: another build of the same module (e.g. LZ_DALEK_BITS=32), same JS glue.
const wasmFile = process.env.LZ_BENCH_WASM ?? path.join(root, 'web/pkg/liangzheng_bg.wasm');
const lz = await Lz.load(readFileSync(wasmFile));
const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
const CASES = ['id-card-identity-view-valid', 'id-card-full-credential-four-fields-valid', 'health-certificate-fit-for-work-p256-valid'];

function medianUs(rounds, perRound, f) {
  for (let i = 0; i < perRound; i += 1) f();
  const t = [];
  for (let r = 0; r < rounds; r += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i += 1) f();
    t.push(Number(process.hrtime.bigint() - start) / 1000 / perRound);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const load = (input) => {
  const v = lz.call((m) => new m.Verifier(b64(input.trust_list), b64(input.root_public_key)));
  for (const s of input.status_lists) {
    try { v.addStatusList(b64(s)); } catch (_) { /* remembered */ }
  }
  return v;
};

for (const name of CASES) {
  const input = JSON.parse(readFileSync(path.join(root, 'test-vectors/cases', `${name}.json`), 'utf8')).input;
  const v = load(input);
  const policy = { now: input.now };
  if (v.verify(input.qr_text, policy).verdict !== 'valid') throw new Error(`${name} is not valid in WASM`);
  let us = medianUs(21, 200, () => v.verify(input.qr_text, policy));
  console.log(JSON.stringify({ name: `verify ${name}`, median_us: Number(us.toFixed(1)), runs: 21 }));
  us = medianUs(21, 50, () => { const w = load(input); w.verify(input.qr_text, policy); w.free(); });
  console.log(JSON.stringify({ name: `load lists + verify ${name}`, median_us: Number(us.toFixed(1)), runs: 21 }));
}
const frames = process.argv.slice(2);
for (const [label, file] of [['frame 640x480 with QR', frames[0]], ['frame 640x480 without QR', frames[1]]]) {
  if (!file) continue;
  const frame = new Uint8Array(readFileSync(file));
  const run = () => { try { return lz.mod.decodeFrame(640, 480, frame); } catch (_) { return null; } };
  if (label.includes('with QR') && run() === null) throw new Error('the QR frame does not decode in WASM');
  const us = medianUs(11, 3, run);
  console.log(JSON.stringify({ name: `decode ${label}`, median_us: Number(us.toFixed(1)), runs: 11 }));
}
