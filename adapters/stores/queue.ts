// Adapters (dispatch): the `deliveries` queue on cloud.database() — candidates, atomic batch claims, wave marks,
// grouped result writes, expired leases (DeliveryQueue of core/dispatch/ports.ts). One round trip per method
// unless noted. Conditional multi-updates: [UPDATE-DOC] `where().update()` updates every match, atomically per doc.
import type { DeliveryQueue, DeliveryWrite, QueueDelivery } from '../../core/dispatch/ports';
import { db, type Doc } from '../db';
import { ensureCollection } from './queue-util';

const DELIVERIES = 'deliveries';
const SEND_LOG = 'send_log';
/** [LIMIT-DOC] [CBDB-SRC] a server-side get returns at most 1000 documents. */
const MAX_GET = 1000;
/** An inline send (core/sending/send-now.ts) has no lease: give it this long before its `sending` counts as stale. */
const UNLEASED_STALE_MS = 10 * 60_000;

export function toUpdate(w: DeliveryWrite): Doc {
  const _ = db().command;
  const data: Doc = { ...w.set };
  for (const [k, n] of Object.entries(w.inc ?? {})) data[k] = _.inc(n);
  for (const k of w.unset ?? []) data[k] = _.remove();
  return data;
}

function expiredWhere(now: number): Doc {
  const _ = db().command;
  return _.or([{ leaseUntil: _.lt(now) }, { leaseUntil: _.exists(false), updatedAt: _.lt(now - UNLEASED_STALE_MS) }]) as unknown as Doc;
}

export function createDeliveryQueue(): DeliveryQueue {
  const coll = () => db().collection(DELIVERIES);
  const _ = () => db().command;
  const existingIds = async (ids: string[]): Promise<Set<string>> => {
    const res = await coll().where({ _id: _().in(ids) }).field({ _id: true }).limit(MAX_GET).get();
    return new Set(res.data.map((d) => String(d._id)));
  };

  return {
    async createMissing(docs) {
      if (!docs.length) return 0;
      const data = docs as unknown as Doc[];
      try {
        // Optimistic: a fresh page has no deliveries yet — one batch insert ([ADD-DOC] add with an array).
        await coll().add({ data: data as unknown as Doc });
        return docs.length;
      } catch {
        // A rerun page (the run before died after inserting): a duplicate `_id` fails the whole batch. Insert
        // only what is missing; a concurrent creator can still win a document, which is fine (same content).
        const have = await existingIds(docs.map((d) => d._id));
        const missing = docs.filter((d) => !have.has(d._id));
        if (!missing.length) return 0;
        try {
          await coll().add({ data: missing as unknown as Doc });
          return missing.length;
        } catch {
          let n = 0;
          for (const d of missing) n += await coll().add({ data: d as unknown as Doc }).then(() => 1, () => 0);
          return n;
        }
      }
    },

    async candidates(now, campaignIds, limit) {
      const c = _();
      const due = { status: 'pending', dueAt: c.lte(now), nextAttemptAt: c.lte(now) };
      if (campaignIds === null) {
        // Reminders and outbox entries, earliest due first. `sourceType` leads the query: behind a big campaign most
        // pending deliveries are the campaign's (index proposal: sourceType + status + dueAt).
        const res = await coll().where({ sourceType: c.neq('campaign'), ...due }).orderBy('dueAt', 'asc').limit(limit).get();
        return res.data as unknown as QueueDelivery[];
      }
      if (!campaignIds.length) return [];
      const sourceId = campaignIds.length === 1 ? campaignIds[0] : c.in([...campaignIds]);
      const res = await coll().where({ ...due, sourceId, sourceType: 'campaign' }).limit(limit).get();
      return res.data as unknown as QueueDelivery[];
    },

    async claim(ids, k) {
      if (!ids.length) return 0;
      const c = _();
      const res = await coll()
        .where({ _id: c.in([...ids]), status: 'pending', dueAt: c.lte(k.now), nextAttemptAt: c.lte(k.now) })
        .update({ data: { status: 'sending', leaseOwner: k.runId, leaseUntil: k.leaseUntil, claimToken: k.token, claimedAt: k.now, updatedAt: k.now, sendStartedAt: c.remove() } });
      return res.stats.updated;
    },

    async claimed(token) {
      const res = await coll().where({ claimToken: token, status: 'sending' }).limit(MAX_GET).get();
      return res.data as unknown as QueueDelivery[];
    },

    async markStarted(ids, runId, now) {
      await coll().where({ _id: _().in([...ids]), status: 'sending', leaseOwner: runId }).update({ data: { sendStartedAt: now } });
    },

    async write(ids, runId, w) {
      const res = await coll().where({ _id: _().in([...ids]), status: 'sending', leaseOwner: runId }).update({ data: toUpdate(w) });
      return res.stats.updated;
    },

    async expired(now, limit) {
      const res = await coll().where(_().and([{ status: 'sending' }, expiredWhere(now)]) as unknown as Doc).limit(limit).get();
      return res.data as unknown as QueueDelivery[];
    },

    async settleExpired(ids, now, w) {
      const where = _().and([{ _id: _().in([...ids]), status: 'sending' }, expiredWhere(now)]) as unknown as Doc;
      const res = await coll().where(where).update({ data: toUpdate(w) });
      return res.stats.updated;
    },

    async recentCampaignSends(openids, since) {
      const c = _();
      // Sent in the window, or possibly sent (in flight / unknown) recently: both count against the cap.
      const recent = c.or([{ status: 'sent', sentAt: c.gte(since) }, { status: c.in(['sending', 'unknown']), updatedAt: c.gte(since) }]);
      const res = await coll()
        .where(c.and([{ openid: c.in([...openids]), sourceType: 'campaign' }, recent]) as unknown as Doc)
        .field({ openid: true, sentAt: true, updatedAt: true })
        .limit(MAX_GET)
        .get();
      return res.data.map((d) => ({ _id: String(d._id), openid: String(d.openid), at: Number(d.sentAt ?? d.updatedAt) }));
    },

    async logSends(runId, items, now) {
      const doc = { runId, at: now, items };
      await ensureCollection(SEND_LOG, () => db().collection(SEND_LOG).add({ data: doc }));
    },
  };
}

