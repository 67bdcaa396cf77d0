// Core (notify): `send` / `status` / `cancel` by the caller's key — how a team's own cloud functions send
// subscription messages. A function called by a function has no cloud-call token ([CB-WXTOKEN]), so `send` never
// sends: it records the request and queues one `notify` delivery per recipient (the outbox), and `dispatch` sends them
// through the one send path (claim → reserve → send → settle).
//
// Write order, so that every step can die and be retried, and a cancel can never be overtaken:
//   1. the request (`notify_requests`, _id = key, state `creating`, payload fingerprint) — the idempotency record;
//   2. the deliveries, parked (nextAttemptAt = PARKED: no dispatcher claims them);
//   3. `creating` → `open` (conditional), then arm them (nextAttemptAt = dueAt).
// `cancel` moves the request to `cancelled` first, then cancels every pending delivery (parked or armed; one
// conditional multi-update, atomic per document against the dispatcher's claim). A send that loses the race to a
// cancel finds its request cancelled at step 3 and cancels its own parked deliveries instead of arming them, so no
// delivery of a cancelled request is ever armed after the cancel answered; those already claimed are reported.
import { calledByFunction, type Caller } from '../actions';
import { assertCampaignData } from '../campaigns/validate';
import { hasVariables, resolveForUser, type UserProfile } from '../campaigns/variables';
import { DELIVERY_STATUSES, newDelivery, type Delivery, type DeliveryStatus } from '../delivery';
import { DomainError } from '../envelope';
import { grantId } from '../grants/model';
import { normaliseMessage } from '../template/normalise';
import type { TemplateDoc } from '../template/registry';
import { toWechatData } from '../template/validate';
import { localToEpoch } from '../campaigns/schedule';
import { answerOf, explain, fingerprint, PARKED, type NotifyRequest, type RecipientStatus, type SendAnswer } from './model';
import type { NotifyDeps } from './ports';


/** Your own cloud functions (cloud.callFunction) and admins (console, CLI) may call notify; mini program users may not. */
export async function assertNotifyCaller(deps: Pick<NotifyDeps, 'isAdmin'>, caller: Caller): Promise<void> {
  if (calledByFunction(caller)) return;
  if (await deps.isAdmin(caller)) return;
  throw new DomainError('FORBIDDEN', 'notify is called by your own cloud functions (cloud.callFunction) or by admins; a mini program user may not call it');
}

export type SendAt = number | string | { local: string; zone: string };

export interface SendInput {
  key: string;
  to: string | string[];
  templateId: string;
  data: Record<string, string>;
  page?: string;
  sendAt?: SendAt;
  purpose?: string;
  normalise?: boolean;
}

/** Not more than a minute in the past (a clock skew), not more than 30 days ahead. */
const PAST_SLACK_MS = 60_000;
const MAX_AHEAD_MS = 30 * 86_400_000;

function dueAtOf(sendAt: SendAt | undefined, now: number): number {
  if (sendAt === undefined) return now;
  const at = typeof sendAt === 'number' ? sendAt : typeof sendAt === 'string' ? Date.parse(sendAt) : localToEpoch(sendAt.local, sendAt.zone);
  if (!Number.isFinite(at)) throw new DomainError('INVALID_INPUT', 'sendAt is not a valid instant', [{ path: 'sendAt', message: 'not an instant' }]);
  if (at < now - PAST_SLACK_MS) throw new DomainError('INVALID_INPUT', 'sendAt is in the past', [{ path: 'sendAt', message: 'in the past' }]);
  if (at > now + MAX_AHEAD_MS) throw new DomainError('INVALID_INPUT', 'sendAt is more than 30 days ahead', [{ path: 'sendAt', message: 'too far ahead' }]);
  return Math.max(at, now);
}

function recipientsOf(input: Pick<SendInput, 'to'>): string[] {
  return [...new Set(typeof input.to === 'string' ? [input.to] : input.to)];
}

function payloadOf(input: SendInput): Record<string, unknown> & { to: string[] } {
  const { key: _key, ...rest } = input;
  return { ...rest, to: recipientsOf(input), normalise: input.normalise === true };
}

async function templateOf(deps: NotifyDeps, templateId: string): Promise<TemplateDoc> {
  const t = await deps.templates.get(templateId);
  if (!t) throw new DomainError('UNKNOWN_TEMPLATE', `template ${templateId} is not in the registry: sync templates or declare it in config/templates.json`);
  return t;
}

/** The data as sent to one user: variables resolved, normalised when asked (a long nickname is cut to its rule). */
function dataFor(t: TemplateDoc, data: Record<string, string>, user: UserProfile | null, normalise: boolean, zone: string): Record<string, { value: string }> {
  const resolved = resolveForUser(data, user);
  return toWechatData(normalise ? normaliseMessage(t, resolved, { zone }) : resolved);
}

/** Validates the whole input against the template (VALIDATION_FAILED names the key) and builds the parked deliveries. */
async function build(deps: NotifyDeps, input: SendInput, dueAt: number, now: number): Promise<Delivery[]> {
  const t = await templateOf(deps, input.templateId);
  const checked = input.normalise ? normaliseMessage(t, input.data, { zone: deps.config.zone }) : input.data;
  // Per-user variables are checked with representative values, the way campaigns are (one rule for both).
  assertCampaignData(t, checked);
  const to = recipientsOf(input);
  const profiles = hasVariables(input.data) ? await deps.profiles(to) : new Map<string, UserProfile>();
  return to.map((openid) => {
    const d = newDelivery(
      {
        sourceType: 'notify',
        sourceId: input.key,
        openid,
        templateId: t._id,
        data: dataFor(t, input.data, profiles.get(openid) ?? null, input.normalise === true, deps.config.zone),
        page: input.page,
        miniprogramState: deps.config.miniprogramState,
        lang: deps.config.lang,
        purpose: input.purpose,
      },
      'pending',
      now,
      dueAt,
    );
    d.nextAttemptAt = PARKED;
    return d;
  });
}

