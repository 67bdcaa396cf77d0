// End to end (emulator + real wx-server-sdk): every errcode path of the sender ends in its documented outcome —
// delivery record, grant ledger and WeChat's own quota asserted after each; invalid data never reaches WeChat.
import { rmSync } from 'node:fs';
import { useEmulator } from '../support/emulator';
import { buildSendingFunctions, COLLECTIONS, delivery, FUNCTIONS_DIR, ledger, seedGrant, sim } from './e2e-support';

beforeAll(() => buildSendingFunctions(), 120_000);
afterAll(() => rmSync(FUNCTIONS_DIR, { recursive: true, force: true }));
const h = useEmulator({ functionsDir: FUNCTIONS_DIR, functionsConfig: { sendprobe: { timeoutSec: 10 }, sendprobebare: { timeoutSec: 10 } } });

const EVENT = { thing1: '周末读书会', time2: '2026年5月2日 15:00', thing3: '图书馆三楼', thing4: '请提前10分钟到场' };
const TPL = 'TPL_EVENT_REMINDER';
type Envelope = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string; message: string; details?: unknown } };

async function probe(event: Record<string, unknown>, opts: { fn?: string; kind?: 'client' | 'scf' | 'timer'; openid?: string } = {}): Promise<Envelope> {
  const { fn = 'sendprobe', kind = 'client', openid = 'o-dev' } = opts;
  const r = await h.emu.callRaw(fn, event, { kind, ...(kind === 'timer' ? {} : { openid }) });
  if (!r.ok) throw new Error(`${fn} failed: ${r.error?.code} ${r.error?.message}`);
  return r.result as Envelope;
}
const send = (id: string, over: Record<string, unknown> = {}, opts = {}) =>
  probe({ action: 'send', sourceId: id, openid: 'o-alice', templateId: TPL, data: EVENT, page: 'pages/index/index', ...over }, opts);
const data = (e: Envelope) => (e.ok ? e.data : (() => { throw new Error(`expected ok, got ${JSON.stringify(e.error)}`); })());

beforeEach(async () => {
  await h.emu.reset();
  for (const c of COLLECTIONS) h.emu.db.createCollection(c);
});

