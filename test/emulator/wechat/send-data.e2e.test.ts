// Tests (WeChat simulator): 47003 for each kind of keyword failure, through the real wx-server-sdk.
import { sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv();

const base: Record<string, Record<string, { value: unknown }>> = {
  TPL_EVENT_REMINDER: { thing1: { value: '读书会' }, time2: { value: '15:01' }, thing3: { value: '图书馆' }, thing4: { value: '准时' } },
  TPL_ORDER_STATUS: {
    character_string1: { value: 'A-1001' }, phrase2: { value: '配送中' }, amount3: { value: '￥100' }, phone_number4: { value: '+86-0766-66888866' },
  },
  TPL_NEW_ARRIVAL: { thing1: { value: '风衣' }, date2: { value: '2019年10月1日' }, thing3: { value: '限量' } },
  TPL_APPLY_RESULT: { enum1: { value: '已通过' }, name2: { value: '张三' } },
};

async function trySend(tpl: string, data: unknown) {
  env.sim.setQuota('o-alice', tpl, 1);
  return env.cloud.openapi.subscribeMessage.send({ touser: 'o-alice', templateId: tpl, data } as never);
}

test.each(Object.keys(base))('the valid base payload of %s is delivered', async (tpl) => {
  await trySend(tpl, base[tpl]);
  expect(env.sim.inbox('o-alice')).toHaveLength(1);
  expect(env.sim.quota('o-alice', tpl)).toBe(0);
});

// [tpl, key, bad value (undefined = key missing), expected errmsg ending]
const cases: [string, string, unknown, 'invalid' | 'is empty'][] = [
  ['TPL_EVENT_REMINDER', 'thing1', '一二三四五六七八九十一二三四五六七八九十一', 'invalid'], // 21 chars
  ['TPL_EVENT_REMINDER', 'thing3', '第一行\n第二行', 'invalid'], // control character
  ['TPL_EVENT_REMINDER', 'thing4', '', 'is empty'],
  ['TPL_EVENT_REMINDER', 'thing4', '   ', 'is empty'],
  ['TPL_EVENT_REMINDER', 'thing3', undefined, 'is empty'], // keyword missing
  ['TPL_EVENT_REMINDER', 'time2', '25:00', 'invalid'],
  ['TPL_EVENT_REMINDER', 'time2', '明天下午', 'invalid'],
  ['TPL_EVENT_REMINDER', 'thing1', 42, 'invalid'], // not a string
  ['TPL_ORDER_STATUS', 'character_string1', '订单A1', 'invalid'],
  ['TPL_ORDER_STATUS', 'character_string1', 'A'.repeat(33), 'invalid'],
  ['TPL_ORDER_STATUS', 'phrase2', 'shipped', 'invalid'],
  ['TPL_ORDER_STATUS', 'phrase2', '正在配送途中', 'invalid'], // 6 Chinese characters
  ['TPL_ORDER_STATUS', 'amount3', '100', 'invalid'], // no currency symbol
  ['TPL_ORDER_STATUS', 'amount3', '￥12345678901', 'invalid'], // 11 digits
  ['TPL_ORDER_STATUS', 'phone_number4', '+86-0766-668888661', 'invalid'], // 18
  ['TPL_ORDER_STATUS', 'phone_number4', '电话12345', 'invalid'],
  ['TPL_NEW_ARRIVAL', 'date2', '2019年13月1日', 'invalid'],
  ['TPL_NEW_ARRIVAL', 'date2', '2019/10-01', 'invalid'],
  ['TPL_APPLY_RESULT', 'enum1', '通过了', 'invalid'],
  ['TPL_APPLY_RESULT', 'name2', '欧阳一二三四五六七八九', 'invalid'], // 11 Chinese
  ['TPL_APPLY_RESULT', 'name2', 'Zhang3', 'invalid'],
];

test.each(cases)('47003 %s.%s = %j → data.<key>.value %s', async (tpl, key, value, ending) => {
  const data = structuredClone(base[tpl]) as Record<string, unknown>;
  if (value === undefined) delete data[key];
  else data[key] = { value };
  const err = await sdkFailure(trySend(tpl, data));
  expect(err).toMatchObject({ name: 'CloudSDKError', errCode: 47003 });
  expect(err.errMsg).toMatch(new RegExp(`fail argument invalid! data\\.${key}\\.value ${ending} rid: `));
  expect(env.sim.inbox('o-alice')).toEqual([]);
  expect(env.sim.quota('o-alice', tpl)).toBe(1);
  expect(env.sim.stats().byErrCode).toEqual({ '47003': 1 });
});

test.each([
  ['data is not an object', 'not-an-object', /argument invalid! data invalid/],
  ['entry is not { value }', { ...base.TPL_EVENT_REMINDER, thing1: '读书会' }, /data\.thing1\.value invalid/],
  ['value is null', { ...base.TPL_EVENT_REMINDER, thing1: { value: null } }, /data\.thing1\.value is empty/],
])('47003 when the data structure is wrong: %s', async (_what, data, msg) => {
  const err = await sdkFailure(trySend('TPL_EVENT_REMINDER', data));
  expect(err.errCode).toBe(47003);
  expect(err.errMsg).toMatch(msg);
});

test.each([
  ['miniprogramState', 'production'],
  ['lang', 'fr_FR'],
])('47003 when %s is %s', async (field, value) => {
  env.sim.setQuota('o-alice', 'TPL_EVENT_REMINDER', 1);
  const err = await sdkFailure(
    env.cloud.openapi.subscribeMessage.send({ touser: 'o-alice', templateId: 'TPL_EVENT_REMINDER', data: base.TPL_EVENT_REMINDER, [field]: value } as never),
  );
  expect(err.errCode).toBe(47003);
  expect(err.errMsg).toContain(field === 'lang' ? 'lang invalid' : 'miniprogram_state invalid');
});

test.each([
  ['trial', 'en_US', 'Go to Mini Program'],
  ['formal', 'zh_TW', '進入小程式查看'],
])('miniprogram_state %s and lang %s are recorded; the jump line follows lang', async (state, lang, jump) => {
  env.sim.setQuota('o-alice', 'TPL_NEW_ARRIVAL', 1);
  await env.cloud.openapi.subscribeMessage.send({
    touser: 'o-alice', templateId: 'TPL_NEW_ARRIVAL', page: 'pages/index/index', data: base.TPL_NEW_ARRIVAL, miniprogramState: state, lang,
  } as never);
  const card = env.sim.inbox('o-alice')[0];
  expect(card).toMatchObject({ miniprogramState: state, lang });
  expect(card?.rendered.split('\n').at(-1)).toBe(jump);
});
