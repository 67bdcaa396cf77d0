// End to end (emulator + real wx-server-sdk): the main switch acted on by the dispatcher, consent history read and
// exported by the user and by an admin, the retention setting, and deleteMyData's receipt.
import type { Delivery } from '../../core/delivery';
import { PURGE_EVERY_MS, retentionDays } from '../../adapters/stores/consent-log';
import { useEmulator, type Emulator } from '../support/emulator';
import { createCollections, dispatchRuns, ledger, seedAudience, seedCampaign, TPL } from '../dispatch/support';
import { docsOf, record, type Envelope } from '../grants/e2e-helpers';

const h = useEmulator();
beforeEach(async () => {
  await h.emu.reset();
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
  createCollections(h.emu);
});

const subs = <T>(emu: Emulator, openid: string, data: Record<string, unknown>) => emu.call<Envelope<T>>('subscriptions', openid, data);
const deliveries = (emu: Emulator, sourceId: string) => emu.db.find('deliveries', { sourceId }) as unknown as Delivery[];
type HistoryPage = { entries: { templateId: string; title: string | null; result: string; source: string; at: number }[]; next: string | null };

describe('main switch', () => {
  it('a user who switched subscription messages off is skipped main_switch_off, keeps the grant, and is sent to again once it is on', async () => {
    const [off, on] = seedAudience(h.emu, 2, { quota: 2 }) as [string, string];
    // The user turns the main switch off in WeChat; 我的订阅 reads getSetting and reports it.
    h.emu.wechat.setMainSwitch(off, false);
    expect(await subs(h.emu, off, { action: 'syncSettings', ...h.emu.wechat.getSetting(off) })).toMatchObject({ ok: true });
    const c1 = seedCampaign(h.emu);
    await dispatchRuns(h.emu, 1);
    const byUser = new Map(deliveries(h.emu, c1._id).map((d) => [d.openid, d]));
    expect(byUser.get(off)).toMatchObject({ status: 'skipped', reason: 'main_switch_off' });
    expect(byUser.get(on)).toMatchObject({ status: 'sent' });
    expect(ledger(h.emu, off)).toBe(2);
    expect(h.emu.wechat.quota(off, TPL)).toBe(2);
    expect(h.emu.inbox(off)).toHaveLength(0);
    expect(await h.emu.call('campaigns', 'o-admin', { action: 'stats', id: c1._id })).toMatchObject({ ok: true, data: { sent: 1, skipped: { main_switch_off: 1 } } });

    h.emu.wechat.setMainSwitch(off, true);
    expect(await subs(h.emu, off, { action: 'syncSettings', ...h.emu.wechat.getSetting(off) })).toMatchObject({ ok: true });
    h.emu.clock.advance(60_000);
    const c2 = seedCampaign(h.emu);
    await dispatchRuns(h.emu, 1);
    expect(deliveries(h.emu, c2._id).find((d) => d.openid === off)).toMatchObject({ status: 'sent' });
    expect(h.emu.inbox(off)).toHaveLength(1);
    expect(ledger(h.emu, off)).toBe(1);
  });
});

describe('consent history', () => {
  it('the user reads and exports their history (client reports and WeChat pushes); an admin reads and exports any user\'s', async () => {
    h.emu.requestSubscribe('o-hist', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    expect(await record(h.emu, 'o-hist', 'hist-000001', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    await h.emu.pushes.deliver();
    h.emu.clock.advance(2000);
    expect(await subs(h.emu, 'o-hist', { action: 'revoke', templateId: TPL })).toMatchObject({ ok: true });
    const mine = await subs<HistoryPage>(h.emu, 'o-hist', { action: 'history' });
    expect(mine.ok && mine.data.entries[0]).toMatchObject({ result: 'revoke', source: 'client' });
    expect(mine.ok && mine.data.entries.map((e) => e.source).sort()).toEqual(['client', 'client', 'event']);
    expect(mine.ok && mine.data.entries[0]).toMatchObject({ templateId: TPL, title: '活动开始提醒' });

    const csv = await subs<{ content: string; count: number }>(h.emu, 'o-hist', { action: 'exportHistory' });
    expect(csv.ok && csv.data.count).toBe(3);
    expect(csv.ok && csv.data.content.split('\r\n')[0]).toBe('time_utc,template_id,title,result,status,source,page,button');

    // Another user sees only their own (empty) history and cannot read o-hist's.
    expect(await subs(h.emu, 'o-other', { action: 'history' })).toMatchObject({ ok: true, data: { entries: [], next: null } });
    expect(await subs(h.emu, 'o-other', { action: 'userHistory', openid: 'o-hist' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const asAdmin = await subs<HistoryPage>(h.emu, 'o-admin', { action: 'userHistory', openid: 'o-hist' });
    expect(asAdmin.ok && asAdmin.data.entries).toHaveLength(3);
    expect(await subs(h.emu, 'o-admin', { action: 'exportUserHistory', openid: 'o-hist' })).toMatchObject({ ok: true, data: { count: 3 } });
  });

  it('entries older than the retention setting are purged on a later write, idempotently', async () => {
    expect(await record(h.emu, 'o-old', 'old-0000001', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    expect(h.emu.db.find('consent_log', { openid: 'o-old' })).toHaveLength(1);
    h.emu.clock.advance(retentionDays() * 86_400_000 - PURGE_EVERY_MS);
    // Within the retention: kept.
    expect(await record(h.emu, 'o-new', 'new-0000001', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    expect(h.emu.db.find('consent_log', { openid: 'o-old' })).toHaveLength(1);
    h.emu.clock.advance(2 * PURGE_EVERY_MS);
    expect(await record(h.emu, 'o-new', 'new-0000002', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    expect(h.emu.db.find('consent_log', { openid: 'o-old' })).toHaveLength(0);
    expect(h.emu.db.find('consent_log', { openid: 'o-new' })).toHaveLength(2);
    h.emu.clock.advance(2 * PURGE_EVERY_MS);
    expect(await record(h.emu, 'o-new', 'new-0000003', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    expect(h.emu.db.find('consent_log', { openid: 'o-new' })).toHaveLength(3);
    // The grants themselves are not consent history: kept.
    expect(ledger(h.emu, 'o-old')).toBe(1);
  });
});

describe('deleteMyData', () => {
  it('answers a receipt of what it removed, per collection; nothing of the user is left; a retry answers zeros', async () => {
    seedAudience(h.emu, 1, { from: 900 });
    const o = 'o-u000900';
    expect(await record(h.emu, o, 'del-0000001', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    seedCampaign(h.emu);
    await dispatchRuns(h.emu, 1);
    await h.emu.pushes.deliver();
    const before = docsOf(h.emu, o).length + h.emu.db.find('send_log').filter((l) => (l.items as { openid: string }[]).some((i) => i.openid === o)).length;
    const res = await subs<{ deleted: Record<string, number>; total: number; at: number; collections: string[] }>(h.emu, o, { action: 'deleteMyData', confirm: true });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data.deleted).toMatchObject({ grants: 1, deliveries: 1, sent_events: 1, send_log: 1 });
    expect(res.data.deleted.consent_log).toBeGreaterThanOrEqual(1);
    expect(res.data.total).toBe(Object.values(res.data.deleted).reduce((a, b) => a + b, 0));
    expect(res.data.total).toBe(before);
    expect(res.data.at).toBeGreaterThan(0);
    expect(docsOf(h.emu, o)).toEqual([]);
    expect(await subs(h.emu, o, { action: 'deleteMyData', confirm: true })).toMatchObject({ ok: true, data: { total: 0 } });
  });
});
