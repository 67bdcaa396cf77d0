// Emulator server, issue 11: stricter answers (unknown fault keys, wrong methods, unknown functions, malformed
// paths), crashes found by fuzzing (an event nested too deeply for the hand-off to the worker), no engine messages or
// absolute paths in answers, /invocations filters, the /clock/advance summary, and a quieter log.
import { useEmulator } from '../../support/emulator';

const lines: string[] = [];
const h = useEmulator({
  fixtures: ['whoami', 'ticker'],
  // whoami gets a 2 s timeout: the deep-event test below needs the (formerly leaked) timer to fire during a call.
  functionsConfig: { whoami: { timeoutSec: 2 } },
  log: (line) => lines.push(line),
});

async function http(method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.emu.url}${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** An event nested `depth` levels deep, as JSON text (12 KB at ~3,300 levels in the fuzzing report). */
function deepEvent(depth: number): string {
  return `{"openid":"o-deep","data":{"op":"echo","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
}

const ENGINE_TEXT = /Maximum call stack|URI malformed|Unexpected token|at position|\/work\/|\/home\/|\/root\//;

describe('stricter answers', () => {
  it('POST /wx/faults refuses an unknown key, naming it, and keeps the faults in force', async () => {
    const good = await http('POST', '/wx/faults', { systemErrorRate: 0.25, latency: { fixedMs: 5 } });
    expect(good.status).toBe(200);
    const bad = await http('POST', '/wx/faults', { systemErrorRat: 0.5 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/unknown key "systemErrorRat"/);
    const nested = await http('POST', '/wx/faults', { latency: { fixed: 5 } });
    expect(nested.status).toBe(400);
    expect(nested.json.error.message).toMatch(/"latency\.fixed"/);
    const range = await http('POST', '/wx/faults', { timeoutRate: 2 });
    expect(range.status).toBe(400);
    expect(range.json.error.message).toMatch(/timeoutRate/);
    expect((await http('GET', '/wx/faults')).json.faults).toEqual({ systemErrorRate: 0.25, latency: { fixedMs: 5 } });
    expect((await http('POST', '/wx/faults', {})).status).toBe(200);
    expect(h.emu.wechat.faults()).toEqual({});
  });

  it('GET /call/<fn> answers 405 "use POST" (with Allow); GET /clock/advance too', async () => {
    const r = await http('GET', '/call/whoami');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.json.error.message).toMatch(/use POST/);
    expect((await http('GET', '/clock/advance')).status).toBe(405);
    expect((await http('POST', '/health')).status).toBe(405);
  });

  it('/trigger/<unknown> says the function is unknown (404); a function without a timer says so', async () => {
    const unknown = await http('POST', '/trigger/nosuchfn');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/unknown function "nosuchfn"/);
    const noTimer = await http('POST', '/trigger/whoami');
    expect(noTimer.status).toBe(404);
    expect(noTimer.json.error.message).toMatch(/has no timer trigger/);
  });

  it('a malformed percent-escape in the path is a 400, not a 500 "URI malformed"', async () => {
    const r = await http('POST', '/call/%E0%A4%A', { openid: 'o-dev' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/malformed percent-encoding/);
    expect(r.text).not.toMatch(ENGINE_TEXT);
  });

  it('a body that is not JSON is a 400 without the parser\'s message', async () => {
    const r = await http('POST', '/call/whoami', '{"openid": "o-dev",');
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(ENGINE_TEXT);
  });

  it('/admin answers carry no parser or engine messages (malformed body, a query nested too deeply)', async () => {
    const bad = await http('POST', '/admin?env=tixing-local', '{"action": "database.getDocument",');
    expect(bad.json).toMatchObject({ code: 'INVALID_PARAM', message: 'malformed /admin body (expected a JSON object)' });
    h.emu.db.createCollection('probe');
    const depth = 20_000;
    const query = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = await http('POST', '/admin?env=tixing-local', JSON.stringify({ action: 'database.getDocument', collectionName: 'probe', query, queryType: 'WHERE' }));
    expect(deep.status).toBe(200);
    expect(typeof deep.json.code).toBe('string');
    expect(deep.text).not.toMatch(ENGINE_TEXT);
    expect((await http('GET', '/health')).status).toBe(200);
  });

  it('a function that cannot be found answers without absolute paths', async () => {
    const r = await http('POST', '/call/missing', { openid: 'o-dev' });
    expect(r.status).toBe(404);
    expect(r.text).not.toMatch(ENGINE_TEXT);
  });
});

describe('an event nested too deeply for the hand-off to the worker', () => {
  it('answers 400 BAD_EVENT, is logged, and leaves no timer behind to kill the next invocation on that worker', async () => {
    // Warm one worker, so the deep call and the next call share it.
    expect((await http('POST', '/call/whoami', { openid: 'o-warm' })).status).toBe(200);
    const deep = await http('POST', '/call/whoami', deepEvent(20_000));
    expect(deep.status).toBe(400);
    expect(deep.json.error.code).toBe('BAD_EVENT');
    expect(deep.text).not.toMatch(ENGINE_TEXT);
    const id = deep.headers.get('x-invocation-id');
    expect(id).toBeTruthy();
    const logged = await http('GET', `/invocations/${id}`);
    expect(logged.status).toBe(200);
    expect(logged.json).toMatchObject({ fn: 'whoami', outcome: 'BAD_EVENT', openid: 'o-deep' });
    expect(h.emu.runner.runningNow()).toEqual([]);
    // The 2 s timeout armed before the failed hand-off would fire during this call (it runs past it) and kill it.
    await new Promise((r) => setTimeout(r, 300));
    const next = await http('POST', '/call/whoami', { openid: 'o-other', data: { op: 'sleep', ms: 1900 } });
    expect(next.status).toBe(200);
    expect(next.json.wx.OPENID).toBe('o-other');
  });
});

describe('GET /invocations filters', () => {
  beforeAll(async () => {
    h.emu.runner.clearLog();
    await http('POST', '/call/whoami', { openid: 'o-a' });
    await http('POST', '/call/whoami', { openid: 'o-b', data: { op: 'refuse', name: 'NO_GRANT', message: '没有授权' } });
    await http('POST', '/call/whoami', { openid: 'o-a', data: { op: 'throw', message: 'boom' } });
    await h.emu.advance(86400_000); // ticker fires once (daily at 09:00 UTC+8)
  });

  it('answers newest first, limited (default 100)', async () => {
    const all = (await http('GET', '/invocations')).json;
    expect(all.map((e: any) => e.fn)).toEqual(['ticker', 'whoami', 'whoami', 'whoami']);
    expect((await http('GET', '/invocations?limit=2')).json).toHaveLength(2);
    expect((await http('GET', '/invocations?limit=0')).status).toBe(400);
    for (let i = 0; i < 105; i++) await h.emu.callRaw('whoami', { op: 'undefined' }, { openid: 'o-bulk' });
    expect((await http('GET', '/invocations')).json).toHaveLength(100);
  });

  it('by function, outcome (ok, ok:false, error, a code), openid, time', async () => {
    const q = async (s: string) => (await http('GET', `/invocations?${s}`)).json as any[];
    expect(await q('fn=ticker')).toHaveLength(1);
    const refused = await q('outcome=ok:false');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ openid: 'o-b', outcome: 'ok:false', errorCode: 'NO_GRANT', error: '没有授权' });
    expect(await q('outcome=NO_GRANT')).toHaveLength(1);
    expect((await q('outcome=error')).map((e) => e.outcome)).toEqual(['FUNCTION_ERROR']);
    expect((await q('openid=o-a')).map((e) => e.outcome)).toEqual(['FUNCTION_ERROR', 'ok']);
    const tickerAt = (await q('fn=ticker'))[0].startedAt as number;
    expect((await q(`since=${new Date(tickerAt).toISOString()}&fn=ticker`)).length).toBe(1);
    expect((await q(`until=${tickerAt - 1}&fn=ticker`)).length).toBe(0);
    expect((await http('GET', '/invocations?since=yesterday')).status).toBe(400);
    expect((await http('GET', '/invocations?function=x')).status).toBe(400);
  });

  it('GET /invocations/<id> has the event, answer, console output and database requests', async () => {
    h.emu.db.createCollection('probe');
    const r = await http('POST', '/call/whoami', { openid: 'o-detail', data: { op: 'print', message: '你好 console', n: 1 } });
    const id = r.headers.get('x-invocation-id');
    await new Promise((res) => setTimeout(res, 100)); // worker stdout arrives on its own channel
    const e = (await http('GET', `/invocations/${id}`)).json;
    expect(e.detail.event).toMatchObject({ op: 'print', message: '你好 console', userInfo: { openId: 'o-detail' } });
    expect(e.detail.answer).toEqual({ printed: true });
    expect(e.detail.output).toContain('你好 console');
    expect(e.detail.requests).toEqual([expect.objectContaining({ action: 'database.insertDocument', collection: 'probe', changed: 1 })]);
    expect((await http('GET', '/invocations/nope')).status).toBe(404);
  });
});

describe('a quieter log', () => {
  beforeAll(() => h.emu.db.createCollection('probe'));

  it('a timer run that only read prints nothing; one that wrote prints its output and its line', async () => {
    lines.length = 0;
    const idle = await h.emu.callRaw('whoami', { op: 'print', message: 'idle-tick' }, { kind: 'timer' });
    expect(idle.ok).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    expect(lines).toEqual([]);
    expect(h.emu.runner.entry(idle.id)).toMatchObject({ outcome: 'ok', idle: true });
    const busy = await h.emu.callRaw('whoami', { op: 'print', message: 'busy-tick', n: 1 }, { kind: 'timer' });
    expect(busy.ok).toBe(true);
    expect(lines.some((l) => l.includes('busy-tick'))).toBe(true);
    expect(lines.some((l) => l.includes('whoami') && l.includes('timer:?') && / ok$/.test(l))).toBe(true);
  });

  it('an answer { ok: false } is logged as such, not as "ok"', async () => {
    lines.length = 0;
    await http('POST', '/call/whoami', { openid: 'o-b', data: { op: 'refuse', name: 'NO_GRANT', message: 'no grant left' } });
    const line = lines.find((l) => l.includes('← o-b'));
    expect(line).toMatch(/answered ok:false NO_GRANT: no grant left$/);
    expect(line).not.toMatch(/ ok$/);
  });

  it('a long advance prints one summary line, not a line per coalesced step or idle run', async () => {
    lines.length = 0;
    // 400 days: steps of 2 days, so the daily trigger coalesces one fire time per step (~200 runs, all idle).
    const r = await http('POST', '/clock/advance', { ms: 400 * 86400_000 });
    expect(r.json.coalesced).toBeGreaterThan(150);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/clock advanced 400 d: \d+ timer run\(s\) \(\d+ idle, not shown\), \d+ fire time\(s\) coalesced$/);
  });

  it('/clock/advance answers a summary by default and every run with ?detail=1', async () => {
    const r = await http('POST', '/clock/advance', { ms: 3 * 86400_000 });
    expect(r.json).toMatchObject({ runs: 3, byFunction: { ticker: { ok: 3 } }, notOk: [] });
    expect(r.text.length).toBeLessThan(400);
    const d = await http('POST', '/clock/advance?detail=1', { ms: 86400_000 });
    expect(d.json.fired).toHaveLength(1);
    expect(d.json.fired[0]).toMatchObject({ fn: 'ticker', ok: true });
  });
});
