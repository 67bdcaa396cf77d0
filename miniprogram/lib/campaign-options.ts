// Mini program lib (pure): the campaign editor's delivery options — quiet hours, frequency cap, mini program version,
// language and segment attributes: parsing, local checks (Chinese), payload pieces and the detail page's labels.
// Limits mirror core/campaigns/schema.ts (the campaigns function checks them again).

import { zoneText } from './campaign-view';
export interface OptionsForm {
  quietEnabled: boolean;
  quietStart: string;
  quietEnd: string;
  capEnabled: boolean;
  capMax: string;
  capPerHours: string;
  /** '' = the app's default (config/tixing.json). */
  miniprogramState: string;
  lang: string;
  /** `name=value` pairs separated by commas or new lines, e.g. `city=上海, level=3, vip=true`. */
  attributes: string;
}

export const emptyOptions = (): OptionsForm => ({
  quietEnabled: false, quietStart: '22:00', quietEnd: '08:00', capEnabled: false, capMax: '1', capPerHours: '24',
  miniprogramState: '', lang: '', attributes: '',
});

export interface Choice { readonly value: string; readonly label: string }

/**
 * [SEND-NEW] miniprogram_state: developer / trial / formal — which build the card opens. `as const`: the values are
 * compared with core's Campaign['miniprogramState'] by test/build/miniprogram-parity.ts ('' = the app's default).
 */
export const STATE_CHOICES = [
  { value: '', label: '默认（按应用配置）' }, { value: 'developer', label: '开发版' }, { value: 'trial', label: '体验版' },
  { value: 'formal', label: '正式版' },
] as const satisfies readonly Choice[];
/** [SEND-NEW] lang: zh_CN (default), en_US, zh_HK, zh_TW — the language of the card's fixed texts (checked as above). */
export const LANG_CHOICES = [
  { value: '', label: '默认（按应用配置）' }, { value: 'zh_CN', label: '简体中文' }, { value: 'en_US', label: '英文' },
  { value: 'zh_HK', label: '繁体中文（香港）' }, { value: 'zh_TW', label: '繁体中文（台湾）' },
] as const satisfies readonly Choice[];

export const choiceIndex = (choices: readonly Choice[], value: string): number => Math.max(0, choices.findIndex((c) => c.value === value));
export const choiceLabel = (choices: readonly Choice[], value: unknown): string =>
  choices.find((c) => c.value === value && c.value !== '')?.label ?? (typeof value === 'string' && value ? value : '默认');

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
export const CAP_MAX_LIMIT = 100;
export const CAP_HOURS_LIMIT = 24 * 30;

