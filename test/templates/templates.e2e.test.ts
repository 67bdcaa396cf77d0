// End to end (emulator + real wx-server-sdk): the admin `templates` function — list, sync from getTemplateList
// (and a clear error without its permission), preview, and test sends limited to the whitelist.
import { rmSync } from 'node:fs';
import { useEmulator, type Envelope } from '../support/emulator';
import { buildSendingFunctions, COLLECTIONS, delivery, FUNCTIONS_DIR, ledger, seedGrant } from '../sending/e2e-support';

beforeAll(() => buildSendingFunctions(), 120_000);
afterAll(() => rmSync(FUNCTIONS_DIR, { recursive: true, force: true }));
const h = useEmulator({ functionsDir: FUNCTIONS_DIR, functionsConfig: { templates: { timeoutSec: 10 }, templatesbare: { timeoutSec: 10 } } });

const admin = <T = Record<string, unknown>>(event: Record<string, unknown>, fn = 'templates') => h.emu.call<Envelope<T>>(fn, 'o-admin', event);
const EVENT = { thing1: '周末读书会', time2: '2026年5月2日 15:00', thing3: '图书馆三楼', thing4: '请提前10分钟到场' };

beforeEach(async () => {
  await h.emu.reset();
  for (const c of COLLECTIONS) h.emu.db.createCollection(c);
});

describe('templates function', () => {
  it('is admin only', async () => {
    expect(await h.emu.call('templates', 'o-alice', { action: 'list' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('lists the declared templates, then syncs from getTemplateList (added / updated / removed)', async () => {
    const before = await admin<{ templates: { templateId: string; source: string }[] }>({ action: 'list' });
    expect(before.ok && before.data.templates.map((t) => [t.templateId, t.source])).toEqual([
      ['TPL_APPLY_RESULT', 'config'], ['TPL_EVENT_REMINDER', 'config'], ['TPL_NEW_ARRIVAL', 'config'], ['TPL_ORDER_STATUS', 'config'], ['TPL_SERVICE_NOTICE', 'config'],
    ]);
    h.emu.db.insert('templates', [{ _id: 'TPL_OLD', title: '旧模板', kind: 'one-time', content: '名称:{{thing1.DATA}}\n', keywords: [], source: 'sync', syncedAt: 1 }]);
    expect(await admin({ action: 'sync' })).toEqual({ ok: true, data: { added: 5, updated: 0, removed: 1 } });
    expect(await admin({ action: 'sync' })).toEqual({ ok: true, data: { added: 0, updated: 0, removed: 0 } });
    const stored = h.emu.db.find('templates', {});
    expect(stored.map((d) => d._id).sort()).toEqual(['TPL_APPLY_RESULT', 'TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL', 'TPL_ORDER_STATUS', 'TPL_SERVICE_NOTICE']);
    const apply = stored.find((d) => d._id === 'TPL_APPLY_RESULT');
    expect(apply).toMatchObject({ source: 'sync', kind: 'one-time', keywords: [{ key: 'enum1', type: 'enum', enumValues: ['已通过', '未通过', '待补充'] }, { key: 'name2', type: 'name', label: '申请人' }] });
    expect(stored.find((d) => d._id === 'TPL_SERVICE_NOTICE')).toMatchObject({ kind: 'long-term' });
  });

  it('sync without subscribeMessage.getTemplateList in config.json is a clear error, not a crash (-604101)', async () => {
    const r = await admin({ action: 'sync' }, 'templatesbare');
    expect(r).toMatchObject({ ok: false, error: { code: 'MISSING_PERMISSION', details: { errCode: -604101 } } });
    expect(!r.ok && r.error.message).toMatch(/add "subscribeMessage.getTemplateList" to this function's config.json permissions.openapi/);
  });

  it('previews the card exactly as WeChat renders it', async () => {
    const r = await admin<{ valid: boolean; text: string; data: Record<string, string>; card: unknown }>({
      action: 'preview', templateId: 'TPL_EVENT_REMINDER', data: { ...EVENT, time2: Date.parse('2026-05-02T07:00:00Z') }, page: 'pages/index/index', normalise: true,
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data).toMatchObject({ valid: true, data: { time2: '2026年5月2日 15:00' }, card: { title: '活动开始提醒', footer: '进入小程序查看', page: 'pages/index/index' } });
    seedGrant(h.emu, 'o-dev', 'TPL_EVENT_REMINDER', 1);
    const sent = await admin<{ results: { openid: string; outcome: string; deliveryId: string }[] }>({ action: 'testSend', templateId: 'TPL_EVENT_REMINDER', data: r.data.data, page: 'pages/index/index', openids: ['o-dev'] });
    expect(sent).toMatchObject({ ok: true, data: { results: [{ openid: 'o-dev', outcome: 'sent', errCode: 0 }] } });
    expect(h.emu.inbox('o-dev')[0]?.rendered).toBe(r.data.text);
    const id = sent.ok ? sent.data.results[0]!.deliveryId : '';
    expect(delivery(h.emu, id)).toMatchObject({ sourceType: 'test', status: 'sent', attempts: 1 });
    expect(ledger(h.emu, 'o-dev', 'TPL_EVENT_REMINDER')).toBe(0);
    const bad = await admin<{ valid: boolean; errors: { key: string; rule: string }[] }>({ action: 'preview', templateId: 'TPL_ORDER_STATUS', data: { character_string1: 'A-1', phrase2: '已经发货了吗', amount3: '￥1', phone_number4: '110' } });
    expect(bad).toMatchObject({ ok: true, data: { valid: false, errors: [{ key: 'phrase2', rule: 'length' }] } });
  });

  it('testSend refuses openids outside testWhitelist and sends nothing', async () => {
    seedGrant(h.emu, 'o-alice', 'TPL_EVENT_REMINDER', 1);
    const r = await admin({ action: 'testSend', templateId: 'TPL_EVENT_REMINDER', data: EVENT, openids: ['o-alice'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { refused: ['o-alice'] } } });
    expect(h.emu.wechat.stats().sends).toBe(0);
    expect(h.emu.db.find('deliveries', {})).toHaveLength(0);
    expect(await admin({ action: 'testSend', templateId: 'TPL_EVENT_REMINDER', data: { thing1: 'x' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await admin({ action: 'testSend', templateId: 'TPL_EVENT_REMINDER', data: { $where: 'x' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
