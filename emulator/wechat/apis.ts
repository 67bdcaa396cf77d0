// Emulator layer (WeChat simulator): the server APIs real projects call most besides subscription messages —
// content security (security.msgSecCheck) and mini program codes (wxacode.getUnlimited / createQRCode / get).
// Each handler takes the decoded parameters (snake_case, as wx-server-sdk sends them) and answers WeChat's JSON body,
// or an image. Codes: [SEC-MSG] security.msgSecCheck, [WXACODE] wxacode.* (developers.weixin.qq.com OpenApiDoc).
import QRCode from 'qrcode';
import type { SimCore, WxBody } from './core';
import { isKnownPage, readAppPages } from './pages';
import { ENV_ID } from '../runner/env';

/** An answer that is not JSON: wx-server-sdk returns `{ contentType, buffer }` for it. */
export interface ImageAnswer {
  image: Buffer;
  contentType: string;
}

export type ApiAnswer = WxBody | ImageAnswer;

export function isImage(a: ApiAnswer): a is ImageAnswer {
  return 'image' in a;
}

/** A local content-security rule: text containing `keyword` (case-insensitive) gets `suggest` with `label`. */
export interface SecCheckRule {
  keyword: string;
  /** [SEC-MSG] 100 normal, 10001 ad, 20001 politics, 20002 porn, 20003 abuse, 20006 crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other. */
  label: number;
  suggest: 'risky' | 'review';
}

const SCENES = new Set([1, 2, 3, 4]);

/** The first rule the text hits, risky rules before review rules; undefined when it passes. */
function judge(rules: readonly SecCheckRule[], texts: string[]): SecCheckRule | undefined {
  const hay = texts.join('\n').toLowerCase();
  const hit = (r: SecCheckRule): boolean => hay.includes(r.keyword.toLowerCase());
  return rules.find((r) => r.suggest === 'risky' && hit(r)) ?? rules.find((r) => r.suggest === 'review' && hit(r));
}

/**
 * security.msgSecCheck. Version 1 (`{content}`): `87014 risky content` for a risky hit, else ok. Version 2
 * (`{content, version: 2, scene, openid}`): always errcode 0 with `result: {suggest, label}`, `detail` and `trace_id`.
 * Deterministic: the rules are the account policy's `secCheckRules` (seed `secCheckRules`, or setPolicy).
 */
export function msgSecCheck(core: SimCore, p: Record<string, unknown>): WxBody {
  const content = p.content;
  if (typeof content !== 'string' || content === '') return core.fail(47001, 'data format error');
  if (Buffer.byteLength(content) > 2500 * 3) return core.fail(47001, 'data format error: content is longer than 2500 characters');
  const rules = core.policy.secCheckRules;
  if (p.version === undefined || p.version === 1) {
    return judge(rules, [content])?.suggest === 'risky' ? core.fail(87014, 'risky content') : core.ok();
  }
  if (p.version !== 2) return core.fail(47001, 'data format error: version must be 1 or 2');
  if (typeof p.openid !== 'string' || p.openid === '') return core.fail(40003, 'invalid openid');
  if (typeof p.scene !== 'number' || !SCENES.has(p.scene)) return core.fail(47001, 'data format error: scene must be 1, 2, 3 or 4');
  const texts = [content, ...['title', 'nickname', 'signature'].map((k) => p[k]).filter((v): v is string => typeof v === 'string')];
  const hit = judge(rules, texts);
  const result = hit ? { suggest: hit.suggest, label: hit.label } : { suggest: 'pass', label: 100 };
  const detail = [{ strategy: 'content_model', errcode: 0, ...result, prob: hit ? 90 : 0, ...(hit ? { keyword: hit.keyword } : {}) }];
  return core.ok({ detail, result, trace_id: core.nextTraceId() });
}

/** [WXACODE] width 280–1280 px (default 430); outside the range WeChat clamps it. */
function widthOf(p: Record<string, unknown>): number {
  const w = typeof p.width === 'number' && Number.isFinite(p.width) ? Math.round(p.width) : 430;
  return Math.min(1280, Math.max(280, w));
}

