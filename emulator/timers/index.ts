// Emulator timers: fires each function's timer trigger on the emulator clock — in real time while serving
// (`auto`), and when the clock is walked forward with advance() (both modes).
import type { Clock, DelayedTask, Logger } from '../contracts';
import type { InvocationResult, InvokeOptions, Runner } from '../runner';
import { CronSchedule, parseCron } from './cron';
import { formatTime } from '../runner/log';

export { parseCron, CronError, TRIGGER_TZ } from './cron';
export type { CronSchedule } from './cron';

export interface TimerTrigger {
  fn: string;
  name: string;
  cron: string;
  schedule: CronSchedule;
}

export interface FireRecord {
  fn: string;
  trigger: string;
  /** The fire time given to the function (event.Time). */
  at: number;
  /** Further fire times of this trigger folded into this one (a fast trigger inside one advance step). */
  coalesced: number;
  invocation: InvocationResult;
}

export interface AdvanceResult {
  from: number;
  to: number;
  fired: FireRecord[];
  /** Total fire times folded into the fired ones. */
  coalesced: number;
}

export interface AdvanceOptions {
  /**
   * A trigger fires at most once per step; further fire times inside the step are coalesced. Default:
   * max(1 s, ms / 200) — so a daily trigger fires once per day, a per-second one at most ~200 times per advance.
   */
  stepMs?: number;
}

export interface TimersOptions {
  runner: Runner;
  clock: Clock;
  mode: 'auto' | 'manual';
  log: Logger;
  /** Called after the timers move the clock (push the offset to workers). */
  onClockMoved: () => void;
  /** Real-time check interval in auto mode (default 250 ms). */
  tickMs?: number;
}

/** How delayed tasks ([DELAYED] at-least-once) are delivered: `fireTwice` runs each task twice, at once. */
export interface DelayedTaskFaults {
  fireTwice?: boolean;
}

/** The name a delayed-task run carries in the log (its `caller` is `timer:<this>`). */
export const DELAYED_TASK_TRIGGER = 'delayedFunctionTask';

export interface Timers {
  triggers(): TimerTrigger[];
  /** Queue a task from cloudbase.addDelayedFunctionTask: `fn` runs at `at` (virtual time) with the parsed `data`. */
  schedule(task: DelayedTask): void;
  /** Delayed tasks not fired yet, earliest first. */
  delayed(): DelayedTask[];
  setDelayedTaskFaults(f: DelayedTaskFaults): void;
  delayedTaskFaults(): DelayedTaskFaults;
  /** Drop every queued delayed task and the faults (emulator reset). */
  clearDelayed(): void;
  /** Fire `fn`'s timer trigger now (as the platform would at this instant). */
  fireNow(fn: string, opts?: InvokeOptions): Promise<FireRecord>;
  /**
   * Walk the clock forward by `ms`, firing every due trigger in order, awaiting each (delayed tasks due at the same
   * moment together); resolves when done.
   */
  advance(ms: number, opts?: AdvanceOptions): Promise<AdvanceResult>;
  /** Next fire time of every trigger. */
  upcoming(): { fn: string; trigger: string; at: number | undefined }[];
  start(): void;
  stop(): Promise<void>;
}

