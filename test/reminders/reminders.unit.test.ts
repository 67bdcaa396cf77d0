// Unit (core/reminders, core/events): reminder creation rules, message data within keyword rules, demo events.
import { declaredTemplate } from '../support/templates';
import { dispatchAction } from '../../core/actions';
import type { Delivery } from '../../core/delivery';
import { demoEvents, type EventDoc } from '../../core/events';
import { checkReminderData, formatTime, REMINDER_CONTENT, reminderData, truncate } from '../../core/reminders/message';
import type { RemindersDeps } from '../../core/reminders/ports';
import { remindersTable } from '../../core/reminders/table';

const ZONE = 'Asia/Shanghai';
const NOW = Date.parse('2026-11-21T03:00:00Z'); // 11:00 in Shanghai
const start = Date.parse('2026-11-21T11:30:00Z'); // 19:30 in Shanghai

function setup(grants: number) {
  const events = new Map<string, EventDoc>();
  const deliveries = new Map<string, Delivery>();
  const ev = (e: Partial<EventDoc> & { _id: string }) => events.set(e._id, { title: '读书会', place: '图书馆', startAt: start, tip: '请准时', updatedAt: NOW, ...e });
  ev({ _id: 'evt-a', title: '周末读书会：《三体》第一部分享与讨论之夜（线下场）' });
  ev({ _id: 'evt-b', startAt: start + 86_400_000 });
  ev({ _id: 'evt-past', startAt: NOW - 1 });
  ev({ _id: 'evt-soon', startAt: NOW + 5 * 60_000 });
  const state = { grants, held: [] as string[] };
  const deps: RemindersDeps = {
    clock: { now: () => NOW },
    // The adapter keys the tag with a server secret (adapters/secret.ts, test/reminders/reminders.e2e.test.ts); the
    // use cases only need it deterministic per (openid, slot).
    reminderIds: { idFor: async (openid, sourceId) => `reminder:${sourceId}:${openid}` },
    events: {
      get: async (id) => events.get(id) ?? null,
      upcoming: async (now) => [...events.values()].filter((e) => e.startAt > now),
      upsert: async (d) => void events.set(d._id, d),
    },
    reminders: {
      get: async (id) => deliveries.get(id) ?? null,
      insert: async (d) => (deliveries.has(d._id) ? false : (deliveries.set(d._id, structuredClone(d)), true)),
      listByOpenid: async (openid) => [...deliveries.values()].filter((d) => d.openid === openid),
      countOpen: async (openid, tpl) => [...deliveries.values()].filter((d) => d.openid === openid && d.templateId === tpl && (d.status === 'pending' || d.status === 'sending')).length,
      cancel: async (id, openid) => {
        const d = deliveries.get(id);
        if (!d || d.openid !== openid || d.status !== 'pending') return false;
        d.status = 'cancelled';
        return true;
      },
      reschedule: async (id, openid, dueAt) => {
        const d = deliveries.get(id);
        if (!d || d.openid !== openid || d.status !== 'pending') return false;
        d.dueAt = dueAt;
        return true;
      },
    },
    // One grant document's free units and purpose holds (core/grants/holds.ts semantics).
    holds: {
      holdFor: async (_ids, purpose) => {
        if (state.grants <= 0 || state.held.includes(`p:${purpose}`)) return 0;
        state.grants -= 1;
        state.held.push(`p:${purpose}`);
        return 1;
      },
      read: async (ids) => ids.map((_id) => ({ _id, kind: 'one-time' as const, remaining: state.grants, active: false, purposeHolds: [...state.held] })),
      releasePurpose: async (_ids, purpose) => {
        const before = state.held.length;
        state.held = state.held.filter((p) => p !== `p:${purpose}`);
        state.grants += before - state.held.length;
        return before - state.held.length;
      },
    },
    registry: { list: async () => [{ ...declaredTemplate('TPL_EVENT_REMINDER'), content: REMINDER_CONTENT }] },
    zone: ZONE,
    miniprogramState: 'developer',
    lang: 'zh_CN',
  };
  const call = (event: Record<string, unknown>, openid = 'o-alice') => dispatchAction(remindersTable, deps, event, { openid, source: 'wx_client' });
  return { deps, deliveries, call, state };
}

