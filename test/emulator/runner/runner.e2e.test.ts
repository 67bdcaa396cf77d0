// Emulator runner tests: the real wx-server-sdk inside worker threads sees the environment, event and context the
// cloud gives, per invocation, with no leak between warm invocations; failures, timeouts and test kills.
import { InvocationError } from '../../../emulator';
import { TEST_START, useEmulator } from '../../support/emulator';

type Snapshot = {
  wx: Record<string, unknown>;
  event: Record<string, unknown>;
  context: Record<string, unknown>;
  env: Record<string, string | undefined>;
  now: number;
  newDate: number;
  runs: number;
  loadedAt: number;
  before?: Record<string, unknown>;
};

const h = useEmulator({ fixtures: ['whoami', 'ticker'], functionsConfig: { whoami: { timeoutSec: 4 } } });

describe('identity and environment per invocation', () => {
  it('a mini-program call: getWXContext has OPENID/APPID/SOURCE wx_client, the event has userInfo, context is SCF-like', async () => {
    const r = await h.emu.call<Snapshot>('whoami', 'o-alice', { x: 1 });
    expect(r.wx).toMatchObject({ OPENID: 'o-alice', APPID: 'wx0000000000000000', ENV: 'tixing-local', SOURCE: 'wx_client' });
    expect(r.event).toEqual({ x: 1, userInfo: { appId: 'wx0000000000000000', openId: 'o-alice' } });
    expect(r.context).toMatchObject({ function_name: 'whoami', time_limit_in_ms: 4000, namespace: 'tixing-local' });
    expect(typeof r.context.request_id).toBe('string');
    expect(r.env.WX_API_TOKEN).toEqual(expect.any(String));
    expect(r.env.TCB_CONTEXT_CNFG).toMatch(/^\{"URL":"http:\/\/127\.0\.0\.1:\d+\/admin\?inv=[a-z0-9]+&"\}$/);
  });

  it('a warm worker does not leak one invocation’s identity, token or env into the next', async () => {
    const a = await h.emu.call<Snapshot>('whoami', 'o-alice', { op: 'setenv' });
    expect(a.env.LEAK).toBe('leaked');
    const b = await h.emu.call<Snapshot>('whoami', 'o-bob', {});
    expect(b.loadedAt).toBe(a.loadedAt); // same warm worker (module loaded once)…
    expect(b.runs).toBe(a.runs + 1);
    expect(b.wx.OPENID).toBe('o-bob'); // …new identity
    expect(b.env.LEAK).toBeUndefined();
    expect(b.env.WX_API_TOKEN).not.toBe(a.env.WX_API_TOKEN);
    const t = await h.emu.callRaw('whoami', {}, { kind: 'timer' });
    const ts = t.result as Snapshot;
    expect(ts.loadedAt).toBe(a.loadedAt);
    expect(ts.wx.OPENID).toBeUndefined();
    expect(ts.wx.APPID).toBeUndefined();
    expect(ts.wx.SOURCE).toBe('wx_trigger');
    expect(ts.env.WX_API_TOKEN).toBeUndefined();
    expect(ts.env.TRIGGER_SRC).toBe('timer');
    expect(ts.env.WX_TRIGGER_API_TOKEN_V0).toEqual(expect.any(String));
  });

  it('concurrent invocations run in separate workers and each keeps its own identity', async () => {
    const ids = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5'];
    const results = await Promise.all(ids.map((id) => h.emu.call<Snapshot>('whoami', id, { op: 'sleep', ms: 300 })));
    results.forEach((r, i) => {
      expect(r.before?.OPENID).toBe(ids[i]);
      expect(r.wx.OPENID).toBe(ids[i]);
    });
    expect(h.emu.runner.workers().whoami).toBeGreaterThanOrEqual(ids.length);
  });
});

