// Core (pure): per-user variables in campaign data, e.g. "{{nickname}}，周末读书会开始了" — found, checked, resolved.
// Syntax `{{name}}` (not WeChat's `{{thing1.DATA}}`, which lives in template content, never in values).
// Known variables: `nickname` (users.nickname) and `attributes.<key>` (users.attributes[key]).

export interface UserProfile {
  _id: string;
  nickname?: string;
  tags?: string[];
  attributes?: Record<string, string | number | boolean>;
  /** IANA zone set by `users.identify`; absent = the app's zone (config `zone`, default Asia/Shanghai). */
  tz?: string;
}

export const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)\s*\}\}/g;

/** Representative value used when a campaign is saved (checked against the keyword rules), and the fallback at send time. */
const NICKNAME_SAMPLE = '微信用户';
const NICKNAME_FALLBACK = '用户';
const ATTRIBUTE_SAMPLE = '示例';

export function isKnownVariable(name: string): boolean {
  return name === 'nickname' || /^attributes\.[A-Za-z0-9_]+$/.test(name);
}

/** Variable names used in one value, in order, without duplicates. */
export function variablesIn(value: string): string[] {
  return [...new Set([...value.matchAll(VARIABLE)].map((m) => m[1] ?? ''))];
}

/** `{ key, variable }` for every unknown variable across the data (an error at save time, naming the key). */
export function unknownVariables(data: Readonly<Record<string, string>>): { key: string; variable: string }[] {
  return Object.entries(data).flatMap(([key, value]) =>
    variablesIn(value)
      .filter((v) => !isKnownVariable(v))
      .map((variable) => ({ key, variable })),
  );
}

function lookup(name: string, user: UserProfile | null, mode: 'sample' | 'user'): string {
  if (name === 'nickname') {
    if (mode === 'sample') return NICKNAME_SAMPLE;
    const n = user?.nickname?.trim();
    return n ? n : NICKNAME_FALLBACK;
  }
  const attr = name.startsWith('attributes.') ? name.slice('attributes.'.length) : null;
  if (attr !== null) {
    if (mode === 'sample') return ATTRIBUTE_SAMPLE;
    const v = user?.attributes?.[attr];
    return v === undefined ? '' : String(v);
  }
  return `{{${name}}}`;
}

function substitute(data: Readonly<Record<string, string>>, fill: (name: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) out[key] = value.replace(VARIABLE, (_all, name: string) => fill(name));
  return out;
}

/** The data with every variable replaced by its representative value (what validation on save checks). */
export function withSampleValues(data: Readonly<Record<string, string>>): Record<string, string> {
  return substitute(data, (name) => lookup(name, null, 'sample'));
}

/**
 * The data for one recipient (used by the dispatcher when it creates the delivery, and by testSend).
 * A missing nickname reads `用户`; a missing attribute reads as empty (the sender's validation then skips it).
 */
export function resolveForUser(data: Readonly<Record<string, string>>, user: UserProfile | null): Record<string, string> {
  return substitute(data, (name) => lookup(name, user, 'user'));
}

export function hasVariables(data: Readonly<Record<string, string>>): boolean {
  return Object.values(data).some((v) => variablesIn(v).length > 0);
}
