// Emulator runner: invokes cloudfunctions/<fn>/index.js in warm worker threads with the environment, event and
// context the cloud gives; keeps the invocation registry the server uses to attribute /admin requests.
import { randomBytes } from 'node:crypto';
import type { Clock, InvocationInfo, Logger } from '../contracts';
import { bootstrapPath } from './compile';
import { baseEnv, invocationEnv, PUSH_SOURCE } from './env';
import { execute, Killable } from './execute';
import { discoverFunctions, FunctionSpec, FunctionTimeouts } from './functions';
import { FunctionPool, PooledWorker } from './pool';
import type {
  AdminRequestRecord, InvocationDetail, InvocationFailure, InvocationLogEntry, InvocationOutcome, InvocationResult, InvokeRequest,
} from './types';
import { formatInvocation } from './log';

export * from './types';
export type { FunctionSpec } from './functions';

export interface RunnerOptions {
  functionsDir: string;
  timeouts?: FunctionTimeouts;
  clock: Clock;
  /** The emulator's HTTP port (known once the server listens). */
  port: () => number;
  /**
   * Every port leading to the same server, `port()` first: workers spread their connections over them (the server's
   * FUNCTION_LISTENERS). Default: `[port()]`.
   */
  ports?: () => readonly number[];
  log: Logger;
  /** Do not forward what functions print. */
  quiet?: boolean;
  /** Workers per function at most (default 16). */
  maxWorkers?: number;
  /** An idle worker exits after this many ms (default 10 min). */
  idleMs?: number;
  /** The environment id functions run in (TCB_ENV / SCF_NAMESPACE); default ENV_ID. */
  envId?: string;
  /** The functions' own environment variables (set in the CloudBase console per function), read per invocation. */
  functionEnv?: () => Record<string, string>;
}

export interface Runner {
  functions(): FunctionSpec[];
  spec(fn: string): FunctionSpec | undefined;
  invoke(req: InvokeRequest): Promise<InvocationResult>;
  /** The invocation an /admin request came from (running or recently finished). */
  info(invocationId: string): InvocationInfo | undefined;
  /** Count one /admin request; `kill: true` means the worker was just terminated (do not answer the request). */
  noteRequest(invocationId: string | undefined): { kill: boolean };
  totalRequests(): number;
  /** Details of one /admin request of a running invocation (the console's "database requests"). */
  recordRequest(invocationId: string | undefined, rec: AdminRequestRecord): void;
  /** The log, oldest first. */
  invocations(): InvocationLogEntry[];
  /** One finished invocation's log entry. */
  entry(invocationId: string): InvocationLogEntry | undefined;
  /** Event, answer, output and requests of a recent invocation (the newest DETAIL_MAX are kept). */
  detail(invocationId: string): InvocationDetail | undefined;
  /** Invocations running now. */
  runningNow(): { id: string; fn: string; openid?: string; startedAt: number }[];
  /** Called after each invocation is logged (the console's live updates). */
  onLogged(listener: (entry: InvocationLogEntry) => void): () => void;
  /** Push the clock offset to every live worker (after advance/set). */
  syncClock(): void;
  /** Live workers per function. */
  workers(): Record<string, number>;
  clearLog(): void;
  /** Terminate every worker (the next invocations start cold: module-level state is gone). */
  recycle(): Promise<void>;
  close(): Promise<void>;
}

interface Running extends Killable {
  info: InvocationInfo;
  requests: number;
  killAfterRequests?: number;
  kind: InvokeRequest['kind'];
  startedAt: number;
  /** Lines printed while a timer run is going: printed at its end unless the run was idle. */
  held: string[];
  /** Wrote a document or called something other than the database. */
  active: boolean;
}

const RECENT_MAX = 2000;
const INIT_TIMEOUT_MS = 30_000;
const LOG_MAX = 20000;
/** Invocations whose event, answer, output and requests are kept (newest). */
export const DETAIL_MAX = 2000;
/** Larger events and answers are replaced by a note in the details. */
const KEEP_JSON_MAX = 64 * 1024;
/** Output lines and /admin requests kept per invocation. */
const LINES_MAX = 500;

/** A value as the console shows it: itself if small enough to keep, else a note saying what it was. */
function keepable(v: unknown): unknown {
  if (v === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    return { '(not kept)': 'a value that cannot be shown as JSON (nested too deeply or circular)' };
  }
  if (text === undefined) return undefined;
  if (text.length > KEEP_JSON_MAX) return { '(not kept)': `${text.length} characters of JSON` };
  return JSON.parse(text) as unknown;
}

/** `{ ok: false, error: { code, message } }`, the functions' refusal envelope. */
function refusal(result: unknown): { code?: string; message?: string } | undefined {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const r = result as { ok?: unknown; error?: unknown };
  if (r.ok !== false) return undefined;
  const e = (r.error && typeof r.error === 'object' ? r.error : {}) as { code?: unknown; message?: unknown };
  return { code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : undefined };
}

