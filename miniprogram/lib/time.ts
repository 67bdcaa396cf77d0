// Mini program lib (pure): times shown and entered in Asia/Shanghai (UTC+8, no daylight saving since 1991),
// whatever zone the phone is in. Stored times are epoch ms.

export const ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` and `HH:mm` of an instant in Beijing time. */
export function shanghaiParts(ms: number): { date: string; time: string } {
  const d = new Date(ms + OFFSET_MS);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

export function formatShanghai(ms: number): string {
  const p = shanghaiParts(ms);
  return `${p.date} ${p.time}`;
}

/** `MM-DD HH:mm`, for lists. */
export function formatShort(ms: number): string {
  return formatShanghai(ms).slice(5);
}

/** Epoch ms of a Beijing-time wall clock `YYYY-MM-DD` + `HH:mm`, or null when either part is malformed. */
export function parseShanghai(date: string, time: string): number | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return null;
  const [y, mo, d, h, mi] = [dm[1], dm[2], dm[3], tm[1], tm[2]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi) - OFFSET_MS;
  return shanghaiParts(ms).date === date ? ms : null; // rejects 02-30 and friends
}

/** A campaign's send time as the API gives it: epoch ms, the local string, or nothing yet. */
export function formatSendAt(v: number | string | null | undefined): string {
  if (typeof v === 'number') return formatShanghai(v);
  if (typeof v === 'string' && v) return v;
  return '未排期';
}
