// Core (dispatch): expired leases — a run that died (timeout, crash, kill) leaves `sending` deliveries behind.
// Each is put back in the queue, or, in the ambiguous case, settled without a duplicate:
//
//   send not started (no `sendStartedAt`)          → pending; a grant it still holds is refunded first
//   started, its hold already refunded/zeroed      → pending (WeChat answered a failure that consumed nothing)
//   started, hold still there, ledger now at 0     → pending as a *probe*: WeChat's own count decides. If the first
//                                                    attempt arrived, WeChat's count is 0 too and the probe gets
//                                                    43101 (→ unknown, no duplicate); if it never arrived the probe
//                                                    is the one message. Ledger = WeChat either way.
//   started, otherwise (ledger > 0, long-term)     → unknown: never resent (at-most-once), counted in stats
import type { DispatchDeps, GrantState, QueueDelivery } from './ports';
import { CLAIM_FIELDS, grantIdOf } from './results';

export type Recovery = { kind: 'requeue'; refund: boolean } | { kind: 'probe' } | { kind: 'unknown' };

export function classifyExpired(d: QueueDelivery, g: GrantState | undefined): Recovery {
  // Claimed outside the dispatcher (an inline send that died: no claim token): it may have been sent — ambiguous.
  if (!d.claimToken) return { kind: 'unknown' };
  const held = g?.kind === 'one-time' && (g.holds ?? []).includes(d.claimToken);
  if (d.sendStartedAt === undefined || d.sendStartedAt === null) return { kind: 'requeue', refund: held };
  // A probe holds nothing of its own (its hold is the first attempt's): probe again while the ledger stays at 0.
  if (d.probe) return g?.kind === 'one-time' && g.remaining === 0 ? { kind: 'probe' } : { kind: 'unknown' };
  if (g?.kind === 'long-term') return { kind: 'unknown' };
  // One-time (or no grant document): nothing held means nothing was sent, or the hold was refunded/zeroed after
  // WeChat answered — either way WeChat's count was not consumed by this attempt.
  if (!held) return { kind: 'requeue', refund: false };
  return g?.remaining === 0 ? { kind: 'probe' } : { kind: 'unknown' };
}

export interface RecoverySummary {
  requeued: number;
  probes: number;
  unknown: number;
}

/** One sweep: read expired leases (and their grants), refund what is held, then settle each group with one write. */
export async function recoverExpired(deps: DispatchDeps): Promise<RecoverySummary> {
  const now = deps.clock.now();
  const expired = await deps.deliveries.expired(now, deps.config.recoverBatch);
  const out: RecoverySummary = { requeued: 0, probes: 0, unknown: 0 };
  if (!expired.length) return out;
  const grants = new Map((await deps.grants.read([...new Set(expired.map((d) => grantIdOf(d.openid, d.templateId)))])).map((g) => [g._id, g]));
  const requeue: string[] = [];
  const probe: string[] = [];
  const unknown: QueueDelivery[] = [];
  const refunds = new Map<string, string[]>();
  for (const d of expired) {
    const r = classifyExpired(d, grants.get(grantIdOf(d.openid, d.templateId)));
    if (r.kind === 'requeue') {
      requeue.push(d._id);
      if (r.refund && d.claimToken) refunds.set(d.claimToken, [...(refunds.get(d.claimToken) ?? []), grantIdOf(d.openid, d.templateId)]);
    } else if (r.kind === 'probe') probe.push(d._id);
    else unknown.push(d);
  }
  // Refund before requeueing: a refund pulls its hold token, so if this sweep dies here the next one requeues only.
  for (const [token, ids] of refunds) await deps.grants.refund(ids, token, now);
  const back = { status: 'pending', nextAttemptAt: now, updatedAt: now };
  if (requeue.length) out.requeued = await deps.deliveries.settleExpired(requeue, now, { set: back, unset: CLAIM_FIELDS });
  if (probe.length) out.probes = await deps.deliveries.settleExpired(probe, now, { set: { ...back, probe: true, reason: 'ambiguous' }, unset: CLAIM_FIELDS });
  if (unknown.length) {
    const w = { set: { status: 'unknown', reason: 'ambiguous', updatedAt: now }, unset: [...CLAIM_FIELDS, 'probe'] };
    out.unknown = await deps.deliveries.settleExpired(unknown.map((d) => d._id), now, w);
    const perCampaign = new Map<string, number>();
    for (const d of unknown) if (d.sourceType === 'campaign') perCampaign.set(d.sourceId, (perCampaign.get(d.sourceId) ?? 0) + 1);
    // Counters are the fast path (exact numbers are folded again when the campaign completes).
    for (const [id, n] of perCampaign) await deps.campaigns.bumpCounters(id, { unknown: n }, now);
  }
  if (out.requeued + out.probes + out.unknown) deps.log(`recovered expired leases: ${JSON.stringify(out)}`);
  return out;
}