describe('cloud calls and function-to-function calls', () => {
  beforeEach(() => h.emu.reset());

  it('openapi works in a mini-program call; the callee of callFunction has SOURCE wx_client,scf, the OPENID, and no token', async () => {
    h.emu.requestSubscribe('o-alice', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    const direct = await h.emu.call<{ result?: { errCode: number }; error?: unknown }>('whoami', 'o-alice', { op: 'openapi' });
    expect(direct.error).toBeUndefined();
    expect(direct.result?.errCode).toBe(0);
    expect(h.emu.inbox('o-alice')).toHaveLength(1);

    h.emu.requestSubscribe('o-alice', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    const viaCallee = await h.emu.call<{ result: { error?: { errCode: number; errMsg: string } } }>('whoami', 'o-alice', {
      op: 'call',
      name: 'whoami',
      data: { op: 'openapi' },
    });
    // [CB-WXTOKEN] no cloud-call token in function-to-function calls: -501007 missing wxCloudApiToken.
    expect(viaCallee.result.error?.errCode).toBe(-501007);
    expect(viaCallee.result.error?.errMsg).toMatch(/wxCloudApiToken/);
    expect(h.emu.inbox('o-alice')).toHaveLength(1);

    const ctx = await h.emu.call<{ result: Snapshot; me: Record<string, unknown> }>('whoami', 'o-alice', { op: 'call', name: 'whoami', data: { y: 2 } });
    expect(ctx.me.SOURCE).toBe('wx_client');
    expect(ctx.result.wx).toMatchObject({ OPENID: 'o-alice', SOURCE: 'wx_client,scf' });
    expect(ctx.result.event).toEqual({ y: 2 });
    expect(ctx.result.env.WX_API_TOKEN).toBeUndefined();
    const log = h.emu.invocations();
    const callee = log.find((e) => e.kind === 'scf' && e.outcome === 'ok' && e.source === 'wx_client,scf');
    expect(callee?.caller).toBe('scf:whoami(o-alice)');
  });

  it('a timer invocation’s cloud call uses the trigger token and works', async () => {
    h.emu.requestSubscribe('o-bob', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    const r = await h.emu.callRaw('whoami', { op: 'openapi', touser: 'o-bob' }, { kind: 'timer' });
    expect(r.ok).toBe(true);
    expect((r.result as { result?: { errCode: number } }).result?.errCode).toBe(0);
    expect(h.emu.inbox('o-bob')).toHaveLength(1);
  });

  it('an error in the callee reaches the caller as a callFunction failure', async () => {
    const r = await h.emu.call<{ error?: { errMsg: string } }>('whoami', 'o-alice', {
      op: 'call',
      name: 'whoami',
      data: { op: 'throw', message: 'inner boom' },
    });
    expect(r.error?.errMsg).toMatch(/inner boom/);
    const missing = await h.emu.call<{ error?: { errMsg: string } }>('whoami', 'o-alice', { op: 'call', name: 'nope' });
    expect(missing.error?.errMsg).toMatch(/function "nope" not found/);
  });
});

describe('failures', () => {
  it('a function that throws fails the invocation with its message', async () => {
    const r = await h.emu.callRaw('whoami', { op: 'throw', message: 'kaboom' }, { openid: 'o-dev' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'FUNCTION_ERROR', message: 'kaboom' });
    await expect(h.emu.call('whoami', 'o-dev', { op: 'throw' })).rejects.toBeInstanceOf(InvocationError);
  });

  it('an unknown function is a clear NOT_FOUND error', async () => {
    const r = await h.emu.callRaw('nope', {}, { openid: 'o-dev' });
    expect(r.error?.code).toBe('NOT_FOUND');
    expect(r.error?.message).toMatch(/function "nope" not found .*known: ticker, whoami/);
  });

  it('timeout terminates the worker (sync spin and async wait) and the function keeps serving', async () => {
    const spin = await h.emu.callRaw('whoami', { op: 'spin', ms: 10_000 }, { openid: 'o-dev' });
    expect(spin.error).toMatchObject({ code: 'TIMEOUT', message: 'Invoking task timed out after 4 seconds' });
    const wait = await h.emu.callRaw('whoami', { op: 'sleep', ms: 10_000 }, { openid: 'o-dev' });
    expect(wait.error?.code).toBe('TIMEOUT');
    expect(wait.durationMs).toBeGreaterThanOrEqual(3900);
    expect(wait.durationMs).toBeLessThan(9000);
    expect((await h.emu.callRaw('whoami', {}, { openid: 'o-dev' })).ok).toBe(true);
  });

  it('an unhandled rejection does not fail the container; an uncaught exception kills only that worker', async () => {
    expect((await h.emu.callRaw('whoami', { op: 'unhandled' }, { openid: 'o-dev' })).result).toBe('survived');
    const crash = await h.emu.callRaw('whoami', { op: 'crash' }, { openid: 'o-dev' });
    expect(crash.error).toMatchObject({ code: 'CRASHED', message: expect.stringMatching(/async crash/) });
    expect((await h.emu.callRaw('whoami', {}, { openid: 'o-dev' })).ok).toBe(true);
  });

  it('killAfterRequests stops the invocation at exactly its n-th /admin request, unanswered', async () => {
    await h.emu.reset();
    h.emu.db.createCollection('probe');
    const r = await h.emu.callRaw('whoami', { op: 'db-add', n: 5 }, { openid: 'o-dev', killAfterRequests: 3 });
    expect(r.error?.code).toBe('KILLED');
    expect(r.requests).toBe(3);
    // Requests 1 and 2 were answered; the 3rd arrived but was neither processed nor answered.
    expect(h.emu.db.find('probe')).toHaveLength(2);
    const full = await h.emu.callRaw('whoami', { op: 'db-add', n: 2 }, { openid: 'o-dev' });
    expect(full).toMatchObject({ ok: true, requests: 2 });
    expect(h.emu.db.find('probe')).toHaveLength(4);
  });

  it('killAfterMs terminates a running invocation', async () => {
    const r = await h.emu.callRaw('whoami', { op: 'sleep', ms: 5000 }, { openid: 'o-dev', killAfterMs: 100 });
    expect(r.error?.code).toBe('KILLED');
    expect(r.durationMs).toBeLessThan(3900);
  });
});

describe('virtual clock inside functions', () => {
  it('Date.now() and new Date() follow advance(), also for an invocation already running', async () => {
    const before = await h.emu.call<Snapshot>('whoami', 'o-dev', {});
    expect(before.now).toBeGreaterThanOrEqual(TEST_START);
    await h.emu.advance(2 * 86400_000);
    const after = await h.emu.call<Snapshot>('whoami', 'o-dev', {});
    expect(after.now - before.now).toBeGreaterThanOrEqual(2 * 86400_000);
    expect(Math.abs(after.newDate - after.now)).toBeLessThan(1000);
    const running = h.emu.call<Snapshot>('whoami', 'o-dev', { op: 'sleep', ms: 600 });
    await new Promise((r) => setTimeout(r, 300));
    await h.emu.advance(3600_000);
    const late = await running;
    expect(late.now - after.now).toBeGreaterThanOrEqual(3600_000);
  });
});
