// Adapters: the WeChat edge of sending — cloud.openapi.subscribeMessage.send and .getTemplateList. Vendor
// exceptions (CloudSDKError, socket timeouts) become plain results here; core never sees a thrown SDK error.
import type { SendAttempt, SendRequest, WechatSender } from '../core/ports';
import { TIMEOUT_ERRCODE } from '../core/sending/outcomes';
import type { TemplateSource, WechatTemplate } from '../core/template/registry';
import { initCloud } from './runtime';

/** The part of wx-server-sdk used here (the real `cloud` in functions; any object with the same shape in tests). */
export interface OpenApiClient {
  openapi: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the SDK types it so
}

export interface WechatSenderOptions {
  /**
   * The sender's own deadline (ms). wx-server-sdk waits 15 s by default ([INIT-DOC]) while a function has 3 s by
   * default ([COMM-TIMEOUT-3S]): without a shorter deadline the invocation would die mid-send and leave no record.
   */
  timeoutMs?: number;
  client?: OpenApiClient;
}

export const DEFAULT_SEND_TIMEOUT_MS = 2000;

/**
 * [SDK-SRC] transport failures arrive as -501001 with Node's error text. These mean the request may have been
 * written and processed without an answer coming back — the ambiguous case: a timeout, or the connection closed
 * after the request was sent ("socket hang up", ECONNRESET, EPIPE). "connect ECONNREFUSED" is not among them: no
 * connection, nothing sent, so it stays a plain system error that may be retried.
 */
const NO_ANSWER_TEXT = /ESOCKETTIMEDOUT|ETIMEDOUT|timed? ?out|socket hang up|ECONNRESET|EPIPE/i;

/** A thrown value → `{ ok: false, errCode, errMsg, timedOut? }`; rethrows what is not an SDK/WeChat error. */
export function toFailedAttempt(err: unknown): Extract<SendAttempt, { ok: false }> {
  const e = (err ?? {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  if (typeof e.errCode !== 'number') throw err;
  const errMsg = typeof e.errMsg === 'string' ? e.errMsg : typeof e.message === 'string' ? e.message : String(err);
  // [SDK-SRC] a socket timeout or a connection lost after the request was written reaches us as -501001 ("resource
  // system error") with Node's text in errMsg: the request may have reached WeChat, which is the ambiguous case (no
  // answer), not a plain system error that could be retried.
  const timedOut = e.errCode === -501001 && NO_ANSWER_TEXT.test(errMsg);
  return timedOut ? { ok: false, errCode: e.errCode, errMsg, timedOut: true } : { ok: false, errCode: e.errCode, errMsg };
}

class Deadline extends Error {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createWechatSender(options: WechatSenderOptions = {}): WechatSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    async send(request: SendRequest): Promise<SendAttempt> {
      const client = options.client ?? initCloud();
      // [SEND-MIRROR] cloud-call keys are camelCase; [SDK-SRC] the SDK converts them to snake_case (template_id,
      // miniprogram_state). Placeholder keys (thing1, character_string2) are lowercase, so conversion leaves them.
      const params: Record<string, unknown> = {
        touser: request.touser,
        templateId: request.templateId,
        data: request.data,
        miniprogramState: request.miniprogramState,
        lang: request.lang,
      };
      if (request.page) params.page = request.page;
      const call = client.openapi.subscribeMessage.send(params) as Promise<{ msgid?: unknown; msgId?: unknown }>;
      try {
        const res = await withDeadline(call, timeoutMs);
        const msgid = res?.msgid ?? res?.msgId;
        return msgid === undefined || msgid === null ? { ok: true } : { ok: true, msgid: String(msgid) };
      } catch (err) {
        if (err instanceof Deadline) {
          call.catch(() => undefined); // the late answer (or error) is dropped; the outcome stays "unknown"
          return { ok: false, errCode: TIMEOUT_ERRCODE, errMsg: err.message, timedOut: true };
        }
        return toFailedAttempt(err);
      }
    },
  };
}

/** [MMM-MIRROR] getTemplateList → `data[]` of the account's private templates. */
export function createTemplateSource(options: { client?: OpenApiClient } = {}): TemplateSource {
  return {
    async fetch() {
      const client = options.client ?? initCloud();
      try {
        const res = (await client.openapi.subscribeMessage.getTemplateList({})) as { data?: WechatTemplate[] };
        return { ok: true, templates: Array.isArray(res?.data) ? res.data : [] };
      } catch (err) {
        const f = toFailedAttempt(err);
        return { ok: false, errCode: f.errCode, errMsg: f.errMsg };
      }
    },
  };
}
