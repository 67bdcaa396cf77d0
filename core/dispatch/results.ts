// Core (dispatch): what one delivery's turn ends in (status, reason, grant effect), and how a flush groups many
// results into few writes: one conditional multi-update per distinct outcome, refunds per hold token, counters per campaign.
import type { SendAttempt } from '../ports';
import { nextAttempt } from '../sending/backoff';
import { outcomeOf } from '../sending/outcomes';
import { grantId } from '../grants/model';
import type { DispatchConfig } from './config';
import type { CounterInc, DeliveryWrite, QueueDelivery } from './ports';

export type FinalStatus = 'sent' | 'skipped' | 'failed' | 'unknown';

export interface Result {
  d: QueueDelivery;
  status: FinalStatus | 'pending';
  reason?: string;
  errCode?: number;
  msgid?: string;
  /** What to do with the grant this claim holds (`none`: nothing held, or nothing to change). */
  grant: 'keep' | 'refund' | 'zero' | 'none';
  /** WeChat was called: attempts + 1. */
  attempted: boolean;
  /** For `pending`: when to try again; decided per flush group (see planFlush) unless fixed here. */
  retryAt?: number;
  quarantine?: 'campaign' | 'template';
  halt?: boolean;
}

/** A turn that ends before WeChat is called (validation, no grant, frequency cap, a released claim). */
export function early(d: QueueDelivery, status: Result['status'], reason: string, grant: Result['grant'] = 'none', retryAt?: number): Result {
  return { d, status, reason, grant, attempted: false, ...(retryAt !== undefined ? { retryAt } : {}) };
}

/** The result of one send attempt, following the shared outcome table (core/sending/outcomes.ts). */
export function afterAttempt(d: QueueDelivery, attempt: SendAttempt, now: number, random: () => number, cfg: DispatchConfig): Result {
  const o = outcomeOf(attempt);
  const errCode = attempt.ok ? 0 : attempt.errCode;
  const base = { d, errCode, attempted: true, ...(o.quarantine ? { quarantine: o.quarantine } : {}), ...(o.halt ? { halt: true } : {}) };
  if (attempt.ok) return { ...base, status: 'sent', grant: 'keep', ...(attempt.msgid ? { msgid: attempt.msgid } : {}) };
  if (d.probe) {
    // Probe of an ambiguous earlier attempt (ledger at 0, nothing reserved now): 43101 means WeChat's count is 0 too,
    // so the earlier attempt used the grant (it arrived) — stays unknown, never resent. Transient errors: probe again.
    if (errCode === 43101) return { ...base, status: 'unknown', reason: 'ambiguous_consumed', grant: 'none' };
    if (o.retryable || o.grant === 'keep') return retryOrGiveUp({ ...base, grant: 'none' }, d, now, random, cfg, 'unknown', 'ambiguous');
    return { ...base, status: 'failed', reason: o.reason, grant: 'none' };
  }
  // [SEND-NEW-MIRROR] 43108: serialise per openid — back to the queue soon, the attempt does not count.
  if (o.serialise) return { ...base, status: 'pending', reason: o.reason, grant: 'refund', attempted: false, retryAt: now + cfg.requeueDelayMs + Math.round(random() * cfg.requeueDelayMs) };
  // Configuration errors (-604101 …): every send of this run fails alike; wait a minute, attempts do not count.
  if (o.halt) return { ...base, status: 'pending', reason: o.reason, grant: 'refund', attempted: false, retryAt: now + 60_000 };
  if (o.retryable) return retryOrGiveUp({ ...base, grant: 'refund' }, d, now, random, cfg, 'failed', o.reason);
  // [SEND-NEW-MIRROR] 43101: the user has no grant — skipped, the ledger zeroed, never retried.
  if (o.grant === 'zero') return { ...base, status: 'skipped', reason: 'no_grant', grant: 'zero' };
  return { ...base, status: o.status === 'sent' ? 'failed' : o.status, reason: o.reason, grant: o.grant };
}

