// Core (pure): per-user variables in campaign data, e.g. "{{nickname}}，周末读书会开始了" — found, checked, resolved.
// Syntax `{{name}}` (not WeChat's `{{thing1.DATA}}`, which lives in template content, never in values).
// Known variables: `nickname` (users.nickname) and `attributes.<key>` (users.attributes[key]).

import { checkKeyword, keywordType } from '../template/keywords';

export interface UserProfile {
  _id: string;
  nickname?: string;
  tags?: string[];
  attributes?: Record<string, string | number | boolean>;
  /** IANA zone set by `users.identify`; absent = the app's zone (config `zone`, default Asia/Shanghai). */
  tz?: string;
  updatedAt?: number;
}

export const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)\s*\}\}/g;

/** Representative value used when a campaign is saved (checked against the keyword rules), and the fallback at send time. */
const NICKNAME_SAMPLE = '微信用户';
const NICKNAME_FALLBACK = '用户';
const ATTRIBUTE_SAMPLE = '示例';

/**
 * Attribute names a variable may never read: properties every JavaScript object inherits. A profile's
 * `attributes.__proto__` resolved to Object.prototype and a test send delivered "[object Object]".
 */
const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
  'constructor',
  '__proto__',
]);

/** An attribute name a variable may read: an attribute-name token (letter first) that is not an inherited property. */
export function isAttributeName(attr: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(attr) && !RESERVED_ATTRIBUTES.has(attr);
}

export function isKnownVariable(name: string): boolean {
  if (name === 'nickname') return true;
  return name.startsWith('attributes.') && isAttributeName(name.slice('attributes.'.length));
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
    // Own, plain-data properties only: never an inherited one, never an object (a profile is untrusted data too).
    const attrs = user?.attributes;
    if (!isAttributeName(attr) || !attrs || !Object.prototype.hasOwnProperty.call(attrs, attr)) return '';
    const v: unknown = attrs[attr];
    return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : '';
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
 * The data for one recipient (used by the dispatcher when it creates the delivery, and by testSend) — the one place
 * per-user variables are rendered. A missing nickname reads `用户`; a missing attribute reads as empty (the sender's
 * validation then skips it). A real nickname too long for its keyword's rule (thing ≤ 20, name ≤ 10 Chinese …:
 * core/template/keywords.ts, [SEND-NEW] §2) is shortened with "…" to the longest prefix that fits; if no prefix fits
 * (or its characters break the type's rule) the value falls back to `用户` — that user still gets the message.
 */
export function resolveForUser(data: Readonly<Record<string, string>>, user: UserProfile | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    const render = (nickname: string) => value.replace(VARIABLE, (_all, name: string) => (name === 'nickname' ? nickname : lookup(name, user, 'user')));
    const full = render(lookup('nickname', user, 'user'));
    out[key] = variablesIn(value).includes('nickname') ? fitNickname(keywordType(key), full, render, lookup('nickname', user, 'user')) : full;
  }
  return out;
}

function fitNickname(type: string, full: string, render: (nickname: string) => string, nickname: string): string {
  const fits = (v: string) => checkKeyword(type, v) === null;
  if (type === 'enum' || fits(full)) return full;
  const chars = [...nickname];
  for (let k = chars.length - 1; k >= 1; k--) {
    const v = render(`${chars.slice(0, k).join('')}…`);
    if (fits(v)) return v;
  }
  const fallback = render(NICKNAME_FALLBACK);
  return fits(fallback) ? fallback : full;
}

export function hasVariables(data: Readonly<Record<string, string>>): boolean {
  return Object.values(data).some((v) => variablesIn(v).length > 0);
}
