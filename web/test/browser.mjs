// Drives the counter page in Debian's Chromium (playwright-core) against a
// local static server, with codes made by the `lz` CLI, and compares every
// verdict and reason with native `lz verify --json` on the same text.
// Run by scripts/test-web.sh, which sets:
//   LZ_WEB_URL      base URL of the static server serving web/
//   LZ_BIN          the lz binary
//   LZ_DEMO_DIR     `lz demo` output (web/pkg/demo)
//   LZ_WORK         scratch dir (codes, y4m)
//   LZ_ARTIFACTS    where screenshots go
//   LZ_PLAYWRIGHT   path of the playwright-core package
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run scripts/test-web.sh)`);
  return v;
};
const BASE = env('LZ_WEB_URL');
const LZ = env('LZ_BIN');
const DEMO_DIR = env('LZ_DEMO_DIR');
const WORK = env('LZ_WORK');
const ART = env('LZ_ARTIFACTS');
const { chromium } = await import(pathToFileURL(path.join(env('LZ_PLAYWRIGHT'), 'index.mjs')).href);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
mkdirSync(ART, { recursive: true });

// The demo's "now" (2026-11-23 09:00 CST): `lz demo`'s codes and keys are made at it.
const T = 1795395600;
const lz = (...args) => execFileSync(LZ, args, { encoding: 'utf8' }).trim();
const present = (license, fields, at, extra = []) => lz('present', '--wallet-seed', `${DEMO_DIR}/zhangsan.key.json`,
  '--license', `${DEMO_DIR}/${license}`, '--fields', fields, '--now', String(at), ...extra);

/** Native verdict and first problem for `text` (`lz verify --demo --json`). */
function native(text, at, extra = []) {
  let out;
  try {
    out = execFileSync(LZ, ['verify', '--demo', '--now', String(at), '--json', '--text', text, ...extra], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout; // exit 1/3 for invalid/indeterminate
  }
  const r = JSON.parse(out);
  const first = r.checks.find((c) => c.outcome === 'failed') ?? r.checks.find((c) => c.outcome === 'indeterminate');
  return { verdict: r.verdict, code: first ? first.error.code : '', fields: r.fields };
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const foreign = [];
async function launch(name, extraFlags = [], viewport = { width: 1280, height: 720 }) {
  const dir = path.join(WORK, `profile-${name}`);
  mkdirSync(dir, { recursive: true });
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...FLAGS, ...extraFlags], viewport,
  });
  // (c) Record every request; anything but the page's own static files fails the run.
  ctx.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${BASE}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { ctx, page, errors };
}

async function open(page, query) {
  await page.goto(`${BASE}/index.html${query}`);
  await page.waitForSelector('body[data-ready="true"]');
}

/** PEM (SPKI) of a vector's raw Ed25519 root key. */
function spkiPem(rawB64) {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(rawB64, 'base64url')]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

/** A test vector of the Rust suite: `test-vectors/<dir>/<name>.json`. */
function vector(dir, name) {
  return JSON.parse(readFileSync(path.join(root, 'test-vectors', dir, `${name}.json`), 'utf8'));
}

/** Writes a vector's root key, trust list and status lists as the files a counter loads; returns their paths. */
function vectorFiles(c, prefix) {
  const dir = path.join(WORK, `${prefix}-${c.name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'root.pub.pem'), spkiPem(c.input.root_public_key));
  writeFileSync(path.join(dir, 'trust.signed.json'), JSON.stringify({ format: 'liangzheng-trust-list', version: 1, cose: c.input.trust_list }));
  c.input.status_lists.forEach((s, i) => writeFileSync(path.join(dir, `status-${i}.json`),
    JSON.stringify({ format: 'liangzheng-status-token', version: 1, uri: '', issued_at: 0, ttl: null, cose: s })));
  return readdirSync(dir).map((f) => path.join(dir, f));
}