describe('reminder message', () => {
  it('formats the time in Asia/Shanghai and truncates things to 20 characters', () => {
    expect(formatTime(start, ZONE)).toBe('2026年11月21日 19:30');
    expect([...truncate('周末读书会：《三体》第一部分享与讨论之夜（线下场）')]).toHaveLength(20);
    expect(truncate('周末读书会：《三体》第一部分享与讨论之夜（线下场）').endsWith('…')).toBe(true);
    expect(truncate('短标题')).toBe('短标题');
    const data = reminderData({ title: '周末读书会：《三体》第一部分享与讨论之夜（线下场）', place: '市图书馆三楼报告厅', startAt: start, tip: '' }, ZONE);
    expect(checkReminderData(REMINDER_CONTENT, data)).toBeNull();
    expect(checkReminderData(REMINDER_CONTENT, { ...data, thing1: { value: 'x'.repeat(21) } })).toMatchObject({ key: 'thing1', rule: 'length' });
  });
});

describe('reminders actions', () => {
  it('refuses without a grant (NO_GRANT) and writes nothing', async () => {
    const t = setup(0);
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ ok: false, error: { code: 'NO_GRANT', details: { remaining: 0 } } });
    expect(t.deliveries.size).toBe(0);
  });

  it('creates a pending delivery due minutesBefore the start, with valid data and the page', async () => {
    const t = setup(1);
    const res = await t.call({ action: 'create', eventId: 'evt-a' });
    expect(res).toEqual({ ok: true, data: { reminderId: 'reminder:evt-a:o-alice', dueAt: start - 10 * 60_000 } });
    const d = t.deliveries.get('reminder:evt-a:o-alice');
    expect(d).toMatchObject({
      sourceType: 'reminder', sourceId: 'evt-a', openid: 'o-alice', templateId: 'TPL_EVENT_REMINDER', status: 'pending',
      page: 'pages/events/events?eventId=evt-a&deliveryId=reminder:evt-a:o-alice', attempts: 0, nextAttemptAt: start - 600_000,
      miniprogramState: 'developer', lang: 'zh_CN',
    });
    expect(d?.data.time2?.value).toBe('2026年11月21日 19:30');
    // Same event again: idempotent; another minutesBefore moves it.
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ data: { reminderId: 'reminder:evt-a:o-alice' } });
    expect(await t.call({ action: 'create', eventId: 'evt-a', minutesBefore: 30 })).toMatchObject({ data: { dueAt: start - 30 * 60_000 } });
    expect(t.deliveries.size).toBe(1);
  });

  it('holds the grant for the reminder: a second one with the same single grant is refused; cancel gives it back', async () => {
    const t = setup(1);
    expect((await t.call({ action: 'create', eventId: 'evt-a' })).ok).toBe(true);
    expect(t.state).toEqual({ grants: 0, held: ['p:reminder:evt-a'] });
    expect(await t.call({ action: 'create', eventId: 'evt-b' })).toMatchObject({ ok: false, error: { code: 'NO_GRANT', details: { remaining: 0 } } });
    // Asking again for the same event holds nothing more.
    expect((await t.call({ action: 'create', eventId: 'evt-a', minutesBefore: 20 })).ok).toBe(true);
    expect(t.state.held).toEqual(['p:reminder:evt-a']);
    expect(await t.call({ action: 'cancel', reminderId: 'reminder:evt-a:o-alice' })).toEqual({ ok: true, data: { cancelled: true } });
    expect(t.state).toEqual({ grants: 1, held: [] });
    t.state.grants = 2;
    expect((await t.call({ action: 'create', eventId: 'evt-b' })).ok).toBe(true);
  });

  it('a reminder written under the old id format (before ids were keyed) is found again: no second reminder, no second message', async () => {
    const t = setup(2);
    // Written by the previous version: id `reminder:<eventId>:<openid>`.
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ ok: true, data: { reminderId: 'reminder:evt-a:o-alice' } });
    // The upgrade: ids are now keyed by the server's secret.
    t.deps.reminderIds = { idFor: async (openid, sourceId) => `reminder:${sourceId}:k${openid.length}x` };
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ ok: true, data: { reminderId: 'reminder:evt-a:o-alice' } });
    expect(await t.call({ action: 'create', eventId: 'evt-a', minutesBefore: 30 })).toMatchObject({ ok: true, data: { reminderId: 'reminder:evt-a:o-alice', dueAt: start - 30 * 60_000 } });
    expect([...t.deliveries.keys()]).toEqual(['reminder:evt-a:o-alice']);
    expect(t.state.held).toEqual(['p:reminder:evt-a']);
    // Cancelled, it frees the slot: the next one takes slot 2 under the new format.
    expect(await t.call({ action: 'cancel', reminderId: 'reminder:evt-a:o-alice' })).toEqual({ ok: true, data: { cancelled: true } });
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ ok: true, data: { reminderId: 'reminder:evt-a:2:k7x' } });
  });

  it('lists, cancels (only mine, idempotent) and re-creates in the next slot', async () => {
    const t = setup(1);
    await t.call({ action: 'create', eventId: 'evt-a' });
    const list = await t.call({ action: 'list' });
    expect(list).toEqual({ ok: true, data: { reminders: [{ id: 'reminder:evt-a:o-alice', eventId: 'evt-a', title: '周末读书会：《三体》第一部分享与讨论之夜（线下场）', dueAt: start - 600_000, status: 'pending' }] } });
    expect(await t.call({ action: 'cancel', reminderId: 'reminder:evt-a:o-alice' }, 'o-bob')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await t.call({ action: 'cancel', reminderId: 'reminder:evt-a:o-alice' })).toEqual({ ok: true, data: { cancelled: true } });
    expect(await t.call({ action: 'cancel', reminderId: 'reminder:evt-a:o-alice' })).toEqual({ ok: true, data: { cancelled: true } });
    const events = await t.call({ action: 'listEvents' });
    expect((events as { data: { events: { id: string; reminder: unknown }[] } }).data.events.map((e) => [e.id, e.reminder])).toEqual([
      ['evt-soon', null], ['evt-a', null], ['evt-b', null],
    ]);
    expect(await t.call({ action: 'create', eventId: 'evt-a' })).toMatchObject({ ok: true, data: { reminderId: 'reminder:evt-a:2:o-alice' } });
    const again = await t.call({ action: 'listEvents' });
    expect((again as { data: { events: { id: string; reminder: { id: string } | null }[] } }).data.events.find((e) => e.id === 'evt-a')?.reminder?.id).toBe('reminder:evt-a:2:o-alice');
  });

  it('refuses unknown or past events, too-late reminders and bad input', async () => {
    const t = setup(5);
    expect(await t.call({ action: 'create', eventId: 'evt-none' })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await t.call({ action: 'create', eventId: 'evt-past' })).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await t.call({ action: 'create', eventId: 'evt-soon' })).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((await t.call({ action: 'create', eventId: 'evt-soon', minutesBefore: 1 })).ok).toBe(true);
    for (const bad of [{ eventId: 'evt-a', minutesBefore: 0 }, { eventId: 'evt-a', minutesBefore: 1441 }, { eventId: 'evt-a', minutesBefore: '10' }, { eventId: 'a#b' }, { eventId: { $gt: '' } }]) {
      expect(await t.call({ action: 'create', ...bad })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(t.deliveries.size).toBe(1);
  });
});

describe('demo events', () => {
  it('are deterministic, upcoming and in the right zone', () => {
    const a = demoEvents(NOW, ZONE);
    expect(a.map((e) => e._id)).toEqual(demoEvents(NOW + 1000, ZONE).map((e) => e._id));
    expect(a.every((e) => e.startAt > NOW)).toBe(true);
    expect(formatTime(a.find((e) => e._id === 'evt-demo-reading')!.startAt, ZONE)).toBe('2026年11月22日 19:30');
    for (const e of a) expect(checkReminderData(REMINDER_CONTENT, reminderData(e, ZONE))).toBeNull();
  });
});
