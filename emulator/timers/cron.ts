// Emulator timers: WeChat timer-trigger cron (7 fields `sec min hour day month week year`, UTC+8) on cron-parser,
// with the year field handled here and numeric day-of-week refused.
import { CronExpressionParser } from 'cron-parser';

/** [UNI-TRIGGER] [TRIG-COPY-OR] trigger rules are evaluated in UTC+8. */
export const TRIGGER_TZ = 'Asia/Shanghai';
const UTC8_MS = 8 * 3600_000;
const YEAR_MIN = 1970;
const YEAR_MAX = 2099;

export interface CronSchedule {
  readonly expression: string;
  /** The first fire time strictly after `afterMs` (epoch ms), or undefined when there is none. */
  next(afterMs: number): number | undefined;
  /** Fire times in (afterMs, untilMs]: how many (counting stops at `cap`), the first and the last one counted. */
  window(afterMs: number, untilMs: number, cap?: number): { count: number; first?: number; last?: number; capped: boolean };
}

export class CronError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid timer cron "${expression}": ${reason}`);
    this.name = 'CronError';
  }
}

const FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week', 'year'];

/** Parses a 7-field WeChat trigger cron; throws CronError with a readable reason. */
export function parseCron(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  // [TRIG-WX] [CB-TIMER] 7 required fields: 秒 分 时 日 月 星期 年; wildcards , - * /.
  if (fields.length !== 7) {
    throw new CronError(expression, `expected 7 fields (sec min hour day month week year), got ${fields.length}`);
  }
  fields.forEach((f, i) => {
    const allowed = i === 4 || i === 5 ? /^[0-9A-Za-z*,\-/]+$/ : /^[0-9*,\-/]+$/;
    if (!allowed.test(f)) {
      throw new CronError(expression, `${FIELD_NAMES[i]} field "${f}" may only use digits${i === 4 || i === 5 ? ', names' : ''} and , - * /`);
    }
  });
  const dow = fields[5] as string;
  // Steps in day-of-week (MON/2, */2) depend on the same numbering: refuse them too.
  if (dow.includes('/')) {
    throw new CronError(expression, `day-of-week "${dow}" uses a step, whose meaning depends on the disputed numbering (docs/platform-facts.md §5.1); list the days by name`);
  }
  // [TRIG-WX] [TRIG-WX-2021] [SCF-CRON-COPY] CONFLICT: 0 = Monday in one WeChat doc, 0 = Sunday in others.
  if (/\d/.test(dow)) {
    throw new CronError(
      expression,
      `day-of-week "${dow}" uses numbers, and WeChat's docs disagree on whether 0 means Sunday or Monday ` +
        `(docs/platform-facts.md §5.1 CONFLICT); use names instead, e.g. MON-FRI, SAT,SUN`,
    );
  }
  const years = parseYears(expression, fields[6] as string);
  const six = fields.slice(0, 6).join(' ');
  try {
    CronExpressionParser.parse(six, { tz: TRIGGER_TZ, currentDate: new Date(0) }).next();
  } catch (err) {
    throw new CronError(expression, (err as Error).message);
  }
  function* iterate(afterMs: number): Generator<number> {
    let expr = CronExpressionParser.parse(six, { tz: TRIGGER_TZ, currentDate: new Date(afterMs) });
    for (let jumps = 0; jumps < 200; ) {
      let t: number;
      try {
        t = expr.next().getTime();
      } catch {
        return;
      }
      const year = new Date(t + UTC8_MS).getUTCFullYear();
      if (years(year)) {
        yield t;
        continue;
      }
      const nextYear = firstYearFrom(years, year + 1);
      if (nextYear === undefined) return;
      jumps += 1;
      // Jump to just before 00:00:00 Jan 1 of that year in UTC+8.
      expr = CronExpressionParser.parse(six, { tz: TRIGGER_TZ, currentDate: new Date(Date.UTC(nextYear, 0, 1) - UTC8_MS - 1) });
    }
  }
  return {
    expression,
    next(afterMs) {
      for (const t of iterate(afterMs)) return t;
      return undefined;
    },
    window(afterMs, untilMs, cap = 10_000) {
      let count = 0;
      let first: number | undefined;
      let last: number | undefined;
      for (const t of iterate(afterMs)) {
        if (t > untilMs) break;
        first ??= t;
        last = t;
        if (++count >= cap) break;
      }
      return { count, first, last, capped: count >= cap };
    },
  };
}

function firstYearFrom(years: (y: number) => boolean, from: number): number | undefined {
  for (let y = Math.max(from, YEAR_MIN); y <= YEAR_MAX; y++) if (years(y)) return y;
  return undefined;
}

/** The year field: `*`, `2026`, `2026-2028`, `*\/2`, `2026/2`, lists of those; 1970-2099. */
function parseYears(expression: string, field: string): (year: number) => boolean {
  if (field === '*') return (y) => y >= YEAR_MIN && y <= YEAR_MAX;
  const allowed = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw new CronError(expression, `year item "${item}" must be *, YYYY, YYYY-YYYY, optionally /step`);
    const from = m[1] === '*' ? YEAR_MIN : Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? YEAR_MAX : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from < YEAR_MIN || to > YEAR_MAX || from > to || step < 1) {
      throw new CronError(expression, `year item "${item}" must lie within ${YEAR_MIN}-${YEAR_MAX} (ascending, step >= 1)`);
    }
    for (let y = from; y <= to; y += step) allowed.add(y);
  }
  return (y) => allowed.has(y);
}
