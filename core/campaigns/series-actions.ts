// Core (pure): the admin actions of a recurring series — schedule (create its first occurrence), pause, resume, end,
// cancel, list occurrences. One-off campaigns go through lifecycle.ts unchanged; a series' occurrences are ordinary
// campaigns (core/campaigns/series.ts), moved here together with their series.
import { DomainError } from '../envelope';
import { loadCampaign } from './edit';
import { cancelCampaign, pauseCampaign, resumeCampaign, resumeTarget, type LifecycleDeps, type LifecycleResult } from './lifecycle';
import type { Campaign, CampaignStatus } from './model';
import type { CampaignDeps } from './ports';
import { describeRecurrence, nextOccurrence, occurrenceId } from './recurrence';
import { createNext, LATE_GRACE_MS, occurrenceOf, occurrenceTime, recordSkipped, startInstant } from './series';
import { describeInstant, isValidZone } from './schedule';
import { summarise } from './stats';

export { startInstant } from './series';

const OPEN: readonly CampaignStatus[] = ['scheduled', 'running', 'paused'];

/** draft → scheduled: the first occurrence after now is created (a `scheduled` campaign the dispatcher promotes). */
export async function scheduleSeries(deps: CampaignDeps, c: Campaign, zoneIn?: string) {
  if (c.status !== 'draft' && c.status !== 'scheduled') throw new DomainError('CONFLICT', `campaign ${c._id} is ${c.status}: cannot schedule`, { status: c.status });
  const zone = zoneIn ?? c.zone;
  if (!isValidZone(zone)) throw new DomainError('INVALID_INPUT', `unknown time zone ${JSON.stringify(zone)}`, [{ path: 'zone', message: 'not an IANA time zone' }]);
  const now = deps.clock.now();
  // A series never has a send time of its own (the dispatcher promotes only campaigns with one): drop a stale one.
  if (!(await deps.campaigns.updateIf(c._id, ['draft', 'scheduled'], { status: 'scheduled', zone, updatedAt: now }, ['sendAt', 'sendAtLocal']))) {
    throw new DomainError('CONFLICT', `campaign ${c._id} changed meanwhile; try again`);
  }
  const series: Campaign = { ...c, status: 'scheduled', zone };
  const first = await createNext(deps.campaigns, series, now, now);
  if (!first || first.sendAt === undefined || !first.sendAtLocal) throw new DomainError('CONFLICT', `series ${c._id} has no occurrence after now (its end date passed)`);
  return {
    id: c._id,
    status: 'scheduled' as const,
    sendAt: first.sendAt,
    sendAtLocal: first.sendAtLocal,
    zone,
    sendAtDisplay: describeInstant(occurrenceTime(first), zone),
    sendAtUtc: new Date(first.sendAt).toISOString(),
    warnings: [] as string[],
    recurrence: describeRecurrence(c.recurrence!),
    firstOccurrence: first._id,
  };
}

async function openOccurrences(deps: Pick<CampaignDeps, 'campaigns'>, seriesId: string): Promise<Campaign[]> {
  return (await deps.campaigns.occurrences(seriesId, 100)).filter((o) => OPEN.includes(o.status));
}

export async function pauseAny(deps: LifecycleDeps, input: { id: string }): Promise<LifecycleResult> {
  const c = await loadCampaign(deps, input.id);
  if (!c.recurrence) return pauseCampaign(deps, input);
  const res = await pauseCampaign(deps, input);
  // Its open occurrences stop too (an occurrence mid-send stops claiming within a second, like any campaign).
  for (const o of await openOccurrences(deps, c._id)) {
    if (o.status !== 'paused') await deps.campaigns.updateIf(o._id, ['scheduled', 'running'], { status: 'paused', updatedAt: deps.clock.now() });
  }
  return res;
}

/**
 * Resume: an occurrence whose time passed while paused is skipped (`series_paused`, recorded; its pending deliveries
 * cancelled) — never sent late; the others continue. The series then has its next occurrence after now.
 */
