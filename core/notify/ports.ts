// Core (notify): the ports of the notify use cases. Adapters: adapters/stores/notify.ts on cloud.database().
import type { Caller } from '../actions';
import type { UserProfile } from '../campaigns/variables';
import type { Delivery } from '../delivery';
import type { GrantHolds } from '../grants/holds';
import type { Clock, SendRequest } from '../ports';
import type { TemplateLookup } from '../template/registry';
import type { NotifyRequest, NotifyState } from './model';

export interface NotifyRequestStore {
  get(key: string): Promise<NotifyRequest | null>;
  /** Creates the request; false when one with that key exists (nothing written). */
  insert(r: NotifyRequest): Promise<boolean>;
  /** One conditional write: state `from` → `to`; false when the request was in no state of `from`. */
  transition(key: string, from: readonly NotifyState[], to: NotifyState, now: number): Promise<boolean>;
}

export interface NotifyDeliveries {
  /** Creates those not there yet (deterministic ids: a rerun creates nothing twice). */
  createMissing(docs: readonly Delivery[]): Promise<number>;
  /** The key's parked pending deliveries become due (nextAttemptAt = dueAt): one conditional multi-update. */
  arm(key: string, now: number): Promise<number>;
  /** The key's `pending` deliveries (parked or not) → `cancelled`: one conditional multi-update, atomic per document against a claim. */
  cancelPending(key: string, now: number): Promise<number>;
  /** The key's deliveries (at most 1000: one request's recipients). */
  list(key: string): Promise<(Delivery & { detail?: string })[]>;
}

export interface NotifyDeps {
  clock: Clock;
  templates: Pick<TemplateLookup, 'get'>;
  requests: NotifyRequestStore;
  deliveries: NotifyDeliveries;
  /** Profiles for per-user variables ({{nickname}}, {{attributes.x}}) of these openids. */
  profiles(openids: readonly string[]): Promise<Map<string, UserProfile>>;
  /** Gives back grant units held for a purpose (core/grants/holds.ts) when its deliveries are cancelled. */
  holds: Pick<GrantHolds, 'releasePurpose'>;
  isAdmin(caller: Caller): Promise<boolean>;
  config: { zone: string; miniprogramState: SendRequest['miniprogramState']; lang: SendRequest['lang'] };
}
