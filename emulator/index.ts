// Emulator layer: the programmatic API — starts the database, WeChat simulator, function runner, timers and the
// HTTP server on one virtual clock. Used by `npm start` (emulator/cli.ts) and by tests (test/support/emulator.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClock } from './clock';
import { createDatabaseService } from './db';
import type {
  ClientSubscribeResult, Clock, DatabaseService, DatabaseServiceOptions, FaultSpec, InboxItem, IndexConfig, Logger,
  WechatSimulator, WechatSimulatorOptions,
} from './contracts';
import { createRunner, InvocationLogEntry, InvocationResult, InvokeOptions, Runner } from './runner';
import { APP_ID, ENV_ID, baseEnv } from './runner/env';
import { createStorageService, type StorageService } from './storage';
import type { InvocationKind } from './runner/env';
import { loadTimeouts } from './runner/functions';
import { exportDatabase, importDatabase } from './export';
import { createPushRouter, loadPushRows, type PushRouter } from './push';
import { startServer } from './server';
import { watchLoop, type LoopHealth } from './loop-health';
import { AdvanceOptions, AdvanceResult, createTimers, FireRecord, Timers } from './timers';
import { createWechatSimulator } from './wechat';

export const ROOT = resolve(__dirname, '..');

export interface StartOptions {
  /** 0 = a free port (tests). Default 8787. */
  port?: number;
  /** Keep the database on disk here; in memory when absent. */
  dataDir?: string;
  /** Default <root>/cloudfunctions (built bundles: run `npm run build`). */
  functionsDir?: string;
  /** Default <root>/miniprogram/app.json. */
  appJsonPath?: string;
  /** Default config/indexes.json `collections`. */
  indexes?: IndexConfig;
  /** Per-function timeouts; default config/functions.json. */
  functionsConfig?: Record<string, { timeoutSec?: number }>;
  /** `auto`: timers fire in real time too; `manual` (default here): only advance()/trigger() fire them. */
  timers?: 'auto' | 'manual';
  /** Auto mode only: false = do not start the real-time timers yet (call `timers.start()` later). Default true. */
  startTimers?: boolean;
  faults?: FaultSpec;
  random?: () => number;
  /** Virtual start time (epoch ms); default now. */
  startAt?: number;
  /** Replace the database with this export at start (a directory written by `exportOnExit` / `--export-on-exit`). */
  importDir?: string;
  /** Write the database to this directory when the emulator stops (atomic: the previous export is replaced whole). */
  exportOnExit?: string;
  /** No log lines at all (unless `log` is given); function output is not forwarded. */
  quiet?: boolean;
  log?: Logger;
  /** The environment id functions see as getWXContext().ENV (default `tixing-local`), e.g. a test and a prod id. */
  envId?: string;
  /** Workers per function at most (default 16) and idle exit (default 10 min). */
  maxWorkers?: number;
  idleMs?: number;
  /** The 消息推送 rows (default config/message-push.json). */
  messagePushPath?: string;
  /** `auto` (default): WeChat's pushes are delivered as they happen; `manual`: queued until `pushes.deliver()`. */
  messagePush?: 'auto' | 'manual';
  /** Environment variables every function sees (a function's own variables in the CloudBase console). */
  functionEnv?: Record<string, string>;
  /** Replace the database / WeChat simulator (tests that need a fake). */
  services?: {
    db?: (opts: DatabaseServiceOptions) => Promise<DatabaseService>;
    wechat?: (opts: WechatSimulatorOptions) => WechatSimulator;
  };
}

export interface CallRawOptions extends InvokeOptions {
  /** Default `client`. */
  kind?: InvocationKind;
  openid?: string;
  /** getWXContext().SOURCE override. */
  source?: string;
  /** Give / withhold the cloud-call token (default: client, timer yes; scf no). */
  withToken?: boolean;
}

