// Test support (mini program): in-memory `templates` and `campaigns` functions for the admin pages, answering the
// function API's envelopes. Keyword checks here are a tiny stand-in (thing ≤ 20, phrase ≤ 5 Chinese characters).
import { declaredViews } from '../../support/templates';

type Obj = Record<string, any>;
const ok = (data: unknown) => ({ ok: true, data });
const fail = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** What `templates.list` answers: two of the demo templates (config/templates.json), one with an enum keyword. */
export const TEMPLATE_VIEWS = declaredViews(['TPL_EVENT_REMINDER', 'TPL_APPLY_RESULT']);

export function fakeTemplates() {
  const previews: Obj[] = [];
  const handler = (d: Obj) => {
    if (d['action'] === 'list') return ok({ templates: TEMPLATE_VIEWS });
    if (d['action'] !== 'preview') return fail('UNKNOWN_ACTION', String(d['action']));
    previews.push(d);
    const tpl = TEMPLATE_VIEWS.find((t) => t.templateId === d['templateId']);
    if (!tpl) return fail('UNKNOWN_TEMPLATE', String(d['templateId']));
    const data = (d['data'] ?? {}) as Record<string, string>;
    const errors: Obj[] = [];
    for (const k of tpl.keywords) {
      const v = data[k.key] ?? '';
      // English messages and rule names as core/template/validate.ts gives them; the page shows Chinese.
      if (!v) errors.push({ key: k.key, rule: 'missing', value: v, message: `${k.key} (${k.type}) is required` });
      else if (k.type === 'thing' && [...v].length > 20) {
        errors.push({ key: k.key, rule: 'length', value: v, message: `${k.key}: thing: at most 20 characters, got ${[...v].length}` });
      }
    }
    return ok({
      valid: errors.length === 0, errors, data,
      card: { title: tpl.title, lines: tpl.keywords.map((k) => ({ label: k.label, value: data[k.key] ?? '' })), page: d['page'] ?? null, footer: d['page'] ? '进入小程序查看' : '' },
      text: '',
    });
  };
  return { handler, previews };
}

const x = (o: Obj, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);

export function fakeCampaigns() {
  const campaigns: Record<string, Obj> = {};
  const stats: Record<string, Obj> = {};
  const analytics: Record<string, Obj> = {};
  const calls: Obj[] = [];
  let n = 0;
  const handler = (d: Obj) => {
    calls.push(d);
    const c = campaigns[d['id']];
    switch (d['action']) {
      case 'list':
        return ok({ campaigns: Object.values(campaigns).map((x) => ({
          id: x['_id'], name: x['name'], templateId: x['templateId'], status: x['status'], sendAt: x['sendAt'] ?? null,
          sendAtLocal: x['sendAtLocal'] ?? null, zone: x['zone'] ?? 'Asia/Shanghai',
          progress: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, cancelled: 0, pending: 0, ...x['progress'] }, updatedAt: 1,
        })) });
      case 'create': {
        const id = `c${++n}`;
        const { action: _a, ...rest } = d;
        campaigns[id] = { _id: id, ...rest, status: 'draft', zone: 'Asia/Shanghai' };
        return ok({ id });
      }
      case 'get':
        return c ? ok({ campaign: { id: c['_id'], ...c } }) : fail('NOT_FOUND', `campaign ${String(d['id'])} not found`);
      case 'update':
        if (!c) return fail('NOT_FOUND', 'campaign');
        Object.assign(c, d['patch']);
        return ok({ id: d['id'] });
      case 'schedule':
        if (!c) return fail('NOT_FOUND', 'campaign');
        Object.assign(c, { status: 'scheduled', sendAtLocal: d['sendAt'] });
        return ok({ id: d['id'] });
      case 'pause': case 'resume': case 'cancel':
        if (!c) return fail('NOT_FOUND', 'campaign');
        c['status'] = { pause: 'paused', resume: 'running', cancel: 'cancelled' }[d['action'] as string];
        return ok({ id: d['id'] });
      case 'previewAudience':
        return ok({ reachable: 7, noGrant: 2, capped: 1, total: 10, held: 1 });
      case 'testSend':
        return ok({ results: [{ openid: 'o-admin', outcome: 'sent', deliveryId: 'test:1:o-admin' }] });
      case 'stats':
        if (!c) return fail('NOT_FOUND', `campaign ${String(d['id'])} not found`);
        return ok(stats[d['id']] ?? { targeted: 0, sent: 0, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 0 });
      case 'analytics':
        if (!c) return fail('NOT_FOUND', `campaign ${String(d['id'])} not found`);
        return ok(analytics[d['id']] ?? {
          source: { sourceType: 'campaign', sourceId: d['id'] }, outcomes: { sent: 0, skipped: 0, failed: 0, unknown: 0, cancelled: 0, pending: 0 },
          funnel: [{ stage: 'targeted', n: 0, rate: null }, { stage: 'sent', n: 0, rate: null }, { stage: 'delivered', n: 0, rate: null }, { stage: 'opened', n: 0, rate: null }],
          ctr: null, receiptFailed: 0, sendsPerHour: [], placements: [], zone: x(c, 'zone') ?? 'Asia/Shanghai', status: c['status'],
        });
      default:
        return fail('UNKNOWN_ACTION', String(d['action']));
    }
  };
  return { handler, campaigns, stats, analytics, calls };
}

