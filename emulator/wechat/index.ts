// Emulator layer (WeChat simulator): `wx.openApi` over protobuf plus the simulated WeChat client, per emulator/contracts.ts.
//
// Answer path (what the HTTP server must do): the Buffer returned by handleOpenApi is the HTTP 200 body with
// content-type `application/octet-stream` (OPENAPI_RESPONSE_CONTENT_TYPE). A thrown AdminError must be answered as
// JSON `{code, message, requestId}` with content-type exactly `application/json; charset=utf-8`.
import { AdminError } from '../contracts';
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
}

export function createWechatSimulator(opts: WechatSimulatorOptions): WechatSimulatorExt {
  const core = new SimCore(opts.clock, loadSeed(opts.seedPath ?? DEFAULT_SEED_PATH), opts.appJsonPath, opts.log);
  const random = opts.random ?? Math.random;
  const delays = new Delays();
  let faults: FaultSpec = { ...opts.faults };
  let stats = { sends: 0, delivered: 0, byErrCode: {} as Record<string, number> };

  const handlers: Record<string, Handler> = { ...HANDLERS, [DELAYED]: (c, p) => apis.addDelayedFunctionTask(c, p, opts.delayedTask) };
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
    let params: Record<string, unknown>;
    try {
      params = decodeCommApiData(req.requestData).params;
    } catch (e) {
      if (e instanceof OpenApiDecodeError) throw new AdminError('INVALID_PARAM', e.message);
      throw e;
    }
    // Random draws, in this order: latency (if a range), system error, timeout (sends only).
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
    const out = handleSend(core, params);
    // The ambiguous case: WeChat processed the send (delivered if it passed) but the answer never arrives in time.
    const hang = roll(faults.timeoutRate, random);
    if (out.delivered) stats.delivered += 1;
    count(api, hang ? 'timeout' : out.body.errcode, ` ${String(params.touser)} ${String(params.template_id)}`);
    await delays.wait(latency);
    if (out.lockedOpenid) core.inflight.release(out.lockedOpenid);
    if (hang) await delays.wait(HANG_MS);
    return encodeWechatJson(out.body);
  }

  return {
    handleOpenApi,
    requestSubscribeMessage: (req: ClientSubscribeRequest) => requestSubscribeMessage(core, req),
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