export interface Emulator {
  readonly url: string;
  readonly port: number;
  /** Every port leading to this emulator, `port` first (server/index.ts FUNCTION_LISTENERS; functions use them all). */
  readonly ports: readonly number[];
  readonly clock: Clock;
  readonly db: DatabaseService;
  readonly wechat: WechatSimulator;
  /** Cloud storage (uploadFile, getTempFileURL, downloadFile, deleteFile); files under <dataDir>/storage with --data. */
  readonly storage: StorageService;
  readonly runner: Runner;
  readonly timers: Timers;
  /** WeChat's message pushes to the configured function (emulator/push.ts): mode, delivery, log. */
  readonly pushes: PushRouter;
  /** Environment a plain Node script sets to use the real wx-server-sdk against this emulator. */
  sdkEnv(opts?: { openid?: string; withToken?: boolean }): Record<string, string>;
  /** wx.cloud.callFunction from the mini program as `openid`: resolves to main's return value, rejects on failure. */
  call<T = unknown>(fn: string, openid: string, data?: Record<string, unknown>): Promise<T>;
  /** Invoke with an exact event (no userInfo added) and full control; never rejects for function failures. */
  callRaw(fn: string, event: unknown, opts?: CallRawOptions): Promise<InvocationResult>;
  /** Fire fn's timer trigger now. */
  trigger(fn: string, opts?: InvokeOptions): Promise<FireRecord>;
  /** Walk the virtual clock forward, firing due timers (awaited). */
  advance(ms: number, opts?: AdvanceOptions): Promise<AdvanceResult>;
  now(): number;
  requestSubscribe(openid: string, tmplIds: string[], choices?: Record<string, string>): ClientSubscribeResult;
  inbox(openid: string): InboxItem[];
  quota(openid: string, tmplId: string): number;
  invocations(): InvocationLogEntry[];
  /** How well the emulator's own event loop keeps up: longest stall, garbage-collection pauses (loop-health.ts). */
  loopHealth(): LoopHealth;
  /**
   * Drop all data: database, WeChat state, invocation log. Warm workers stay (as cloud containers survive data
   * changes) unless `recycleWorkers` — then the next invocations start cold, without module-level state.
   */
  reset(opts?: { recycleWorkers?: boolean }): Promise<void>;
  /** Replaces the functions' own environment variables (from the next invocation on; see StartOptions.functionEnv). */
  setFunctionEnv(env: Record<string, string>): void;
  stop(): Promise<void>;
}

/** A failed `call`: `code` is the runner's (FUNCTION_ERROR, TIMEOUT, KILLED, CRASHED, NOT_FOUND, NOT_BUILT). */
export class InvocationError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly invocation: InvocationResult,
  ) {
    super(message);
    this.name = 'InvocationError';
  }
}

function defaultIndexes(): IndexConfig {
  const p = join(ROOT, 'config', 'indexes.json');
  if (!existsSync(p)) return {};
  return ((JSON.parse(readFileSync(p, 'utf8')) as { collections?: IndexConfig }).collections ?? {}) as IndexConfig;
}

