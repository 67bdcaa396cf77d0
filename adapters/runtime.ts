// Adapters: the one place that initialises wx-server-sdk and reads the caller identity from getWXContext().
import cloud from 'wx-server-sdk';
import type { Caller } from '../core/actions';

let initialised = false;

/** cloud.init once per warm container, on the environment the function runs in. */
export function initCloud(): typeof cloud {
  if (!initialised) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
    initialised = true;
  }
  return cloud;
}

/** The caller of this invocation. Must be called inside `main` (getWXContext reads the invocation's env). */
export function currentCaller(): Caller {
  const ctx = cloud.getWXContext() as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return { openid: text(ctx.OPENID), appid: text(ctx.APPID), source: text(ctx.SOURCE) ?? '' };
}

/** The database with `throwOnNotFound: false`, so `doc(id).get()` on a missing doc returns `data: null`. */
export function database(): ReturnType<typeof cloud.database> {
  return initCloud().database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]);
}
