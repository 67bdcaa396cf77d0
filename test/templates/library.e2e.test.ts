// End to end (emulator + real wx-server-sdk): WeChat's template library in the product — the `templates` function's
// categories / titles / keywords / add / delete actions, the registry following each add and delete (a message can
// be sent with the new template; after delete it is refused clearly), killed invocations retried, and bad input.
import { rmSync } from 'node:fs';
import { useEmulator, type Envelope } from '../support/emulator';
import { buildSendingFunctions, COLLECTIONS, FUNCTIONS_DIR, seedGrant } from '../sending/e2e-support';

beforeAll(() => buildSendingFunctions(), 120_000);
afterAll(() => rmSync(FUNCTIONS_DIR, { recursive: true, force: true }));
const h = useEmulator({ functionsDir: FUNCTIONS_DIR, functionsConfig: { templates: { timeoutSec: 10 }, templatesbare: { timeoutSec: 10 } } });

type Err = { ok: false; error: { code: string; message: string; details?: unknown } };
const admin = <T = Record<string, unknown>>(event: Record<string, unknown>, fn = 'templates') => h.emu.call<Envelope<T>>(fn, 'o-admin', event);
const data = <T>(r: Envelope<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
};
const SEEDED = 5;

beforeEach(async () => {
  await h.emu.reset();
  for (const c of COLLECTIONS) h.emu.db.createCollection(c);
});

