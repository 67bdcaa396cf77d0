// Emulator layer (WeChat simulator): WeChat's keyword-value rules as the emulator's own table — what decides
// 47003 for subscribeMessage.send. Written from the official table "订阅消息参数值内容限制说明" ([SEND-NEW],
// [SEND-NEW-MIRROR], [SEND-MIRROR]; docs/platform-facts.md §2) and the 47003 errmsg of [SEND-NEW-MIRROR] / [COMM-47003].
// It shares no code with core/: Tixing's pre-send validator (core/template) is a separate reading of the same docs,
// and test/templates/validator-agrees-with-wechat.property.test.ts checks that the product never sends what this
// table refuses.
//
// Documented, for every type:
//   - errmsg names the field: "argument invalid! data.thing2.value invalid" [SEND-NEW-MIRROR];
//     an empty value: "argument invalid! data.number2.value is empty" [COMM-47003].
//   - "符号表示除中文、英文、数字外的常见符号，不能带有换行等控制字符" — no newline or other control characters.
//
// Emulator choices where the docs are silent (permissive but bounded; each with its reason):
//   - "Character" ([COMM-THING-CHAR]: undefined upstream) = one Unicode code point. A Chinese character, a letter
//     and an emoji count 1 each. The docs' own examples count a Chinese character as 1, and code points do not
//     depend on the wire encoding (UTF-8 bytes would make "20 characters" only 6 Chinese ones).
//   - A value must be a JSON string (the docs' examples are all strings; anything else is "invalid").
//     Missing, null, "" and whitespace-only values are "is empty" ([COMM-47003]).
//   - Control characters = Unicode Cc (newline, tab, …), the line/paragraph separators U+2028/U+2029 and lone
//     surrogates (not encodable as UTF-8): refused for every type ("不能带有换行等控制字符").
//   - Character classes: Chinese = Unicode Script=Han (the CJK ideographs of every block, 〇, 々); letter = English
//     letter A–Z a–z ("英文"); digit = 0–9; symbol = Unicode punctuation or symbol (\p{P}, \p{S}: ，。·★￥-+ …),
//     i.e. "common symbols other than Chinese, English and digits". A space is a separator, not a symbol.
//   - thing ("any mix of Chinese, digits, letters, symbols"): any printable character counts — spaces, other
//     scripts and emoji included — since real thing values carry them and the doc lists no exclusion beyond
//     control characters. Bounded by the 20.
//   - number: "≤ 32 digits, decimals allowed" counts the digits; the decimal point is not a digit. No sign.
//   - amount: "1 currency symbol + ≤ 10 pure digits, decimals allowed, may end with 元": the symbol is one \p{Sc}
//     character in front (￥ ¥ $ € …) and is required; the 10 bounds the integer digits, and the decimals, which the
//     docs allow without a count, are bounded by the same 10. No thousands separators, no spaces, no sign.
//   - phone_number: digits and symbols, ≤ 17 characters in all; no digit is required (the docs ask for none).
//   - car_number: "first and last may be Chinese, the rest letters/digits": first and last are Chinese, a letter or
//     a digit; the ones between are letters or digits; either case of letter.
//   - name: "≤ 10 pure Chinese, or ≤ 20 pure letters/symbols; mixed Chinese+letters counts as Chinese": a value is
//     a name if it is ≤ 10 characters of Chinese/letters/symbols, or ≤ 20 characters of letters/symbols. No digits.
//   - enum: the template's keywordEnumValueList for that key, compared exactly. A template without a list for the
//     key has an empty range, so every value is refused.
//   - short_thing (real templates, NOT FOUND in the docs [SHORTTHING-CODE]): the thing rule. thing's 20 is the only
//     documented bound for free text; a narrower limit would be a guess.
//   - Unknown types (enum_string [COMM-DEVICE], anything new): the thing rule, for the same reason — the simulator
//     must not invent a stricter limit than any documented one, and it must stay bounded.
//   - Keys of `data` that the template does not have are ignored (the docs describe no error for them).
import { isDatePoint, isTimePoint, pointOrRange } from './datetime';
import { placeholders, type Placeholder } from './content';

export type CharClass = 'chinese' | 'letter' | 'digit' | 'symbol' | 'printable';

const CHAR_CLASS: Readonly<Record<CharClass, RegExp>> = {
  chinese: /^\p{Script=Han}$/u,
  letter: /^[A-Za-z]$/,
  digit: /^[0-9]$/,
  symbol: /^[\p{P}\p{S}]$/u,
  // Control characters are refused before any class is looked at, so "printable" is everything left.
  printable: /^[^]$/u,
};

