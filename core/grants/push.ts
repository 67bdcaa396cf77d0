// Core (grants): `subscriptionEvents` — WeChat's subscription-message pushes ([SUBMSG-GUIDE-COPY] §1.6).
import { z } from 'zod';
import type { Caller } from '../actions';
import { DomainError, Envelope, fail, ok } from '../envelope';
import { describeIssues, inspectInput, templateId } from '../schema';
import { acceptReceipt, type ReceiptPort } from '../sending/receipts';
import type { AcceptOutcome } from './ledger';
import { normaliseStatus } from './model';
import type { ConsentEntry, GrantsDeps } from './ports';
import { RATE_WINDOW_MS } from './record';
import { registryMap } from './views';

export const PUSH_EVENTS = ['subscribe_msg_popup_event', 'subscribe_msg_change_event', 'subscribe_msg_sent_event'] as const;
type PushEvent = (typeof PUSH_EVENTS)[number];

const scalar = z.union([z.string().max(64), z.number()]);
// Unknown fields are dropped (WeChat may add some); `$` keys are refused before parsing.
const item = z.object({
  TemplateId: templateId(),
  SubscribeStatusString: z.string().max(32).optional(),
  PopupScene: scalar.optional(),
  MsgID: scalar.optional(),
  ErrorCode: scalar.optional(),
  ErrorStatus: z.string().max(256).optional(),
});
const pushSchema = z.object({
  ToUserName: z.string().max(128).optional(),
  FromUserName: z.string().min(1).max(128),
  CreateTime: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,13}$/)]),
  MsgType: z.literal('event'),
  Event: z.enum(PUSH_EVENTS),
  // [WXJAVA-PR] [COMM-CHANGE] `List` is an object for one item and an array for several.
  List: z.union([item, z.array(item).min(1).max(10)]),
});
type Item = z.infer<typeof item>;

/** Sent receipts (`subscribe_msg_sent_event`) are stored and joined to their delivery (core/sending/receipts.ts). */
export type PushDeps = GrantsDeps & { receipts: ReceiptPort };

/**
 * SOURCE values a user or a developer can start ([WXCTX]): a mini program's callFunction (`wx_client`), devtools
 * (`wx_devtools`, `wx_localdebug`), WeChat's HTTP API and crawler, timers and pay callbacks. None of them is a
 * message push. The SOURCE of a push itself is **NOT FOUND** in the table, so the rule refuses these rather than
 * naming the push's value.
 */
const NOT_A_PUSH = new Set(['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_http', 'wx_crawler', 'wx_trigger', 'wx_paycallback', 'scf']);

/**
 * Whether this invocation is WeChat's message push, or why not. A mini program user can call any function with any
 * data, but their call always has SOURCE `wx_client` (or `wx_devtools`) and its event always carries `userInfo`
 * ([WXCTX] [USERINFO-DOC]); a push's event is the push JSON alone ([PUSH-CLOUDFN]). A chained SOURCE (`…,scf`) is a
 * function calling this one: it could forward anything. The push's OPENID is the user it is about ([PUSH-CLOUDFN]).
 */
export function pushOrigin(caller: Caller, event: Record<string, unknown>, fromUser: unknown): string | null {
  const chain = caller.source.split(',').map((s) => s.trim());
  if (caller.source === '' || chain.length > 1 || chain.some((s) => NOT_A_PUSH.has(s))) return `SOURCE ${caller.source.slice(0, 64) || '(none)'} is not WeChat's message push`;
  if ('userInfo' in event) return 'a callFunction event (userInfo) is not a push';
  if (!caller.openid || caller.openid !== fromUser) return 'FromUserName is not the user of this push';
  return null;
}

/** FNV-1a of the items (pure, deterministic): two different pushes of one user in one second get different claims. */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export interface PushResult {
  event: string;
  handled: number;
  ignored: number;
  duplicate: boolean;
}

