// Emulator console: campaign progress read straight from the emulator's database (the `campaigns` and
// `deliveries` collections as the functions write them; the emulator imports nothing from core/): deliveries by
// status, sends over time by outcome, the rate and an ETA, all in virtual time.
import type { DatabaseService, Doc } from '../contracts';
import { OUTCOMES, outcomeCounts, type CampaignView } from './view';

export { OUTCOMES, type CampaignView } from './view';

const BUCKETS = 60;
const RATE_WINDOW_MS = 60_000;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : v instanceof Date ? v.getTime() : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** All sending paused for the daily quota (the dispatcher's state document `ops_state/dispatch`), or null. */
export interface QuotaPauseView {
  until: number;
  errCode: number | null;
}

function quotaPause(db: DatabaseService, now: number): QuotaPauseView | null {
  if (!db.collections().includes('ops_state')) return null;
  const s = db.find('ops_state', { _id: 'dispatch' })[0];
  const until = num(s?.quotaPausedUntil);
  if (until === null || until <= now) return null;
  return { until, errCode: num(s?.quotaErrCode) };
}

export function campaignsView(db: DatabaseService, now: number): { now: number; campaigns: CampaignView[]; quotaPause: QuotaPauseView | null } {
  const pause = quotaPause(db, now);
  if (!db.collections().includes('campaigns')) return { now, campaigns: [], quotaPause: pause };
  const campaigns = db.find('campaigns');
  const bySource = new Map<string, Doc[]>();
  if (db.collections().includes('deliveries')) {
    for (const d of db.find('deliveries', { sourceType: 'campaign' })) {
      const id = str(d.sourceId);
      const list = bySource.get(id) ?? [];
      list.push(d);
      bySource.set(id, list);
    }
  }
  const views = campaigns.map((c) => view(c, bySource.get(str(c._id)) ?? [], now));
  views.sort((a, b) => (b.startedAt ?? b.sendAt ?? 0) - (a.startedAt ?? a.sendAt ?? 0) || a.name.localeCompare(b.name));
  return { now, campaigns: views, quotaPause: pause };
}

function view(c: Doc, deliveries: Doc[], now: number): CampaignView {
  const byStatus: Record<string, number> = {};
  const finals: { t: number; outcome: (typeof OUTCOMES)[number] }[] = [];
  for (const d of deliveries) {
    const status = str(d.status);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if ((OUTCOMES as readonly string[]).includes(status)) {
      const t = num(d.sentAt) ?? num(d.updatedAt) ?? now;
      finals.push({ t, outcome: status as (typeof OUTCOMES)[number] });
    }
  }
  finals.sort((a, b) => a.t - b.t);
  const series = buildSeries(finals);
  const recent = finals.filter((f) => f.t > now - RATE_WINDOW_MS && f.t <= now).length / (RATE_WINDOW_MS / 1000);
  const first = finals[0]?.t;
  const last = finals[finals.length - 1]?.t;
  const overall = first !== undefined && last !== undefined && last > first ? finals.length / ((last - first) / 1000) : 0;
  const ratePerSec = recent > 0 ? recent : overall;
  const remaining = (byStatus.pending ?? 0) + (byStatus.sending ?? 0);
  const counters = (c.counters ?? {}) as Record<string, unknown>;
  return {
    id: str(c._id),
    name: str(c.name),
    status: str(c.status),
    templateId: str(c.templateId),
    sendAt: num(c.sendAt),
    startedAt: num(c.startedAt),
    completedAt: num(c.completedAt),
    targeted: num(counters.targeted) ?? deliveries.length,
    deliveries: deliveries.length,
    byStatus,
    counts: outcomeCounts(byStatus),
    ratePerSec: Math.round(ratePerSec * 100) / 100,
    etaMs: remaining > 0 && ratePerSec > 0 ? Math.round((remaining / ratePerSec) * 1000) : null,
    series,
  };
}

/** Cumulative counts per outcome at up to BUCKETS+1 instants from the first to the last final delivery. */
function buildSeries(finals: { t: number; outcome: (typeof OUTCOMES)[number] }[]): CampaignView['series'] {
  const series: CampaignView['series'] = { t: [], sent: [], skipped: [], failed: [], unknown: [] };
  if (finals.length === 0) return series;
  const first = (finals[0] as { t: number }).t;
  const last = (finals[finals.length - 1] as { t: number }).t;
  const step = Math.max(1, Math.ceil((last - first) / BUCKETS));
  const counts = { sent: 0, skipped: 0, failed: 0, unknown: 0 };
  let i = 0;
  for (let t = first; ; t += step) {
    while (i < finals.length && (finals[i] as { t: number }).t <= t) counts[(finals[i] as { outcome: (typeof OUTCOMES)[number] }).outcome] += 1, i++;
    series.t.push(t);
    for (const o of OUTCOMES) series[o].push(counts[o]);
    if (t >= last) break;
  }
  return series;
}
