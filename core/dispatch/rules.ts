// Core (dispatch): the per-delivery rules applied when a batch is prepared, after the claim and before any grant is
// reserved — quiet hours read in the recipient's zone, the app-wide frequency cap, the campaign's daily budget.
// Each one DEFERS (back to `pending` with `nextAttemptAt` at the next allowed time), never drops silently; a message
// deferred past `rules.deferExpiryHours` after its due time is skipped with reason `expired`.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { Campaign } from '../campaigns/model';
import { isValidZone } from '../campaigns/schedule';
import type { Delivery } from '../delivery';
import type { AppRules } from './ops';
import { quietUntil } from './windows';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEFAULT_DEFER_EXPIRY_HOURS = 24;

/** App-wide rules cover campaign deliveries; transactional sources (notify, reminders) only when asked. */
export function appRulesApply(d: Delivery): boolean {
  return d.appRules ?? d.sourceType === 'campaign';
}

/** The zone a delivery's wall-clock rules are read in: the recipient's, else the campaign's, else the app's. */
export function zoneOf(d: Delivery, c: Campaign | undefined, rules: AppRules | undefined): string {
  if (d.tz && isValidZone(d.tz)) return d.tz;
  return c?.zone ?? rules?.zone ?? 'Asia/Shanghai';
}

export type Verdict = { kind: 'go' } | { kind: 'defer'; until: number; reason: string } | { kind: 'expire'; reason: string };

/** Defer to `until`, or expire when that is past the expiry (`dueAt + deferExpiryHours`). */
export function deferOrExpire(d: Delivery, until: number, reason: string, rules: AppRules | undefined): Verdict {
  const expiryMs = (rules?.deferExpiryHours ?? DEFAULT_DEFER_EXPIRY_HOURS) * 3_600_000;
  return until > d.dueAt + expiryMs ? { kind: 'expire', reason } : { kind: 'defer', until, reason };
}

/** Quiet hours — the campaign's and the app's — in the recipient's zone. */
export function quietVerdict(d: Delivery, c: Campaign | undefined, rules: AppRules | undefined, now: number): Verdict {
  const zone = zoneOf(d, c, rules);
  let until = now;
  if (c?.quietHours) until = Math.max(until, quietUntil(now, zone, c.quietHours));
  if (rules?.quietHours && appRulesApply(d)) until = Math.max(until, quietUntil(until, zone, rules.quietHours));
  // The app window may end inside the campaign's (or the reverse): look once more from the later end.
  if (c?.quietHours) until = Math.max(until, quietUntil(until, zone, c.quietHours));
  return until > now ? deferOrExpire(d, until, 'quiet_hours', rules) : { kind: 'go' };
}

/** The local day (in the campaign's zone) a daily budget counts in, and when the next one starts. */
export function budgetDay(now: number, zone: string): { day: string; next: number } {
  const local = dayjs(now).tz(zone);
  return { day: local.format('YYYY-MM-DD'), next: dayjs.tz(local.add(1, 'day').format('YYYY-MM-DD 00:00'), zone).valueOf() };
}
