// Emulator runner: invokes cloudfunctions/<fn>/index.js in warm worker threads with the environment, event and
// context the cloud gives; keeps the invocation registry the server uses to attribute /admin requests.
import { randomBytes } from 'node:crypto';
import type { Clock, InvocationInfo, Logger } from '../contracts';
import { bootstrapPath } from './compile';
import { baseEnv, invocationEnv } from './env';
import { execute, Killable } from './execute';
import { discoverFunctions, FunctionSpec, FunctionTimeouts } from './functions';
import { FunctionPool, PooledWorker } from './pool';
import type { InvocationFailure, InvocationLogEntry, InvocationResult, InvokeRequest } from './types';
import { formatInvocation } from './log';

export * from './types';
export type { FunctionSpec } from './functions';

export interface RunnerOptions {
  functionsDir: string;
  timeouts?: FunctionTimeouts;
  clock: Clock;
  /** The emulator's HTTP port (known once the server listens). */
  port: () => number;
  log: Logger;
  /** Do not forward what functions print. */
  quiet?: boolean;
  /** Workers per function at most (default 16). */
  maxWorkers?: number;
  /** An idle worker exits after this many ms (default 10 min). */
  idleMs?: number;
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
  invocations(): InvocationLogEntry[];
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
}

const RECENT_MAX = 2000;
const INIT_TIMEOUT_MS = 30_000;
const LOG_MAX = 20000;

export function createRunner(opts: RunnerOptions): Runner {
  const specs = discoverFunctions(opts.functionsDir, opts.timeouts);
  const pools = new Map<string, FunctionPool>();
  const running = new Map<string, Running>();
  const recent = new Map<string, InvocationInfo>();
  const log: InvocationLogEntry[] = [];
  let total = 0;
  let seq = 0;
  let closed = false;
  const output = (fn: string, line: string): void => {
    if (!opts.quiet) opts.log(`  ${fn} | ${line}`);
  };

  function pool(spec: FunctionSpec): FunctionPool {
    let p = pools.get(spec.name);
    if (!p) {
      p = new FunctionPool({
        fn: spec.name,
        boot: () => ({ fn: spec.name, modulePath: spec.modulePath, env: baseEnv(opts.port()), clockOffset: opts.clock.offset() }),
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
    // [WXCTX] function-to-function: SOURCE chained with commas, e.g. wx_client,scf.
    return parent ? `${parent.source},scf` : 'scf';
  }

  function callerOf(req: InvokeRequest, info: InvocationInfo, parent?: InvocationInfo): string {
    if (req.kind === 'timer') return `timer:${req.triggerName ?? '?'}`;
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
    const state: Running = { info, requests: 0, killAfterRequests: req.killAfterRequests };
    const finish = (partial: { ok: boolean; result?: unknown; error?: InvocationFailure; cold: boolean }) => {
      running.delete(id);
      remember(info);
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
        outcome: res.ok ? 'ok' : (res.error?.code ?? 'FUNCTION_ERROR'),
        error: res.error?.message,
        requests: state.requests,
        cold: res.cold,
      };
      log.push(entry);
      if (log.length > LOG_MAX) log.splice(0, log.length - LOG_MAX);
      opts.log(formatInvocation(entry));
      return res;
    };

    if (closed) return finish({ ok: false, cold: false, error: { code: 'CRASHED', message: 'emulator is stopping' } });
    if (!spec) {
      const known = [...specs.keys()].join(', ') || '(none)';
      const message = `function "${req.fn}" not found in ${opts.functionsDir} (known: ${known})`;
      return finish({ ok: false, cold: false, error: { code: 'NOT_FOUND', message } });
    }
    if (!spec.built) {
      const message = `function "${req.fn}" is not built (no ${spec.modulePath}): run \`npm run build\``;
      return finish({ ok: false, cold: false, error: { code: 'NOT_BUILT', message } });
    }
    running.set(id, state);
    const p = pool(spec);
    const w = await p.acquire();
    const cold = w.runs === 1;
    try {
      // Loading the bundle is an init phase outside the function's execution timeout, like an SCF cold start (our
      // model; no source in docs/platform-facts.md states it).
      const initError = await waitReady(p, w);
      if (w.dead) return finish({ ok: false, cold, error: { code: 'CRASHED', message: initError ?? 'worker died during init' } });
      const env = invocationEnv({
        kind: req.kind,
        port: opts.port(),
        invocationId: id,
        source: info.source,
        openid: info.openid,
        withToken: req.withToken ?? req.kind !== 'scf',
      });
      const outcome = await execute({ pool: p, worker: w, spec, req, id, env, clockOffset: opts.clock.offset(), state });
      return finish({ ...outcome, cold });
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
    invocations: () => log.slice(),
    syncClock() {
      const offset = opts.clock.offset();
      for (const p of pools.values()) p.broadcast({ type: 'clock', clockOffset: offset });
    },
    workers() {
      const out: Record<string, number> = {};
      for (const [fn, p] of pools) out[fn] = p.size;
      return out;
    },
    clearLog: () => void log.splice(0, log.length),
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
