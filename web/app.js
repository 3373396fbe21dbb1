// The counter page: scanner gun, camera, 授权用证, trust/status lists, holder demo,
// animated multi-frame codes (portrait beside the verdict, 一照通 bundles member by member).
// All verification is done by the liangzheng WebAssembly module (lz.js / pkg/).
import { Lz, LzError, base64urlBytes, classifyFile } from './lz.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const DEMO = params.has('demo');
const STORE_KEY = 'liangzheng.counter.lists.v1';
// A pinned clock (?now=UNIX_SECONDS) ticks on from that time: for demos and tests
// with codes made at a fixed time (`lz demo`, `lz present --now`).
const pinnedStart = params.has('now') ? Number(params.get('now')) : null;
const loadedAtMs = Date.now();

function now() {
  const elapsed = Math.floor((Date.now() - loadedAtMs) / 1000);
  return pinnedStart !== null && Number.isSafeInteger(pinnedStart)
    ? pinnedStart + elapsed
    : Math.floor(Date.now() / 1000);
}

function fmtTime(t) {
  if (t === null || t === undefined) return '长期 long-term';
  // China Standard Time, as the licenses are dated.
  const d = new Date((t + 8 * 3600) * 1000);
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' CST';
}

function fmtDate(t) {
  const d = new Date((t + 8 * 3600) * 1000);
  return d.toISOString().slice(0, 10);
}

function fmtAge(secs) {
  if (secs < 0) return '来自未来 in the future';
  if (secs < 120) return `${secs} 秒前 ${secs} s ago`;
  if (secs < 7200) return `${Math.floor(secs / 60)} 分钟前 ${Math.floor(secs / 60)} min ago`;
  if (secs < 172800) return `${Math.floor(secs / 3600)} 小时前 ${Math.floor(secs / 3600)} h ago`;
  return `${Math.floor(secs / 86400)} 天前 ${Math.floor(secs / 86400)} days ago`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

function bi(zh, en) {
  return [zh, ' ', el('span', { class: 'en' }, en)];
}

function showError(box, e) {
  const err = LzError.from(e);
  box.hidden = false;
  box.replaceChildren(...bi(err.message_zh, err.message_en), el('span', { class: 'code' }, ` [${err.code}]`));
}

// ------------------------------------------------------------------ state

const state = {
  lz: null,
  verifier: null,
  saved: { rootKeyPem: null, trustList: null, statusLists: [], licenseTypes: null },
  scans: 0,
  request: null, // {qr_text, body, desc, previous}
  assembler: null, // the FrameAssembler of animated codes (created on the first frame)
};

function loadSaved() {
  try {
    const s = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
    if (s && typeof s === 'object') state.saved = { ...state.saved, ...s };
  } catch (_) {
    // Unreadable storage: start empty (nothing is trusted by default).
  }
}

function save() {
  localStorage.setItem(STORE_KEY, JSON.stringify(state.saved));
}

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Builds the verifier from the demo data or the saved lists. */
function buildVerifier() {
  const { lz } = state;
  if (state.verifier) {
    try { state.verifier.free(); } catch (_) { /* a dead instance */ }
    state.verifier = null;
  }
  $('load-error').hidden = true;
  if (DEMO) {
    state.verifier = lz.call((m) => m.Verifier.demo(now()));
  } else {
    const s = state.saved;
    if (!s.rootKeyPem || !s.trustList) {
      renderLists();
      return;
    }
    try {
      const root = lz.call((m) => m.rootKeyFromPem(s.rootKeyPem));
      state.verifier = lz.call((m) => new m.Verifier(base64urlBytes(s.trustList.b64), root, s.licenseTypes?.text));
    } catch (e) {
      showError($('load-error'), e);
      renderLists();
      return;
    }
    for (const list of s.statusLists) {
      list.error = null;
      try {
        lz.call(() => state.verifier.addStatusList(base64urlBytes(list.b64)));
        list.info = lz.call(() => state.verifier.statusListInfo(base64urlBytes(list.b64)));
      } catch (e) {
        // Kept by the verifier: licenses it covers verify as indeterminate.
        list.error = LzError.from(e);
      }
    }
  }
  if (state.request) lz.call(() => state.verifier.expectRequest(state.request.body));
  renderLists();
}

/** Re-creates the module after an internal error (a trapped instance). */
async function recover(e) {
  const err = LzError.from(e);
  if (err.kind !== 'internal') return false;
  state.lz = await Lz.load();
  state.verifier = null;
  state.assembler = null;
  buildVerifier();
  return true;
}

// ------------------------------------------------------------------ lists panel

async function addFiles(files) {
  const box = $('load-error');
  box.hidden = true;
  for (const file of files) {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const c = classifyFile(file.name, bytes);
      const entry = { name: file.name, loadedAt: Math.floor(Date.now() / 1000) };
      if (c.kind === 'root_key') {
        state.lz.call((m) => m.rootKeyFromPem(c.text)); // rejects a bad PEM now
        state.saved.rootKeyPem = c.text;
        state.saved.rootKeyName = file.name;
      } else if (c.kind === 'trust_list') {
        state.saved.trustList = { ...entry, b64: b64url(c.bytes) };
      } else if (c.kind === 'license_types') {
        state.saved.licenseTypes = { ...entry, text: c.text };
      } else {
        const b64 = b64url(c.bytes);
        state.saved.statusLists = state.saved.statusLists.filter((l) => l.b64 !== b64);
        state.saved.statusLists.push({ ...entry, b64 });
      }
    } catch (e) {
      showError(box, e);
    }
  }
  save();
  buildVerifier();
}

