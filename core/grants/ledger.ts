// Core (grants): the ledger algorithm over one primitive — an atomic conditional update of one grant document.
//
// De-duplication design:
// 1. Replays of the same observation: every observation carries a token (`c:<requestId>` for a client report,
//    `e:<CreateTime>` for a popup event, `x:<CreateTime>` for a change event). The update that applies it is
//    conditional on the token being absent from the document's `tokens` and pushes it in the same atomic write,
//    so a replayed or concurrently duplicated observation changes nothing. (Request-level claims in `request_log`
//    add a permanent guard beyond the token window; see record.ts.)
// 2. The same tap seen twice (client report + `subscribe_msg_popup_event`): neither carries an id of the other,
//    and time windows either merge distinct taps or split one tap across a boundary. Instead, the n-th client
//    accept and the n-th event accept of one (openid, template) are taken to be the same tap: the ledger grants
//    max(client accepts, event accepts). Two counters hold the difference (only one is ever non-zero):
//    an accept from source S first tries "the other source is ahead" (`otherLead > 0` → otherLead - 1, no grant);
//    else "nobody is ahead of me" (`otherLead == 0` → ownLead + 1, remaining + 1). Each step is one conditional
//    update; when both miss, a concurrent observation of the other source moved in between and we retry. So the
//    count is exact under any interleaving (test/grants/ledger.unit.test.ts checks random schedules).
//    If one source loses a tap (client closed before reporting, push not configured), the other source still
//    counts it; only when both lose different taps does the ledger under-count — the safe direction (no 43101).
// 3. Never negative: `remaining` only moves by +1 (above), by a conditional -1 (a hold, holds.ts: remaining > 0),
//    or to 0. Reservations, refunds and their settlement live in holds.ts; this file owns accepts and zeroes.
import type { Clock } from '../ports';
import { GrantDoc, GrantResult, newGrantDoc, TemplateKind, TOKEN_WINDOW } from './model';

/**
 * Condition on one field: `gt` number, `eq` value, `lacks` = an array field does not contain the value, `has` = it
 * does.
 */
export type FieldCond = { gt: number } | { eq: string | number | boolean } | { lacks: string } | { has: string };
export type Cond = Record<string, FieldCond>;
export interface Change {
  inc?: Record<string, number>;
  set?: Record<string, unknown>;
  /** Append a value to an array field; with `keepLast`, only the newest entries are kept (observation tokens). */
  push?: { field: string; value: string; keepLast?: number };
  /** Remove every occurrence of a value from an array field. */
  pull?: { field: string; value: string };
}

/** The storage primitive the ledger needs (adapters: cloud.database(); tests: in memory). */
export interface GrantDocStore {
  get(id: string): Promise<GrantDoc | null>;
  /** The existing documents among `ids` (any order). */
  getMany(ids: readonly string[]): Promise<GrantDoc[]>;
  /** Creates the document; false when one with that `_id` already exists. */
  insert(doc: GrantDoc): Promise<boolean>;
  /** Atomically applies `change` if the document exists and matches `cond`; true when it did. */
  updateIf(id: string, cond: Cond, change: Change): Promise<boolean>;
  /** `updateIf` on each of `ids` in one request (atomic per document); resolves how many matched. */
  updateManyIf(ids: readonly string[], cond: Cond, change: Change): Promise<number>;
}

export interface ZeroOptions {
  /** Observation token: a replay of the same event (same token) changes nothing. */
  token?: string;
  result?: GrantResult;
  /** Hold token of the send that met 43101: pulled in the same write (holds.ts). */
  release?: string;
  /** Create the document when missing (default true); a server-side zero of a grant that does not exist is moot. */
  create?: boolean;
}

export type AcceptSource = 'client' | 'event';
/** counted: remaining + 1; covered: the other source already counted this tap; duplicate: token seen before. */
export type AcceptOutcome = 'counted' | 'covered' | 'duplicate';

export interface GrantKey {
  openid: string;
  templateId: string;
  kind: TemplateKind;
}

const MAX_ROUNDS = 50;

