// Emulator runner: the messages exchanged between the runner (main thread) and a function's worker thread.

/** workerData given to every worker: which bundle it runs. */
export interface WorkerBoot {
  fn: string;
  /** Absolute path of cloudfunctions/<fn>/index.js (CommonJS, exports `main`). */
  modulePath: string;
  /** Container environment while the module loads (no invocation identity yet). */
  env: Record<string, string>;
  clockOffset: number;
  /** The emulator's ports: connections to the first (the one `env` names) are spread over all of them. */
  ports: number[];
}

/** The `context` argument SCF gives `main(event, context)` (the subset the emulator fills). */
export interface ScfContext {
  request_id: string;
  function_name: string;
  function_version: string;
  time_limit_in_ms: number;
  memory_limit_in_mb: number;
  namespace: string;
}

/** Main → worker. */
export type ToWorker =
  | {
      type: 'invoke';
      id: string;
      event: unknown;
      context: ScfContext;
      /** The complete invocation environment: process.env is replaced by exactly this (no leak from the last one). */
      env: Record<string, string>;
      /** Virtual clock offset (ms) applied to the worker's global Date. */
      clockOffset: number;
    }
  | { type: 'clock'; clockOffset: number };

export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
}

/** Worker → main. */
export type FromWorker =
  /** The module is loaded (init phase over); `error` when loading it threw. */
  | { type: 'ready'; error?: WorkerError }
  /** `json` is JSON.stringify(return value); absent when main returned undefined. */
  | { type: 'done'; id: string; ok: true; json?: string }
  | { type: 'done'; id: string; ok: false; error: WorkerError }
  /** Something went wrong outside the awaited main (unhandled rejection, late error): logged, not fatal. */
  | { type: 'warn'; id?: string; message: string };
