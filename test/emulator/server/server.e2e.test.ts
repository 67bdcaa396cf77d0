// Emulator server: the HTTP endpoints, CloudBase-shaped /admin errors (the server keeps serving), and the real
// wx-server-sdk used in-process against the emulator through withSdkEnv.
import cloud from 'wx-server-sdk';
import { useEmulator, withSdkEnv } from '../../support/emulator';

const h = useEmulator({ fixtures: ['whoami', 'ticker'] });

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.emu.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as Record<string, any>, headers: res.headers };
}

const admin = (body: unknown, query = '?env=tixing-local&seqId=1') =>
  http('POST', `/admin${query}`, body, { 'content-type': 'application/json' });

describe('index and health', () => {
  it('GET / lists the endpoints; GET /health reports functions and counters', async () => {
    const index = await http('GET', '/');
    expect(index.status).toBe(200);
    expect(index.text).toMatch(/POST \/call\/<fn>/);
    expect(index.text).toMatch(/POST \/clock\/advance/);
    const health = await http('GET', '/health');
    expect(health.json).toMatchObject({ ok: true, functions: ['ticker', 'whoami'] });
    expect(Array.isArray(health.json.db.slowest)).toBe(true);
  });

  it("GET /health reports the emulator loop's longest stall and its garbage-collection pauses", async () => {
    const before = (await http('GET', '/health')).json.loop;
    expect(before).toEqual({ stallMaxMs: expect.any(Number), stallP99Ms: expect.any(Number), gcPauses: expect.any(Number), gcLongestMs: expect.any(Number), gcTotalMs: expect.any(Number), gcLongest: expect.any(Array), stalls: expect.any(Array) });
    const blockedAt = Date.now();
    // The emulator runs on this test's thread: block it for 400 ms, as a slow request or a long GC pause would.
    const until = performance.now() + 400;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 50));
    const after = (await http('GET', '/health')).json.loop;
    expect(after.stallMaxMs).toBeGreaterThanOrEqual(300);
    // The stall is listed with when it began.
    const stall = after.stalls.find((x: { at: string; ms: number; requests: number }) => x.ms >= 300);
    expect(stall).toBeDefined();
    expect(typeof stall.requests).toBe('number');
    expect(Math.abs(new Date(stall.at).getTime() - blockedAt)).toBeLessThan(200);
    expect(after.stallMaxMs).toBeGreaterThanOrEqual(before.stallMaxMs);
    expect(h.emu.loopHealth().stallMaxMs).toBeGreaterThanOrEqual(after.stallMaxMs);
  });

  it('an unknown path is a 404 that points at GET /', async () => {
    const r = await http('GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.json.error.message).toMatch(/GET \/ lists them/);
  });
});

describe('POST /call/<fn>', () => {
  it('acts as wx.cloud.callFunction from the mini program, without a content-type, answering the plain result', async () => {
    const r = await http('POST', '/call/whoami', '{"openid":"o-dev","data":{"k":"v"}}');
    expect(r.status).toBe(200);
    expect(r.json.wx).toMatchObject({ OPENID: 'o-dev', SOURCE: 'wx_client' });
    expect(r.json.event).toEqual({ k: 'v', userInfo: { appId: 'wx0000000000000000', openId: 'o-dev' } });
    expect(r.headers.get('x-invocation-id')).toBeTruthy();
  });

  it('answers null for undefined, 500 with the message when the function throws, 404 for an unknown function', async () => {
    expect((await http('POST', '/call/whoami', { openid: 'o-dev', data: { op: 'undefined' } })).text).toBe('null');
    const thrown = await http('POST', '/call/whoami', { openid: 'o-dev', data: { op: 'throw', message: 'nope!' } });
    expect(thrown.status).toBe(500);
    expect(thrown.json.error).toMatchObject({ code: 'FUNCTION_ERROR', message: 'nope!' });
    const unknown = await http('POST', '/call/missing', { openid: 'o-dev' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/function "missing" not found/);
  });

  it('refuses a body without openid or with malformed JSON (400)', async () => {
    expect((await http('POST', '/call/whoami', {})).status).toBe(400);
    const bad = await http('POST', '/call/whoami', '{oops');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/not valid JSON/);
  });
});

