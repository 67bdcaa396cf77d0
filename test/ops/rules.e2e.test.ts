// Recipient time zones and app-wide rules end to end (emulator, real SDK, virtual clock): "09:00 local" reaches each
// user at 09:00 in their own zone (profile `tz`); app-wide quiet hours are read in the recipient's zone and DEFER;
// the app-wide frequency cap defers too, and a message deferred past the expiry is skipped with reason `expired`;
// a transactional send (a reminder) is exempt.
import { useEmulator } from '../support/emulator';
import type { Delivery } from '../../core/delivery';
import { campaignOf, createCollections, DATA, deliveriesOf, dispatchRuns, openidOf, seedAudience, seedCampaign, TPL } from '../dispatch/support';

const h = useEmulator();
const at = (iso: string) => Date.parse(iso);
const admin = <T = Record<string, unknown>>(event: Record<string, unknown>) =>
  h.emu.call<{ ok: boolean; data: T; error?: { code: string; message: string } }>('campaigns', 'o-admin', event);

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.setFunctionEnv({});
});

it('"09:00 local": Beijing, London (BST) and New York (EDT) recipients each get it at their own 09:00', async () => {
  h.emu.clock.set(at('2026-05-01T00:00:00Z'));
  const [bj, ldn, nyc] = seedAudience(h.emu, 3);
  h.emu.db.insert('users', [
    { _id: ldn!, tz: 'Europe/London', updatedAt: 0 },
    { _id: nyc!, tz: 'America/New_York', updatedAt: 0 },
  ]);
  const { data } = await admin<{ id: string }>({ action: 'create', name: '早安', templateId: TPL, data: DATA, audience: { kind: 'all' }, localTime: true });
  const sched = await admin<{ sendAt: number }>({ action: 'schedule', id: data.id, sendAt: '2026-05-02 09:00' });
  // It starts where 09:00 comes first (UTC+14), so every recipient's delivery exists before their 09:00.
  expect(sched.data.sendAt).toBe(at('2026-05-01T19:00:00Z'));
  h.emu.clock.set(at('2026-05-01T19:00:05Z'));
  await dispatchRuns(h.emu);
  const due = Object.fromEntries(deliveriesOf(h.emu, data.id).map((d) => [d.openid, d]));
  expect(due[bj!]).toMatchObject({ dueAt: at('2026-05-02T01:00:00Z') });
  expect(due[ldn!]).toMatchObject({ dueAt: at('2026-05-02T08:00:00Z'), tz: 'Europe/London' });
  expect(due[nyc!]).toMatchObject({ dueAt: at('2026-05-02T13:00:00Z'), tz: 'America/New_York' });
  const steps: [string, string[]][] = [
    ['2026-05-02T00:59:00Z', []],
    ['2026-05-02T01:00:05Z', [bj!]],
    ['2026-05-02T07:59:00Z', [bj!]],
    ['2026-05-02T08:00:05Z', [bj!, ldn!]],
    ['2026-05-02T13:00:05Z', [bj!, ldn!, nyc!]],
  ];
  for (const [time, got] of steps) {
    h.emu.clock.set(at(time));
    await dispatchRuns(h.emu);
    expect([bj!, ldn!, nyc!].filter((o) => h.emu.inbox(o).length > 0)).toEqual(got);
  }
  expect(h.emu.inbox(ldn!)[0]!.at).toBeGreaterThanOrEqual(at('2026-05-02T08:00:00Z'));
  expect(campaignOf(h.emu, data.id)).toMatchObject({ status: 'completed', counters: { sent: 3 } });
});