export function createRunner(opts: RunnerOptions): Runner {
  const specs = discoverFunctions(opts.functionsDir, opts.timeouts);
  const pools = new Map<string, FunctionPool>();
  const running = new Map<string, Running>();
  const recent = new Map<string, InvocationInfo>();
  const log: InvocationLogEntry[] = [];
  const byId = new Map<string, InvocationLogEntry>();
  const details = new Map<string, InvocationDetail>();
  const listeners = new Set<(e: InvocationLogEntry) => void>();
  let total = 0;
  let seq = 0;
  let closed = false;
  const print = (fn: string, line: string): void => {
    if (!opts.quiet) opts.log(`  ${fn} | ${line}`);
  };
  const output = (fn: string, line: string, invocationId: string | undefined): void => {
    const d = invocationId ? details.get(invocationId) : undefined;
    if (d && d.output.length < LINES_MAX) d.output.push(line);
    const st = invocationId ? running.get(invocationId) : undefined;
    // A timer run's lines wait for its end: an idle run prints nothing at all.
    if (st?.kind === 'timer') {
      if (st.held.length < 10 * LINES_MAX) st.held.push(line);
    } else if (!(invocationId && byId.get(invocationId)?.idle)) print(fn, line);
  };

  function pool(spec: FunctionSpec): FunctionPool {
    let p = pools.get(spec.name);
    if (!p) {
      p = new FunctionPool({
        fn: spec.name,
        boot: () => ({ fn: spec.name, modulePath: spec.modulePath, env: baseEnv(opts.port(), undefined, opts.envId), clockOffset: opts.clock.offset(), ports: [...(opts.ports?.() ?? [opts.port()])] }),
        bootstrapPath: bootstrapPath(),
        max: opts.maxWorkers ?? 16,
        idleMs: opts.idleMs ?? 600_000,
        output,
      });
      pools.set(spec.name, p);
    }
    return p;
  }

  function remember(info: InvocationInfo): void {
    recent.set(info.id, info);
    if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string);
  }

  function sourceOf(req: InvokeRequest, parent?: InvocationInfo): string {
    if (req.source !== undefined) return req.source;
    if (req.kind === 'client') return 'wx_client';
    if (req.kind === 'timer') return 'wx_trigger';
    if (req.kind === 'push') return PUSH_SOURCE;
    // [WXCTX] function-to-function: SOURCE chained with commas, e.g. wx_client,scf.
    return parent ? `${parent.source},scf` : 'scf';
  }

  function callerOf(req: InvokeRequest, info: InvocationInfo, parent?: InvocationInfo): string {
    if (req.kind === 'timer') return `timer:${req.triggerName ?? '?'}`;
    if (req.kind === 'push') return `push(${info.openid ?? '-'})`;
    if (req.kind === 'scf') return `scf:${parent?.fn ?? 'script'}${info.openid ? `(${info.openid})` : ''}`;
    return info.openid ?? '-';
  }

  async function invoke(req: InvokeRequest): Promise<InvocationResult> {
    const id = `i${(++seq).toString(36)}${randomBytes(3).toString('hex')}`;
    const startedAt = opts.clock.now();
    const t0 = performance.now();
    const spec = specs.get(req.fn);
    const parent = req.parentId ? (running.get(req.parentId)?.info ?? recent.get(req.parentId)) : undefined;
    const openid = req.openid ?? (req.kind === 'scf' ? parent?.openid : undefined);
    const info: InvocationInfo = {
      id,
      fn: req.fn,
      source: sourceOf(req, parent),
      openid,
      openapiPermissions: spec?.openapiPermissions ?? [],
    };
    const state: Running = { info, requests: 0, killAfterRequests: req.killAfterRequests, kind: req.kind, startedAt, held: [], active: false };
    const detail: InvocationDetail = { event: keepable(req.event), output: [], requests: [] };
    details.set(id, detail);
    if (details.size > DETAIL_MAX) details.delete(details.keys().next().value as string);
    const finish = (partial: { ok: boolean; result?: unknown; error?: InvocationFailure; cold: boolean }) => {
      running.delete(id);
      remember(info);
      detail.answer = keepable(partial.result);
      const refused = partial.ok ? refusal(partial.result) : undefined;
      const outcome: InvocationOutcome = partial.ok ? (refused ? 'ok:false' : 'ok') : (partial.error?.code ?? 'FUNCTION_ERROR');
      const res: InvocationResult = {
        id,
        fn: req.fn,
        ...partial,
        requests: state.requests,
        durationMs: Math.round(performance.now() - t0),
        startedAt,
      };
      const entry: InvocationLogEntry = {
        id,
        fn: req.fn,
        kind: req.kind,
        source: info.source,
        caller: callerOf(req, info, parent),
        parentId: req.parentId,
        startedAt,
        durationMs: res.durationMs,
        outcome,
        error: refused ? refused.message : res.error?.message,
        ...(refused?.code ? { errorCode: refused.code } : {}),
        ...(openid !== undefined ? { openid } : {}),
        requests: state.requests,
        cold: res.cold,
      };
      // An idle timer run (the dispatch tick with nothing to do) answered ok, wrote nothing, called no API.
      if (req.kind === 'timer' && outcome === 'ok' && !state.active) {
        entry.idle = true;
      }
      log.push(entry);
      byId.set(id, entry);
      if (log.length > LOG_MAX) for (const old of log.splice(0, log.length - LOG_MAX)) byId.delete(old.id);
      if (!entry.idle) {
        for (const line of state.held) print(req.fn, line);
        opts.log(formatInvocation(entry));
      }
      for (const l of listeners) l(entry);
      return res;
    };

    if (closed) return finish({ ok: false, cold: false, error: { code: 'CRASHED', message: 'emulator is stopping' } });
    if (!spec) {
      const known = [...specs.keys()].join(', ') || '(none)';
      const message = `function "${req.fn}" not found (known: ${known})`;
      return finish({ ok: false, cold: false, error: { code: 'NOT_FOUND', message } });
    }
    if (!spec.built) {
      const message = `function "${req.fn}" is not built (no cloudfunctions/${req.fn}/index.js): run \`npm run build\``;
      return finish({ ok: false, cold: false, error: { code: 'NOT_BUILT', message } });
    }
    running.set(id, state);
    const p = pool(spec);
    let w: PooledWorker;
    try {
      w = await p.acquire();
    } catch {
      return finish({ ok: false, cold: false, error: { code: 'CRASHED', message: 'emulator is stopping' } });
    }
    const cold = w.runs === 1;
    try {
      // Loading the bundle is an init phase outside the function's execution timeout, like an SCF cold start (our
      // model; no source in docs/platform-facts.md states it).
      const initError = await waitReady(p, w);
      if (w.dead) return finish({ ok: false, cold, error: { code: 'CRASHED', message: initError ?? 'worker died during init' } });
      const env = { ...opts.functionEnv?.(), ...invocationEnv({
        kind: req.kind,
        port: opts.port(),
        invocationId: id,
        source: info.source,
        openid: info.openid,
        withToken: req.withToken ?? req.kind !== 'scf',
        envId: opts.envId,
      }) };
      const outcome = await execute({ pool: p, worker: w, spec, req, id, env, clockOffset: opts.clock.offset(), state });
      return finish({ ...outcome, cold });
    } catch (err) {
      // Nothing above should throw; if something does, the invocation still ends logged, with no engine text.
      opts.log(`  [emulator] invocation ${id} of ${req.fn} failed inside the runner: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return finish({ ok: false, cold, error: { code: 'CRASHED', message: 'the emulator could not run this invocation (see its log)' } });
    } finally {
      p.release(w);
    }
  }

  /** Waits for the worker's init phase, at most INIT_TIMEOUT_MS (then it is terminated). */
  async function waitReady(p: FunctionPool, w: PooledWorker): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        void p.kill(w);
        resolve(`initialization timed out after ${INIT_TIMEOUT_MS / 1000} seconds`);
      }, INIT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([w.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    functions: () => [...specs.values()],
    spec: (fn) => specs.get(fn),
    invoke,
    info: (invId) => running.get(invId)?.info ?? recent.get(invId),
    noteRequest(invId) {
      total += 1;
      if (invId === undefined) return { kill: false };
      const st = running.get(invId);
      if (!st) return { kill: false };
      st.requests += 1;
      if (st.killAfterRequests !== undefined && st.requests >= st.killAfterRequests && st.kill) {
        st.kill(`killed at /admin request ${st.requests} (test kill)`);
        return { kill: true };
      }
      return { kill: false };
    },
    totalRequests: () => total,
    recordRequest(invId, rec) {
      const st = invId ? running.get(invId) : undefined;
      if (st && (rec.changed > 0 || !rec.action.startsWith('database.'))) st.active = true;
      const d = invId ? details.get(invId) : undefined;
      if (d && d.requests.length < LINES_MAX) d.requests.push(rec);
    },
    invocations: () => log.slice(),
    entry: (invId) => byId.get(invId),
    detail: (invId) => details.get(invId),
    runningNow: () => [...running.values()].map((r) => ({ id: r.info.id, fn: r.info.fn, openid: r.info.openid, startedAt: r.startedAt })),
    onLogged(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    syncClock() {
      const offset = opts.clock.offset();
      for (const p of pools.values()) p.broadcast({ type: 'clock', clockOffset: offset });
    },
    workers() {
      const out: Record<string, number> = {};
      for (const [fn, p] of pools) out[fn] = p.size;
      return out;
    },
    clearLog: () => {
      log.splice(0, log.length);
      byId.clear();
      for (const id of [...details.keys()]) if (!running.has(id)) details.delete(id);
    },
    async recycle() {
      const old = [...pools.values()];
      pools.clear();
      await Promise.all(old.map((p) => p.close()));
    },
    async close() {
      closed = true;
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
  };
}
