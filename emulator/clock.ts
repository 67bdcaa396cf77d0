// Emulator layer: the virtual clock shared by the database (serverDate), the WeChat simulator, timers and workers.
import type { Clock } from './contracts';

export function createClock(startAt?: number, realNow: () => number = Date.now): Clock {
  let offset = startAt === undefined ? 0 : startAt - realNow();
  return {
    now: () => realNow() + offset,
    offset: () => offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`);
      offset += ms;
    },
    set(epochMs: number) {
      if (!Number.isFinite(epochMs)) throw new RangeError(`set: epochMs must be finite, got ${epochMs}`);
      offset = epochMs - realNow();
    },
  };
}
