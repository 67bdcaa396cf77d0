// End to end (emulator + real wx-server-sdk): `campaigns.analytics` — the funnel with joined receipts, CTR, sends per
// hour and grant conversion per placement, computed by aggregations in the database; the admin entry check
// (`hello.me`); test-send results carry the tester's nickname.
import { newGrantDoc } from '../../core/grants/model';
import { TEST_START, useEmulator, type Emulator } from '../support/emulator';

const h = useEmulator();
type Env = { ok: boolean; data?: any; error?: { code: string; message: string } };
const admin = (emu: Emulator, data: Record<string, unknown>) => emu.call<Env>('campaigns', 'o-admin', data);
const T = 'TPL_EVENT_REMINDER';
const HOUR = 3_600_000;
const H0 = Date.parse('2026-05-01T01:00:00Z');

function delivery(type: string, source: string, openid: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    _id: `${type}:${source}:${openid}`, sourceType: type, sourceId: source, openid, templateId: T, data: {},
    status, dueAt: TEST_START, attempts: 1, nextAttemptAt: TEST_START, createdAt: TEST_START, updatedAt: TEST_START, ...extra,
  };
}

beforeAll(async () => {
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
  h.emu.db.insert('campaigns', [{
    _id: 'c-a', name: '漏斗', templateId: T, data: {}, audience: { kind: 'all' }, zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN',
    status: 'completed', createdBy: 'o-admin', createdAt: TEST_START, updatedAt: TEST_START,
    counters: { targeted: 6, sent: 4, skipped: 1, failed: 0, unknown: 1, opened: 2 },
  }]);
  const rows = [
    delivery('campaign', 'c-a', 'o-1', 'sent', { sentAt: H0 + 1, receipt: 'delivered', openedAt: H0 + 10 }),
    delivery('campaign', 'c-a', 'o-2', 'sent', { sentAt: H0 + 2, receipt: 'delivered' }),
    delivery('campaign', 'c-a', 'o-3', 'sent', { sentAt: H0 + 2 * HOUR, receipt: 'delivered', openedAt: H0 + 3 * HOUR }),
    delivery('campaign', 'c-a', 'o-4', 'sent', { sentAt: H0 + 2 * HOUR + 5 }),
    delivery('campaign', 'c-a', 'o-5', 'skipped', { reason: 'no_grant' }),
    delivery('campaign', 'c-a', 'o-6', 'unknown'),
    delivery('notify', 'k-1', 'o-1', 'sent', { sentAt: H0, openedAt: H0 + 1 }),
    delivery('notify', 'k-1', 'o-2', 'failed', { errCode: 40003 }),
  ];
  // Enough sends to need more than one page of hour buckets would take 1000+ hours; the pages of deliveries are the
  // database's business: 1500 sent deliveries in three hours must come back as three buckets, not 20 rows [COMM-AGG20].
  for (let i = 0; i < 1500; i++) rows.push(delivery('campaign', 'c-big', `o-${i}`, 'sent', { sentAt: H0 + (i % 3) * HOUR + i }));
  h.emu.db.insert('deliveries', rows);
  const tap = (id: string, page: string, button: string, result: string, templateId = T) =>
    ({ _id: id, openid: 'o-x', templateId, result, placement: { page, button }, source: 'client', ledger: 'none', at: TEST_START });
  h.emu.db.insert('consent_log', [
    tap('t1', 'pages/events/events', 'remind', 'accept'),
    tap('t2', 'pages/events/events', 'remind', 'reject'),
    tap('t3', 'pages/index/index', 'sub', 'accept'),
    tap('t4', 'pages/index/index', 'sub', 'accept', 'TPL_OTHER'), // another template: not this campaign's conversion
    { _id: 't5', openid: 'o-x', templateId: T, result: 'zero', placement: null, source: 'send', ledger: 'none', at: TEST_START },
  ]);
});

