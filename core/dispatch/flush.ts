// Core (dispatch): a flush — the results of many turns settled with few writes (core/sending/settle.ts decides what
// each result means and the order of the writes), plus what only the dispatcher keeps: quarantines, the quota pause
// and alerts at once; campaign counters, the msgid log and `holdOpen` clears batched over flushes (applyDeferred).
import { applySettlement, planSettlement, type Result } from '../sending/settle';
import { joinWaiting } from '../sending/receipts';
import { alertsOf, quotaPauseOf } from './ops';
import type { CounterInc, DispatchDeps } from './ports';

export interface FlushExtras {
  counters: Map<string, CounterInc>;
  sends: { deliveryId: string; openid: string; templateId: string; msgid: string }[];
  quarantine: Map<string, string>;
}

export function planExtras(results: readonly Result[]): FlushExtras {
  const out: FlushExtras = { counters: new Map(), sends: [], quarantine: new Map() };
  for (const r of results) {
    const { d } = r;
    if (r.msgid) out.sends.push({ deliveryId: d._id, openid: d.openid, templateId: d.templateId, msgid: r.msgid });
    if (d.sourceType !== 'campaign') continue;
    if (r.quarantine) out.quarantine.set(d.sourceId, `errcode ${r.errCode ?? '?'} (${r.reason ?? ''})`);
    if (r.status !== 'pending') {
      const c = out.counters.get(d.sourceId) ?? {};
      c[r.status] = (c[r.status] ?? 0) + 1;
      out.counters.set(d.sourceId, c);
    }
  }
  return out;
}

/** What a flush leaves for later: written together every `slowFlushMs` and when the run ends (applyDeferred). */
export interface Deferred {
  /** Final deliveries whose holds are consumed: their `holdOpen` marks to clear. */
  closes: string[];
  counters: Map<string, CounterInc>;
  sends: FlushExtras['sends'];
}

export const emptyDeferred = (): Deferred => ({ closes: [], counters: new Map(), sends: [] });

/**
 * Settles the results (grants and deliveries, in settle.ts's order) and acts at once on what must not wait —
 * quarantines, the quota pause, alerts; adds to `later` what can: clearing the `holdOpen` marks (recovery finishes a
 * mark older than 10 s, so a run that dies first leaves nothing wrong), the campaign counters (a fast path: exact
 * numbers are folded again when the campaign completes) and the msgid log with the receipts waiting on it.
 */
export async function applyFlush(deps: DispatchDeps, results: readonly Result[], later: Deferred): Promise<void> {
  const now = deps.clock.now();
  const closes = await applySettlement({ grants: deps.grants, deliveries: deps.deliveries }, planSettlement(results, now), deps.runId, { closes: 'later' });
  later.closes.push(...closes);
  const extras = planExtras(results);
  for (const [id, inc] of extras.counters) {
    const c = later.counters.get(id) ?? {};
    for (const [k, v] of Object.entries(inc) as [keyof CounterInc, number][]) c[k] = (c[k] ?? 0) + v;
    later.counters.set(id, c);
  }
  later.sends.push(...extras.sends);
  for (const [id, reason] of extras.quarantine) {
    if (await deps.campaigns.quarantine(id, reason, now)) deps.log(`campaign ${id} quarantined: ${reason}`);
  }
  // The daily quota: pause all sending (the state document every run reads first), then tell the alerts webhook.
  const quota = quotaPauseOf(results);
  if (quota && deps.ops) await deps.ops.pauseForQuota(quota.until, quota.errCode, now);
  const alerts = alertsOf(results);
  if (alerts.length && deps.alerts) await deps.alerts.raise(alerts, now);
}

/** Writes what flushes left for later (and empties it): marks cleared, counters bumped, msgids logged, receipts joined. */
export async function applyDeferred(deps: DispatchDeps, later: Deferred): Promise<void> {
  const { closes, counters, sends } = later;
  Object.assign(later, emptyDeferred());
  const now = deps.clock.now();
  if (closes.length) await deps.deliveries.closeHolds(closes);
  await Promise.all([...counters].map(([id, inc]) => deps.campaigns.bumpCounters(id, inc, now)));
  if (sends.length) {
    await deps.deliveries.logSends(deps.runId, sends, now);
    // The msgids are written now: sent receipts that raced ahead of them join here.
    if (deps.receipts) await joinWaiting(deps.receipts, sends);
  }
}