function renderLists() {
  const box = $('lists');
  const t = now();
  const rows = [];
  if (DEMO) {
    rows.push(el('p', { class: 'badge demo' }, ...bi('演示模式：使用内置演示信任列表和状态列表（与 lz verify --demo 相同）',
      'demo mode: the built-in demo trust list and status lists of lz verify --demo')));
  } else {
    const s = state.saved;
    rows.push(el('div', { class: 'item', 'data-kind': 'root_key' },
      el('b', {}, '根公钥 Root key: '),
      s.rootKeyPem ? `${s.rootKeyName ?? ''} ✓` : el('span', { class: 'warn' }, '未加载 not loaded')));
  }
  if (state.verifier) {
    const info = state.lz.call(() => state.verifier.trustListInfo());
    const expired = info.expires !== null && t > info.expires;
    const saved = state.saved.trustList;
    rows.push(el('div', { class: 'item', 'data-kind': 'trust_list' },
      el('b', {}, '信任列表 Trust list: '),
      `${info.issuers.length} 个发证机关 issuers · 签发 signed ${fmtTime(info.issued_at)} · 到期 expires ${fmtTime(info.expires)}`,
      saved && !DEMO ? ` · 载入 loaded ${fmtAge(t - saved.loadedAt)}` : '',
      expired ? el('div', { class: 'warn' }, '⚠ 信任列表已过期，请更新 trust list expired: update it') : ''));
  } else if (!DEMO) {
    rows.push(el('div', { class: 'item', 'data-kind': 'trust_list' }, el('b', {}, '信任列表 Trust list: '),
      state.saved.trustList ? el('span', { class: 'warn' }, '未通过验证 rejected') : el('span', { class: 'warn' }, '未加载 not loaded')));
    rows.push(el('p', { class: 'warn' }, ...bi('请载入根公钥和信任列表后再核验', 'load the root key and a trust list to verify')));
  }
  if (!DEMO) {
    for (const l of state.saved.statusLists) {
      const info = l.info;
      const stale = info && info.stale_after !== null && t > info.stale_after;
      rows.push(el('div', { class: 'item', 'data-kind': 'status_list' },
        el('b', {}, '状态列表 Status list: '),
        info ? `${info.uri} · 签发 signed ${fmtTime(info.issued_at)} (${fmtAge(t - info.issued_at)}) · TTL ${info.ttl ?? '—'} s` : l.name,
        ` · 载入 loaded ${fmtAge(t - l.loadedAt)}`,
        stale ? el('div', { class: 'warn stale' }, '⚠ 状态列表已过时（超过 TTL），相关证照将显示“无法确定”，请更新 · past its TTL: licenses it covers verify as indeterminate; update it') : '',
        l.error ? el('div', { class: 'warn' }, `⚠ ${l.error.message_zh} / ${l.error.message_en}`) : ''));
    }
    if (state.saved.licenseTypes) {
      rows.push(el('div', { class: 'item', 'data-kind': 'license_types' }, el('b', {}, '证照类型 License types: '), state.saved.licenseTypes.name));
    }
  }
  box.replaceChildren(...rows);
}

