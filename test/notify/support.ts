// Test support (notify e2e): a functions folder with Tixing's real bundles (cloudfunctions/, rebuilt when stale) plus
// the `teamnotify` fixture — a team's own function that calls notify through the typed client — and helpers.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import functionsJson from '../../config/functions.json';
import { buildFixtureFunctions, buildStale, ROOT, type Emulator, type Envelope } from '../support/emulator';

/** Timeouts: Tixing's (config/functions.json) plus the fixture team function, which waits for notify's cold start. */
export const FUNCTIONS_CONFIG: Record<string, { timeoutSec?: number }> = { ...functionsJson, teamnotify: { timeoutSec: 20 } };

const TIXING = ['setup', 'notify', 'dispatch', 'campaigns', 'reminders', 'subscriptions', 'orderStatus'];

/** Builds (stale bundles only) and copies the functions into a fresh folder to use as `functionsDir`. */
export async function notifyFunctionsDir(): Promise<string> {
  const src = join(ROOT, 'cloudfunctions');
  await buildStale(src);
  const out = mkdtempSync(join(tmpdir(), 'tixing-notify-'));
  const copy = (from: string, fn: string) => {
    mkdirSync(join(out, fn));
    for (const f of ['index.js', 'config.json']) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(out, fn, f));
  };
  for (const fn of TIXING) if (existsSync(join(src, fn))) copy(join(src, fn), fn);
  copy(join(buildFixtureFunctions(['teamnotify']), 'teamnotify'), 'teamnotify');
  return out;
}

export const ORDER_TPL = 'TPL_ORDER_STATUS';
export const ORDER_DATA = { character_string1: 'A20260501001', phrase2: '已发货', amount3: '￥128.00', phone_number4: '021-12345678' };

/** The team's function (called as a mini program user would call it) → notify through the client. */
export function team<T = Record<string, unknown>>(emu: Emulator, event: Record<string, unknown>, openid = 'o-shop'): Promise<Envelope<T>> {
  return emu.call<Envelope<T>>('teamnotify', openid, event);
}

export function data<T>(e: Envelope<T>): T {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.data;
}
