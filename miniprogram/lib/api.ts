// Mini program lib: the typed client of Tixing's cloud functions over wx.cloud.callFunction.
import { transportError, unwrap } from './api-errors';

export { ApiError, isApiError, isRetryable, messageOf } from './api-errors';

/**
 * Calls `name` with `{ action, ...payload }` and returns the envelope's data, or throws an ApiError whose `message`
 * is Chinese (NETWORK, FUNCTION_NOT_FOUND or TIMEOUT when the call itself failed: lib/api-errors.ts transportError;
 * the server code otherwise).
 */
export async function call<T>(name: string, action: string, payload: Record<string, unknown> = {}): Promise<T> {
  let res: { result?: unknown };
  try {
    res = (await wx.cloud.callFunction({ name, data: { ...payload, action } })) as { result?: unknown };
  } catch (err) {
    throw transportError(err);
  }
  return unwrap<T>(res.result);
}
