// Adapters: composition of the dispatcher on wx-server-sdk — the queue stores, bulk grant reservations with
// holds (core/grants/holds.ts), the WeChat sender, the template registry, wall clock and jitter. One `run()` per timer
// invocation.
import { randomBytes } from 'node:crypto';
import { DEFAULT_DISPATCH_CONFIG, type DispatchConfig } from '../core/dispatch/config';
import type { DispatchDeps } from '../core/dispatch/ports';
import { createReceiptPort } from './stores/receipts';
import { createMainSwitches } from './stores/switches';
import { runDispatch, type IdleSummary, type RunSummary, type RunTrigger } from '../core/dispatch/run';
import type { ArmWake } from '../core/dispatch/wake';
import type { WechatSender } from '../core/ports';
import { createHolds } from './grant-ledger';
import { createAlertSink, createOpsStore, readAlertConfig, readRules } from './ops';
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
    receipts: createReceiptPort(),
    switches: createMainSwitches(),
    config,
    ops: createOpsStore(),
    send: { miniprogramState: send.miniprogramState, lang: send.lang },
    log: options.log ?? ((line) => console.log(`dispatch: ${line}`)),
  };
  let sink: { webhook: string; sink: ReturnType<typeof createAlertSink> } | undefined;
  const alertSink = () => {
    const cfg = readAlertConfig();
    if (sink?.webhook !== cfg.webhook) sink = { webhook: cfg.webhook, sink: createAlertSink(cfg, base.log) };
    return sink.sink;
  };
  return {
    // Rules and alert settings are read per run (the function's environment may change without a rebuild).
    run: (trigger) => runDispatch({ ...base, rules: readRules(), alerts: alertSink(), runId: `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}` }, trigger),
  };
}
