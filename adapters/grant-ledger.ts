// Adapters: the grant ledger on cloud.database() — the GrantLedger port (core/ports.ts) for senders and
// dispatchers, and the full dependency set of the `subscriptions` / `subscriptionEvents` functions.
import type { GrantLedger, Clock } from '../core/ports';
import { createLedgerCore, type LedgerCore } from '../core/grants/ledger';
import { grantId } from '../core/grants/model';
import type { GrantsDeps, TemplateRegistry } from '../core/grants/ports';
import type { ReceiptStore } from '../core/grants/push';
import appConfig from '../config/tixing.json';
import { createConsentLog } from './stores/consent-log';
import { createGrantDocStore } from './stores/grants';
import { createGrantsRegistry } from './stores/grants-registry';
import { createRateLimiter, createReceiptStore, createRequestLog } from './stores/grants-requests';
import { createEraser, createUserStore } from './stores/grants-users';

/** Wall clock (the emulator shifts workers' Date to its virtual time). */
export const systemClock: Clock = { now: () => Date.now() };

export interface GrantLedgerOptions {
  clock?: Clock;
  registry?: TemplateRegistry;
}

export type AdapterGrantLedger = GrantLedger & { core: LedgerCore };

/**
 * The ledger senders use: `remaining` (Infinity = active long-term), atomic `reserve`, `refund`, `zero` (logged to
 * consent_log with source 'server'). Cheap to create; build it once per warm container.
 */
export function createGrantLedger(options: GrantLedgerOptions = {}): AdapterGrantLedger {
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? createGrantsRegistry();
  const core = createLedgerCore(createGrantDocStore(), clock, (k) => grantId(k.openid, k.templateId));
  const consent = createConsentLog();
  // Reads and reserve/refund use the kind stored on the document; only creating one (zero) needs the registry.
  const key = (openid: string, templateId: string) => ({ openid, templateId, kind: 'one-time' as const });
  return {
    core,
    remaining: (openid, templateId) => core.remaining(key(openid, templateId)),
    reserve: (openid, templateId) => core.reserve(key(openid, templateId)),
    refund: (openid, templateId) => core.refund(key(openid, templateId)),
    async zero(openid, templateId, reason) {
      const kind = (await registry.list()).find((t) => t.templateId === templateId)?.kind ?? 'one-time';
      await core.zero({ openid, templateId, kind }, reason);
      const at = clock.now();
      await consent.append([
        { _id: `z:${openid}:${templateId}:${at}`, openid, templateId, result: 'zero', placement: null, source: 'server', ledger: 'zero', reason, at },
      ]);
    },
  };
}

function limits(): GrantsDeps['limits'] {
  const l = (appConfig as { limits?: Partial<GrantsDeps['limits']> }).limits ?? {};
  return { recordPerMinute: l.recordPerMinute ?? 30, maxTemplatesPerRequest: l.maxTemplatesPerRequest ?? 3 };
}

/** Everything the subscriptions and subscriptionEvents use cases need, on cloud.database(). */
export function createGrantsDeps(options: GrantLedgerOptions = {}): GrantsDeps & { receipts: ReceiptStore } {
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? createGrantsRegistry();
  const docs = createGrantDocStore();
  return {
    clock,
    ledger: createGrantLedger({ clock, registry }).core,
    grants: docs,
    consent: createConsentLog(),
    requests: createRequestLog(),
    rateLimiter: createRateLimiter(),
    users: createUserStore(),
    registry,
    eraser: createEraser(),
    receipts: createReceiptStore(),
    limits: limits(),
  };
}
