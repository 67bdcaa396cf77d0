// Mini program lib (pure, no `wx`): the logic of one subscribe tap — request checks, status classification,
// error messages, request ids, the report payload and its retry. The subscribe-button component stays thin.
import type { TemplateKind } from './template-kinds';

/** [RSM-MD] [COMM-3] The docs disagree (5 vs 3); 3 is the safe maximum per call (over it → 20003). */
export const MAX_TMPL_IDS = 3;

export type Status = 'accept' | 'reject' | 'ban' | 'filter' | 'unknown';

/**
 * [RSM-CNBLOGS] statuses accept/reject/ban/filter; [SUBMSG-GUIDE-COPY] `acceptWithAudio`;
 * [COMM-ACCEPTWITH] undocumented `acceptWithAlert` / `acceptWithForcePush`: anything starting with "accept" is consent.
 */
export function classifyStatus(raw: unknown): Status {
  if (typeof raw !== 'string') return 'unknown';
  if (raw.startsWith('accept')) return 'accept';
  if (raw === 'reject' || raw === 'ban' || raw === 'filter') return raw;
  return 'unknown';
}

export type ErrorAction = 'settings' | 'retry' | 'none';
export interface ErrorInfo { message: string; action: ErrorAction }

/** [RSM-W3C] [RSM-CSDN] [RSM-MINIGAME-MIRROR] every documented fail errCode, with what the user can do about it. */
export const ERROR_INFO: Readonly<Record<number, ErrorInfo>> = {
  10001: { message: '没有指定要订阅的消息，请联系客服', action: 'none' },
  10002: { message: '网络异常，订阅列表加载失败，请稍后重试', action: 'retry' },
  10003: { message: '网络异常，订阅请求发送失败，请稍后重试', action: 'retry' },
  10004: { message: '订阅参数有误（模板 ID 无效），请联系客服', action: 'none' },
  10005: { message: '小程序在后台，无法显示订阅界面，请回到页面后重试', action: 'retry' },
  20001: { message: '消息模板不存在或类型不符，请联系客服', action: 'none' },
  // [RSM-MD] one-time and long-term ids cannot be mixed in one call.
  20002: { message: '一次性订阅和长期订阅不能同时申请', action: 'none' },
  20003: { message: `一次最多只能订阅 ${MAX_TMPL_IDS} 条消息`, action: 'none' },
  // [RSM-MD] main switch off: only the settings page can turn it back on.
  20004: { message: '你已关闭“订阅消息”总开关，请到设置中开启后再订阅', action: 'settings' },
  20005: { message: '该小程序已被禁止发送订阅消息', action: 'none' },
};

export function errorInfo(errCode: number | undefined, errMsg = ''): ErrorInfo {
  const known = errCode === undefined ? undefined : ERROR_INFO[errCode];
  if (known) return known;
  // [RSM-MD] "仅在点击行为时调用": a call outside a tap fails without a documented errCode.
  if (/TAP|gesture/i.test(errMsg)) return { message: '请点击按钮后再订阅', action: 'none' };
  if (/cancel/i.test(errMsg)) return { message: '已取消订阅', action: 'none' };
  return { message: `订阅失败（错误码 ${errCode ?? '未知'}），请稍后重试`, action: 'retry' };
}

export type KindOf = (tmplId: string) => TemplateKind | undefined;
export type CheckResult = { ok: true; tmplIds: string[] } | { ok: false; message: string };

/** Checks a request before calling WeChat: 1..3 distinct ids, never one-time mixed with long-term. */
export function checkRequest(tmplIds: readonly unknown[] | null | undefined, kindOf: KindOf): CheckResult {
  const ids = [...new Set((tmplIds ?? []).filter((x): x is string => typeof x === 'string' && x.length > 0))];
  if (ids.length === 0) return { ok: false, message: '没有指定要订阅的消息' };
  if (ids.length > MAX_TMPL_IDS) return { ok: false, message: `一次最多只能订阅 ${MAX_TMPL_IDS} 条消息` };
  const kinds = new Set(ids.map(kindOf).filter((k): k is TemplateKind => k !== undefined));
  if (kinds.size > 1) return { ok: false, message: '一次性订阅和长期订阅不能在同一次点击中申请，请分开订阅' };
  return { ok: true, tmplIds: ids };
}

export interface Outcome {
  /** `result`: WeChat answered with statuses; `error`: the fail callback; `refused`: checked out before calling. */
  kind: 'result' | 'error' | 'refused';
  tmplIds: string[];
  /** Raw status per template as WeChat returned it (e.g. `acceptWithAlert`). */
  raw: Record<string, string>;
  statuses: Record<string, Status>;
  accepted: string[];
  rejected: string[];
  banned: string[];
  filtered: string[];
  error?: { errCode: number; errMsg: string; message: string; action: ErrorAction };
}

const empty = (kind: Outcome['kind'], tmplIds: string[]): Outcome =>
  ({ kind, tmplIds, raw: {}, statuses: {}, accepted: [], rejected: [], banned: [], filtered: [] });

