// Test support (grants e2e): calls and fixtures shared by the grants and reminders end-to-end tests.
import type { Emulator, Envelope } from '../support/emulator';

export type { Envelope } from '../support/emulator';
export interface GrantViewLike {
  templateId: string;
  remaining: number;
  lastResult: string | null;
  alwaysKeep: string | null;
}

export const PLACEMENT = { page: 'pages/events/events', button: 'remind' };

export function record(emu: Emulator, openid: string, requestId: string, result: Record<string, string>, extra: Record<string, unknown> = {}) {
  return emu.call<Envelope<{ counted: boolean; grants: GrantViewLike[] }>>('subscriptions', openid, {
    action: 'record',
    requestId,
    placement: PLACEMENT,
    tmplIds: Object.keys(result).filter((k) => k !== 'errMsg'),
    result,
    ...extra,
  });
}

export async function remaining(emu: Emulator, openid: string, templateId: string): Promise<number | undefined> {
  const res = await emu.call<Envelope<{ items: GrantViewLike[] }>>('subscriptions', openid, { action: 'list' });
  if (!res.ok) throw new Error(`list failed: ${res.error.code}`);
  return res.data.items.find((i) => i.templateId === templateId)?.remaining;
}

/**
 * A WeChat message push as the cloud delivers it to the function configured in 云开发 → 消息推送 (the invocation
 * emulator/push.ts makes: kind `push`, OPENID = FromUserName, no userInfo). For crafted pushes; the emulator's own
 * pushes come from requestSubscribe, wechat.changeSubscription and sends (`emu.pushes.deliver()`).
 */
export function push(emu: Emulator, openid: string, event: string, list: unknown, createTime: number) {
  return emu.callRaw('subscriptionEvents', { ToUserName: 'gh_0000000000', FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event, List: list }, { kind: 'push', openid });
}

/** The same push sent by a mini program user through wx.cloud.callFunction (event + userInfo, SOURCE wx_client). */
export function forgePush(emu: Emulator, caller: string, fromUser: string, event: string, list: unknown, createTime: number) {
  return emu.call<Envelope>('subscriptionEvents', caller, { ToUserName: 'gh_0000000000', FromUserName: fromUser, CreateTime: createTime, MsgType: 'event', Event: event, List: list });
}

/** Every collection's document count, for "nothing written" checks. */
export function counts(emu: Emulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of emu.db.collections()) out[c] = emu.db.find(c).length;
  return out;
}

/** Every document anywhere that belongs to `openid`. */
export function docsOf(emu: Emulator, openid: string): { collection: string; _id: unknown }[] {
  const out: { collection: string; _id: unknown }[] = [];
  for (const c of emu.db.collections()) {
    for (const d of emu.db.find(c)) {
      if (d.openid === openid || d._openid === openid || d._id === openid) out.push({ collection: c, _id: d._id });
    }
  }
  return out;
}