/** Types a code into the scanner input as a scanner gun does (text + Enter). */
async function scan(page, text, ending = 'Enter') {
  const before = await page.locator('#scan-count').textContent();
  // The input must already have focus: nothing clicks it first.
  await page.waitForFunction(() => document.activeElement?.id === 'scan', null, { timeout: 2000 })
    .catch(async () => assert.fail(`the scanner input lost focus to #${await page.evaluate(() => document.activeElement?.id)}`));
  await page.keyboard.insertText(text);
  await page.keyboard.press(ending);
  await page.waitForFunction((b) => document.getElementById('scan-count').textContent !== b, before);
  return page.evaluate(() => ({
    verdict: document.getElementById('result').dataset.verdict,
    verdictText: document.getElementById('verdict').textContent,
    code: document.getElementById('reason').dataset.code,
    reason: document.getElementById('reason').textContent,
    bound: document.getElementById('holder-binding').dataset.bound,
    fields: [...document.querySelectorAll('#fields tr')].map((tr) => ({ key: tr.dataset.key, shown: tr.querySelector('td.value').textContent })),
    checks: document.querySelectorAll('#checks li').length,
  }));
}

function same(label, got, want) {
  assert.equal(got.verdict, want.verdict, `${label}: verdict (page vs native lz verify)`);
  assert.equal(got.code, want.code, `${label}: reason code (page vs native lz verify)`);
  assert.equal(got.checks, 11, `${label}: every check listed`);
  console.log(`ok: ${label}: ${got.verdict}${got.code ? ` (${got.code})` : ''} — ${got.reason}`);
}