export async function resumeAny(deps: LifecycleDeps, input: { id: string }): Promise<LifecycleResult & { skipped?: string[] }> {
  const c = await loadCampaign(deps, input.id);
  if (!c.recurrence) return resumeCampaign(deps, input);
  const res = await resumeCampaign(deps, input);
  const now = deps.clock.now();
  const skipped: string[] = [];
  let last = 0;
  for (const o of await deps.campaigns.occurrences(c._id, 100)) last = Math.max(last, occurrenceTime(o));
  for (const o of await openOccurrences(deps, c._id)) {
    if (o.status !== 'paused') continue;
    if (occurrenceTime(o) < now - LATE_GRACE_MS) {
      if (await deps.campaigns.updateIf(o._id, ['paused'], { status: 'cancelled', skipReason: 'series_paused', completedAt: now, updatedAt: now })) {
        await deps.deliveries.cancelPending(o._id, now);
        skipped.push(o._id);
      }
    } else {
      await deps.campaigns.updateIf(o._id, ['paused'], { status: resumeTarget(o), updatedAt: now });
    }
  }
  // Occurrences that fell inside the pause and were never created: recorded as skipped, not sent.
  const series: Campaign = { ...c, status: 'scheduled' };
  if (last > 0) await recordSkipped(deps.campaigns, series, last, now - LATE_GRACE_MS, 'series_paused', now);
  const upcoming = (await openOccurrences(deps, c._id)).some((o) => o.status === 'scheduled');
  // From the end of what was recorded: an occurrence less than LATE_GRACE_MS old is still sent (like a timer that
  // promotes it within the grace), anything older was recorded as skipped above — none falls between the two.
  if (!upcoming) await createNext(deps.campaigns, series, Math.max(now - LATE_GRACE_MS, last), now);
  return { ...res, skipped };
}

/** End the series: no further occurrence; one not started yet is skipped (`series_ended`); one sending finishes. */
export async function endSeries(deps: CampaignDeps, input: { id: string }): Promise<LifecycleResult & { skipped: string[] }> {
  const c = await loadCampaign(deps, input.id);
  if (!c.recurrence) throw new DomainError('CONFLICT', `campaign ${c._id} is not recurring: cancel it instead`);
  const now = deps.clock.now();
  let changed = false;
  if (c.status === 'scheduled' || c.status === 'paused') {
    changed = await deps.campaigns.updateIf(c._id, ['scheduled', 'paused'], { status: 'completed', completedAt: now, updatedAt: now });
    if (!changed) throw new DomainError('CONFLICT', `campaign ${c._id} changed meanwhile; try again`);
  } else if (c.status !== 'completed') {
    throw new DomainError('CONFLICT', `campaign ${c._id} is ${c.status}: cannot end`, { status: c.status });
  }
  const skipped: string[] = [];
  for (const o of await openOccurrences(deps, c._id)) {
    const notStarted = o.status === 'scheduled' || (o.status === 'paused' && o.startedAt === undefined);
    if (notStarted && (await deps.campaigns.updateIf(o._id, ['scheduled', 'paused'], { status: 'cancelled', skipReason: 'series_ended', completedAt: now, updatedAt: now }))) {
      skipped.push(o._id);
    }
  }
  return { id: c._id, status: 'completed', changed, skipped };
}

/** Cancel: the series and every open occurrence (their pending deliveries cancelled). */
export async function cancelAny(deps: LifecycleDeps, input: { id: string }) {
  const c = await loadCampaign(deps, input.id);
  const res = await cancelCampaign(deps, input);
  if (!c.recurrence) return res;
  let cancelledDeliveries = res.cancelledDeliveries;
  for (const o of await openOccurrences(deps, c._id)) cancelledDeliveries += (await cancelCampaign(deps, { id: o._id })).cancelledDeliveries;
  return { ...res, cancelledDeliveries };
}

/** The occurrences of a series with their own counts, newest first. */
export async function listOccurrences(deps: CampaignDeps, input: { id: string; limit?: number }) {
  const c = await loadCampaign(deps, input.id);
  if (!c.recurrence) throw new DomainError('CONFLICT', `campaign ${c._id} is not recurring`);
  const list = await deps.campaigns.occurrences(c._id, input.limit ?? 50);
  return {
    recurrence: describeRecurrence(c.recurrence),
    next: c.series?.nextAt === undefined ? null : { id: c.series.nextId ?? null, at: c.series.nextAt },
    occurrences: list.map((o) => ({ ...summarise(o), key: o.occurrence?.key ?? null, skipReason: o.skipReason ?? null })),
  };
}

/** What an edit of a series did to its occurrences (the `update` answer of a series). */
export interface SeriesEditResult {
  /** Not-started occurrences now carrying the edited content (and time, when the schedule changed). */
  updated: string[];
  /** A not-started occurrence the new schedule no longer has: skipped (`series_edited`) for the new one. */
  replaced: { from: string; to: string | null }[];
  /** Occurrences already sending (or paused mid-send): left as they were, with the reason. */
  leftAlone: { id: string; status: CampaignStatus; why: string }[];
}