/** Steps 2–3 of the write order (see the top of this file). Idempotent: a retry of the same send runs it again. */
async function complete(deps: NotifyDeps, r: NotifyRequest, docs: readonly Delivery[]): Promise<void> {
  const now = deps.clock.now();
  if (r.state === 'creating') await deps.deliveries.createMissing(docs);
  if (r.state !== 'cancelled' && (await deps.requests.transition(r._id, ['creating', 'open'], 'open', now))) {
    await deps.deliveries.arm(r._id, now);
    return;
  }
  // Cancelled (before or while we wrote): our parked deliveries must not stay behind armed-able — cancel them.
  await deps.deliveries.cancelPending(r._id, now);
}

export async function sendNotify(deps: NotifyDeps, input: SendInput): Promise<SendAnswer> {
  const fp = fingerprint(payloadOf(input));
  const now = deps.clock.now();
  let r = await deps.requests.get(input.key);
  if (!r) {
    const dueAt = dueAtOf(input.sendAt, now);
    const docs = await build(deps, input, dueAt, now);
    const fresh: NotifyRequest = {
      _id: input.key,
      fingerprint: fp,
      state: 'creating',
      templateId: input.templateId,
      recipients: docs.length,
      dueAt,
      ...(input.purpose ? { purpose: input.purpose } : {}),
      createdAt: now,
      updatedAt: now,
    };
    if (await deps.requests.insert(fresh)) {
      await complete(deps, fresh, docs);
      return answerOf(fresh);
    }
    r = await deps.requests.get(input.key); // a concurrent send with the same key won the insert
    if (!r) throw new DomainError('CONFLICT', `request ${input.key} could not be recorded; retry`);
  }
  if (r.fingerprint !== fp) {
    throw new DomainError('CONFLICT', `key ${input.key} was already used for a different message; use a new key for a new message`, { key: input.key });
  }
  // The same request again: finish what a dead first attempt may have left (nothing is written twice).
  const docs = r.state === 'creating' ? await build(deps, input, r.dueAt, r.createdAt) : [];
  await complete(deps, r, docs);
  return answerOf(r);
}

export interface StatusAnswer {
  key: string;
  state: NotifyRequest['state'];
  templateId: string;
  dueAt: number;
  counts: Record<DeliveryStatus, number>;
  recipients: RecipientStatus[];
}

function countsOf(ds: readonly Pick<Delivery, 'status'>[]): Record<DeliveryStatus, number> {
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const d of ds) counts[d.status] += 1;
  return counts;
}

async function requestOf(deps: NotifyDeps, key: string): Promise<NotifyRequest> {
  const r = await deps.requests.get(key);
  if (!r) throw new DomainError('NOT_FOUND', `no notify request with key ${key}`);
  return r;
}

export async function notifyStatus(deps: NotifyDeps, key: string): Promise<StatusAnswer> {
  const r = await requestOf(deps, key);
  const ds = await deps.deliveries.list(key);
  return {
    key,
    state: r.state,
    templateId: r.templateId,
    dueAt: r.dueAt,
    counts: countsOf(ds),
    recipients: ds
      .map((d) => ({
        openid: d.openid,
        status: d.status,
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.errCode !== undefined ? { errCode: d.errCode } : {}),
        dueAt: d.dueAt,
        ...(d.sentAt ? { sentAt: d.sentAt } : {}),
        attempts: d.attempts,
        why: explain(d),
      }))
      .sort((a, b) => (a.openid < b.openid ? -1 : a.openid > b.openid ? 1 : 0)),
  };
}

export interface CancelAnswer {
  key: string;
  /** Recipients whose message was cancelled (never sent). */
  cancelled: number;
  /** Recipients already past pending when the cancel landed: being sent, sent, or otherwise final. */
  notCancelled: { openid: string; status: DeliveryStatus }[];
}

export async function cancelNotify(deps: NotifyDeps, key: string): Promise<CancelAnswer> {
  await requestOf(deps, key);
  const now = deps.clock.now();
  await deps.requests.transition(key, ['creating', 'open'], 'cancelled', now);
  await deps.deliveries.cancelPending(key, now);
  const ds = await deps.deliveries.list(key);
  // The units held for the cancelled messages' purpose go back (conditional on the hold: a retried cancel gives none).
  const byPurpose = new Map<string, string[]>();
  for (const d of ds) {
    if (d.status === 'cancelled' && d.purpose) byPurpose.set(d.purpose, [...(byPurpose.get(d.purpose) ?? []), grantId(d.openid, d.templateId)]);
  }
  for (const [purpose, ids] of byPurpose) await deps.holds.releasePurpose(ids, purpose);
  return {
    key,
    cancelled: ds.filter((d) => d.status === 'cancelled').length,
    notCancelled: ds.filter((d) => d.status !== 'cancelled').map((d) => ({ openid: d.openid, status: d.status })),
  };
}