// ------------------------------------------------------------------ (a) scanner gun, demo mode
{
  const { ctx, page, errors } = await launch('demo');
  const at = T + 5;
  await open(page, `?demo&now=${at}`);
  assert.match(await page.locator('#demo-badge').textContent(), /演示/);

  const valid = present('id-card.lz', 'name,id_number', T);
  const v = await scan(page, valid);
  same('valid ID card', v, native(valid, at));
  assert.equal(v.verdict, 'valid');
  assert.match(v.verdictText, /有效/);
  assert.equal(v.bound, 'true', 'holder binding shown');
  assert.match(await page.locator('#holder-binding').textContent(), /本人亮证/);
  const want = native(valid, at).fields;
  assert.deepEqual(v.fields, want.map((f) => ({ key: f.key, shown: f.display })), 'fields shown as their masked display');
  assert.equal(v.fields[0].shown, '张三');
  assert.match(v.fields[1].shown, /^3701\*+\d$/, 'the ID number is masked');
  await page.screenshot({ path: path.join(ART, 'verdict-valid-1280x720.png'), fullPage: true });
  // Tap to reveal, tap to hide; the scanner input gets focus back.
  await page.locator('#fields tr[data-key="id_number"] button.reveal').click();
  assert.equal(await page.locator('#fields tr[data-key="id_number"] td.value').textContent(), '370102199003070016');
  await page.locator('#fields tr[data-key="id_number"] button.reveal').click();
  assert.match(await page.locator('#fields tr[data-key="id_number"] td.value').textContent(), /\*/);
  await page.waitForFunction(() => document.activeElement?.id === 'scan');

  // Caps Lock on (lower-case letters) and CR LF endings are tolerated.
  const caps = await scan(page, valid.toLowerCase());
  same('scanner gun with Caps Lock', caps, native(valid.toLowerCase(), at));
  assert.equal(caps.verdict, 'valid');

  // Tampered: one Base45 character changed in the middle.
  const i = Math.floor(valid.length / 2);
  const tampered = valid.slice(0, i) + (valid[i] === '0' ? '1' : '0') + valid.slice(i + 1);
  const t = await scan(page, tampered);
  same('tampered', t, native(tampered, at));
  assert.equal(t.verdict, 'invalid');
  await page.screenshot({ path: path.join(ART, 'verdict-invalid-1280x720.png'), fullPage: true });

  const revoked = present('id-card-old.lz', 'name,id_number', T);
  const r = await scan(page, revoked);
  same('revoked', r, native(revoked, at));
  assert.equal(r.code, 'revoked');

  const replayed = present('id-card.lz', 'name,id_number', T - 200);
  const s = await scan(page, replayed);
  same('replayed screenshot', s, native(replayed, at));
  assert.equal(s.code, 'stale');

  const business = lz('present', '--license', `${DEMO_DIR}/business.lz`, '--fields', 'uscc,name,legal_rep', '--now', String(T));
  const b = await scan(page, business);
  same('static business license', b, native(business, at));
  assert.equal(b.bound, 'false');
  assert.match(await page.locator('#holder-binding').textContent(), /静态亮证/);

  // 授权用证: the page shows a request QR; an answer to it is valid, an answer to
  // another request (wrong nonce) is not.
  await page.locator('#request-btn').click();
  await page.waitForSelector('#request-qr img');
  const requestText = (await page.locator('#request-text').textContent()).trim();
  assert.match(requestText, /^LZ1R/);
  writeFileSync(path.join(WORK, 'request.txt'), `${requestText}\n`);
  const answer = present('id-card.lz', 'name,id_number', at, ['--request', path.join(WORK, 'request.txt')]);
  const a = await scan(page, answer);
  same('answer to the request', a, native(answer, at, ['--request', path.join(WORK, 'request.txt')]));
  assert.equal(a.verdict, 'valid');
  const other = lz('request', '--verifier-id', 'ELSEWHERE', '--verifier-name', '别处', '--purpose', 'x',
    '--type', 'cn.resident-id-card', '--fields', 'name,id_number', '--now', String(at));
  writeFileSync(path.join(WORK, 'other.txt'), `${other}\n`);
  const wrong = present('id-card.lz', 'name,id_number', at, ['--request', path.join(WORK, 'other.txt')]);
  const w = await scan(page, wrong);
  same('answer to another request', w, native(wrong, at, ['--request', path.join(WORK, 'request.txt')]));
  assert.equal(w.code, 'nonce_mismatch');
  // A plain presentation does not answer the request.
  const plain = await scan(page, valid);
  assert.equal(plain.code, 'request_not_answered');
  await page.locator('#request-end').click();
  assert.equal((await scan(page, valid)).verdict, 'valid', 'request mode ended');

  // Several codes pasted at once (CR LF between them): one verification each.
  const before = Number((await page.locator('#scan-count').textContent()).match(/第 (\d+) 次/)[1]);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData('text', text);
    document.getElementById('scan').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, `${revoked}\r\n${valid}\r\n`);
  await page.waitForFunction((n) => document.getElementById('scan-count').textContent.includes(`第 ${n} 次`), before + 2);
  assert.equal(await page.locator('#result').getAttribute('data-verdict'), 'valid', 'last pasted code shown');

  // Holder demo tab: a presented QR with a countdown, refreshed every 30 s.
  await page.locator('#tab-holder').click();
  await page.waitForSelector('#holder-qr img');
  const shown = (await page.locator('#holder-text').textContent()).trim();
  const c1 = await page.locator('#holder-countdown').textContent();
  assert.match(c1, /(30|29) 秒后刷新/);
  await page.waitForTimeout(2100);
  const c2 = await page.locator('#holder-countdown').textContent();
  assert.ok(Number(c2.match(/(\d+) 秒/)[1]) < Number(c1.match(/(\d+) 秒/)[1]), `countdown runs (${c1} → ${c2})`);
  await page.screenshot({ path: path.join(ART, 'holder-demo-1280x720.png'), fullPage: true });
  await page.locator('#tab-verify').click();
  const h = await scan(page, shown);
  same('holder tab presentation', h, native(shown, at + 3));
  assert.equal(h.verdict, 'valid');

  // Phone size: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await scan(page, valid);
  await page.screenshot({ path: path.join(ART, 'verdict-valid-390x844.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`));
  assert.ok(overflow <= 0, `no horizontal scrolling at phone size (overflow ${overflow}px: ${wide.join(' ')})`);
  await page.screenshot({ path: path.join(ART, 'verdict-valid-390x844.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no page errors');
  await ctx.close();
}

// ------------------------------------------------------------------ (d) lists from files, kept across a reload
{
  const vec = (name) => vector('cases', name);
  const files = (c) => vectorFiles(c, 'files');
  const expired = vec('health-certificate-expired');
  const { ctx, page, errors } = await launch('files');
  await open(page, `?now=${expired.input.now}`);
  assert.match(await page.locator('#lists').textContent(), /未加载 not loaded/);
  await page.locator('#files').setInputFiles(files(expired));
  await page.waitForFunction(() => document.querySelectorAll('#lists [data-kind="status_list"]').length > 0);
  const e1 = await scan(page, expired.input.qr_text);
  assert.equal(e1.verdict, expired.expected.verdict);
  assert.equal(e1.code, 'expired');
  console.log(`ok: expired (lists loaded from files): ${e1.verdict} (${e1.code}) — ${e1.reason}`);
  // Reload: the lists come back from localStorage, with their age.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const panel = await page.locator('#lists').textContent();
  assert.match(panel, /载入 loaded/);
  assert.match(panel, /urn:liangzheng:status:/);
  const e2 = await scan(page, expired.input.qr_text);
  assert.equal(e2.code, 'expired', 'same verdict after a reload');
  console.log('ok: trust list, root key and status lists survive a reload');
  // "Forget saved lists": the panel empties at once, storage is cleared, a reload brings nothing back.
  const notLoaded = () => /未加载 not loaded/.test(document.getElementById('lists').textContent);
  await page.locator('#lists-clear').click();
  await page.waitForFunction(notLoaded);
  assert.equal(await page.evaluate(() => localStorage.getItem('liangzheng.counter.lists.v1')), null, 'saved lists forgotten');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(await page.evaluate(notLoaded), 'nothing comes back after a reload');
  // With nothing trusted a scan is not verified: the page says no trust list is loaded.
  await page.keyboard.insertText(expired.input.qr_text);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('load-error').hidden
    && document.getElementById('load-error').textContent.includes('[no_trust_list]'));
  console.log('ok: forgotten lists stay forgotten across a reload');
  assert.deepEqual(errors, [], 'no page errors');
  await ctx.close();
}

// ------------------------------------------------------------------ (d2) a status list past its TTL
{
  // A fresh profile: what the part above stored cannot leak in. (Chromium's localStorage is shared
  // between a page's processes asynchronously, so a removal just before a cross-document
  // navigation may not be seen by the next document; the page above checks clearing itself.)
  const vec = (name) => vector('cases', name);
  const files = (c) => vectorFiles(c, 'files');
  const { ctx, page, errors } = await launch('files-ttl');
  // A status list past its TTL is flagged in the panel and makes licenses indeterminate.
  const pastTtl = vec('id-card-status-list-past-ttl');
  await open(page, `?now=${pastTtl.input.now}`);
  assert.match(await page.locator('#lists').textContent(), /未加载 not loaded/);
  await page.locator('#files').setInputFiles(files(pastTtl));
  // The status-list row appears once the files are read and the verifier is rebuilt; then the
  // row must carry the TTL warning. On a slow (shared) machine allow 60 s, and say what the
  // panel shows if it never does, instead of a bare selector timeout.
  const listsText = () => page.locator('#lists').textContent().catch((e) => `(unreadable: ${e.message})`);
  await page.waitForFunction(() => document.querySelectorAll('#lists [data-kind="status_list"]').length > 0
    && document.querySelectorAll('#lists [data-kind="trust_list"] b').length > 0, null, { timeout: 60000 })
    .catch(async (e) => assert.fail(`status list row never shown (${e.message}); #lists: ${await listsText()}; `
      + `#load-error: ${await page.locator('#load-error').textContent()}`));
  await page.waitForSelector('#lists .stale', { timeout: 60000 })
    .catch(async (e) => assert.fail(`no TTL warning (${e.message}); #lists: ${await listsText()}`));
  const p = await scan(page, pastTtl.input.qr_text);
  assert.equal(p.verdict, 'indeterminate');
  assert.equal(p.code, pastTtl.expected.error_code);
  await page.screenshot({ path: path.join(ART, 'verdict-indeterminate-stale-list.png'), fullPage: true });
  console.log(`ok: status list past TTL: warning shown; ${p.verdict} (${p.code})`);
  assert.deepEqual(errors, [], 'no page errors');
  await ctx.close();
}

// ------------------------------------------------------------------ (e) multi-frame codes: portrait, 一照通 bundle
{
  const mvec = (name) => vector('multiframe', name);
  const files = (c) => vectorFiles(c, 'mfiles');
  const { ctx, page, errors } = await launch('frames');
  const load = async (c) => {
    await page.goto(`${BASE}/index.html?now=${c.input.now}`);
    await page.waitForSelector('body[data-ready="true"]');
    if (await page.locator('#lists-clear').isVisible()) await page.locator('#lists-clear').click();
    await page.goto(`${BASE}/index.html?now=${c.input.now}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#files').setInputFiles(files(c));
    await page.waitForFunction(() => document.querySelectorAll('#lists [data-kind="status_list"]').length > 0);
  };
  // Every frame as a scanner gun (or the camera) delivers it: the whole loop pasted, one line per frame.
  const pasteFrames = async (frames) => {
    const before = await page.locator('#scan-count').textContent();
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.setData('text', text);
      document.getElementById('scan').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, `${frames.join('\r\n')}\r\n`);
    await page.waitForFunction((b) => document.getElementById('scan-count').textContent !== b, before);
    return page.evaluate(() => ({
      verdict: document.getElementById('result').dataset.verdict,
      kind: document.getElementById('result').dataset.kind,
      code: document.getElementById('reason').dataset.code,
      reason: document.getElementById('reason').textContent,
      progress: document.getElementById('frames-progress').dataset.status,
      images: [...document.querySelectorAll('#portrait img')].map((i) => ({ w: i.naturalWidth, h: i.naturalHeight, complete: i.complete })),
      members: [...document.querySelectorAll('#bundle li')].map((li) => ({ verdict: li.dataset.verdict, code: li.dataset.code })),
    }));
  };

  const portrait = mvec('portrait-frames-shuffled-lossy-valid');
  await load(portrait);
  // Frame by frame with the scanner gun: the progress is shown, no verdict yet.
  for (const f of portrait.input.frames.slice(0, 3)) {
    await page.keyboard.insertText(f);
    await page.keyboard.press('Enter');
  }
  assert.match(await page.locator('#frames-progress').textContent(), /已收到 3 \/ 15 帧/);
  const p = await pasteFrames(portrait.input.frames.slice(3));
  await page.waitForFunction(() => [...document.querySelectorAll('#portrait img')].every((i) => i.complete && i.naturalWidth > 0));
  const shown = await page.evaluate(() => [...document.querySelectorAll('#portrait img')].map((i) => [i.naturalWidth, i.naturalHeight]));
  assert.equal(p.verdict, 'valid', `portrait over frames: ${p.reason}`);
  // Frames after completion (the phone keeps looping) are `already_complete`: the verdict stays.
  assert.ok(['complete', 'already_complete'].includes(p.progress), p.progress);
  assert.match(await page.locator('#frames-progress').textContent(), /动态码已拼合/);
  assert.deepEqual(shown, [[102, 126]], 'the signed 102x126 portrait is shown beside the verdict');
  await page.screenshot({ path: path.join(ART, 'portrait-valid-1280x720.png'), fullPage: true });
  console.log('ok: portrait presentation assembled from shuffled, lossy frames: valid, the 102x126 photo shown');

  const exif = mvec('portrait-exif-metadata-signed-by-trusted-key');
  await load(exif);
  const x = await pasteFrames(exif.input.frames);
  assert.equal(x.verdict, 'invalid');
  assert.equal(x.code, 'invalid_image');
  assert.deepEqual(x.images, [], 'a refused image is never shown');
  console.log(`ok: portrait with EXIF signed by the trusted key: invalid (invalid_image), no image shown — ${x.reason}`);

  const bundle = mvec('bundle-13-members-lossy-frames-valid');
  await load(bundle);
  const b = await pasteFrames(bundle.input.frames);
  assert.equal(b.kind, 'bundle');
  assert.equal(b.verdict, 'valid', `bundle: ${b.reason}`);
  assert.equal(b.members.length, 13);
  assert.ok(b.members.every((m) => m.verdict === 'valid'));
  assert.match(await page.locator('#facts').textContent(), /杭州示例酒店管理有限公司/);
  await page.screenshot({ path: path.join(ART, 'bundle-valid-1280x720.png'), fullPage: true });
  console.log('ok: 一照通 bundle of 13 over lossy frames: valid, every member listed valid');

  const other = mvec('bundle-member-of-another-subject');
  await load(other);
  const o = await pasteFrames(other.input.frames);
  assert.equal(o.verdict, 'invalid');
  assert.equal(o.code, 'subject_mismatch');
  assert.deepEqual(o.members.map((m, i) => [i, m.verdict]).filter(([, v]) => v !== 'valid'), [[4, 'invalid']]);
  assert.equal(o.members[4].code, 'subject_mismatch');
  console.log('ok: a permit of another company in the bundle: that member alone invalid (subject_mismatch)');

  const forged = mvec('frames-forged-frame-hash-mismatch');
  await load(forged);
  const ff = await pasteFrames(forged.input.frames);
  assert.equal(ff.verdict, 'valid', 'the genuine loop after a forged frame assembles');
  console.log('ok: a forged frame (hash_mismatch) is dropped with the set it poisoned; the genuine loop verifies');
  assert.deepEqual(errors, [], 'no page errors');
  await ctx.close();
}

// ------------------------------------------------------------------ (b) camera (Chromium's fake camera)
{
  const y4m = path.join(WORK, 'qr.y4m');
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-loop', '1', '-i', `${DEMO_DIR}/id-card.png`, '-vf',
    'scale=640:640:flags=neighbor,pad=800:800:80:80:white', '-t', '3', '-r', '10', '-pix_fmt', 'yuv420p', y4m]);
  const { ctx, page, errors } = await launch('camera', ['--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`]);
  const at = T + 5;
  await open(page, `?demo&now=${at}`);
  await page.locator('#camera-btn').click();
  await page.waitForFunction(() => document.getElementById('result').dataset.verdict, null, { timeout: 30000 });
  const verdict = await page.locator('#result').getAttribute('data-verdict');
  const idText = execFileSync(LZ, ['verify', '--demo', '--now', String(at), '--json', '--image', `${DEMO_DIR}/id-card.png`], { encoding: 'utf8' });
  assert.equal(verdict, JSON.parse(idText).verdict, 'camera verdict = native verdict of the same PNG');
  assert.equal(verdict, 'valid');
  assert.equal(await page.locator('#camera-box').isHidden(), true, 'the camera stops on a result');
  const fps = await page.locator('#camera-fps').textContent();
  console.log(`ok: camera (fake device, ${fps}): valid`);
  assert.deepEqual(errors, [], 'no page errors');
  await ctx.close();
}

// ------------------------------------------------------------------ (c) no foreign requests
assert.deepEqual(foreign, [], `requests outside the page's own static files: ${foreign.join(', ')}`);
console.log('ok: no request left the static server');
