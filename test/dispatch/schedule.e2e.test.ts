// Dispatch end to end: time. Quiet hours defer across midnight in Asia/Shanghai (never drop); pause and resume
// mid-campaign lose nothing; a personal reminder goes out at its time; the frequency cap is shared by campaigns.
import { useEmulator } from '../support/emulator';
import type { Delivery } from '../../core/delivery';
import { campaignOf, createCollections, DATA, deliveriesOf, dispatchRuns, seedAudience, seedCampaign, TPL } from './support';

const h = useEmulator();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

it('quiet hours 22:00–08:00 Asia/Shanghai: a 23:30 campaign waits until 08:00 Beijing time, then sends all', async () => {
  h.emu.clock.set(Date.parse('2026-05-01T15:30:00Z')); // 23:30 in Shanghai
  const openids = seedAudience(h.emu, 20);
  const c = seedCampaign(h.emu, { quietHours: { start: '22:00', end: '08:00' } });
  const [night] = await dispatchRuns(h.emu);
  expect(night?.result).toMatchObject({ promoted: 1, sent: 0, deferred: [{ campaignId: c._id, until: Date.parse('2026-05-02T00:00:00Z') }] });
  expect(deliveriesOf(h.emu, c._id).filter((d) => d.status === 'pending')).toHaveLength(20); // expanded, waiting
  h.emu.clock.set(Date.parse('2026-05-01T23:59:00Z')); // 07:59 next day
  await dispatchRuns(h.emu);
  expect(openids.every((o) => h.emu.inbox(o).length === 0)).toBe(true);
  h.emu.clock.set(Date.parse('2026-05-02T00:00:05Z')); // 08:00:05
  await dispatchRuns(h.emu);
  for (const o of openids) {
    expect(h.emu.inbox(o)).toHaveLength(1);
    expect(h.emu.inbox(o)[0]!.at).toBeGreaterThanOrEqual(Date.parse('2026-05-02T00:00:00Z'));
  }
  expect(campaignOf(h.emu, c._id).status).toBe('completed');
});

it('pause mid-campaign stops sending, resume finishes it: nothing lost, nothing twice', async () => {
  const openids = seedAudience(h.emu, 400);
  const c = seedCampaign(h.emu);
  await h.emu.call('campaigns', 'o-admin', { action: 'list' }); // warm the admin function
  h.emu.wechat.setFaults({ latency: { fixedMs: 250 } });
  const run = dispatchRuns(h.emu);
  while (h.emu.wechat.stats().delivered < 20) await sleep(20);
  const paused = await h.emu.call<{ ok: boolean }>('campaigns', 'o-admin', { action: 'pause', id: c._id });
  expect(paused.ok).toBe(true);
  const atPause = h.emu.wechat.stats().delivered;
  await run;
  const afterRun = h.emu.wechat.stats().delivered;
  // In-flight sends finish; nothing new starts once the run sees the pause (it re-reads campaigns every second).
  expect(afterRun).toBeLessThan(openids.length);
  h.emu.clock.advance(60_000);
  await dispatchRuns(h.emu);
  expect(h.emu.wechat.stats().delivered).toBe(afterRun);
  expect(deliveriesOf(h.emu, c._id).filter((d) => d.status === 'pending').length).toBe(openids.length - afterRun);
  const resumed = await h.emu.call<{ ok: boolean }>('campaigns', 'o-admin', { action: 'resume', id: c._id });
  expect(resumed.ok).toBe(true);
  h.emu.wechat.setFaults({});
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(1);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { targeted: 400, sent: 400 } });
  expect(atPause).toBeGreaterThanOrEqual(20);
});

it('a personal reminder goes out at its due time, not before', async () => {
  const [o] = seedAudience(h.emu, 1);
  const now = h.emu.now();
  const due = now + 10 * 60_000;
  const id = `reminder:evt-1:${o}`;
  const reminder: Delivery = {
    _id: id, sourceType: 'reminder', sourceId: 'evt-1', openid: o!, templateId: TPL, page: `pages/events/events?eventId=evt-1&deliveryId=${id}`,
    data: Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }])),
    status: 'pending', dueAt: due, attempts: 0, nextAttemptAt: due, createdAt: now, updatedAt: now,
  };
  h.emu.db.insert('deliveries', [reminder as unknown as Record<string, unknown>]);
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(o!)).toHaveLength(0);
  h.emu.clock.set(due + 3000);
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(o!)).toHaveLength(1);
  expect(h.emu.db.find('deliveries', { _id: id })[0]).toMatchObject({ status: 'sent', attempts: 1 });
  expect(h.emu.quota(o!, TPL)).toBe(0);
});

it('the frequency cap is shared by campaigns: a second campaign the same day is skipped for capped users', async () => {
  const openids = seedAudience(h.emu, 10, { quota: 2 });
  const cap = { max: 1, perHours: 24 };
  const first = seedCampaign(h.emu, { frequencyCap: cap });
  await dispatchRuns(h.emu);
  const second = seedCampaign(h.emu, { frequencyCap: cap });
  h.emu.wechat.setFaults({});
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(1);
  expect(campaignOf(h.emu, first._id).counters).toMatchObject({ sent: 10 });
  expect(campaignOf(h.emu, second._id)).toMatchObject({ status: 'completed', counters: { sent: 0, skipped: 10 } });
  expect(deliveriesOf(h.emu, second._id).every((d) => d.reason === 'frequency_cap')).toBe(true);
  expect(openids.every((o) => h.emu.quota(o, TPL) === 1 && h.emu.db.find('grants', { openid: o })[0]!.remaining === 1)).toBe(true);
});
