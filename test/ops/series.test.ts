// Series use cases on in-memory ports (test/campaigns/fakes.ts), fixed clock: pause over several days and resume —
// every occurrence is either recorded as skipped or created; none falls between the two.
import { makeFakes, ADMIN } from '../campaigns/fakes';
import { createCampaign, scheduleCampaign } from '../../core/campaigns/edit';
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