// ------------------------------------------------------------------ verifying

function policy() {
  return { now: now() };
}

const VERDICT = {
  valid: ['有效', 'VALID', '✔'],
  invalid: ['无效', 'INVALID', '✘'],
  indeterminate: ['无法确定', 'INDETERMINATE', '?'],
};

const OUTCOME = {
  passed: ['✓', '通过', 'passed'],
  failed: ['✗', '未通过', 'failed'],
  indeterminate: ['?', '无法确定', 'undecided'],
  not_applicable: ['–', '不适用', 'n/a'],
  skipped: ['·', '未执行', 'skipped'],
};

/** A frame of an animated multi-frame code (FORMAT.md §14): `LZ1F:` in any case. */
function isFrame(text) {
  return /^lz1f:/i.test(text.replace(/[\r\n]+$/, ''));
}

/**
 * Feeds one frame to the counter's assembler; shows the progress, and once the
 * code is complete verifies what it carries (a presentation with its portrait,
 * or a 一照通 bundle). Returns true when the code completed.
 */
function pushFrame(text) {
  const box = $('frames-progress');
  box.hidden = false;
  let p;
  try {
    state.assembler ??= state.lz.call((m) => new m.FrameAssembler());
    p = state.lz.call(() => state.assembler.push(text));
  } catch (e) {
    const err = LzError.from(e);
    if (err.kind === 'internal') {
      showError($('load-error'), err);
      state.assembler = null;
      recover(err);
      return false;
    }
    // A cut, forged or foreign frame: say so and keep going with the next one.
    box.dataset.error = err.code;
    box.replaceChildren(...bi(`跳过一帧：${err.message_zh}`, `frame skipped: ${err.message_en}`), el('span', { class: 'code' }, ` [${err.code}]`));
    return false;
  }
  box.dataset.error = '';
  box.dataset.status = p.status;
  if (p.status !== 'complete') {
    if (p.status !== 'already_complete') {
      box.replaceChildren(...bi(`动态码：已收到 ${p.frames_seen} / ${p.frames_needed} 帧（${p.percent}%）`,
        `multi-frame code: ${p.frames_seen} of ${p.frames_needed} frames (${p.percent}%)`));
    }
    return false;
  }
  box.replaceChildren(...bi('动态码已拼合', 'multi-frame code assembled'));
  if (!state.verifier) {
    showError($('load-error'), new LzError('invalid_input', 'no_trust_list', '尚未载入信任列表，无法核验', 'no trust list loaded: cannot verify'));
    return true;
  }
  let out;
  try {
    out = state.lz.call(() => state.verifier.verifyAssembled(state.assembler, policy()));
  } catch (e) {
    showError($('load-error'), e);
    recover(e);
    return true;
  }
  state.scans += 1;
  if (out.kind === 'bundle') renderBundle(out.bundle);
  else renderReport(out.report);
  return true;
}

async function verifyText(text) {
  if (isFrame(text)) {
    pushFrame(text);
    return;
  }
  if (!state.verifier) {
    showError($('load-error'), new LzError('invalid_input', 'no_trust_list', '尚未载入信任列表，无法核验', 'no trust list loaded: cannot verify'));
    return;
  }
  let report;
  try {
    report = state.lz.call(() => state.verifier.verify(text, policy()));
  } catch (e) {
    showError($('load-error'), e);
    await recover(e);
    return;
  }
  state.scans += 1;
  renderReport(report);
}

/** The portrait (FORMAT.md §6.3), exactly the signed bytes, beside the verdict. */
function renderImages(images) {
  $('portrait').replaceChildren(...images.map((img) => el('figure', { 'data-key': img.key },
    el('img', { src: `data:${img.media_type};base64,${img.data_base64}`, alt: `${img.label_zh} ${img.label_en}`,
      width: img.width, height: img.height }),
    el('figcaption', {}, ...bi(`${img.label_zh}（签名覆盖）`, `${img.label_en} (signed)`)))));
}

