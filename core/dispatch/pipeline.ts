// Core (dispatch): the send pipeline of one run — `concurrency` workers take ready deliveries, each to a different
// openid; just before sending, deliveries are marked "send started" one wave at a time (after that mark a lost lease
// is the ambiguous case); each attempt is settled by core/sending/settle.ts and written in grouped flushes (flush.ts).
// Refills and marks run ahead of the workers so sends stay in flight while the database is written.
import { afterAttempt, attemptSend, early, sendRequestOf, type Result } from '../sending/settle';
import type { Batch, Item } from './claim';
import { applyDeferred, applyFlush, emptyDeferred } from './flush';
import type { DispatchDeps } from './ports';

export interface Feed {
  /** Claims and prepares the next batch: ready items plus turns already over; `found` 0 = nothing due. */
  next(busy: ReadonlySet<string>): Promise<Batch>;
  /** Work may still appear in this run (e.g. this run is expanding an audience): keep polling when idle. */
  moreMayCome(): boolean;
  /** Campaigns whose items must not be sent any more (paused, cancelled, quarantined, quiet). */
  blocked(campaignId: string): boolean;
}

type Refill = 'claimed' | 'contended' | 'empty';

export interface PipelineStats {
  claimed: number;
  sent: number;
  results: number;
  flushes: number;
}

export class Pipeline {
  private readonly prepared: Item[] = [];
  private readonly marked: Item[] = [];
  private readonly busy = new Set<string>();
  private results: Result[] = [];
  private refilling: Promise<Refill> | undefined;
  private marking: Promise<void> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastFlush: number;
  private lastDeferred: number;
  private readonly later = emptyDeferred();
  private halted = false;
  private error: unknown;
  readonly stats: PipelineStats = { claimed: 0, sent: 0, results: 0, flushes: 0 };

  constructor(
    private readonly deps: DispatchDeps,
    private readonly feed: Feed,
    private readonly claimUntil: number,
    private readonly sendUntil: number,
  ) {
    this.lastFlush = deps.clock.now();
    this.lastDeferred = this.lastFlush;
  }

  async run(): Promise<PipelineStats> {
    await Promise.all(Array.from({ length: this.deps.config.concurrency }, () => this.worker()));
    // A refill or a mark may still be in flight (started ahead of the workers): release only once they landed, or
    // their items would stay claimed — or marked as started — until a later run recovers them.
    while (this.refilling || this.marking) await Promise.all([this.refilling, this.marking]);
    this.release([...this.marked.splice(0), ...this.prepared.splice(0)], 'released');
    await this.flush(true);
    if (this.error !== undefined) throw this.error;
    return this.stats;
  }

  private async worker(): Promise<void> {
    for (let item = await this.take(); item; item = await this.take()) {
      const d = item.d;
      const attempt = await attemptSend(this.deps.wechat, sendRequestOf(d, this.deps.send));
      const r = afterAttempt(d, item.held, attempt, this.deps.clock.now(), this.deps.random, this.deps.config);
      if (attempt.ok) this.stats.sent += 1;
      this.busy.delete(d.openid);
      this.push([r]);
      if (r.halt) this.halt(`errcode ${r.errCode}: stopping this run`);
    }
  }

  /** The next marked item, marking/refilling as needed; null when this run has nothing more to send. */
  private async take(): Promise<Item | null> {
    let contended = 0;
    for (;;) {
      if (this.error !== undefined || this.halted || this.deps.clock.now() >= this.sendUntil) return null;
      const item = this.marked.shift();
      if (item) {
        if (this.feed.blocked(item.d.sourceId) && item.d.sourceType === 'campaign') {
          this.release([item], 'paused');
          continue;
        }
        this.ahead();
        return item;
      }
      if (this.prepared.length) {
        await this.mark();
        continue;
      }
      if (this.deps.clock.now() >= this.claimUntil) return null;
      const got = await this.refill();
      if (got === 'claimed' || this.prepared.length || this.marked.length) {
        contended = 0;
        continue;
      }
      if (got === 'contended' && ++contended <= 5) {
        // Candidates exist but went to another run, or their users are busy in this one: look again shortly.
        await this.deps.sleep(50);
        continue;
      }
      if (!this.feed.moreMayCome()) return null;
      contended = 0;
      await this.deps.sleep(this.deps.config.idleMs);
    }
  }

  /** Keeps a batch prepared and a wave marked ahead of the workers. */
  private ahead(): void {
    const { concurrency, markWave } = this.deps.config;
    if (this.marked.length < markWave && this.prepared.length) void this.mark();
    if (this.prepared.length + this.marked.length < concurrency && this.deps.clock.now() < this.claimUntil) void this.refill();
  }

  private refill(): Promise<Refill> {
    this.refilling ??= (async () => {
      try {
        const b = await this.feed.next(this.busy);
        for (const it of b.ready) this.busy.add(it.d.openid);
        this.prepared.push(...b.ready);
        this.stats.claimed += b.ready.length + b.done.length;
        this.push(b.done);
        return b.ready.length + b.done.length > 0 ? 'claimed' : b.found > 0 ? 'contended' : 'empty';
      } catch (err) {
        this.fail(err);
        return 'empty';
      } finally {
        this.refilling = undefined;
      }
    })();
    return this.refilling;
  }

  private mark(): Promise<void> {
    this.marking ??= (async () => {
      const wave = this.prepared.splice(0, this.deps.config.markWave);
      try {
        if (wave.length) await this.deps.deliveries.markStarted(wave.map((i) => i.d._id), this.deps.runId, this.deps.clock.now());
        this.marked.push(...wave);
      } catch (err) {
        this.prepared.unshift(...wave);
        this.fail(err);
      } finally {
        this.marking = undefined;
      }
    })();
    return this.marking;
  }

  /** Back to the queue, the grant refunded (not sent: budget over, run halted, campaign paused). */
  private release(items: Item[], reason: string): void {
    const now = this.deps.clock.now();
    for (const it of items) this.busy.delete(it.d.openid);
    this.push(items.map((it) => early(it.d, 'pending', reason, it.held ? 'refund' : 'none', now)));
  }

  private push(rs: Result[]): void {
    if (!rs.length) return;
    this.results.push(...rs);
    this.stats.results += rs.length;
    const { flushSize, flushMs } = this.deps.config;
    if (this.results.length >= flushSize || this.deps.clock.now() - this.lastFlush >= flushMs) void this.flush(false);
  }

  /**
   * Writes the buffered results (one flush at a time, in order); what they leave for later (flush.ts `Deferred`) is
   * written every `slowFlushMs` and by the final flush.
   */
  private flush(final: boolean): Promise<void> {
    const take = this.results;
    this.results = [];
    this.lastFlush = this.deps.clock.now();
    this.flushing = this.flushing.then(async () => {
      try {
        if (take.length) {
          await applyFlush(this.deps, take, this.later);
          this.stats.flushes += 1;
        }
        if (final || this.deps.clock.now() - this.lastDeferred >= this.deps.config.slowFlushMs) {
          this.lastDeferred = this.deps.clock.now();
          await applyDeferred(this.deps, this.later);
        }
      } catch (err) {
        this.fail(err);
      }
    });
    return final ? this.flushing : Promise.resolve();
  }

  private halt(why: string): void {
    if (!this.halted) this.deps.log(why);
    this.halted = true;
  }

  private fail(err: unknown): void {
    if (this.error === undefined) {
      this.error = err;
      this.deps.log(`pipeline error: ${String((err as Error)?.message ?? err)}`);
    }
  }
}
