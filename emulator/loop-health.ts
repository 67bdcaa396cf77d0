// Emulator: how well its own event loop keeps up. Every function's database and WeChat request is answered on this
// one loop, so a long stall (a slow request, a garbage-collection pause) delays all of them; the SDK gives up on a
// request after 15 s. `GET /health` and `npm run bench` show these figures.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface LoopHealth {
  /** The longest time the loop was blocked (a 10 ms timer's extra delay), in ms since the emulator started. */
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

export interface LoopWatch {
  read(): LoopHealth;
  stop(): void;
}

export function watchLoop(): LoopWatch {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
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
  // A 20 ms tick: a tick that comes late by more than STALL_MS marks a stall that began when the tick was due.
  const stalls: { at: string; ms: number }[] = [];
  let due = Date.now() + 20;
  const tick = setInterval(() => {
    const now = Date.now();
    const late = now - due;
    due = now + 20;
    if (late < STALL_MS || (stalls.length >= STALLS_KEPT && late <= stalls[stalls.length - 1]!.ms)) return;
    const entry = { at: new Date(now - late).toISOString(), ms: late };
    const i = stalls.findIndex((x) => x.ms < late);
    stalls.splice(i < 0 ? stalls.length : i, 0, entry);
    if (stalls.length > STALLS_KEPT) stalls.pop();
  }, 20);
  tick.unref();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    read: () => ({
      stallMaxMs: ms(delay.max),
      stallP99Ms: ms(delay.percentile(99)),
      gcPauses,
      gcLongestMs: Math.round(gcLongestMs * 10) / 10,
      gcTotalMs: Math.round(gcTotalMs),
      stalls: stalls.map((x) => ({ ...x })),
    }),
    stop() {
      clearInterval(tick);
      delay.disable();
      gc.disconnect();
    },
  };
}
