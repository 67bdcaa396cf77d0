// Adapters: the one place that initialises wx-server-sdk and reads the caller identity from getWXContext().
import cloud from 'wx-server-sdk';
import type { Caller } from '../core/actions';
import { resolveAppConfig, type AppConfig } from '../core/config';
import configFile from '../config/tixing.json';

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

/**
 * The environment this function runs in: TCB_ENV / SCF_NAMESPACE, the container variables getWXContext().ENV and
 * DYNAMIC_CURRENT_ENV resolve to ([SDK-SRC] §8.4, §5.4). Read from process.env directly because getWXContext()
 * answers `{}` outside an invocation (no WX_CONTEXT_KEYS yet), and deps are built while the module loads.
 */
export function currentEnvId(): string {
  const fromProcess = process.env.TCB_ENV || process.env.SCF_NAMESPACE;
  if (fromProcess) return fromProcess;
  const env = (cloud.getWXContext() as Record<string, unknown>).ENV;
  return typeof env === 'string' && env !== '' ? env : 'local';
}

let resolved: AppConfig | undefined;

/** config/tixing.json resolved for this environment (its `environments[<env id>]` entry over the defaults), once. */
export function appConfig(): AppConfig {
  resolved ??= resolveAppConfig(configFile, currentEnvId());
  return resolved;
}
