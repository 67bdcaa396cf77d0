// Core layer (pure): send one message inline (from a function the mini program called), with the dispatcher's own
// claim discipline: the delivery is written first, claimed by this invocation with a lease and a claim token; the
// grant is reserved with that token as its hold (core/grants/holds.ts), the delivery marked "send started", sent, and
// settled by core/sending/settle.ts. If the invocation dies at any point, the dispatcher's recovery finds the expired
// lease and settles it exactly as it would its own claim (core/dispatch/recover.ts): never a duplicate. Without a
// cloud-call token ([CB-WXTOKEN] function-to-function calls) the message goes to the outbox instead.
import { calledByFunction, type Caller } from '../actions';
import type { Delivery, DeliverySource } from '../delivery';
import { DomainError } from '../envelope';
import { grantOf } from '../grants/holds';
import type { SendRequest } from '../ports';
import type { RawValue } from '../template/normalise';
import type { TemplateDoc } from '../template/registry';
import { newDelivery } from '../delivery';
import { quotaPauseInForce } from '../dispatch/ops';
import { epochToLocal } from '../campaigns/schedule';
import { DEFAULT_RETRY_POLICY } from './backoff';
import { QUOTA_ZONE } from './quota';
import { enqueue, prepareMessage } from './outbox';
import { outcomeOf } from './outcomes';
import { joinWaiting } from './receipts';
import type { SendingDeps } from './ports';
import { afterAttempt, applySettlement, attemptSend, early, planSettlement, sendRequestOf, type GrantEffect, type Result } from './settle';

export interface SendNowInput {
  sourceType: DeliverySource;
  /** With sourceType and openid, the deterministic delivery id: sending twice with the same ids sends once. */
  sourceId: string;
  openid: string;
  templateId: string;
  data: Readonly<Record<string, RawValue>>;
  page?: string;
  normalise?: boolean;
  miniprogramState?: SendRequest['miniprogramState'];
  lang?: SendRequest['lang'];
}

/** What happened to the grant: `none` = nothing was reserved (not sent: unknown template, invalid data, no grant). */
export type GrantOutcome = 'kept' | 'refunded' | 'zeroed' | 'none';
const GRANT_OUTCOME: Record<GrantEffect, GrantOutcome> = { consume: 'kept', refund: 'refunded', zero: 'zeroed', none: 'none' };

/** How soon a 43108 (concurrent send to one user) is tried again by the dispatcher. */
const REQUEUE_DELAY_MS = 3_000;

export interface SendNowResult {
  deliveryId: string;
  status: Delivery['status'];
  reason?: string;
  errCode?: number;
  msgid?: string;
  grant: GrantOutcome;
  retryAt?: number;
  /** True when the message went to the outbox (no cloud-call token) instead of being sent now. */
  queued: boolean;
  /** True when this delivery id existed already: nothing was sent again. */
  duplicate: boolean;
  operator?: string;
}

/** A call from another function has no cloud-call token (core/actions.ts `calledByFunction`). */
export function hasCloudCallToken(caller: Pick<Caller, 'source'>): boolean {
  return !calledByFunction(caller);
}

const NO_TOKEN_REASONS = new Set(['no_cloud_call_token']);

/** Skip reason: the user's main switch of subscription messages is off (reported by getSetting). */
export const MAIN_SWITCH_OFF = 'main_switch_off';

function noTokenError(detail: string): DomainError {
  return new DomainError(
    'NO_CLOUD_CALL_TOKEN',
    `this invocation cannot make cloud calls (${detail}); nothing was sent — enqueue the message to the outbox instead`,
  );
}

/** Reason of an inline send held back by the quota pause and queued for the dispatcher (outbox fallback). */
export const QUOTA_PAUSED_REASON = 'quota_paused';

function quotaPausedError(p: { until: number; errCode?: number }): DomainError {
  const code = p.errCode === undefined ? '' : ` (errcode ${p.errCode})`;
  return new DomainError(
    'QUOTA_PAUSED',
    `paused for quota until ${epochToLocal(p.until, QUOTA_ZONE)} UTC+8${code}: the daily quota is used up and nothing was sent; sending resumes by itself at the reset`,
    { until: p.until, errCode: p.errCode ?? null },
  );
}

/** The message as a pending outbox delivery (`notify:<sourceType>:<sourceId>:<openid>`) for the dispatcher. */
async function toOutbox(deps: SendingDeps, input: SendNowInput, data: Record<string, { value: string }>): Promise<SendNowResult> {
  const plain = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.value]));
  const q = await enqueue(deps, { ...input, key: `${input.sourceType}:${input.sourceId}`, data: plain, normalise: false });
  return { deliveryId: q.deliveryId, status: q.status, grant: 'none', queued: true, duplicate: !q.created };
}

/** Longer than any sending function's timeout (config/functions.json: 20 s at most): a live send never loses it. */
export const INLINE_LEASE_MS = 2 * 60_000;

