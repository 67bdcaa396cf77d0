// Tests (WeChat simulator): the simulated wx.requestSubscribeMessage / getSetting, and grant accumulation end to end.
import { encodeCommApiData } from '../../../emulator/wechat/codec';
import { reminder, sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv();

const rsm = (tmplIds: unknown, extra: Record<string, unknown> = {}) =>
  env.sim.requestSubscribeMessage({ openid: 'o-alice', tmplIds: tmplIds as string[], ...extra });
const ONE = 'TPL_EVENT_REMINDER';
const LONG = 'TPL_SERVICE_NOTICE';

test.each([
  ['an empty list', [], 10001, "TmplIds can't be empty"],
  ['no list', undefined, 10001, "TmplIds can't be empty"],
  ['a string instead of a list', ONE, 10004, 'Invalid template id'],
  ['a number inside the list', [ONE, 7], 10004, 'Invalid template id'],
  ['an unknown id', [ONE, 'TPL_NOPE'], 20001, 'No template data return'],
  ['one-time and long-term mixed', [ONE, LONG], 20002, 'Templates type must be same'],
  ['four ids', [ONE, 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL', 'TPL_APPLY_RESULT'], 20003, 'Templates count out of max bounds'],
])('fails with %s', (_what, ids, errCode, text) => {
  const res = rsm(ids);
  expect(res).toEqual({ ok: false, error: { errCode, errMsg: expect.stringContaining(`requestSubscribeMessage:fail ${text}`) } });
  expect(env.sim.quota('o-alice', ONE)).toBe(0);
});

test('20004 when the main switch is off; 20005 when the account is banned', () => {
  env.sim.setMainSwitch('o-alice', false);
  expect(rsm([ONE])).toMatchObject({ ok: false, error: { errCode: 20004 } });
  expect(env.sim.getSetting('o-alice').mainSwitch).toBe(false);
  env.sim.setMainSwitch('o-alice', true);
  env.sim.setPolicy({ accountBanned: true });
  expect(rsm([ONE])).toMatchObject({ ok: false, error: { errCode: 20005 } });
});

test('statuses: accept / reject / accept* pass through; accept* counts as consent; banned template → ban', () => {
  env.sim.setPolicy({ bannedTemplates: ['TPL_NEW_ARRIVAL'] });
  const res = rsm([ONE, 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL'], { choices: { TPL_ORDER_STATUS: 'reject' } });
  expect(res).toEqual({
    ok: true,
    result: { errMsg: 'requestSubscribeMessage:ok', [ONE]: 'accept', TPL_ORDER_STATUS: 'reject', TPL_NEW_ARRIVAL: 'ban' },
  });
  expect(rsm([ONE], { choices: { [ONE]: 'acceptWithAlert' } })).toMatchObject({ ok: true, result: { [ONE]: 'acceptWithAlert' } });
  expect(env.sim.quota('o-alice', ONE)).toBe(2);
  expect(env.sim.quota('o-alice', 'TPL_ORDER_STATUS')).toBe(0);
  expect(env.sim.quota('o-alice', 'TPL_NEW_ARRIVAL')).toBe(0);
});

test('duplicate titles in one call: the first is kept, the others answer filter', async () => {
  // An extra private template titled like TPL_EVENT_REMINDER (tid 1001 with other keywords).
  const added = await env.sim.handleOpenApi(
    { apiName: 'subscribeMessage.addTemplate', requestData: encodeCommApiData({ tid: 1001, kid_list: [1, 5] }), wxCloudApiToken: 't' },
    { envName: 'tixing-local', requestId: 'r' },
  );
  const dup = env.sim.templates().find((t) => t.priTmplId !== ONE && t.title === '活动开始提醒');
  expect(added.length).toBeGreaterThan(0);
  expect(dup).toBeDefined();
  const res = rsm([ONE, dup!.priTmplId]);
  expect(res).toMatchObject({ ok: true, result: { [ONE]: 'accept', [dup!.priTmplId]: 'filter' } });
  expect(env.sim.quota('o-alice', dup!.priTmplId)).toBe(0);
});

test('accumulation: 3 accepts → quota 3 → three sends OK, the 4th is 43101', async () => {
  for (let i = 0; i < 3; i++) expect(rsm([ONE])).toMatchObject({ ok: true });
  expect(env.sim.quota('o-alice', ONE)).toBe(3);
  for (let i = 0; i < 3; i++) await env.cloud.openapi.subscribeMessage.send(reminder('o-alice') as never);
  expect(env.sim.quota('o-alice', ONE)).toBe(0);
  expect((await sdkFailure(env.cloud.openapi.subscribeMessage.send(reminder('o-alice') as never))).errCode).toBe(43101);
  expect(env.sim.inbox('o-alice')).toHaveLength(3);
});

test('long-term: accept marks the subscription (quota reads 1, never decremented); reject cancels it', () => {
  expect(rsm([LONG])).toMatchObject({ ok: true, result: { [LONG]: 'accept' } });
  expect(rsm([LONG])).toMatchObject({ ok: true });
  expect(env.sim.quota('o-alice', LONG)).toBe(1);
  expect(rsm([LONG], { choices: { [LONG]: 'reject' } })).toMatchObject({ ok: true, result: { [LONG]: 'reject' } });
  expect(env.sim.quota('o-alice', LONG)).toBe(0);
  env.sim.setQuota('o-alice', LONG, 5);
  expect(env.sim.quota('o-alice', LONG)).toBe(1);
});

test('always keep: the choice lands in itemSettings and later calls answer it without asking', () => {
  expect(env.sim.getSetting('o-alice')).toEqual({ mainSwitch: true, itemSettings: {} });
  rsm([ONE, 'TPL_ORDER_STATUS'], { alwaysKeep: true, choices: { TPL_ORDER_STATUS: 'reject' } });
  expect(env.sim.getSetting('o-alice').itemSettings).toEqual({ [ONE]: 'accept', TPL_ORDER_STATUS: 'reject' });
  // The user would now tap differently, but no popup is shown: saved answers come back, one-time accepts still add one.
  const res = rsm([ONE, 'TPL_ORDER_STATUS'], { choices: { [ONE]: 'reject', TPL_ORDER_STATUS: 'accept' } });
  expect(res).toMatchObject({ ok: true, result: { [ONE]: 'accept', TPL_ORDER_STATUS: 'reject' } });
  expect(env.sim.quota('o-alice', ONE)).toBe(2);
  expect(env.sim.quota('o-alice', 'TPL_ORDER_STATUS')).toBe(0);
  // Without "always keep" nothing is stored.
  rsm(['TPL_NEW_ARRIVAL']);
  expect(Object.keys(env.sim.getSetting('o-alice').itemSettings)).toEqual([ONE, 'TPL_ORDER_STATUS']);
  expect(env.sim.getSetting('o-bob')).toEqual({ mainSwitch: true, itemSettings: {} });
});

test('reset() forgets users, grants, inbox and stats; setQuota validates its input', async () => {
  rsm([ONE]);
  await env.cloud.openapi.subscribeMessage.send(reminder('o-alice') as never);
  env.sim.reset();
  expect(env.sim.inbox('o-alice')).toEqual([]);
  expect(env.sim.quota('o-alice', ONE)).toBe(0);
  expect(env.sim.stats()).toEqual({ sends: 0, delivered: 0, byErrCode: {} });
  expect(() => env.sim.setQuota('o-alice', ONE, -1)).toThrow(RangeError);
  expect(() => env.sim.setQuota('o-alice', ONE, 1.5)).toThrow(RangeError);
});
