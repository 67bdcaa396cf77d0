// Core (pure): recurring campaigns as a series of occurrences. The series is a campaign with `recurrence`; it never
// sends itself. Each occurrence is its own campaign (id `<seriesId>.<key>`, deterministic: a timer that fires twice
// creates it once) with its own deliveries (`campaign:<occurrenceId>:<openid>`) and counts, sent by the ordinary
// dispatcher path. The next occurrence exists ahead of time as a `scheduled` campaign; the dispatcher creates the one
// after it when it promotes it (core/dispatch/series.ts).
//
// Pause / resume / end: pausing the series pauses its open occurrences; on resume, an occurrence whose time passed
// while paused is SKIPPED with a reason (`series_paused`, recorded as a cancelled occurrence) — never sent late in a
// burst — and the series continues with the next occurrence after now.
import { DomainError } from '../envelope';
import type { Campaign, CampaignStatus } from './model';
import { nextOccurrence, occurrenceId, occurrencesBetween, type Occurrence } from './recurrence';
import { epochToLocal, localToEpoch } from './schedule';

/** The earliest zone (UTC+14): "09:00 local" happens there first, so an occurrence starts at that instant. */
export const EARLIEST_ZONE = 'Etc/GMT-14';
/** An occurrence promoted later than this after its time (the timer was down) is skipped as `missed`. */
export const LATE_GRACE_MS = 60 * 60_000;

/** The instant a campaign at local wall time `local` starts: in its zone, or (localTime) in the earliest zone. */
export function startInstant(local: string, zone: string, localTime: boolean | undefined): number {
  return localToEpoch(local, localTime ? EARLIEST_ZONE : zone);
}

/** The occurrence campaign of `series` at `occ` (a copy of the series' message, audience and rules). */
export function occurrenceOf(series: Campaign, occ: Occurrence, now: number, status: CampaignStatus = 'scheduled', skipReason?: string): Campaign {
  const { _id, recurrence: _r, series: _s, status: _st, counters: _c, cursor: _cu, budget: _b, startedAt: _sa, completedAt: _ca, quarantineReason: _q, ...message } = series;
  const c: Campaign = {
    ...message,
    _id: occurrenceId(_id, occ.key),
    name: `${series.name} · ${occ.local}`,
    status,
    sendAt: startInstant(occ.local, series.zone, series.localTime),
    sendAtLocal: occ.local,
    occurrence: { seriesId: _id, key: occ.key },
    counters: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 },
    createdAt: now,
    updatedAt: now,
  };
  if (skipReason) {
    c.skipReason = skipReason;
    c.completedAt = now;
  }
  return c;
}

/** What a series store must do (CampaignStore of ./ports plus create-if-absent and the occurrence list). */
export interface SeriesStore {
  get(id: string): Promise<Campaign | null>;
  insertIfAbsent(c: Campaign): Promise<boolean>;
  updateIf(id: string, from: readonly CampaignStatus[], set: Partial<Campaign>): Promise<boolean>;
  /** Occurrences of a series, newest first. */
  occurrences(seriesId: string, limit: number): Promise<Campaign[]>;
}

/**
 * Creates the series' next occurrence strictly after `after` (create-if-absent) and records it on the series.
 * Resolves the occurrence, or null when the series has ended (`until` passed): the series is then completed.
 */
export async function createNext(store: Pick<SeriesStore, 'insertIfAbsent' | 'updateIf'>, series: Campaign, after: number, now: number): Promise<Campaign | null> {
  if (!series.recurrence) throw new DomainError('CONFLICT', `campaign ${series._id} is not recurring`);
  const occ = nextOccurrence(series.recurrence, series.zone, after);
  if (!occ) {
    await store.updateIf(series._id, ['scheduled'], { status: 'completed', completedAt: now, updatedAt: now, series: { ...series.series } });
    return null;
  }
  const c = occurrenceOf(series, occ, now);
  await store.insertIfAbsent(c);
  await store.updateIf(series._id, ['scheduled', 'paused'], { series: { ...series.series, nextAt: c.sendAt, nextId: c._id, lastId: c._id }, updatedAt: now });
  return c;
}

/** Records every occurrence in (after, until] as skipped (a cancelled occurrence carrying `reason`). */
export async function recordSkipped(store: Pick<SeriesStore, 'insertIfAbsent'>, series: Campaign, after: number, until: number, reason: string, now: number): Promise<number> {
  if (!series.recurrence) return 0;
  let n = 0;
  for (const occ of occurrencesBetween(series.recurrence, series.zone, after, until)) {
    if (await store.insertIfAbsent(occurrenceOf(series, occ, now, 'cancelled', reason))) n += 1;
  }
  return n;
}

/** The occurrence's own time (its wall time in the series' zone), whatever `sendAt` says for local-time sends. */
export function occurrenceTime(c: Campaign): number {
  return c.sendAtLocal ? localToEpoch(c.sendAtLocal, c.zone) : (c.sendAt ?? 0);
}

export const describeLocal = (at: number, zone: string): string => epochToLocal(at, zone);
