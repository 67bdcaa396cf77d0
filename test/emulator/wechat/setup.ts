// Test support (WeChat simulator): one simulator + harness + real wx-server-sdk per test file, and assertion helpers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock } from '../../../emulator/clock';
import { createWechatSimulator, type WechatSimulatorExt } from '../../../emulator/wechat';
import { seededRandom, type Random } from '../../support/random';
import { type Harness, sdkEnv, startHarness } from './harness';

export type Cloud = typeof import('wx-server-sdk');

export const APP_PAGES = ['pages/index/index', 'pages/me/me'];
export const START = Date.UTC(2024, 4, 1, 2, 0, 0);

export interface Env {
  sim: WechatSimulatorExt;
  harness: Harness;
  cloud: Cloud;
  appJsonPath: string;
  close(): Promise<void>;
}

/** Starts everything and points the real wx-server-sdk at it (env vars of docs/platform-facts.md §8.3). */
export async function startEnv(random: Random = seededRandom(42)): Promise<Env> {
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

export interface WechatEnvOptions {
  /** The simulator's random source (fault injection); default mulberry32(42). */
  random?: Random;
  /** Set WX_API_TOKEN before each test, as the runner gives a function with a cloud-call token. */
  wxApiToken?: boolean;
}

/**
 * One environment for the test file: started in beforeAll, closed in afterAll, and before each test a fresh simulator
 * (quota, inbox, faults) and no invocation context. The returned object reads through to the started Env, so tests
 * write `env.sim`, `env.cloud` as usual (only inside hooks and tests: it does not exist while the file is collected).
 */
export function useWechatEnv(opts: WechatEnvOptions = {}): Env {
  let current: Env | undefined;
  beforeAll(async () => {
    current = await startEnv(opts.random);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    const e = get();
    e.sim.reset();
    e.harness.invocation = undefined;
    if (opts.wxApiToken) process.env.WX_API_TOKEN = 'fake-wx-api-token';
  });
  const get = (): Env => {
    if (!current) throw new Error('useWechatEnv: the environment starts in beforeAll; use it inside hooks and tests');
    return current;
  };
  return {
    get sim() { return get().sim; },
    get harness() { return get().harness; },
    get cloud() { return get().cloud; },
    get appJsonPath() { return get().appJsonPath; },
    close: () => get().close(),
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
