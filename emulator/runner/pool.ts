// Emulator runner: a warm pool of worker threads per function, like SCF containers: one invocation at a time per
// worker, warm workers reused, a new one spawned when all are busy (up to a cap), idle ones exit after a while.
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerBoot } from './protocol';
import { hostEnv, workerExecArgv } from './env';

export type WorkerOutcome =
  | { kind: 'done'; msg: Extract<FromWorker, { type: 'done' }> }
  | { kind: 'crashed'; message: string };

export interface PooledWorker {
  readonly seq: number;
  readonly worker: Worker;
  busy: boolean;
  dead: boolean;
  /** Number of invocations this worker has run (1 = cold start). */
  runs: number;
  /** Settles when the module is loaded (init phase): undefined, or why the init failed. */
  ready: Promise<string | undefined>;
  /** Set while an invocation runs: receives its outcome. */
  onOutcome?: (outcome: WorkerOutcome) => void;
  /** The invocation running on this worker, or the last one (lines printed late are attributed to it). */
  invocationId?: string;
  idleTimer?: NodeJS.Timeout;
}

export interface PoolOptions {
  fn: string;
  /** workerData for a new worker (its init environment and the clock offset at spawn time). */
  boot: () => WorkerBoot;
  bootstrapPath: string;
  /** Most workers at once for this function (further invocations wait). */
  max: number;
  /** An idle worker exits after this long. */
  idleMs: number;
  /** A line the function printed (console.log/error), or a runner warning; `invocationId` = the worker's current or last. */
  output: (fn: string, line: string, invocationId: string | undefined) => void;
}

let workerSeq = 0;

export class FunctionPool {
  private readonly workers = new Set<PooledWorker>();
  private readonly waiters: ((w: PooledWorker) => void)[] = [];
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  get size(): number {
    return this.workers.size;
  }

  /** A free warm worker, a new one, or (at the cap) the next one released. */
  acquire(): Promise<PooledWorker> {
    if (this.closed) return Promise.reject(new Error(`runner is stopped`));
    for (const w of this.workers) {
      if (!w.busy && !w.dead) return Promise.resolve(this.take(w));
    }
    if (this.workers.size < this.opts.max) return Promise.resolve(this.take(this.spawn()));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  post(w: PooledWorker, msg: ToWorker): void {
    if (!w.dead) w.worker.postMessage(msg);
  }

  broadcast(msg: ToWorker): void {
    for (const w of this.workers) this.post(w, msg);
  }

  /** The invocation on `w` is over; hand the worker to a waiter or let it idle. */
  release(w: PooledWorker): void {
    w.onOutcome = undefined;
    w.busy = false;
    if (w.dead) return this.refill();
    const next = this.waiters.shift();
    if (next) return next(this.take(w));
    w.worker.unref();
    w.idleTimer = setTimeout(() => void this.kill(w), this.opts.idleMs);
    w.idleTimer.unref();
  }

  /** Terminate a worker (timeout, kill-for-tests, idle). */
  async kill(w: PooledWorker): Promise<void> {
    if (w.dead) return;
    this.markDead(w);
    await w.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => this.kill(w)));
  }

  private take(w: PooledWorker): PooledWorker {
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.idleTimer = undefined;
    w.busy = true;
    w.runs += 1;
    w.worker.ref();
    return w;
  }

  private refill(): void {
    // A dead worker frees a slot: give a waiter a fresh worker.
    if (this.closed) return;
    const next = this.waiters.shift();
    if (next) next(this.take(this.spawn()));
  }

  private markDead(w: PooledWorker): void {
    if (w.dead) return;
    w.dead = true;
    if (w.idleTimer) clearTimeout(w.idleTimer);
    this.workers.delete(w);
    if (!w.busy) this.refill();
  }

  private spawn(): PooledWorker {
    const worker = new Worker(this.opts.bootstrapPath, {
      workerData: this.opts.boot(),
      env: hostEnv(),
      execArgv: workerExecArgv(),
      stdout: true,
      stderr: true,
    });
    let onReady: (error: string | undefined) => void = () => undefined;
    const ready = new Promise<string | undefined>((resolve) => (onReady = resolve));
    const w: PooledWorker = { seq: ++workerSeq, worker, busy: false, dead: false, runs: 0, ready };
    this.workers.add(w);
    const { fn, output } = this.opts;
    pipeLines(worker.stdout, (line) => output(fn, line, w.invocationId));
    pipeLines(worker.stderr, (line) => output(fn, line, w.invocationId));
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') onReady(msg.error ? `${msg.error.name}: ${msg.error.message}` : undefined);
      else if (msg.type === 'done') w.onOutcome?.({ kind: 'done', msg });
      else if (msg.type === 'warn') output(fn, `[emulator] ${msg.message}`, msg.id ?? w.invocationId);
    });
    worker.on('error', (err: Error) => {
      // An uncaught exception inside the function's container: the container dies, the emulator does not.
      const cb = w.onOutcome;
      this.markDead(w);
      onReady(`worker crashed during init: ${err.name}: ${err.message}`);
      if (cb) cb({ kind: 'crashed', message: `${err.name}: ${err.message}` });
      else output(fn, `[emulator] worker crashed while idle: ${err.message}`, undefined);
    });
    worker.on('exit', (code) => {
      const cb = w.onOutcome;
      this.markDead(w);
      onReady(`worker exited during init (code ${code})`);
      cb?.({ kind: 'crashed', message: `worker exited with code ${code}` });
    });
    return w;
  }
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
  });
}
