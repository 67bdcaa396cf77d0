// Mini program lib (pure): the campaign editor's audience — all, a segment (all of / any of / none of the tags,
// attributes equal to a value or any of `a|b`, attributes not equal), or an explicit list of openids — parsing,
// local checks (Chinese) and the `audience` payload. Limits mirror core/campaigns/schema.ts (checked again there).
import { parseAttributes, formatAttributes, type AttrValue } from './campaign-options';
import type { Audience } from './types';

export type AudienceKind = 'all' | 'segment' | 'list';

export interface AudienceFields {
  audienceKind: AudienceKind;
  /** All of these tags. */
  tags: string;
  /** At least one of these tags. */
  anyTags: string;
  /** None of these tags. */
  notTags: string;
  /** `name=value` (or `name=a|b` for any of), as campaign-options parseAttributes. */
  attributes: string;
  /** `name=value` (or `name=a|b`): the attribute must differ (none of). */
  notAttributes: string;
  /** Openids separated by commas, spaces or new lines. */
  openids: string;
}

export const emptyAudience = (): Omit<AudienceFields, 'attributes'> => ({ audienceKind: 'all', tags: '', anyTags: '', notTags: '', notAttributes: '', openids: '' });

export const MAX_LIST = 1000;
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

export function tagList(text: string): string[] {
  return [...new Set(text.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean))].slice(0, 10).map((t) => t.slice(0, 32));
}

export function openidList(text: string): string[] {
  return [...new Set(text.split(/[,，\s]+/).map((t) => t.trim()).filter(Boolean))];
}

type Conditions = { ok: true; value: Record<string, AttrValue | AttrValue[]> } | { ok: false; message: string };

const typed = (raw: string): AttrValue => (raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);

/** parseAttributes, plus `name=a|b` → any of [a, b]. */
export function parseConditions(text: string): Conditions {
  const r = parseAttributes(text);
  if (!r.ok) return r;
  const value: Record<string, AttrValue | AttrValue[]> = {};
  for (const [k, v] of Object.entries(r.attributes)) {
    if (typeof v === 'string' && v.includes('|')) {
      const parts = v.split('|').map((p) => p.trim()).filter(Boolean);
      if (parts.length === 0 || parts.length > 20) return { ok: false, message: `属性 ${k} 的可选值应为 1–20 个，用 | 分隔` };
      value[k] = parts.map(typed);
    } else value[k] = v;
  }
  return { ok: true, value };
}

export function formatConditions(a: Record<string, AttrValue | AttrValue[]> | undefined): string {
  const flat: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(a ?? {})) flat[k] = Array.isArray(v) ? v.map(String).join('|') : v;
  return formatAttributes(flat);
}

/** Problems of the audience part of the form, in Chinese. */
export function audienceProblems(f: AudienceFields): string[] {
  if (f.audienceKind === 'list') {
    const ids = openidList(f.openids);
    if (ids.length === 0) return ['请填写至少一个 openid'];
    if (ids.length > MAX_LIST) return [`openid 最多 ${MAX_LIST} 个`];
    const bad = ids.find((o) => !OPENID.test(o));
    return bad ? [`“${bad.slice(0, 20)}”不是有效的 openid`] : [];
  }
  if (f.audienceKind !== 'segment') return [];
  const attrs = parseConditions(f.attributes);
  if (!attrs.ok) return [attrs.message];
  const nots = parseConditions(f.notAttributes);
  if (!nots.ok) return [nots.message];
  const any = [f.tags, f.anyTags, f.notTags].some((t) => tagList(t).length > 0) || Object.keys({ ...attrs.value, ...nots.value }).length > 0;
  return any ? [] : ['按条件筛选时请至少填写一个标签或属性'];
}

/** The `audience` of campaigns.create / update. */
export function audiencePayload(f: AudienceFields): Audience {
  if (f.audienceKind === 'list') return { kind: 'list', openids: openidList(f.openids) };
  if (f.audienceKind !== 'segment') return { kind: 'all' };
  const out: Audience = { kind: 'segment' };
  const tags = tagList(f.tags);
  const anyTags = tagList(f.anyTags);
  const notTags = tagList(f.notTags);
  const attrs = parseConditions(f.attributes);
  const nots = parseConditions(f.notAttributes);
  if (tags.length) out.tags = tags;
  if (anyTags.length) out.anyTags = anyTags;
  if (notTags.length) out.notTags = notTags;
  if (attrs.ok && Object.keys(attrs.value).length) out.attributes = attrs.value;
  if (nots.ok && Object.keys(nots.value).length) out.notAttributes = nots.value;
  return out;
}

/** The form fields of a stored audience (campaigns.get). */
export function audienceFields(a: Audience | undefined): AudienceFields {
  const aud = a ?? { kind: 'all' };
  if (aud.kind === 'list') return { ...emptyAudience(), attributes: '', audienceKind: 'list', openids: aud.openids.join('\n') };
  if (aud.kind !== 'segment') return { ...emptyAudience(), attributes: '' };
  return {
    audienceKind: 'segment',
    tags: (aud.tags ?? []).join(', '),
    anyTags: (aud.anyTags ?? []).join(', '),
    notTags: (aud.notTags ?? []).join(', '),
    attributes: formatConditions(aud.attributes),
    notAttributes: formatConditions(aud.notAttributes),
    openids: '',
  };
}