function retryOrGiveUp(r: Omit<Result, 'status'>, d: QueueDelivery, now: number, random: () => number, cfg: DispatchConfig, finalStatus: FinalStatus, reason: string): Result {
  const next = nextAttempt(d.attempts + 1, now, random, cfg.retry);
  return next.retry ? { ...r, status: 'pending', reason, retryAt: next.at } : { ...r, status: finalStatus, reason };
}

/** Fields of the claim that end with the turn. */
export const CLAIM_FIELDS = ['leaseOwner', 'leaseUntil', 'claimToken', 'claimedAt', 'sendStartedAt'];

export interface FlushPlan {
  /** hold token → grant ids to refund (conditional on the token: never twice). */
  refunds: Map<string, string[]>;
  zeros: { openid: string; templateId: string; token?: string }[];
  writes: { ids: string[]; w: DeliveryWrite }[];
  counters: Map<string, CounterInc>;
  sends: { deliveryId: string; openid: string; templateId: string; msgid: string }[];
  quarantine: Map<string, string>;
}

/** The grant document of a delivery (issue 3's deterministic id). */
export const grantIdOf = grantId;

/** Groups results into the fewest writes. Pending groups share one jittered retry time per attempt count. */
export function planFlush(results: readonly Result[], now: number): FlushPlan {
  const plan: FlushPlan = { refunds: new Map(), zeros: [], writes: [], counters: new Map(), sends: [], quarantine: new Map() };
  const groups = new Map<string, { ids: string[]; w: DeliveryWrite }>();
  const groupRetry = new Map<string, number>();
  for (const r of results) {
    const { d } = r;
    const token = d.claimToken;
    if (r.grant === 'refund' && token) push(plan.refunds, token, grantIdOf(d.openid, d.templateId));
    if (r.grant === 'zero') plan.zeros.push({ openid: d.openid, templateId: d.templateId, ...(token ? { token } : {}) });
    if (r.msgid) plan.sends.push({ deliveryId: d._id, openid: d.openid, templateId: d.templateId, msgid: r.msgid });
    if (r.quarantine && d.sourceType === 'campaign') plan.quarantine.set(d.sourceId, `errcode ${r.errCode ?? '?'} (${r.reason ?? ''})`);
    if (r.status !== 'pending' && d.sourceType === 'campaign') bump(plan.counters, d.sourceId, r.status);
    let retryAt = r.retryAt;
    if (r.status === 'pending' && retryAt !== undefined && r.attempted) {
      // One jittered time per (reason, attempt number) group: few writes, retries still spread across flushes.
      const k = `${r.reason}|${d.attempts}`;
      retryAt = groupRetry.get(k) ?? retryAt;
      groupRetry.set(k, retryAt);
    }
    const w = writeFor(r, now, retryAt);
    const key = JSON.stringify(w);
    const g = groups.get(key);
    if (g) g.ids.push(d._id);
    else groups.set(key, { ids: [d._id], w });
  }
  plan.writes = [...groups.values()];
  return plan;
}

function writeFor(r: Result, now: number, retryAt: number | undefined): DeliveryWrite {
  const set: Record<string, unknown> = { status: r.status, updatedAt: now };
  const unset = [...CLAIM_FIELDS];
  if (r.errCode !== undefined) set.errCode = r.errCode;
  if (r.status === 'sent') {
    set.sentAt = now;
    unset.push('reason', 'probe');
  } else if (r.reason !== undefined) set.reason = r.reason;
  if (r.status === 'pending') set.nextAttemptAt = retryAt ?? now;
  else if (r.status !== 'sent') unset.push('probe');
  return r.attempted ? { set, inc: { attempts: 1 }, unset } : { set, unset };
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function bump(m: Map<string, CounterInc>, campaignId: string, status: Exclude<Result['status'], 'pending'>): void {
  const c = m.get(campaignId) ?? {};
  c[status] = (c[status] ?? 0) + 1;
  m.set(campaignId, c);
}