describe('sender pipeline through the emulator', () => {
  it('sends: delivery sent with msgid, ledger and WeChat quota both down by one, card in the inbox', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 2);
    const r = data(await send('ok1'));
    expect(r).toMatchObject({ deliveryId: 'test:ok1:o-alice', status: 'sent', errCode: 0, grant: 'kept' });
    expect(delivery(h.emu, 'test:ok1:o-alice')).toMatchObject({ status: 'sent', attempts: 1, errCode: 0, msgid: r.msgid, sentAt: expect.any(Number) });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
    const inbox = h.emu.inbox('o-alice');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ miniprogramState: 'developer', lang: 'zh_CN', page: 'pages/index/index' });
    expect(data(await send('ok1')).duplicate).toBe(true); // same id: not sent twice
    expect(h.emu.inbox('o-alice')).toHaveLength(1);
  });

  it('a message that fails validation never reaches WeChat and touches nothing', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    const before = h.emu.wechat.stats();
    const r = await send('bad1', { data: { ...EVENT, thing1: '这是一个明显超过了二十个字符限制的活动名称呀' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { errors: [{ key: 'thing1', rule: 'length' }] } } });
    expect(h.emu.wechat.stats()).toEqual(before);
    expect(delivery(h.emu, 'test:bad1:o-alice')).toBeUndefined();
    expect(ledger(h.emu, 'o-alice', TPL)).toBe(1);
  });

  it('43101: the ledger believed in a grant WeChat does not have → skipped no_grant, ledger zeroed, not retried', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 2, false);
    const r = data(await send('z1'));
    expect(r).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101, grant: 'zeroed' });
    expect(r.retryAt).toBeUndefined();
    expect(delivery(h.emu, 'test:z1:o-alice')).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101, attempts: 1 });
    expect(ledger(h.emu, 'o-alice', TPL)).toBe(0);
    expect(h.emu.db.find('consent_log', { openid: 'o-alice', ledger: 'zero' })).toHaveLength(1);
  });

  it('47003: a registry copy that differs from WeChat passes validation, WeChat refuses → failed invalid_data, refunded', async () => {
    h.emu.db.insert('templates', [{ _id: TPL, title: '活动开始提醒', kind: 'one-time', content: '活动名称:{{thing1.DATA}}\n', keywords: [{ key: 'thing1', label: '活动名称', type: 'thing' }], source: 'config', syncedAt: 0 }]);
    seedGrant(h.emu, 'o-alice', TPL, 1);
    const r = data(await send('d1', { data: { thing1: '读书会' } }));
    expect(r).toMatchObject({ status: 'failed', reason: 'invalid_data', errCode: 47003, grant: 'refunded' });
    expect(delivery(h.emu, 'test:d1:o-alice')).toMatchObject({ status: 'failed', reason: 'invalid_data', errCode: 47003, detail: expect.stringContaining('data.time2.value is empty') });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
  });

  it.each([
    ['40003 bad openid', { openid: 'o.bad!' }, 'o.bad!', 40003, 'invalid_openid'],
    ['40037 template unknown to WeChat', { templateId: 'TPL_GHOST', data: { thing1: '读书会' } }, 'o-alice', 40037, 'invalid_template'],
    ['41030 page not in app.json', { page: 'pages/nope/nope' }, 'o-alice', 41030, 'invalid_page'],
  ])('%s → failed, grant refunded', async (_name, over, openid, code, reason) => {
    h.emu.db.insert('templates', [{ _id: 'TPL_GHOST', title: '幽灵', kind: 'one-time', content: '名称:{{thing1.DATA}}\n', keywords: [{ key: 'thing1', label: '名称', type: 'thing' }], source: 'config', syncedAt: 0 }]);
    const tpl = (over as { templateId?: string }).templateId ?? TPL;
    seedGrant(h.emu, openid, tpl, 1);
    const r = data(await send('x1', over));
    expect(r).toMatchObject({ status: 'failed', reason, errCode: code, grant: 'refunded' });
    expect(delivery(h.emu, `test:x1:${openid}`)).toMatchObject({ status: 'failed', reason, errCode: code, attempts: 1 });
    expect(ledger(h.emu, openid, tpl)).toBe(1);
    expect(h.emu.wechat.stats().byErrCode[String(code)]).toBe(1);
  });

  it('43107 banned template and 45168 sensitive words → failed, grant refunded, WeChat quota untouched', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    sim(h.emu).setPolicy({ bannedTemplates: [TPL] });
    expect(data(await send('b1'))).toMatchObject({ status: 'failed', reason: 'banned', errCode: 43107, grant: 'refunded' });
    sim(h.emu).setPolicy({ bannedTemplates: [], sensitiveWords: ['违禁词'] });
    expect(data(await send('s1', { data: { ...EVENT, thing4: '含有违禁词的提示' } }))).toMatchObject({ status: 'failed', reason: 'sensitive_words', errCode: 45168 });
    expect(delivery(h.emu, 'test:s1:o-alice')).toMatchObject({ status: 'failed', errCode: 45168 });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
  });

  it('43108 concurrent sends to one user: one sent, the other pending for a later retry (refunded), then sent', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 2);
    // Warm two containers first (invalid data: no cloud call), so both sends reach WeChat within the latency window.
    await Promise.all([send('w1', { data: {} }), send('w2', { data: {} })]);
    h.emu.wechat.setFaults({ latency: { fixedMs: 800 } });
    const [a, b] = (await Promise.all([send('c1'), send('c2')])).map(data);
    const results = [a, b].map((r) => r?.status).sort();
    expect(results).toEqual(['pending', 'sent']);
    const later = [a, b].find((r) => r?.status === 'pending')!;
    expect(later).toMatchObject({ reason: 'concurrent_send', errCode: 43108, grant: 'refunded', retryAt: expect.any(Number) });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
    h.emu.wechat.setFaults({});
    const retried = data(await probe({ action: 'deliver', deliveryId: later.deliveryId }, { kind: 'timer' }));
    // 43108 is not the message's fault: it does not count as an attempt (inline and in the dispatcher alike).
    expect(retried).toMatchObject({ claimed: true, status: 'sent', attempts: 1 });
    expect(delivery(h.emu, later.deliveryId as string)).toMatchObject({ status: 'sent', attempts: 1, errCode: 0 });
    expect(delivery(h.emu, later.deliveryId as string)).not.toHaveProperty('reason');
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([0, 0]);
  });

  it('-1 system error: pending with a backoff time, grant refunded; the retry sends it', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    h.emu.wechat.setFaults({ systemErrorRate: 1 });
    const r = data(await send('m1'));
    expect(r).toMatchObject({ status: 'pending', reason: 'system_error', errCode: -1, grant: 'refunded' });
    const d = delivery(h.emu, 'test:m1:o-alice')!;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, errCode: -1, reason: 'system_error' });
    expect(d.nextAttemptAt as number).toBeGreaterThan(h.emu.now());
    expect(ledger(h.emu, 'o-alice', TPL)).toBe(1);
    h.emu.wechat.setFaults({});
    expect(data(await probe({ action: 'deliver', deliveryId: 'test:m1:o-alice' }, { kind: 'timer' }))).toMatchObject({ status: 'sent', attempts: 2 });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([0, 0]);
  });

  it('timeout: WeChat delivered but the answer never came → unknown, grant kept as consumed, not retried', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    h.emu.wechat.setFaults({ timeoutRate: 1 });
    const r = data(await send('t1'));
    expect(r).toMatchObject({ status: 'unknown', reason: 'timeout', errCode: -604102, grant: 'kept' });
    expect(r.retryAt).toBeUndefined();
    expect(delivery(h.emu, 'test:t1:o-alice')).toMatchObject({ status: 'unknown', reason: 'timeout', attempts: 1 });
    // The ledger and WeChat agree: the send happened.
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL), h.emu.inbox('o-alice').length]).toEqual([0, 0, 1]);
  });

  it('connection lost after sending: WeChat delivered, the SDK threw -501001 "socket hang up" → unknown, never sent again', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 2);
    h.emu.wechat.setFaults({ resetRate: 1 });
    const r = data(await send('h1'));
    expect(r).toMatchObject({ status: 'unknown', reason: 'timeout', errCode: -501001, grant: 'kept' });
    expect(r.retryAt).toBeUndefined();
    expect(delivery(h.emu, 'test:h1:o-alice')).toMatchObject({ status: 'unknown', attempts: 1, detail: expect.stringContaining('socket hang up') });
    // Delivered once; a retry would have delivered it twice (the user still had a second grant to spend).
    h.emu.wechat.setFaults({});
    expect(data(await probe({ action: 'deliver', deliveryId: 'test:h1:o-alice' }, { kind: 'timer' }))).toMatchObject({ claimed: false });
    expect(h.emu.inbox('o-alice')).toHaveLength(1);
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
  });

  it('-604101: config.json without subscribeMessage.send → pending (waits for the fix), grant refunded, operator told', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    const r = data(await send('p1', {}, { fn: 'sendprobebare' }));
    expect(r).toMatchObject({ status: 'pending', reason: 'missing_permission', errCode: -604101, grant: 'refunded' });
    expect(r.operator).toMatch(/permissions\.openapi/);
    // A configuration error waits for the fix without using up the message's attempts.
    expect(delivery(h.emu, 'test:p1:o-alice')).toMatchObject({ status: 'pending', errCode: -604101, attempts: 0 });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([1, 1]);
  });

  it('-501007: a cloud call without a token → clear NO_CLOUD_CALL_TOKEN, record final, grant refunded; with fallback it waits', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    const r = await send('n1', { ignoreSource: true }, { kind: 'scf' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_CLOUD_CALL_TOKEN' } });
    expect(delivery(h.emu, 'test:n1:o-alice')).toMatchObject({ status: 'failed', reason: 'no_cloud_call_token', errCode: -501007 });
    expect(ledger(h.emu, 'o-alice', TPL)).toBe(1);
    const q = data(await send('n2', { ignoreSource: true, fallback: true }, { kind: 'scf' }));
    expect(q).toMatchObject({ status: 'pending', queued: true, errCode: -501007 });
    expect(h.emu.wechat.stats().byErrCode['-501007']).toBe(2);
    expect(ledger(h.emu, 'o-alice', TPL)).toBe(1);
  });

  it('no token detected from SOURCE: refused before any cloud call, or enqueued; the dispatcher-like deliver sends it', async () => {
    seedGrant(h.emu, 'o-alice', TPL, 1);
    const r = await send('o1', {}, { kind: 'scf' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_CLOUD_CALL_TOKEN' } });
    expect(h.emu.wechat.stats().sends).toBe(0);
    const q = data(await send('o1', { fallback: true }, { kind: 'scf' }));
    expect(q).toMatchObject({ deliveryId: 'notify:test:o1:o-alice', status: 'pending', queued: true });
    const e = data(await probe({ action: 'enqueue', key: 'order-9', openid: 'o-alice', templateId: TPL, data: EVENT }, { kind: 'scf' }));
    expect(e).toMatchObject({ deliveryId: 'notify:order-9:o-alice', created: true });
    expect(data(await probe({ action: 'enqueue', key: 'order-9', openid: 'o-alice', templateId: TPL, data: EVENT }, { kind: 'scf' })).created).toBe(false);
    expect(h.emu.wechat.stats().sends).toBe(0);
    const sent = data(await probe({ action: 'deliver', deliveryId: q.deliveryId }, { kind: 'timer' }));
    expect(sent).toMatchObject({ claimed: true, status: 'sent' });
    expect(delivery(h.emu, q.deliveryId as string)).toMatchObject({ sourceType: 'notify', status: 'sent', attempts: 1 });
    expect([ledger(h.emu, 'o-alice', TPL), h.emu.quota('o-alice', TPL)]).toEqual([0, 0]);
    // The second one has no grant left: skipped, never sent.
    expect(data(await probe({ action: 'deliver', deliveryId: 'notify:order-9:o-alice' }, { kind: 'timer' }))).toMatchObject({ status: 'skipped', reason: 'no_grant' });
    expect(h.emu.wechat.stats().sends).toBe(1);
  });
});
