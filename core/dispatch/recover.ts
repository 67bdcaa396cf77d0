// Core (dispatch): what a dead run (timeout, crash, kill) leaves behind, put right by the next run.
//
// 1. Expired leases — `sending` deliveries whose lease ended. Each is read with its grant; the hold its claim
//    token put there (core/grants/holds.ts) is the evidence, because settle.ts writes refunds and zeroes to the
//    grant before the delivery, and the delivery before a consume:
//
//      send not started (no `sendStartedAt`)      → pending; a hold still there is refunded first
//      started, hold still there                  → unknown (`ambiguous`): WeChat may or may not have it. Never
//                                                   resent (at most once); the hold is consumed (the send counts
//                                                   as used: the ledger can only be below WeChat, never above)
//      started, one-time, hold gone               → pending: WeChat answered an error that consumed nothing and
//                                                   the refund (or 43101 zero) was written before the run died
//      started, long-term or no grant document    → unknown (`ambiguous`): nothing to tell it by
//
//    WeChat's own count is never used to decide: no API reads it, and a send used as a probe cannot tell an
//    ambiguous message that arrived from an accept the user gave meanwhile that Tixing has not heard of yet —
//    such a probe would deliver the message twice.
// 2. Open holds — final deliveries still marked `holdOpen` (the run died between settle.ts's steps 2 and 4):
//    their holds are consumed and the mark cleared.
import type { Delivery } from '../delivery';
import { grantOf, holdsToken, type GrantState } from '../grants/holds';
import { CLAIM_FIELDS } from '../sending/settle';
import type { DispatchDeps } from './ports';

/** How old a `holdOpen` mark must be before a run finishes it (a live flush clears its own within milliseconds). */
export const OPEN_HOLD_GRACE_MS = 10_000;

export type Recovery = { kind: 'requeue'; refund: boolean } | { kind: 'unknown'; consume: boolean };

export function classifyExpired(d: Delivery, g: GrantState | undefined): Recovery {
  if (!d.claimToken) return { kind: 'unknown', consume: false };
  const held = holdsToken(g, d.claimToken);
  if (d.sendStartedAt === undefined || d.sendStartedAt === null) return { kind: 'requeue', refund: held };
  if (held) return { kind: 'unknown', consume: true };
  if (g?.kind === 'one-time') return { kind: 'requeue', refund: false };
  return { kind: 'unknown', consume: false };
}

export interface RecoverySummary {
  requeued: number;
  unknown: number;
  /** Holds consumed for final deliveries a dead run left marked `holdOpen`. */
  closed: number;
}

/** One sweep: expired leases (refund what is held, then settle each group with one write), then open holds. */
export async function recoverExpired(deps: DispatchDeps): Promise<RecoverySummary> {
  const now = deps.clock.now();
  const out: RecoverySummary = { requeued: 0, unknown: 0, closed: 0 };
  const expired = await deps.deliveries.expired(now, deps.config.recoverBatch);
  if (expired.length) await settleExpired(deps, expired, now, out);
  // Settlement steps 2–4 of a live run follow each other within a flush, so a mark older than a few seconds was left
  // by a run that died. Finishing one early is harmless: a `holdOpen` delivery's send is spent whoever consumes its
  // hold, and consuming (conditional on the token) applies once.
  const open = await deps.deliveries.openHolds(now - OPEN_HOLD_GRACE_MS, deps.config.recoverBatch);
  if (open.length) out.closed = await closeOpenHolds(deps, open);
  if (out.requeued + out.unknown + out.closed) deps.log(`recovered: ${JSON.stringify(out)}`);
  return out;
}

async function settleExpired(deps: DispatchDeps, expired: Delivery[], now: number, out: RecoverySummary): Promise<void> {
  const grants = new Map((await deps.grants.read([...new Set(expired.map(grantOf))])).map((g) => [g._id, g]));
  const requeue: string[] = [];
  const unknown: Delivery[] = [];
  const consumed: Delivery[] = [];
  const refunds = new Map<string, string[]>();
  const purposeRefunds: { token: string; purpose: string; id: string }[] = [];
  for (const d of expired) {
    const r = classifyExpired(d, grants.get(grantOf(d)));
    if (r.kind === 'requeue') {
      requeue.push(d._id);
      if (r.refund && d.claimToken && d.purpose) purposeRefunds.push({ token: d.claimToken, purpose: d.purpose, id: grantOf(d) });
      else if (r.refund && d.claimToken) refunds.set(d.claimToken, [...(refunds.get(d.claimToken) ?? []), grantOf(d)]);
    } else if (r.consume) consumed.push(d);
    else unknown.push(d);
  }
  // Refund before requeueing: a refund pulls its hold, so if this sweep dies here the next one requeues only.
  for (const [token, ids] of refunds) await deps.grants.refund(ids, token);
  // A requeued send that used a purpose's unit gives it back to the purpose (core/grants/holds.ts).
  for (const p of purposeRefunds) {
    await deps.grants.refundToPurpose([p.id], p.token, p.purpose);
    await deps.grants.refund([p.id], p.token);
  }
  const back = { status: 'pending', nextAttemptAt: now, updatedAt: now };
  if (requeue.length) out.requeued = await deps.deliveries.settleExpired(requeue, now, { set: back, unset: [...CLAIM_FIELDS] });
  const ambiguous = { status: 'unknown', reason: 'ambiguous', updatedAt: now };
  if (unknown.length) out.unknown += await deps.deliveries.settleExpired(unknown.map((d) => d._id), now, { set: ambiguous, unset: [...CLAIM_FIELDS] });
  if (consumed.length) {
    // Delivery first (final, `holdOpen`), then the holds: the same order as a live settlement (settle.ts).
    const keep = CLAIM_FIELDS.filter((f) => f !== 'claimToken');
    out.unknown += await deps.deliveries.settleExpired(consumed.map((d) => d._id), now, { set: { ...ambiguous, holdOpen: true }, unset: keep });
    await closeOpenHolds(deps, consumed);
  }
  const perCampaign = new Map<string, number>();
  for (const d of [...unknown, ...consumed]) if (d.sourceType === 'campaign') perCampaign.set(d.sourceId, (perCampaign.get(d.sourceId) ?? 0) + 1);
  // Counters are the fast path (exact numbers are folded again when the campaign completes).
  for (const [id, n] of perCampaign) await deps.campaigns.bumpCounters(id, { unknown: n }, now);
}

/** Consumes the holds of deliveries whose send is spent, then clears their marks. Idempotent. */
async function closeOpenHolds(deps: DispatchDeps, ds: readonly Delivery[]): Promise<number> {
  const byToken = new Map<string, string[]>();
  for (const d of ds) if (d.claimToken) byToken.set(d.claimToken, [...(byToken.get(d.claimToken) ?? []), grantOf(d)]);
  for (const [token, ids] of byToken) await deps.grants.consume(ids, token);
  return deps.deliveries.closeHolds(ds.map((d) => d._id));
}
