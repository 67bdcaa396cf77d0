// Core layer (pure): optional normalisation of message data before validation — strip control characters, trim,
// format dates/timestamps for `time`/`date` keywords in the app's zone (dayjs), truncate free text with an ellipsis.
// Callers opt in; validation always runs afterwards, so normalisation never hides a problem it cannot fix.
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { checkKeyword, isKnownKeywordType } from './keywords';
import type { TemplateKeyword } from './registry';
import { unwrapValue } from './validate';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface NormaliseOptions {
  /** IANA zone for formatting dates, config/tixing.json `zone` (Asia/Shanghai). */
  zone: string;
  /** Appended when free text is cut (default "…", one character). */
  ellipsis?: string;
}

/** What a caller may pass before normalisation: text, a Date, or epoch milliseconds. */
export type RawValue = string | number | Date | { value: string | number | Date };

// [SEND-NEW] "不能带有换行等控制字符": line breaks and tabs become a space, other control characters go.
const BREAKS = /[\r\n\t\u2028\u2029\u0085]+/gu;
const CONTROL = /[\p{Cc}\p{Cs}]/gu;

/**
 * Types whose values are free text, where cutting and adding "…" keeps the meaning: thing, short_thing, name and
 * unknown types (checked like thing). Codes (character_string, number, phone_number, car_number…) are never cut:
 * a cut order number or phone number would be wrong data, so validation reports them instead.
 */
const TRUNCATABLE = new Set(['thing', 'short_thing', 'name']);
const isTruncatable = (type: string): boolean => TRUNCATABLE.has(type) || !isKnownKeywordType(type);

export function cleanText(s: string): string {
  return s.replace(BREAKS, ' ').replace(CONTROL, '').replace(/\s{2,}/gu, ' ').trim();
}

/** [SEND-NEW] §2: `time` = date + 24-hour time, `date` = y年m月d日, both in the given zone. */
export function formatInstant(type: string, instant: number | Date, zone: string): string {
  const d = dayjs(instant).tz(zone);
  return type === 'date' ? d.format('YYYY年M月D日') : d.format('YYYY年M月D日 HH:mm');
}

/** Longest prefix (in code points) that, followed by the ellipsis, passes the keyword rule; the value when it already passes. */
export function truncateToRule(kw: Pick<TemplateKeyword, 'type' | 'enumValues'>, value: string, ellipsis = '…'): string {
  const opts = kw.enumValues ? { enumValues: kw.enumValues } : {};
  const first = checkKeyword(kw.type, value, opts);
  if (first?.rule !== 'length' || !isTruncatable(kw.type)) return value;
  const chars = [...value];
  for (let n = chars.length - 1; n > 0; n -= 1) {
    const candidate = chars.slice(0, n).join('').trimEnd() + ellipsis;
    if (checkKeyword(kw.type, candidate, opts) === null) return candidate;
  }
  return value;
}

/** An ISO-8601 instant with an explicit zone (`2026-05-02T07:00:00Z`, `…+08:00`): what JSON clients send for a time. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** Years an instant may fall in when normalised: a message time outside them is a client bug, not a date to show. */
export const INSTANT_YEARS = { min: 1900, max: 2100 } as const;
const MIN_INSTANT = Date.UTC(INSTANT_YEARS.min, 0, 1);
const MAX_INSTANT = Date.UTC(INSTANT_YEARS.max + 1, 0, 1) - 1;

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * Epoch ms of a strict ISO-8601 instant, or null: a real calendar date (no 2026-02-30 rolled over to March 2), a real
 * clock time, an offset within ±14:00, and a year within INSTANT_YEARS (no 0099 read as 1999). Date.parse and
 * dayjs both roll over or reinterpret such values, so the fields are checked here first.
 */
export function parseInstant(text: string): number | null {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => (m[i] === undefined ? 0 : Number(m[i])));
  if (y! < INSTANT_YEARS.min || y! > INSTANT_YEARS.max || mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo!)) return null;
  if (h! > 23 || mi! > 59 || sec! > 59) return null;
  const offH = m[9] === undefined ? 0 : Number(m[9]);
  const offM = m[10] === undefined ? 0 : Number(m[10]);
  if (offH > 14 || offM > 59) return null;
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT ? ms : null;
}

/** An epoch-ms number or Date within INSTANT_YEARS, else null. */
function instantOf(value: number | Date): number | null {
  const ms = value instanceof Date ? value.getTime() : value;
  return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT ? ms : null;
}

export function normaliseValue(kw: Pick<TemplateKeyword, 'type' | 'enumValues'>, raw: RawValue, opts: NormaliseOptions): string {
  const value = unwrapValue(raw) as string | number | Date;
  const isTime = kw.type === 'time' || kw.type === 'date';
  // An instant that is not a real date in range is left as written: validation then refuses it (VALIDATION_FAILED
  // naming the key) instead of sending a rolled-over or reinterpreted date.
  if (isTime && typeof value === 'string' && ISO_INSTANT.test(value.trim())) {
    const ms = parseInstant(value);
    return ms === null ? value : formatInstant(kw.type, ms, opts.zone);
  }
  if (value instanceof Date || (typeof value === 'number' && isTime)) {
    const ms = instantOf(value);
    return ms === null ? (value instanceof Date ? 'Invalid Date' : String(value)) : formatInstant(kw.type, ms, opts.zone);
  }
  if (typeof value === 'number') {
    // An amount needs a currency symbol ([SEND-NEW] §2 e.g. ￥100); other numbers are written plainly.
    return kw.type === 'amount' ? `￥${value.toFixed(2)}` : String(value);
  }
  return truncateToRule(kw, cleanText(String(value)), opts.ellipsis);
}

/**
 * Normalises every value whose key the template knows; unknown keys pass through (cleaned) so that validation
 * still reports them. Returns plain strings, ready for validateMessage and toWechatData.
 */
export function normaliseMessage(
  template: { keywords: readonly TemplateKeyword[] },
  data: Readonly<Record<string, RawValue>>,
  opts: NormaliseOptions,
): Record<string, string> {
  const byKey = new Map(template.keywords.map((k) => [k.key, k]));
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(data)) {
    const kw = byKey.get(key);
    out[key] = kw ? normaliseValue(kw, raw, opts) : cleanText(String(unwrapValue(raw)));
  }
  return out;
}
