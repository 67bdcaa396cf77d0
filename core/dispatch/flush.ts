// Core (dispatch): a flush — the results of many turns settled with few writes (core/sending/settle.ts decides what
// each result means and the order of the writes), plus what only the dispatcher keeps: campaign counters, the
// per-flush msgid log, and quarantines.
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

/**
 * Settles the results (grants and deliveries, in settle.ts's order), then counters (a fast path: exact numbers are
 * folded again when the campaign completes), the msgid log, and quarantines.
 */
export async function applyFlush(deps: DispatchDeps, results: readonly Result[]): Promise<void> {
  const now = deps.clock.now();
  await applySettlement({ grants: deps.grants, deliveries: deps.deliveries }, planSettlement(results, now), deps.runId);
  const extras = planExtras(results);
  await Promise.all([...extras.counters].map(([id, inc]) => deps.campaigns.bumpCounters(id, inc, now)));
  if (extras.sends.length) {
    await deps.deliveries.logSends(deps.runId, extras.sends, now);
    // The msgids are written now: sent receipts that raced ahead of them join here.
    if (deps.receipts) await joinWaiting(deps.receipts, extras.sends);
  }
  for (const [id, reason] of extras.quarantine) {
    if (await deps.campaigns.quarantine(id, reason, now)) deps.log(`campaign ${id} quarantined: ${reason}`);
  }
  // The daily quota: pause all sending (the state document every run reads first), then tell the alerts webhook.
  const quota = quotaPauseOf(results);
  if (quota && deps.ops) await deps.ops.pauseForQuota(quota.until, quota.errCode, now);
  const alerts = alertsOf(results);
  if (alerts.length && deps.alerts) await deps.alerts.raise(alerts, now);
}
