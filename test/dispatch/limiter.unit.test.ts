// Unit (core/dispatch/limiter.ts, core/dispatch/pipeline.ts): the adaptive limit on a run's sends in flight — it
// halves after a window of sends much slower than the run's fastest, grows back by one per window, stays within
// [min, max], never grants a send beyond the limit, and does not shrink when every send is equally slow.
import fc from 'fast-check';
import { SendLimiter, type LimiterConfig } from '../../core/dispatch/limiter';
import { Pipeline, type Feed } from '../../core/dispatch/pipeline';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import type { DispatchDeps } from '../../core/dispatch/ports';
import type { Delivery } from '../../core/delivery';

const CFG: LimiterConfig = { max: 40, min: 4, slowFloorMs: 1000, slowFactor: 3 };

/** Sends `n` sends through the limiter one window at a time, each taking `ms`; returns the limit after each window. */
async function windows(l: SendLimiter, latencies: number[]): Promise<number[]> {
  const seen: number[] = [];
  for (const ms of latencies) {
    const n = l.limit;
    for (let i = 0; i < n; i++) await l.acquire();
    for (let i = 0; i < n; i++) l.release(ms);
    seen.push(l.limit);
  }
  return seen;
}

it('starts at max and halves after each slow window, down to min and no further', async () => {
  const l = new SendLimiter(CFG);
  expect(l.limit).toBe(40);
  // A fast window first: the run's fastest send is 100 ms.
  expect(await windows(l, [100])).toEqual([40]);
  expect(await windows(l, [1500, 1500, 1500, 1500, 1500])).toEqual([20, 10, 5, 4, 4]);
  expect(l.stats()).toEqual({ limit: 4, lowest: 4, slowWindows: 5 });
});

it('grows by one per fast window back to max, never above', async () => {
  const l = new SendLimiter(CFG);
  await windows(l, [100, 2000, 2000]);
  expect(l.limit).toBe(10);
  expect(await windows(l, [120, 120, 120])).toEqual([11, 12, 13]);
  const more = await windows(l, Array.from({ length: 40 }, () => 150));
  expect(more[26]).toBe(40);
  expect(Math.max(...more)).toBe(40);
  expect(l.stats().lowest).toBe(10);
});

it('does not shrink when every send is equally slow (no queue builds up: WeChat is just slow today)', async () => {
  const l = new SendLimiter(CFG);
  // The fastest is 2,000 ms: 2,400 ms is within 3× of it.
  expect(await windows(l, [2000, 2400, 2400, 2400])).toEqual([40, 40, 40, 40]);
  // Below the floor nothing is slow, however fast the fastest was.
  const m = new SendLimiter(CFG);
  expect(await windows(m, [20, 900, 900])).toEqual([40, 40, 40]);
});

it('a release without a latency frees the permit and judges nothing', async () => {
  const l = new SendLimiter({ ...CFG, max: 2, min: 1 });
  await l.acquire();
  await l.acquire();
  let granted = false;
  void l.acquire().then(() => (granted = true));
  await Promise.resolve();
  expect(granted).toBe(false);
  l.release();
  await Promise.resolve();
  expect(granted).toBe(true);
  expect(l.stats()).toEqual({ limit: 2, lowest: 2, slowWindows: 0 });
});

it('never grants a send while as many as the limit are in flight, whatever the latencies (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 12 }), async (lat, max) => {
      const l = new SendLimiter({ ...CFG, max, min: 1 });
      let active = 0;
      let violations = 0;
      let done = 0;
      const one = async (ms: number): Promise<void> => {
        const limitBefore = l.limit;
        await l.acquire();
        active += 1;
        if (active > Math.max(limitBefore, l.limit)) violations += 1;
        await Promise.resolve();
        active -= 1;
        done += 1;
        l.release(ms);
      };
      await Promise.all(lat.map(one));
      expect(violations).toBe(0);
      expect(done).toBe(lat.length);
      expect(l.limit).toBeGreaterThanOrEqual(1);
      expect(l.limit).toBeLessThanOrEqual(max);
    }),
    { numRuns: 200 },
  );
});

const delivery = (i: number): Delivery => ({
  _id: `reminder:r${i}:o${i}`, sourceType: 'reminder', sourceId: `r${i}`, openid: `o${i}`, templateId: 'T', data: {}, status: 'sending',
  dueAt: 0, attempts: 0, nextAttemptAt: 0, createdAt: 0, updatedAt: 0, claimToken: 'run.1', leaseOwner: 'run', leaseUntil: 70_000,
});

it('the pipeline sends fewer at once when sends slow down, and still sends each delivery once', async () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ d: delivery(i), held: true }));
  let served = 0;
  const feed: Feed = {
    next: async () => {
      const ready = items.slice(served, served + 100);
      served += ready.length;
      return { found: ready.length, more: served < items.length, lost: 0, ready, done: [] };
    },
    moreMayCome: () => false,
    blocked: () => false,
  };
  let inFlight = 0;
  const peaks: number[] = [];
  const sent: string[] = [];
  let marked = 0;
  const deps = {
    clock: { now: () => Date.now() },
    random: () => 0.5,
    sleep: async () => undefined,
    runId: 'run',
    config: { ...DEFAULT_DISPATCH_CONFIG, concurrency: 20, minConcurrency: 2, slowSendMs: 30, slowSendFactor: 3, flushSize: 1000, flushMs: 1e9 },
    send: { miniprogramState: 'developer', lang: 'zh_CN' },
    log: () => undefined,
    wechat: {
      // The first 100 sends answer in ~2 ms; then every send waits 60 ms (a queue somewhere).
      send: async (req: { touser: string }) => {
        inFlight += 1;
        peaks.push(inFlight);
        await new Promise((r) => setTimeout(r, sent.length < 100 ? 2 : 60));
        sent.push(req.touser);
        inFlight -= 1;
        return { ok: true as const, msgid: `m${sent.length}` };
      },
    },
    deliveries: {
      markStarted: async (ids: readonly string[]) => void (marked += ids.length),
      write: async (ids: readonly string[]) => ids.length,
      closeHolds: async (ids: readonly string[]) => ids.length,
      logSends: async () => undefined,
    },
    grants: { refund: async (ids: readonly string[]) => ids.length, consume: async (ids: readonly string[]) => ids.length, zero: async () => undefined },
    campaigns: { bumpCounters: async () => undefined, quarantine: async () => false },
  } as unknown as DispatchDeps;
  const now = Date.now();
  const stats = await new Pipeline(deps, feed, now + 60_000, now + 60_000).run();
  expect(stats.sent).toBe(200);
  expect(new Set(sent).size).toBe(200);
  expect(marked).toBe(200);
  expect(Math.max(...peaks.slice(0, 100))).toBe(20);
  // After the slowdown the limit went down: the last sends ran far fewer at once than 20.
  expect(stats.limiter!.lowest).toBeLessThanOrEqual(5);
  expect(stats.limiter!.slowWindows).toBeGreaterThan(0);
  expect(Math.max(...peaks.slice(-20))).toBeLessThan(10);
});
