// Emulator runner: runs one invocation on an acquired worker and settles it exactly once — the function's answer,
// its timeout, a test kill, or the worker dying.
import { randomUUID } from 'node:crypto';
import { ENV_ID } from './env';
import type { FunctionSpec } from './functions';
import type { FunctionPool, PooledWorker, WorkerOutcome } from './pool';
import type { InvocationFailure, InvokeRequest } from './types';

export interface Killable {
  /** Set while the invocation runs: terminate its worker now (killAfterRequests). */
  kill?: (reason: string) => void;
}

export interface Execution {
  pool: FunctionPool;
  worker: PooledWorker;
  spec: FunctionSpec;
  req: InvokeRequest;
  id: string;
  env: Record<string, string>;
  clockOffset: number;
  state: Killable;
}

export type Outcome = { ok: boolean; result?: unknown; error?: InvocationFailure };

export function execute(x: Execution): Promise<Outcome> {
  const { pool, worker: w, spec, req, id, state } = x;
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const settle = (v: Outcome) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      w.onOutcome = undefined;
      state.kill = undefined;
      resolve(v);
    };
    const terminate = (code: 'TIMEOUT' | 'KILLED', message: string) => {
      void pool.kill(w);
      settle({ ok: false, error: { code, message } });
    };
    state.kill = (reason) => terminate('KILLED', reason);
    w.onOutcome = (o: WorkerOutcome) => {
      if (o.kind === 'crashed') return settle({ ok: false, error: { code: 'CRASHED', message: o.message } });
      if (o.msg.id !== id) return;
      if (o.msg.ok) return settle({ ok: true, result: o.msg.json === undefined ? undefined : JSON.parse(o.msg.json) });
      const e = o.msg.error;
      settle({ ok: false, error: { code: 'FUNCTION_ERROR', message: e.message, stack: e.stack } });
    };
    const sec = spec.timeoutMs / 1000;
    // [COMM-TIMEOUT-3S] the platform stops the function at its timeout (set per function in config/functions.json).
    timers.push(setTimeout(() => terminate('TIMEOUT', `Invoking task timed out after ${sec} seconds`), spec.timeoutMs));
    if (req.killAfterMs !== undefined) {
      const ms = req.killAfterMs;
      timers.push(setTimeout(() => terminate('KILLED', `killed after ${ms} ms (test kill)`), ms));
    }
    // The SCF `context` argument (fields read by node-sdk parseContext).
    const context = {
      request_id: randomUUID(),
      function_name: spec.name,
      function_version: '$LATEST',
      time_limit_in_ms: spec.timeoutMs,
      memory_limit_in_mb: 256,
      namespace: ENV_ID,
    };
    w.invocationId = id;
    try {
      pool.post(w, { type: 'invoke', id, event: req.event, context, env: x.env, clockOffset: x.clockOffset });
    } catch {
      // postMessage copies the event with the structured clone algorithm, which throws synchronously (before
      // anything reaches the worker) on an event nested too deeply or holding values it cannot copy. The worker is
      // untouched and stays warm; the timers armed above are cleared by settle.
      settle({
        ok: false,
        error: { code: 'BAD_EVENT', message: 'the event could not be handed to the function: it is nested too deeply or holds values that cannot be copied' },
      });
    }
  });
}
