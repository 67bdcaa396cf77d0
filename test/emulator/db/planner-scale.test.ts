// Unit (emulator/db/planner.ts): what made the dispatcher slow down on a big audience — the candidates a plan hands to
// mingo. A campaign's `pending` deliveries are reached without walking past its sent ones, and `sourceType $ne
// 'campaign'` (the reminders' look) uses the sourceType index instead of every pending delivery. Results are checked
// against a scan by planner.test.ts; here, how many candidates are examined.
import config from '../../../config/indexes.json';
import type { Doc, IndexConfig } from '../../../emulator/contracts';
import { planQuery } from '../../../emulator/db/planner';
import { SecondaryIndexes } from '../../../emulator/db/secondary';
import type { IdKey } from '../../../emulator/db/store';

const CFG = { deliveries: config.collections.deliveries } as unknown as IndexConfig;

function collection(): { sec: SecondaryIndexes; docs: Map<IdKey, Doc> } {
  const sec = new SecondaryIndexes(CFG);
  const docs = new Map<IdKey, Doc>();
  const put = (d: Doc) => {
    docs.set(d._id as string, d);
    sec.put('deliveries', d._id as string, undefined, d);
  };
  // A campaign of 20,000 recipients, 40% through: the first 8,000 sent, 12,000 still pending; then 3 pending reminders.
  for (let i = 0; i < 20_000; i++) {
    put({ _id: `campaign:c1:o${String(i).padStart(6, '0')}`, sourceType: 'campaign', sourceId: 'c1', status: i < 8_000 ? 'sent' : 'pending', dueAt: 1, nextAttemptAt: 1, openid: `o${i}`, createdAt: i });
  }
  for (let i = 0; i < 3; i++) put({ _id: `reminder:r${i}:o${i}`, sourceType: 'reminder', sourceId: `r${i}`, status: 'pending', dueAt: 5, nextAttemptAt: 5, openid: `o${i}`, createdAt: 30_000 + i });
  return { sec, docs };
}

/** How many candidates the plan yields before `n` of them match `pred` (what mingo would examine under a limit). */
function examined(candidates: Iterable<Doc>, pred: (d: Doc) => boolean, n: number): number {
  let seen = 0;
  let hits = 0;
  for (const d of candidates) {
    seen += 1;
    if (pred(d) && ++hits >= n) break;
  }
  return seen;
}

it("a campaign's pending deliveries come first from (sourceId, status): its 8,000 sent ones are not walked", () => {
  const { sec, docs } = collection();
  const plan = planQuery(sec, 'deliveries', docs, { status: 'pending', dueAt: { $lte: 10 }, nextAttemptAt: { $lte: 10 }, sourceId: 'c1', sourceType: 'campaign' });
  expect(plan).toBeDefined();
  const n = examined(plan!.docs, (d) => d.status === 'pending' && d.sourceId === 'c1', 100);
  expect(n).toBe(100);
});

it("the reminders' look (`sourceType $ne 'campaign'`) examines the 3 reminders, not the campaign's pending deliveries", () => {
  const { sec, docs } = collection();
  const plan = planQuery(sec, 'deliveries', docs, { sourceType: { $ne: 'campaign' }, status: 'pending', dueAt: { $lte: 10 }, nextAttemptAt: { $lte: 10 } }, { dueAt: 1 });
  expect(plan?.index).toBe('type_status_due');
  expect([...plan!.docs].map((d) => d._id)).toEqual(['reminder:r0:o0', 'reminder:r1:o1', 'reminder:r2:o2']);
  // $nin too.
  const nin = planQuery(sec, 'deliveries', docs, { sourceType: { $nin: ['campaign', 'outbox'] }, status: 'pending' });
  expect([...nin!.docs]).toHaveLength(3);
});

it("one queue slot of a campaign's pending deliveries, by the three-key index (sourceId, status, slot): no other slot is walked", () => {
  // 64,000 pending deliveries over 64 slots, the first 900 of each slot already claimed by other runs (sending): the
  // (sourceId, status) view would walk every pending delivery of the slots before the one asked for.
  const sec = new SecondaryIndexes(CFG);
  const docs = new Map<IdKey, Doc>();
  for (let i = 0; i < 64_000; i++) {
    const slot = i % 64;
    const d: Doc = { _id: `campaign:c2:o${i}`, sourceType: 'campaign', sourceId: 'c2', slot, status: i < 57_600 && slot !== 63 ? 'sending' : 'pending', dueAt: 1, nextAttemptAt: 1 };
    docs.set(d._id as string, d);
    sec.put('deliveries', d._id as string, undefined, d);
  }
  const plan = planQuery(sec, 'deliveries', docs, { status: 'pending', dueAt: { $lte: 10 }, nextAttemptAt: { $lte: 10 }, sourceId: 'c2', sourceType: 'campaign', slot: 7 });
  expect(plan?.index).toBe('source_status_slot');
  expect(plan?.estimate).toBe(100);
  expect(examined(plan!.docs, (d) => d.slot === 7 && d.status === 'pending', 100)).toBe(100);
});
