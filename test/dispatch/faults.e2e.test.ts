// Dispatch end to end: WeChat errors. -1 at 20 % → retried with backoff until everyone is served; 43101 for a grant
// spent elsewhere → skipped, ledger zeroed, never retried; SOURCE other than the timer → refused.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, dispatchRuns, drain, ledger, seedAudience, seedCampaign, TPL } from './support';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

it('-1 system errors at 20%: every recipient is eventually served, once', async () => {
  const openids = seedAudience(h.emu, 120);
  const c = seedCampaign(h.emu);
  h.emu.wechat.setFaults({ systemErrorRate: 0.2 });
  await drain(h.emu, c._id);
  const stats = h.emu.wechat.stats();
  expect(stats.byErrCode['-1']).toBeGreaterThan(0);
  for (const o of openids) {
    expect(h.emu.inbox(o)).toHaveLength(1);
    expect(ledger(h.emu, o)).toBe(h.emu.quota(o, TPL));
  }
  const ds = deliveriesOf(h.emu, c._id);
  expect(ds.every((d) => d.status === 'sent')).toBe(true);
  expect(ds.some((d) => d.attempts > 1)).toBe(true);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { sent: 120, failed: 0 } });
});

it('43101 for a grant spent elsewhere: skipped, ledger zeroed, never retried', async () => {
  const [spent, ...rest] = seedAudience(h.emu, 5);
  h.emu.wechat.setQuota(spent!, TPL, 0); // WeChat's count is 0, the ledger still says 1
  const c = seedCampaign(h.emu);
  await dispatchRuns(h.emu);
  h.emu.clock.advance(3600_000);
  await dispatchRuns(h.emu);
  const d = deliveriesOf(h.emu, c._id).find((x) => x.openid === spent);
  expect(d).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101, attempts: 1 });
  expect(ledger(h.emu, spent!)).toBe(0);
  expect(h.emu.wechat.stats().byErrCode['43101']).toBe(1);
  for (const o of rest) expect(h.emu.inbox(o)).toHaveLength(1);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { targeted: 5, sent: 4, skipped: 1 } });
});

it('refuses every SOURCE but the timer (the refusal is logged by the function)', async () => {
  seedAudience(h.emu, 3);
  seedCampaign(h.emu);
  for (const source of ['wx_client', 'wx_http', 'wx_client,scf']) {
    const r = await h.emu.callRaw('dispatch', {}, { kind: 'client', openid: 'o-admin', source });
    expect(r.result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }
  expect(h.emu.wechat.stats().sends).toBe(0);
  expect(h.emu.db.find('deliveries', {})).toHaveLength(0);
});
