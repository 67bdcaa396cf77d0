// The send-path issue's three causes, each reproduced deterministically through the emulator with the real SDK and
// the real `dispatch` function (each of these failed before the send path was rebuilt):
//   1. WeChat's per-(user, template) count cannot say which of two unsettled sends arrived: no probe, no resend.
//   2. Holds are never evicted: a dead run's reservation is still there after many newer ones.
//   3. The frequency cap counts in-flight sends without skipping for good on them; bulk reminders for one user go
//      out within one run.
import { useEmulator, withSdkEnv, type Emulator } from '../support/emulator';
import { createCampaignQueue } from '../../adapters/stores/queue-campaigns';
import type { Delivery } from '../../core/delivery';
import { newGrantDoc } from '../../core/grants/model';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import { createCollections, DATA, dispatchRuns, seedCampaign, TPL } from './support';

const h = useEmulator();
const LEASE = DEFAULT_DISPATCH_CONFIG.leaseMs;
const WX_DATA = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }]));

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

/** The ledger's grant and WeChat's own count for one user. */
function grant(emu: Emulator, o: string, ledger: number, wechat: number, holds: string[] = []): void {
  emu.db.insert('grants', [{ ...newGrantDoc(o, TPL, 'one-time', emu.now()), remaining: ledger, granted: ledger + holds.length, lastResult: 'accept', holds }]);
  emu.wechat.setQuota(o, TPL, wechat);
}

function delivery(emu: Emulator, patch: Partial<Delivery> & Pick<Delivery, '_id' | 'sourceType' | 'sourceId' | 'openid'>): Delivery {
  const now = emu.now();
  const d: Delivery = { templateId: TPL, data: WX_DATA, page: 'pages/events/events', status: 'pending', dueAt: now, attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now, ...patch };
  emu.db.insert('deliveries', [d as unknown as Record<string, unknown>]);
  return d;
}

/** A delivery a dead run claimed (token `token`) and, with `started`, began sending; its lease ends in `leaseIn` ms. */
function dead(emu: Emulator, base: Pick<Delivery, '_id' | 'sourceType' | 'sourceId' | 'openid'>, token: string, started: boolean, leaseIn: number, patch: Partial<Delivery> = {}): Delivery {
  const now = emu.now();
  return delivery(emu, { ...base, status: 'sending', leaseOwner: token.split('.')[0], leaseUntil: now + leaseIn, claimToken: token, claimedAt: now - 1000, ...(started ? { sendStartedAt: now - 900 } : {}), ...patch });
}

const doc = (emu: Emulator, id: string) => emu.db.find('deliveries', { _id: id })[0] as unknown as Delivery;
const grantDoc = (emu: Emulator, o: string) => emu.db.find('grants', { _id: `g:${o}:${TPL}` })[0] as { remaining: number; holds?: string[] };

it('cause 1: two unsettled reservations on one user and template → both ambiguous, nothing resent, ledger never above WeChat', async () => {
  // The user had 2 sends. A reminder and a campaign were claimed and sent by runs that both died before WeChat
  // answered; only the reminder reached WeChat (its count went 2 → 1).
  const o = 'o-two';
  grant(h.emu, o, 0, 1, ['deadA.1', 'deadB.1']);
  const c = seedCampaign(h.emu, { status: 'running', cursor: { after: null, done: true } });
  const rem = dead(h.emu, { _id: `reminder:r1:${o}`, sourceType: 'reminder', sourceId: 'r1', openid: o }, 'deadA.1', true, -1);
  const camp = dead(h.emu, { _id: `campaign:${c._id}:${o}`, sourceType: 'campaign', sourceId: c._id, openid: o }, 'deadB.1', true, -1);
  const sends = h.emu.wechat.stats().sends;
  await dispatchRuns(h.emu, 1);
  h.emu.clock.advance(LEASE + 1000);
  await dispatchRuns(h.emu, 1);
  // WeChat's count (1) cannot tell which one arrived: neither is sent again, neither is called "consumed".
  expect(h.emu.wechat.stats().sends).toBe(sends);
  expect(h.emu.inbox(o)).toHaveLength(0);
  for (const id of [rem._id, camp._id]) expect(doc(h.emu, id)).toMatchObject({ status: 'unknown', reason: 'ambiguous' });
  expect(grantDoc(h.emu, o)).toMatchObject({ remaining: 0, holds: [] });
  // Ledger 0 ≤ WeChat 1: one ambiguous send never arrived, and both are counted as ambiguous.
  expect(h.emu.quota(o, TPL)).toBe(1);
});

