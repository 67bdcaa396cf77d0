// Core layer (pure): the keyword-value rules of subscription messages ([SEND-NEW] §2 "订阅消息参数值内容限制说明").
// Used by the emulator's WeChat simulator (47003) and by the sender's pre-send validation.
//
// Choices where the docs are silent (documented here so callers know what "valid" means):
// - Lengths count Unicode code points ([...s].length), so an emoji or a CJK character counts 1 ([COMM-THING-CHAR]: undefined upstream).
// - Values must be strings. Empty or whitespace-only values are "empty" ([COMM-47003] `data.number2.value is empty`).
// - Control characters (Unicode Cc, line/paragraph separators, lone surrogates) are rejected for every type
//   ([SEND-NEW] "不能带有换行等控制字符").
// - "letter" means ASCII A–Z/a–z; "symbol" means Unicode punctuation or symbol (\p{P}, \p{S}); spaces are neither.
// - number: digits with an optional single decimal part, no sign, ≤ 32 characters including the point.
// - amount: the currency symbol (\p{Sc}) is required, all digits (integer + decimals) count towards the 10.
// - short_thing: not in the official table ([SHORTTHING-CODE]); treated as ≤ 5 characters, anything printable.
// - Unknown types (e.g. enum_string): treated like thing (≤ 20 characters, anything printable).
// - enum without a known value list fails (the caller must pass the template's keywordEnumValueList).
import { isDateValue, isRangeOf, isTimeValue } from './datetime';

export const KEYWORD_TYPES = [
  'thing', 'number', 'letter', 'symbol', 'character_string', 'time', 'date', 'amount',
  'phone_number', 'car_number', 'name', 'phrase', 'enum', 'short_thing',
] as const;
export type KeywordType = (typeof KEYWORD_TYPES)[number];

export type KeywordRule = 'type' | 'empty' | 'control' | 'length' | 'charset' | 'format' | 'enum';
export interface KeywordViolation {
  /** Which rule broke; `empty` maps to WeChat's "is empty", everything else to "invalid". */
  rule: KeywordRule;
  message: string;
}
export interface KeywordCheckOptions {
  /** Allowed values of an `enum` keyword (getTemplateList `keywordEnumValueList[].enumValueList`). */
  enumValues?: readonly string[];
}

/** `thing1` → `thing`, `character_string2` → `character_string`, `number01` → `number`, `enum1.DATA` → `enum`. */
export function keywordType(key: string): string {
  const bare = key.replace(/\.DATA$/, '');
  const m = /^([A-Za-z_]*[A-Za-z])_?\d+$/.exec(bare);
  return m?.[1] ?? bare;
}

export function isKnownKeywordType(type: string): type is KeywordType {
  return (KEYWORD_TYPES as readonly string[]).includes(type);
}

const CONTROL = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
const HAN = /^\p{Script=Han}$/u;
const LETTER = /^[A-Za-z]$/;
const DIGIT = /^[0-9]$/;
const SYMBOL = /^[\p{P}\p{S}]$/u;
const isHan = (c: string): boolean => HAN.test(c);
const isLetter = (c: string): boolean => LETTER.test(c);
const isDigit = (c: string): boolean => DIGIT.test(c);
const isSymbol = (c: string): boolean => SYMBOL.test(c);

const fail = (rule: KeywordRule, message: string): KeywordViolation => ({ rule, message });

function maxLen(type: string, chars: string[], max: number): KeywordViolation | null {
  return chars.length > max ? fail('length', `${type}: at most ${max} characters, got ${chars.length}`) : null;
}

function allOf(type: string, chars: string[], ok: (c: string) => boolean, what: string): KeywordViolation | null {
  const bad = chars.find((c) => !ok(c));
  return bad === undefined ? null : fail('charset', `${type}: only ${what} allowed, got ${JSON.stringify(bad)}`);
}

const AMOUNT = /^\p{Sc}(\d+)(?:\.(\d+))?元?$/u;

