// Core layer (pure): message-level validation of a whole `data` object against a registry template, before WeChat
// sees it (47003 otherwise, [SEND-NEW-MIRROR]). Every problem is reported, each naming the key, the rule and the value.
import { checkKeyword } from './keywords';
import type { TemplateKeyword } from './registry';

/** Message-level rules on top of the keyword rules of keywords.ts (type, empty, control, length, charset, format, enum). */
export type MessageRule = 'missing' | 'unknown_key';

export interface ValidationError {
  key: string;
  rule: string;
  value: unknown;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}

/** A data value as callers hold it: a plain string, or WeChat's `{ value }` wrapper ([SEND-NEW] §1.2 `data`). */
export type DataInput = Readonly<Record<string, unknown>>;

/** `{ value: 'x' }` → 'x'; anything else unchanged. */
export function unwrapValue(entry: unknown): unknown {
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry) {
    return (entry as { value: unknown }).value;
  }
  return entry;
}

/** `{ thing1: 'a' }` or `{ thing1: { value: 'a' } }` → `{ thing1: { value: 'a' } }` (what send expects). */
export function toWechatData(data: Readonly<Record<string, string>>): Record<string, { value: string }> {
  const out: Record<string, { value: string }> = {};
  for (const [k, v] of Object.entries(data)) out[k] = { value: v };
  return out;
}

/** `{ thing1: { value: 'a' } }` → `{ thing1: 'a' }`; non-string values are kept out (validation reports them). */
export function fromWechatData(data: DataInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    const value = unwrapValue(v);
    if (typeof value === 'string') out[k] = value;
  }
  return out;
}

export function validateMessage(template: { keywords: readonly TemplateKeyword[] }, data: DataInput): ValidationResult {
  const errors: ValidationError[] = [];
  const known = new Set(template.keywords.map((k) => k.key));
  for (const kw of template.keywords) {
    if (!Object.prototype.hasOwnProperty.call(data, kw.key) || unwrapValue(data[kw.key]) === undefined) {
      // [COMM-47003] WeChat answers `data.<key>.value is empty` for a missing keyword.
      errors.push({ key: kw.key, rule: 'missing', value: undefined, message: `${kw.key} (${kw.type}) is required` });
      continue;
    }
    const value = unwrapValue(data[kw.key]);
    const v = checkKeyword(kw.type, value, kw.enumValues ? { enumValues: kw.enumValues } : {});
    if (v) errors.push({ key: kw.key, rule: v.rule, value, message: `${kw.key}: ${v.message}` });
  }
  for (const key of Object.keys(data)) {
    if (!known.has(key)) {
      errors.push({
        key,
        rule: 'unknown_key',
        value: unwrapValue(data[key]),
        message: `${key} is not a keyword of this template (expected ${[...known].join(', ')})`,
      });
    }
  }
  return { valid: errors.length === 0, errors };
}