export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const log: Logger = opts.log ?? (opts.quiet ? () => undefined : (line) => console.log(line));
  const base = createClock(opts.startAt);
  let onMoved = (): void => undefined;
  const clock: Clock = {
    now: base.now,
    offset: base.offset,
    advance(ms) {
      base.advance(ms);
      onMoved();
    },
    set(ms) {
      base.set(ms);
      onMoved();
    },
  };
  const db = await (opts.services?.db ?? createDatabaseService)({ clock, dataDir: opts.dataDir, indexes: opts.indexes ?? defaultIndexes(), log });
  if (opts.importDir) {
    try {
      const names = importDatabase(db, opts.importDir);
      log(`imported ${names.length} collection(s) from ${opts.importDir}`);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  let pushes: PushRouter | undefined;
  const wechat = (opts.services?.wechat ?? createWechatSimulator)({
    clock,
    push: (msg) => pushes?.push(msg) ?? Promise.resolve(),
    appJsonPath: opts.appJsonPath ?? join(ROOT, 'miniprogram', 'app.json'),
    faults: opts.faults,
    random: opts.random,
    log,
    // [DELAYED] tasks run on the timers' virtual clock (the timers exist once the runner does).
    delayedTask: (task) => timers.schedule(task),
    envId: opts.envId ?? ENV_ID,
  });
  let port = 0;
  let ports: readonly number[] = [];
  let functionEnv: Record<string, string> = { ...opts.functionEnv };
  const storage = createStorageService({ clock, envId: opts.envId ?? ENV_ID, baseUrl: () => `http://127.0.0.1:${port}`, dataDir: opts.dataDir, log });
  const runner = createRunner({
    functionsDir: opts.functionsDir ?? join(ROOT, 'cloudfunctions'),
    envId: opts.envId ?? ENV_ID,
    timeouts: opts.functionsConfig ?? loadTimeouts(join(ROOT, 'config', 'functions.json')),
    clock,
    port: () => port,
    ports: () => ports,
    log,
    quiet: opts.quiet && !opts.log,
    maxWorkers: opts.maxWorkers,
    idleMs: opts.idleMs,
    functionEnv: () => functionEnv,
  });
  onMoved = () => runner.syncClock();
  pushes = createPushRouter({ rows: loadPushRows(opts.messagePushPath ?? join(ROOT, 'config', 'message-push.json')), runner, now: () => clock.now(), log, mode: opts.messagePush });
  const pushRouter = pushes;
  let timers: Timers;
  try {
    timers = createTimers({ runner, clock, mode: opts.timers ?? 'manual', log, onClockMoved: () => runner.syncClock() });
  } catch (err) {
    await runner.close();
    await db.close();
    throw err;
  }
  const invokeClient = (fn: string, openid: string, data: Record<string, unknown> = {}) =>
    // [WXCTX] a mini-program call's event is the data plus userInfo {appId, openId}; SOURCE wx_client.
    runner.invoke({ fn, kind: 'client', openid, event: { ...data, userInfo: { appId: APP_ID, openId: openid } } });
  const reset = async (o: { recycleWorkers?: boolean } = {}) => {
    // A push in flight would write into the fresh database.
    await pushRouter.idle();
    db.reset();
    storage.reset();
    wechat.reset();
    pushRouter.reset();
    timers.clearDelayed();
    runner.clearLog();
    if (o.recycleWorkers) await runner.recycle();
  };
  const loop = watchLoop();
  const server = await startServer(
    {
      loopHealth: () => loop.read(),
      onRequest: () => loop.noteRequest(),
      runner,
      db,
      wechat,
      storage,
      log,
      clock,
      call: invokeClient,
      advance: (ms) => timers.advance(ms),
      trigger: (fn) => timers.fireNow(fn),
      upcoming: () => timers.upcoming(),
      delayedTasks: timers,
      reset,
    },
    opts.port ?? 8787,
  ).catch(async (err: unknown) => {
    loop.stop();
    await runner.close();
    await db.close();
    throw err;
  });
  port = server.port;
  ports = server.ports;
  if (opts.startTimers !== false) timers.start();
  let stopped: Promise<void> | undefined;

  return {
    url: server.url,
    port,
    ports,
    clock,
    db,
    wechat,
    storage,
    runner,
    timers,
    pushes: pushRouter,
    sdkEnv(o = {}) {
      const env = baseEnv(port, undefined, opts.envId ?? ENV_ID);
      if (o.openid !== undefined) {
        Object.assign(env, { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_API_TOKEN', WX_OPENID: o.openid, WX_APPID: APP_ID });
      }
      if (o.withToken) env.WX_API_TOKEN = 'local-script-token';
      return env;
    },
    async call<T>(fn: string, openid: string, data?: Record<string, unknown>): Promise<T> {
      const r = await invokeClient(fn, openid, data);
      if (!r.ok) throw new InvocationError(r.error?.code ?? 'FUNCTION_ERROR', `${fn}: ${r.error?.message}`, r);
      return r.result as T;
    },
    callRaw(fn, event, o = {}) {
      return runner.invoke({ ...o, fn, kind: o.kind ?? 'client', event });
    },
    trigger: (fn, o) => timers.fireNow(fn, o),
    advance: (ms, o) => timers.advance(ms, o),
    now: () => clock.now(),
    requestSubscribe: (openid, tmplIds, choices) => wechat.requestSubscribeMessage({ openid, tmplIds, choices }),
    inbox: (openid) => wechat.inbox(openid),
    quota: (openid, tmplId) => wechat.quota(openid, tmplId),
    invocations: () => runner.invocations(),
    loopHealth: () => loop.read(),
    reset,
    setFunctionEnv(env) {
      functionEnv = { ...env };
    },
    stop() {
      stopped ??= (async () => {
        // Workers first: a long timer run in flight ends now (as a container would) instead of delaying the stop.
        await server.close();
        await runner.close();
        await timers.stop();
        if (opts.exportOnExit) {
          try {
            const names = exportDatabase(db, opts.exportOnExit, clock.now());
            log(`exported ${names.length} collection(s) to ${opts.exportOnExit}`);
          } catch (err) {
            log(`export to ${opts.exportOnExit} failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        await db.close();
        loop.stop();
      })();
      return stopped;
    },
  };
}
