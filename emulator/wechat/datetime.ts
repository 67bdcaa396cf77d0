// Emulator layer (WeChat simulator): the grammar of the `time` and `date` keyword values, read from the official
// table "订阅消息参数值内容限制说明" ([SEND-NEW]; docs/platform-facts.md §2). Written for the emulator only; it shares no
// code with core/ (the emulator is a second, independent reading of the documented rules).
//
// Documented:
//   time  "24小时制时间格式（支持+年月日），支持填时间段，两个时间点之间用“~”符号连接"   e.g. 15:01, 2019年10月1日 15:01
//   date  "年月日格式（支持+24小时制时间），支持填时间段，两个时间点之间用“~”符号连接"   e.g. 2019年10月1日, 2019年10月1日 15:01
//   clock spellings: HH:MM:SS or HH:MM
//   date spellings:  y年m月d日, y年m月, m月d日, or the same joined by "-" "/" "." (2018-01-01, 2018/01/01,
//                    2018.01.01, 2018-01, 01-01)
//
// Emulator choices where the docs are silent (each permissive but bounded):
//   - Hours may have one digit ("9:05"); minutes and seconds have two. 0 ≤ h ≤ 23, 0 ≤ m, s ≤ 59 ("24小时制").
//   - Month and day may have one or two digits (the documented example "2019年10月1日" has a one-digit day); a year
//     has four. The calendar is checked: 2019年2月29日 and 4月31日 are invalid; without a year, 2月29日 is valid.
//   - A numeric date uses one separator throughout (2019/10/01, not 2019/10-01).
//   - A date followed by a clock must name a day (y-m-d or m-d): "2019年10月 15:01" names no moment.
//     Between them: one or more spaces, or nothing after a date ending in 日 ("2019年10月1日15:01").
//   - A range is exactly two values joined by one "~" (the documented ASCII tilde); spaces around the "~" are
//     tolerated. The two ends are checked separately; their order is not checked (the docs say nothing about it).

/** A calendar date as written: the year or the day may be absent (y年m月, m月d日). */
interface WrittenDate {
  year?: number;
  month: number;
  day?: number;
}

type Part = 'year' | 'month' | 'day';

/** One row per documented date spelling: its pattern and what each captured group is. */
interface DateSpelling {
  pattern: RegExp;
  parts: readonly Part[];
}

const Y = '(\\d{4})';
const MD = '(\\d{1,2})';
const SEPARATORS = ['-', '/', '.'] as const;
const escape = (s: string): string => s.replace(/[.\\/-]/g, (c) => `\\${c}`);

const DATE_SPELLINGS: readonly DateSpelling[] = [
  { pattern: new RegExp(`^${Y}年${MD}月${MD}日$`), parts: ['year', 'month', 'day'] },
  { pattern: new RegExp(`^${Y}年${MD}月$`), parts: ['year', 'month'] },
  { pattern: new RegExp(`^${MD}月${MD}日$`), parts: ['month', 'day'] },
  ...SEPARATORS.flatMap((sep): DateSpelling[] => {
    const s = escape(sep);
    return [
      { pattern: new RegExp(`^${Y}${s}${MD}${s}${MD}$`), parts: ['year', 'month', 'day'] },
      { pattern: new RegExp(`^${Y}${s}${MD}$`), parts: ['year', 'month'] },
      { pattern: new RegExp(`^${MD}${s}${MD}$`), parts: ['month', 'day'] },
    ];
  }),
];

const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(month: number, year: number | undefined): number {
  if (month === 2) return year === undefined || isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function readDate(text: string): WrittenDate | null {
  for (const { pattern, parts } of DATE_SPELLINGS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const got: Partial<Record<Part, number>> = {};
    parts.forEach((p, i) => (got[p] = Number(m[i + 1])));
    if (got.month === undefined) return null;
    const date: WrittenDate = { month: got.month };
    if (got.year !== undefined) date.year = got.year;
    if (got.day !== undefined) date.day = got.day;
    return date;
  }
  return null;
}

function onCalendar(d: WrittenDate): boolean {
  if (d.month < 1 || d.month > 12) return false;
  return d.day === undefined || (d.day >= 1 && d.day <= daysInMonth(d.month, d.year));
}

/** A documented date spelling naming a real calendar date (or month). */
export function isWrittenDate(text: string): boolean {
  const d = readDate(text);
  return d !== null && onCalendar(d);
}

/** A documented date spelling that names a day (so a clock may follow it). */
function isDayDate(text: string): boolean {
  const d = readDate(text);
  return d !== null && d.day !== undefined && onCalendar(d);
}

/** HH:MM or HH:MM:SS on a 24-hour clock. */
export function isClock(text: string): boolean {
  const m = CLOCK.exec(text);
  if (!m) return false;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  return h <= 23 && min <= 59 && sec <= 59;
}

/** "<day date><spaces><clock>", or "<…日><clock>" with nothing between. */
function isDayDateWithClock(text: string): boolean {
  const spaced = /^(\S+) +(\S+)$/.exec(text);
  if (spaced) return isDayDate(spaced[1] ?? '') && isClock(spaced[2] ?? '');
  const joined = /^(.+日)(\d{1,2}:.+)$/.exec(text);
  return joined !== null && isDayDate(joined[1] ?? '') && isClock(joined[2] ?? '');
}

/** One moment of a `time` keyword: a clock, optionally after a date naming a day. */
export function isTimePoint(text: string): boolean {
  return isClock(text) || isDayDateWithClock(text);
}

/** One moment of a `date` keyword: a date, optionally followed by a clock. */
export function isDatePoint(text: string): boolean {
  return isWrittenDate(text) || isDayDateWithClock(text);
}

/** The value itself, or a range "a~b" whose two ends each satisfy `point`. */
export function pointOrRange(point: (text: string) => boolean): (value: string) => boolean {
  return (value) => {
    const ends = value.split('~');
    if (ends.length === 1) return point(value);
    if (ends.length !== 2) return false;
    return ends.every((end) => {
      const t = end.replace(/^ +| +$/g, '');
      return t !== '' && point(t);
    });
  };
}
