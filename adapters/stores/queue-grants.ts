// Adapters (dispatch): bulk grant reservations with hold tokens on the `grants` documents of issue 3 (GrantHolds of
// core/dispatch/ports.ts). A hold token on the grant says "this claim took one send": refunds are conditional on it
// and pull it, so a refund never applies twice, and a dead run's reservations can be found and given back.
import type { GrantLedger } from '../../core/ports';
import type { GrantHolds, GrantState } from '../../core/dispatch/ports';
import { grantId } from '../../core/grants/model';
import { db } from '../db';

const GRANTS = 'grants';

export function createGrantHolds(ledger: Pick<GrantLedger, 'zero'>, holdWindow: number): GrantHolds {
  const coll = () => db().collection(GRANTS);
  const _ = () => db().command;
  return {
    async reserve(ids, token, now) {
      if (!ids.length) return 0;
      const c = _();
      // Atomic per document: remaining > 0 → remaining − 1 (never negative), and the token joins the bounded holds.
      const res = await coll()
        .where({ _id: c.in([...ids]), kind: 'one-time', remaining: c.gt(0) })
        .update({ data: { remaining: c.inc(-1), holds: c.push({ each: [token], slice: -holdWindow }), updatedAt: now } });
      return res.stats.updated;
    },
    async read(ids) {
      if (!ids.length) return [];
      const res = await coll().where({ _id: _().in([...ids]) }).field({ kind: true, remaining: true, active: true, holds: true }).limit(1000).get();
      return res.data as unknown as GrantState[];
    },
    async refund(ids, token, now) {
      if (!ids.length) return 0;
      const c = _();
      const res = await coll()
        .where({ _id: c.in([...ids]), kind: 'one-time', holds: token })
        .update({ data: { remaining: c.inc(1), holds: c.pull(token), updatedAt: now } });
      return res.stats.updated;
    },
    async zero(openid, templateId, token, reason) {
      // [SEND-NEW-MIRROR] 43101: WeChat says no grant. Zero and drop our hold in one write, then let the ledger
      // record it (consent log); the ledger's own zero is idempotent.
      const data: Record<string, unknown> = { remaining: 0, active: false, lastZeroReason: reason, updatedAt: Date.now() };
      if (token) data.holds = _().pull(token);
      await coll().doc(grantId(openid, templateId)).update({ data });
      await ledger.zero(openid, templateId, reason);
    },
  };
}
