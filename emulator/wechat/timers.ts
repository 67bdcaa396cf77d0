// Emulator layer (WeChat simulator): real-time delays for injected latency and hung answers, cancellable on reset.
import type { FaultSpec } from '../contracts';

/** How long a "timed out" send withholds its answer: beyond node-sdk's default 15 s request timeout. */
export const HANG_MS = 30_000;

export class Delays {
  private pending = new Set<{ timer: NodeJS.Timeout; finish: () => void }>();

  /** Resolves after `ms` real milliseconds, or at once when `cancelAll()` runs (reset). 0 → next microtask. */
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => entry.finish(), ms),
        finish: () => {
          clearTimeout(entry.timer);
          this.pending.delete(entry);
          resolve();
        },
      };
      // Never keep the process alive for a simulated delay.
      entry.timer.unref();
      this.pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const e of [...this.pending]) e.finish();
  }

  get size(): number {
    return this.pending.size;
  }
}

/** Latency in ms for one answer: fixed, or uniform in [min, max] drawn from `random`. */
export function pickLatency(faults: FaultSpec, random: () => number): number {
  const l = faults.latency;
  if (!l) return 0;
  if (l.fixedMs !== undefined) return Math.max(0, l.fixedMs);
  const min = Math.max(0, l.minMs ?? 0);
  const max = Math.max(min, l.maxMs ?? min);
  return max === min ? min : min + random() * (max - min);
}

/** True with probability `rate`; draws from `random` only when 0 < rate < 1 (so a rate of 0 or 1 is deterministic). */
export function roll(rate: number | undefined, random: () => number): boolean {
  if (!rate || rate <= 0) return false;
  if (rate >= 1) return true;
  return random() < rate;
}
