// Adapters: the grant ledger on cloud.database() — the ledger core, holds for senders and the dispatcher
// (core/grants/holds.ts), and the full dependency set of the `subscriptions` / `subscriptionEvents` functions.
import type { GrantLedger, Clock } from '../core/ports';
import { createLedgerCore, type LedgerCore } from '../core/grants/ledger';
import { createGrantHolds, type GrantHolds } from '../core/grants/holds';
import { grantId } from '../core/grants/model';
import type { GrantsDeps, TemplateRegistry } from '../core/grants/ports';
import type { PushDeps } from '../core/grants/push';
import { appConfig } from './runtime';
import { createConsentLog, createConsentQueries } from './stores/consent-log';
import type { SubscriptionsDeps } from '../core/grants/table';
import { createGrantDocStore } from './stores/grants';
import { createTemplateLookup } from './stores/templates';
import { createRateLimiter, createRequestLog } from './stores/grants-requests';
import { createReceiptPort } from './stores/receipts';
import { createEraser, createUserStore } from './stores/grants-users';

/** Wall clock (the emulator shifts workers' Date to its virtual time). */
export const systemClock: Clock = { now: () => Date.now() };

export interface GrantLedgerOptions {
  clock?: Clock;
  registry?: TemplateRegistry;
}

export type AdapterGrantLedger = GrantLedger & { core: LedgerCore };

/** The ledger's read side (`remaining`: Infinity = active long-term) with its core. Cheap; build once per container. */
export function createGrantLedger(options: GrantLedgerOptions = {}): AdapterGrantLedger {
  const clock = options.clock ?? systemClock;
  const core = createLedgerCore(createGrantDocStore(), clock, (k) => grantId(k.openid, k.templateId));
  // Reads use the kind stored on the document.
  return { core, remaining: (openid, templateId) => core.remaining({ openid, templateId, kind: 'one-time' }) };
}

/** Reserve / refund / consume / zero with hold tokens (core/grants/holds.ts) on the `grants` collection. */
export function createHolds(clock: Clock = systemClock): GrantHolds {
  const store = createGrantDocStore();
  const ledger = createLedgerCore(store, clock, (k) => grantId(k.openid, k.templateId));
  return createGrantHolds({ store, ledger, consent: createConsentLog(), clock });
}

function limits(): GrantsDeps['limits'] {
  const l = appConfig().limits;
  return { recordPerMinute: l.recordPerMinute, maxTemplatesPerRequest: l.maxTemplatesPerRequest };
}

/** Everything the subscriptions and subscriptionEvents use cases need, on cloud.database(). */
export function createGrantsDeps(options: GrantLedgerOptions = {}): PushDeps & SubscriptionsDeps {
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? createTemplateLookup();
  const docs = createGrantDocStore();
  return {
    clock,
    ledger: createGrantLedger({ clock }).core,
    holds: createHolds(clock),
    grants: docs,
    consent: createConsentLog(),
    requests: createRequestLog(),
    rateLimiter: createRateLimiter(),
    users: createUserStore(),
    registry,
    eraser: createEraser(),
    receipts: createReceiptPort(),
    history: createConsentQueries(),
    limits: limits(),
    transactional: appConfig().transactionalPlacements,
  };
}