describe('POST /admin errors are CloudBase-shaped and the server keeps serving', () => {
  it('malformed JSON → INVALID_PARAM', async () => {
    const r = await admin('{"action": "database.getDocument",');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/malformed \/admin body/) });
    expect(typeof r.json.requestId).toBe('string');
    expect((await http('GET', '/health')).status).toBe(200);
  });

  it('unknown action → INVALID_ACTION; unknown collection → DATABASE_COLLECTION_NOT_EXIST; bad EJSON → an error code', async () => {
    expect((await admin({ action: 'auth.getUserInfoForAdmin', uid: 'a' })).json.code).toBe('INVALID_ACTION');
    const missing = await admin({ action: 'database.calculateDocument', collectionName: 'nowhere', query: '{}', envName: 'tixing-local' });
    expect(missing.json.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    h.emu.db.createCollection('things');
    const bad = await admin({ action: 'database.getDocument', collectionName: 'things', queryType: 'WHERE', query: '{"a":{"$numberInt":"x"', limit: 10 });
    expect(typeof bad.json.code).toBe('string');
    expect(bad.json.data).toBeUndefined();
    const garbage = await http('POST', '/admin?env=x', '--zzz\r\nbroken', { 'content-type': 'multipart/form-data; boundary=zzz' });
    expect(garbage.json.code).toBe('INVALID_PARAM');
    expect((await http('GET', '/health')).json.ok).toBe(true);
  });

  it('functions.invokeFunction with an unknown function → FUNCTION_NOT_FOUND, as CloudBase answers', async () => {
    const r = await admin({ action: 'functions.invokeFunction', function_name: 'ghost', request_data: '{}' });
    expect(r.json.code).toBe('FUNCTION_NOT_FOUND');
    expect(r.json.message).toMatch(/function "ghost" not found/);
    const ok = await admin({ action: 'functions.invokeFunction', function_name: 'whoami', request_data: '{"z":1}' });
    expect(JSON.parse(ok.json.data.response_data).event).toEqual({ z: 1 });
  });
});

describe('timers and clock', () => {
  it('POST /trigger/<fn> fires its timer; a function without one is a 404', async () => {
    const r = await http('POST', '/trigger/ticker');
    expect(r.json).toMatchObject({ fn: 'ticker', trigger: 'daily9', ok: true });
    expect(r.json.result.event.Type).toBe('Timer');
    expect((await http('POST', '/trigger/whoami')).status).toBe(404);
  });

  it('GET /clock, POST /clock/advance by ms or to a date (never backwards)', async () => {
    const c = await http('GET', '/clock');
    expect(c.json.upcoming).toEqual([{ fn: 'ticker', trigger: 'daily9', at: expect.stringMatching(/T01:00:00\.000Z$/) }]);
    const a = await http('POST', '/clock/advance?detail=1', { ms: 86400_000 });
    expect(a.json.fired).toHaveLength(1);
    expect(a.json.now).toBeGreaterThanOrEqual(c.json.now + 86400_000);
    const to = new Date(a.json.now + 2 * 86400_000).toISOString();
    const b = await http('POST', '/clock/advance', { to });
    // The default answer is a summary: runs per function and outcome, and the runs that did not answer ok.
    expect(b.json).toMatchObject({ runs: 2, byFunction: { ticker: { ok: 2 } }, notOk: [] });
    expect(b.json.fired).toBeUndefined();
    expect((await http('POST', '/clock/advance', { ms: -5 })).status).toBe(400);
    expect((await http('POST', '/clock/advance', { to: '2000-01-01T00:00:00Z' })).status).toBe(400);
  });
});

describe('delayed tasks over HTTP', () => {
  it('GET /clock lists the tasks a function armed; POST /clock/delayedTasks {"fireTwice":true} runs each twice at its time', async () => {
    h.emu.db.createCollection('probe');
    const before = h.emu.db.find('probe').length;
    const armed = await http('POST', '/call/whoami', { openid: 'o-dev', data: { op: 'wake', n: 60, data: { op: 'db-add', collection: 'probe' } } });
    expect(armed.json).toMatchObject({ result: { errCode: 0 } });
    const c = await http('GET', '/clock');
    expect(c.json.delayed).toEqual([{ fn: 'whoami', at: expect.any(String), data: '{"op":"db-add","collection":"probe"}' }]);
    expect(Date.parse(c.json.delayed[0].at) - c.json.now).toBeGreaterThan(55_000);
    expect(c.json.delayedFaults).toEqual({});
    // Bad fault bodies are refused, nothing changed.
    expect(await http('POST', '/clock/delayedTasks', { fireTwice: 'yes' })).toMatchObject({ status: 400, json: { error: { code: 'INVALID_FAULTS' } } });
    expect(await http('POST', '/clock/delayedTasks', { fireThrice: true })).toMatchObject({ status: 400, json: { error: { code: 'INVALID_FAULTS' } } });
    expect((await http('GET', '/clock')).json.delayedFaults).toEqual({});
    expect(await http('POST', '/clock/delayedTasks', { fireTwice: true })).toMatchObject({ status: 200, json: { ok: true, delayedFaults: { fireTwice: true } } });
    const adv = await http('POST', '/clock/advance?detail=1', { ms: 120_000 });
    expect(adv.json.fired.filter((f: { fn: string; trigger: string }) => f.fn === 'whoami' && f.trigger === 'delayedFunctionTask')).toHaveLength(2);
    expect(h.emu.db.find('probe').length - before).toBe(2);
    expect((await http('GET', '/clock')).json.delayed).toEqual([]);
    expect(await http('POST', '/clock/delayedTasks', {})).toMatchObject({ status: 200, json: { delayedFaults: {} } });
  });
});

