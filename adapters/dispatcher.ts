// Adapters: composition of the dispatcher on wx-server-sdk — the queue stores, bulk grant reservations with
// holds (core/grants/holds.ts), the WeChat sender, the template registry, wall clock and jitter. One `run()` per timer
// invocation.
import { randomBytes } from 'node:crypto';
import { DEFAULT_DISPATCH_CONFIG, type DispatchConfig } from '../core/dispatch/config';
import type { DispatchDeps } from '../core/dispatch/ports';
import { runDispatch, type IdleSummary, type RunSummary, type RunTrigger } from '../core/dispatch/run';
import type { ArmWake } from '../core/dispatch/wake';
import type { WechatSender } from '../core/ports';
import { createHolds } from './grant-ledger';
import { sendConfig } from './sender';
import { createDeliveryQueue } from './stores/queue';
import { createAudienceSource, createCampaignQueue } from './stores/queue-campaigns';
import { createTemplateLookup } from './stores/templates';
import { createArm, createWakeStore } from './wake';
import { createWechatSender } from './wechat-sender';

export interface DispatcherOptions {
  config?: Partial<DispatchConfig>;
  wechat?: WechatSender;
  log?: (line: string) => void;
  /** The wake-up arm (default: cloudbase.addDelayedFunctionTask on `dispatch`). */
  arm?: ArmWake;
}

export interface Dispatcher {
  run(trigger?: RunTrigger): Promise<RunSummary | IdleSummary>;
}

/** Built once per warm container; every run gets a fresh run id (its lease owner). */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const config = { ...DEFAULT_DISPATCH_CONFIG, ...options.config };
  const send = sendConfig();
  const base: Omit<DispatchDeps, 'runId'> = {
    clock: { now: () => Date.now() },
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    campaigns: createCampaignQueue(),
    audience: createAudienceSource(),
    deliveries: createDeliveryQueue(),
    grants: createHolds(),
    templates: createTemplateLookup(),
    wake: createWakeStore(),
    arm: options.arm ?? createArm(),
    // The send deadline stays below the budget's margin: a hung call ends as `unknown` before the run must stop.
    wechat: options.wechat ?? createWechatSender({ timeoutMs: 5000 }),
    config,
    send: { miniprogramState: send.miniprogramState, lang: send.lang },
    log: options.log ?? ((line) => console.log(`dispatch: ${line}`)),
  };
  return {
    run: (trigger) => runDispatch({ ...base, runId: `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}` }, trigger),
  };
}
