// Core (sending): the one place where a send attempt becomes a delivery status, a grant effect and a retry time —
// for inline sends (send-now.ts) and the dispatcher alike — and the one order in which a settlement is written.
//
// Grant effects (core/grants/holds.ts): `refund` when WeChat certainly did not send, `consume` when it sent or may
// have (no answer: at most once, never resent), `zero` on 43101, `none` when nothing was held (long-term template,
// or the turn ended before a reservation).
//
// Write order, chosen so that a kill between any two writes leaves a state recover.ts reads correctly:
//   1. refunds and zeroes (grant first: once the hold is gone, a dead claim's delivery can safely go back to pending)
//   2. the deliveries, one conditional multi-update per distinct outcome (`holdOpen` marks a spent send whose hold
//      is still on the grant)
//   3. consumes (pull the hold; the delivery already says the send is spent)
//   4. clear `holdOpen` (a janitor does 3–4 for a run that died after 2)
import type { Delivery, DeliveryWrite, FinalStatus } from '../delivery';
import type { SendAttempt, SendRequest, WechatSender } from '../ports';
import type { GrantHolds } from '../grants/holds';
import { grantOf } from '../grants/holds';
import { nextAttempt, type RetryPolicy } from './backoff';
import { outcomeOf } from './outcomes';
import { quotaResetAt } from './quota';

export type GrantEffect = 'consume' | 'refund' | 'zero' | 'none';
export type SettledStatus = Exclude<FinalStatus, 'cancelled'>;

export interface Result {
  d: Delivery;
  status: SettledStatus | 'pending';
  reason?: string;
  errCode?: number;
  msgid?: string;
  /** Operator detail (WeChat's errMsg, validation errors); stored at most 500 characters. */
  detail?: string;
  grant: GrantEffect;
  /** WeChat was called and the attempt counts (43108 and configuration errors do not count). */
  attempted: boolean;
  /** For `pending`: when to try again. */
  retryAt?: number;
  quarantine?: 'campaign' | 'template';
  halt?: boolean;
  /** A daily quota is used up (45009 / -501003): all sending pauses until this instant (midnight Beijing time). */
  quotaPauseUntil?: number;
}

export interface SettlePolicy {
  retry: RetryPolicy;
  /** How soon a 43108 (concurrent send to one user), a released or a deferred delivery is tried again. */
  requeueDelayMs: number;
}

/** Fields of a claim that end with the turn. */
export const CLAIM_FIELDS = ['leaseOwner', 'leaseUntil', 'claimToken', 'claimedAt', 'sendStartedAt'] as const;

/** A turn that ends before WeChat is called (validation, no grant, frequency cap, a released claim). */
export function early(d: Delivery, status: Result['status'], reason: string, grant: GrantEffect = 'none', retryAt?: number): Result {
  return { d, status, reason, grant, attempted: false, ...(retryAt !== undefined ? { retryAt } : {}) };
}

/** The request for one delivery, the environment's defaults filling what the delivery leaves open. */
export function sendRequestOf(d: Delivery, defaults: Pick<SendRequest, 'miniprogramState' | 'lang'>): SendRequest {
  return {
    touser: d.openid,
    templateId: d.templateId,
    data: d.data,
    miniprogramState: d.miniprogramState ?? defaults.miniprogramState,
    lang: d.lang ?? defaults.lang,
    ...(d.page ? { page: d.page } : {}),
  };
}

/** Calls WeChat once. A throw from the sender is unexpected and may hide a send: it becomes an unknown error. */
export async function attemptSend(wechat: WechatSender, request: SendRequest): Promise<SendAttempt> {
  try {
    return await wechat.send(request);
  } catch (err) {
    return { ok: false, errCode: -999999, errMsg: `sender threw: ${String((err as Error)?.message ?? err)}` };
  }
}

/**
 * What one attempt means (the errcode table is core/sending/outcomes.ts). `held`: this turn reserved a one-time send
 * (its hold token is on the grant).
 */