describe('campaigns.analytics (emulator)', () => {
  it('a campaign: outcomes, funnel with receipts, CTR, sends per hour, conversion per placement of its template', async () => {
    const r = await admin(h.emu, { action: 'analytics', id: 'c-a' });
    expect(r.ok).toBe(true);
    expect(r.data).toMatchObject({ zone: 'Asia/Shanghai', status: 'completed', receiptFailed: 0 });
    expect(r.data.outcomes).toEqual({ sent: 4, skipped: 1, failed: 0, unknown: 1, cancelled: 0, pending: 0 });
    expect(r.data.funnel).toEqual([
      { stage: 'targeted', n: 6, rate: null },
      { stage: 'sent', n: 4, rate: 4 / 6 },
      { stage: 'delivered', n: 3, rate: 3 / 4 },
      { stage: 'opened', n: 2, rate: 2 / 3 },
    ]);
    expect(r.data.ctr).toBeCloseTo(2 / 3);
    expect(r.data.sendsPerHour).toEqual([{ hour: H0, n: 2 }, { hour: H0 + 2 * HOUR, n: 2 }]);
    expect(r.data.placements).toEqual([
      { page: 'pages/events/events', button: 'remind', taps: 2, accepts: 1, rate: 0.5 },
      { page: 'pages/index/index', button: 'sub', taps: 1, accepts: 1, rate: 1 },
    ]);
  });

  it('a notify key: CTR over sent when no receipt was joined', async () => {
    const r = await admin(h.emu, { action: 'analytics', notifyKey: 'k-1' });
    expect(r.data.outcomes).toMatchObject({ sent: 1, failed: 1 });
    expect(r.data.funnel.map((f: { n: number }) => f.n)).toEqual([2, 1, 0, 1]);
    expect(r.data.ctr).toBe(1);
    expect(r.data.placements.map((p: { taps: number }) => p.taps)).toEqual([2, 2]); // every template
  });

  it('counts in the database, past one page of rows', async () => {
    const r = await admin(h.emu, { action: 'analytics', id: 'c-big' }).catch((e) => e);
    // c-big has no campaign document: NOT_FOUND, never a scan of its deliveries
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    h.emu.db.insert('campaigns', [{ _id: 'c-big', name: 'big', templateId: T, data: {}, audience: { kind: 'all' }, zone: 'Asia/Shanghai', status: 'completed', counters: {}, createdAt: TEST_START, updatedAt: TEST_START }]);
    const big = await admin(h.emu, { action: 'analytics', id: 'c-big' });
    expect(big.data.funnel[1]).toEqual({ stage: 'sent', n: 1500, rate: 1 });
    expect(big.data.sendsPerHour).toEqual([{ hour: H0, n: 500 }, { hour: H0 + HOUR, n: 500 }, { hour: H0 + 2 * HOUR, n: 500 }]);
  });

  it('sends per hour are local hours of the campaign\'s zone, also with a half-hour offset (Asia/Kolkata +05:30)', async () => {
    h.emu.db.insert('campaigns', [{ _id: 'c-in', name: 'Kolkata', templateId: T, data: {}, audience: { kind: 'all' }, zone: 'Asia/Kolkata', status: 'completed', counters: {}, createdAt: TEST_START, updatedAt: TEST_START }]);
    // 01:00Z, 01:20Z and 01:29Z are 06:30, 06:50 and 06:59 in Kolkata; 01:40Z is 07:10 — two local hours, one UTC hour.
    const minutes = [0, 20, 29, 40];
    h.emu.db.insert('deliveries', minutes.map((m) => delivery('campaign', 'c-in', `o-in-${m}`, 'sent', { sentAt: H0 + m * 60_000 })));
    const r = await admin(h.emu, { action: 'analytics', id: 'c-in' });
    expect(r.data.zone).toBe('Asia/Kolkata');
    expect(r.data.sendsPerHour).toEqual([{ hour: H0 - HOUR / 2, n: 3 }, { hour: H0 + HOUR / 2, n: 1 }]);
  });

  it('admins only; one of id / notifyKey; no $-keys', async () => {
    expect(await h.emu.call<Env>('campaigns', 'o-alice', { action: 'analytics', id: 'c-a' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await admin(h.emu, { action: 'analytics', id: 'c-a', notifyKey: 'k-1' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await admin(h.emu, { action: 'analytics' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await admin(h.emu, { action: 'analytics', id: { $ne: 1 } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('admin entry and test-send names (emulator)', () => {
  it('hello.me tells whether the caller is an admin, and writes nothing', async () => {
    const before = h.emu.db.find('users').length;
    expect(await h.emu.call<Env>('hello', 'o-admin', { action: 'me' })).toEqual({ ok: true, data: { isAdmin: true } });
    expect(await h.emu.call<Env>('hello', 'o-alice', { action: 'me' })).toEqual({ ok: true, data: { isAdmin: false } });
    expect(h.emu.db.find('users')).toHaveLength(before);
  });

  it('test-send results carry the tester nickname', async () => {
    const r0 = await admin(h.emu, { action: 'create', name: 'n', templateId: T, data: { thing1: '读书会', time2: '2026-05-02 09:00', thing3: '三楼', thing4: '记得带书' }, audience: { kind: 'all' } });
    expect(r0.ok).toBe(true);
    h.emu.requestSubscribe('o-admin', [T], { [T]: 'accept' });
    h.emu.db.insert('grants', [{ ...newGrantDoc('o-admin', T, 'one-time', TEST_START), remaining: 1 }]);
    h.emu.db.insert('users', [{ _id: 'o-admin', nickname: '小王' }]);
    const r = await admin(h.emu, { action: 'testSend', id: r0.data.id, openids: ['o-admin', 'o-dev'] });
    expect(r.data.results).toEqual([
      expect.objectContaining({ openid: 'o-admin', nickname: '小王', outcome: 'sent' }),
      expect.objectContaining({ openid: 'o-dev', outcome: 'no_grant' }),
    ]);
    expect(r.data.results[1]).not.toHaveProperty('nickname');
  });
});
