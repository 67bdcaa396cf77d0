// Mini program lib (pure, no `wx`): the response envelope of every Tixing function, unwrapped into data or a typed
// error that carries a Chinese message. Codes mirror core/envelope.ts ERROR_CODES (test/build/miniprogram-parity.ts keeps them in step).

import { formatShanghai } from './time';

export type ServerErrorCode =
  | 'INVALID_INPUT' | 'UNKNOWN_ACTION' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNKNOWN_TEMPLATE'
  | 'CONFLICT' | 'RATE_LIMITED' | 'NO_GRANT' | 'VALIDATION_FAILED' | 'MISSING_PERMISSION' | 'NO_CLOUD_CALL_TOKEN'
  | 'INTERNAL' | 'MISSING_ACTION' | 'UNKNOWN_FIELD' | 'TOO_LARGE' | 'TOO_DEEP' | 'UNKNOWN_PAGE' | 'QUOTA_PAUSED';
/**
 * Client-side codes: the call never reached the function (no network, the function is not deployed, it timed out),
 * or its answer was not an envelope.
 */
export type ClientErrorCode = 'NETWORK' | 'FUNCTION_NOT_FOUND' | 'TIMEOUT' | 'BAD_RESPONSE';
const CLIENT_CODES: readonly string[] = ['NETWORK', 'FUNCTION_NOT_FOUND', 'TIMEOUT', 'BAD_RESPONSE'];
export type ApiErrorCode = ServerErrorCode | ClientErrorCode;

export const ERROR_MESSAGES: Readonly<Record<ApiErrorCode, string>> = {
  INVALID_INPUT: '提交的内容不符合要求',
  UNKNOWN_ACTION: '暂不支持该操作，请更新小程序',
  UNAUTHENTICATED: '无法确认你的身份，请重新打开小程序',
  FORBIDDEN: '没有权限执行此操作',
  NOT_FOUND: '记录不存在或已被删除',
  UNKNOWN_TEMPLATE: '未知的消息模板',
  CONFLICT: '当前状态不允许此操作，请刷新后重试',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  NO_GRANT: '你还没有订阅该消息，或订阅次数已用完',
  VALIDATION_FAILED: '消息内容不符合模板规则',
  // [OPENAPI-GUIDE] -604101: config.json permissions are cached ~10 minutes after upload.
  MISSING_PERMISSION: '云函数缺少云调用权限，请稍后再试或联系管理员',
  NO_CLOUD_CALL_TOKEN: '当前调用方式无法使用云调用',
  // [COMM-45009] the daily quota resets at midnight Beijing time; the time itself comes in details.until (quotaText).
  QUOTA_PAUSED: '配额已用完，北京时间零点后恢复',
  INTERNAL: '服务开小差了，请稍后再试',
  MISSING_ACTION: '暂不支持该操作，请更新小程序',
  UNKNOWN_FIELD: '提交的内容包含不支持的字段，请更新小程序',
  TOO_LARGE: '提交的内容过大',
  TOO_DEEP: '提交的内容层级过深',
  UNKNOWN_PAGE: '跳转页面不是本小程序的页面',
  NETWORK: '网络异常，请检查网络后重试',
  FUNCTION_NOT_FOUND: '云函数未部署，请在开发者工具中上传并部署云函数',
  TIMEOUT: '请求超时，请稍后重试',
  BAD_RESPONSE: '服务返回了无法识别的结果',
};

/** Failures worth retrying with the same payload: transport errors and server-side crashes. */
const RETRYABLE: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>(['NETWORK', 'TIMEOUT', 'INTERNAL', 'BAD_RESPONSE']);

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** The server's own (English) message, for logs. `message` is the Chinese one for the user. */
  readonly serverMessage: string;
  readonly details: unknown;
  constructor(code: ApiErrorCode, serverMessage = '', details?: unknown) {
    super((code === 'QUOTA_PAUSED' && quotaText(details)) || ERROR_MESSAGES[code]);
    this.name = 'ApiError';
    this.code = code;
    this.serverMessage = serverMessage;
    this.details = details;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** QUOTA_PAUSED's details (`until`, epoch ms) → "配额已用完，2026-05-02 00:00 北京时间 恢复", or '' without a time. */
export function quotaText(details: unknown): string {
  const until = typeof details === 'object' && details !== null ? (details as { until?: unknown }).until : undefined;
  return typeof until === 'number' && Number.isFinite(until) ? `配额已用完，${formatShanghai(until)} 北京时间 恢复` : '';
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ApiError');
}

export const isRetryable = (e: unknown): boolean => (isApiError(e) ? e.retryable : true);

/** The Chinese message for anything a call may throw. */
export function messageOf(e: unknown): string {
  return isApiError(e) ? e.message : ERROR_MESSAGES.NETWORK;
}

const isCode = (c: unknown): c is ServerErrorCode =>
  typeof c === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, c) && !CLIENT_CODES.includes(c);

/**
 * What a failed wx.cloud.callFunction means, from its `errCode` / `errMsg`: a function the environment does not have
 * (errCode -501000, or FUNCTION_NOT_FOUND / "FunctionName parameter could not be found" in the message), a timeout
 * (the SDK's -501002 / -601008 timeouts, or "timeout" in the message), else the network.
 */
export function transportError(err: unknown): ApiError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const msg = String(e.errMsg ?? e.message ?? (typeof err === 'string' ? err : ''));
  const code = Number(e.errCode);
  if (code === -501000 || /FUNCTION_NOT_FOUND|ResourceNotFound\.Function|FunctionName parameter could not be found|function not found/i.test(msg)) {
    return new ApiError('FUNCTION_NOT_FOUND', msg);
  }
  if (code === -501002 || code === -601008 || /time(d)? ?out|超时/i.test(msg)) return new ApiError('TIMEOUT', msg);
  return new ApiError('NETWORK', msg);
}

/** `{ ok: true, data } → data`; `{ ok: false, error } → throw ApiError`; anything else → BAD_RESPONSE. */
export function unwrap<T>(result: unknown): T {
  if (typeof result !== 'object' || result === null) throw new ApiError('BAD_RESPONSE', String(result));
  const env = result as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown } };
  if (env.ok === true) return env.data as T;
  if (env.ok === false && env.error) {
    const msg = typeof env.error.message === 'string' ? env.error.message : '';
    throw new ApiError(isCode(env.error.code) ? env.error.code : 'INTERNAL', msg, env.error.details);
  }
  throw new ApiError('BAD_RESPONSE', JSON.stringify(result).slice(0, 200));
}
