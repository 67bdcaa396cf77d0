// Client: the typed `notify` client a team bundles into its own cloud functions.
//
//   import cloud from 'wx-server-sdk';
//   import { createNotify, NotifyError } from '<tixing>/client/notify';
//   cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
//   const notify = createNotify(cloud);
//   await notify.send({ key: `order-${id}-shipped`, to: buyer, templateId: 'TPL_ORDER_STATUS', data: {...} });
//   const s = await notify.status(`order-${id}-shipped`);   // per recipient: status, reason, why
//   await notify.cancel(`order-${id}-shipped`);
//
// It calls the `notify` function with cloud.callFunction (a call from a function carries no cloud-call token
// [CB-WXTOKEN], so notify queues and `dispatch` sends). A refusal ({ ok: false }) is thrown as a NotifyError with
// its code; a function that could not be reached throws the SDK's own error. No SDK import here: you pass your
// initialised `cloud`, so the client adds nothing to your bundle and works with any wx-server-sdk version.
import { WAKE_EVENT, armDelaySec } from '../core/dispatch/wake';
import type { ErrorCode } from '../core/envelope';
import type { SendAnswer } from '../core/notify/model';
import type { CancelAnswer, SendInput, StatusAnswer } from '../core/notify/use-cases';

export type { SendAnswer, SendInput, StatusAnswer, CancelAnswer };
export type { RecipientStatus } from '../core/notify/model';

/** What the client needs of wx-server-sdk's `cloud` (`openapi` only for the wake-up, see `createNotify`). */
export interface CloudFunctionCaller {
  callFunction(options: { name: string; data: Record<string, unknown> }): Promise<{ result?: unknown }>;
  openapi?: { cloudbase?: { addDelayedFunctionTask?(options: Record<string, unknown>): Promise<unknown> } };
  getWXContext?(): { ENV?: string };
}

/** Beyond this, dispatch's own heartbeat (every 10 minutes) arms the wake-up in time. */
const WAKE_HORIZON_MS = 20 * 60_000;

/** A refusal from notify: `code` is one of the documented error codes (README "Error codes a client receives"). */
export class NotifyError extends Error {
  constructor(
    public readonly code: ErrorCode | 'BAD_RESPONSE',
    message: string,
    public readonly details?: unknown,
  ) {
    super(`${code}: ${message}`);
    this.name = 'NotifyError';
  }
}

export interface NotifyClient {
  /** Queues the message for every recipient (once per key: the same key and payload answer the first result again). */
  send(input: SendInput): Promise<SendAnswer>;
  /** Per recipient: pending / sending / sent / skipped / failed / unknown / cancelled, with the reason and why. */
  status(key: string): Promise<StatusAnswer>;
  /** Cancels what is still pending; reports recipients already being sent or sent. */
  cancel(key: string): Promise<CancelAnswer>;
}

type Envelope = { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

function isEnvelope(v: unknown): v is Envelope {
  if (v === null || typeof v !== 'object') return false;
  const e = v as { ok?: unknown; error?: { code?: unknown } };
  return e.ok === true || (e.ok === false && typeof e.error?.code === 'string');
}

/**
 * `notify` itself cannot wake `dispatch`: a function called by another function has no cloud-call token
 * ([CB-WXTOKEN]). Your function usually has one (it was started by a mini program user, a timer…), so after a send
 * the client arms `cloudbase.addDelayedFunctionTask` on `dispatch` for the message's due time ([DELAYED]) — list
 * `cloudbase.addDelayedFunctionTask` in your function's config.json permissions.openapi. Best effort: without the
 * permission or a token the message still goes out, by dispatch's heartbeat (within 10 minutes) instead of within
 * 10 s. A wake-up that fires twice or early costs one idle dispatch run (one database read).
 */
export function createNotify(cloud: CloudFunctionCaller, options: { functionName?: string; dispatchName?: string; wake?: boolean; now?: () => number } = {}): NotifyClient {
  const name = options.functionName ?? 'notify';
  const now = options.now ?? (() => Date.now());
  async function wake(dueAt: number): Promise<void> {
    if (options.wake === false || !cloud.openapi?.cloudbase?.addDelayedFunctionTask || dueAt - now() > WAKE_HORIZON_MS) return;
    const delayTime = armDelaySec(dueAt, now()); // [DELAYED] 6 s to 30 days: the dispatcher's own rounding
    try {
      // [DELAYED] `env` is the environment the task runs in: this function's own.
      const env = cloud.getWXContext?.().ENV;
      await cloud.openapi!.cloudbase!.addDelayedFunctionTask!({ env, functionName: options.dispatchName ?? 'dispatch', data: JSON.stringify(WAKE_EVENT), delayTime });
    } catch {
      // No permission or no token: the heartbeat sends it (see above).
    }
  }
  async function call<T>(data: Record<string, unknown>): Promise<T> {
    const res = await cloud.callFunction({ name, data });
    const answer = res.result;
    if (!isEnvelope(answer)) throw new NotifyError('BAD_RESPONSE', `function ${name} did not answer an envelope`);
    if (!answer.ok) throw new NotifyError(answer.error.code, answer.error.message, answer.error.details);
    return answer.data as T;
  }
  return {
    async send(input) {
      const answer = await call<SendAnswer>({ action: 'send', ...input });
      await wake(answer.dueAt);
      return answer;
    },
    status: (key) => call<StatusAnswer>({ action: 'status', key }),
    cancel: (key) => call<CancelAnswer>({ action: 'cancel', key }),
  };
}