/** A 一照通 bundle: the overall verdict, the subject, and every member with its own verdict. */
function renderBundle(b) {
  const box = $('result');
  box.className = `result ${b.verdict}`;
  box.dataset.verdict = b.verdict;
  box.dataset.kind = 'bundle';
  const [zh, en, mark] = VERDICT[b.verdict];
  $('verdict').replaceChildren(el('span', { class: 'mark' }, mark), ` 一照通 ${zh} `, el('span', { class: 'en' }, `bundle ${en}`));
  const firstBad = b.members.find((m) => m.verdict !== 'valid');
  const problem = b.problems[0] ?? firstBad?.report.problem ?? null;
  const reason = $('reason');
  reason.dataset.code = problem ? problem.code : '';
  reason.replaceChildren(...(problem ? bi(problem.message_zh, problem.message_en) : []));
  const facts = [];
  const fact = (k, v) => facts.push(el('dt', {}, k), el('dd', {}, v));
  fact('主体 Subject', `${b.subject_name ?? '?'} (${b.subject_code ?? '?'})`);
  fact('证照 Licenses', `${b.members.filter((m) => m.verdict === 'valid').length} / ${b.members.length} 有效 valid`);
  $('facts').replaceChildren(...facts);
  const binding = $('holder-binding');
  binding.className = `binding ${b.holder_signed ? 'bound' : 'static'}`;
  binding.dataset.bound = String(b.holder_signed);
  binding.replaceChildren(...(b.holder_signed
    ? bi('持证主体手机密钥对整个一照通签名', 'the whole bundle is signed by the holder\'s phone key')
    : bi('静态一照通：未签名的墙面码', 'static wall bundle: not signed by a holder')));
  $('portrait').replaceChildren();
  $('fields').replaceChildren();
  $('findings').replaceChildren(...b.problems.map((p) => el('li', { 'data-code': p.code }, ...bi(p.message_zh, p.message_en))));
  $('checks').replaceChildren();
  $('bundle').replaceChildren(...b.members.map((m) => {
    const [, , mmark] = VERDICT[m.verdict];
    const l = m.report.license;
    const name = l ? `${l.type_zh} · ${l.issuer_zh}` : '无法识别的证照 unreadable license';
    const number = m.report.fields.find((f) => f.key === 'license_number');
    const why = m.report.problem ?? b.problems.find((p) => p.index === m.index) ?? null;
    return el('li', { class: m.verdict, 'data-verdict': m.verdict, 'data-index': String(m.index), 'data-code': why ? why.code : '' },
      el('span', { class: 'mark' }, mmark), ` ${name}${number ? ` ${number.display}` : ''} `,
      why ? el('div', { class: 'small' }, `${why.message_zh} / ${why.message_en}`) : '');
  }));
  $('scan-count').textContent = `第 ${state.scans} 次核验 · scan #${state.scans} · ${fmtTime(now())}`;
}