/** 90 s, 15 min, 2 h, 3 d… for log lines. */
function formatSpan(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** [SCF-EVENT] `Time` is ISO UTC without milliseconds, e.g. "2019-02-21T11:49:00Z". */
export function timerEvent(name: string, at: number): { Type: 'Timer'; TriggerName: string; Time: string; Message: string } {
  // [TRIG-WX] WeChat config.json triggers carry no message: Message is empty.
  return { Type: 'Timer', TriggerName: name, Time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: '' };
}

/** Parses every function's trigger; throws one error listing every bad trigger (startup error). */
export function loadTriggers(runner: Runner): TimerTrigger[] {
  const out: TimerTrigger[] = [];
  const errors: string[] = [];
  for (const spec of runner.functions()) {
    if (!spec.trigger) continue;
    try {
      out.push({ fn: spec.name, name: spec.trigger.name, cron: spec.trigger.config, schedule: parseCron(spec.trigger.config) });
    } catch (err) {
      errors.push(`${spec.name}/config.json trigger "${spec.trigger.name}": ${(err as Error).message}`);
    }
  }
  if (errors.length) throw new Error(`bad timer trigger(s):\n  ${errors.join('\n  ')}`);
  return out;
}

export function createTimers(opts: TimersOptions): Timers {
  const { runner, clock, log } = opts;
  const triggers = loadTriggers(runner);
  let watermark = clock.now(); // every fire time <= watermark has been handled
  let lock: Promise<unknown> = Promise.resolve();
  let busy = false;
  let interval: NodeJS.Timeout | undefined;
  const inflight = new Set<Promise<unknown>>();
  let tasks: DelayedTask[] = [];
  let taskFaults: DelayedTaskFaults = {};

  /** Runs one delayed task (twice with `fireTwice`, both at once); the event is its parsed data. */
  async function fireTask(task: DelayedTask): Promise<FireRecord[]> {
    let event: unknown;
    try {
      event = JSON.parse(task.data);
    } catch {
      event = {};
    }
    const copies = taskFaults.fireTwice ? 2 : 1;
    // [DELAYED] the platform starts the run, like a trigger: SOURCE and cloud-call token as for a timer (the
    // emulator's model; no source states the SOURCE a delayed run reports).
    const runs = await Promise.all(Array.from({ length: copies }, () =>
      runner.invoke({ fn: task.fn, kind: 'timer', triggerName: DELAYED_TASK_TRIGGER, event: structuredClone(event) })));
    return runs.map((invocation) => ({ fn: task.fn, trigger: DELAYED_TASK_TRIGGER, at: task.at, coalesced: 0, invocation }));
  }

  /** Removes and returns the earliest task due at or before `until`. */
  function takeTask(until: number): DelayedTask | undefined {
    const t = tasks[0];
    if (!t || t.at > until) return undefined;
    tasks.shift();
    return t;
  }

  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = lock.then(async () => {
      busy = true;
      try {
        return await work();
      } finally {
        busy = false;
      }
    });
    lock = run.catch(() => undefined);
    return run;
  };

  async function fire(t: TimerTrigger, at: number, coalesced: number, extra: InvokeOptions = {}, logCoalesced = true): Promise<FireRecord> {
    if (coalesced > 0 && logCoalesced) log(`${formatTime(at)}  timer ${t.fn}/${t.name}: ${coalesced} earlier fire time(s) coalesced`);
    const event = timerEvent(t.name, at);
    const invocation = await runner.invoke({ ...extra, fn: t.fn, kind: 'timer', triggerName: t.name, event });
    return { fn: t.fn, trigger: t.name, at, coalesced, invocation };
  }

  function dueIn(after: number, until: number) {
    const due: { t: TimerTrigger; last: number; count: number }[] = [];
    for (const t of triggers) {
      const w = t.schedule.window(after, until);
      if (w.count > 0 && w.last !== undefined) due.push({ t, last: w.last, count: w.count });
    }
    return due.sort((a, b) => a.last - b.last);
  }

  function tick(): void {
    if (busy) return;
    const now = clock.now();
    for (let t = takeTask(now); t; t = takeTask(now)) {
      const p = fireTask(t).catch((err: unknown) => log(`delayed task ${t?.fn} failed: ${String(err)}`));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    if (now <= watermark) return;
    // Real-time firing: each due trigger once (a long pause coalesces), not awaited — timers overlap in the cloud.
    for (const d of dueIn(watermark, now)) {
      const p = fire(d.t, d.last, d.count - 1).catch((err: unknown) => log(`timer ${d.t.fn} failed: ${String(err)}`));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    watermark = now;
  }

  function advance(ms: number, aopts: AdvanceOptions = {}): Promise<AdvanceResult> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`advance: ms must be >= 0, got ${ms}`));
    return exclusive(async () => {
      const from = clock.now();
      const target = from + ms;
      // Manual mode: fire times that passed in real time between advances are not replayed.
      if (opts.mode === 'manual') watermark = Math.max(watermark, from);
      const stepMs = Math.max(1, aopts.stepMs ?? Math.max(1000, Math.ceil(ms / 200)));
      const fired: FireRecord[] = [];
      let cursor = watermark;
      for (;;) {
        const firstDue = Math.min(...triggers.map((t) => t.schedule.next(cursor) ?? Infinity));
        // Delayed tasks in time order with the triggers (a task armed by a run fired in this advance included).
        const task = tasks[0] && tasks[0].at <= target && tasks[0].at <= firstDue ? takeTask(target) : undefined;
        if (task) {
          if (task.at > clock.now()) {
            clock.set(task.at);
            opts.onClockMoved();
          }
          // Tasks due at the same moment start together, as in the cloud (each is its own invocation).
          const together = [task];
          for (let t = tasks[0]; t && t.at === task.at; t = tasks[0]) together.push(takeTask(target) as DelayedTask);
          for (const runs of await Promise.all(together.map(fireTask))) fired.push(...runs);
          continue;
        }
        if (!(firstDue <= target)) break;
        const windowEnd = Math.min(target, firstDue + stepMs - 1);
        for (const d of dueIn(cursor, windowEnd)) {
          if (d.last > clock.now()) {
            clock.set(d.last);
            opts.onClockMoved();
          }
          // Coalescing is the rule inside an advance: one summary line at the end instead of one per step.
          fired.push(await fire(d.t, d.last, d.count - 1, {}, false));
        }
        cursor = windowEnd;
        watermark = cursor;
      }
      if (clock.now() < target) clock.set(target);
      watermark = Math.max(watermark, target);
      opts.onClockMoved();
      const coalesced = fired.reduce((n, f) => n + f.coalesced, 0);
      if (fired.length > 0) {
        const idle = fired.filter((f) => runner.entry(f.invocation.id)?.idle).length;
        log(`${formatTime(target)}  clock advanced ${formatSpan(ms)}: ${fired.length} timer run(s)${idle ? ` (${idle} idle, not shown)` : ''}${coalesced ? `, ${coalesced} fire time(s) coalesced` : ''}`);
      }
      return { from, to: target, fired, coalesced };
    });
  }

  return {
    triggers: () => triggers.slice(),
    schedule(task) {
      tasks.push({ ...task });
      tasks.sort((a, b) => a.at - b.at);
    },
    delayed: () => tasks.map((t) => ({ ...t })),
    setDelayedTaskFaults(f) {
      taskFaults = { ...f };
    },
    delayedTaskFaults: () => ({ ...taskFaults }),
    clearDelayed() {
      tasks = [];
      taskFaults = {};
    },
    fireNow(fn, extra) {
      const t = triggers.find((x) => x.fn === fn);
      if (!t) {
        const known = triggers.map((x) => x.fn).join(', ') || 'none';
        return Promise.reject(new Error(`function "${fn}" has no timer trigger (functions with one: ${known})`));
      }
      return fire(t, clock.now(), 0, extra);
    },
    advance,
    upcoming: () => triggers.map((t) => ({ fn: t.fn, trigger: t.name, at: t.schedule.next(clock.now()) })),
    start() {
      if (opts.mode !== 'auto' || interval) return;
      watermark = clock.now();
      interval = setInterval(tick, opts.tickMs ?? 250);
      interval.unref();
    },
    async stop() {
      if (interval) clearInterval(interval);
      interval = undefined;
      await lock;
      await Promise.all([...inflight]);
    },
  };
}
