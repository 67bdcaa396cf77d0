// Test support: start the local emulator from a jest test file and drive it (shared by all end-to-end tests).
//
// Naming rule: a test file that starts the emulator (`useEmulator`, `startTestEmulator`), any other server (the
// db / WeChat harnesses of test/emulator, `http.createServer`) or a child process running part of the system
// (test/miniprogram/support/emulator-http.ts, the CLI) is named `*.e2e.test.ts`; every other test file is
// `*.test.ts` and runs without opening a port or a process (a one-shot compiler run such as the mini program build
// does not count). So `npx jest --testPathIgnorePatterns '\.e2e\.'` is the fast, portless run.
// test/build/e2e-suffix.test.ts enforces the rule.
//
// Usage (one emulator per test file; functions are the real bundles in cloudfunctions/, rebuilt here when stale):
//
//   import { useEmulator, withSdkEnv, TEST_START } from '../support/emulator';
//   const h = useEmulator();                       // registers beforeAll(start) / afterAll(stop)
//   beforeEach(() => h.emu.reset());               // optional: fresh data per test (database, WeChat, log)
//   it('grants', async () => {
//     h.emu.requestSubscribe('o-alice', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
//     const res = await h.emu.call('subscriptions', 'o-alice', { action: 'record', ... });   // main's return value
//     expect(h.emu.db.find('grants', { openid: 'o-alice' })).toHaveLength(1);
//     await h.emu.advance(24 * 3600_000);          // virtual clock + every due timer fired, awaited
//     expect(h.emu.inbox('o-alice')).toHaveLength(1);
//   });
//
// - `useEmulator(opts)` takes every `startEmulator` option; defaults here: port 0, quiet, timers 'manual',
//   startAt TEST_START (2026-05-01T00:00:00Z = 08:00 in UTC+8; the clock keeps flowing from there),
//   functionsDir cloudfunctions/ (each function rebuilt with esbuild if its bundle is older than its sources).
//   `fixtures: ['whoami']` runs test/fixtures/functions instead (built to a temp dir).
// - `h.emu.callRaw(fn, event, { kind: 'timer' | 'scf' | 'client', openid, killAfterRequests, killAfterMs })`
//   returns the full InvocationResult (ok, result, error.code, requests, durationMs) and never throws.
// - `h.emu.call(...)` rejects with InvocationError (code FUNCTION_ERROR | TIMEOUT | KILLED | CRASHED | NOT_FOUND).
// - `h.emu.trigger(fn)` fires fn's timer now; `h.emu.advance(ms)` returns { fired: [...], coalesced }.
// - `withSdkEnv(h.emu, async () => { ... })` runs code with process.env pointed at the emulator, so the real
//   wx-server-sdk can be used in-process (e.g. to seed or inspect data as an admin script would).
// - WeChat's message pushes (popup after requestSubscribe, change after `wechat.changeSubscription`, sent after
//   each accepted send) are queued in tests: `await h.emu.pushes.deliver()` hands them to subscriptionEvents the
//   way WeChat does; `useEmulator({ messagePush: 'auto' })` delivers them as they happen, like `npm start`.
// - Set TIXING_EMULATOR_LOG=1 to see the emulator's log lines (one per invocation) while debugging.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Envelope as CoreEnvelope } from '../../core/envelope';
import { Emulator, startEmulator, StartOptions } from '../../emulator';
import { buildFixtureFunctions } from './fixtures';

export { buildFixtureFunctions } from './fixtures';
export type { Emulator } from '../../emulator';

/** What a function answers over the wire (core/envelope.ts): `h.emu.call<Envelope<T>>(fn, openid, event)`. */
export type Envelope<T = Record<string, unknown>> = CoreEnvelope<T>;

export const ROOT = resolve(__dirname, '..', '..');
/** 2026-05-01T00:00:00Z (08:00 Asia/Shanghai). */
export const TEST_START = Date.parse('2026-05-01T00:00:00Z');

export interface TestEmulatorOptions extends StartOptions {
  /** Run these test fixtures (test/fixtures/functions) instead of cloudfunctions/. */
  fixtures?: string[];
  /** Do not rebuild stale bundles of cloudfunctions/ (default: rebuild). */
  noBuild?: boolean;
}

export async function startTestEmulator(opts: TestEmulatorOptions = {}): Promise<Emulator> {
  const { fixtures, noBuild, ...rest } = opts;
  let functionsDir = rest.functionsDir;
  if (fixtures) functionsDir = buildFixtureFunctions(fixtures);
  else if (!functionsDir) {
    functionsDir = join(ROOT, 'cloudfunctions');
    if (!noBuild) await buildStale(functionsDir);
  }
  const verbose = process.env.TIXING_EMULATOR_LOG === '1';
  return startEmulator({
    port: 0,
    timers: 'manual',
    // WeChat's message pushes wait for `emu.pushes.deliver()` (tests that do not care never see them run).
    messagePush: 'manual',
    startAt: TEST_START,
    quiet: !verbose,
    ...(verbose ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
    ...rest,
    functionsDir,
  });
}

/** Registers beforeAll/afterAll for one emulator per test file; read `.emu` inside tests. */
export function useEmulator(opts: TestEmulatorOptions = {}): { readonly emu: Emulator } {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator(opts);
  });
  afterAll(async () => {
    await emu?.stop();
  });
  return {
    get emu(): Emulator {
      if (!emu) throw new Error('emulator not started yet (use h.emu inside tests or hooks)');
      return emu;
    },
  };
}

/** Runs `fn` with process.env pointed at the emulator (real wx-server-sdk in the test process), then restores it. */
export async function withSdkEnv<T>(
  emu: Emulator,
  fn: () => Promise<T> | T,
  opts?: { openid?: string; withToken?: boolean },
): Promise<T> {
  const env = emu.sdkEnv(opts);
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Rebuilds each cloudfunctions/<fn>/index.js that is missing or older than its sources (fn/src, core, adapters, config). */
export async function buildStale(functionsDir: string): Promise<string[]> {
  if (!existsSync(functionsDir)) return [];
  const { buildFunction } = await import('../../scripts/build');
  const shared = Math.max(...['core', 'adapters', 'config'].map((d) => newest(join(ROOT, d))));
  const rebuilt: string[] = [];
  for (const fn of readdirSync(functionsDir)) {
    const dir = join(functionsDir, fn);
    if (!existsSync(join(dir, 'src', 'index.ts'))) continue;
    const out = join(dir, 'index.js');
    const built = existsSync(out) ? statSync(out).mtimeMs : 0;
    if (built >= Math.max(shared, newest(join(dir, 'src')))) continue;
    // Build to a private file, then rename: parallel jest workers may rebuild the same function.
    const tmp = join(dir, `.index.${process.pid}.js`);
    await buildFunction(dir, { outfile: tmp, logLevel: 'error' });
    renameSync(tmp, out);
    rebuilt.push(fn);
  }
  return rebuilt;
}

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}