/** Checks one keyword value against its type's rule; null when the value is acceptable. */
export function checkKeyword(type: string, value: unknown, opts: KeywordCheckOptions = {}): KeywordViolation | null {
  if (typeof value !== 'string') return fail('type', `${type}: value must be a string`);
  if (value.trim() === '') return fail('empty', `${type}: value is empty`);
  if (CONTROL.test(value)) return fail('control', `${type}: control characters (newline etc.) are not allowed`);
  const chars = [...value];
  switch (type) {
    case 'thing':
      return maxLen(type, chars, 20);
    case 'short_thing':
      return maxLen(type, chars, 5);
    case 'number':
      return maxLen(type, chars, 32) ?? (/^\d+(\.\d+)?$/.test(value) ? null : fail('format', 'number: digits only, optionally with decimals'));
    case 'letter':
      return maxLen(type, chars, 32) ?? allOf(type, chars, isLetter, 'letters');
    case 'symbol':
      return maxLen(type, chars, 5) ?? allOf(type, chars, isSymbol, 'symbols');
    case 'character_string':
      return maxLen(type, chars, 32) ?? allOf(type, chars, (c) => isDigit(c) || isLetter(c) || isSymbol(c), 'digits, letters and symbols');
    case 'time':
      return isRangeOf(value, isTimeValue) ? null : fail('format', 'time: HH:MM or HH:MM:SS, optionally after a date; ranges with "~"');
    case 'date':
      return isRangeOf(value, isDateValue) ? null : fail('format', 'date: y年m月d日, y年m月, m月d日 or -/. separated, optionally with a time; ranges with "~"');
    case 'amount': {
      const m = AMOUNT.exec(value);
      if (!m) return fail('format', 'amount: one currency symbol, digits (decimals allowed), optionally ending with 元');
      const digits = (m[1] ?? '').length + (m[2] ?? '').length;
      return digits > 10 ? fail('length', `amount: at most 10 digits, got ${digits}`) : null;
    }
    case 'phone_number':
      return maxLen(type, chars, 17) ?? allOf(type, chars, (c) => isDigit(c) || isSymbol(c), 'digits and symbols') ??
        (chars.some(isDigit) ? null : fail('format', 'phone_number: needs at least one digit'));
    case 'car_number': {
      const inner = chars.slice(1, -1);
      const edge = (c: string | undefined): boolean => c === undefined || isHan(c) || isDigit(c) || isLetter(c);
      return maxLen(type, chars, 8) ??
        (edge(chars[0]) && edge(chars[chars.length - 1]) && inner.every((c) => isDigit(c) || isLetter(c))
          ? null
          : fail('charset', 'car_number: letters and digits; only the first and last may be Chinese'));
    }
    case 'name': {
      // Mixed Chinese + letters counts as Chinese (≤ 10); otherwise ≤ 20 letters/symbols.
      if (chars.some(isHan)) {
        return maxLen(type, chars, 10) ?? allOf(type, chars, (c) => isHan(c) || isLetter(c) || isSymbol(c), 'Chinese, letters and symbols');
      }
      return maxLen(type, chars, 20) ?? allOf(type, chars, (c) => isLetter(c) || isSymbol(c), 'Chinese, or letters and symbols') ??
        (chars.some(isLetter) ? null : fail('format', 'name: needs at least one letter or Chinese character'));
    }
    case 'phrase':
      return maxLen(type, chars, 5) ?? allOf(type, chars, isHan, 'Chinese characters');
    case 'enum':
      if (!opts.enumValues) return fail('enum', 'enum: the template\'s value list is unknown');
      return opts.enumValues.includes(value) ? null : fail('enum', `enum: must be one of ${opts.enumValues.join('/')}`);
    default:
      return maxLen(type, chars, 20);
  }
}

/** The first problem of a whole `data` object against a template's keys; null when everything passes. */
export function checkTemplateData(
  fields: readonly { key: string; type: string }[],
  data: unknown,
  enumValuesByKey: Readonly<Record<string, readonly string[]>> = {},
): (KeywordViolation & { key: string | null }) | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { key: null, rule: 'type', message: 'data must be an object of { <key>: { value } }' };
  }
  const record = data as Record<string, unknown>;
  for (const { key, type } of fields) {
    const entry = record[key];
    if (entry === undefined || entry === null) return { key, rule: 'empty', message: `${key}: missing` };
    if (typeof entry !== 'object' || Array.isArray(entry)) return { key, rule: 'type', message: `${key}: must be { value }` };
    const value = (entry as { value?: unknown }).value;
    if (value === undefined || value === null) return { key, rule: 'empty', message: `${key}: value missing` };
    const v = checkKeyword(type, value, { enumValues: enumValuesByKey[key] });
    if (v) return { key, ...v };
  }
  return null;
}
