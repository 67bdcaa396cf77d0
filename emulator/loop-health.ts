// Emulator: how well its own event loop keeps up. Every function's database and WeChat request is answered on this
// one loop, so a long stall (a slow request, a garbage-collection pause) delays all of them; the SDK gives up on a
// request after 15 s. `GET /health` and `npm run bench` show these figures.
import { constants, createHistogram, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
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
  /**
   * The longest garbage-collection pauses (≥ GC_KEPT_MS), longest first, with V8's kind: `minor` (a scavenge of the
   * young generation), `major` (mark-compact of the whole heap), `incremental` (a step of incremental marking), `weakcb`
   * (weak callbacks). A stall that holds one long pause shows here; collection spread over many short steps does not
   * (a CPU profile of the stall shows it: `TIXING_BENCH_PROFILE`).
   */
  gcLongest: { at: string; ms: number; kind: string }[];
  /**
   * The longest stalls (≥ STALL_MS), longest first: when each began (real time, ISO), how long it lasted, and how many
   * HTTP requests reached the emulator in that turn of its loop (what queued while it was stalled).
   */
  stalls: { at: string; ms: number; requests: number }[];
}

/** A stall shorter than this is not recorded one by one (the percentiles above still count it). */
export const STALL_MS = 250;
/** How many of the longest stalls are kept. */
export const STALLS_KEPT = 20;
const TICK_MS = 20;
/** A GC pause shorter than this is not recorded one by one. */
export const GC_KEPT_MS = 50;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface LoopWatch {
  read(): LoopHealth;
  /** Counts one HTTP request received (the server calls it for each). */
  noteRequest(): void;
  stop(): void;
}

/** `gcKeptMs`: the shortest GC pause recorded one by one (GC_KEPT_MS; tests pass 0). */
export function watchLoop({ gcKeptMs = GC_KEPT_MS }: { gcKeptMs?: number } = {}): LoopWatch {
  let gcPauses = 0;
  let gcLongestMs = 0;
  let gcTotalMs = 0;
  const gcLongest: { at: string; ms: number; kind: string }[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcPauses += 1;
      gcTotalMs += e.duration;
      if (e.duration > gcLongestMs) gcLongestMs = e.duration;
      if (e.duration >= gcKeptMs) {
        const kind = ((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind;
        keepLongest(gcLongest, STALLS_KEPT, e.duration, () => ({
          at: new Date(performance.timeOrigin + e.startTime).toISOString(),
          ms: Math.round(e.duration),
          kind: (kind !== undefined && GC_KINDS[kind]) || 'other',
        }));
      }
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  // One tick measures everything: how late it comes is the loop's delay; a late one marks a stall that began when the
  // tick was due.
  const delay = createHistogram();
  const stalls: { at: string; ms: number; requests: number }[] = [];
  let received = 0;
  let receivedAtTick = 0;
  let due = Date.now() + TICK_MS;
  const tick = setInterval(() => {
    const now = Date.now();
    const late = Math.max(0, now - due);
    due = now + TICK_MS;
    delay.record(late + 1); // a histogram records integers ≥ 1
    const requests = received - receivedAtTick;
    receivedAtTick = received;
    if (late >= STALL_MS) keepLongest(stalls, STALLS_KEPT, late, () => ({ at: new Date(now - late).toISOString(), ms: late, requests }));
  }, TICK_MS);
  tick.unref();
  return {
    read: () => ({
      stallMaxMs: delay.count ? delay.max - 1 : 0,
      stallP99Ms: delay.count ? delay.percentile(99) - 1 : 0,
      gcPauses,
      gcLongestMs: Math.round(gcLongestMs * 10) / 10,
      gcTotalMs: Math.round(gcTotalMs),
      gcLongest: gcLongest.map((x) => ({ ...x })),
      stalls: stalls.map((x) => ({ ...x })),
    }),
    noteRequest() {
      received += 1;
    },
    stop() {
      clearInterval(tick);
      gc.disconnect();
    },
  };
}