it('cause 2: a dead run\'s hold survives many newer reservations; its send is never repeated', async () => {
  // A power user: 22 grants. A reminder was sent by a run that died before WeChat answered (it arrived: WeChat
  // 22 → 21); its lease is still running while 18 more reminders go out.
  const o = 'o-power';
  grant(h.emu, o, 21, 21, ['dead.1']);
  const d0 = dead(h.emu, { _id: `reminder:r0:${o}`, sourceType: 'reminder', sourceId: 'r0', openid: o }, 'dead.1', true, 60_000);
  for (let k = 1; k <= 18; k++) delivery(h.emu, { _id: `reminder:r${k}:${o}`, sourceType: 'reminder', sourceId: `r${k}`, openid: o });
  for (let i = 0; i < 20 && h.emu.db.find('deliveries', { status: 'pending' }).length; i++) {
    await dispatchRuns(h.emu, 1);
    h.emu.clock.advance(1000);
  }
  expect(h.emu.db.find('deliveries', { status: 'sent' })).toHaveLength(18);
  expect(grantDoc(h.emu, o).holds).toEqual(['dead.1']);
  h.emu.clock.advance(LEASE);
  await dispatchRuns(h.emu, 1);
  expect(doc(h.emu, d0._id)).toMatchObject({ status: 'unknown', reason: 'ambiguous' });
  expect(h.emu.wechat.stats().sends).toBe(18);
  expect(grantDoc(h.emu, o)).toMatchObject({ remaining: 3, holds: [] });
  expect(h.emu.quota(o, TPL)).toBe(3);
});

it('a user with 18 reminders due gets all of them within one run (one at a time, 43108-safe)', async () => {
  const o = 'o-busy';
  grant(h.emu, o, 20, 20);
  for (let k = 1; k <= 18; k++) delivery(h.emu, { _id: `reminder:b${k}:${o}`, sourceType: 'reminder', sourceId: `b${k}`, openid: o });
  const start = h.emu.now();
  const [run] = await dispatchRuns(h.emu, 1);
  expect(run?.ok).toBe(true);
  expect(h.emu.inbox(o)).toHaveLength(18);
  expect(h.emu.wechat.stats().byErrCode['43108'] ?? 0).toBe(0);
  expect(h.emu.now() - start).toBeLessThan(10_000);
  expect([grantDoc(h.emu, o).remaining, h.emu.quota(o, TPL)]).toEqual([2, 2]);
});

it('cause 3: a capped campaign waits for an in-flight campaign send instead of skipping for good', async () => {
  // Campaign A's send to the user was claimed by a run that died before sending (lease still running), and its data
  // turns out invalid, so it will never count. Campaign B (same cap: 1 a day) must not be skipped because of it.
  const o = 'o-capped';
  grant(h.emu, o, 1, 2, ['dead.1']);
  const cap = { max: 1, perHours: 24 };
  const a = seedCampaign(h.emu, { status: 'running', cursor: { after: null, done: true }, frequencyCap: cap });
  const b = seedCampaign(h.emu, { status: 'running', cursor: { after: null, done: true }, frequencyCap: cap });
  const bad = { ...WX_DATA, thing1: { value: 'x'.repeat(30) } };
  const da = dead(h.emu, { _id: `campaign:${a._id}:${o}`, sourceType: 'campaign', sourceId: a._id, openid: o }, 'dead.1', false, 30_000, { data: bad });
  const db = delivery(h.emu, { _id: `campaign:${b._id}:${o}`, sourceType: 'campaign', sourceId: b._id, openid: o, page: `pages/events/events?deliveryId=campaign:${b._id}:${o}` });
  await dispatchRuns(h.emu, 1);
  // A is in flight: B may not go now, but it is not final either.
  expect(doc(h.emu, db._id)).toMatchObject({ status: 'pending', reason: 'frequency_cap_wait' });
  expect(h.emu.inbox(o)).toHaveLength(0);
  for (let i = 0; i < 6; i++) {
    h.emu.clock.advance(LEASE);
    await dispatchRuns(h.emu, 1);
  }
  expect(doc(h.emu, da._id)).toMatchObject({ status: 'failed', reason: 'validation' });
  expect(doc(h.emu, db._id)).toMatchObject({ status: 'sent' });
  expect(h.emu.inbox(o)).toHaveLength(1);
  expect(grantDoc(h.emu, o)).toMatchObject({ remaining: 1, holds: [] });
  expect(h.emu.quota(o, TPL)).toBe(1);
});

