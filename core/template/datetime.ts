// Core layer (pure): the `time` and `date` keyword formats of subscription messages ([SEND-NEW] §2).
// time: 24-hour HH:MM or HH:MM:SS, optionally preceded by a date; date: y年m月d日 / y年m月 / m月d日 or the same
// joined by "-" "/" "." (2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01), optionally followed by a time.
// Both allow a range: two values joined by "~". Calendar validity is checked (no 2月30日); without a year, 2月29日 passes.

type Ymd = { y?: number; m: number; d?: number };

const CN_YMD = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;
const CN_YM = /^(\d{4})年(\d{1,2})月$/;
const CN_MD = /^(\d{1,2})月(\d{1,2})日$/;
// Same separator on both sides (\2); year-first forms need a 4-digit year, month-day forms 1–2 digits.
const NUM_YMD = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const NUM_YM_OR_MD = /^(\d{1,4})([-/.])(\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function daysIn(m: number, y?: number): number {
  if (m === 2) return y === undefined || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function valid(p: Ymd): boolean {
  if (p.y !== undefined && (p.y < 1 || p.y > 9999)) return false;
  if (p.m < 1 || p.m > 12) return false;
  return p.d === undefined || (p.d >= 1 && p.d <= daysIn(p.m, p.y));
}

/** Parses one date (no time, no range); null when it is not one of the documented formats. */
function parseDate(s: string): Ymd | null {
  let m = CN_YMD.exec(s);
  if (m) return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  m = NUM_YMD.exec(s);
  if (m) return { y: Number(m[1]), m: Number(m[3]), d: Number(m[4]) };
  m = CN_YM.exec(s);
  if (m) return { y: Number(m[1]), m: Number(m[2]) };
  m = CN_MD.exec(s);
  if (m) return { m: Number(m[1]), d: Number(m[2]) };
  m = NUM_YM_OR_MD.exec(s);
  if (m) {
    const first = m[1] ?? '';
    if (first.length === 4) return { y: Number(first), m: Number(m[3]) };
    if (first.length <= 2) return { m: Number(first), d: Number(m[3]) };
  }
  return null;
}

export function isDate(s: string): boolean {
  const p = parseDate(s);
  return p !== null && valid(p);
}

export function isClockTime(s: string): boolean {
  const m = TIME.exec(s);
  if (!m) return false;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  return h <= 23 && min <= 59 && sec <= 59;
}

/** "<date> <time>" or, after a Chinese date ending in 日, "<date><time>"; the date must name a day. */
function splitDateTime(s: string): [string, string] | null {
  const sp = s.lastIndexOf(' ');
  if (sp > 0) return [s.slice(0, sp), s.slice(sp + 1)];
  const ri = s.indexOf('日');
  if (ri > 0 && ri < s.length - 1) return [s.slice(0, ri + 1), s.slice(ri + 1)];
  return null;
}

function isDayDate(s: string): boolean {
  const p = parseDate(s);
  return p !== null && p.d !== undefined && valid(p);
}

/** One `time` value: a clock time, optionally preceded by a date that names a day. */
export function isTimeValue(s: string): boolean {
  if (isClockTime(s)) return true;
  const parts = splitDateTime(s);
  return parts !== null && isDayDate(parts[0]) && isClockTime(parts[1]);
}

/** One `date` value: a date, optionally followed by a clock time (then the date must name a day). */
export function isDateValue(s: string): boolean {
  if (isDate(s)) return true;
  const parts = splitDateTime(s);
  return parts !== null && isDayDate(parts[0]) && isClockTime(parts[1]);
}

/** A single value or a range "a~b" (exactly one "~", no spaces around it: the documented form). */
export function isRangeOf(s: string, one: (v: string) => boolean): boolean {
  const parts = s.split('~');
  if (parts.length === 1) return one(s);
  return parts.length === 2 && parts.every((p) => p !== '' && one(p));
}