function renderReport(r) {
  $('bundle').replaceChildren();
  $('result').dataset.kind = 'presentation';
  renderImages(r.images);
  const box = $('result');
  box.className = `result ${r.verdict}`;
  box.dataset.verdict = r.verdict;
  const [zh, en, mark] = VERDICT[r.verdict];
  $('verdict').replaceChildren(el('span', { class: 'mark' }, mark), ` ${zh} `, el('span', { class: 'en' }, en));
  const reason = $('reason');
  reason.dataset.code = r.problem ? r.problem.code : '';
  reason.replaceChildren(...(r.problem ? bi(r.problem.message_zh, r.problem.message_en) : []));

  const facts = [];
  const l = r.license;
  if (l && r.verdict !== 'valid') {
    facts.push(el('dt', { class: 'warn' }, '注意 Note'), el('dd', { class: 'warn' },
      ...bi('以下信息取自未通过核验的证照，不可采信', 'taken from a license that did not verify: do not rely on it')));
  }
  if (l) {
    const fact = (k, v) => facts.push(el('dt', {}, k), el('dd', {}, v));
    fact('证照 License', `${l.type_zh} ${l.type_en}${l.view ? ` · ${l.view}` : ''}`);
    fact('颁发 Issuer', `${l.issuer_zh} / ${l.issuer_en} (${l.issuer_code})`);
    // valid_until is exclusive: the last valid day is the day before.
    fact('有效期 Valid', `${fmtDate(l.valid_from)} → ${l.valid_until === null ? '长期 long-term' : fmtDate(l.valid_until - 1)}`);
    fact('签发 Issued', fmtTime(l.issued_at));
  }
  $('facts').replaceChildren(...facts);
  const binding = $('holder-binding');
  binding.className = 'binding';
  if (l) {
    binding.dataset.bound = String(l.holder_bound);
    binding.classList.add(l.holder_bound ? 'bound' : 'static');
    binding.replaceChildren(...(l.holder_bound
      ? bi('本人亮证（持证人手机密钥签名）', 'shown by the holder (phone key signature)')
      : bi('静态亮证：未绑定持证人，任何持码人都可出示', 'static display: not bound to a holder')));
  } else {
    binding.replaceChildren();
  }

  const rows = r.fields.map((f) => {
    const value = el('td', { class: 'value' }, f.display);
    const row = el('tr', { 'data-key': f.key }, el('th', {}, f.label_zh, ' ', el('span', { class: 'en' }, f.label_en)), value);
    if (f.sensitive && f.display !== f.value_zh) {
      const btn = el('button', { class: 'reveal' }, '显示 Reveal');
      let shown = false;
      btn.addEventListener('click', () => {
        shown = !shown;
        value.textContent = shown ? f.value_zh : f.display;
        btn.textContent = shown ? '遮蔽 Hide' : '显示 Reveal';
        focusScanner();
      });
      row.append(el('td', {}, btn));
    } else {
      row.append(el('td'));
    }
    return row;
  });
  $('fields').replaceChildren(...rows);
  $('findings').replaceChildren(...r.findings.map((f) => el('li', { 'data-code': f.code }, ...bi(f.message_zh, f.message_en))));
  $('checks').replaceChildren(...r.checks.map((c) => {
    const [m, ozh, oen] = OUTCOME[c.outcome];
    return el('li', { class: c.outcome, 'data-check': c.check },
      el('span', { class: 'mark' }, m), ` ${c.label_zh} `, el('span', { class: 'en' }, c.label_en),
      ` — ${ozh} ${oen}`,
      c.problem ? el('div', { class: 'small' }, `${c.problem.message_zh} / ${c.problem.message_en}`) : '');
  }));
  $('scan-count').textContent = `第 ${state.scans} 次核验 · scan #${state.scans} · ${fmtTime(now())}`;
}

// ------------------------------------------------------------------ scanner gun

function focusScanner() {
  if ($('pane-verify').hidden) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.id !== 'scan' && ['INPUT', 'SELECT', 'TEXTAREA'].includes(active.tagName)) return;
  $('scan').focus();
}

function setupScanner() {
  const input = $('scan');
  // One code per Enter. A scanner gun may send CR, LF or CR LF; pasted text may
  // hold several lines. Base45 contains spaces, so only line ends are stripped;
  // Caps Lock (lower-case letters) is tolerated by the decoder itself.
  const submit = (raw) => {
    for (const line of raw.split(/\r\n|\r|\n/)) {
      if (line.trim() !== '') verifyText(line);
    }
  };
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      const text = input.value;
      input.value = '';
      submit(text);
    }
  });
  input.addEventListener('paste', (ev) => {
    const text = ev.clipboardData?.getData('text') ?? '';
    if (/[\r\n]/.test(text)) {
      ev.preventDefault();
      const parts = (input.value + text).split(/\r\n|\r|\n/);
      input.value = parts.pop();
      submit(parts.join('\n'));
    }
  });
  input.addEventListener('blur', () => setTimeout(focusScanner, 0));
  // After any click (a button, a reveal tap), typing goes to the scanner input again.
  document.addEventListener('click', focusScanner);
  focusScanner();
}

