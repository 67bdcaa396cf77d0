// Emulator runner: discovers the cloud functions (cloudfunctions/<fn>/index.js + config.json) and their settings
// (openapi permissions, timer trigger, timeout from config/functions.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TimerTriggerConfig {
  name: string;
  /** 7-field cron `sec min hour day month week year` (UTC+8). */
  config: string;
}

export interface FunctionSpec {
  name: string;
  dir: string;
  /** cloudfunctions/<fn>/index.js (the esbuild bundle). */
  modulePath: string;
  built: boolean;
  openapiPermissions: string[];
  trigger?: TimerTriggerConfig;
  timeoutMs: number;
}

export type FunctionTimeouts = Record<string, { timeoutSec?: number }>;

/** [COMM-TIMEOUT-3S] [OPLAT-FUNCCONFIG] default cloud function timeout is 3 s. */
export const DEFAULT_TIMEOUT_SEC = 3;
const TRIGGER_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,59}$/;

export function loadTimeouts(path: string): FunctionTimeouts {
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as FunctionTimeouts;
}

function readConfig(dir: string, fn: string): { openapi: string[]; trigger?: TimerTriggerConfig } {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return { openapi: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${fn}/config.json is not valid JSON: ${(err as Error).message}`);
  }
  const cfg = (raw ?? {}) as { permissions?: { openapi?: unknown }; triggers?: unknown };
  const openapi = Array.isArray(cfg.permissions?.openapi)
    ? cfg.permissions.openapi.filter((x): x is string => typeof x === 'string')
    : [];
  const triggers = cfg.triggers === undefined ? [] : cfg.triggers;
  if (!Array.isArray(triggers)) throw new Error(`${fn}/config.json: "triggers" must be an array`);
  // [TRIG-WX] only ONE trigger per function, type timer only, name [a-zA-Z][a-zA-Z0-9_-]{0,59}.
  if (triggers.length > 1) {
    throw new Error(
      `${fn}/config.json declares ${triggers.length} triggers; WeChat cloud functions support only one [TRIG-WX]`,
    );
  }
  const t = triggers[0] as { name?: unknown; type?: unknown; config?: unknown } | undefined;
  if (!t) return { openapi };
  if (t.type !== 'timer') throw new Error(`${fn}/config.json: trigger type must be "timer", got ${JSON.stringify(t.type)}`);
  if (typeof t.name !== 'string' || !TRIGGER_NAME.test(t.name)) {
    throw new Error(`${fn}/config.json: trigger name ${JSON.stringify(t.name)} must match ${TRIGGER_NAME} [TRIG-WX]`);
  }
  if (typeof t.config !== 'string') throw new Error(`${fn}/config.json: trigger "config" must be a cron string`);
  return { openapi, trigger: { name: t.name, config: t.config } };
}

/** A function's entry file: its package.json `main` when that file exists (as SCF loads it), else index.js. */
function entryOf(dir: string): string {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const main = (JSON.parse(readFileSync(pkg, 'utf8')) as { main?: unknown }).main;
      if (typeof main === 'string' && main && existsSync(join(dir, main))) return join(dir, main);
    } catch {
      // an unreadable package.json: fall back to index.js
    }
  }
  return join(dir, 'index.js');
}

/** Every folder of `functionsDir` with an index.js (or package.json main) or a src/index.ts. Throws on a bad config.json. */
export function discoverFunctions(functionsDir: string, timeouts: FunctionTimeouts = {}): Map<string, FunctionSpec> {
  const root = resolve(functionsDir);
  const out = new Map<string, FunctionSpec>();
  if (!existsSync(root)) return out;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const modulePath = entryOf(dir);
    const built = existsSync(modulePath);
    if (!built && !existsSync(join(dir, 'src', 'index.ts'))) continue;
    const cfg = readConfig(dir, name);
    const sec = timeouts[name]?.timeoutSec ?? DEFAULT_TIMEOUT_SEC;
    out.set(name, {
      name,
      dir,
      modulePath,
      built,
      openapiPermissions: cfg.openapi,
      trigger: cfg.trigger,
      timeoutMs: Math.round(sec * 1000),
    });
  }
  return out;
}
