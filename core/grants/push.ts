// Core (grants): `subscriptionEvents` — WeChat's subscription-message pushes ([SUBMSG-GUIDE-COPY] §1.6).
import { z } from 'zod';
import type { Caller } from '../actions';
import { DomainError, Envelope, fail, ok } from '../envelope';
import { describeIssues, inspectInput, templateId } from '../schema';
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

/** Sent receipts (`subscribe_msg_sent_event`), kept by msgid for the campaign stats to join. */
export interface ReceiptStore {
  record(r: { msgid: string; openid: string; templateId: string; errorCode: number; errorStatus: string; at: number }): Promise<void>;
}

export interface PushResult {
  event: string;
  handled: number;
  ignored: number;
  duplicate: boolean;
}

export async function handlePush(deps: GrantsDeps & { receipts: ReceiptStore }, raw: unknown, caller: Caller): Promise<Envelope<PushResult | { ignored: true; event: string }>> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('INVALID_INPUT', 'a push is an object');
  const event: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
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
  // [WXCTX] a push handled by a cloud function carries the user's OPENID; a mini program calling this function
  // directly can only speak for itself (and is rate-limited like `record`).
  if (caller.openid && caller.openid !== openid) return fail('FORBIDDEN', 'FromUserName is not the caller');
  try {
    return ok(await apply(deps, push.Event, openid, Number(push.CreateTime), Array.isArray(push.List) ? push.List : [push.List]));
  } catch (err) {
    if (err instanceof DomainError) return fail(err.code, err.message, err.details);
    throw err;
  }
}

async function apply(deps: GrantsDeps & { receipts: ReceiptStore }, name: PushEvent, openid: string, createTime: number, items: Item[]): Promise<PushResult> {
  if (!(await deps.rateLimiter.hit(openid, 'event', deps.limits.recordPerMinute, RATE_WINDOW_MS, deps.clock.now()))) {
    throw new DomainError('RATE_LIMITED', 'too many pushes for this user');
  }
  const now = deps.clock.now();
  const claimId = `ev:${openid}:${createTime}:${name}`;
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
      await deps.receipts.record({
        msgid: String(it.MsgID ?? ''),
        openid,
        templateId: t._id,
        errorCode: Number(it.ErrorCode ?? 0),
        errorStatus: it.ErrorStatus ?? '',
        at: now,
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