const inClasses = (c: string, classes: readonly CharClass[]): boolean => classes.some((k) => CHAR_CLASS[k].test(c));

/** One row of the table. A value passes when every stated part holds (or, with `anyOf`, when one alternative does). */
export interface KeywordRule {
  /** The documented rule (official table wording) and, where the docs are silent, the choice made. */
  readonly doc: string;
  /** At most this many units; a unit is a character (code point) unless `unit` says digits. */
  readonly max?: number;
  readonly unit?: 'character' | 'digit';
  /** Every character must be in one of these classes… */
  readonly chars?: readonly CharClass[];
  /** …except the first and the last, which may instead be in these (car_number). */
  readonly edges?: readonly CharClass[];
  /** The whole value must have this form (number, amount, time, date). */
  readonly form?: RegExp | ((value: string) => boolean);
  /** The value must be one of the template's enum values for this key. */
  readonly enumerated?: true;
  /** Alternatives (name): the value passes if it satisfies at least one. */
  readonly anyOf?: readonly KeywordRule[];
}

const THING: KeywordRule = { doc: '事物: ≤ 20 characters, any mix of Chinese, digits, letters and symbols', max: 20, chars: ['printable'] };

export const KEYWORD_RULES: Readonly<Record<string, KeywordRule>> = {
  thing: THING,
  number: { doc: '数字: ≤ 32 digits, digits only, decimals allowed', max: 32, unit: 'digit', form: /^[0-9]+(?:\.[0-9]+)?$/ },
  letter: { doc: '字母: ≤ 32 letters, letters only', max: 32, chars: ['letter'] },
  symbol: { doc: '符号: ≤ 5 symbols, symbols only', max: 5, chars: ['symbol'] },
  character_string: { doc: '字符串: ≤ 32 digits, letters or symbols', max: 32, chars: ['digit', 'letter', 'symbol'] },
  time: { doc: '时间: 24-hour HH:MM[:SS], may be preceded by a date; a range joins two with "~"', form: pointOrRange(isTimePoint) },
  date: { doc: '日期: y年m月d日 / y年m月 / m月d日 / joined by - / . ; may be followed by a time; ranges with "~"', form: pointOrRange(isDatePoint) },
  amount: {
    doc: '金额: one currency symbol + ≤ 10 pure digits, decimals allowed, may end with 元',
    form: /^\p{Sc}[0-9]{1,10}(?:\.[0-9]{1,10})?元?$/u,
  },
  phone_number: { doc: '电话: ≤ 17 digits and symbols', max: 17, chars: ['digit', 'symbol'] },
  car_number: {
    doc: '车牌: ≤ 8; the first and the last may be Chinese, the rest letters and digits',
    max: 8,
    chars: ['letter', 'digit'],
    edges: ['chinese', 'letter', 'digit'],
  },
  name: {
    doc: '姓名: ≤ 10 pure Chinese, or ≤ 20 pure letters/symbols; Chinese mixed with letters counts as Chinese (≤ 10)',
    anyOf: [
      { doc: 'Chinese name (letters and symbols may mix in)', max: 10, chars: ['chinese', 'letter', 'symbol'] },
      { doc: 'letters and symbols only', max: 20, chars: ['letter', 'symbol'] },
    ],
  },
  phrase: { doc: '汉字: ≤ 5 Chinese characters, pure Chinese', max: 5, chars: ['chinese'] },
  enum: { doc: '枚举值: only values in the template\'s enum range (keywordEnumValueList)', enumerated: true },
  short_thing: { ...THING, doc: 'short_thing: NOT FOUND in the docs; the thing rule (≤ 20 printable characters)' },
};

/** For keyword types not in the table (enum_string, future types): the thing rule (see the header). */
export const UNKNOWN_TYPE_RULE: KeywordRule = { ...THING, doc: 'type not in the official table: the thing rule (≤ 20 printable characters)' };

export function ruleFor(type: string): KeywordRule {
  return Object.prototype.hasOwnProperty.call(KEYWORD_RULES, type) ? (KEYWORD_RULES[type] as KeywordRule) : UNKNOWN_TYPE_RULE;
}

export type Verdict = { ok: true } | { ok: false; problem: 'empty' | 'invalid'; reason: string };

const OK: Verdict = { ok: true };
const invalid = (reason: string): Verdict => ({ ok: false, problem: 'invalid', reason });
const BLANK = /^\s*$/u;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]/u;