// ------------------------------------------------------------------ camera

const camera = { stream: null, timer: null, frames: 0, since: 0 };

async function startCamera() {
  const box = $('camera-box');
  if (camera.stream) return;
  try {
    camera.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
    });
  } catch (e) {
    showError($('load-error'), new LzError('invalid_input', 'no_camera', '无法打开摄像头', `cannot open the camera: ${e.message}`));
    return;
  }
  box.hidden = false;
  const video = $('video');
  video.srcObject = camera.stream;
  await video.play();
  camera.frames = 0;
  camera.since = performance.now();
  const canvas = $('frame');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const tick = () => {
    if (!camera.stream) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (w > 0 && h > 0) {
      canvas.width = w;
      canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      const frame = ctx.getImageData(0, 0, w, h);
      camera.frames += 1;
      const secs = (performance.now() - camera.since) / 1000;
      $('camera-fps').textContent = `${(camera.frames / secs).toFixed(1)} 帧/秒 fps`;
      let text = null;
      try {
        text = state.lz.call((m) => m.decodeFrame(w, h, new Uint8Array(frame.data.buffer)));
      } catch (e) {
        const err = LzError.from(e);
        if (err.kind === 'internal') {
          stopCamera();
          showError($('load-error'), err);
          recover(err);
          return;
        }
        // no_qr_found / undecodable: keep scanning.
      }
      if (text !== null && isFrame(text)) {
        // An animated code: keep reading frames until it is assembled.
        if (pushFrame(text)) {
          stopCamera();
          return;
        }
      } else if (text !== null) {
        stopCamera();
        verifyText(text);
        return;
      }
    }
    camera.timer = setTimeout(tick, 0);
  };
  tick();
}

function stopCamera() {
  if (camera.timer) clearTimeout(camera.timer);
  camera.timer = null;
  if (camera.stream) for (const track of camera.stream.getTracks()) track.stop();
  camera.stream = null;
  $('camera-box').hidden = true;
  focusScanner();
}

// ------------------------------------------------------------------ 授权用证 request