it('cause 3: an ambiguous campaign send counts against the cap; the next capped campaign is skipped, never sent', async () => {
  const o = 'o-amb';
  // Campaign A reached WeChat (2 → 1) from a run that died; the user has one more grant.
  grant(h.emu, o, 1, 1, ['dead.1']);
  const cap = { max: 1, perHours: 24 };
  const a = seedCampaign(h.emu, { status: 'running', cursor: { after: null, done: true }, frequencyCap: cap });
  const b = seedCampaign(h.emu, { status: 'running', cursor: { after: null, done: true }, frequencyCap: cap });
  const da = dead(h.emu, { _id: `campaign:${a._id}:${o}`, sourceType: 'campaign', sourceId: a._id, openid: o }, 'dead.1', true, 30_000);
  const db = delivery(h.emu, { _id: `campaign:${b._id}:${o}`, sourceType: 'campaign', sourceId: b._id, openid: o });
  for (let i = 0; i < 4; i++) {
    await dispatchRuns(h.emu, 1);
    h.emu.clock.advance(LEASE);
  }
  expect(doc(h.emu, da._id)).toMatchObject({ status: 'unknown' });
  expect(doc(h.emu, db._id)).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
  expect(h.emu.wechat.stats().sends).toBe(0);
  expect(grantDoc(h.emu, o)).toMatchObject({ remaining: 1, holds: [] });
});

it('a settlement a killed run left half-written (delivery final, hold not yet consumed) is finished by the next run', async () => {
  const o = 'o-half';
  grant(h.emu, o, 2, 2, ['dead.1']);
  const now = h.emu.now();
  const d = delivery(h.emu, { _id: `reminder:h1:${o}`, sourceType: 'reminder', sourceId: 'h1', openid: o, status: 'sent', sentAt: now - 20_000, updatedAt: now - 20_000, claimToken: 'dead.1', holdOpen: true });
  await dispatchRuns(h.emu, 1);
  expect(grantDoc(h.emu, o)).toMatchObject({ remaining: 2, holds: [] });
  expect(doc(h.emu, d._id)).toMatchObject({ status: 'sent' });
  expect(doc(h.emu, d._id)).not.toHaveProperty('holdOpen');
  expect(doc(h.emu, d._id)).not.toHaveProperty('claimToken');
  expect(h.emu.wechat.stats().sends).toBe(0);
});

it('a run\'s late counter bump after another run completed the campaign does not count its results twice', async () => {
  const c = seedCampaign(h.emu, { status: 'completed', cursor: { after: null, done: true }, counters: { targeted: 3, sent: 3, skipped: 0, failed: 0, unknown: 0, opened: 0 } });
  await withSdkEnv(h.emu, async () => {
    // What a slow run does after its deliveries were written and another run completed the campaign.
    await createCampaignQueue().bumpCounters(c._id, { sent: 2 }, h.emu.now());
  });
  expect((h.emu.db.find('campaigns', { _id: c._id })[0] as { counters: { sent: number } }).counters.sent).toBe(3);
});