export function afterAttempt(d: Delivery, held: boolean, attempt: SendAttempt, now: number, random: () => number, policy: SettlePolicy): Result {
  const o = outcomeOf(attempt);
  const errCode = attempt.ok ? 0 : attempt.errCode;
  const base = {
    d,
    errCode,
    attempted: true,
    ...(attempt.ok ? {} : { detail: attempt.errMsg }),
    ...(o.quarantine ? { quarantine: o.quarantine } : {}),
    ...(o.halt ? { halt: true } : {}),
  };
  const spent: GrantEffect = held ? 'consume' : 'none';
  const back: GrantEffect = held ? 'refund' : 'none';
  if (attempt.ok) return { ...base, status: 'sent', grant: spent, ...(attempt.msgid ? { msgid: attempt.msgid } : {}) };
  const jitter = () => Math.round(random() * policy.requeueDelayMs);
  // [SEND-NEW-MIRROR] 43108: serialise per openid — back to the queue soon, the attempt does not count.
  if (o.serialise) return { ...base, status: 'pending', reason: o.reason, grant: back, attempted: false, retryAt: now + policy.requeueDelayMs + jitter() };
  // Daily quota (45009 / -501003): WeChat refused, nothing consumed — back to pending until the quota resets.
  if (o.quota) {
    const until = quotaResetAt(now);
    return { ...base, status: 'pending', reason: o.reason, grant: back, attempted: false, retryAt: until, quotaPauseUntil: until };
  }
  // Configuration errors (-604101 …): every send fails alike until someone fixes it; wait a minute, attempts do not count.
  if (o.halt) return { ...base, status: 'pending', reason: o.reason, grant: back, attempted: false, retryAt: now + 60_000 };
  if (o.retryable) {
    const next = nextAttempt(d.attempts + 1, now, random, policy.retry);
    return next.retry ? { ...base, status: 'pending', reason: o.reason, grant: back, retryAt: next.at } : { ...base, status: 'failed', reason: o.reason, grant: back };
  }
  // [SEND-NEW-MIRROR] 43101: the user has no grant — skipped, the ledger zeroed, never retried.
  if (o.grant === 'zero') return { ...base, status: 'skipped', reason: 'no_grant', grant: 'zero' };
  // No answer (timeouts, unknown infrastructure errors): the message may have arrived. At most once: never resent.
  if (o.grant === 'keep') return { ...base, status: 'unknown', reason: o.reason, grant: spent };
  return { ...base, status: o.status === 'sent' ? 'failed' : o.status, reason: o.reason, grant: back };
}

/** The delivery update a result implies. `withMsgid`: keep the msgid on the delivery (inline sends; one per write). */
export function writeFor(r: Result, now: number, retryAt: number | undefined, withMsgid = false): DeliveryWrite {
  const set: Record<string, unknown> = { status: r.status, updatedAt: now };
  const unset: string[] = [...CLAIM_FIELDS];
  if (r.errCode !== undefined) set.errCode = r.errCode;
  if (r.status === 'sent') {
    set.sentAt = now;
    if (withMsgid && r.msgid) set.msgid = r.msgid;
    unset.push('reason', 'detail');
  } else {
    if (r.reason !== undefined) set.reason = r.reason;
    if (r.detail !== undefined) set.detail = r.detail.slice(0, 500);
  }
  if (r.status === 'pending') set.nextAttemptAt = retryAt ?? now;
  if (r.grant === 'consume') {
    // The hold is pulled after this write (step 3); until then the delivery names it.
    set.holdOpen = true;
    unset.splice(unset.indexOf('claimToken'), 1);
  }
  return r.attempted ? { set, inc: { attempts: 1 }, unset } : { set, unset };
}

