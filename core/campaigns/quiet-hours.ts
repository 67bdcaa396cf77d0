// Core (pure): quiet hours — a local wall-clock window in the campaign's zone, possibly crossing midnight (22:00 → 08:00).
// Used by `schedule` to warn; the dispatcher owns deferral (never drop: a send inside the window waits for its end).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { QuietHours } from './model';

dayjs.extend(utc);
dayjs.extend(timezone);

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** True when `at` (epoch ms) falls inside the window, read as local time in `zone`; [start, end) semantics. */
export function inQuietHours(at: number, zone: string, q: QuietHours): boolean {
  const local = dayjs(at).tz(zone);
  const t = local.hour() * 60 + local.minute();
  const [s, e] = [minutes(q.start), minutes(q.end)];
  return s < e ? t >= s && t < e : t >= s || t < e;
}
