// Core (pure): campaign send times — a local wall-clock time in an explicit IANA zone ↔ epoch ms, quiet-hour format.
// dayjs + utc + timezone plugins; every call takes its instant explicitly (no argument-less dayjs()).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import { DomainError } from '../envelope';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEFAULT_ZONE = 'Asia/Shanghai';
const LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True when `zone` is an IANA zone the runtime knows (`Asia/Shanghai`, `UTC`, `Europe/Berlin`, …). */
export function isValidZone(zone: string): boolean {
  if (zone === '' || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * `2026-11-21 09:00` in `Asia/Shanghai` → 1795222800000 (2026-11-21T01:00:00Z).
 * Refuses malformed text, impossible dates (02-30) and wall times skipped by a DST jump (they do not round-trip).
 */
export function localToEpoch(local: string, zone: string): number {
  if (!isValidZone(zone)) throw new DomainError('INVALID_INPUT', `unknown time zone ${JSON.stringify(zone)}`, [{ path: 'zone', message: 'not an IANA time zone' }]);
  if (!LOCAL.test(local)) {
    throw new DomainError('INVALID_INPUT', 'sendAt must be "YYYY-MM-DD HH:mm"', [{ path: 'sendAt', message: 'format YYYY-MM-DD HH:mm' }]);
  }
  const parsed = dayjs.tz(local, zone);
  if (!parsed.isValid() || parsed.format('YYYY-MM-DD HH:mm') !== local) {
    throw new DomainError('INVALID_INPUT', `${local} does not exist in ${zone}`, [{ path: 'sendAt', message: 'no such local time' }]);
  }
  return parsed.valueOf();
}

/** 1795222800000 in `Asia/Shanghai` → `2026-11-21 09:00`. */
export function epochToLocal(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('YYYY-MM-DD HH:mm');
}

const HOUR_MS = 3_600_000;

/**
 * The start of the local hour (in `zone`) that holds `epochMs`: in Asia/Kolkata (+05:30) 01:10Z → 00:30Z (06:00 local).
 * Offsets (and DST moves) are whole quarter hours in every IANA zone, so a UTC quarter hour lies inside one local hour.
 */
export function localHourStart(epochMs: number, zone: string): number {
  const offsetMs = dayjs(epochMs).tz(zone).utcOffset() * 60_000;
  return epochMs - ((((epochMs + offsetMs) % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** Same, with the zone's offset, for display: `2026-11-21 09:00 +08:00`. */
export function describeInstant(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('YYYY-MM-DD HH:mm Z');
}

/** Resolves a schedule request against the clock: the epoch, refusing anything not strictly in the future. */
export function resolveSendAt(local: string, zone: string, now: number): number {
  const at = localToEpoch(local, zone);
  if (at <= now) {
    throw new DomainError('INVALID_INPUT', `sendAt ${local} (${zone}) is in the past; it is now ${epochToLocal(now, zone)} there`, [
      { path: 'sendAt', message: 'in the past' },
    ]);
  }
  return at;
}

export function isClockHHmm(text: string): boolean {
  return HHMM.test(text);
}
