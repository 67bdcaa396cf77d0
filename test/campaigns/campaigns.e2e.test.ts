// End to end (emulator + real wx-server-sdk): the `campaigns` function as the admin pages call it.
import { newGrantDoc } from '../../core/grants/model';
import { TEST_START, useEmulator, type Emulator } from '../support/emulator';

const h = useEmulator();
beforeEach(async () => {
  await h.emu.reset();
  // Collections exist only after `setup` (as in a fresh CloudBase environment).
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
});

type Env = { ok: boolean; data?: any; error?: { code: string; message: string; details?: any } };
const admin = (emu: Emulator, data: Record<string, unknown>) => emu.call<Env>('campaigns', 'o-admin', data);
const T = 'TPL_EVENT_REMINDER';
const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆三楼', thing4: '{{nickname}}，记得带书' };
const CREATE = { action: 'create', name: '五一读书会', templateId: T, data: DATA, page: 'pages/index/index', audience: { kind: 'all' } };

function grant(openid: string, remaining: number, extra: Record<string, unknown> = {}) {
  return { ...newGrantDoc(openid, T, 'one-time', TEST_START), remaining, ...extra };
}
function delivery(campaignId: string, openid: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    _id: `campaign:${campaignId}:${openid}`, sourceType: 'campaign', sourceId: campaignId, openid, templateId: T, data: {},
    status, dueAt: TEST_START, attempts: 0, nextAttemptAt: TEST_START, createdAt: TEST_START, updatedAt: TEST_START, ...extra,
  };
}
async function createId(emu: Emulator, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await admin(emu, { ...CREATE, ...extra });
  expect(r).toMatchObject({ ok: true });
  return r.data.id as string;
}

