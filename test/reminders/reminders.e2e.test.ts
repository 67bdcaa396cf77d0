// End to end (emulator + real wx-server-sdk): demo events and personal reminders (pending deliveries).
import { Envelope, record } from '../grants/e2e-helpers';
import { useEmulator } from '../support/emulator';

type EventsData = { events: { id: string; title: string; startAt: number; reminder: { id: string; dueAt: number; status: string } | null }[] };
const h = useEmulator({ maxWorkers: 2 });
const reminders = <T = Record<string, unknown>>(openid: string, data: Record<string, unknown>) => h.emu.call<Envelope<T>>('reminders', openid, data);

beforeAll(async () => {
  const setup = await h.emu.call<Envelope<{ demoEvents: string[] }>>('setup', 'o-admin', { demo: true });
  expect(setup).toMatchObject({ ok: true, data: { demoEvents: expect.arrayContaining(['evt-demo-reading']) } });
});

describe('reminders (e2e)', () => {
  it('lists the demo events, upcoming and sorted; seeding again keeps one document per id', async () => {
    const first = await reminders<EventsData>('o-alice', { action: 'listEvents' });
    expect(first.ok && first.data.events.map((e) => e.id)).toEqual(['evt-demo-meditation', 'evt-demo-reading', 'evt-demo-nightrun', 'evt-demo-market']);
    expect(first.ok && first.data.events.every((e) => e.startAt > h.emu.now() && e.reminder === null)).toBe(true);
    await h.emu.call('setup', 'o-admin', { demo: true });
    expect(h.emu.db.find('events')).toHaveLength(4);
  });

  it('needs a grant, creates a pending delivery 10 minutes before the start, lists and cancels it', async () => {
    expect(await reminders('o-rem', { action: 'create', eventId: 'evt-demo-reading' })).toMatchObject({ ok: false, error: { code: 'NO_GRANT' } });
    expect(h.emu.db.find('deliveries', { openid: 'o-rem' })).toHaveLength(0);

    expect(h.emu.requestSubscribe('o-rem', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true });
    expect(await record(h.emu, 'o-rem', 'rem-0000001', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: true, data: { counted: true } });

    const event = h.emu.db.find('events', { _id: 'evt-demo-reading' })[0] as { startAt: number; title: string };
    const created = await reminders<{ reminderId: string; dueAt: number }>('o-rem', { action: 'create', eventId: 'evt-demo-reading' });
    // The id is unguessable without the server's secret (never the openid), and the same for the owner on a retry.
    expect(created).toEqual({ ok: true, data: { reminderId: expect.stringMatching(/^reminder:evt-demo-reading:[A-Za-z0-9_-]{22}$/), dueAt: event.startAt - 600_000 } });
    const RID = created.ok ? created.data.reminderId : '';
    expect(RID).not.toContain('o-rem');
    expect(await reminders('o-rem', { action: 'create', eventId: 'evt-demo-reading' })).toEqual({ ok: true, data: { reminderId: RID, dueAt: event.startAt - 600_000 } });
    expect(h.emu.db.find('secrets')).toHaveLength(1);
    const [delivery] = h.emu.db.find('deliveries', { _id: RID });
    expect(delivery).toMatchObject({
      sourceType: 'reminder', status: 'pending', templateId: 'TPL_EVENT_REMINDER', openid: 'o-rem', attempts: 0,
      page: `pages/events/events?eventId=evt-demo-reading&deliveryId=${RID}`,
      data: { thing1: { value: expect.stringMatching(/…$/) }, time2: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 19:30$/) } },
    });
    // The grant unit is held for the reminder (out of the free count campaigns spend from) ...
    expect(h.emu.db.find('grants', { openid: 'o-rem' })[0]).toMatchObject({ remaining: 0, purposeHolds: ['p:reminder:evt-demo-reading'] });
    // ... so a second event with the same single grant is refused.
    expect(await reminders('o-rem', { action: 'create', eventId: 'evt-demo-market' })).toMatchObject({ ok: false, error: { code: 'NO_GRANT', details: { remaining: 0 } } });

    const list = await reminders<{ reminders: { id: string; title: string; status: string }[] }>('o-rem', { action: 'list' });
    expect(list).toEqual({ ok: true, data: { reminders: [{ id: RID, eventId: 'evt-demo-reading', title: event.title, dueAt: event.startAt - 600_000, status: 'pending' }] } });
    const events = await reminders<EventsData>('o-rem', { action: 'listEvents' });
    expect(events.ok && events.data.events.find((e) => e.id === 'evt-demo-reading')?.reminder).toEqual({ id: RID, dueAt: event.startAt - 600_000, status: 'pending' });

    // Another user learns nothing: track.open answers NOT_FOUND for this reminder exactly as for one that does not exist.
    const probe = await h.emu.call('track', 'o-bob', { action: 'open', deliveryId: RID });
    const none = await h.emu.call('track', 'o-bob', { action: 'open', deliveryId: 'reminder:evt-demo-reading:AAAAAAAAAAAAAAAAAAAAAA' });
    expect(probe).toEqual(none);
    expect(probe).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await reminders('o-bob', { action: 'cancel', reminderId: RID })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await reminders('o-rem', { action: 'cancel', reminderId: RID })).toEqual({ ok: true, data: { cancelled: true } });
    expect(h.emu.db.find('deliveries', { _id: RID })[0]).toMatchObject({ status: 'cancelled' });
    // The grant is free again: another event can use it.
    expect(h.emu.db.find('grants', { openid: 'o-rem' })[0]).toMatchObject({ remaining: 1, purposeHolds: [] });
    expect(await reminders('o-rem', { action: 'create', eventId: 'evt-demo-market', minutesBefore: 60 })).toMatchObject({ ok: true });
  });

  it('after the upgrade to keyed ids, asking again for a reminder the previous version wrote finds it: one reminder, one message', async () => {
    const openid = 'o-legacy';
    for (const requestId of ['leg-0000001', 'leg-0000002']) {
      h.emu.requestSubscribe(openid, ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
      await record(h.emu, openid, requestId, { TPL_EVENT_REMINDER: 'accept' });
    }
    expect(h.emu.quota(openid, 'TPL_EVENT_REMINDER')).toBe(2);
    const created = await reminders<{ reminderId: string }>(openid, { action: 'create', eventId: 'evt-demo-nightrun' });
    if (!created.ok) throw new Error(created.error.message);
    // The document as the previous version wrote it: id `reminder:<eventId>:<openid>`.
    const doc = h.emu.db.find('deliveries', { _id: created.data.reminderId })[0]!;
    const LEGACY = `reminder:evt-demo-nightrun:${openid}`;
    h.emu.db.remove('deliveries', doc._id);
    h.emu.db.insert('deliveries', [{ ...doc, _id: LEGACY, page: `pages/events/events?eventId=evt-demo-nightrun&deliveryId=${LEGACY}` }]);
    const again = await reminders<{ reminderId: string; dueAt: number }>(openid, { action: 'create', eventId: 'evt-demo-nightrun' });
    expect(again).toMatchObject({ ok: true, data: { reminderId: LEGACY } });
    expect(h.emu.db.find('deliveries', { openid })).toHaveLength(1);
    // Its time comes: one message, although two grants were there to spend; one grant is left.
    await h.emu.trigger('dispatch');
    await h.emu.advance((again.ok ? again.data.dueAt : 0) - h.emu.now() + 60_000);
    expect(h.emu.inbox(openid)).toHaveLength(1);
    expect(h.emu.db.find('deliveries', { _id: LEGACY })[0]).toMatchObject({ status: 'sent' });
    expect(h.emu.quota(openid, 'TPL_EVENT_REMINDER')).toBe(1);
  });

  it('refuses bad input with nothing written', async () => {
    const before = h.emu.db.find('deliveries').length;
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'create', eventId: 'evt-none' }, 'NOT_FOUND'],
      [{ action: 'create', eventId: { $ne: '' } }, 'INVALID_INPUT'],
      [{ action: 'create', eventId: 'evt-demo-reading', minutesBefore: 100000 }, 'INVALID_INPUT'],
      [{ action: 'cancel', reminderId: 'x'.repeat(500) }, 'INVALID_INPUT'],
      [{ action: 'snooze' }, 'UNKNOWN_ACTION'],
    ];
    for (const [bad, code] of cases) expect(await reminders('o-rem', bad)).toMatchObject({ ok: false, error: { code } });
    expect(h.emu.db.find('deliveries')).toHaveLength(before);
  });
});
