// The Chromium side of scripts/bench-web.sh: the same vectors and loop as
// web/test/bench.mjs, inside the page's own module instance in headless
// Debian Chromium. Env: LZ_WEB_URL, LZ_PLAYWRIGHT, LZ_WORK. Prints JSON lines.
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = await import(pathToFileURL(path.join(process.env.LZ_PLAYWRIGHT, 'index.mjs')).href);
const CASES = ['id-card-identity-view-valid', 'id-card-full-credential-four-fields-valid', 'health-certificate-fit-for-work-p256-valid'];
const inputs = CASES.map((name) => ({ name, input: JSON.parse(readFileSync(path.join(root, 'test-vectors/cases', `${name}.json`), 'utf8')).input }));
const frames = process.argv.slice(2).map((f) => readFileSync(f).toString('base64'));
const dir = path.join(process.env.LZ_WORK, 'profile-bench');
mkdirSync(dir, { recursive: true });
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? await ctx.newPage();
await page.goto(`${process.env.LZ_WEB_URL}/index.html`);
await page.waitForSelector('body[data-ready="true"]');
const results = await page.evaluate(async ({ inputs, frames }) => {
  const { Lz } = await import('./lz.js');
  const lz = await Lz.load();
  const m = lz.mod;
  const b64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const medianUs = (rounds, perRound, f) => {
    for (let i = 0; i < perRound; i += 1) f();
    const t = [];
    for (let r = 0; r < rounds; r += 1) {
      const start = performance.now();
      for (let i = 0; i < perRound; i += 1) f();
      t.push(((performance.now() - start) * 1000) / perRound);
    }
    t.sort((a, b) => a - b);
    return t[Math.floor(t.length / 2)];
  };
  const load = (input) => {
    const v = new m.Verifier(b64(input.trust_list), b64(input.root_public_key));
    for (const s of input.status_lists) { try { v.addStatusList(b64(s)); } catch (_) { /* remembered */ } }
    return v;
  };
  const out = [];
  for (const { name, input } of inputs) {
    const v = load(input);
    const policy = { now: input.now };
    if (v.verify(input.qr_text, policy).verdict !== 'valid') throw new Error(`${name} not valid`);
    out.push({ name: `verify ${name}`, median_us: medianUs(21, 200, () => v.verify(input.qr_text, policy)) });
    out.push({ name: `load lists + verify ${name}`, median_us: medianUs(21, 50, () => { const w = load(input); w.verify(input.qr_text, policy); w.free(); }) });
  }
  const labels = ['frame 640x480 with QR', 'frame 640x480 without QR'];
  frames.forEach((f, i) => {
    const frame = b64(f.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    const run = () => { try { return m.decodeFrame(640, 480, frame); } catch (_) { return null; } };
    out.push({ name: `decode ${labels[i]}`, median_us: medianUs(11, 3, run) });
  });
  return out;
}, { inputs, frames });
for (const r of results) console.log(JSON.stringify({ ...r, median_us: Number(r.median_us.toFixed(1)) }));
await ctx.close();