describe('campaigns function (emulator)', () => {
  it('refuses every action to a non-admin', async () => {
    const actions = ['list', 'get', 'create', 'update', 'schedule', 'pause', 'resume', 'cancel', 'previewAudience', 'testSend', 'stats', 'analytics'];
    for (const action of actions) {
      const r = await h.emu.call<Env>('campaigns', 'o-alice', { ...CREATE, action, id: 'x' });
      expect([action, r.error?.code]).toEqual([action, 'FORBIDDEN']);
    }
    expect(h.emu.db.find('campaigns')).toHaveLength(0);
  });

  it('refuses bad data naming the key; creates and schedules 09:00 Asia/Shanghai at 01:00Z', async () => {
    const bad = await admin(h.emu, { ...CREATE, data: { ...DATA, thing3: '一个非常非常非常非常非常非常长的活动地点名称' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [{ key: 'thing3', rule: 'length' }] } });
    expect(bad.error!.message).toContain('thing3');
    const id = await createId(h.emu);
    const s = await admin(h.emu, { action: 'schedule', id, sendAt: '2026-05-02 09:00', zone: 'Asia/Shanghai' });
    expect(s).toMatchObject({ ok: true, data: { status: 'scheduled', sendAtUtc: '2026-05-02T01:00:00.000Z' } });
    const [doc] = h.emu.db.find('campaigns', { _id: id });
    expect(doc).toMatchObject({ status: 'scheduled', sendAt: Date.parse('2026-05-02T01:00:00Z'), sendAtLocal: '2026-05-02 09:00', zone: 'Asia/Shanghai' });
    // The emulator's clock starts at 2026-05-01 08:00 in Shanghai: 07:00 that day is past.
    expect(await admin(h.emu, { action: 'schedule', id, sendAt: '2026-05-01 07:00' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const got = await admin(h.emu, { action: 'get', id });
    expect(got).toMatchObject({ ok: true, data: { campaign: { id, name: '五一读书会', sendAtDisplay: '2026-05-02 09:00 +08:00' } } });
  });

  it('updates a draft replacing nested fields (audience all → segment → all)', async () => {
    const id = await createId(h.emu);
    await admin(h.emu, { action: 'update', id, patch: { audience: { kind: 'segment', tags: ['vip'], attributes: { city: '上海' } } } });
    expect(h.emu.db.find('campaigns', { _id: id })[0]!.audience).toEqual({ kind: 'segment', tags: ['vip'], attributes: { city: '上海' } });
    await admin(h.emu, { action: 'update', id, patch: { audience: { kind: 'all' }, quietHours: { start: '22:00', end: '08:00' } } });
    expect(h.emu.db.find('campaigns', { _id: id })[0]).toMatchObject({ audience: { kind: 'all' }, quietHours: { start: '22:00', end: '08:00' } });
    expect(h.emu.db.find('campaigns', { _id: id })[0]!.audience).toEqual({ kind: 'all' });
    await admin(h.emu, { action: 'update', id, patch: { quietHours: null } });
    expect(h.emu.db.find('campaigns', { _id: id })[0]!.quietHours).toBeUndefined();
  });

  it('previews the audience: grants left or long-term active, minus the frequency cap; segments join users', async () => {
    h.emu.db.insert('grants', [
      grant('o-alice', 2),
      grant('o-bob', 0),
      grant('o-carol', 1),
      { ...newGrantDoc('o-dave', T, 'long-term', TEST_START), active: true },
      { ...newGrantDoc('o-erin', T, 'long-term', TEST_START), active: false },
      { ...grant('o-alice', 3), _id: 'g:o-alice:TPL_OTHER', templateId: 'TPL_OTHER' },
    ]);
    // carol got a campaign message an hour ago (another campaign): the cap of 1 per 24 h holds her back.
    const at = (agoH: number) => ({ sentAt: h.emu.now() - agoH * 3_600_000, updatedAt: h.emu.now() - agoH * 3_600_000 });
    h.emu.db.insert('deliveries', [delivery('old', 'o-carol', 'sent', at(1)), delivery('old', 'o-alice', 'sent', at(48)), delivery('old2', 'o-alice', 'skipped', at(1))]);
    const id = await createId(h.emu, { frequencyCap: { max: 1, perHours: 24 } });
    expect(await admin(h.emu, { action: 'previewAudience', id })).toEqual({ ok: true, data: { reachable: 2, noGrant: 2, capped: 1, total: 5, held: 0 } });

    h.emu.db.insert('users', [
      { _id: 'o-alice', tags: ['vip', 'reader'], attributes: { city: '上海' } },
      { _id: 'o-bob', tags: ['vip'], attributes: { city: '上海' } },
      { _id: 'o-carol', tags: ['vip'], attributes: { city: '上海' } },
      { _id: 'o-dave', tags: ['vip'], attributes: { city: '北京' } },
      { _id: 'o-zoe', tags: ['vip'], attributes: { city: '上海' } },
    ]);
    await admin(h.emu, { action: 'update', id, patch: { audience: { kind: 'segment', tags: ['vip'], attributes: { city: '上海' } } } });
    expect(await admin(h.emu, { action: 'previewAudience', id })).toEqual({ ok: true, data: { reachable: 1, noGrant: 2, capped: 1, total: 4, held: 0 } });
  });

  it('pauses, resumes and cancels; cancel marks pending deliveries cancelled and leaves the rest', async () => {
    const id = await createId(h.emu);
    await admin(h.emu, { action: 'schedule', id, sendAt: '2026-05-02 09:00' });
    expect(await admin(h.emu, { action: 'pause', id })).toMatchObject({ ok: true, data: { status: 'paused' } });
    expect(await admin(h.emu, { action: 'resume', id })).toMatchObject({ ok: true, data: { status: 'scheduled' } });
    // As if the dispatcher had promoted it and created deliveries.
    await admin(h.emu, { action: 'pause', id });
    expect(h.emu.db.find('campaigns', { _id: id })[0]!.status).toBe('paused');
    h.emu.db.insert('deliveries', [delivery(id, 'o-alice', 'sent'), delivery(id, 'o-bob', 'pending'), delivery(id, 'o-carol', 'pending'), delivery(id, 'o-dave', 'sending')]);
    expect(await admin(h.emu, { action: 'cancel', id })).toMatchObject({ ok: true, data: { status: 'cancelled', cancelledDeliveries: 2 } });
    const statuses = h.emu.db.find('deliveries', { sourceId: id }).map((d) => `${d.openid}:${d.status}`).sort();
    expect(statuses).toEqual(['o-alice:sent', 'o-bob:cancelled', 'o-carol:cancelled', 'o-dave:sending']);
    expect(await admin(h.emu, { action: 'resume', id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('folds stats from deliveries and lists progress from counters', async () => {
    const id = await createId(h.emu);
    h.emu.db.insert('deliveries', [
      delivery(id, 'o-1', 'sent', { openedAt: TEST_START + 1 }),
      delivery(id, 'o-2', 'sent'),
      delivery(id, 'o-3', 'skipped', { reason: 'no_grant' }),
      delivery(id, 'o-4', 'failed', { errCode: 40003, reason: 'invalid_openid' }),
      delivery(id, 'o-5', 'unknown'),
      delivery(id, 'o-6', 'pending'),
      delivery('other', 'o-1', 'sent'),
    ]);
    expect(await admin(h.emu, { action: 'stats', id })).toEqual({
      ok: true,
      data: { targeted: 6, sent: 2, skipped: { no_grant: 1 }, failed: { '40003': 1 }, unknown: 1, opened: 1, receipts: { delivered: 0, failed: 0, awaiting: 2 }, pending: 1, cancelled: 0, status: 'draft' },
    });
    const list = await admin(h.emu, { action: 'list' });
    expect(list).toMatchObject({ ok: true, data: { campaigns: [{ id, status: 'draft', progress: { targeted: 0, pending: 0 } }] } });
  });

  it('test-sends to the whitelist with the tester nickname resolved', async () => {
    const id = await createId(h.emu);
    h.emu.requestSubscribe('o-admin', [T], { [T]: 'accept' });
    h.emu.db.insert('grants', [{ ...newGrantDoc('o-admin', T, 'one-time', TEST_START), remaining: 1 }]);
    h.emu.db.insert('users', [{ _id: 'o-admin', nickname: '小王' }]);
    expect(await admin(h.emu, { action: 'testSend', id, openids: ['o-alice'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const r = await admin(h.emu, { action: 'testSend', id, openids: ['o-admin'] });
    expect(r).toMatchObject({ ok: true, data: { results: [{ openid: 'o-admin', outcome: 'sent' }] } });
    const inbox = h.emu.inbox('o-admin');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.data.thing4).toEqual({ value: '小王，记得带书' });
  });
});