export async function handlePush(deps: PushDeps, raw: unknown, caller: Caller): Promise<Envelope<PushResult | { ignored: true; event: string }>> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('INVALID_INPUT', 'a push is an object');
  const event: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  // Checked before anything else, so a refused call writes nothing (not even a rate-limit count).
  const notPush = pushOrigin(caller, event, event.FromUserName);
  if (notPush) return fail('FORBIDDEN', `only WeChat's message push is accepted: ${notPush}`);
  delete event.userInfo;
  const defect = inspectInput(event);
  if (defect) return fail(defect.code, defect.message);
  const name = event.Event;
  if (event.MsgType !== 'event' || typeof name !== 'string' || !(PUSH_EVENTS as readonly string[]).includes(name)) {
    return ok({ ignored: true, event: typeof name === 'string' ? name.slice(0, 64) : String(event.MsgType ?? '').slice(0, 64) });
  }
  const parsed = pushSchema.safeParse(event);
  if (!parsed.success) return fail('INVALID_INPUT', `invalid ${name} push`, describeIssues(parsed.error));
  const push = parsed.data;
  const openid = push.FromUserName;
  try {
    return ok(await apply(deps, push.Event, openid, Number(push.CreateTime), Array.isArray(push.List) ? push.List : [push.List]));
  } catch (err) {
    if (err instanceof DomainError) return fail(err.code, err.message, err.details);
    throw err;
  }
}

async function apply(deps: PushDeps, name: PushEvent, openid: string, createTime: number, items: Item[]): Promise<PushResult> {
  if (!(await deps.rateLimiter.hit(openid, 'event', deps.limits.recordPerMinute, RATE_WINDOW_MS, deps.clock.now()))) {
    throw new DomainError('RATE_LIMITED', 'too many pushes for this user');
  }
  const now = deps.clock.now();
  // CreateTime has second precision: the items tell two pushes of one second apart (two sends, two popups).
  const key = items.map((i) => `${i.TemplateId}|${i.SubscribeStatusString ?? ''}|${String(i.MsgID ?? '')}|${String(i.ErrorCode ?? '')}`).join(';');
  const claimId = `ev:${openid}:${createTime}:${name}:${digest(key)}`;
  const state = await deps.requests.claim(claimId, { openid, kind: name, at: now, detail: { createTime, items: items.length } });
  const result: PushResult = { event: name, handled: 0, ignored: 0, duplicate: state === 'done' };
  if (state === 'done') return result;
  const registry = await registryMap(deps);
  const entries: ConsentEntry[] = [];
  for (const it of items.slice(0, 10)) {
    const t = registry.get(it.TemplateId);
    if (!t) {
      result.ignored++;
      continue;
    }
    const key = { openid, templateId: t._id, kind: t.kind };
    if (name === 'subscribe_msg_sent_event') {
      // [SUBMSG-GUIDE-COPY] ErrorCode 0 = delivered; any other value (or none parseable) = failed after acceptance.
      const code = Number(it.ErrorCode ?? 0);
      await acceptReceipt(deps.receipts, {
        msgid: String(it.MsgID ?? ''),
        openid,
        templateId: t._id,
        errorCode: Number.isFinite(code) ? code : -1,
        errorStatus: it.ErrorStatus ?? '',
        at: createTime * 1000,
      });
      result.handled++;
      continue;
    }
    const status = normaliseStatus(it.SubscribeStatusString);
    let ledger: AcceptOutcome | 'none' | 'zero' = 'none';
    if (name === 'subscribe_msg_popup_event') {
      if (status === 'accept') ledger = await deps.ledger.applyAccept(key, 'event', `e:${createTime}`);
      else if (status) await deps.ledger.recordResult(key, status);
    } else if (status === 'reject') {
      // [COMM-CHANGE] only "reject" (unsubscribe) is pushed by the change event: the grant is gone.
      ledger = (await deps.ledger.zero(key, 'change_event', { token: `x:${createTime}`, result: 'reject' })) ? 'zero' : 'duplicate';
    }
    entries.push({
      _id: `e:${openid}:${createTime}:${name}:${t._id}`,
      openid,
      templateId: t._id,
      result: name === 'subscribe_msg_change_event' && status === 'reject' ? 'unsubscribe' : status ?? 'unknown',
      ...(it.SubscribeStatusString !== undefined && { status: it.SubscribeStatusString }),
      placement: null,
      source: 'event',
      ledger,
      at: now,
    });
    result.handled++;
  }
  await deps.consent.append(entries);
  await deps.requests.finish(claimId);
  return result;
}
