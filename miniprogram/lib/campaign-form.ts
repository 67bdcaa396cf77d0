// Mini program lib (pure): the campaign editor's form — keyword fields with type hints, local checks, and the
// payloads of campaigns.create / update / schedule. Keyword rules themselves are checked by `templates.preview`
// (core/template lives outside the mini program root, so it cannot be bundled here).
import { emptyOptions, optionProblems, optionsFromCampaign, optionsPayload, parseAttributes, type OptionsForm } from './campaign-options';
import { audienceFields, audiencePayload, audienceProblems, emptyAudience, type AudienceFields } from './audience-form';
import { emptyRepeat, repeatFromCampaign, repeatPayload, repeatProblems, type RepeatForm } from './campaign-repeat';
import { parseShanghai, shanghaiParts, ZONE } from './time';
import type { Audience, PreviewError, TemplateView } from './types';

export interface CampaignForm extends OptionsForm, AudienceFields, RepeatForm {
  name: string;
  templateId: string;
  data: Record<string, string>;
  page: string;
  date: string;
  time: string;
}

export const emptyForm = (): CampaignForm =>
  ({ name: '', templateId: '', data: {}, page: '', date: '', time: '', ...emptyOptions(), ...emptyAudience(), ...emptyRepeat() });

/** [SEND-NEW] keyword content limits, as a hint under each field. */
const TYPE_HINT: Record<string, string> = {
  thing: '20 个字以内', short_thing: '简短文字', number: '纯数字，可带小数，32 位以内', letter: '纯字母，32 位以内',
  symbol: '符号，5 个以内', character_string: '数字、字母或符号，32 位以内', time: '如 15:01 或 2019年10月1日 15:01',
  date: '如 2019年10月1日 或 2019-10-01', amount: '如 ￥100 或 100元', phone_number: '数字和符号，17 位以内',
  car_number: '车牌号，8 位以内', name: '10 个汉字或 20 个字母以内', phrase: '5 个汉字以内，纯汉字',
};

export function keywordType(key: string): string {
  return key.replace(/\d+$/, '');
}

export interface FieldView { key: string; label: string; type: string; hint: string; value: string; error: string }

export function fieldViews(tpl: TemplateView | undefined, form: CampaignForm, errors: Record<string, string>): FieldView[] {
  if (!tpl) return [];
  return tpl.keywords.map((k) => ({
    key: k.key,
    label: k.label,
    type: k.type,
    hint: hintFor(k),
    value: form.data[k.key] ?? '',
    error: errors[k.key] ?? '',
  }));
}

function hintFor(k: { key: string; type: string; enumValues?: string[] }): string {
  return k.enumValues?.length ? `可选：${k.enumValues.join(' / ')}` : TYPE_HINT[k.type] ?? TYPE_HINT[keywordType(k.key)] ?? '';
}

/** The server's rule violations (English, for logs) as Chinese messages per keyword, first one per key. */
export function errorsByKey(errors: PreviewError[], tpl: TemplateView | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    if (out[e.key]) continue;
    const k = tpl?.keywords.find((x) => x.key === e.key);
    const label = k?.label ?? e.key;
    const hint = k ? hintFor(k) : '';
    out[e.key] =
      e.rule === 'missing' || e.rule === 'empty' ? `请填写“${label}”`
        : e.rule === 'length' ? `“${label}”太长：${hint}`
          : e.rule === 'control' ? `“${label}”不能包含换行等控制字符`
            : e.rule === 'enum' ? `“${label}”只能填：${k?.enumValues?.join(' / ') ?? '模板规定的值'}`
              : `“${label}”格式不符${hint ? `：${hint}` : ''}`;
  }
  return out;
}

/** [SEND-NEW] §1.2 page: a page of this mini program without a leading "/", query allowed (campaigns' rule). */
export const PAGE_RE = /^[A-Za-z0-9_\-]+(\/[A-Za-z0-9_\-]+)*(\?[A-Za-z0-9_\-.=&%]*)?$/;
export const cleanPage = (p: string): string => p.trim().replace(/^\/+/, '');

