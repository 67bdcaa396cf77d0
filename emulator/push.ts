// Emulator layer: WeChat's message push to cloud functions ([PUSH-CLOUDFN], docs/platform-facts.md §1.7). The rows of
// config/message-push.json stand for the console's 消息推送 settings: one <MsgType, Event> goes to one function of
// one environment. A push invokes that function with the push's JSON as `event` (no `userInfo`), getWXContext()
// OPENID = the user the push is about, and a cloud-call token; SOURCE is emulator/runner/env.ts PUSH_SOURCE.
import { existsSync, readFileSync } from 'node:fs';
import type { Logger, PushMessage } from './contracts';
import type { Runner } from './runner';
import { ENV_ID } from './runner/env';

export interface PushRow {
  msgType: string;
  event: string;
  env: string;
  function: string;
}

export interface PushDelivery {
  msg: PushMessage;
  fn: string | null;
  /** main's answer, or why the push went nowhere. */
  outcome: 'delivered' | 'unrouted' | 'failed';
  at: number;
}

export interface PushRouter {
  /** WeChat pushes `msg`: delivered now (auto) or queued (manual). Resolves once handled or queued. */
  push(msg: PushMessage): Promise<void>;
  /** `manual`: pushes wait for `deliver()` (tests that need to order a push against something else). */
  setMode(mode: 'auto' | 'manual'): void;
  /** Delivers every queued push (manual mode) and waits for every push in flight. */
  deliver(): Promise<PushDelivery[]>;
  /** Waits for the pushes in flight (queued ones stay queued). */
  idle(): Promise<void>;
  /** Pushes waiting for `deliver()` (manual mode). */
  queued(): PushMessage[];
  /** Every push so far (newest last), with where it went. */
  log(): PushDelivery[];
  /** Drops queued pushes and the log; the mode goes back to the one given at start. */
  reset(): void;
}

export function loadPushRows(path: string): PushRow[] {
  if (!existsSync(path)) return [];
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { rows?: unknown };
  return (Array.isArray(raw.rows) ? raw.rows : []).filter(
    (r): r is PushRow => typeof r === 'object' && r !== null && typeof (r as PushRow).event === 'string' && typeof (r as PushRow).function === 'string',
  );
}

export function createPushRouter(opts: { rows: PushRow[]; runner: Runner; now: () => number; log: Logger; mode?: 'auto' | 'manual' }): PushRouter {
  let mode: 'auto' | 'manual' = opts.mode ?? 'auto';
  let queued: PushMessage[] = [];
  const inFlight = new Set<Promise<void>>();
  let history: PushDelivery[] = [];

  // [PUSH-CLOUDFN] one <MsgType, Event> pair goes to one function of one environment.
  const route = (msg: PushMessage): string | null =>
    opts.rows.find((r) => r.msgType === msg.MsgType && r.event === msg.Event && r.env === ENV_ID)?.function ?? null;

  async function run(msg: PushMessage): Promise<void> {
    const fn = route(msg);
    const entry: PushDelivery = { msg, fn, outcome: 'unrouted', at: opts.now() };
    history.push(entry);
    if (history.length > 1000) history = history.slice(-1000);
    if (!fn) {
      opts.log(`wechat push ${msg.Event} ${msg.FromUserName}: no 消息推送 row routes it (config/message-push.json)`);
      return;
    }
    const r = await opts.runner.invoke({ fn, kind: 'push', openid: msg.FromUserName, event: structuredClone(msg) });
    entry.outcome = r.ok ? 'delivered' : 'failed';
  }

  function start(msg: PushMessage): Promise<void> {
    const p = run(msg).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  }

  return {
    push(msg) {
      if (mode === 'manual') {
        queued.push(msg);
        return Promise.resolve();
      }
      return start(msg);
    },
    setMode(m) {
      mode = m;
    },
    async deliver() {
      const from = history.length;
      const batch = queued;
      queued = [];
      for (const m of batch) await start(m);
      while (inFlight.size) await Promise.all([...inFlight]);
      return history.slice(from);
    },
    async idle() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    queued: () => queued.map((m) => structuredClone(m)),
    log: () => history.map((h) => ({ ...h })),
    reset() {
      queued = [];
      history = [];
      mode = opts.mode ?? 'auto';
    },
  };
}