describe('simulated WeChat client, snapshot and reset', () => {
  it('requestSubscribeMessage → quota, setting; a send lands in the inbox; faults can be set', async () => {
    const r = await http('POST', '/wx/requestSubscribeMessage', { openid: 'o-bob', tmplIds: ['TPL_EVENT_REMINDER'], choices: { TPL_EVENT_REMINDER: 'accept' } });
    expect(r.json.ok).toBe(true);
    expect((await http('GET', '/wx/quota/o-bob/TPL_EVENT_REMINDER')).json).toEqual({ quota: 1 });
    // itemSettings is only filled when "always keep" is ticked [SUBSETTING]; the main switch is on.
    expect((await http('GET', '/wx/setting/o-bob')).json).toEqual({ mainSwitch: true, itemSettings: {} });
    await http('POST', '/call/whoami', { openid: 'o-bob', data: { op: 'openapi' } });
    const inbox = await http('GET', '/wx/inbox/o-bob');
    expect(inbox.json).toHaveLength(1);
    expect(inbox.json[0].templateId).toBe('TPL_EVENT_REMINDER');
    expect((await http('POST', '/wx/faults', { systemErrorRate: 0 })).json.ok).toBe(true);
  });

  it('GET /snapshot exports (Dates survive), POST /snapshot imports, POST /reset drops everything', async () => {
    await http('POST', '/reset');
    h.emu.db.createCollection('notes');
    h.emu.db.insert('notes', [{ _id: 'n1', at: new Date('2026-05-01T00:00:00Z'), n: 1 }]);
    const snap = await http('GET', '/snapshot');
    expect(snap.json.collections.notes).toEqual([{ _id: 'n1', at: { $date: '2026-05-01T00:00:00Z' }, n: 1 }]);
    expect((await http('POST', '/reset')).json.ok).toBe(true);
    expect(h.emu.db.collections()).toEqual([]);
    expect((await http('POST', '/snapshot', snap.json)).json.collections).toEqual(['notes']);
    const back = h.emu.db.find('notes');
    expect(back[0]?.at).toBeInstanceOf(Date);
  });
});

describe('withSdkEnv: the real wx-server-sdk in the test process', () => {
  it('callFunction of a function the environment does not have rejects with FUNCTION_NOT_FOUND', async () => {
    const err = await withSdkEnv(h.emu, async () => {
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
      try {
        await cloud.callFunction({ name: 'ghost', data: {} });
        return undefined;
      } catch (e) {
        return e as { code?: string; errCode?: number; message: string };
      }
    });
    expect(err?.code).toBe('FUNCTION_NOT_FOUND'); // the SDK passes CloudBase's code through (errCode -1)
    expect(err?.errCode).not.toBe(-504001);
    expect(err?.message).toContain('function "ghost" not found');
  });

  it('reads and writes the emulator database, attributed to no invocation', async () => {
    await h.emu.reset();
    h.emu.db.createCollection('items');
    const before = h.emu.runner.totalRequests();
    const got = await withSdkEnv(h.emu, async () => {
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
      const db = cloud.database();
      await db.collection('items').add({ data: { name: 'a', n: 1 } });
      return db.collection('items').where({ n: 1 }).get();
    });
    expect((got as { data: unknown[] }).data).toEqual([expect.objectContaining({ name: 'a', n: 1 })]);
    expect(h.emu.runner.totalRequests() - before).toBe(2);
    expect(process.env.TCB_CONTEXT_CNFG).toBeUndefined();
  });

  it('each /admin request of an invocation is attributed to it through the ?inv= query', async () => {
    h.emu.db.createCollection('probe');
    const r = await h.emu.callRaw('whoami', { op: 'db-add', n: 3 }, { openid: 'o-dev' });
    expect(r).toMatchObject({ ok: true, requests: 3 });
    expect(h.emu.db.find('probe')).toHaveLength(3);
  });
});
