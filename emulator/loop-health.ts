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
}

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
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    read: () => ({
      stallMaxMs: ms(delay.max),
      stallP99Ms: ms(delay.percentile(99)),
      gcPauses,
      gcLongestMs: Math.round(gcLongestMs * 10) / 10,
      gcTotalMs: Math.round(gcTotalMs),
    }),
    stop() {
      delay.disable();
      gc.disconnect();
    },
  };
}
