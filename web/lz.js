// lz.js — loads the liangzheng WebAssembly module (pkg/, built by
// scripts/build-web.sh) and guards every call into it.
//
// Every error that leaves here is an LzError with `kind`, `code`,
// `message_zh` and `message_en`. Core returns typed errors for bad input, so a
// panic is a bug; on wasm32 it traps the instance (WebAssembly.RuntimeError).
// `call` turns such a trap into LzError {kind: "internal", code: "panic"}
// carrying the panic message, marks the instance dead, and the owner loads a
// fresh one with `Lz.load()` (each load is a new module instance).

/** A typed error from the liangzheng module (or from this wrapper). */
export class LzError extends Error {
  constructor(kind, code, messageZh, messageEn) {
    super(`[${code}] ${messageZh} / ${messageEn}`);
    this.name = 'LzError';
    this.kind = kind;
    this.code = code;
    this.message_zh = messageZh;
    this.message_en = messageEn;
  }

  /** Anything thrown by the module or the wrapper, as an LzError. */
  static from(e) {
    if (e instanceof LzError) return e;
    if (e && e.name === 'LzError' && typeof e.code === 'string') {
      return new LzError(e.kind, e.code, e.message_zh, e.message_en);
    }
    const text = e && e.message ? e.message : String(e);
    return new LzError('internal', 'js_error', '内部错误', text);
  }
}

let generation = 0;

/** One instance of the module. */
export class Lz {
  constructor(mod) {
    this.mod = mod;
    this.dead = false;
  }

  /**
   * Loads a fresh instance. `wasm`: the .wasm bytes (Node) or URL; default
   * pkg/liangzheng_bg.wasm next to this file.
   */
  static async load(wasm) {
    generation += 1;
    const mod = await import(`./pkg/liangzheng.js?instance=${generation}`);
    const source = wasm ?? new URL('./pkg/liangzheng_bg.wasm', import.meta.url);
    await mod.default({ module_or_path: source });
    return new Lz(mod);
  }

  /** Runs `fn(mod)`, converting every throw (and a trap) into an LzError. */
  call(fn) {
    if (this.dead) {
      throw new LzError('internal', 'instance_dead', '核验模块已停止，请重新加载',
        'the verifier module stopped after an internal error; load it again');
    }
    try {
      return fn(this.mod);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        this.dead = true;
        let detail = e.message;
        try {
          detail = this.mod.takePanicMessage() ?? detail;
        } catch (_) {
          // The trapped instance may not answer; the trap message stays.
        }
        throw new LzError('internal', 'panic', '内部错误（核验模块已重新加载）',
          `internal error (the module is reloaded): ${detail}`);
      }
      throw LzError.from(e);
    }
  }
}

/** Bytes of an unpadded (or padded) base64url string. */
export function base64urlBytes(text) {
  const b64 = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new LzError('invalid_input', 'bad_base64', '不是 base64url 编码', 'not base64url');
  }
  const bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * What an `lz` file is, from its text or bytes: the self-describing JSON files
 * of the `lz` CLI (`format` + `version` 1, bytes in base64url `cose`), a
 * public-key PEM (the pinned root key), a license-types JSON, or raw COSE bytes.
 * Returns {kind: "trust_list" | "status_list" | "root_key" | "license_types", bytes?, text?}.
 */
export function classifyFile(name, bytes) {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return { kind: 'root_key', text: trimmed };
  if (trimmed.startsWith('{')) {
    let json;
    try {
      json = JSON.parse(trimmed);
    } catch (_) {
      throw new LzError('invalid_input', 'bad_file', `${name}：不是有效的 JSON`, `${name}: not valid JSON`);
    }
    if (json.format === 'liangzheng-trust-list' && json.version === 1) {
      return { kind: 'trust_list', bytes: base64urlBytes(json.cose) };
    }
    if (json.format === 'liangzheng-status-token' && json.version === 1) {
      return { kind: 'status_list', bytes: base64urlBytes(json.cose) };
    }
    if (json.format === 'liangzheng-license-types') return { kind: 'license_types', text: trimmed };
    throw new LzError('invalid_input', 'unknown_file',
      `${name}：不是信任列表、状态列表、根公钥或证照类型文件`,
      `${name}: not a trust list, status list, root key or license-type file`);
  }
  // Raw COSE (CBOR tag 18 or an untagged 4-element array): a status token.
  if (bytes.length > 0 && (bytes[0] === 0xd2 || bytes[0] === 0x84)) {
    return { kind: 'status_list', bytes };
  }
  throw new LzError('invalid_input', 'unknown_file',
    `${name}：无法识别的文件`, `${name}: unrecognised file`);
}