export class LedgerContention extends Error {
  constructor(id: string) {
    super(`grant ${id}: too much contention`);
    this.name = 'LedgerContention';
  }
}

export function createLedgerCore(store: GrantDocStore, clock: Clock, idOf: (k: GrantKey) => string) {
  async function ensure(key: GrantKey, now = clock.now()): Promise<void> {
    await store.insert(newGrantDoc(key.openid, key.templateId, key.kind, now));
  }

  /** Applies one accept observation (see the design note above). */
  async function applyAccept(key: GrantKey, source: AcceptSource, token: string): Promise<AcceptOutcome> {
    const id = idOf(key);
    const own = source === 'client' ? 'clientLead' : 'eventLead';
    const other = source === 'client' ? 'eventLead' : 'clientLead';
    const seen = source === 'client' ? 'acceptsClient' : 'acceptsEvent';
    const now = clock.now();
    const set: Record<string, unknown> = { lastResult: 'accept', lastResultAt: now, updatedAt: now };
    if (key.kind === 'long-term') set.active = true;
    const push = { field: 'tokens', value: token, keepLast: TOKEN_WINDOW };
    const grant: Record<string, number> = { [own]: 1, [seen]: 1, granted: 1 };
    if (key.kind === 'one-time') grant.remaining = 1;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (await store.updateIf(id, { tokens: { lacks: token }, [other]: { gt: 0 } }, { inc: { [other]: -1, [seen]: 1 }, set, push })) {
        return 'covered';
      }
      if (await store.updateIf(id, { tokens: { lacks: token }, [other]: { eq: 0 } }, { inc: grant, set, push })) {
        return 'counted';
      }
      const doc = await store.get(id);
      if (!doc) await ensure(key, now);
      else if (doc.tokens.includes(token)) return 'duplicate';
      // else: the other source moved between our two steps; go again.
    }
    throw new LedgerContention(id);
  }

  /** Records a non-accept result (reject/ban/filter): no count change. */
  async function recordResult(key: GrantKey, result: Exclude<GrantResult, 'accept'>): Promise<void> {
    const id = idOf(key);
    const now = clock.now();
    const change = { set: { lastResult: result, lastResultAt: now, updatedAt: now } };
    if (await store.updateIf(id, {}, change)) return;
    await ensure(key);
    await store.updateIf(id, {}, change);
  }

  /**
   * Sets remaining to 0 and a long-term grant inactive. With a token, a replay of the same event is a no-op. Holds of
   * other sends stay on the document (they are settled by their own sends, holds.ts); `release` pulls one.
   */
  async function zero(key: GrantKey, reason: string, opts: ZeroOptions = {}): Promise<boolean> {
    const id = idOf(key);
    const now = clock.now();
    // Purpose holds are units of `remaining` set aside: a zero takes them too (WeChat has none left either).
    const set: Record<string, unknown> = { remaining: 0, active: false, purposeHolds: [], lastZeroReason: reason, updatedAt: now };
    if (opts.result) Object.assign(set, { lastResult: opts.result, lastResultAt: now });
    const cond: Cond = opts.token ? { tokens: { lacks: opts.token } } : {};
    const change: Change = { set };
    if (opts.token) change.push = { field: 'tokens', value: opts.token, keepLast: TOKEN_WINDOW };
    if (opts.release) change.pull = { field: 'holds', value: opts.release };
    for (let round = 0; round < 3; round++) {
      if (await store.updateIf(id, cond, change)) return true;
      const doc = await store.get(id);
      if (doc || opts.create === false) return false; // token seen: already applied (or nothing to zero)
      await ensure(key);
    }
    return false;
  }

  async function remaining(key: GrantKey): Promise<number> {
    const doc = await store.get(idOf(key));
    if (!doc) return 0;
    if (doc.kind === 'long-term') return doc.active ? Infinity : 0;
    return Math.max(0, doc.remaining);
  }

  return { applyAccept, recordResult, zero, remaining, get: (key: GrantKey) => store.get(idOf(key)) };
}

export type LedgerCore = ReturnType<typeof createLedgerCore>;