export interface SettlementPlan {
  /** hold token → grant ids (conditional on the token: never twice). */
  refunds: Map<string, string[]>;
  /** Refunds of sends serving a purpose that go back to the queue: the unit returns to the purpose (holds.ts). */
  purposeRefunds: { token: string; purpose: string; ids: string[] }[];
  zeros: { openid: string; templateId: string; token?: string }[];
  writes: { ids: string[]; w: DeliveryWrite }[];
  consumes: Map<string, string[]>;
  /** Deliveries whose `holdOpen` mark is cleared once their holds are consumed. */
  closes: string[];
}

/** Groups results into the fewest writes. Pending groups share one jittered retry time per (reason, attempt). */
export function planSettlement(results: readonly Result[], now: number, opts: { withMsgid?: boolean } = {}): SettlementPlan {
  const plan: SettlementPlan = { refunds: new Map(), purposeRefunds: [], zeros: [], writes: [], consumes: new Map(), closes: [] };
  const groups = new Map<string, { ids: string[]; w: DeliveryWrite }>();
  const groupRetry = new Map<string, number>();
  for (const r of results) {
    const { d } = r;
    const token = d.claimToken;
    if (r.grant === 'refund' && token && d.purpose && r.status === 'pending') plan.purposeRefunds.push({ token, purpose: d.purpose, ids: [grantOf(d)] });
    else if (r.grant === 'refund' && token) push(plan.refunds, token, grantOf(d));
    if (r.grant === 'zero') plan.zeros.push({ openid: d.openid, templateId: d.templateId, ...(token ? { token } : {}) });
    if (r.grant === 'consume' && token) {
      push(plan.consumes, token, grantOf(d));
      plan.closes.push(d._id);
    }
    let retryAt = r.retryAt;
    if (r.status === 'pending' && retryAt !== undefined && r.attempted) {
      const k = `${r.reason}|${d.attempts}`;
      retryAt = groupRetry.get(k) ?? retryAt;
      groupRetry.set(k, retryAt);
    }
    const w = writeFor(r, now, retryAt, opts.withMsgid);
    const key = JSON.stringify(w);
    const g = groups.get(key);
    if (g) g.ids.push(d._id);
    else groups.set(key, { ids: [d._id], w });
  }
  plan.writes = [...groups.values()];
  return plan;
}

/** Where settlements are written. */
export interface SettleDeliveries {
  /** Applies `w` to those of `ids` still `sending` under `owner` (the lease owner); resolves how many. */
  write(ids: readonly string[], owner: string, w: DeliveryWrite): Promise<number>;
  /** Clears `holdOpen` (and the claim token it kept) on those of `ids` that carry it; resolves how many. */
  closeHolds(ids: readonly string[]): Promise<number>;
}

export interface SettlePorts {
  grants: Pick<GrantHolds, 'refund' | 'refundToPurpose' | 'consume' | 'zero'>;
  deliveries: SettleDeliveries;
}

/**
 * Writes a settlement in the order described at the top of this file. `closes: 'later'` leaves the last step (clearing
 * the `holdOpen` marks) to the caller, which may batch it with later settlements: the marks are a hint for recovery,
 * which consumes a hold (conditional on its token, so never twice) and clears the mark of any final delivery still
 * marked after a while. Resolves the ids whose marks are still to clear.
 */
export async function applySettlement(ports: SettlePorts, plan: SettlementPlan, owner: string, opts: { closes?: 'now' | 'later' } = {}): Promise<string[]> {
  for (const [token, ids] of plan.refunds) await ports.grants.refund(ids, token);
  for (const p of plan.purposeRefunds) {
    await ports.grants.refundToPurpose(p.ids, p.token, p.purpose);
    await ports.grants.refund(p.ids, p.token); // conditional on the token: only a grant the line above did not match
  }
  for (const z of plan.zeros) await ports.grants.zero(z.openid, z.templateId, z.token, 'errcode 43101');
  await Promise.all(plan.writes.map((g) => ports.deliveries.write(g.ids, owner, g.w)));
  for (const [token, ids] of plan.consumes) await ports.grants.consume(ids, token);
  if (opts.closes === 'later') return plan.closes;
  if (plan.closes.length) await ports.deliveries.closeHolds(plan.closes);
  return [];
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
