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
  | 'NOT_BUILT';

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
  outcome: 'ok' | InvocationErrorCode;
  error?: string;
  requests: number;
  cold: boolean;
}
