// Tests (WeChat simulator): fault injection through the real wx-server-sdk — system error, latency + 43108, timeout.
import { seededRandom } from '../../support/random';
import { reminder, sdkFailure, useWechatEnv } from './setup';

const env = useWechatEnv({ random: seededRandom(7) });

const send = (payload: Record<string, unknown>) => env.cloud.openapi.subscribeMessage.send(payload as never);
const TPL = 'TPL_EVENT_REMINDER';

test('systemErrorRate 1 → errcode -1 "system error", nothing delivered, grant kept; other APIs fail the same way', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  env.sim.setFaults({ systemErrorRate: 1 });
  const err = await sdkFailure(send(reminder('o-alice')));
  expect(err).toMatchObject({ name: 'CloudSDKError', errCode: -1 });
  expect(err.errMsg).toMatch(/fail system error rid: /);
  expect((await sdkFailure(env.cloud.openapi.subscribeMessage.getTemplateList({}))).errCode).toBe(-1);
  expect(env.sim.inbox('o-alice')).toEqual([]);
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
  expect(env.sim.stats()).toEqual({ sends: 1, delivered: 0, byErrCode: { '-1': 1 } });
  env.sim.setFaults({});
  await send(reminder('o-alice'));
  expect(env.sim.quota('o-alice', TPL)).toBe(0);
});

test('a fractional systemErrorRate draws from opts.random: some sends fail, the rest deliver', async () => {
  env.sim.setQuota('o-alice', TPL, 20);
  env.sim.setFaults({ systemErrorRate: 0.5 });
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) {
    codes.push(await send(reminder('o-alice')).then(() => 0, (e: { errCode: number }) => e.errCode));
  }
  const failed = codes.filter((c) => c === -1).length;
  expect(failed).toBeGreaterThan(0);
  expect(failed).toBeLessThan(20);
  expect(codes.every((c) => c === 0 || c === -1)).toBe(true);
  expect(env.sim.inbox('o-alice')).toHaveLength(20 - failed);
  expect(env.sim.quota('o-alice', TPL)).toBe(failed);
});

test('43108: two concurrent sends to the same user under latency → one delivered, one refused', async () => {
  env.sim.setQuota('o-alice', TPL, 2);
  env.sim.setFaults({ latency: { fixedMs: 300 } });
  const results = await Promise.all([send(reminder('o-alice')), send(reminder('o-alice'))].map((p) => p.then(() => 0, (e: { errCode: number }) => e.errCode)));
  expect(results.sort()).toEqual([0, 43108]);
  expect(env.sim.inbox('o-alice')).toHaveLength(1);
  expect(env.sim.quota('o-alice', TPL)).toBe(1);
  // Sequential sends and concurrent sends to different users are fine.
  await send(reminder('o-alice'));
  env.sim.setQuota('o-bob', TPL, 1);
  env.sim.setQuota('o-dev', TPL, 1);
  await Promise.all([send(reminder('o-bob')), send(reminder('o-dev'))]);
  expect(env.sim.stats().byErrCode).toEqual({ '0': 4, '43108': 1 });
});

test('latency delays the answer (real timers) and reset() releases it at once', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  env.sim.setFaults({ latency: { minMs: 20_000, maxMs: 25_000 } });
  let settled = false;
  const p = send(reminder('o-alice')).finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 200));
  expect(settled).toBe(false);
  expect(env.sim.pendingAnswers()).toBe(1);
  env.sim.reset();
  await p;
  expect(env.sim.pendingAnswers()).toBe(0);
});

test('timeoutRate 1: the SDK times out, yet the message was delivered (the ambiguous case)', async () => {
  env.sim.setQuota('o-alice', TPL, 1);
  env.sim.setFaults({ timeoutRate: 1 });
  // A second SDK instance initialised like cloud.init({ timeout }) (wx-server-sdk's createNewInstance runs defaultInit).
  const sdk = env.cloud as unknown as { createNewInstance(config: object): typeof env.cloud };
  const fast = sdk.createNewInstance({ env: env.cloud.DYNAMIC_CURRENT_ENV, timeout: 500 });
  const err = await sdkFailure(fast.openapi.subscribeMessage.send(reminder('o-alice') as never));
  expect(err.errCode).toBe(-501001); // node-sdk "request timeout" (ESOCKETTIMEDOUT) → TCB_ERR_CODE.SYS_ERR
  expect(err.errMsg).toMatch(/timeout/i);
  expect(env.sim.inbox('o-alice')).toHaveLength(1);
  expect(env.sim.quota('o-alice', TPL)).toBe(0);
  expect(env.sim.stats()).toEqual({ sends: 1, delivered: 1, byErrCode: { timeout: 1 } });
  // A retry is now refused: the grant was consumed by the send whose answer was lost.
  env.sim.setFaults({});
  expect((await sdkFailure(send(reminder('o-alice')))).errCode).toBe(43101);
  expect(env.sim.pendingAnswers()).toBe(1);
  env.sim.reset();
  expect(env.sim.pendingAnswers()).toBe(0);
});
