// Emulator layer: the contracts between the emulator's parts (HTTP server, database, WeChat simulator, runner).
// Each part is built against these types so the parts can be developed and tested on their own.

/** Who sent an /admin request: parsed from the request by the server. */
export interface AdminRequestContext {
  /** Invocation id from the `?inv=<id>&` query the runner puts into TCB_CONTEXT_CNFG.URL (absent for plain scripts). */
  invocationId?: string;
  envName: string;
  /** `wxCloudApiToken` body field. Empty/absent = no cloud-call token (function-to-function call, plain script). */
  wxCloudApiToken?: string;
  /** Raw `x-tcb-source` header. */
  source?: string;
  requestId: string;
}

/**
 * An error answered in CloudBase's shape: HTTP 200, body `{ code, message, requestId }`.
 * wx-server-sdk maps known codes (TCB_ERR_CODE) to its own errCode (e.g. DATABASE_COLLECTION_NOT_EXIST → -502005).
 */
export class AdminError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Handles one `/admin` action whose answer is JSON: resolves to the `data` field of `{ requestId, data }`. */
export type JsonActionHandler = (params: Record<string, unknown>, ctx: AdminRequestContext) => Promise<unknown>;

/** The emulator's clock: virtual time = real time + offset, so time can be advanced but keeps flowing. */
export interface Clock {
  now(): number;
  /** Milliseconds the virtual clock is ahead of the real one (workers apply it to their global Date). */
  offset(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** A simple event log line (function, caller, duration, outcome) or any other line the emulator prints. */
export type Logger = (line: string) => void;
