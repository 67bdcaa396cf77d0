// Test support (WeChat simulator): one simulator + harness + real wx-server-sdk per test file, and assertion helpers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock } from '../../../emulator/clock';
import { createWechatSimulator, type WechatSimulatorExt } from '../../../emulator/wechat';
import { type Harness, sdkEnv, startHarness } from './harness';

export type Cloud = typeof import('wx-server-sdk');

export const APP_PAGES = ['pages/index/index', 'pages/me/me'];
export const START = Date.UTC(2024, 4, 1, 2, 0, 0);

/** Deterministic random source (mulberry32), for fault injection in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Env {
  sim: WechatSimulatorExt;
  harness: Harness;
  cloud: Cloud;
  appJsonPath: string;
  close(): Promise<void>;
}

/** Starts everything and points the real wx-server-sdk at it (env vars of docs/platform-facts.md §8.3). */
export async function startEnv(random: () => number = seededRandom(42)): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'tixing-wechat-'));
  const appJsonPath = join(dir, 'app.json');
  writeFileSync(appJsonPath, JSON.stringify({ pages: APP_PAGES, subpackages: [{ root: 'pkg', pages: ['detail/detail'] }] }));
  const sim = createWechatSimulator({ clock: createClock(START), appJsonPath, random });
  const harness = await startHarness(sim);
  Object.assign(process.env, sdkEnv(harness.port));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as Cloud;
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  return {
    sim,
    harness,
    cloud,
    appJsonPath,
    async close() {
      sim.reset();
      await harness.close();
    },
  };
}

export interface SdkError {
  errCode: number;
  errMsg: string;
}

/** Runs `p`, expects the SDK to reject, and returns the error's errCode/errMsg (fails the test if it resolved). */
export async function sdkFailure(p: Promise<unknown>): Promise<SdkError & { name: string }> {
  try {
    const res = await p;
    throw new Error(`expected the SDK call to fail, it resolved ${JSON.stringify(res)}`);
  } catch (e) {
    const err = e as Partial<SdkError> & Error;
    if (typeof err.errCode !== 'number') throw e;
    return { errCode: err.errCode, errMsg: String(err.errMsg), name: err.constructor.name };
  }
}

/** A valid send payload for TPL_EVENT_REMINDER, as application code writes it (camelCase; the SDK snake_cases it). */
export function reminder(touser: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    touser,
    templateId: 'TPL_EVENT_REMINDER',
    page: 'pages/index/index?id=1',
    miniprogramState: 'developer',
    lang: 'zh_CN',
    data: {
      thing1: { value: '周末读书会' },
      time2: { value: '2019年10月1日 15:01' },
      thing3: { value: '图书馆三楼' },
      thing4: { value: '请提前10分钟到场' },
    },
    ...overrides,
  };
}