/** `12` → 12; anything but a plain positive integer within `limit` → null. */
export function positiveInt(text: string, limit: number): number | null {
  if (!/^\d{1,6}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 1 && n <= limit ? n : null;
}

export type AttrValue = string | number | boolean;
export type AttrParse = { ok: true; attributes: Record<string, AttrValue> } | { ok: false; message: string };

/** `vip=true` → boolean, `level=3` → number, `city=上海` → string ("…" keeps a value as text, e.g. `code="3"`). */
export function parseAttributes(text: string): AttrParse {
  const out: Record<string, AttrValue> = {};
  for (const part of text.split(/[,，;；\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const eq = part.search(/[=＝]/);
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    const raw = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!ATTR_NAME.test(name) || name.length > 32 || !raw || [...raw].length > 64) {
      return { ok: false, message: `属性“${part}”格式不正确：应为 名称=值，名称以英文字母开头，如 city=上海` };
    }
    const quoted = /^["“](.*)["”]$/.exec(raw);
    out[name] = quoted ? quoted[1] ?? '' : raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (Object.keys(out).length > 10) return { ok: false, message: '属性最多 10 个' };
  return { ok: true, attributes: out };
}

export function formatAttributes(a: Record<string, unknown> | undefined): string {
  return Object.entries(a ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' && /^(true|false|-?\d+(\.\d+)?)$/.test(v) ? `"${v}"` : String(v)}`).join(', ');
}

/** Problems with the options, in Chinese, in the order the fields appear. */
export function optionProblems(o: OptionsForm): string[] {
  const out: string[] = [];
  if (o.quietEnabled) {
    if (!HHMM.test(o.quietStart) || !HHMM.test(o.quietEnd)) out.push('免打扰时段的时间格式应为 HH:mm，如 22:00');
    else if (o.quietStart === o.quietEnd) out.push('免打扰时段的开始和结束时间不能相同');
  }
  if (o.capEnabled) {
    if (positiveInt(o.capMax, CAP_MAX_LIMIT) === null) out.push(`频次上限的条数须为 1–${CAP_MAX_LIMIT} 的正整数`);
    if (positiveInt(o.capPerHours, CAP_HOURS_LIMIT) === null) out.push(`频次上限的时长须为 1–${CAP_HOURS_LIMIT} 的正整数（小时）`);
  }
  return out;
}

/** The option fields of campaigns.create; `clear` (update) sends null for a switched-off quiet hours / cap. */
export function optionsPayload(o: OptionsForm, clear: boolean): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (o.quietEnabled) p['quietHours'] = { start: o.quietStart, end: o.quietEnd };
  else if (clear) p['quietHours'] = null;
  const max = positiveInt(o.capMax, CAP_MAX_LIMIT);
  const perHours = positiveInt(o.capPerHours, CAP_HOURS_LIMIT);
  if (o.capEnabled && max !== null && perHours !== null) p['frequencyCap'] = { max, perHours };
  else if (clear) p['frequencyCap'] = null;
  if (o.miniprogramState) p['miniprogramState'] = o.miniprogramState;
  if (o.lang) p['lang'] = o.lang;
  return p;
}

/** The options of a stored campaign (campaigns.get) as form values. */
export function optionsFromCampaign(c: Record<string, any>): OptionsForm {
  const q = c['quietHours'] as { start?: string; end?: string } | null | undefined;
  const cap = c['frequencyCap'] as { max?: number; perHours?: number } | null | undefined;
  const d = emptyOptions();
  return {
    quietEnabled: !!q, quietStart: q?.start ?? d.quietStart, quietEnd: q?.end ?? d.quietEnd,
    capEnabled: !!cap, capMax: String(cap?.max ?? d.capMax), capPerHours: String(cap?.perHours ?? d.capPerHours),
    miniprogramState: typeof c['miniprogramState'] === 'string' ? c['miniprogramState'] : '',
    lang: typeof c['lang'] === 'string' ? c['lang'] : '',
    attributes: formatAttributes(c['audience']?.['attributes'] as Record<string, unknown> | undefined),
  };
}

/** The detail page's settings lines. */
export function settingsRows(c: Record<string, any>): { label: string; value: string }[] {
  const a = (c['audience'] ?? { kind: 'all' }) as {
    kind: string; tags?: string[]; anyTags?: string[]; notTags?: string[]; openids?: string[];
    attributes?: Record<string, unknown>; notAttributes?: Record<string, unknown>;
  };
  const list = (v: Record<string, unknown> | undefined) => formatAttributes(Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, Array.isArray(x) ? x.join('|') : x])));
  // Plain "标签 … / 属性 …" for all-of conditions (as before); any-of and none-of are named.
  const seg = [
    a.tags?.length ? `标签 ${a.tags.join('、')}` : '',
    a.anyTags?.length ? `任一标签 ${a.anyTags.join('、')}` : '',
    a.notTags?.length ? `排除标签 ${a.notTags.join('、')}` : '',
    a.attributes && Object.keys(a.attributes).length ? `属性 ${list(a.attributes)}` : '',
    a.notAttributes && Object.keys(a.notAttributes).length ? `排除属性 ${list(a.notAttributes)}` : '',
  ].filter(Boolean).join('；');
  const audience = a.kind === 'segment' ? `按条件筛选：${seg}` : a.kind === 'list' ? `指定用户：${a.openids?.length ?? 0} 人` : '所有可触达的订阅用户';
  const q = c['quietHours'] as { start: string; end: string } | null | undefined;
  const cap = c['frequencyCap'] as { max: number; perHours: number } | null | undefined;
  return [
    { label: '受众', value: audience },
    { label: '免打扰时段', value: q ? `${q.start}–${q.end}（${zoneText(c['zone'])}，期间的消息顺延到结束后发送）` : '未设置' },
    { label: '频次上限', value: cap ? `每 ${cap.perHours} 小时最多 ${cap.max} 条` : '不限' },
    { label: '版本', value: choiceLabel(STATE_CHOICES, c['miniprogramState']) },
    { label: '语言', value: choiceLabel(LANG_CHOICES, c['lang']) },
  ];
}
