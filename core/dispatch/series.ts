// Core (dispatch): recurring series, seen by the dispatcher. When an occurrence has been promoted to `running`, the
// series' next occurrence is created (create-if-absent, deterministic id: two runs create it once) and the promoted
// one is marked `nextCreated`. An occurrence promoted long after its time (the timer was down) is skipped as
// `missed` instead of being sent late; the series goes on from now.
import type { Campaign } from '../campaigns/model';
import { createNext, LATE_GRACE_MS, occurrenceTime } from '../campaigns/series';
import type { DispatchDeps } from './ports';

export interface SeriesSummary {
  created: string[];
  missed: string[];
}

export async function advanceSeries(deps: DispatchDeps, running: readonly Campaign[]): Promise<SeriesSummary> {
  const out: SeriesSummary = { created: [], missed: [] };
  const { campaigns, clock } = deps;
  for (const c of running) {
    if (!c.occurrence || c.occurrence.nextCreated) continue;
    const now = clock.now();
    const late = c.sendAt !== undefined && now - c.sendAt > LATE_GRACE_MS && !c.cursor;
    if (late && (await campaigns.updateIf(c._id, ['running'], { status: 'cancelled', skipReason: 'missed', completedAt: now, updatedAt: now }))) {
      out.missed.push(c._id);
      deps.log(`occurrence ${c._id} skipped: promoted ${Math.round((now - c.sendAt!) / 60_000)} min after its time (never sent late)`);
    }
    const series = await campaigns.get(c.occurrence.seriesId);
    if (series?.status === 'scheduled' && series.recurrence) {
      const next = await createNext(campaigns, series, late ? Math.max(now, occurrenceTime(c)) : occurrenceTime(c), now);
      if (next) out.created.push(next._id);
    }
    await campaigns.updateIf(c._id, ['running', 'cancelled', 'paused'], { occurrence: { ...c.occurrence, nextCreated: true } });
  }
  return out;
}