/** Reads a success result `{ errMsg, [tmplId]: status }` for the ids asked (other keys are ignored). */
export function outcomeFromResult(tmplIds: string[], res: Record<string, unknown>): Outcome {
  const out = empty('result', tmplIds);
  for (const id of tmplIds) {
    const raw = res[id];
    const status = classifyStatus(raw);
    out.raw[id] = typeof raw === 'string' ? raw : 'unknown';
    out.statuses[id] = status;
    if (status === 'accept') out.accepted.push(id);
    else if (status === 'reject') out.rejected.push(id);
    else if (status === 'ban') out.banned.push(id);
    else if (status === 'filter') out.filtered.push(id);
  }
  return out;
}

export function outcomeFromError(tmplIds: string[], err: { errCode?: unknown; errMsg?: unknown } | null | undefined): Outcome {
  const errCode = typeof err?.errCode === 'number' ? err.errCode : -1;
  const errMsg = typeof err?.errMsg === 'string' ? err.errMsg : '';
  const info = errorInfo(errCode === -1 ? undefined : errCode, errMsg);
  return { ...empty('error', tmplIds), error: { errCode, errMsg, message: info.message, action: info.action } };
}

export function refusedOutcome(tmplIds: string[], message: string): Outcome {
  return { ...empty('refused', tmplIds), error: { errCode: 0, errMsg: 'refused', message, action: 'none' } };
}

export type Feedback =
  | { type: 'toast'; title: string; icon: 'success' | 'none' }
  | { type: 'modal'; title: string; content: string }
  | { type: 'settings'; title: string; content: string };

/** What to show the user for an outcome. */
export function feedbackFor(o: Outcome): Feedback {
  if (o.error) {
    if (o.error.action === 'settings') return { type: 'settings', title: '订阅消息已关闭', content: o.error.message };
    return { type: 'modal', title: o.kind === 'refused' ? '无法订阅' : '订阅失败', content: o.error.message };
  }
  const n = o.tmplIds.length;
  if (o.accepted.length === n) return { type: 'toast', title: '订阅成功', icon: 'success' };
  if (o.banned.length > 0) {
    return { type: 'modal', title: '消息已被屏蔽', content: '你已屏蔽这类消息，如需接收，请在“设置 → 订阅消息”中开启' };
  }
  if (o.accepted.length > 0) {
    return { type: 'modal', title: '部分订阅成功', content: `已订阅 ${o.accepted.length} 条，另有 ${n - o.accepted.length} 条未订阅` };
  }
  if (o.filtered.length > 0 && o.rejected.length === 0) {
    // [RSM-MD] duplicate titles in one call are collapsed; the dropped ones return `filter`.
    return { type: 'modal', title: '未能订阅', content: '消息模板标题重复，已被微信过滤，请联系客服' };
  }
  if (o.rejected.length > 0) {
    // [SUBMSG-GUIDE] "总是保持以上选择" returns the saved choice silently: say where to change it.
    return { type: 'toast', title: '你已拒绝订阅，可在设置中修改', icon: 'none' };
  }
  return { type: 'modal', title: '订阅结果未知', content: '请稍后在“我的订阅”中查看' };
}

/** A client request id: the server counts a report once per id, so a retried report never counts twice. */
export function newRequestId(now: number, rand: () => number): string {
  let tail = '';
  while (tail.length < 12) tail += Math.floor(rand() * 36).toString(36);
  return `rq-${now.toString(36)}-${tail.slice(0, 12)}`;
}

export interface Placement { page: string; button: string }

export interface RecordPayload {
  requestId: string;
  placement: Placement;
  tmplIds: string[];
  result?: Record<string, string>;
  error?: { errCode: number; errMsg: string };
  /** What the tap was asked for (e.g. `order:A123`): an accepted one-time grant is held for it on the server. */
  purpose?: string;
}

/** The `subscriptions.record` payload for one tap (limits from the function API: page ≤ 64, button ≤ 32, errMsg ≤ 256). */
export function reportPayload(requestId: string, placement: Placement, o: Outcome, purpose = ''): RecordPayload {
  const base = {
    requestId,
    placement: { page: (placement.page || 'unknown').slice(0, 64), button: (placement.button || 'subscribe').slice(0, 32) },
    tmplIds: o.tmplIds,
    ...(purpose ? { purpose: purpose.slice(0, 64) } : {}),
  };
  if (o.error) return { ...base, error: { errCode: o.error.errCode, errMsg: o.error.errMsg.slice(0, 256) } };
  const result: Record<string, string> = {};
  for (const id of o.tmplIds) result[id] = (o.raw[id] ?? 'unknown').slice(0, 32);
  return { ...base, result };
}

export type ReportResult<T> = { ok: true; data: T; attempts: number } | { ok: false; error: unknown; attempts: number };

/** Sends the same payload (same request id) up to `attempts` times while the failure is retryable. */
export async function sendWithRetry<T>(
  send: () => Promise<T>,
  opts: { attempts: number; delayMs: number; sleep: (ms: number) => Promise<void>; retryable: (e: unknown) => boolean },
): Promise<ReportResult<T>> {
  let last: unknown;
  for (let i = 1; i <= opts.attempts; i++) {
    try {
      return { ok: true, data: await send(), attempts: i };
    } catch (e) {
      last = e;
      if (i === opts.attempts || !opts.retryable(e)) return { ok: false, error: e, attempts: i };
      await opts.sleep(opts.delayMs * i);
    }
  }
  return { ok: false, error: last, attempts: opts.attempts };
}