export async function sendNow(
  deps: SendingDeps,
  caller: Pick<Caller, 'source'>,
  input: SendNowInput,
  options: { fallbackToOutbox?: boolean } = {},
): Promise<SendNowResult> {
  const { template, data } = await prepareMessage(deps, input.templateId, input.data, input.normalise);
  if (!hasCloudCallToken(caller)) {
    if (!options.fallbackToOutbox) throw noTokenError(`SOURCE ${caller.source}`);
    return toOutbox(deps, input, data);
  }
  const now = deps.clock.now();
  // [COMM-45009] [CB-QUOTA] The daily quota is used up: until it resets nothing reaches WeChat — the dispatcher claims
  // nothing either (core/dispatch/run.ts). Checked here, the one path every inline send takes (test sends of the
  // templates and campaigns functions, adapters/sender.ts sendMessage). With the outbox fallback the message waits,
  // pending, for the dispatcher after the reset (same deterministic id: nothing lost, nothing sent twice).
  const paused = deps.quota ? quotaPauseInForce(await deps.quota.read(), now) : undefined;
  if (paused) {
    if (!options.fallbackToOutbox) throw quotaPausedError(paused);
    return { ...(await toOutbox(deps, input, data)), reason: QUOTA_PAUSED_REASON, retryAt: paused.until };
  }
  // The claim token is also the lease owner: this invocation alone may settle the delivery while its lease lasts.
  const token = `i.${deps.ids.next()}`;
  const delivery: Delivery = { ...newDelivery({ ...input, data }, 'sending', now), leaseOwner: token, leaseUntil: now + INLINE_LEASE_MS, claimToken: token, claimedAt: now };
  if (!(await deps.deliveries.create(delivery))) {
    const existing = await deps.deliveries.get(delivery._id);
    const out: SendNowResult = { deliveryId: delivery._id, status: existing?.status ?? 'sending', grant: 'none', queued: false, duplicate: true };
    if (existing?.reason) out.reason = existing.reason;
    if (existing?.errCode !== undefined) out.errCode = existing.errCode;
    return out;
  }
  const sent = await sendClaimed(deps, delivery, template);
  let result = sent.result;
  const noToken = result.reason !== undefined && NO_TOKEN_REASONS.has(result.reason);
  if (noToken && !options.fallbackToOutbox) {
    // The grant is refunded; the record is final so the caller's enqueue is the only copy left (no duplicate).
    const { retryAt: _r, ...rest } = result;
    result = { ...rest, status: 'failed' };
  }
  await applySettlement({ grants: deps.holds, deliveries: deps.deliveries }, planSettlement([result], deps.clock.now(), { withMsgid: true }), token);
  // This send met the quota error itself (the delivery waits, pending, until the reset): every sender pauses now.
  if (result.quotaPauseUntil !== undefined && deps.quota) await deps.quota.pauseForQuota(result.quotaPauseUntil, result.errCode ?? 0, deps.clock.now());
  // The msgid is written now: a sent receipt that raced ahead of it joins here.
  if (deps.receipts && result.msgid) await joinWaiting(deps.receipts, [{ deliveryId: delivery._id, openid: delivery.openid, msgid: result.msgid }]);
  if (noToken && !options.fallbackToOutbox) throw noTokenError(`errcode ${result.errCode}`);
  const out: SendNowResult = {
    deliveryId: delivery._id,
    status: result.status,
    grant: GRANT_OUTCOME[result.grant],
    // A retryable outcome leaves the delivery pending: the dispatcher retries it, like an outbox entry.
    queued: result.status === 'pending',
    duplicate: false,
  };
  if (result.reason) out.reason = result.reason;
  if (result.errCode !== undefined) out.errCode = result.errCode;
  if (result.msgid) out.msgid = result.msgid;
  if (result.retryAt !== undefined) out.retryAt = result.retryAt;
  if (sent.operator) out.operator = sent.operator;
  return out;
}

/**
 * Sends one delivery this invocation has claimed (`sending`, `claimToken` = lease owner): reserve (holds.ts), mark
 * "send started", call WeChat once, and decide the result (settle.ts). The caller writes the settlement.
 */
export async function sendClaimed(deps: SendingDeps, d: Delivery, template: TemplateDoc): Promise<{ result: Result; operator?: string }> {
  const owner = d.claimToken;
  if (!owner) throw new Error(`delivery ${d._id} is not claimed`);
  // Before any reservation: a user whose main switch is off keeps their grant for when it is on again.
  if (deps.switches && (await deps.switches.off([d.openid])).has(d.openid)) return { result: early(d, 'skipped', MAIN_SWITCH_OFF) };
  let held = false;
  if (template.kind !== 'long-term') held = (await deps.holds.reserve([grantOf(d)], owner)) === 1;
  if (!held) {
    // Long-term templates hold nothing: they send while the subscription is active.
    const [g] = await deps.holds.read([grantOf(d)]);
    if (!(g?.kind === 'long-term' && g.active)) return { result: early(d, 'skipped', 'no_grant') };
  }
  await deps.deliveries.markStarted([d._id], owner, deps.clock.now());
  const attempt = await attemptSend(deps.wechat, sendRequestOf(d, deps.config));
  const policy = { retry: deps.retryPolicy ?? DEFAULT_RETRY_POLICY, requeueDelayMs: REQUEUE_DELAY_MS };
  const result = afterAttempt(d, held, attempt, deps.clock.now(), deps.random, policy);
  const o = outcomeOf(attempt);
  deps.onOutcome?.({ deliveryId: d._id, openid: d.openid, templateId: d.templateId, errCode: attempt.ok ? 0 : attempt.errCode, reason: o.reason, operator: o.operator });
  return { result, operator: o.operator };
}
