// Emulator: how well its own event loop keeps up. Every function's database and WeChat request is answered on this
// one loop, so a long stall (a slow request, a garbage-collection pause) delays all of them; the SDK gives up on a
// request after 15 s. `GET /health` and `npm run bench` show these figures.
import { createHistogram, PerformanceObserver } from 'node:perf_hooks';
import { keepLongest } from './longest';

export interface LoopHealth {
  /** The longest time the loop was blocked (how late a 20 ms tick came), in ms since the emulator started. */
  stallMaxMs: number;
  /** 99th percentile of that delay, ms. */
  stallP99Ms: number;
  /** Garbage-collection pauses of the emulator's main thread (function workers have their own heaps). */
  gcPauses: number;
  gcLongestMs: number;
  gcTotalMs: number;
  /** The longest stalls (≥ STALL_MS), longest first: when each began (real time, ISO) and how long it lasted. */
  stalls: { at: string; ms: number }[];
}

/** A stall shorter than this is not recorded one by one (the percentiles above still count it). */
export const STALL_MS = 250;
/** How many of the longest stalls are kept. */
export const STALLS_KEPT = 20;
const TICK_MS = 20;

export interface LoopWatch {
  read(): LoopHealth;
  stop(): void;
}

export function watchLoop(): LoopWatch {
  let gcPauses = 0;
  let gcLongestMs = 0;
  let gcTotalMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcPauses += 1;
      gcTotalMs += e.duration;
      if (e.duration > gcLongestMs) gcLongestMs = e.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  // One tick measures everything: how late it comes is the loop's delay; a late one marks a stall that began when the
  // tick was due.
  const delay = createHistogram();
  const stalls: { at: string; ms: number }[] = [];
  let due = Date.now() + TICK_MS;
  const tick = setInterval(() => {
    const now = Date.now();
    const late = Math.max(0, now - due);
    due = now + TICK_MS;
    delay.record(late + 1); // a histogram records integers ≥ 1
    if (late >= STALL_MS) keepLongest(stalls, STALLS_KEPT, late, () => ({ at: new Date(now - late).toISOString(), ms: late }));
  }, TICK_MS);
  tick.unref();
  return {
    read: () => ({
      stallMaxMs: delay.count ? delay.max - 1 : 0,
      stallP99Ms: delay.count ? delay.percentile(99) - 1 : 0,
      gcPauses,
      gcLongestMs: Math.round(gcLongestMs * 10) / 10,
      gcTotalMs: Math.round(gcTotalMs),
      stalls: stalls.map((x) => ({ ...x })),
    }),
    stop() {
      clearInterval(tick);
      gc.disconnect();
    },
  };
}
