// Emulator console: a campaign's counts are in the outcome vocabulary of the CLI and the admin pages
// (core/outcomes.ts, through the console's copy in emulator/console/view.ts) — `pending` covers the `sending`
// status, and every final status is counted on its own; never the database's raw status names.
import { createClock } from '../../emulator/clock';
import { createDatabaseService } from '../../emulator/db';
import { campaignsView } from '../../emulator/console/campaigns';
import { outcomeCounts } from '../../emulator/console/view';
import { OUTCOMES } from '../../core/outcomes';
import { foldStats, total } from '../../core/campaigns/stats';

const NOW = Date.parse('2026-05-01T04:00:00Z');

it('counts deliveries per outcome as core counts them (pending includes sending)', async () => {
  const db = await createDatabaseService({ clock: createClock(NOW) });
  db.insert('campaigns', [{ _id: 'c1', name: '读书会', status: 'running', templateId: 'T', counters: { targeted: 7 }, createdAt: NOW, updatedAt: NOW }]);
  const statuses = ['sent', 'sent', 'sending', 'pending', 'unknown', 'failed', 'cancelled'];
  db.insert('deliveries', statuses.map((status, i) => ({ _id: `campaign:c1:o-${i}`, sourceType: 'campaign', sourceId: 'c1', openid: `o-${i}`, status, sentAt: NOW - i })));
  const [c] = campaignsView(db, NOW).campaigns;
  expect(c?.counts).toEqual({ sent: 2, skipped: 0, failed: 1, unknown: 1, cancelled: 1, pending: 2 });
  // Same keys, same order as the vocabulary; no `sending` of its own.
  expect(Object.keys(c!.counts)).toEqual([...OUTCOMES]);
  expect(c!.counts).not.toHaveProperty('sending');
  // core's fold of the same deliveries (what the CLI's stats and the detail page show) gives the same numbers.
  const s = foldStats(statuses.map((status) => ({ status, n: 1 })) as Parameters<typeof foldStats>[0], 0);
  expect(c!.counts).toEqual({ sent: s.sent, skipped: total(s.skipped), failed: total(s.failed), unknown: s.unknown, cancelled: s.cancelled, pending: s.pending });
  expect(outcomeCounts({ pending: 1, sending: 1 }).pending).toBe(2);
});
