// Unit: the template registry — documents from getTemplateList items, sync planning, lookup precedence, and a
// clear error (not a crash) when getTemplateList is missing from config.json (-604101).
import { DomainError } from '../../core/envelope';
import { createRegistry, planSync, syncTemplates, templateFromWechat, type TemplateSource, type WechatTemplate } from '../../core/template/registry';
import { fixedClock, MemoryTemplateStore, T0 } from '../sending/fakes';
import { DECLARED } from '../support/templates';

const APPLY: WechatTemplate = {
  priTmplId: 'TPL_APPLY_RESULT',
  title: '申请结果通知',
  type: 2,
  content: '申请结果:{{enum1.DATA}}\n申请人:{{name2.DATA}}\n',
  keywordEnumValueList: [{ keywordCode: 'enum1.DATA', enumValueList: ['已通过', '未通过', '待补充'] }],
};

const source = (templates: WechatTemplate[]): TemplateSource => ({ fetch: async () => ({ ok: true, templates }) });

describe('template registry', () => {
  it('parses keywords (key, label, type) from content and enum values from keywordEnumValueList', () => {
    const doc = templateFromWechat(APPLY, 'sync', T0);
    expect(doc).toEqual({
      _id: 'TPL_APPLY_RESULT',
      title: '申请结果通知',
      kind: 'one-time',
      content: APPLY.content,
      keywords: [
        { key: 'enum1', label: '申请结果', type: 'enum', enumValues: ['已通过', '未通过', '待补充'] },
        { key: 'name2', label: '申请人', type: 'name' },
      ],
      source: 'sync',
      syncedAt: T0,
    });
    expect(templateFromWechat({ ...APPLY, type: 3, keywordEnumValueList: [{ keywordCode: 'enum1', enumValueList: ['a'] }] }, 'sync', T0))
      .toMatchObject({ kind: 'long-term', keywords: [{ enumValues: ['a'] }, {}] });
  });

  it('declares the five demo templates from config/templates.json', () => {
    expect(DECLARED.map((d) => [d._id, d.kind, d.source])).toEqual([
      ['TPL_EVENT_REMINDER', 'one-time', 'config'],
      ['TPL_ORDER_STATUS', 'one-time', 'config'],
      ['TPL_NEW_ARRIVAL', 'one-time', 'config'],
      ['TPL_SERVICE_NOTICE', 'long-term', 'config'],
      ['TPL_APPLY_RESULT', 'one-time', 'config'],
    ]);
    expect(DECLARED[1]?.keywords.map((k) => k.type)).toEqual(['character_string', 'phrase', 'amount', 'phone_number']);
  });

  it('plans a sync: adds new, counts changed, removes vanished sync copies, never removes declared ones', () => {
    const old = [
      templateFromWechat(APPLY, 'sync', 1),
      templateFromWechat({ ...APPLY, priTmplId: 'GONE' }, 'sync', 1),
      templateFromWechat({ ...APPLY, priTmplId: 'MINE' }, 'config', 0),
    ];
    const fetched = [templateFromWechat({ ...APPLY, title: '申请结果' }, 'sync', 2), templateFromWechat({ ...APPLY, priTmplId: 'NEW' }, 'sync', 2)];
    const plan = planSync(old, fetched);
    expect([plan.added, plan.updated, plan.removed]).toEqual([1, 1, 1]);
    expect(plan.remove).toEqual(['GONE']);
    expect(planSync(fetched, fetched)).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('looks up the stored copy first, then the declared template', async () => {
    const store = new MemoryTemplateStore();
    const reg = createRegistry(store, DECLARED);
    expect((await reg.get('TPL_APPLY_RESULT'))?.source).toBe('config');
    await syncTemplates({ store, source: source([{ ...APPLY, title: '新标题' }]), clock: fixedClock() });
    expect(await reg.get('TPL_APPLY_RESULT')).toMatchObject({ source: 'sync', title: '新标题' });
    expect(await reg.get('NOPE')).toBeNull();
    expect((await reg.list()).map((t) => t._id)).toHaveLength(5);
  });

  it('turns -604101 from getTemplateList into a clear domain error naming the permission', async () => {
    const denied: TemplateSource = { fetch: async () => ({ ok: false, errCode: -604101, errMsg: 'function has no permission to call this API' }) };
    const run = syncTemplates({ store: new MemoryTemplateStore(), source: denied, clock: fixedClock() });
    await expect(run).rejects.toBeInstanceOf(DomainError);
    await expect(run).rejects.toMatchObject({ code: 'MISSING_PERMISSION' });
    await expect(run).rejects.toThrow(/add "subscribeMessage.getTemplateList" to this function's config.json permissions.openapi/);
  });
});
