// Core (dispatch): when a campaign may send — quiet hours (defer to the window's end in the campaign's zone, never
// drop) and the per-user frequency cap shared by all campaigns.
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

/**
 * Openids over their cap: `recent` are campaign deliveries (other than the ones being decided) sent or in flight in
 * the window, with their time. At most `max` campaign messages per user per `perHours`.
 */
export function overCap(
  openid: string,
  cap: FrequencyCap,
  recent: readonly { openid: string; at: number }[],
  now: number,
): boolean {
  const since = now - cap.perHours * 3_600_000;
  let n = 0;
  for (const r of recent) if (r.openid === openid && r.at >= since) n += 1;
  return n >= cap.max;
}
