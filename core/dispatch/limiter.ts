// Core (dispatch): how many of one run's sends may be in flight at once — adaptive, between `min` and the run's
// `concurrency`. When sends come back much slower than the fastest this run has seen, requests are queueing somewhere
// (WeChat, the network, or — on a laptop — the emulator and the functions sharing two cores): more sends in flight
// then only lengthen the queue, and a send that waits past the sender's 5 s deadline ends `unknown` (never resent,
// core/dispatch/README.md "The delivery guarantee"). So the limit halves when a window of sends was slow and grows by
// one per window otherwise (additive increase, multiplicative decrease, as TCP's congestion window). A window is as
// many sends as the limit (about one round trip of them). Pure: the pipeline measures each send with its clock.

export interface LimiterConfig {
  /** The most sends in flight (the run's `concurrency`); the limit starts here. */
  max: number;
  /** The fewest sends the limit keeps in flight. */
  min: number;
  /** A window whose mean latency is at most this is never slow, however fast the fastest send was. */
  slowFloorMs: number;
  /** A window is slow when its mean latency is above this many times the fastest send of the run (and the floor). */
  slowFactor: number;
}

export interface LimiterStats {
  /** The limit now, and the lowest it went in this run. */
  limit: number;
  lowest: number;
  /** Windows judged slow (each halved the limit, down to `min`). */
  slowWindows: number;
}

export class SendLimiter {
  private current: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private fastest = Infinity;
  private windowSum = 0;
  private windowCount = 0;
  private lowest: number;
  private slowWindows = 0;

  constructor(private readonly cfg: LimiterConfig) {
    if (!(cfg.min >= 1 && cfg.max >= cfg.min)) throw new Error('SendLimiter: need 1 ≤ min ≤ max');
    this.current = cfg.max;
    this.lowest = cfg.max;
  }

  /** Resolves when one more send may start; every acquire must be followed by one `release`. */
  acquire(): Promise<void> {
    if (this.active < this.current) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * A send ended after `latencyMs`; undefined when no latency should count (nothing was sent — the worker found no
   * work — or the answer says nothing about queueing).
   */
  release(latencyMs?: number): void {
    this.active -= 1;
    if (latencyMs !== undefined) this.observe(latencyMs);
    while (this.active < this.current && this.waiting.length) {
      this.active += 1;
      (this.waiting.shift() as () => void)();
    }
  }

  /** How many sends may be in flight now. */
  get limit(): number {
    return this.current;
  }

  stats(): LimiterStats {
    return { limit: this.current, lowest: this.lowest, slowWindows: this.slowWindows };
  }

  private observe(ms: number): void {
    if (ms < this.fastest) this.fastest = ms;
    this.windowSum += ms;
    this.windowCount += 1;
    if (this.windowCount < this.current) return;
    const mean = this.windowSum / this.windowCount;
    this.windowSum = 0;
    this.windowCount = 0;
    if (mean > Math.max(this.cfg.slowFloorMs, this.cfg.slowFactor * this.fastest)) {
      this.current = Math.max(this.cfg.min, Math.floor(this.current / 2));
      this.slowWindows += 1;
      if (this.current < this.lowest) this.lowest = this.current;
    } else if (this.current < this.cfg.max) {
      this.current += 1;
    }
  }
}
