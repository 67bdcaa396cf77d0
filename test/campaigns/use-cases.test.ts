// Unit (core): the campaigns action table on in-memory ports with a fixed clock — admin gate, validation on save,
// schedule, transitions, test sends.
import { dispatchAction, type Caller } from '../../core/actions';
import { campaignActions } from '../../core/campaigns/actions';
import type { Envelope } from '../../core/envelope';
import { ADMIN, GOOD_EVENT_DATA, makeFakes, NOW, type Fakes } from './fakes';

const ADMINS = ['o-admin'];
function call(f: Fakes, event: Record<string, unknown>, caller: Caller = ADMIN): Promise<Envelope<any>> {
  return dispatchAction(campaignActions, f.deps, event, caller, { isAdmin: async (_d, c) => ADMINS.includes(c.openid ?? '') });
}
const createEvent = { action: 'create', name: '读书会', templateId: 'TPL_EVENT_REMINDER', data: GOOD_EVENT_DATA, page: 'pages/events/events', audience: { kind: 'all' } };

async function created(f: Fakes): Promise<string> {
  const r = await call(f, createEvent);
  expect(r).toMatchObject({ ok: true });
  return (r as { data: { id: string } }).data.id;
}

describe('campaigns use cases', () => {
  it('refuses every action to non-admins and to callers without identity', async () => {
    const f = makeFakes();
    for (const action of Object.keys(campaignActions)) {
      expect(await call(f, { action, id: 'c1' }, { openid: 'o-alice', source: 'wx_client' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await call(f, { action, id: 'c1' }, { source: 'wx_trigger' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('creates a draft with defaults; refuses bad data naming the key, unknown templates and $-keys', async () => {
    const f = makeFakes();
    const id = await created(f);
    expect(f.docs.get(id)).toMatchObject({ status: 'draft', zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN', createdBy: 'o-admin', createdAt: NOW, counters: { sent: 0 } });
    const bad = await call(f, { ...createEvent, data: { ...GOOD_EVENT_DATA, time2: '下午三点' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [{ key: 'time2', rule: 'format' }] } });
    expect((bad as { error: { message: string } }).error.message).toContain('time2');
    expect(await call(f, { ...createEvent, templateId: 'TPL_NOPE' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TEMPLATE' } });
    expect(await call(f, { ...createEvent, audience: { kind: 'segment' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call(f, { ...createEvent, data: { $set: 'x' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call(f, { ...createEvent, page: '/pages/x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(f.docs.size).toBe(1);
  });

  it('refuses at save a page that is not one of the mini program\'s pages (WeChat would answer 41030 at send)', async () => {
    const f = makeFakes();
    const missing = await call(f, { ...createEvent, page: 'pages/promo/promo?from=msg' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PAGE', details: { key: 'page', pages: ['pages/index/index', 'pages/events/events'] } } });
    expect((missing as { error: { message: string } }).error.message).toContain('pages/promo/promo');
    expect(f.docs.size).toBe(0);
    const id = await created(f);
    expect(await call(f, { action: 'update', id, patch: { page: 'pages/nope/nope' } })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PAGE' } });
    expect(await call(f, { action: 'update', id, patch: { page: 'pages/events/events?eventId=e1' } })).toMatchObject({ ok: true });
    expect(f.docs.get(id)).toMatchObject({ page: 'pages/events/events?eventId=e1' });
  });

  it('updates drafts (validated), clears optional fields with null, refuses started campaigns', async () => {
    const f = makeFakes();
    const id = await created(f);
    expect(await call(f, { action: 'update', id, patch: { quietHours: { start: '22:00', end: '08:00' }, name: '新名字' } })).toMatchObject({ ok: true, data: { status: 'draft' } });
    expect(f.docs.get(id)).toMatchObject({ name: '新名字', quietHours: { start: '22:00', end: '08:00' } });
    expect(await call(f, { action: 'update', id, patch: { page: null } })).toMatchObject({ ok: true });
    expect(f.docs.get(id)!.page).toBeUndefined();
    expect(await call(f, { action: 'update', id, patch: { data: { ...GOOD_EVENT_DATA, thing3: '' } } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [{ key: 'thing3' }] } });
    // Switching template without matching data names the keys.
    const sw = await call(f, { action: 'update', id, patch: { templateId: 'TPL_APPLY_RESULT' } });
    expect(sw).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    f.docs.get(id)!.status = 'running';
    expect(await call(f, { action: 'update', id, patch: { name: 'x' } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(f, { action: 'update', id: 'nope', patch: { name: 'x' } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('schedules 09:00 Asia/Shanghai as 01:00Z, refuses the past, reschedules, warns inside quiet hours', async () => {
    const f = makeFakes();
    const id = await created(f);
    const r = await call(f, { action: 'schedule', id, sendAt: '2026-11-21 09:00' });
    expect(r).toMatchObject({ ok: true, data: { status: 'scheduled', sendAtUtc: '2026-11-21T01:00:00.000Z', zone: 'Asia/Shanghai', sendAtDisplay: '2026-11-21 09:00 +08:00', warnings: [] } });
    expect(f.docs.get(id)).toMatchObject({ status: 'scheduled', sendAt: Date.UTC(2026, 10, 21, 1), sendAtLocal: '2026-11-21 09:00' });
    expect(await call(f, { action: 'schedule', id, sendAt: '2026-11-20 11:59' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await call(f, { action: 'update', id, patch: { quietHours: { start: '22:00', end: '08:00' } } });
    const late = await call(f, { action: 'schedule', id, sendAt: '2026-11-21 07:00', zone: 'Asia/Shanghai' });
    expect(late).toMatchObject({ ok: true, data: { sendAtUtc: '2026-11-20T23:00:00.000Z' } });
    expect((late as { data: { warnings: string[] } }).data.warnings[0]).toMatch(/quiet hours/);
    expect(await call(f, { action: 'schedule', id, sendAt: '2026-11-21 09:00', zone: 'Nowhere/City' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('pauses, resumes (to scheduled before start, to running after) and cancels', async () => {
    const f = makeFakes();
    const id = await created(f);
    expect(await call(f, { action: 'pause', id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(f, { action: 'resume', id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await call(f, { action: 'schedule', id, sendAt: '2026-11-21 09:00' });
    expect(await call(f, { action: 'pause', id })).toMatchObject({ ok: true, data: { status: 'paused', changed: true } });
    expect(await call(f, { action: 'pause', id })).toMatchObject({ ok: true, data: { status: 'paused', changed: false } });
    expect(await call(f, { action: 'resume', id })).toMatchObject({ ok: true, data: { status: 'scheduled' } });
    // The dispatcher promotes it and starts sending.
    Object.assign(f.docs.get(id)!, { status: 'running', startedAt: NOW });
    await call(f, { action: 'pause', id });
    expect(await call(f, { action: 'resume', id })).toMatchObject({ ok: true, data: { status: 'running', changed: true } });
    expect(await call(f, { action: 'cancel', id })).toMatchObject({ ok: true, data: { status: 'cancelled', cancelledDeliveries: 7 } });
    expect(await call(f, { action: 'cancel', id })).toMatchObject({ ok: true, data: { status: 'cancelled', changed: false } });
    expect(f.cancelled).toEqual([id, id]);
    // Stragglers created by a dispatcher run racing the cancel are swept when stats are read.
    f.groups.push({ status: 'pending', n: 1 });
    await call(f, { action: 'stats', id });
    expect(f.cancelled).toEqual([id, id, id]);
    expect(await call(f, { action: 'resume', id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(f, { action: 'schedule', id, sendAt: '2026-11-22 09:00' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('lists with progress, gets, folds stats, test-sends to the whitelist only with variables resolved', async () => {
    const f = makeFakes();
    const id = await created(f);
    Object.assign(f.docs.get(id)!, { counters: { targeted: 10, sent: 4, skipped: 1, failed: 1, unknown: 0, opened: 2 } });
    expect(await call(f, { action: 'list' })).toMatchObject({ ok: true, data: { campaigns: [{ id, status: 'draft', progress: { targeted: 10, sent: 4, pending: 4 } }] } });
    expect(await call(f, { action: 'get', id })).toMatchObject({ ok: true, data: { campaign: { id, name: '读书会' } } });
    f.groups.push({ status: 'sent', n: 4 }, { status: 'skipped', reason: 'no_grant', n: 1 });
    expect(await call(f, { action: 'stats', id })).toMatchObject({ ok: true, data: { targeted: 5, sent: 4, skipped: { no_grant: 1 }, opened: 4, status: 'draft' } });
    expect(await call(f, { action: 'testSend', id, openids: ['o-alice'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const t = await call(f, { action: 'testSend', id });
    expect(t).toMatchObject({ ok: true, data: { results: [{ openid: 'o-admin', outcome: 'sent' }, { openid: 'o-dev', outcome: 'sent' }] } });
    expect(f.sent.map((s) => s.data.thing4)).toEqual(['管理员小王，记得带书', '用户，记得带书']);
  });
});
