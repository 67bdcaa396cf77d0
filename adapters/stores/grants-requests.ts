// Adapters (grants stores): request claims (`request_log`) and per-openid rate limits (`rate_limits`) on
// cloud.database(). Sent receipts: adapters/stores/receipts.ts.
import type { ClaimState, RateLimiter, RequestLog } from '../../core/grants/ports';
import { db, type Doc } from '../db';
import { insertOnce } from './grants-db';

export function createRequestLog(): RequestLog {
  const coll = () => db().collection('request_log');
  return {
    async claim(id, doc): Promise<ClaimState> {
      if (await insertOnce(coll(), { _id: id, ...doc, state: 'open' } as Doc & { _id: string })) return 'new';
      const res = await coll().doc(id).get();
      return (res.data as { state?: string } | null)?.state === 'done' ? 'done' : 'open';
    },
    async finish(id) {
      await coll().doc(id).update({ data: { state: 'done' } });
    },
  };
}

/**
 * Fixed-window counter per (scope, openid, window): `count < limit → count + 1` is one conditional update, so
 * concurrent hits never exceed the limit; the window's first hit creates the document with a unique `_id` insert.
 */
export function createRateLimiter(): RateLimiter {
  const coll = () => db().collection('rate_limits');
  return {
    async hit(openid, scope, limit, windowMs, now) {
      if (limit <= 0) return false;
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const id = `rl:${scope}:${openid}:${windowStart}`;
      const _ = db().command;
      for (let round = 0; round < 3; round++) {
        const res = await coll().where({ _id: id, count: _.lt(limit) }).update({ data: { count: _.inc(1) } });
        if (res.stats.updated > 0) return true;
        const doc = { _id: id, openid, scope, count: 1, windowStart, expiresAt: windowStart + windowMs };
        if (await insertOnce(coll(), doc)) return true;
        const existing = await coll().doc(id).get();
        if (((existing.data as { count?: number } | null)?.count ?? 0) >= limit) return false;
      }
      return false;
    },
  };
}