describe('template library', () => {
  it('browse → keywords → add → send with the new template → delete → sending is refused clearly', async () => {
    const cats = data(await admin<{ categories: { id: number; name: string }[] }>({ action: 'categories' }));
    expect(cats.categories).toEqual(expect.arrayContaining([{ id: 616, name: '文体活动' }]));
    const titles = data(await admin<{ count: number; titles: { tid: number; title: string; kind: string }[] }>({ action: 'titles', categoryIds: [616] }));
    expect(titles.count).toBe(2);
    expect(titles.titles).toContainEqual({ tid: 1006, title: '签到提醒', kind: 'one-time', categoryId: 616 });
    const paged = data(await admin<{ count: number; start: number; titles: unknown[] }>({ action: 'titles', categoryIds: [616, 411], start: 1, limit: 1 }));
    expect(paged).toMatchObject({ count: 4, start: 1, titles: [{ tid: 1004 }] });
    const kw = data(await admin<{ keywords: { kid: number; name: string; rule: string }[] }>({ action: 'keywords', tid: 1006 }));
    expect(kw.keywords.map((k) => [k.kid, k.name, k.rule])).toEqual([[1, '签到项目', 'thing'], [2, '连续天数', 'number'], [3, '签到码', 'letter'], [4, '标记', 'symbol'], [5, '状态', 'short_thing']]);

    const added = data(await admin<{ templateId: string; template: { title: string; keywords: { key: string; label: string }[]; source: string } }>(
      { action: 'add', tid: 1006, kidList: [2, 1], sceneDesc: '每日签到提醒' },
    ));
    const id = added.templateId;
    expect(h.emu.wechat.templates().map((t) => t.priTmplId)).toContain(id);
    expect(added.template).toMatchObject({ title: '签到提醒', source: 'sync', keywords: [{ key: 'number2', label: '连续天数' }, { key: 'thing1', label: '签到项目' }] });
    // The registry has it (sync ran): the list shows it and a message can be sent with it right away.
    const list = data(await admin<{ templates: { templateId: string }[] }>({ action: 'list' }));
    expect(list.templates.map((t) => t.templateId)).toContain(id);
    seedGrant(h.emu, 'o-dev', id, 2);
    const msg = { templateId: id, data: { number2: '7', thing1: '每日打卡' }, openids: ['o-dev'] };
    const sent = data(await admin<{ results: { outcome: string }[] }>({ action: 'testSend', ...msg }));
    expect(sent.results).toMatchObject([{ openid: 'o-dev', outcome: 'sent', errCode: 0 }]);
    expect(h.emu.inbox('o-dev')[0]?.rendered).toBe('签到提醒\n连续天数:7\n签到项目:每日打卡');

    expect(data(await admin({ action: 'delete', templateId: id }))).toEqual({ templateId: id, deleted: true });
    expect(h.emu.wechat.templates().map((t) => t.priTmplId)).not.toContain(id);
    expect(h.emu.db.find('templates', { _id: id })).toHaveLength(0);
    const after = (await admin({ action: 'testSend', ...msg })) as Err;
    expect(after).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TEMPLATE' } });
    expect(h.emu.wechat.stats().sends).toBe(1);
    // Deleting again: WeChat no longer has it, nor does the registry.
    expect(await admin({ action: 'delete', templateId: id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('an add killed after WeChat created the template: the retry syncs it into the registry and answers CONFLICT', async () => {
    // Requests: addTemplate (1, answered), getTemplateList (2, killed before it is processed).
    const r = await h.emu.callRaw('templates', { action: 'add', tid: 1003, kidList: [1, 4], sceneDesc: '上新' }, { openid: 'o-admin', killAfterRequests: 2 });
    expect(r.error?.code).toBe('KILLED');
    const created = h.emu.wechat.templates().filter((t) => t.title === '新品上架通知' && t.priTmplId !== 'TPL_NEW_ARRIVAL');
    expect(created).toHaveLength(1);
    expect(h.emu.db.find('templates', { _id: created[0]!.priTmplId })).toHaveLength(0);
    const retry = (await admin({ action: 'add', tid: 1003, kidList: [4, 1], sceneDesc: '上新' })) as Err;
    expect(retry).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { errCode: 200022 } } });
    expect(h.emu.db.find('templates', { _id: created[0]!.priTmplId })).toHaveLength(1);
    expect(h.emu.wechat.templates()).toHaveLength(SEEDED + 1);
  });

  it('a delete killed after WeChat deleted the template: the retry removes the registry copy', async () => {
    const { templateId: id } = data(await admin<{ templateId: string }>({ action: 'add', tid: 1006, kidList: [1, 3], sceneDesc: '签到' }));
    // Requests: deleteTemplate (1, answered), the registry remove (2, killed before it is processed).
    const r = await h.emu.callRaw('templates', { action: 'delete', templateId: id }, { openid: 'o-admin', killAfterRequests: 2 });
    expect(r.error?.code).toBe('KILLED');
    expect(h.emu.wechat.templates().map((t) => t.priTmplId)).not.toContain(id);
    expect(h.emu.db.find('templates', { _id: id })).toHaveLength(1);
    expect(data(await admin({ action: 'delete', templateId: id }))).toEqual({ templateId: id, deleted: true });
    expect(h.emu.db.find('templates', { _id: id })).toHaveLength(0);
  });

  it('WeChat refusals become clear codes, and nothing is written', async () => {
    const cases: [Record<string, unknown>, string, number | undefined][] = [
      [{ action: 'add', tid: 4242, kidList: [1, 2], sceneDesc: '提醒' }, 'NOT_FOUND', 200014],
      [{ action: 'add', tid: 1006, kidList: [1, 9], sceneDesc: '提醒' }, 'INVALID_INPUT', 200020],
      [{ action: 'add', tid: 1001, kidList: [4, 3, 2, 1], sceneDesc: '活动' }, 'CONFLICT', 200022],
      [{ action: 'keywords', tid: 9999 }, 'NOT_FOUND', 200014],
      [{ action: 'delete', templateId: 'NoSuchTemplate' }, 'NOT_FOUND', undefined],
      [{ action: 'delete', templateId: 'TPL_EVENT_REMINDER' }, 'CONFLICT', undefined],
    ];
    for (const [event, code, errCode] of cases) {
      const r = (await admin(event)) as Err;
      expect([event, r.ok, r.error.code]).toEqual([event, false, code]);
      if (errCode !== undefined) expect(r.error.details).toMatchObject({ errCode });
    }
    expect(h.emu.wechat.templates()).toHaveLength(SEEDED);
    // Only the 200022 case synced (the retry path); every seeded template is still there and nothing else.
    expect(h.emu.db.find('templates', {}).map((d) => d._id).sort()).toEqual(h.emu.wechat.templates().map((t) => t.priTmplId).sort());
  });

  it("the account's template limit (200012): CONFLICT saying so, nothing written", async () => {
    // Distinct keyword sets of two titles with five keywords each, until WeChat refuses (the emulator holds 50).
    const subsets = (n: number): number[][] => {
      const out: number[][] = [];
      for (let mask = 0; mask < 1 << n; mask++) {
        const s = [...Array(n).keys()].filter((i) => mask & (1 << i)).map((i) => i + 1);
        if (s.length >= 2) out.push(s);
      }
      return out;
    };
    const tries = [...subsets(5).map((k) => [1006, k] as const), ...subsets(5).filter((k) => k.join() !== '1,2,3,4').map((k) => [1001, k] as const)];
    let refused: Err | undefined;
    let added = 0;
    for (const [tid, kidList] of tries) {
      const r = await admin({ action: 'add', tid, kidList, sceneDesc: '上限' });
      if (!r.ok) {
        refused = r as Err;
        break;
      }
      added += 1;
    }
    expect(added + SEEDED).toBe(50);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('limit'), details: { errCode: 200012 } } });
    expect(h.emu.wechat.templates()).toHaveLength(50);
    expect(h.emu.db.find('templates', {})).toHaveLength(50);
  }, 120_000);

  it('without the permissions in config.json: MISSING_PERMISSION naming the call', async () => {
    for (const [event, api] of [
      [{ action: 'categories' }, 'getCategory'],
      [{ action: 'titles', categoryIds: [616] }, 'getPubTemplateTitleList'],
      [{ action: 'keywords', tid: 1006 }, 'getPubTemplateKeyWordsById'],
      [{ action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: '签到' }, 'addTemplate'],
    ] as const) {
      const r = (await admin(event, 'templatesbare')) as Err;
      expect(r).toMatchObject({ ok: false, error: { code: 'MISSING_PERMISSION', details: { errCode: -604101 } } });
      expect(r.error.message).toContain(`"subscribeMessage.${api}"`);
    }
    expect(h.emu.wechat.templates()).toHaveLength(SEEDED);
  });

  it('bad input to every new action: INVALID_INPUT (or FORBIDDEN for a non-admin), no cloud call, nothing written', async () => {
    const long = '一二三四五六七八九十一二三四五六';
    const bad: Record<string, unknown>[] = [
      { action: 'categories', extra: 1 },
      { action: 'titles' },
      { action: 'titles', categoryIds: [] },
      { action: 'titles', categoryIds: ['616'] },
      { action: 'titles', categoryIds: [616], limit: 31 },
      { action: 'titles', categoryIds: [616], start: -1 },
      { action: 'titles', categoryIds: [1.5] },
      { action: 'keywords' },
      { action: 'keywords', tid: '1006' },
      { action: 'keywords', tid: 0 },
      { action: 'add', tid: 1006, kidList: [1], sceneDesc: '签到' },
      { action: 'add', tid: 1006, kidList: [1, 2, 3, 4, 5, 6], sceneDesc: '签到' },
      { action: 'add', tid: 1006, kidList: [1, 1], sceneDesc: '签到' },
      { action: 'add', tid: 1006, kidList: '1,2', sceneDesc: '签到' },
      { action: 'add', tid: 1006, kidList: [1, 2] },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: '' },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: '   ' },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: long },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: '签\n到' },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: '签到', $where: 1 },
      { action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: { $gt: '' } },
      { action: 'delete' },
      { action: 'delete', templateId: 'a b' },
      { action: 'delete', templateId: 'x'.repeat(129) },
      { action: 'delete', templateId: { $ne: null } },
    ];
    for (const event of bad) {
      const r = (await admin(event)) as Err;
      // A field the action does not take is UNKNOWN_FIELD (core/actions.ts); every other defect INVALID_INPUT.
      const expected = 'extra' in event ? 'UNKNOWN_FIELD' : 'INVALID_INPUT';
      expect([event, r.ok, r.error.code]).toEqual([event, false, expected]);
      expect(JSON.stringify(r).length).toBeLessThan(2000);
    }
    const sceneErr = (await admin({ action: 'add', tid: 1006, kidList: [1, 2], sceneDesc: long })) as Err;
    expect(JSON.stringify(sceneErr.error.details)).toContain('at most 15 characters');
    for (const action of ['categories', 'titles', 'keywords', 'add', 'delete']) {
      expect(await h.emu.call('templates', 'o-alice', { action, tid: 1006, kidList: [1, 2], sceneDesc: '签到' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(h.emu.wechat.templates()).toHaveLength(SEEDED);
    expect(h.emu.db.find('templates', {})).toHaveLength(0);
    // No request left any of these invocations: no cloud call, no database access (o-admin is a configured admin;
    // o-alice's only request is the admins lookup that refuses her).
    const byAdmin = h.emu.invocations().filter((i) => i.openid === 'o-admin');
    expect(byAdmin.length).toBe(bad.length + 1);
    expect(byAdmin.map((i) => i.requests)).toEqual(byAdmin.map(() => 0));
    expect(h.emu.invocations().filter((i) => i.openid === 'o-alice').map((i) => i.requests)).toEqual([1, 1, 1, 1, 1]);
  });
});