/** Fields an occurrence copies from its series (core/campaigns/series.ts occurrenceOf) that an edit may remove. */
const OPTIONAL_COPIED = ['page', 'quietHours', 'frequencyCap', 'localTime', 'dailyBudget'] as const;

const sameSchedule = (a: Campaign, b: Campaign): boolean =>
  JSON.stringify([a.recurrence ?? null, a.zone, a.localTime === true]) === JSON.stringify([b.recurrence ?? null, b.zone, b.localTime === true]);

/**
 * Carries an edit of a scheduled series (`before` → `after`, already written) to its occurrences that have not
 * started sending: content, audience, rules — and the time when the schedule changed (recomputed; an occurrence the
 * new rule no longer has is skipped as `series_edited` and the rule's next one created). An occurrence already
 * sending is left alone and named in the answer. Each write is conditional on the occurrence still being
 * `scheduled`, so one the dispatcher promotes meanwhile is reported, never half-edited; a retry is a no-op.
 */
export async function carryEditToOccurrences(deps: Pick<CampaignDeps, 'campaigns' | 'clock'>, before: Campaign, after: Campaign): Promise<SeriesEditResult> {
  const out: SeriesEditResult = { updated: [], replaced: [], leftAlone: [] };
  const now = deps.clock.now();
  const scheduleChanged = !sameSchedule(before, after);
  const next = after.recurrence ? nextOccurrence(after.recurrence, after.zone, now) : null;
  for (const o of await openOccurrences(deps, after._id)) {
    if (o.status !== 'scheduled') {
      out.leftAlone.push({ id: o._id, status: o.status, why: o.status === 'running' ? 'already sending: it keeps the content it started with' : `${o.status}: not changed` });
      continue;
    }
    const key = o.occurrence?.key ?? '';
    const local = o.sendAtLocal ?? '';
    const keep = !scheduleChanged || (next !== null && occurrenceId(after._id, next.key) === o._id);
    if (keep) {
      const fresh = occurrenceOf(after, scheduleChanged && next ? next : { key, local, at: o.sendAt ?? 0 }, now);
      const { _id: _i, status: _s, counters: _c, createdAt: _ca, occurrence: _o, ...set } = fresh;
      const unset = OPTIONAL_COPIED.filter((k) => o[k] !== undefined && fresh[k] === undefined);
      if (await deps.campaigns.updateIf(o._id, ['scheduled'], set, unset)) {
        out.updated.push(o._id);
        if (scheduleChanged) await deps.campaigns.updateIf(after._id, ['scheduled'], { series: { ...after.series, nextAt: fresh.sendAt, nextId: o._id }, updatedAt: now });
        continue;
      }
    } else if (await deps.campaigns.updateIf(o._id, ['scheduled'], { status: 'cancelled', skipReason: 'series_edited', completedAt: now, updatedAt: now })) {
      out.replaced.push({ from: o._id, to: (await nextAfterEdit(deps, after, now))?._id ?? null });
      continue;
    }
    // Promoted (or changed) between the read and the write: left as it is now.
    const current = await deps.campaigns.get(o._id);
    out.leftAlone.push({ id: o._id, status: current?.status ?? o.status, why: 'started sending meanwhile: it keeps the content it started with' });
  }
  return out;
}

/** The series' next occurrence after an edit moved its schedule; one skipped by an earlier edit is revived. */
async function nextAfterEdit(deps: Pick<CampaignDeps, 'campaigns'>, series: Campaign, now: number): Promise<Campaign | null> {
  if (!series.recurrence) return null; // the edit removed the rule: no next occurrence
  const created = await createNext(deps.campaigns, series, now, now);
  if (!created) return null;
  const existing = await deps.campaigns.get(created._id);
  if (existing?.status === 'cancelled' && existing.skipReason === 'series_edited') {
    const { _id: _i, counters: _c, createdAt: _ca, ...set } = created;
    await deps.campaigns.updateIf(created._id, ['cancelled'], set, ['skipReason', 'completedAt']);
  }
  // A write carrying its send time: the store wakes the dispatcher for it (insertIfAbsent does not).
  await deps.campaigns.updateIf(created._id, ['scheduled'], { sendAt: created.sendAt, updatedAt: now });
  return created;
}
