// Core (grants): holds — the only code that reserves, refunds or consumes a one-time send. A reservation takes one
// from `remaining` and records the reserving claim's token in the grant's `holds`; every reservation is settled
// exactly once and explicitly, never evicted:
//
//   refund  — WeChat certainly did not send (it answered an error, or the send never started): remaining + 1
//   consume — the message was sent, or may have been (no answer): the send stays used
//   zero    — WeChat answered 43101 (no grant): remaining → 0 (through the ledger's zero, one write)
//
// Each settlement is conditional on the token still being held and pulls it in the same atomic write, so a retried or
// concurrent settlement applies once. A token on the grant therefore means "this claim reserved here and nobody has
// settled it yet" — the evidence core/dispatch/recover.ts reads after a run died.
//
// Purpose holds (`purposeHolds`, tokens `p:<purpose>`) are the long-lived kind: a tap recorded for a purpose (a
// reminder, a notify purpose such as `order:123`) takes one unit out of `remaining` for it (`holdFor`). Campaigns
// reserve only from `remaining`, so they never spend a held unit. The send serving that purpose turns the purpose
// hold into its claim hold in one write (`usePurpose`: pull `p:…`, push the claim token — `remaining` unchanged),
// and from there it is settled like any other; cancelling the purpose gives the unit back (`releasePurpose`).
//
// Tokens are per claim batch (one conditional multi-update reserves a whole batch); a batch holds at most one
// delivery per openid, so at most one delivery per grant shares a token.
import type { Clock } from '../ports';
import type { GrantDocStore, LedgerCore } from './ledger';
import { grantId, type GrantDoc } from './model';
import type { ConsentLog } from './ports';

/** What the send path reads of a grant document. */
export type GrantState = Pick<GrantDoc, '_id' | 'kind' | 'remaining' | 'active' | 'holds' | 'purposeHolds'>;

export interface GrantHolds {
  /** One-time grants with remaining > 0 not yet holding `token`: remaining − 1, `token` joins holds. Resolves how many. */
  reserve(ids: readonly string[], token: string): Promise<number>;
  read(ids: readonly string[]): Promise<GrantState[]>;
  /** Grants holding `token`: remaining + 1, token pulled. Resolves how many. */
  refund(ids: readonly string[], token: string): Promise<number>;
  /** Grants holding `token`: token pulled (the send is spent). Resolves how many. */
  consume(ids: readonly string[], token: string): Promise<number>;
  /** Holds one unit of each one-time grant for `purpose` (remaining − 1, once per purpose). Resolves how many. */
  holdFor(ids: readonly string[], purpose: string): Promise<number>;
  /** The unit held for `purpose` becomes claim `token`'s hold (one atomic write); false when none is held. */
  usePurpose(id: string, purpose: string, token: string): Promise<boolean>;
  /**
   * A send that used a purpose's unit goes back to the queue (a retry): the unit held by `token` returns to the
   * purpose, not to the free pool (pull the token, push `p:<purpose>`). Grants already holding that purpose again
   * are not matched: a plain `refund` after this settles them. Resolves how many.
   */
  refundToPurpose(ids: readonly string[], token: string, purpose: string): Promise<number>;
  /** Gives back the units held for `purpose` (remaining + 1). Resolves how many. */
  releasePurpose(ids: readonly string[], purpose: string): Promise<number>;
  /** [SEND-NEW-MIRROR] 43101: remaining → 0 (long-term: inactive), `token` pulled; logged to consent_log. */
  zero(openid: string, templateId: string, token: string | undefined, reason: string): Promise<void>;
}

export interface HoldsDeps {
  store: GrantDocStore;
  ledger: Pick<LedgerCore, 'zero'>;
  consent: ConsentLog;
  clock: Clock;
}

/** The token a purpose's hold is recorded under on the grant. */
export const purposeToken = (purpose: string): string => `p:${purpose}`;

/** Whether `token` holds a one-time send on this grant (unsettled reservation). */
export function holdsToken(g: GrantState | undefined, token: string | undefined): boolean {
  return token !== undefined && g?.kind === 'one-time' && (g.holds ?? []).includes(token);
}

