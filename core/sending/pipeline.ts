// Core layer (pure): the one sender pipeline every sending function uses — validate → reserve a grant → send →
// map the outcome (outcomes.ts) → refund / keep / zero the grant → the delivery's new state (persisted by the caller
// or by deliverAndRecord). The dispatcher calls deliverOne per claimed delivery.
import type { Delivery } from '../delivery';
import type { SendAttempt } from '../ports';
import { validateMessage, type ValidationError } from '../template/validate';
import { DEFAULT_RETRY_POLICY, nextAttempt } from './backoff';
import { outcomeOf, type Outcome } from './outcomes';
import type { DeliveryPatch, SenderDeps, SendingDeps } from './ports';

export type GrantResult = 'kept' | 'refunded' | 'zeroed' | 'none';

export interface DeliverResult {
  /** `pending` = a retryable outcome with attempts left: send again at `retryAt`. */
  status: 'sent' | 'pending' | 'skipped' | 'failed' | 'unknown';
  /** Tixing's reason (outcomes.ts `reason`, or `unknown_template` / `validation` / `no_grant` before sending). */
  reason?: string;
  /** WeChat/SDK errcode of this attempt (0 when sent; absent when WeChat was not called). */
  errCode?: number;
  errMsg?: string;
  msgid?: string;
  /** What happened to the grant: `none` = nothing was reserved (not sent: unknown template, invalid data, no grant). */
  grant: GrantResult;
  retryAt?: number;
  /** Attempts after this call (WeChat calls only). */
  attempts: number;
  /** The table row: operator text, `halt` (stop the batch), `serialise` (43108), `quarantine`. */
  outcome?: Outcome;
  errors?: ValidationError[];
  /** Clock time the result was decided. */
  at: number;
}

export type DeliveryInput = Pick<Delivery, 'openid' | 'templateId' | 'data' | 'attempts'> &
  Partial<Pick<Delivery, '_id' | 'page' | 'miniprogramState' | 'lang'>>;

const GRANT_DONE = { keep: 'kept', refund: 'refunded', zero: 'zeroed' } as const;

async function attemptSend(deps: SenderDeps, d: DeliveryInput): Promise<SendAttempt> {
  const request = {
    touser: d.openid,
    templateId: d.templateId,
    data: d.data,
    miniprogramState: d.miniprogramState ?? deps.config.miniprogramState,
    lang: d.lang ?? deps.config.lang,
    ...(d.page ? { page: d.page } : {}),
  };
  try {
    return await deps.wechat.send(request);
  } catch (err) {
    // The adapter turns vendor errors into results; anything thrown here is unexpected and may have reached
    // WeChat, so it is treated like an unknown infrastructure error (grant kept, status unknown, not retried).
    return { ok: false, errCode: -999999, errMsg: `sender threw: ${String((err as Error)?.message ?? err)}` };
  }
}

export async function deliverOne(deps: SenderDeps, delivery: DeliveryInput): Promise<DeliverResult> {
  const { openid, templateId } = delivery;
  const template = await deps.templates.get(templateId);
  if (!template) {
    return { status: 'failed', reason: 'unknown_template', grant: 'none', attempts: delivery.attempts, at: deps.clock.now() };
  }
  const check = validateMessage(template, delivery.data);
  if (!check.valid) {
    // Never reaches WeChat: 47003 is prevented, and the grant is untouched.
    return { status: 'failed', reason: 'validation', grant: 'none', errors: check.errors, attempts: delivery.attempts, at: deps.clock.now() };
  }
  if (!(await deps.ledger.reserve(openid, templateId))) {
    return { status: 'skipped', reason: 'no_grant', grant: 'none', attempts: delivery.attempts, at: deps.clock.now() };
  }
  const attempt = await attemptSend(deps, delivery);
  const outcome = outcomeOf(attempt);
  const attempts = delivery.attempts + 1;
  if (outcome.grant === 'refund') await deps.ledger.refund(openid, templateId);
  // [SEND-NEW-MIRROR] 43101: WeChat says the user has no grant left — the ledger must follow, never retry.
  if (outcome.grant === 'zero') await deps.ledger.zero(openid, templateId, `errcode ${attempt.ok ? 0 : attempt.errCode}`);
  const at = deps.clock.now();
  const errCode = attempt.ok ? 0 : attempt.errCode;
  deps.onOutcome?.({ deliveryId: delivery._id, openid, templateId, errCode, reason: outcome.reason, operator: outcome.operator });
  const base = { errCode, grant: GRANT_DONE[outcome.grant], attempts, outcome, at } as const;
  if (attempt.ok) return { ...base, status: 'sent', ...(attempt.msgid ? { msgid: attempt.msgid } : {}) };
  const errMsg = attempt.errMsg;
  if (outcome.retryable) {
    const next = nextAttempt(attempts, at, deps.random, deps.retryPolicy ?? DEFAULT_RETRY_POLICY);
    if (next.retry) return { ...base, errMsg, status: 'pending', reason: outcome.reason, retryAt: next.at };
  }
  return { ...base, errMsg, status: outcome.status === 'sent' ? 'failed' : outcome.status, reason: outcome.reason };
}

/** The delivery update a result implies (attempt counters, timestamps, msgid, errCode, reason, next attempt). */
export function applyResult(result: DeliverResult): DeliveryPatch {
  const patch: DeliveryPatch = { status: result.status, attempts: result.attempts, updatedAt: result.at };
  if (result.errCode !== undefined) patch.errCode = result.errCode;
  if (result.status === 'sent') {
    patch.sentAt = result.at;
    patch.reason = null;
    patch.detail = null;
    if (result.msgid) patch.msgid = result.msgid;
  } else {
    patch.reason = result.reason ?? null;
    const detail = result.errors ? result.errors.map((e) => e.message).join('; ') : result.errMsg;
    patch.detail = detail ? detail.slice(0, 500) : null;
  }
  if (result.retryAt !== undefined) patch.nextAttemptAt = result.retryAt;
  return patch;
}

/** deliverOne, then persist the result on the delivery document (expected to be in `sending`, i.e. claimed). */
export async function deliverAndRecord(deps: SendingDeps, delivery: Delivery): Promise<DeliverResult> {
  const result = await deliverOne(deps, delivery);
  await deps.deliveries.update(delivery._id, applyResult(result), 'sending');
  return result;
}