/** One row applied to a string that is already known to be non-blank and free of control characters. */
function apply(rule: KeywordRule, value: string, enumValues: readonly string[] | undefined): Verdict {
  if (rule.anyOf) {
    const verdicts = rule.anyOf.map((alt) => apply(alt, value, enumValues));
    return verdicts.find((v) => v.ok) ?? invalid(`${rule.doc}: ${verdicts.map((v) => (v.ok ? '' : v.reason)).join('; ')}`);
  }
  const chars = [...value];
  if (rule.max !== undefined) {
    const units = rule.unit === 'digit' ? chars.filter((c) => CHAR_CLASS.digit.test(c)).length : chars.length;
    if (units > rule.max) return invalid(`${rule.doc}: ${units} ${rule.unit ?? 'character'}s`);
  }
  if (rule.chars) {
    const classes = rule.chars;
    const last = chars.length - 1;
    const bad = chars.find((c, i) => !(inClasses(c, classes) || (rule.edges && (i === 0 || i === last) && inClasses(c, rule.edges))));
    if (bad !== undefined) return invalid(`${rule.doc}: ${JSON.stringify(bad)} not allowed`);
  }
  if (rule.form) {
    const fits = typeof rule.form === 'function' ? rule.form(value) : rule.form.test(value);
    if (!fits) return invalid(`${rule.doc}: not in that form`);
  }
  if (rule.enumerated) {
    if (!enumValues || enumValues.length === 0) return invalid(`${rule.doc}: the template has no enum range for this keyword`);
    if (!enumValues.includes(value)) return invalid(`${rule.doc}: not one of ${enumValues.join(' / ')}`);
  }
  return OK;
}

/** WeChat's verdict on one keyword value of type `type` (e.g. `thing`), before any data-structure concerns. */
export function judgeValue(type: string, value: unknown, enumValues?: readonly string[]): Verdict {
  if (value === undefined || value === null) return { ok: false, problem: 'empty', reason: 'no value' };
  if (typeof value !== 'string') return invalid(`a ${typeof value} is not a string value`);
  if (BLANK.test(value)) return { ok: false, problem: 'empty', reason: 'empty or blank value' };
  if (CONTROL.test(value)) return invalid('control characters (newline etc.) are not allowed');
  return apply(ruleFor(type), value, enumValues);
}

export interface DataProblem {
  /** The data key at fault; null when `data` itself is not an object. */
  key: string | null;
  problem: 'empty' | 'invalid';
  reason: string;
  /** The 47003 errmsg, without the " rid: …" suffix the simulator appends. */
  errmsg: string;
}

/** The 47003 errmsg for a field: "argument invalid! data.thing2.value invalid" / "… is empty". */
export function errmsgFor(key: string | null, problem: 'empty' | 'invalid'): string {
  return `argument invalid! ${key === null ? 'data' : `data.${key}.value`} ${problem === 'empty' ? 'is empty' : 'invalid'}`;
}

/**
 * Checks a send's `data` against the template's placeholders, in their order; the first problem found, or null.
 * `data` must be `{ <key>: { value } }` ([SEND-NEW] §1.2); `enumValues` holds keywordEnumValueList by data key.
 */
export function judgeData(
  fields: readonly Pick<Placeholder, 'key' | 'type'>[],
  data: unknown,
  enumValues: Readonly<Record<string, readonly string[]>> = {},
): DataProblem | null {
  const problem = (key: string | null, p: 'empty' | 'invalid', reason: string): DataProblem => ({ key, problem: p, reason, errmsg: errmsgFor(key, p) });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return problem(null, 'invalid', 'data must be an object');
  const record = data as Record<string, unknown>;
  for (const { key, type } of fields) {
    const entry = Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
    if (entry === undefined || entry === null) return problem(key, 'empty', 'keyword missing');
    if (typeof entry !== 'object' || Array.isArray(entry)) return problem(key, 'invalid', 'must be { value }');
    const verdict = judgeValue(type, (entry as { value?: unknown }).value, enumValues[key]);
    if (!verdict.ok) return problem(key, verdict.problem, verdict.reason);
  }
  return null;
}

/** judgeData for a template content string (its `{{key.DATA}}` placeholders). */
export function judgeSend(
  content: string,
  data: unknown,
  enumValues: Readonly<Record<string, readonly string[]>> = {},
): DataProblem | null {
  return judgeData(placeholders(content), data, enumValues);
}
