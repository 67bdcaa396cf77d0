// Adapters: composition of the sending pipeline on wx-server-sdk — the template lookup (adapters/stores/templates.ts),
// grant holds, WeChat sender, delivery store, clock, ids and jitter — built once per warm container.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../core/actions';
import type { SendRequest } from '../core/ports';
import type { SendConfig, SendingDeps } from '../core/sending/ports';
import { createReceiptPort } from './stores/receipts';
import { createMainSwitches } from './stores/switches';
import { sendNow, type SendNowInput, type SendNowResult } from '../core/sending/send-now';
import { appConfig } from './runtime';
import { createHolds } from './grant-ledger';
import { createDeliveryStore } from './stores/deliveries';
import { createTemplateLookup } from './stores/templates';
import { createOpsStore } from './ops';
import { createWechatSender, type WechatSenderOptions } from './wechat-sender';

const STATES = ['developer', 'trial', 'formal'] as const;
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'] as const;

function oneOf<T extends string>(allowed: readonly T[], value: unknown, name: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`config/tixing.json: ${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

/** [SEND-NEW] §1.2 miniprogram_state and lang per environment, from config/tixing.json for this env id. */
export function sendConfig(raw: Record<string, unknown> = { ...appConfig() }): SendConfig {
  return {
    miniprogramState: oneOf<SendRequest['miniprogramState']>(STATES, raw.miniprogramState, 'miniprogramState'),
    lang: oneOf<SendRequest['lang']>(LANGS, raw.lang, 'lang'),
    zone: typeof raw.zone === 'string' ? raw.zone : 'Asia/Shanghai',
    testWhitelist: Array.isArray(raw.testWhitelist) ? raw.testWhitelist.filter((x): x is string => typeof x === 'string') : [],
  };
}

export interface SendingDepsOptions extends WechatSenderOptions {
  /** Override pieces (tests, benchmarks). */
  overrides?: Partial<SendingDeps>;
}

export function createSendingDeps(options: SendingDepsOptions = {}): SendingDeps {
  return {
    templates: createTemplateLookup(),
    holds: createHolds(),
    wechat: createWechatSender(options),
    deliveries: createDeliveryStore(),
    clock: { now: () => Date.now() },
    ids: { next: () => randomUUID() },
    random: Math.random,
    config: sendConfig(),
    receipts: createReceiptPort(),
    switches: createMainSwitches(),
    // The daily-quota pause (ops_state/dispatch): inline sends wait for the reset like the dispatcher.
    quota: createOpsStore(),
    onOutcome: (e) => {
      if (e.reason !== 'sent') console.warn(`send ${e.templateId} → ${e.openid}: ${e.errCode} ${e.reason} — ${e.operator}`);
    },
    ...options.overrides,
  };
}

let shared: SendingDeps | undefined;

/** The container's sending dependencies (created on first use, reused by warm invocations). */
export function sendingDeps(): SendingDeps {
  shared ??= createSendingDeps();
  return shared;
}

/** Inline send for a function the mini program (or a DevTools timer) invoked; see core/sending/send-now.ts. */
export function sendMessage(caller: Caller, input: SendNowInput, options: { fallbackToOutbox?: boolean } = {}): Promise<SendNowResult> {
  return sendNow(sendingDeps(), caller, input, options);
}
