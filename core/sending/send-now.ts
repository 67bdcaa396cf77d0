// Core layer (pure): send one message inline (from a function the mini program called) through the pipeline,
// with a delivery record written before the send (a crash leaves a trace, never a silent loss) and the outbox as
// the fallback when the invocation has no cloud-call token ([CB-WXTOKEN] function-to-function calls).
import type { Caller } from '../actions';
import type { Delivery, DeliverySource } from '../delivery';
import { DomainError } from '../envelope';
import type { SendRequest } from '../ports';
import type { RawValue } from '../template/normalise';
import { newDelivery } from '../delivery';
import { enqueue, prepareMessage } from './outbox';
import { applyResult, deliverOne, type DeliverResult } from './pipeline';
import type { SendingDeps } from './ports';

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

export interface SendNowResult {
  deliveryId: string;
  status: Delivery['status'];
  reason?: string;
  errCode?: number;
  msgid?: string;
  grant: DeliverResult['grant'];
  retryAt?: number;
  /** True when the message went to the outbox (no cloud-call token) instead of being sent now. */
  queued: boolean;
  /** True when this delivery id existed already: nothing was sent again. */
  duplicate: boolean;
  operator?: string;
}

/** [WXCTX] SOURCE is chained with commas; `scf` = called by another function, which has no cloud-call token. */
export function hasCloudCallToken(caller: Pick<Caller, 'source'>): boolean {
  return !caller.source.split(',').map((s) => s.trim()).includes('scf');
}

const NO_TOKEN_REASONS = new Set(['no_cloud_call_token']);

function noTokenError(detail: string): DomainError {
  return new DomainError(
    'NO_CLOUD_CALL_TOKEN',
    `this invocation cannot make cloud calls (${detail}); nothing was sent — enqueue the message to the outbox instead`,
  );
}

/** Longer than any sending function's timeout (config/functions.json: 20 s at most). */
export const INLINE_LEASE_MS = 2 * 60_000;

export async function sendNow(
  deps: SendingDeps,
  caller: Pick<Caller, 'source'>,
  input: SendNowInput,
  options: { fallbackToOutbox?: boolean } = {},
): Promise<SendNowResult> {
  const { data } = await prepareMessage(deps, input.templateId, input.data, input.normalise);
  if (!hasCloudCallToken(caller)) {
    if (!options.fallbackToOutbox) throw noTokenError(`SOURCE ${caller.source}`);
    const plain = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.value]));
    const q = await enqueue(deps, { ...input, key: `${input.sourceType}:${input.sourceId}`, data: plain, normalise: false });
    return { deliveryId: q.deliveryId, status: q.status, grant: 'none', queued: true, duplicate: !q.created };
  }
  const now = deps.clock.now();
  // Claimed by this invocation with a lease, like a dispatcher claim: if it dies mid-send, the dispatcher's recovery
  // finds the expired lease and settles it as ambiguous (no claim token: it may have reached WeChat), never resends.
  const delivery = { ...newDelivery({ ...input, data }, 'sending', now), leaseOwner: 'inline', leaseUntil: now + INLINE_LEASE_MS };
  if (!(await deps.deliveries.create(delivery))) {
    const existing = await deps.deliveries.get(delivery._id);
    const out: SendNowResult = { deliveryId: delivery._id, status: existing?.status ?? 'sending', grant: 'none', queued: false, duplicate: true };
    if (existing?.reason) out.reason = existing.reason;
    if (existing?.errCode !== undefined) out.errCode = existing.errCode;
    return out;
  }
  let result = await deliverOne(deps, delivery);
  const noToken = result.reason !== undefined && NO_TOKEN_REASONS.has(result.reason);
  if (noToken && !options.fallbackToOutbox) {
    // The grant was refunded; the record is final so the caller's enqueue is the only copy left (no duplicate).
    result = { ...result, status: 'failed', retryAt: undefined };
  }
  const patch = applyResult(result);
  if (result.retryAt === undefined) delete patch.nextAttemptAt;
  await deps.deliveries.update(delivery._id, patch, 'sending');
  if (noToken && !options.fallbackToOutbox) throw noTokenError(`errcode ${result.errCode}`);
  const out: SendNowResult = {
    deliveryId: delivery._id,
    status: result.status,
    grant: result.grant,
    // A retryable outcome leaves the delivery pending: the dispatcher retries it, like an outbox entry.
    queued: result.status === 'pending',
    duplicate: false,
  };
  if (result.reason) out.reason = result.reason;
  if (result.errCode !== undefined) out.errCode = result.errCode;
  if (result.msgid) out.msgid = result.msgid;
  if (result.retryAt !== undefined) out.retryAt = result.retryAt;
  if (result.outcome) out.operator = result.outcome.operator;
  return out;
}
