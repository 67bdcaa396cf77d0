// Unit: the WechatSender adapter's translation of SDK results and thrown errors into SendAttempt (a stand-in client
// object is passed in; wx-server-sdk itself is exercised end to end in sending.e2e.test.ts).
import { createTemplateSource, createWechatSender, toFailedAttempt, type OpenApiClient } from '../../adapters/wechat-sender';

const client = (send: (p: Record<string, unknown>) => Promise<unknown>): OpenApiClient => ({
  openapi: { subscribeMessage: { send, getTemplateList: send } },
});
const sdkError = (errCode: number, errMsg: string) => Object.assign(new Error(errMsg), { errCode, errMsg });
const REQ = { touser: 'o-a', templateId: 'T', data: { thing1: { value: 'x' } }, miniprogramState: 'developer', lang: 'zh_CN' } as const;

describe('WechatSender adapter', () => {
  it('passes camelCase params (the SDK converts them) and returns msgid', async () => {
    const seen: Record<string, unknown>[] = [];
    const s = createWechatSender({ client: client(async (p) => (seen.push(p), { errCode: 0, errMsg: 'ok', msgid: 123 })) });
    expect(await s.send({ ...REQ, page: 'pages/a/a' })).toEqual({ ok: true, msgid: '123' });
    expect(seen[0]).toEqual({ touser: 'o-a', templateId: 'T', data: REQ.data, miniprogramState: 'developer', lang: 'zh_CN', page: 'pages/a/a' });
  });

  it('turns a thrown CloudSDKError into { ok: false, errCode, errMsg }', async () => {
    const s = createWechatSender({ client: client(async () => { throw sdkError(43101, 'openapi.subscribeMessage.send:fail user refuse to accept the msg'); }) });
    expect(await s.send(REQ)).toEqual({ ok: false, errCode: 43101, errMsg: 'openapi.subscribeMessage.send:fail user refuse to accept the msg' });
  });

  it('marks a socket timeout (-501001 "request timeout") and its own deadline as timedOut', async () => {
    expect(toFailedAttempt(sdkError(-501001, 'openapi.subscribeMessage.send:fail -501001 resource system error. request timeout'))).toMatchObject({ timedOut: true });
    expect(toFailedAttempt(sdkError(-501001, 'connect ECONNREFUSED'))).not.toHaveProperty('timedOut');
    const s = createWechatSender({ timeoutMs: 30, client: client(() => new Promise(() => undefined)) });
    expect(await s.send(REQ)).toMatchObject({ ok: false, errCode: -604102, timedOut: true });
  });

  it('marks a connection lost after the request was written (socket hang up, ECONNRESET, EPIPE) as timedOut: WeChat may have it', () => {
    for (const text of ['socket hang up', 'read ECONNRESET', 'write EPIPE']) {
      expect(toFailedAttempt(sdkError(-501001, `openapi.subscribeMessage.send:fail -501001 resource system error. ${text}`))).toMatchObject({ timedOut: true });
    }
    // A gateway's own system error (an answer) stays retryable.
    expect(toFailedAttempt(sdkError(-501001, 'openapi.subscribeMessage.send:fail -501001 resource system error'))).not.toHaveProperty('timedOut');
  });

  it('rethrows what is not an SDK error (a bug must not be mistaken for a WeChat answer)', async () => {
    const s = createWechatSender({ client: client(async () => { throw new TypeError('x is not a function'); }) });
    await expect(s.send(REQ)).rejects.toBeInstanceOf(TypeError);
  });

  it('getTemplateList: data[] on success, the errcode on -604101', async () => {
    const ok = createTemplateSource({ client: client(async () => ({ data: [{ priTmplId: 'T', title: 't', content: '', type: 2 }] })) });
    expect(await ok.fetch()).toMatchObject({ ok: true, templates: [{ priTmplId: 'T' }] });
    const denied = createTemplateSource({ client: client(async () => { throw sdkError(-604101, 'function has no permission to call this API'); }) });
    expect(await denied.fetch()).toEqual({ ok: false, errCode: -604101, errMsg: 'function has no permission to call this API' });
  });
});
