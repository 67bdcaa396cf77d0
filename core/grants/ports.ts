// Core (grants): ports of the subscriptions use cases besides the ledger primitive (ledger.ts).
import type { Clock } from '../ports';
import type { LedgerCore } from './ledger';
import type { GrantHolds } from './holds';
import type { TemplateLookup } from '../template/registry';
import type { ConsentSource, GrantDoc } from './model';

/** One line of the append-only consent log (PIPL audit, grant-conversion analytics). */
export interface ConsentEntry {
  /** Deterministic, so a retried request logs once. */
  _id: string;
  openid: string;
  templateId: string;
  /** accept | reject | ban | filter | error | unknown | revoke | zero | unsubscribe */
  result: string;
  /** The raw status as reported (e.g. `acceptWithAlert`), for analytics. */
  status?: string;
  placement: { page: string; button: string } | null;
  source: ConsentSource;
  /** What the ledger did: counted | covered | duplicate | none. */
  ledger: string;
  requestId?: string;
  /** The purpose the tap was recorded for (a unit held for it when accepted). */
  purpose?: string;
  errCode?: number;
  reason?: string;
  at: number;
}

export interface ConsentLog {
  /** Appends; an entry whose `_id` exists is left as it is. */
  append(entries: ConsentEntry[]): Promise<void>;
}

export type ClaimState = 'new' | 'open' | 'done';
/** Request-level claims (`request_log`): a unique `_id` insert decides who saw a request first. */
export interface RequestLog {
  claim(id: string, doc: { openid: string; kind: string; at: number; detail?: Record<string, unknown> }): Promise<ClaimState>;
  finish(id: string): Promise<void>;
}

export interface RateLimiter {
  /** Atomically counts one hit of (openid, scope) in the fixed window holding `now`; false when the limit is reached. */
  hit(openid: string, scope: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

export interface UserSettings {
  mainSwitch: boolean | null;
  itemSettings: Record<string, string>;
}
export interface UserStore {
  getSettings(openid: string): Promise<UserSettings | null>;
  saveSettings(openid: string, settings: { mainSwitch: boolean; itemSettings: Record<string, string> }, now: number): Promise<void>;
}

export interface GrantQueries {
  listByOpenid(openid: string): Promise<GrantDoc[]>;
}

/** The grants use cases read the one template lookup (core/template/registry.ts). */
export type TemplateRegistry = Pick<TemplateLookup, 'list'>;

/** Removes every document of one openid from one collection; resolves the number removed. */
export interface Eraser {
  eraseOpenid(collection: string, openid: string): Promise<number>;
}

export interface GrantsDeps {
  clock: Clock;
  ledger: LedgerCore;
  /** Purpose holds of a tap recorded for a purpose (core/grants/holds.ts). */
  holds: Pick<GrantHolds, 'holdFor'>;
  grants: GrantQueries;
  consent: ConsentLog;
  requests: RequestLog;
  rateLimiter: RateLimiter;
  users: UserStore;
  registry: TemplateRegistry;
  eraser: Eraser;
  limits: { recordPerMinute: number; maxTemplatesPerRequest: number };
  /** Placements marked transactional (config `transactionalPlacements`): a tap there holds its unit for `purpose`. */
  transactional?: readonly { page: string; button: string; purpose: string }[];
}