async function png(core: SimCore, text: string, p: Record<string, unknown>): Promise<ImageAnswer> {
  const dark = isRgb(p.line_color) && p.auto_color !== true ? rgbHex(p.line_color) : '#000000ff';
  const light = p.is_hyaline === true ? '#ffffff00' : '#ffffffff';
  const image = await QRCode.toBuffer(text, { type: 'png', width: widthOf(p), margin: 2, color: { dark, light } });
  core.log(`wechat wxacode: ${image.length} byte PNG for ${text}`);
  return { image, contentType: 'image/png' };
}

function isRgb(v: unknown): v is { r: unknown; g: unknown; b: unknown } {
  return typeof v === 'object' && v !== null && 'r' in v && 'g' in v && 'b' in v;
}

function rgbHex(c: { r: unknown; g: unknown; b: unknown }): string {
  const h = (x: unknown): string => Math.min(255, Math.max(0, Number(x) || 0)).toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}ff`;
}

/** What the local code encodes: a readable link naming the mini program, the page and the scene or query. */
function codeText(core: SimCore, kind: string, fields: Record<string, string>): string {
  const qs = new URLSearchParams(fields).toString();
  return `https://tixing.emulator.local/wxacode/${kind}?appid=${encodeURIComponent(core.appid)}${qs ? `&${qs}` : ''}`;
}

/**
 * wxacode.getUnlimited: `scene` at most 32 visible characters (40169 otherwise); `page` must be a page of app.json
 * unless `check_path: false` (41030); a real PNG (a QR code standing in for the round mini program code).
 */
export async function getUnlimited(core: SimCore, p: Record<string, unknown>): Promise<ApiAnswer> {
  const scene = p.scene;
  if (typeof scene !== 'string' || scene === '' || scene.length > 32 || !/^[\x21-\x7e]+$/.test(scene)) {
    return core.fail(40169, 'invalid length for scene, or the data is not json string');
  }
  const page = typeof p.page === 'string' ? p.page : '';
  if (page !== '' && p.check_path !== false && !isKnownPage(page, readAppPages(core.appJsonPath, core.log))) {
    return core.fail(41030, 'invalid page');
  }
  return png(core, codeText(core, 'unlimited', { scene, ...(page ? { page } : {}) }), p);
}

/** wxacode.createQRCode / wxacode.get: `path` (page plus query) at most 128 bytes (40159 otherwise). */
export function byPath(kind: 'qrcode' | 'limited') {
  return async (core: SimCore, p: Record<string, unknown>): Promise<ApiAnswer> => {
    const path = p.path;
    if (typeof path !== 'string' || path === '' || Buffer.byteLength(path) > 128) {
      return core.fail(40159, 'invalid length for path, or the data is not json string');
    }
    return png(core, codeText(core, kind, { path }), p);
  };
}

/** [DELAYED] delay_time is in seconds, from 6 s to 30 days. */
export const DELAY_MIN_S = 6;
export const DELAY_MAX_S = 30 * 86_400;

/**
 * cloudbase.addDelayedFunctionTask ([DELAYED]): `{ env, function_name, data (a JSON string), delay_time (s) }`,
 * answers errcode/errmsg only — no task id, no cancel. The task runs on the emulator's virtual clock
 * (`schedule`). Malformed parameters answer 40097 "invalid args" (the emulator's choice: [DELAYED] lists no codes).
 */
export function addDelayedFunctionTask(core: SimCore, p: Record<string, unknown>, schedule: ((t: { fn: string; data: string; at: number }) => void) | undefined, envId: string = ENV_ID): WxBody {
  if (p.env !== envId) return core.fail(40097, `invalid args: env must be this environment (${envId})`);
  const fn = p.function_name;
  if (typeof fn !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(fn)) return core.fail(40097, 'invalid args: function_name');
  const data = p.data;
  if (typeof data !== 'string') return core.fail(40097, 'invalid args: data must be a JSON string');
  try {
    JSON.parse(data);
  } catch {
    return core.fail(40097, 'invalid args: data must be a JSON string');
  }
  const delay = p.delay_time;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < DELAY_MIN_S || delay > DELAY_MAX_S) {
    return core.fail(40097, `invalid args: delay_time must be whole seconds from ${DELAY_MIN_S} to ${DELAY_MAX_S}`);
  }
  if (!schedule) return core.fail(-1, 'system error: this emulator runs no delayed tasks');
  const at = core.clock.now() + delay * 1000;
  schedule({ fn, data, at });
  core.log(`wechat cloudbase.addDelayedFunctionTask: ${fn} in ${delay} s`);
  return core.ok();
}
