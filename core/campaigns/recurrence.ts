// Core (pure): recurring campaigns — when the next occurrence of a series falls, as a local wall-clock time in the
// series' IANA zone (daily / weekly / monthly at HH:mm, or a 5-field cron expression evaluated in the zone), and the
// occurrence's deterministic key (`<seriesId>.<YYYYMMDD>`), so a timer that fires twice creates one occurrence.
// Every call takes its instant explicitly (no argument-less dayjs(), no current date in cron-parser).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { isClockHHmm } from './schedule';

dayjs.extend(utc);
dayjs.extend(timezone);

const hhmm = z.string().refine(isClockHHmm, 'must be HH:mm (00:00–23:59)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** Weekdays are ISO numbers: 1 = Monday … 7 = Sunday (no 0, so "is 0 Sunday or Monday?" never arises). */
export const recurrenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), at: hhmm, until: date.optional() }).strict(),
  z
    .object({ kind: z.literal('weekly'), at: hhmm, weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7), until: date.optional() })
    .strict(),
  /** Day 29–31 in a shorter month falls on its last day (a "monthly on the 31st" series sends every month). */
  z.object({ kind: z.literal('monthly'), at: hhmm, day: z.number().int().min(1).max(31), until: date.optional() }).strict(),
  z
    .object({ kind: z.literal('cron'), cron: z.string().min(9).max(100).refine(isCron, 'must be a 5-field cron: minute hour day month weekday'), until: date.optional() })
    .strict(),
]);
export type Recurrence = z.infer<typeof recurrenceSchema>;

export function isCron(expr: string): boolean {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => /^[0-9A-Za-z*,\-/?]+$/.test(f))) return false;
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(0) }).next();
    return true;
  } catch {
    return false;
  }
}

export interface Occurrence {
  /** Epoch ms of the occurrence (the wall time in the series' zone). */
  at: number;
  /** Local wall time `YYYY-MM-DD HH:mm` in the series' zone. */
  local: string;
  /** `YYYYMMDD` (daily/weekly/monthly) or `YYYYMMDDTHHmm` (cron, which may fire several times a day). */
  key: string;
}

const MAX_DAYS = 400;

function occurrenceAt(r: Recurrence, localDate: dayjs.Dayjs, zone: string): number | null {
  if (r.kind === 'cron') return null;
  const day = localDate.date();
  if (r.kind === 'weekly') {
    const iso = localDate.day() === 0 ? 7 : localDate.day();
    if (!r.weekdays.includes(iso)) return null;
  }
  if (r.kind === 'monthly') {
    const last = localDate.daysInMonth();
    if (day !== Math.min(r.day, last)) return null;
  }
  return dayjs.tz(`${localDate.format('YYYY-MM-DD')} ${r.at}`, zone).valueOf();
}

const keyOf = (r: Recurrence, at: number, zone: string): string => {
  const local = dayjs(at).tz(zone);
  return r.kind === 'cron' ? `${local.format('YYYYMMDD')}T${local.format('HHmm')}` : local.format('YYYYMMDD');
};

/** The first occurrence strictly after `after` (epoch ms), or null when the series has ended (`until`, inclusive). */
export function nextOccurrence(r: Recurrence, zone: string, after: number): Occurrence | null {
  let at: number | null = null;
  if (r.kind === 'cron') {
    at = CronExpressionParser.parse(r.cron, { tz: zone, currentDate: new Date(after) }).next().getTime();
  } else {
    const start = dayjs(after).tz(zone).startOf('day');
    for (let i = 0; i < MAX_DAYS && at === null; i++) {
      const candidate = occurrenceAt(r, start.add(i, 'day'), zone);
      if (candidate !== null && candidate > after) at = candidate;
    }
  }
  if (at === null) return null;
  const local = dayjs(at).tz(zone).format('YYYY-MM-DD HH:mm');
  if (r.until !== undefined && local.slice(0, 10) > r.until) return null;
  return { at, local, key: keyOf(r, at, zone) };
}

/** Occurrences in (after, until], oldest first, at most `cap` (used to record those missed while paused). */
export function occurrencesBetween(r: Recurrence, zone: string, after: number, until: number, cap = 60): Occurrence[] {
  const out: Occurrence[] = [];
  for (let o = nextOccurrence(r, zone, after); o && o.at <= until && out.length < cap; o = nextOccurrence(r, zone, o.at)) out.push(o);
  return out;
}

/** The occurrence's campaign id: deterministic, so creating it twice is a no-op. */
export function occurrenceId(seriesId: string, key: string): string {
  return `${seriesId}.${key}`;
}

/** A short human description (admin pages, CLI): `每天 09:00`, `每周一、三 09:00`, `每月 31 日 09:00`, `cron 0 9 * * 1`. */
export function describeRecurrence(r: Recurrence): string {
  const days = ['一', '二', '三', '四', '五', '六', '日'];
  switch (r.kind) {
    case 'daily':
      return `每天 ${r.at}`;
    case 'weekly':
      return `每周${[...r.weekdays].sort().map((d) => days[d - 1]).join('、')} ${r.at}`;
    case 'monthly':
      return `每月 ${r.day} 日 ${r.at}`;
    case 'cron':
      return `cron ${r.cron}`;
  }
}