/**
 * The `templates` function's library actions (categories, titles, keywords, add, delete, sync) in memory, over
 * `fakeTemplates` for list/preview. A small stand-in for the real rules (core/template/library.ts): 2–5 kids of the
 * title, sceneDesc ≤ 15 characters, one template per title + keyword set (200022); the real function is exercised by
 * test/templates/library.e2e.test.ts and test/miniprogram/templates-page.e2e.test.ts.
 */
export function fakeLibrary() {
  const base = fakeTemplates();
  const calls: Obj[] = [];
  const views: Obj[] = TEMPLATE_VIEWS.map((v) => ({ ...v }));
  const categories = [{ id: 616, name: '文体活动' }, { id: 307, name: '商业服务' }];
  const titles = Array.from({ length: 35 }, (_, i) => ({ tid: 2000 + i, title: i === 0 ? '签到提醒' : `文体模板${i}`, type: i % 7 === 3 ? 3 : 2, categoryId: 616 }));
  const keywords: Record<number, Obj[]> = {
    2000: [
      { kid: 1, name: '签到项目', example: '每日打卡', rule: 'thing' },
      { kid: 2, name: '连续天数', example: '7', rule: 'number' },
      { kid: 3, name: '签到码', example: 'ABCD', rule: 'letter' },
      { kid: 4, name: '标记', example: '★', rule: 'symbol' },
      { kid: 5, name: '状态', example: '已签', rule: 'short_thing' },
      { kid: 6, name: '备注', example: '无', rule: 'thing' },
    ],
  };
  const added: { id: string; tid: number; kids: number[] }[] = [];
  const failWith = (code: string, message: string, errCode: number) => ({ ok: false, error: { code, message, details: { errCode } } });
  const handler = (d: Obj) => {
    calls.push(d);
    switch (d['action']) {
      case 'list':
        return ok({ templates: views });
      case 'categories':
        return ok({ categories });
      case 'titles': {
        const ids = d['categoryIds'] as number[];
        const all = titles.filter((t) => ids.includes(t.categoryId));
        const start = (d['start'] as number | undefined) ?? 0;
        const limit = (d['limit'] as number | undefined) ?? 30;
        const page = all.slice(start, start + limit).map((t) => ({ tid: t.tid, title: t.title, kind: t.type === 3 ? 'long-term' : 'one-time', categoryId: t.categoryId }));
        return ok({ count: all.length, start, titles: page });
      }
      case 'keywords': {
        const k = keywords[d['tid'] as number];
        return k ? ok({ tid: d['tid'], keywords: k }) : failWith('NOT_FOUND', 'getPubTemplateKeyWordsById: no such template', 200014);
      }
      case 'add': {
        const kids = d['kidList'] as number[];
        const scene = d['sceneDesc'] as string;
        if (kids.length < 2 || kids.length > 5 || [...scene].length > 15) return fail('INVALID_INPUT', 'invalid add input');
        const k = keywords[d['tid'] as number] ?? [];
        const same = (a: number[]) => a.length === kids.length && a.every((x) => kids.includes(x));
        if (added.some((a) => a.tid === d['tid'] && same(a.kids))) return failWith('CONFLICT', 'addTemplate: already added (200022)', 200022);
        const id = `NEW_${d['tid']}_${added.length + 1}`;
        added.push({ id, tid: d['tid'] as number, kids });
        const kw = kids.map((kid) => k.find((x) => x['kid'] === kid)!);
        const view = { templateId: id, title: titles.find((t) => t.tid === d['tid'])?.title ?? '', kind: 'one-time', source: 'sync',
          keywords: kw.map((x) => ({ key: `${x['rule']}${x['kid']}`, label: x['name'], type: x['rule'] })),
          content: kw.map((x) => `${x['name']}:{{${x['rule']}${x['kid']}.DATA}}\n`).join('') };
        views.push(view);
        return ok({ templateId: id, template: view, synced: { added: 1, updated: 0, removed: 0 } });
      }
      case 'delete': {
        const id = d['templateId'] as string;
        if (TEMPLATE_VIEWS.some((v) => v.templateId === id)) return fail('CONFLICT', `${id} is declared in config/templates.json`);
        const i = views.findIndex((v) => v['templateId'] === id);
        if (i < 0) return fail('NOT_FOUND', `template ${id} is not in the account`);
        views.splice(i, 1);
        return ok({ templateId: id, deleted: true });
      }
      case 'sync':
        return ok({ added: 0, updated: 0, removed: 0 });
      default:
        return base.handler(d);
    }
  };
  return { handler, calls, views };
}
