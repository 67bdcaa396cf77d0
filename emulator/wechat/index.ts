// Emulator layer (WeChat simulator): `wx.openApi` over protobuf plus the simulated WeChat client, per emulator/contracts.ts.
//
// Answer path (what the HTTP server must do): the Buffer returned by handleOpenApi is the HTTP 200 body with
// content-type `application/octet-stream` (OPENAPI_RESPONSE_CONTENT_TYPE). A thrown AdminError must be answered as
// JSON `{code, message, requestId}` with content-type exactly `application/json; charset=utf-8`.
import { AdminError, ConnectionReset } from '../contracts';
import type {
  AdminRequestContext, ClientSubscribeRequest, FaultSpec, InboxItem, InvocationInfo, OpenApiRequest, WechatSimulator,
  WechatSimulatorOptions,
} from '../contracts';
import { requestSubscribeMessage } from './client';
import * as apis from './apis';
import { type ApiAnswer, type SecCheckRule } from './apis';
import { decodeCommApiData, encodeGatewayError, encodeWechatBuffer, encodeWechatJson, OpenApiDecodeError } from './codec';
import { SimCore, type AccountPolicy } from './core';
import { DEFAULT_SEED_PATH, loadSeed } from './seed';
import { DEFAULT_DELIVERY_FAILURE, pushMessage, popupItems, sentItem, type DeliveryFailure } from './push';
import { handleSend } from './send';
import * as tpl from './templates';
import { Delays, HANG_MS, pickLatency, roll } from './timers';

export { OPENAPI_RESPONSE_CONTENT_TYPE } from './codec';
export { HANG_MS } from './timers';

const SEND = 'subscribeMessage.send';
type Handler = (core: SimCore, p: Record<string, unknown>) => ApiAnswer | Promise<ApiAnswer>;
const HANDLERS: Record<string, Handler> = {
  'security.msgSecCheck': apis.msgSecCheck,
  'wxacode.getUnlimited': apis.getUnlimited,
  'wxacode.createQRCode': apis.byPath('qrcode'),
  'wxacode.get': apis.byPath('limited'),
  'subscribeMessage.getTemplateList': (core) => tpl.getTemplateList(core),
  'subscribeMessage.addTemplate': tpl.addTemplate,
  'subscribeMessage.deleteTemplate': tpl.deleteTemplate,
  'subscribeMessage.getCategory': (core) => tpl.getCategory(core),
  'subscribeMessage.getPubTemplateKeyWordsById': tpl.getPubTemplateKeyWordsById,
  'subscribeMessage.getPubTemplateTitleList': tpl.getPubTemplateTitleList,
};
const DELAYED = 'cloudbase.addDelayedFunctionTask';
/** The cloud-call API names the simulator knows; anything else answers -604100 (API not found). */
export const SUPPORTED_APIS: readonly string[] = [SEND, DELAYED, ...Object.keys(HANDLERS)];

/** The contract plus simulator-only controls (proposed for emulator/contracts.ts). */
export interface WechatSimulatorExt extends WechatSimulator {
  /** Account policy: 43107 bans (and client `ban` / 20005), 45168 sensitive words. Omitted fields keep their value. */
  setPolicy(policy: Partial<{ sensitiveWords: string[]; bannedTemplates: string[]; accountBanned: boolean; secCheckRules: SecCheckRule[] }>): void;
  /** Answers still held back by latency or a simulated timeout. */
  pendingAnswers(): number;
  /**
   * The user sets a template to 拒收 from the service-notification card menu or the settings page: WeChat keeps
   * "always reject", the grant is gone, and a `subscribe_msg_change_event` (reject) is pushed ([COMM-CHANGE]).
   */
  changeSubscription(openid: string, templateId: string): void;
  /** Accepted sends to this user fail afterwards (not delivered; the sent push reports the error). null = deliver. */
  setDeliveryFailure(openid: string, failure: Partial<DeliveryFailure> | null): void;
  /**
   * When the sent push of an accepted send goes out: `after-answer` (default) or `before-answer` — WeChat's push can
   * reach the push function before the sender has the msgid (the race receipts must survive).
   */
  setSentPushTiming(timing: 'after-answer' | 'before-answer'): void;
}

