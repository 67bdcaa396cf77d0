// Tests (WeChat simulator): the template-management cloud calls through the real wx-server-sdk (docs/platform-facts.md §4).
import { sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv();

type Api = Record<string, (d?: object) => Promise<Record<string, unknown>>>;
const sm = () => env.cloud.openapi.subscribeMessage as unknown as Api;
const call = (name: string, data: object = {}) => sm()[name]!(data);

test('getTemplateList: the 5 seeded templates with content, example, type and enum values', async () => {
  const res = await call('getTemplateList');
  expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.getTemplateList:ok' });
  const data = res.data as Record<string, unknown>[];
  expect(data.map((t) => t.priTmplId)).toEqual(['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL', 'TPL_SERVICE_NOTICE', 'TPL_APPLY_RESULT']);
  expect(data[0]).toEqual({
    priTmplId: 'TPL_EVENT_REMINDER',
    title: '活动开始提醒',
    type: 2,
    content: '活动名称:{{thing1.DATA}}\n开始时间:{{time2.DATA}}\n活动地点:{{thing3.DATA}}\n温馨提示:{{thing4.DATA}}\n',
    example: expect.stringContaining('活动名称:'),
  });
  expect(data.find((t) => t.priTmplId === 'TPL_SERVICE_NOTICE')?.type).toBe(3);
  expect(data.find((t) => t.priTmplId === 'TPL_APPLY_RESULT')?.keywordEnumValueList).toEqual([
    { keywordCode: 'enum1.DATA', enumValueList: ['已通过', '未通过', '待补充'] },
  ]);
  expect(env.sim.templates()).toHaveLength(5);
});

test('getCategory and getPubTemplateTitleList (paging, limit ≤ 30, ids required)', async () => {
  const cats = await call('getCategory');
  expect(cats.data).toEqual(expect.arrayContaining([{ id: 616, name: '文体活动' }]));
  const titles = await call('getPubTemplateTitleList', { ids: '616,411', start: 0, limit: 2 });
  expect(titles.count).toBe(4);
  expect(titles.data).toEqual([
    { tid: 1001, title: '活动开始提醒', type: 2, categoryId: 616 },
    { tid: 1004, title: '办事进度通知', type: 3, categoryId: 411 },
  ]);
  expect((await sdkFailure(call('getPubTemplateTitleList', { ids: '616', start: 0, limit: 31 }))).errCode).toBe(200017);
  expect((await sdkFailure(call('getPubTemplateTitleList', { start: 0, limit: 5 }))).errCode).toBe(200018);
  expect((await sdkFailure(call('getPubTemplateTitleList', { ids: 'abc', limit: 5 }))).errCode).toBe(200019);
  expect((await sdkFailure(call('getPubTemplateTitleList', { ids: '616', start: -1 }))).errCode).toBe(200016);
});

test('getPubTemplateKeyWordsById: kid/name/example/rule; unknown tid → 200014', async () => {
  const res = await call('getPubTemplateKeyWordsById', { tid: 1002 });
  expect(res.count).toBe(5);
  expect((res.data as unknown[])[2]).toEqual({ kid: 3, name: '订单金额', example: '￥100', rule: 'amount' });
  expect((await sdkFailure(call('getPubTemplateKeyWordsById', { tid: 9999 }))).errCode).toBe(200014);
});

test('addTemplate creates a private template usable end to end; deleteTemplate removes it', async () => {
  const res = await call('addTemplate', { tid: 1006, kidList: [2, 1, 4], sceneDesc: '每日签到' });
  const id = res.priTmplId as string;
  expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const added = env.sim.templates().find((t) => t.priTmplId === id);
  expect(added).toEqual({ priTmplId: id, title: '签到提醒', type: 2, content: '连续天数:{{number2.DATA}}\n签到项目:{{thing1.DATA}}\n标记:{{symbol4.DATA}}\n' });
  expect(env.sim.requestSubscribeMessage({ openid: 'o-alice', tmplIds: [id] })).toMatchObject({ ok: true });
  const data = { number2: { value: '7' }, thing1: { value: '每日打卡' }, symbol4: { value: '★' } };
  await env.cloud.openapi.subscribeMessage.send({ touser: 'o-alice', templateId: id, data } as never);
  expect(env.sim.inbox('o-alice')[0]?.rendered).toBe('签到提醒\n连续天数:7\n签到项目:每日打卡\n标记:★');
  // Same title + same keywords (any order) → 200022.
  expect((await sdkFailure(call('addTemplate', { tid: 1006, kidList: [1, 4, 2] }))).errCode).toBe(200022);
  expect(await call('deleteTemplate', { priTmplId: id })).toMatchObject({ errCode: 0 });
  expect((await sdkFailure(call('deleteTemplate', { priTmplId: id }))).errCode).toBe(20001);
  const gone = await sdkFailure(env.cloud.openapi.subscribeMessage.send({ touser: 'o-alice', templateId: id, data } as never));
  expect(gone.errCode).toBe(40037);
  env.sim.reset();
  expect(env.sim.templates()).toHaveLength(5);
});

test.each([
  ['unknown tid', { tid: 4242, kidList: [1, 2] }, 200014],
  ['one keyword', { tid: 1006, kidList: [1] }, 200020],
  ['six keywords', { tid: 1006, kidList: [1, 2, 3, 4, 5, 6] }, 200020],
  ['unknown kid', { tid: 1006, kidList: [1, 9] }, 200020],
  ['duplicate kid', { tid: 1006, kidList: [1, 1] }, 200020],
  ['kidList not an array', { tid: 1006, kidList: '1,2' }, 200020],
  ['sceneDesc over 15 characters', { tid: 1006, kidList: [1, 2], sceneDesc: '一二三四五六七八九十一二三四五六' }, 200021],
  ['same keywords as a seeded template', { tid: 1001, kidList: [4, 3, 2, 1] }, 200022],
])('addTemplate fails on %s', async (_what, data, code) => {
  expect((await sdkFailure(call('addTemplate', data))).errCode).toBe(code);
  expect(env.sim.templates()).toHaveLength(5);
});

test('deleteTemplate without an id → 20002; template APIs need their own permission (-604101)', async () => {
  expect((await sdkFailure(call('deleteTemplate', {}))).errCode).toBe(20002);
  env.harness.invocation = { id: 'i', fn: 'admin', source: 'wx_client', openapiPermissions: ['subscribeMessage.send'] };
  expect((await sdkFailure(call('getTemplateList'))).errCode).toBe(-604101);
  env.harness.invocation = { id: 'i', fn: 'admin', source: 'wx_client', openapiPermissions: ['subscribeMessage.getTemplateList'] };
  expect((await call('getTemplateList')).errCode).toBe(0);
});
