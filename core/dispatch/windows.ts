// Core (dispatch): when a campaign may send — quiet hours (defer to the window's end in the campaign's zone, never
// drop) and the per-user frequency cap shared by all campaigns (safe under concurrent runs).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { Campaign, FrequencyCap } from '../campaigns/model';
import { inQuietHours } from '../campaigns/quiet-hours';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * The first instant ≥ now outside the campaign's quiet hours (now itself when not quiet). Local wall-clock times in
 * the campaign's zone, so 22:00 → 08:00 in Asia/Shanghai ends at 08:00 Beijing time (00:00 UTC), across midnight.
 */
export function quietUntil(now: number, zone: string, q: Campaign['quietHours']): number {
  if (!q || !inQuietHours(now, zone, q)) return now;
  const [h, m] = q.end.split(':').map(Number);
  const local = dayjs(now).tz(zone);
  let end = local.hour(h ?? 0).minute(m ?? 0).second(0).millisecond(0);
  if (!end.isAfter(local)) end = end.add(1, 'day');
  // `.hour()` on a zoned dayjs keeps the zone offset; re-read the wall time in the zone for DST-changing zones.
  return dayjs.tz(end.format('YYYY-MM-DD HH:mm'), zone).valueOf();
}

/** Longest window among the caps (one query covers them all). */
export function capWindowMs(caps: readonly FrequencyCap[]): number {
  return Math.max(0, ...caps.map((c) => c.perHours * 3_600_000));
}

export type CapVerdict = 'send' | 'skip' | 'defer';

/**
 * The per-user frequency cap (at most `max` campaign messages per `perHours`) for one delivery, given the user's
 * other campaign deliveries that count (`load`: sent or unknown, with their time, and every one in flight).
 *
 *   settled ≥ max                    → skip  (final: the window is full)
 *   settled + in flight + 1 > max    → defer (back to the queue shortly: an in-flight send may or may not count)
 *   otherwise                        → send
 *
 * Never over the cap under concurrency: each run claims its delivery (status `sending`) before it reads the load, so
 * of any set of deliveries allowed to send, the one whose read came last saw every other one — sent, unknown or in
 * flight — and allowed itself only if the total stayed within `max`. Two runs that see each other both defer; the
 * jittered retry separates them.
 */
export function capVerdict(openid: string, cap: FrequencyCap, load: readonly { openid: string; status: string; at: number }[], now: number): CapVerdict {
  const since = now - cap.perHours * 3_600_000;
  let settled = 0;
  let inFlight = 0;
  for (const l of load) {
    if (l.openid !== openid) continue;
    if (l.status === 'sending') inFlight += 1;
    else if (l.at >= since) settled += 1;
  }
  if (settled >= cap.max) return 'skip';
  return settled + inFlight + 1 > cap.max ? 'defer' : 'send';
}

/**
 * When a full window has room again for `openid`: the instant the oldest settled send that keeps it full leaves the
 * window (`at + perHours`). Used by the app-wide cap, which defers instead of skipping. `now` when not full.
 */
export function capFreeAt(openid: string, cap: FrequencyCap, load: readonly { openid: string; status: string; at: number }[], now: number): number {
  const window = cap.perHours * 3_600_000;
  const settled = load.filter((l) => l.openid === openid && l.status !== 'sending' && l.at >= now - window).map((l) => l.at).sort((a, b) => a - b);
  if (settled.length < cap.max) return now;
  // Room for one more once all but max − 1 of them have left the window.
  const leaving = settled[settled.length - cap.max];
  return (leaving ?? now) + window;
}
