// Dispatch end to end: audiences — a segment by tags and attributes (joined with `users`), per-user variables, a
// long-term template (no count to reserve: sent while the subscription is active), users without a usable grant.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, dispatchRuns, seedAudience, seedCampaign, TPL_LONG } from './support';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

it('a segment reaches only matching users with a grant, with their nickname filled in', async () => {
  const [a, b, c, d] = seedAudience(h.emu, 4);
  h.emu.db.insert('users', [
    { _id: a, nickname: '阿明', tags: ['vip', 'reader'], attributes: { city: '上海' } },
    { _id: b, nickname: '小红', tags: ['vip'], attributes: { city: '上海' } },
    { _id: c, nickname: '老王', tags: ['vip', 'reader'], attributes: { city: '北京' } },
  ]);
  const data = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '{{nickname}}，记得带书' };
  const camp = seedCampaign(h.emu, { data, audience: { kind: 'segment', tags: ['vip', 'reader'], attributes: { city: '上海' } } });
  await dispatchRuns(h.emu);
  expect(h.emu.inbox(a!).map((m) => m.data.thing4?.value)).toEqual(['阿明，记得带书']);
  for (const o of [b, c, d]) expect(h.emu.inbox(o!)).toHaveLength(0);
  expect(deliveriesOf(h.emu, camp._id).map((x) => x.openid)).toEqual([a]);
  expect(campaignOf(h.emu, camp._id)).toMatchObject({ status: 'completed', counters: { targeted: 1, sent: 1 } });
});

it('long-term template: active subscribers are sent to without a count; inactive ones are not targeted', async () => {
  const active = seedAudience(h.emu, 3, { templateId: TPL_LONG, quota: 1 });
  const inactive = seedAudience(h.emu, 2, { templateId: TPL_LONG, quota: 0, from: 10 });
  const data = { thing1: '营业执照办理', phrase2: '已受理', time3: '2026-05-01 10:00' };
  const camp = seedCampaign(h.emu, { templateId: TPL_LONG, data });
  await dispatchRuns(h.emu);
  for (const o of active) expect(h.emu.inbox(o)).toHaveLength(1);
  for (const o of inactive) expect(h.emu.inbox(o)).toHaveLength(0);
  expect(campaignOf(h.emu, camp._id)).toMatchObject({ status: 'completed', counters: { targeted: 3, sent: 3 } });
  expect(h.emu.db.find('grants', { templateId: TPL_LONG, active: true })).toHaveLength(3);
});

it('an empty audience completes the campaign at once; users whose ledger is 0 are not targeted', async () => {
  seedAudience(h.emu, 2, { quota: 0 });
  const camp = seedCampaign(h.emu);
  const [r] = await dispatchRuns(h.emu);
  expect(r?.result).toMatchObject({ completed: [camp._id], sent: 0 });
  expect(campaignOf(h.emu, camp._id)).toMatchObject({ status: 'completed', counters: { targeted: 0 } });
  expect(h.emu.wechat.stats().sends).toBe(0);
});
