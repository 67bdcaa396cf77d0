// Emulator runner: public types of an invocation (request, result, log entry).
import type { InvocationKind } from './env';

export interface InvokeOptions {
  /** Terminate the worker right after its n-th /admin request arrives (before it is answered). */
  killAfterRequests?: number;
  /** Terminate the worker this long after the invocation starts. */
  killAfterMs?: number;
}

export interface InvokeRequest extends InvokeOptions {
  fn: string;
  kind: InvocationKind;
  /** The event exactly as `main` receives it. */
  event: unknown;
  /** Caller's openid (client calls; function-to-function calls inherit the parent's). */
  openid?: string;
  /** Override getWXContext().SOURCE (default per kind: wx_client, wx_trigger, <parent>,scf). */
  source?: string;
  /** Override whether a cloud-call token is given (default: client and timer yes, scf no). */
  withToken?: boolean;
  /** Timer invocations: the trigger's name (for the log line). */
  triggerName?: string;
  /** Function-to-function calls: the calling invocation. */
  parentId?: string;
}

export type InvocationErrorCode =
  /** `main` threw or rejected. */
  | 'FUNCTION_ERROR'
  | 'TIMEOUT'
  /** killAfterRequests / killAfterMs. */
  | 'KILLED'
  /** The worker died (uncaught exception, exit). */
  | 'CRASHED'
  | 'NOT_FOUND'
  | 'NOT_BUILT'
  /** The event could not be handed to the worker (nested too deeply, or values that cannot be copied). */
  | 'BAD_EVENT';

/**
 * How an invocation ended: `ok` (main returned), `ok:false` (main returned the envelope `{ ok: false, error }`: the
 * function answered, but with a refusal or an error of its own), or the runner's failure code.
 */
export type InvocationOutcome = 'ok' | 'ok:false' | InvocationErrorCode;

/** One /admin request an invocation made (database action or cloud call), as the console shows it. */
export interface AdminRequestRecord {
  /** Virtual time the request arrived. */
  at: number;
  /** `database.getDocument`, `wx.openApi`, `functions.invokeFunction`… */
  action: string;
  collection?: string;
  /** wx.openApi: the API name (e.g. subscribeMessage.send); invokeFunction: the called function. */
  api?: string;
  /** Documents written (database actions). */
  changed: number;
  ms: number;
  /** The CloudBase error code it answered, if any. */
  error?: string;
}

/** What the console shows for one invocation besides its log entry (kept for the newest invocations only). */
export interface InvocationDetail {
  /** The event main received (a note instead when it was too large to keep). */
  event: unknown;
  /** main's return value (JSON round-tripped), or undefined. */
  answer?: unknown;
  /** Lines the function printed during the invocation (console.log / console.error). */
  output: string[];
  requests: AdminRequestRecord[];
}

export interface InvocationFailure {
  code: InvocationErrorCode;
  message: string;
  stack?: string;
}

export interface InvocationResult {
  id: string;
  fn: string;
  ok: boolean;
  /** `main`'s return value (JSON round-tripped, as the cloud returns it); undefined when it returned nothing. */
  result?: unknown;
  error?: InvocationFailure;
  /** /admin requests the invocation made. */
  requests: number;
  durationMs: number;
  /** Virtual time when it started. */
  startedAt: number;
  /** Whether the invocation had to start a new worker (cold start). */
  cold: boolean;
}

export interface InvocationLogEntry {
  id: string;
  fn: string;
  kind: InvocationKind;
  source: string;
  /** openid, `timer:<TriggerName>`, or `scf:<parent fn>`. */
  caller: string;
  parentId?: string;
  startedAt: number;
  durationMs: number;
  outcome: InvocationOutcome;
  /** Failure message, or for `ok:false` the answer's `error.message`. */
  error?: string;
  /** `ok:false`: the answer's `error.code` (e.g. NO_GRANT). */
  errorCode?: string;
  openid?: string;
  requests: number;
  cold: boolean;
  /** A timer run that answered ok and wrote nothing and called no API: not printed (the idle dispatch tick). */
  idle?: boolean;
}
