// Adapters (grants stores): the append-only `consent_log` collection (deterministic ids: a retry logs once), the
// consent history queries (core/grants/history.ts) and the retention setting (config/tixing.json
// `consent.retentionDays`): entries older than that are purged on write, at most once an hour per container, and by
// the dispatcher's janitor run (a bounded page every `janitorMs`, adapters/ops.ts) even when nothing is written.
import type { ConsentQueries } from '../../core/grants/history';
import type { ConsentEntry, ConsentLog } from '../../core/grants/ports';
import { appConfig } from '../runtime';
import { db, type Doc } from '../db';
import { orIfMissing } from '../db-errors';
import { insertOnce, removeWhere } from './grants-db';

const COLLECTION = 'consent_log';
const DAY_MS = 86_400_000;
/** How often one warm container purges at most (a purge is one multi-document remove). */
export const PURGE_EVERY_MS = 3_600_000;

/** config/tixing.json `consent.retentionDays` for this environment (core/config.ts; default 730 days). */
export function retentionDays(): number {
  return appConfig().consent.retentionDays;
}

let lastPurgeAt = Number.NEGATIVE_INFINITY;

/** Removes every entry older than the retention (any user). Idempotent; resolves how many it removed. */
export async function purgeExpiredConsent(now: number, days = retentionDays()): Promise<number> {
  const _ = db().command;
  return removeWhere(COLLECTION, { at: _.lt(now - days * DAY_MS) });
}

/**
 * One bounded page of the retention purge (the dispatcher's janitor, adapters/ops.ts `housekeep`): removes at most
 * `limit` entries older than the retention — ids read first, then removed by id, so each call's work is bounded.
 * Idempotent (a removed entry is not found again); `more` when a full page was removed (older ones may be left).
 */
export async function purgeExpiredConsentPage(now: number, limit: number, days = retentionDays()): Promise<{ removed: number; more: boolean }> {
  const _ = db().command;
  const coll = () => db().collection(COLLECTION);
  const old = await orIfMissing(() => coll().where({ at: _.lt(now - days * DAY_MS) }).limit(limit).field({ _id: true }).get(), { data: [] as Doc[] });
  const ids = old.data.map((d) => d._id);
  if (ids.length === 0) return { removed: 0, more: false };
  const removed = await removeWhere(COLLECTION, { _id: _.in(ids) });
  return { removed, more: ids.length >= limit };
}

export function createConsentLog(opts: { now?: () => number } = {}): ConsentLog {
  const now = opts.now ?? (() => Date.now());
  return {
    async append(entries) {
      const coll = db().collection(COLLECTION);
      await Promise.all(entries.map((e) => insertOnce(coll, e as unknown as Doc & { _id: string })));
      const t = now();
      if (t - lastPurgeAt >= PURGE_EVERY_MS) {
        lastPurgeAt = t;
        await purgeExpiredConsent(t);
      }
    },
  };
}

export function createConsentQueries(): ConsentQueries {
  return {
    async history(openid, cursor, limit) {
      const _ = db().command;
      const where = cursor ? _.and([{ openid }, _.or([{ at: _.lt(cursor.at) }, { at: cursor.at, _id: _.lt(cursor.id) }])]) : { openid };
      const res = await orIfMissing(
        () => db().collection(COLLECTION).where(where as unknown as Doc).orderBy('at', 'desc').orderBy('_id', 'desc').limit(limit).get(),
        { data: [] as Doc[] },
      );
      return res.data as unknown as ConsentEntry[];
    },
  };
}
