// Tests (WeChat simulator): subscribeMessage.send through the real wx-server-sdk — every errcode path, inbox and quota.
import { reminder, sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv({ wxApiToken: true });

const send = (payload: Record<string, unknown>) => env.cloud.openapi.subscribeMessage.send(payload as never);
const TPL = 'TPL_EVENT_REMINDER';

test('errcode 0: resolves ok with msgid, consumes one grant and delivers the rendered card', async () => {
  env.sim.setQuota('o-alice', TPL, 2);
  const res = (await send(reminder('o-alice'))) as unknown as Record<string, unknown>;
  expect(res).toEqual({ msgid: expect.any(Number), errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
  const inbox = env.sim.inbox('o-alice');
  expect(inbox).toHaveLength(1);
  expect(inbox[0]).toMatchObject({
    msgid: String(res.msgid),
    templateId: TPL,
    title: '活动开始提醒',
    page: 'pages/index/index?id=1',
    miniprogramState: 'developer',
    lang: 'zh_CN',
    data: { thing1: { value: '周末读书会' } },
  });
  expect(inbox[0]?.rendered).toBe(
    '活动开始提醒\n活动名称:周末读书会\n开始时间:2019年10月1日 15:01\n活动地点:图书馆三楼\n温馨提示:请提前10分钟到场\n进入小程序查看',
  );
  expect(env.sim.stats()).toEqual({ sends: 1, delivered: 1, byErrCode: { '0': 1 } });
});

test('snake_case keys (convertCase:false) work the same; no page → no jump line', async () => {
  env.sim.setQuota('o-bob', TPL, 1);
  const { page: _page, templateId, miniprogramState: _s, ...rest } = reminder('o-bob');
  const configure = env.cloud.openapi as unknown as (o: object) => typeof env.cloud.openapi;
  await configure({ convertCase: false }).subscribeMessage.send({ ...rest, template_id: templateId } as never);
  const card = env.sim.inbox('o-bob')[0];
  expect(card?.page).toBeUndefined();
  expect(card?.rendered.endsWith('温馨提示:请提前10分钟到场')).toBe(true);
});

test.each([
  ['empty', ''],
  ['bad characters', 'o alice!'],
  ['too long', 'o'.repeat(65)],
  ['not a string', 123],
])('40003 invalid openid (%s)', async (_what, touser) => {
  const err = await sdkFailure(send(reminder('x', { touser })));
  expect(err).toMatchObject({ name: 'CloudSDKError', errCode: 40003 });
  expect(err.errMsg).toMatch(/^openapi\.subscribeMessage\.send:fail invalid openid rid: /);
});

test('40037 unknown template_id: nothing delivered, quota untouched', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  const err = await sdkFailure(send(reminder('o-alice', { templateId: 'TPL_NOPE' })));
  expect(err.errCode).toBe(40037);
  expect(env.sim.inbox('o-alice')).toEqual([]);
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
});

test.each(['pages/nope/nope', 'pages/index', 'index?foo=bar', '/pages/nope/nope'])('41030 page %s not in app.json', async (page) => {
  env.sim.setQuota('o-alice', TPL, 1);
  expect((await sdkFailure(send(reminder('o-alice', { page })))).errCode).toBe(41030);
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
});

test.each(['/pages/me/me', 'pkg/detail/detail?x=1', 'pages/me/me?a=1&b=2'])('page %s is accepted', async (page) => {
  env.sim.setQuota('o-alice', TPL, 1);
  await send(reminder('o-alice', { page }));
  expect(env.sim.inbox('o-alice')[0]?.page).toBe(page);
});
