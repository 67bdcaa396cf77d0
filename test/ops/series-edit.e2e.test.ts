// Editing a scheduled recurring series, end to end (emulator, real SDK, virtual clock): the edit reaches the
// occurrence already created (`<series>.<YYYYMMDD>`) while it has not started sending — content, audience, and its
// time when the schedule changed (an occurrence the new rule no longer has is skipped `series_edited` for the rule's
// next one); an occurrence already sending keeps what it started with, and the answer says so.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, DATA, deliveriesOf, dispatchRuns, seedAudience, TPL } from '../dispatch/support';

const h = useEmulator();
type Env<T> = { ok: boolean; data: T; error?: { code: string; message: string } };
const admin = <T = any>(event: Record<string, unknown>) => h.emu.call<Env<T>>('campaigns', 'o-admin', event);
const at = (iso: string) => Date.parse(iso);
type Edit = { id: string; status: string; occurrences: { updated: string[]; replaced: { from: string; to: string | null }[]; leftAlone: { id: string; status: string; why: string }[] } };

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.setFunctionEnv({});
  h.emu.clock.set(at('2026-05-01T00:00:00Z')); // 08:00 Beijing time
});

async function dailySeries(): Promise<string> {
  const created = await admin<{ id: string }>({ action: 'create', name: '每日读书', templateId: TPL, data: DATA, audience: { kind: 'all' }, recurrence: { kind: 'daily', at: '09:00' } });
  expect(created.ok).toBe(true);
  const sched = await admin<{ firstOccurrence: string }>({ action: 'schedule', id: created.data.id });
  expect(sched.data.firstOccurrence).toBe(`${created.data.id}.20260501`);
  return created.data.id;
}

it('content and time of the next occurrence follow an edit of the series; the message sent carries the edit', async () => {
  const openids = seedAudience(h.emu, 2, { quota: 3 });
  const id = await dailySeries();
  const occ = `${id}.20260501`;

  // New content: the occurrence created at schedule time carries it.
  const edited = await admin<Edit>({ action: 'update', id, patch: { data: { ...DATA, thing1: '晨读打卡' } } });
  expect(edited.data).toMatchObject({ id, status: 'scheduled', occurrences: { updated: [occ], replaced: [], leftAlone: [] } });
  expect(campaignOf(h.emu, occ).data.thing1).toBe('晨读打卡');

  // New time, same day: 09:00 → 10:00; the occurrence moves with it.
  const moved = await admin<Edit>({ action: 'update', id, patch: { recurrence: { kind: 'daily', at: '10:00' } } });
  expect(moved.data.occurrences).toMatchObject({ updated: [occ], replaced: [] });
  expect(campaignOf(h.emu, occ)).toMatchObject({ status: 'scheduled', sendAtLocal: '2026-05-01 10:00', sendAt: at('2026-05-01T02:00:00Z'), name: '每日读书 · 2026-05-01 10:00' });
  expect(campaignOf(h.emu, id).series).toMatchObject({ nextId: occ, nextAt: at('2026-05-01T02:00:00Z') });

  // Nothing at the old time; at the new time, the edited message.
  h.emu.clock.set(at('2026-05-01T01:00:05Z'));
  await dispatchRuns(h.emu);
  expect(h.emu.wechat.stats().sends).toBe(0);
  h.emu.clock.set(at('2026-05-01T02:00:05Z'));
  await dispatchRuns(h.emu, 2);
  await dispatchRuns(h.emu);
  for (const o of openids) {
    expect(h.emu.inbox(o)).toHaveLength(1);
    expect(h.emu.inbox(o)[0]!.rendered).toContain('晨读打卡');
  }
  expect(campaignOf(h.emu, occ)).toMatchObject({ status: 'completed', counters: { sent: 2 } });
});

it('a schedule the occurrence no longer fits: it is skipped series_edited and the new rule\'s next one is created', async () => {
  seedAudience(h.emu, 1);
  const id = await dailySeries();
  // Weekly on Sundays: 2026-05-01 is a Friday, the next Sunday is 2026-05-03.
  const r = await admin<Edit>({ action: 'update', id, patch: { recurrence: { kind: 'weekly', weekdays: [7], at: '09:00' } } });
  expect(r.ok).toBe(true);
  expect(r.data.occurrences).toEqual({ updated: [], replaced: [{ from: `${id}.20260501`, to: `${id}.20260503` }], leftAlone: [] });
  expect(campaignOf(h.emu, `${id}.20260501`)).toMatchObject({ status: 'cancelled', skipReason: 'series_edited' });
  expect(campaignOf(h.emu, `${id}.20260503`)).toMatchObject({ status: 'scheduled', sendAt: at('2026-05-03T01:00:00Z') });
  expect(campaignOf(h.emu, id).series).toMatchObject({ nextId: `${id}.20260503` });
  // Back to daily: the 1st is due again (revived, not a second document), nothing sent twice.
  const back = await admin<Edit>({ action: 'update', id, patch: { recurrence: { kind: 'daily', at: '09:00' } } });
  expect(back.data.occurrences.replaced).toEqual([{ from: `${id}.20260503`, to: `${id}.20260501` }]);
  expect(campaignOf(h.emu, `${id}.20260501`)).toMatchObject({ status: 'scheduled', sendAt: at('2026-05-01T01:00:00Z') });
  expect(campaignOf(h.emu, `${id}.20260501`)).not.toHaveProperty('skipReason');
  h.emu.clock.set(at('2026-05-01T01:00:05Z'));
  await dispatchRuns(h.emu, 2);
  await dispatchRuns(h.emu);
  expect(h.emu.wechat.stats().sends).toBe(1);
});

it('an occurrence already sending keeps its content; the answer names it', async () => {
  const [o] = seedAudience(h.emu, 1);
  const id = await dailySeries();
  const occ = `${id}.20260501`;
  // The quota pause holds the send back: the dispatcher promotes the occurrence and creates its delivery, sends nothing.
  h.emu.db.insert('ops_state', [{ _id: 'dispatch', quotaPausedUntil: at('2026-05-01T16:00:00Z'), quotaErrCode: 45009 }]);
  h.emu.clock.set(at('2026-05-01T01:00:05Z'));
  await dispatchRuns(h.emu);
  expect(campaignOf(h.emu, occ).status).toBe('running');
  const r = await admin<Edit>({ action: 'update', id, patch: { data: { ...DATA, thing1: '改过的内容' } } });
  expect(r.ok).toBe(true);
  // The next one (created when this one was promoted) has not started: it takes the edit.
  expect(r.data.occurrences).toEqual({ updated: [`${id}.20260502`], replaced: [], leftAlone: [{ id: occ, status: 'running', why: expect.stringContaining('already sending') }] });
  expect(campaignOf(h.emu, `${id}.20260502`).data.thing1).toBe('改过的内容');
  expect(campaignOf(h.emu, occ).data.thing1).toBe(DATA.thing1);
  expect(deliveriesOf(h.emu, occ).map((d) => (d.data as Record<string, { value: string }>).thing1?.value)).toEqual([DATA.thing1]);
  expect(campaignOf(h.emu, id).data.thing1).toBe('改过的内容');
  expect(o).toBeDefined();
});