function svgImg(text) {
  const svg = state.lz.call((m) => m.renderQrSvg(text));
  return el('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: 'QR' });
}

function newRequest() {
  if (!state.verifier) return;
  try {
    const code = state.lz.call(() => state.verifier.createRequest(
      DEMO ? 'DEMO-COUNTER' : 'COUNTER', DEMO ? '演示核验台 Demo counter' : '核验台 Counter',
      '核验身份 identity check', '11100000000013338W901', ['name', 'id_number'], now()));
    state.request = { ...code, body: new Uint8Array(code.body) };
  } catch (e) {
    showError($('load-error'), e);
    return;
  }
  $('request-box').hidden = false;
  $('request-qr').replaceChildren(svgImg(state.request.qr_text));
  $('request-desc').textContent = '居民身份证：姓名、公民身份号码 · ID card: name, ID number';
  $('request-text').textContent = state.request.qr_text;
  $('holder-answer').hidden = false;
}

function endRequest() {
  state.request = null;
  if (state.verifier) state.lz.call(() => state.verifier.clearRequest());
  $('request-box').hidden = true;
  $('holder-answer').hidden = true;
}

// ------------------------------------------------------------------ holder demo

const holder = { h: null, timer: null, next: 0, fields: ['name', 'id_number'] };
const HOLDER_FIELDS = [['name', '姓名', 'name'], ['sex', '性别', 'sex'], ['birth_date', '出生日期', 'birth date'],
  ['id_number', '公民身份号码', 'ID number'], ['address', '住址', 'address']];

async function startHolder() {
  const err = $('holder-error');
  err.hidden = true;
  if (!holder.h) {
    try {
      const [lic, key] = await Promise.all([
        fetch('pkg/demo/id-card.lz').then((r) => { if (!r.ok) throw new Error(`pkg/demo/id-card.lz: HTTP ${r.status}`); return r.arrayBuffer(); }),
        fetch('pkg/demo/zhangsan.key.json').then((r) => { if (!r.ok) throw new Error(`pkg/demo/zhangsan.key.json: HTTP ${r.status}`); return r.json(); }),
      ]);
      holder.h = state.lz.call((m) => new m.Holder(new Uint8Array(lic), key.alg, base64urlBytes(key.seed)));
    } catch (e) {
      showError(err, e.name === 'LzError' ? e : new LzError('invalid_input', 'no_demo_files',
        '缺少演示持证人文件（请运行 scripts/build-web.sh）', `demo holder files missing (run scripts/build-web.sh): ${e.message}`));
      return;
    }
    const box = $('holder-fields');
    for (const [key, zh, en] of HOLDER_FIELDS) {
      const cb = el('input', { type: 'checkbox', checked: holder.fields.includes(key), value: key });
      cb.addEventListener('change', () => {
        holder.fields = [...box.querySelectorAll('input:checked')].map((c) => c.value);
        present();
      });
      box.append(el('label', {}, cb, ` ${zh} `, el('span', { class: 'en' }, en)));
    }
  }
  present();
  if (!holder.timer) holder.timer = setInterval(tickHolder, 1000);
}

function present(requestText) {
  const err = $('holder-error');
  err.hidden = true;
  try {
    const text = requestText
      ? state.lz.call(() => holder.h.respond(requestText, holder.fields, now()))
      : state.lz.call(() => holder.h.present(holder.fields, now()));
    $('holder-qr').replaceChildren(svgImg(text));
    $('holder-text').textContent = text;
    holder.next = now() + 30;
    tickHolder();
  } catch (e) {
    showError(err, e);
  }
}

function tickHolder() {
  const left = holder.next - now();
  if (left <= 0 && !$('pane-holder').hidden) {
    present();
    return;
  }
  $('holder-countdown').textContent = `${Math.max(left, 0)} 秒后刷新 · refreshes in ${Math.max(left, 0)} s`;
}

// ------------------------------------------------------------------ tabs and start

function showTab(name) {
  for (const t of ['verify', 'holder']) {
    $(`pane-${t}`).hidden = t !== name;
    $(`tab-${t}`).classList.toggle('active', t === name);
  }
  if (name === 'holder') startHolder();
  else focusScanner();
}

async function main() {
  if (DEMO) $('demo-badge').hidden = false;
  const clock = () => {
    $('clock').textContent = `${pinnedStart !== null ? '固定时钟 pinned clock · ' : ''}${fmtTime(now())}`;
  };
  clock();
  setInterval(clock, 1000);
  loadSaved();
  try {
    state.lz = await Lz.load();
  } catch (e) {
    showError($('load-error'), new LzError('internal', 'wasm_missing', '核验模块无法加载（请运行 scripts/build-web.sh）',
      `the verifier module did not load (run scripts/build-web.sh): ${e.message}`));
    return;
  }
  buildVerifier();
  setInterval(renderLists, 30000);
  // Demo status lists are signed a minute before the clock with a one-day TTL (as lz verify --demo):
  // re-sign them hourly so a demo counter left open stays current.
  if (DEMO) setInterval(buildVerifier, 3600 * 1000);
  setupScanner();
  $('camera-btn').addEventListener('click', startCamera);
  $('camera-stop').addEventListener('click', stopCamera);
  $('request-btn').addEventListener('click', newRequest);
  $('request-new').addEventListener('click', newRequest);
  $('request-end').addEventListener('click', endRequest);
  $('holder-answer').addEventListener('click', () => state.request && present(state.request.qr_text));
  $('tab-verify').addEventListener('click', () => showTab('verify'));
  $('tab-holder').addEventListener('click', () => showTab('holder'));
  $('files').addEventListener('change', (ev) => { addFiles([...ev.target.files]); ev.target.value = ''; });
  $('lists-clear').addEventListener('click', () => {
    localStorage.removeItem(STORE_KEY);
    state.saved = { rootKeyPem: null, trustList: null, statusLists: [], licenseTypes: null };
    buildVerifier();
  });
  const drop = $('dropzone');
  for (const evName of ['dragenter', 'dragover']) {
    document.addEventListener(evName, (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', () => drop.classList.remove('over'));
  document.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    addFiles([...ev.dataTransfer.files]);
  });
  document.body.dataset.ready = 'true';
}

main();
