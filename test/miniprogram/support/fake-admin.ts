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
      if (!v) errors.push({ key: k.key, rule: 'missing', value: v, message: `${k.key} (${k.label}) is required` });
      else if (k.type === 'thing' && [...v].length > 20) {
        errors.push({ key: k.key, rule: 'length', value: v, message: `${k.key} (${k.label}): thing: at most 20 characters, got ${[...v].length}` });
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

export function fakeCampaigns() {
  const campaigns: Record<string, Obj> = {};
  const stats: Record<string, Obj> = {};
  const calls: Obj[] = [];
  let n = 0;
  const handler = (d: Obj) => {
    calls.push(d);
    const c = campaigns[d['id']];
    switch (d['action']) {
      case 'list':
        return ok({ campaigns: Object.values(campaigns).map((x) => ({
          id: x['_id'], name: x['name'], templateId: x['templateId'], status: x['status'], sendAt: x['sendAt'] ?? null,
          zone: 'Asia/Shanghai', progress: x['progress'] ?? { targeted: 0, sent: 0, skipped: 0, failed: 0, pending: 0 }, updatedAt: 1,
        })) });
      case 'create': {
        const id = `c${++n}`;
        const { action: _a, ...rest } = d;
        campaigns[id] = { _id: id, ...rest, status: 'draft', zone: 'Asia/Shanghai' };
        return ok({ id });
      }
      case 'get':
        return c ? ok({ campaign: c }) : fail('NOT_FOUND', 'campaign');
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
        return ok(stats[d['id']] ?? { targeted: 0, sent: 0, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 0 });
      default:
        return fail('UNKNOWN_ACTION', String(d['action']));
    }
  };
  return { handler, campaigns, stats, calls };
}
