// Core: the one response envelope of every function the mini program calls, and the domain error type.

/** Error codes a client can receive. Each is stable and documented in the README. */
export const ERROR_CODES = {
  INVALID_INPUT: 'invalid input: wrong type, oversize string, unknown nested field or a $-operator',
  UNKNOWN_ACTION: 'the action is not one this function knows',
  MISSING_ACTION: 'the event has no action (the message lists the actions of the function)',
  UNKNOWN_FIELD: 'the event has a top-level field the action does not take (a typo such as date for data)',
  TOO_LARGE: 'the event is over the size budget of the action (64 Ki characters unless documented)',
  TOO_DEEP: 'the event is nested deeper than 32 levels',
  UNAUTHENTICATED: 'no caller identity (OPENID) in the WeChat context',
  FORBIDDEN: 'the caller is not allowed to do this (admin list, source check)',
  NOT_FOUND: 'the referenced record does not exist',
  UNKNOWN_TEMPLATE: 'the template id is not in the template registry',
  UNKNOWN_PAGE: "the page is not one of the mini program's pages (app.json); WeChat would answer 41030",
  CONFLICT: 'the record is in a state that does not allow this',
  RATE_LIMITED: 'too many requests from this user; try later',
  NO_GRANT: 'the user has no remaining grant for this template',
  VALIDATION_FAILED: 'message data breaks the template keyword rules',
  MISSING_PERMISSION: "a cloud call is not listed in this function's config.json permissions.openapi",
  NO_CLOUD_CALL_TOKEN: 'this invocation has no cloud-call token (function called by a function): enqueue instead',
  QUOTA_PAUSED: 'all sending is paused for the daily quota until it resets (details.until, midnight Beijing time); nothing was sent',
  INTERNAL: 'an unexpected error; see the function log',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type Envelope<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data });

export function fail(code: ErrorCode, message: string, details?: unknown): Envelope<never> {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };
}