export function createGrantHolds(deps: HoldsDeps): GrantHolds {
  const { store, clock } = deps;
  const stamp = () => ({ updatedAt: clock.now() });
  return {
    async reserve(ids, token) {
      if (!ids.length) return 0;
      // Never negative: the condition and the decrement are one atomic write per document.
      const cond = { kind: { eq: 'one-time' }, remaining: { gt: 0 }, holds: { lacks: token } } as const;
      return store.updateManyIf(ids, cond, { inc: { remaining: -1 }, push: { field: 'holds', value: token }, set: stamp() });
    },
    async read(ids) {
      if (!ids.length) return [];
      return store.getMany(ids);
    },
    async refund(ids, token) {
      if (!ids.length) return 0;
      return store.updateManyIf(ids, { holds: { has: token } }, { inc: { remaining: 1 }, pull: { field: 'holds', value: token }, set: stamp() });
    },
    async consume(ids, token) {
      if (!ids.length) return 0;
      return store.updateManyIf(ids, { holds: { has: token } }, { pull: { field: 'holds', value: token }, set: stamp() });
    },
    async holdFor(ids, purpose) {
      if (!ids.length) return 0;
      const p = purposeToken(purpose);
      const cond = { kind: { eq: 'one-time' }, remaining: { gt: 0 }, purposeHolds: { lacks: p } } as const;
      return store.updateManyIf(ids, cond, { inc: { remaining: -1 }, push: { field: 'purposeHolds', value: p }, set: stamp() });
    },
    async usePurpose(id, purpose, token) {
      const p = purposeToken(purpose);
      return store.updateIf(id, { purposeHolds: { has: p }, holds: { lacks: token } }, { pull: { field: 'purposeHolds', value: p }, push: { field: 'holds', value: token }, set: stamp() });
    },
    async refundToPurpose(ids, token, purpose) {
      if (!ids.length) return 0;
      const p = purposeToken(purpose);
      return store.updateManyIf(ids, { holds: { has: token }, purposeHolds: { lacks: p } }, { pull: { field: 'holds', value: token }, push: { field: 'purposeHolds', value: p }, set: stamp() });
    },
    async releasePurpose(ids, purpose) {
      if (!ids.length) return 0;
      const p = purposeToken(purpose);
      return store.updateManyIf(ids, { purposeHolds: { has: p } }, { inc: { remaining: 1 }, pull: { field: 'purposeHolds', value: p }, set: stamp() });
    },
    async zero(openid, templateId, token, reason) {
      // The kind matters only when creating a document; a grant that does not exist has nothing to zero.
      const key = { openid, templateId, kind: 'one-time' as const };
      const changed = await deps.ledger.zero(key, reason, { ...(token ? { release: token } : {}), create: false });
      if (!changed) return;
      const at = clock.now();
      await deps.consent.append([
        { _id: `z:${openid}:${templateId}:${at}`, openid, templateId, result: 'zero', placement: null, source: 'server', ledger: 'zero', reason, at },
      ]);
    },
  };
}

/** The grant document a delivery reserves on. */
export const grantOf = (d: { openid: string; templateId: string }): string => grantId(d.openid, d.templateId);

/**
 * Makes sure one send of (openid, template) is kept for `purpose`: holds a free unit, or finds one already held (a
 * retried call, or the tap was recorded with this purpose). `usable` = an active long-term subscription (nothing to
 * hold). `none` = no free unit: nothing was changed.
 */
export async function ensurePurposeHold(
  holds: Pick<GrantHolds, 'holdFor' | 'read'>,
  openid: string,
  templateId: string,
  purpose: string,
): Promise<'held' | 'usable' | 'none'> {
  const id = grantId(openid, templateId);
  if ((await holds.holdFor([id], purpose)) > 0) return 'held';
  const [g] = await holds.read([id]);
  if (g?.purposeHolds?.includes(purposeToken(purpose))) return 'held';
  if (g?.kind === 'long-term' && g.active) return 'usable';
  return 'none';
}
