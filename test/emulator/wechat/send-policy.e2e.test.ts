// Tests (WeChat simulator): send refusals on the account/user/platform side — 43101, 43107, 45168, -604100/-604101, -501007.
import { reminder, sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv({ wxApiToken: true });

const send = (payload: Record<string, unknown>) => env.cloud.openapi.subscribeMessage.send(payload as never);
const TPL = 'TPL_EVENT_REMINDER';
const invocation = (openapiPermissions: string[]) => ({ id: 'inv-1', fn: 'sender', source: 'wx_trigger', openapiPermissions });

test('43101 with no grant; once the grant is used up the next send is 43101 again', async () => {
  const first = await sdkFailure(send(reminder('o-alice')));
  expect(first).toMatchObject({ name: 'CloudSDKError', errCode: 43101 });
  expect(first.errMsg).toMatch(/^openapi\.subscribeMessage\.send:fail user refuse to accept the msg rid: /);
  env.sim.setQuota('o-alice', TPL, 1);
  await send(reminder('o-alice'));
  expect((await sdkFailure(send(reminder('o-alice')))).errCode).toBe(43101);
  expect(env.sim.inbox('o-alice')).toHaveLength(1);
  expect(env.sim.quota('o-alice', TPL)).toBe(0);
  expect(env.sim.stats()).toEqual({ sends: 3, delivered: 1, byErrCode: { '0': 1, '43101': 2 } });
});

test('43101 while the user has the main switch off, even with a grant (kept)', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  env.sim.setMainSwitch('o-alice', false);
  expect((await sdkFailure(send(reminder('o-alice')))).errCode).toBe(43101);
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
});

test('long-term template (type 3): one accept allows many sends, no decrement', async () => {
  const data = { thing1: { value: '居住证办理' }, phrase2: { value: '已受理' }, time3: { value: '2019年10月1日 15:01' } };
  const payload = { touser: 'o-bob', templateId: 'TPL_SERVICE_NOTICE', data };
  expect((await sdkFailure(send(payload))).errCode).toBe(43101);
  expect(env.sim.requestSubscribeMessage({ openid: 'o-bob', tmplIds: ['TPL_SERVICE_NOTICE'] })).toMatchObject({ ok: true });
  for (let i = 0; i < 3; i++) await send(payload);
  expect(env.sim.inbox('o-bob')).toHaveLength(3);
  expect(env.sim.quota('o-bob', 'TPL_SERVICE_NOTICE')).toBe(1);
});

test('43107 when the template or the whole account is banned', async () => {
  env.sim.setQuota('o-alice', TPL, 2);
  env.sim.setPolicy({ bannedTemplates: [TPL] });
  expect((await sdkFailure(send(reminder('o-alice')))).errCode).toBe(43107);
  env.sim.setPolicy({ bannedTemplates: [], accountBanned: true });
  expect((await sdkFailure(send(reminder('o-alice')))).errCode).toBe(43107);
  env.sim.setPolicy({ accountBanned: false });
  await send(reminder('o-alice'));
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
});

test('45168 when a value contains a sensitive word (default list and a configured one)', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  const withThing1 = (value: string) => reminder('o-alice', { data: { ...(reminder('o-alice').data as object), thing1: { value } } });
  expect((await sdkFailure(send(withThing1('含有敏感词的活动')))).errCode).toBe(45168);
  env.sim.setPolicy({ sensitiveWords: ['禁语'] });
  expect((await sdkFailure(send(withThing1('禁语读书会')))).errCode).toBe(45168);
  await send(withThing1('敏感词现在可以'));
  expect(env.sim.inbox('o-alice')).toHaveLength(1);
});

test('-604101 when the calling function lacks permissions.openapi for the API; allowed when listed', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  env.harness.invocation = invocation(['subscribeMessage.getTemplateList']);
  const err = await sdkFailure(send(reminder('o-alice')));
  expect(err).toMatchObject({ name: 'CloudSDKError', errCode: -604101 });
  expect(err.errMsg).toContain('-604101');
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
  env.harness.invocation = invocation(['subscribeMessage.send']);
  await send(reminder('o-alice'));
  expect(env.sim.quota('o-alice', TPL)).toBe(0);
  expect(env.sim.stats().byErrCode).toEqual({ '-604101': 1, '0': 1 });
});

test('-604100 for an API the simulator does not know', async () => {
  const openapi = env.cloud.openapi as unknown as Record<string, Record<string, (d: object) => Promise<unknown>>>;
  const err = await sdkFailure(openapi.subscribeMessage!.sendEverything!({}));
  expect(err).toMatchObject({ name: 'CloudSDKError', errCode: -604100 });
});

test('-501007 when the function has no cloud-call token (WX_API_TOKEN removed)', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  delete process.env.WX_API_TOKEN;
  const err = await sdkFailure(send(reminder('o-alice')));
  // node-sdk throws on a JSON `{code}` answer before wx-server-sdk builds a CloudSDKError: a plain Error with errCode.
  expect(err.errCode).toBe(-501007);
  expect(err.errMsg).toContain('missing wxCloudApiToken');
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
  expect(env.sim.stats().byErrCode).toEqual({ '-501007': 1 });
});
