// Dispatch end to end (emulator + real wx-server-sdk): overlapping timer runs send every message exactly once.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, dispatchRuns, ledger, seedAudience, seedCampaign, TPL } from './support';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

it('three dispatch runs at once: every recipient gets exactly one message, ledger = WeChat quota', async () => {
  // Three warm workers first (runs with nothing to do), so the three runs below start together rather than one cold
  // start apart; and sends that take a little while, so no run can send all 300 before the others claim (with both,
  // a run finishing everything alone on a loaded machine made the "work was shared" check below flaky).
  await dispatchRuns(h.emu, 3);
  await h.emu.reset(); // the data those runs wrote (their wake state) goes; the workers stay warm
  createCollections(h.emu);
  h.emu.wechat.setFaults({ latency: { fixedMs: 30 } });
  const openids = seedAudience(h.emu, 300);
  const c = seedCampaign(h.emu);
  const runs = await dispatchRuns(h.emu, 3);
  expect(runs.map((r) => r.ok)).toEqual([true, true, true]);
  // Later runs finish whatever the first three left (completion is checked at the end of a run; on a loaded machine
  // the three may not get through 300 sends within their budget).
  for (let i = 0; i < 10 && campaignOf(h.emu, c._id).status !== 'completed'; i++) await dispatchRuns(h.emu, 1);
  for (const o of openids) {
    expect(h.emu.inbox(o)).toHaveLength(1);
    expect(ledger(h.emu, o)).toBe(h.emu.quota(o, TPL));
  }
  const ds = deliveriesOf(h.emu, c._id);
  expect(ds).toHaveLength(300);
  expect(ds.every((d) => d.status === 'sent')).toBe(true);
  const after = campaignOf(h.emu, c._id);
  expect(after.status).toBe('completed');
  expect(after.counters).toMatchObject({ targeted: 300, sent: 300, skipped: 0, failed: 0, unknown: 0 });
  // Work was shared: more than one run claimed deliveries, and no delivery was claimed twice to be sent twice.
  const claimedBy = runs.filter((r) => ((r.result as { claimed?: number })?.claimed ?? 0) > 0);
  expect(claimedBy.length).toBeGreaterThanOrEqual(2);
  expect(h.emu.wechat.stats().sends).toBe(300);
});