/** Checks that need no server: name, template, every keyword filled (an empty value is 47003 [COMM-47003]). */
export function localProblems(form: CampaignForm, tpl: TemplateView | undefined): string[] {
  const out: string[] = [];
  if (!form.name.trim()) out.push('请填写推送名称');
  if (!tpl) out.push('请选择消息模板');
  for (const k of tpl?.keywords ?? []) if (!(form.data[k.key] ?? '').trim()) out.push(`请填写“${k.label}”`);
  if (form.page.trim() && !PAGE_RE.test(cleanPage(form.page))) out.push('页面路径格式不正确，如 pages/events/events?eventId=1');
  // The campaigns function refuses an empty segment ("a segment needs tags or attributes") and a bad list.
  out.push(...audienceProblems(form));
  out.push(...optionProblems(form));
  out.push(...repeatProblems(form));
  return out;
}

export function tagsOf(text: string): string[] {
  return [...new Set(text.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean))].slice(0, 10).map((t) => t.slice(0, 32));
}

function audienceOf(form: CampaignForm): Record<string, unknown> {
  return { ...audiencePayload(form) };
}

export function createPayload(form: CampaignForm, tpl: TemplateView | undefined, clear = false): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const k of tpl?.keywords ?? []) data[k.key] = (form.data[k.key] ?? '').trim();
  return {
    name: form.name.trim(),
    templateId: form.templateId,
    data,
    ...(form.page.trim() ? { page: cleanPage(form.page) } : {}),
    audience: audienceOf(form),
    ...optionsPayload(form, clear),
    ...repeatPayload(form, clear),
  };
}

/** The `campaigns.update` patch: like create, and an emptied page / switched-off quiet hours or cap clears the stored one. */
export function updatePatch(form: CampaignForm, tpl: TemplateView | undefined): Record<string, unknown> {
  const p = createPayload(form, tpl, true);
  return p['page'] === undefined ? { ...p, page: null } : p;
}

export type ScheduleCheck = { ok: true; sendAt?: string; zone: string } | { ok: false; message: string };

/**
 * The `campaigns.schedule` arguments: a wall-clock time in the campaign's zone (Beijing time for a new one) — or, for
 * a repeating campaign, nothing but the zone (it starts with its first occurrence after now). In Beijing time it is
 * checked here to be in the future; in another zone the campaigns function checks that (it resolves the local time
 * in the zone and refuses a past one).
 */
export function schedulePayload(form: CampaignForm, now: number, zone: string = ZONE): ScheduleCheck {
  if (form.repeat) return form.time ? { ok: true, zone } : { ok: false, message: '重复发送请选择发送时间' };
  const ms = parseShanghai(form.date, form.time);
  if (ms === null) return { ok: false, message: '请选择发送日期和时间' };
  if (zone === ZONE && ms <= now) return { ok: false, message: '发送时间必须晚于现在' };
  return { ok: true, sendAt: `${form.date} ${form.time}`, zone };
}

/** Fills the form from a stored campaign (campaigns.get). */
export function formFromCampaign(c: Record<string, any>): CampaignForm {
  const local = typeof c['sendAtLocal'] === 'string' ? (c['sendAtLocal'] as string).split(' ')
    : typeof c['sendAt'] === 'number' ? (({ date, time }) => [date, time])(shanghaiParts(c['sendAt'] as number)) : ['', ''];
  return {
    name: String(c['name'] ?? ''),
    templateId: String(c['templateId'] ?? ''),
    data: { ...((c['data'] ?? {}) as Record<string, string>) },
    page: String(c['page'] ?? ''),
    date: local[0] ?? '',
    ...optionsFromCampaign(c),
    ...audienceFields(c['audience'] as Audience | undefined),
    ...repeatFromCampaign(c),
    time: repeatFromCampaign(c).time ?? local[1] ?? '',
  };
}
