// Dispatch end to end (emulator + real wx-server-sdk): overlapping timer runs send every message exactly once.
import { useEmulator } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, dispatchRuns, drain, ledger, seedAudience, seedCampaign, TPL } from './support';
import { slotOf } from '../../core/dispatch/slots';

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

/** Sums what the runs answered (RunSummary.claimed, RunSummary.lostClaims). */
function claimTotals(runs: { result?: unknown }[]): { claimed: number; lost: number } {
  let claimed = 0;
  let lost = 0;
  for (const r of runs) {
    const s = r.result as { claimed?: number; lostClaims?: number } | undefined;
    claimed += s?.claimed ?? 0;
    lost += s?.lostClaims ?? 0;
  }
  return { claimed, lost };
}

it('four runs at once claim from different queue slots: few candidates are lost to another run, every message goes once', async () => {
  await dispatchRuns(h.emu, 4); // four warm workers, so the runs below start together
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.wechat.setFaults({ latency: { fixedMs: 30 } });
  const openids = seedAudience(h.emu, 2000);
  const c = seedCampaign(h.emu);
  const runs = await dispatchRuns(h.emu, 4);
  expect(runs.map((r) => r.ok)).toEqual([true, true, true, true]);
  for (let i = 0; i < 10 && campaignOf(h.emu, c._id).status !== 'completed'; i++) runs.push(...(await dispatchRuns(h.emu, 1)));
  // Each recipient exactly once at WeChat, and every send answered in time. (Before the emulator spread functions'
  // connections over several listeners, the runs' new connections waited seconds to be accepted under CI load and
  // up to 151 of 2,000 sends ended `unknown`: see emulator/server/index.ts FUNCTION_LISTENERS.)
  expect(campaignOf(h.emu, c._id).counters).toMatchObject({ targeted: 2000, sent: 2000, skipped: 0, failed: 0, unknown: 0 });
  expect(h.emu.wechat.stats().sends).toBe(2000);
  for (const o of openids.slice(0, 50)) expect(h.emu.inbox(o)).toHaveLength(1);
  // Every delivery carries its openid's slot, as the expansion wrote it.
  const slots = new Set(deliveriesOf(h.emu, c._id).map((d) => d.slot));
  expect(slots.size).toBeGreaterThan(32);
  // All runs reading "the first 100 pending" lost about half as many candidates as they claimed (0.55 here with a
  // single slot); reading from different slots, and a random quarter of the queue's head at the tail: 0.02–0.04.
  const { claimed, lost } = claimTotals(runs);
  expect(claimed).toBe(2000);
  expect(lost / claimed).toBeLessThan(0.15);
});

it('deliveries written before queue slots existed (no `slot`) are still claimed and sent', async () => {
  const openids = seedAudience(h.emu, 150);
  const c = seedCampaign(h.emu, { status: 'running', cursor: { after: openids[openids.length - 1]!, done: true }, counters: { targeted: 150, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 } });
  const now = h.emu.now();
  h.emu.db.insert('deliveries', openids.map((o) => ({
    _id: `campaign:${c._id}:${o}`, sourceType: 'campaign', sourceId: c._id, openid: o, templateId: TPL,
    data: Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, { value: v }])), status: 'pending', dueAt: now - 1000,
    attempts: 0, nextAttemptAt: now - 1000, createdAt: now - 1000, updatedAt: now - 1000,
  })));
  for (let i = 0; i < 10 && campaignOf(h.emu, c._id).status !== 'completed'; i++) await dispatchRuns(h.emu, 2);
  expect(campaignOf(h.emu, c._id).status).toBe('completed');
  expect(deliveriesOf(h.emu, c._id).every((d) => d.status === 'sent' && d.slot === undefined)).toBe(true);
  expect(h.emu.wechat.stats().sends).toBe(150);
});

it('at the tail of a campaign (most queue slots already empty) a run goes to the slots that still have work: full batches, few reads', async () => {
  // 3,000 recipients of a running campaign whose deliveries exist; those of slots 0–47 were sent by earlier runs,
  // 16 slots (~750 deliveries) still pending. A run that stepped slot by slot through the empty ones would read an
  // empty slot and the queue's head (taking a quarter of it) over and over; it follows the head to a slot with work.
  const openids = seedAudience(h.emu, 3000);
  const c = seedCampaign(h.emu, { status: 'running', cursor: { after: openids[openids.length - 1]!, done: true }, counters: { targeted: 3000, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 } });
  const now = h.emu.now();
  const data = Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, { value: v }]));
  h.emu.db.insert('deliveries', openids.map((o) => {
    const slot = slotOf(o);
    return {
      _id: `campaign:${c._id}:${o}`, sourceType: 'campaign', sourceId: c._id, openid: o, templateId: TPL, data, slot,
      status: slot < 48 ? 'sent' : 'pending', dueAt: now - 1000, attempts: 0, nextAttemptAt: now - 1000, createdAt: now - 1000, updatedAt: now - 1000,
    };
  }));
  const pending = deliveriesOf(h.emu, c._id).filter((d) => d.status === 'pending').length;
  expect(pending).toBeGreaterThan(600);
  const [run] = await dispatchRuns(h.emu, 1);
  expect(run?.ok).toBe(true);
  expect((run?.result as { claimed?: number }).claimed).toBe(pending);
  // Candidate reads of deliveries: about one per 100 claimed, plus a few (an empty slot, its head look, short slots).
  const reads = (h.emu.runner.detail(run!.id)?.requests ?? []).filter((r) => r.action === 'database.getDocument' && r.collection === 'deliveries').length;
  expect(reads).toBeLessThan(pending / 100 + 16);
  expect(h.emu.wechat.stats().sends).toBe(pending);
});

it('a finished campaign is completed by the run holding its lease: its deliveries are aggregated once, not by every run', async () => {
  seedAudience(h.emu, 40);
  const c = seedCampaign(h.emu);
  await drain(h.emu, c._id);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { sent: 40 } });
  // Back to where a big campaign's last runs find it: every delivery final, counters behind, not yet completed.
  const reopen = (patch: Record<string, unknown>) => {
    const doc = h.emu.db.find('campaigns', { _id: c._id })[0]!;
    h.emu.db.replace('campaigns', { ...doc, status: 'running', counters: { ...(doc.counters as object), sent: 0 }, ...patch });
    const wake = h.emu.db.find('tixing_state', { _id: 'dispatch' })[0]!;
    h.emu.db.replace('tixing_state', { ...wake, nextDueAt: h.emu.now() - 1000 }); // due now: the runs look
  };
  const aggregations = () => h.emu.db.stats().byTarget['database.aggregateDocuments deliveries'] ?? 0;

  // Another run holds the lease (it is folding the counters): this run leaves the campaign to it.
  reopen({ expandOwner: 'another-run', expandUntil: h.emu.now() + 60_000 });
  const before = aggregations();
  const [r] = await dispatchRuns(h.emu, 1);
  expect(r?.ok).toBe(true);
  expect(campaignOf(h.emu, c._id).status).toBe('running');
  expect(aggregations()).toBe(before);

  // That run died: once its lease ends, four runs at once complete the campaign with one aggregation between them.
  h.emu.clock.advance(61_000);
  reopen({});
  const runs = await dispatchRuns(h.emu, 4);
  expect(runs.every((x) => x.ok)).toBe(true);
  expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { targeted: 40, sent: 40, unknown: 0 } });
  expect(aggregations()).toBe(before + 1);
});
