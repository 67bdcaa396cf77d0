// Unit (core/dispatch/pipeline.ts, hand-written fakes of the ports, a manual clock): when a run's send budget ends,
// everything it holds goes back to the queue — including a wave whose "send started" mark is still being written.
import { Pipeline, type Feed } from '../../core/dispatch/pipeline';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import type { DispatchDeps } from '../../core/dispatch/ports';
import type { Delivery, DeliveryWrite } from '../../core/delivery';

const delivery = (i: number): Delivery => ({
  _id: `reminder:r${i}:o${i}`, sourceType: 'reminder', sourceId: `r${i}`, openid: `o${i}`, templateId: 'T', data: {}, status: 'sending',
  dueAt: 0, attempts: 0, nextAttemptAt: 0, createdAt: 0, updatedAt: 0, claimToken: 'run.1', leaseOwner: 'run', leaseUntil: 70_000,
});

it('releases a wave whose mark was still in flight when the budget ended (nothing stays claimed)', async () => {
  let now = 0;
  const writes: { ids: readonly string[]; w: DeliveryWrite }[] = [];
  const refunded: string[] = [];
  let marks = 0;
  const deps = {
    clock: { now: () => now },
    random: () => 0.5,
    sleep: async () => undefined,
    runId: 'run',
    config: { ...DEFAULT_DISPATCH_CONFIG, concurrency: 1, markWave: 2, flushSize: 1000, flushMs: 1e9 },
    send: { miniprogramState: 'developer', lang: 'zh_CN' },
    log: () => undefined,
    // The send moves the clock past the send budget: the worker stops taking.
    wechat: { send: async () => ((now = 2_000), { ok: true as const, msgid: 'm1' }) },
    deliveries: {
      // The first wave is marked at once; the next one takes a while (a slow database).
      markStarted: async () => void (++marks > 1 && (await new Promise((r) => setTimeout(r, 30)))),
      write: async (ids: readonly string[], _owner: string, w: DeliveryWrite) => (writes.push({ ids, w }), ids.length),
      closeHolds: async (ids: readonly string[]) => ids.length,
      logSends: async () => undefined,
    },
    grants: {
      refund: async (ids: readonly string[]) => (refunded.push(...ids), ids.length),
      consume: async (ids: readonly string[]) => ids.length,
      zero: async () => undefined,
    },
    campaigns: { bumpCounters: async () => undefined, quarantine: async () => false },
  } as unknown as DispatchDeps;
  const items = [0, 1, 2, 3, 4].map((i) => ({ d: delivery(i), held: true }));
  let served = false;
  const feed: Feed = {
    next: async () => (served ? { found: 0, more: false, ready: [], done: [] } : ((served = true), { found: 5, more: false, ready: items, done: [] })),
    moreMayCome: () => false,
    blocked: () => false,
  };
  const stats = await new Pipeline(deps, feed, 1_000, 1_000).run();
  expect(stats.sent).toBe(1);
  expect(marks).toBe(2);
  // Every claimed delivery got exactly one settlement: the one sent, the other four released (pending, refunded).
  const settled = writes.flatMap((x) => x.ids.map((id) => ({ id, status: x.w.set.status })));
  expect(settled.map((s) => s.id).sort()).toEqual(items.map((i) => i.d._id).sort());
  expect(settled.filter((s) => s.status === 'pending')).toHaveLength(4);
  expect(refunded).toHaveLength(4);
});
