// Recurring campaigns end to end (emulator, real SDK, virtual clock): a monthly series on the 31st in Asia/Shanghai
// (no daylight saving) across May → June (30 days: its last day) → July; each occurrence its own campaign with its
// own counts; a double-fired timer sends an occurrence once; an occurrence that falls while the series is paused is
// skipped with a reason and never sent late; ending the series skips the next one.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, DATA, deliveriesOf, dispatchRuns, seedAudience, TPL } from '../dispatch/support';

const h = useEmulator();
const admin = <T = Record<string, unknown>>(event: Record<string, unknown>) =>
  h.emu.call<{ ok: boolean; data: T; error?: { code: string; message: string } }>('campaigns', 'o-admin', event);
const at = (iso: string) => Date.parse(iso);

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.setFunctionEnv({});
});

it('monthly on the 31st at 09:00 Beijing time: May 31, June 30, July 31 — own counts, once each, skipped while paused', async () => {
  h.emu.clock.set(at('2026-05-01T00:00:00Z'));
  const openids = seedAudience(h.emu, 3, { quota: 5 });
  const created = await admin<{ id: string }>({
    action: 'create', name: '月末读书会', templateId: TPL, data: DATA, audience: { kind: 'all' },
    recurrence: { kind: 'monthly', day: 31, at: '09:00' },
  });
  expect(created.ok).toBe(true);
  const id = created.data.id;
  const sched = await admin<{ sendAtLocal: string; firstOccurrence: string; recurrence: string }>({ action: 'schedule', id });
  expect(sched.data).toMatchObject({ sendAtLocal: '2026-05-31 09:00', firstOccurrence: `${id}.20260531`, recurrence: '每月 31 日 09:00' });

  // Nothing before its time; at 09:00 Beijing time (01:00Z) it goes out — a double-fired timer sends it once.
  h.emu.clock.set(at('2026-05-31T00:59:00Z'));
  await dispatchRuns(h.emu);
  expect(h.emu.wechat.stats().sends).toBe(0);
  h.emu.clock.set(at('2026-05-31T01:00:05Z'));
  await dispatchRuns(h.emu, 2);
  await dispatchRuns(h.emu, 2);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(1);
  expect(campaignOf(h.emu, `${id}.20260531`)).toMatchObject({ status: 'completed', counters: { targeted: 3, sent: 3 } });
  expect(deliveriesOf(h.emu, `${id}.20260531`).map((d) => d._id).sort()).toEqual(openids.map((o) => `campaign:${id}.20260531:${o}`).sort());
  // June has 30 days: the occurrence falls on its last day.
  expect(campaignOf(h.emu, `${id}.20260630`)).toMatchObject({ status: 'scheduled', sendAtLocal: '2026-06-30 09:00', sendAt: at('2026-06-30T01:00:00Z') });
  expect(campaignOf(h.emu, id).series).toMatchObject({ nextId: `${id}.20260630` });

  // Paused over June 30: nothing is sent then, and resuming on July 1 does not send it late.
  h.emu.clock.set(at('2026-06-20T00:00:00Z'));
  expect((await admin({ action: 'pause', id })).ok).toBe(true);
  expect(campaignOf(h.emu, `${id}.20260630`).status).toBe('paused');
  h.emu.clock.set(at('2026-06-30T01:00:05Z'));
  await dispatchRuns(h.emu);
  h.emu.clock.set(at('2026-07-01T02:00:00Z'));
  await dispatchRuns(h.emu);
  const resumed = await admin<{ skipped: string[] }>({ action: 'resume', id });
  expect(resumed.data.skipped).toEqual([`${id}.20260630`]);
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(1);
  expect(campaignOf(h.emu, `${id}.20260630`)).toMatchObject({ status: 'cancelled', skipReason: 'series_paused' });
  expect(campaignOf(h.emu, `${id}.20260731`)).toMatchObject({ status: 'scheduled' });

  h.emu.clock.set(at('2026-07-31T01:00:05Z'));
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(2);
  expect(h.emu.inbox(openids[0]!)[1]!.at).toBeGreaterThanOrEqual(at('2026-07-31T01:00:00Z'));
  expect(campaignOf(h.emu, `${id}.20260731`)).toMatchObject({ status: 'completed', counters: { targeted: 3, sent: 3 } });

  // The detail page's list: each occurrence with its own counts and, when skipped, why.
  const occ = await admin<{ occurrences: { id: string; status: string; skipReason: string | null; progress: { sent: number } }[] }>({ action: 'occurrences', id });
  expect(occ.data.occurrences.map((o) => [o.id, o.status, o.skipReason, o.progress.sent])).toEqual([
    [`${id}.20260831`, 'scheduled', null, 0],
    [`${id}.20260731`, 'completed', null, 3],
    [`${id}.20260630`, 'cancelled', 'series_paused', 0],
    [`${id}.20260531`, 'completed', null, 3],
  ]);

  // End the series: the August occurrence is skipped, nothing more is sent.
  const ended = await admin<{ status: string; skipped: string[] }>({ action: 'end', id });
  expect(ended.data).toMatchObject({ status: 'completed', skipped: [`${id}.20260831`] });
  h.emu.clock.set(at('2026-08-31T01:00:05Z'));
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(2);
});

it('weekly on Monday and Friday (cron-free), a timer down for 3 hours: the missed occurrence is skipped, not sent late', async () => {
  h.emu.clock.set(at('2026-05-01T00:00:00Z')); // Friday 08:00 Beijing time
  const openids = seedAudience(h.emu, 2, { quota: 5 });
  const { data } = await admin<{ id: string }>({
    action: 'create', name: '周报', templateId: TPL, data: DATA, audience: { kind: 'all' }, recurrence: { kind: 'weekly', weekdays: [1, 5], at: '09:00' },
  });
  const sched = await admin<{ sendAtLocal: string }>({ action: 'schedule', id: data.id });
  expect(sched.data.sendAtLocal).toBe('2026-05-01 09:00');
  // The timer is down from before Friday 09:00 until Friday 12:00 (3 h late): that occurrence is skipped.
  h.emu.clock.set(at('2026-05-01T04:00:00Z'));
  const [run] = await dispatchRuns(h.emu);
  expect(run?.result).toMatchObject({ series: { missed: [`${data.id}.20260501`], created: [`${data.id}.20260504`] } });
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(0);
  expect(campaignOf(h.emu, `${data.id}.20260501`)).toMatchObject({ status: 'cancelled', skipReason: 'missed' });
  h.emu.clock.set(at('2026-05-04T01:00:05Z')); // Monday 09:00:05
  await dispatchRuns(h.emu);
  for (const o of openids) expect(h.emu.inbox(o)).toHaveLength(1);
});

it('refuses a malformed recurrence with a clear code', async () => {
  const bad = await admin({ action: 'create', name: 'x', templateId: TPL, data: DATA, audience: { kind: 'all' }, recurrence: { kind: 'cron', cron: '0 9 * *' } });
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
});
