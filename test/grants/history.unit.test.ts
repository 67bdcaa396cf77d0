// Unit (core/grants/history + table): consent history pages, CSV export, admin access, and the deleteMyData receipt,
// with in-memory ports and a fixed clock.
import { dispatchAction, type Caller } from '../../core/actions';
import { EXPORT_MAX } from '../../core/grants/history';
import type { ConsentEntry } from '../../core/grants/ports';
import { subscriptionsTable } from '../../core/grants/table';
import { memoryGrantsDeps } from './memory';

const alice: Caller = { openid: 'o-alice', source: 'wx_client' };
const admin: Caller = { openid: 'o-admin', source: 'wx_client' };

function setup() {
  const m = memoryGrantsDeps();
  const table = subscriptionsTable(m.deps.limits);
  const call = (caller: Caller, event: Record<string, unknown>) =>
    dispatchAction(table, m.deps, event, caller, { isAdmin: async (_d, c) => c.openid === 'o-admin' });
  const entry = (openid: string, i: number, at: number, patch: Partial<ConsentEntry> = {}): ConsentEntry => ({
    _id: `c:${openid}:${String(i).padStart(5, '0')}`, openid, templateId: 'TPL_EVENT_REMINDER', result: 'accept', placement: { page: 'pages/events/events', button: 'remind' },
    source: 'client', ledger: 'counted', at, ...patch,
  });
  return { ...m, call, entry };
}

type Page = { ok: true; data: { entries: { at: number; result: string; title: string | null }[]; next: string | null } };

describe('consent history', () => {
  it('pages newest first without losing entries of the same millisecond across a page boundary', async () => {
    const t = setup();
    // 5 entries in one millisecond (one record of several templates) and 2 older ones.
    await t.deps.consent.append([...Array.from({ length: 5 }, (_, i) => t.entry('o-alice', i, 2000)), t.entry('o-alice', 5, 1000), t.entry('o-alice', 6, 500)]);
    await t.deps.consent.append([t.entry('o-bob', 0, 3000)]);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = (await t.call(alice, { action: 'history', limit: 3, ...(cursor ? { cursor } : {}) })) as Page;
      expect(res.ok).toBe(true);
      seen.push(...res.data.entries.map((e) => String(e.at)));
      cursor = res.data.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(['2000', '2000', '2000', '2000', '2000', '1000', '500']);
    const first = (await t.call(alice, { action: 'history' })) as Page;
    expect(first.data.entries[0]).toMatchObject({ title: '活动开始提醒', result: 'accept' });
  });

  it('exports CSV with quoting and spreadsheet formulas defused', async () => {
    const t = setup();
    await t.deps.consent.append([
      t.entry('o-alice', 0, Date.UTC(2026, 0, 2, 3, 4, 5), { status: '=HYPERLINK("x")', placement: { page: 'pages/a,b', button: 'x' } }),
      t.entry('o-alice', 1, Date.UTC(2026, 0, 1), { result: 'unsubscribe', source: 'event', placement: null }),
    ]);
    const res = (await t.call(alice, { action: 'exportHistory' })) as { ok: true; data: { content: string; count: number; truncated: boolean } };
    expect(res.data).toMatchObject({ count: 2, truncated: false });
    expect(res.data.content.split('\r\n')).toEqual([
      'time_utc,template_id,title,result,status,source,page,button',
      `2026-01-02T03:04:05.000Z,TPL_EVENT_REMINDER,活动开始提醒,accept,"'=HYPERLINK(""x"")",client,"pages/a,b",x`,
      '2026-01-01T00:00:00.000Z,TPL_EVENT_REMINDER,活动开始提醒,unsubscribe,,event,,',
      '',
    ]);
  });

  it('caps an export at EXPORT_MAX entries and says so', async () => {
    const t = setup();
    await t.deps.consent.append(Array.from({ length: EXPORT_MAX + 1 }, (_, i) => t.entry('o-alice', i, 10_000 + i)));
    const res = (await t.call(alice, { action: 'exportHistory' })) as { ok: true; data: { count: number; truncated: boolean } };
    expect(res.data).toEqual(expect.objectContaining({ count: EXPORT_MAX, truncated: true }));
  });

  it('an admin reads and exports any user\'s history; a user cannot', async () => {
    const t = setup();
    await t.deps.consent.append([t.entry('o-bob', 0, 1000)]);
    expect(await t.call(alice, { action: 'userHistory', openid: 'o-bob' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.call(alice, { action: 'exportUserHistory', openid: 'o-bob' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await t.call(admin, { action: 'userHistory', openid: 'o-bob' })).toMatchObject({ ok: true, data: { entries: [{ at: 1000 }], next: null } });
    expect(await t.call(admin, { action: 'exportUserHistory', openid: 'o-bob' })).toMatchObject({ ok: true, data: { count: 1 } });
    // A user's own history never shows anyone else's.
    expect(await t.call(alice, { action: 'history' })).toMatchObject({ ok: true, data: { entries: [], next: null } });
  });

  it('refuses bad cursors, limits and openids with INVALID_INPUT', async () => {
    const t = setup();
    for (const ev of [{ action: 'history', cursor: 'x' }, { action: 'history', limit: 101 }, { action: 'history', cursor: { $gt: 0 } }, { action: 'userHistory', openid: '../x' }]) {
      const caller = ev.action === 'userHistory' ? admin : alice;
      expect(await t.call(caller, ev)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
  });
});

describe('deleteMyData receipt', () => {
  it('answers the documents removed per collection, their total and when; a retry answers zeros', async () => {
    const t = setup();
    await t.deps.consent.append([t.entry('o-alice', 0, 1), t.entry('o-alice', 1, 2), t.entry('o-bob', 0, 3)]);
    const res = await t.call(alice, { action: 'deleteMyData', confirm: true });
    expect(res).toMatchObject({ ok: true, data: { deleted: { consent_log: 2, grants: 0 }, total: 2, at: t.clock.now() } });
    expect((res as { data: { collections: string[] } }).data.collections).toEqual(expect.arrayContaining(['grants', 'consent_log', 'deliveries', 'sent_events']));
    expect(await t.call(alice, { action: 'deleteMyData', confirm: true })).toMatchObject({ ok: true, data: { total: 0 } });
    expect(t.consent.map((c) => c.openid)).toEqual(['o-bob']);
  });
});