it('app-wide quiet hours (recipient zone) and cap defer; deferred past the expiry → skipped `expired`; a reminder is exempt', async () => {
  h.emu.setFunctionEnv({ TIXING_RULES: JSON.stringify({ quietHours: { start: '22:00', end: '08:00' }, frequencyCap: { max: 1, perHours: 12 }, deferExpiryHours: 10 }) });
  h.emu.clock.set(at('2026-05-01T13:30:00Z')); // 21:30 Beijing time
  const [bj, ldn] = seedAudience(h.emu, 2, { quota: 3 });
  h.emu.db.insert('users', [
    { _id: bj!, tags: ['early'], updatedAt: 0 },
    { _id: ldn!, tz: 'Europe/London', updatedAt: 0 },
  ]);
  const a = seedCampaign(h.emu, { audience: { kind: 'segment', tags: ['early'] } });
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(bj!)).toHaveLength(1);

  // 23:00 Beijing = 16:00 London: quiet for the Beijing user only — deferred to 08:00, not dropped.
  h.emu.clock.set(at('2026-05-01T15:00:00Z'));
  const b = seedCampaign(h.emu, { sendAt: at('2026-05-01T15:00:00Z') });
  const now = h.emu.now();
  const reminder: Delivery = {
    _id: `reminder:evt-9:${bj}`, sourceType: 'reminder', sourceId: 'evt-9', openid: bj!, templateId: TPL,
    data: Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }])),
    status: 'pending', dueAt: now, attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
  };
  h.emu.db.insert('deliveries', [reminder as unknown as Record<string, unknown>]);
  h.emu.clock.set(at('2026-05-01T15:00:05Z'));
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(ldn!)).toHaveLength(1);
  expect(h.emu.inbox(bj!)).toHaveLength(2); // campaign A + the reminder (transactional: exempt from quiet hours)
  const deferred = deliveriesOf(h.emu, b._id).find((d) => d.openid === bj)!;
  expect(deferred).toMatchObject({ status: 'pending', reason: 'quiet_hours', nextAttemptAt: at('2026-05-02T00:00:00Z') });

  // 08:00: quiet hours over, but the app cap (1 per 12 h; A at 21:30) has room only at 09:30 — 10.5 h after the
  // message was due, past the 10 h expiry: skipped with its reason, never silently dropped.
  h.emu.clock.set(at('2026-05-02T00:00:05Z'));
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(bj!)).toHaveLength(2);
  expect(deliveriesOf(h.emu, b._id).find((d) => d.openid === bj)).toMatchObject({ status: 'skipped', reason: 'expired' });
  expect(campaignOf(h.emu, b._id)).toMatchObject({ status: 'completed', counters: { sent: 1, skipped: 1 } });
  const stats = await admin<{ skipped: Record<string, number> }>({ action: 'stats', id: b._id });
  expect(stats.data.skipped).toEqual({ expired: 1 });
  expect(campaignOf(h.emu, a._id).status).toBe('completed');
});

it('the app-wide cap defers within the expiry: sent when the window has room again', async () => {
  h.emu.setFunctionEnv({ TIXING_RULES: JSON.stringify({ frequencyCap: { max: 1, perHours: 2 }, deferExpiryHours: 24 }) });
  h.emu.clock.set(at('2026-05-01T02:00:00Z'));
  const [u] = seedAudience(h.emu, 1, { quota: 3 });
  seedCampaign(h.emu);
  await dispatchRuns(h.emu);
  h.emu.clock.set(at('2026-05-01T02:30:00Z'));
  const b = seedCampaign(h.emu, { sendAt: h.emu.now() - 1000 });
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(u!)).toHaveLength(1);
  const d = deliveriesOf(h.emu, b._id)[0]!;
  expect(d.status).toBe('pending');
  expect(d.reason).toBe('app_frequency_cap');
  expect(d.nextAttemptAt).toBeGreaterThanOrEqual(at('2026-05-01T04:00:00Z'));
  expect(d.nextAttemptAt).toBeLessThan(at('2026-05-01T04:00:05Z'));
  h.emu.clock.set(d.nextAttemptAt + 1000);
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(u!)).toHaveLength(2);
  expect(openidOf(0)).toBe(u);
});

it('a daily budget of 3: three sends per local day, the rest wait for the next day (never over, nothing lost)', async () => {
  h.emu.clock.set(at('2026-05-01T02:00:00Z')); // 10:00 Beijing time
  const openids = seedAudience(h.emu, 7);
  const c = seedCampaign(h.emu, { dailyBudget: 3 });
  await dispatchRuns(h.emu, 2);
  await dispatchRuns(h.emu);
  const got = () => openids.filter((o) => h.emu.inbox(o).length > 0).length;
  expect(got()).toBe(3);
  const waiting = deliveriesOf(h.emu, c._id).filter((d) => d.status === 'pending');
  expect(waiting).toHaveLength(4);
  for (const d of waiting) expect(d).toMatchObject({ reason: 'daily_budget', nextAttemptAt: at('2026-05-01T16:00:00Z') });
  h.emu.clock.set(at('2026-05-01T16:00:05Z'));
  await dispatchRuns(h.emu, 2);
  expect(got()).toBe(6);
  h.emu.clock.set(at('2026-05-02T16:00:05Z'));
  await dispatchRuns(h.emu);
  expect(got()).toBe(7);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { sent: 7 }, budget: { day: '2026-05-03', used: 1 } });
});