export function createWechatSimulator(opts: WechatSimulatorOptions): WechatSimulatorExt {
  const core = new SimCore(opts.clock, loadSeed(opts.seedPath ?? DEFAULT_SEED_PATH), opts.appJsonPath, opts.log);
  const random = opts.random ?? Math.random;
  const delays = new Delays();
  let faults: FaultSpec = { ...opts.faults };
  let stats = { sends: 0, delivered: 0, byErrCode: {} as Record<string, number> };
  const failures = new Map<string, DeliveryFailure>();
  let sentTiming: 'after-answer' | 'before-answer' = 'after-answer';
  const emit = (msg: ReturnType<typeof pushMessage>): Promise<void> =>
    (opts.push ? opts.push(msg) : Promise.resolve()).catch((err: unknown) => core.log(`wechat push failed: ${String(err)}`));
  // Daily quotas (fault injection): calls counted per Beijing day (UTC+8, no DST), reset at its midnight.
  const quotaUse = { day: -1, sends: 0, calls: 0 };
  const beijingDay = () => Math.floor((core.clock.now() + 8 * 3600_000) / 86_400_000);
  const useQuota = (kind: 'sends' | 'calls', limit: number | undefined): boolean => {
    if (limit === undefined) return true;
    if (quotaUse.day !== beijingDay()) Object.assign(quotaUse, { day: beijingDay(), sends: 0, calls: 0 });
    if (quotaUse[kind] >= limit) return false;
    quotaUse[kind] += 1;
    return true;
  };

  const handlers: Record<string, Handler> = { ...HANDLERS, [DELAYED]: (c, p) => apis.addDelayedFunctionTask(c, p, opts.delayedTask, opts.envId) };
  const count = (api: string, code: number | string, detail = ''): void => {
    core.log(`wechat ${api}${detail} → ${code}`);
    if (api !== SEND) return;
    stats.sends += 1;
    stats.byErrCode[String(code)] = (stats.byErrCode[String(code)] ?? 0) + 1;
  };

  async function handleOpenApi(
    req: OpenApiRequest,
    ctx: AdminRequestContext & { invocation?: InvocationInfo },
  ): Promise<Buffer> {
    const api = req.apiName;
    // [CB-WXTOKEN] [CB-INVALIDPARAM] no cloud-call token → TCB error INVALID_PARAM; the SDK maps it to -501007.
    if (!req.wxCloudApiToken) {
      count(api, -501007);
      throw new AdminError('INVALID_PARAM', 'missing wxCloudApiToken');
    }
    // [SDK-SRC] gateway errors travel in CommOpenApiResp.errorCode; the SDK throws CloudSDKError{errCode: that code}.
    const handler = api === SEND ? undefined : handlers[api];
    if (api !== SEND && !handler) {
      // [OPENAPI-GUIDE] -604100: the API is not available to cloud calls. Answered as a WeChat JSON error so the SDK's
      // message names the API (the gateway form only says "error code: -604100"); errCode is the same.
      count(api, -604100);
      return encodeWechatJson(core.fail(-604100, `api ${api} not found: the local emulator supports ${SUPPORTED_APIS.join(', ')}`));
    }
    // [OPENAPI-GUIDE] the function's config.json permissions.openapi must list the API, else -604101.
    if (ctx.invocation && !ctx.invocation.openapiPermissions.includes(api)) {
      count(api, -604101);
      return encodeGatewayError(-604101);
    }
    // [CB-QUOTA] the environment's daily request quota used up: EXCEED_REQUEST_LIMIT, the SDK's -501003.
    if (!useQuota('calls', faults.envRequestQuota)) {
      count(api, -501003);
      return encodeGatewayError(-501003);
    }
    let params: Record<string, unknown>;
    try {
      params = decodeCommApiData(req.requestData).params;
    } catch (e) {
      if (e instanceof OpenApiDecodeError) throw new AdminError('INVALID_PARAM', e.message);
      throw e;
    }
    // Random draws, in this order: latency (if a range), system error, timeout (sends only), reset (sends, no timeout).
    const latency = pickLatency(faults, random);
    if (roll(faults.systemErrorRate, random)) {
      // [COMM-MINUS1] [MMM-MIRROR] -1 system error: nothing happened, retry later.
      count(api, -1);
      await delays.wait(latency);
      return encodeWechatJson(core.fail(-1, 'system error'));
    }
    if (handler) {
      const answer = await handler(core, params);
      count(api, apis.isImage(answer) ? 0 : answer.errcode);
      await delays.wait(latency);
      return apis.isImage(answer) ? encodeWechatBuffer(answer.image, answer.contentType) : encodeWechatJson(answer);
    }
    // [COMM-45009] the account's daily API quota used up: refused before anything is sent.
    if (!useQuota('sends', faults.dailySendQuota)) {
      count(api, 45009);
      await delays.wait(latency);
      return encodeWechatJson(core.fail(45009, 'reach max api daily quota limit'));
    }
    const out = handleSend(core, params);
    // The ambiguous case: WeChat processed the send (delivered if it passed) but the answer never arrives in time.
    const hang = roll(faults.timeoutRate, random);
    const reset = !hang && roll(faults.resetRate, random);
    let sentPush: ReturnType<typeof pushMessage> | undefined;
    if (out.delivered) {
      const touser = String(params.touser);
      const failure = failures.get(touser);
      // [COMM-ASYNC] an accepted send is not yet a delivered one: the result comes later as subscribe_msg_sent_event.
      if (failure) core.users.get(touser).inbox.pop();
      else stats.delivered += 1;
      const msg = pushMessage(core, touser, 'subscribe_msg_sent_event', [sentItem(out.delivered.templateId, out.delivered.msgid, failure)]);
      if (sentTiming === 'before-answer') await emit(msg);
      else sentPush = msg;
    }
    count(api, hang ? 'timeout' : reset ? 'reset' : out.body.errcode, ` ${String(params.touser)} ${String(params.template_id)}`);
    await delays.wait(latency);
    if (out.lockedOpenid) core.inflight.release(out.lockedOpenid);
    // Pushed as the answer leaves (the push function may see it before or after the sender reads the answer).
    if (sentPush) void emit(sentPush);
    if (hang) await delays.wait(HANG_MS);
    // WeChat processed it; the connection closes before the answer (the server destroys the socket).
    if (reset) throw new ConnectionReset();
    return encodeWechatJson(out.body);
  }

  return {
    handleOpenApi,
    requestSubscribeMessage(req: ClientSubscribeRequest) {
      const answered: { templateId: string; status: string }[] = [];
      const r = requestSubscribeMessage(core, req, answered);
      // [SUBMSG-GUIDE-COPY] the popup's choices are pushed as subscribe_msg_popup_event (PopupScene 0: a page).
      if (r.ok && answered.length) void emit(pushMessage(core, req.openid, 'subscribe_msg_popup_event', popupItems(answered, req.popupScene ?? 0)));
      return r;
    },
    changeSubscription(openid, templateId) {
      const t = core.templates.get(templateId);
      if (!t) throw new RangeError(`changeSubscription: unknown template ${templateId}`);
      const u = core.users.get(openid);
      u.itemSettings.set(templateId, 'reject');
      if (t.type === 3) u.longTerm.set(templateId, false);
      else u.quota.set(templateId, 0);
      // [COMM-CHANGE] only cancellations are pushed.
      void emit(pushMessage(core, openid, 'subscribe_msg_change_event', [{ TemplateId: templateId, SubscribeStatusString: 'reject' }]));
    },
    setDeliveryFailure(openid, f) {
      if (f === null) failures.delete(openid);
      else failures.set(openid, { ...DEFAULT_DELIVERY_FAILURE, ...f });
    },
    setSentPushTiming(t) {
      sentTiming = t;
    },
    getSetting(openid) {
      const u = core.users.peek(openid);
      return { mainSwitch: u?.mainSwitch ?? true, itemSettings: Object.fromEntries(u?.itemSettings ?? []) };
    },
    setMainSwitch(openid, on) {
      core.users.get(openid).mainSwitch = on;
    },
    inbox: (openid): InboxItem[] => (core.users.peek(openid)?.inbox ?? []).map((i) => structuredClone(i)),
    quota(openid, templateId) {
      const u = core.users.peek(openid);
      // Long-term templates have no count: 1 while subscribed, else 0.
      if (core.templates.get(templateId)?.type === 3) return u?.longTerm.get(templateId) ? 1 : 0;
      return u?.quota.get(templateId) ?? 0;
    },
    setQuota(openid, templateId, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`setQuota: n must be an integer >= 0, got ${n}`);
      const u = core.users.get(openid);
      if (core.templates.get(templateId)?.type === 3) u.longTerm.set(templateId, n > 0);
      else u.quota.set(templateId, n);
    },
    setFaults(f) {
      faults = { ...f };
    },
    faults: () => structuredClone(faults),
    users: () =>
      core.users
        .entries()
        .map(([openid, u]) => ({
          openid,
          mainSwitch: u.mainSwitch,
          quota: Object.fromEntries(u.quota),
          longTerm: Object.fromEntries(u.longTerm),
          itemSettings: Object.fromEntries(u.itemSettings),
          inbox: u.inbox.length,
        }))
        .sort((a, b) => (a.openid < b.openid ? -1 : a.openid > b.openid ? 1 : 0)),
    templates: () => [...core.templates.values()].map(({ priTmplId, title, content, type }) => ({ priTmplId, title, content, type })),
    stats: () => structuredClone(stats),
    reset() {
      delays.cancelAll();
      core.users.clear();
      core.inflight.clear();
      core.restoreSeed();
      faults = { ...opts.faults };
      stats = { sends: 0, delivered: 0, byErrCode: {} };
      failures.clear();
      sentTiming = 'after-answer';
      Object.assign(quotaUse, { day: -1, sends: 0, calls: 0 });
    },
    setPolicy(p) {
      const pol: AccountPolicy = core.policy;
      if (p.sensitiveWords) pol.sensitiveWords = [...p.sensitiveWords];
      if (p.bannedTemplates) pol.bannedTemplates = new Set(p.bannedTemplates);
      if (p.accountBanned !== undefined) pol.accountBanned = p.accountBanned;
      if (p.secCheckRules) pol.secCheckRules = structuredClone(p.secCheckRules);
    },
    pendingAnswers: () => delays.size,
  };
}
