// Series use cases on in-memory ports (test/campaigns/fakes.ts), fixed clock: pause over several days and resume —
// every occurrence is either recorded as skipped or created; none falls between the two.
import { makeFakes, ADMIN } from '../campaigns/fakes';
import { createCampaign, scheduleCampaign, updateCampaign } from '../../core/campaigns/edit';
import { pauseAny, resumeAny } from '../../core/campaigns/series-actions';

const at = (iso: string) => Date.parse(iso);

it('daily at 09:00, paused for three days, resumed at 09:30: days 1–3 skipped (recorded), today still sent, then tomorrow', async () => {
  const f = makeFakes();
  f.setNow(at('2026-05-01T00:00:00Z')); // 08:00 Beijing time
  const { id } = await createCampaign(f.deps, { name: '每日提醒', templateId: 'TPL_EVENT_REMINDER', data: { thing1: '读书', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '准时' }, audience: { kind: 'all' }, recurrence: { kind: 'daily', at: '09:00' } }, ADMIN);
  await scheduleCampaign(f.deps, { id });
  expect(f.docs.get(`${id}.20260501`)).toMatchObject({ status: 'scheduled', sendAt: at('2026-05-01T01:00:00Z') });
  await pauseAny(f.deps, { id });
  expect(f.docs.get(`${id}.20260501`)?.status).toBe('paused');
  f.setNow(at('2026-05-04T01:30:00Z')); // May 4, 09:30
  const res = await resumeAny(f.deps, { id });
  expect(res.skipped).toEqual([`${id}.20260501`]);
  const byKey = (k: string) => f.docs.get(`${id}.${k}`);
  expect(byKey('20260501')).toMatchObject({ status: 'cancelled', skipReason: 'series_paused' });
  expect(byKey('20260502')).toMatchObject({ status: 'cancelled', skipReason: 'series_paused' });
  expect(byKey('20260503')).toMatchObject({ status: 'cancelled', skipReason: 'series_paused' });
  // 30 minutes late is within the grace a late timer gets too: still sent today.
  expect(byKey('20260504')).toMatchObject({ status: 'scheduled', sendAt: at('2026-05-04T01:00:00Z') });
  expect(f.docs.get(id)?.series?.nextId).toBe(`${id}.20260504`);
  expect(f.docs.get(id)?.sendAt).toBeUndefined(); // the series itself is never promoted
});

describe('an edit of a scheduled series (carryEditToOccurrences)', () => {
  const DATA = { thing1: '读书', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '准时' };

  it('removing a page carries the removal; removing the rule skips the occurrence with nothing created', async () => {
    const f = makeFakes();
    f.setNow(at('2026-05-01T00:00:00Z'));
    const { id } = await createCampaign(f.deps, { name: '每日提醒', templateId: 'TPL_EVENT_REMINDER', data: DATA, page: 'pages/index/index', audience: { kind: 'all' }, recurrence: { kind: 'daily', at: '09:00' } }, ADMIN);
    await scheduleCampaign(f.deps, { id });
    expect(f.docs.get(`${id}.20260501`)?.page).toBe('pages/index/index');
    const r = await updateCampaign(f.deps, { id, patch: { page: null, name: '晨读' } });
    expect(r.occurrences).toEqual({ updated: [`${id}.20260501`], replaced: [], leftAlone: [] });
    expect(f.docs.get(`${id}.20260501`)).not.toHaveProperty('page');
    expect(f.docs.get(`${id}.20260501`)?.name).toBe('晨读 · 2026-05-01 09:00');
    // Idempotent: the same edit again changes nothing more.
    expect((await updateCampaign(f.deps, { id, patch: { page: null, name: '晨读' } })).occurrences?.updated).toEqual([`${id}.20260501`]);
    const gone = await updateCampaign(f.deps, { id, patch: { recurrence: null } });
    expect(gone.occurrences).toEqual({ updated: [], replaced: [{ from: `${id}.20260501`, to: null }], leftAlone: [] });
    expect(f.docs.get(`${id}.20260501`)).toMatchObject({ status: 'cancelled', skipReason: 'series_edited' });
  });

  it('an occurrence promoted between the read and the write is reported, not edited', async () => {
    const f = makeFakes();
    f.setNow(at('2026-05-01T00:00:00Z'));
    const { id } = await createCampaign(f.deps, { name: '每日提醒', templateId: 'TPL_EVENT_REMINDER', data: DATA, audience: { kind: 'all' }, recurrence: { kind: 'daily', at: '09:00' } }, ADMIN);
    await scheduleCampaign(f.deps, { id });
    const occ = `${id}.20260501`;
    // The dispatcher promotes the occurrence right after the edit read the list.
    const list = f.deps.campaigns.occurrences.bind(f.deps.campaigns);
    f.deps.campaigns.occurrences = async (s, n) => {
      const out = await list(s, n);
      f.docs.set(occ, { ...f.docs.get(occ)!, status: 'running' });
      return out;
    };
    const r = await updateCampaign(f.deps, { id, patch: { data: { ...DATA, thing1: '改' } } });
    expect(r.occurrences).toEqual({ updated: [], replaced: [], leftAlone: [{ id: occ, status: 'running', why: expect.stringContaining('meanwhile') }] });
    expect(f.docs.get(occ)?.data.thing1).toBe('读书');
  });
});
