// Adapters (dispatch): the `deliveries` queue on cloud.database() — candidates, atomic batch claims, wave marks,
// grouped result writes, expired leases (DeliveryQueue of core/dispatch/ports.ts). One round trip per method
// unless noted. Conditional multi-updates: [UPDATE-DOC] `where().update()` updates every match, atomically per doc.
import type { CampaignLoad, DeliveryQueue } from '../../core/dispatch/ports';
import type { Delivery, DeliveryWrite } from '../../core/delivery';
import { db, type Doc } from '../db';
import { dbErrorKind } from '../db-errors';
import { ensureCollection } from './queue-util';

const DELIVERIES = 'deliveries';
const SEND_LOG = 'send_log';
/** [LIMIT-DOC] [CBDB-SRC] a server-side get returns at most 1000 documents. */
const MAX_GET = 1000;
/** A `sending` document written before claims carried leases: give it this long before it counts as stale. */
const UNLEASED_STALE_MS = 10 * 60_000;

export function toUpdate(w: DeliveryWrite): Doc {
  const _ = db().command;
  const data: Doc = { ...w.set };
  for (const [k, v] of Object.entries(data)) if (v !== null && typeof v === 'object') data[k] = _.set(v);
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
      // Only a duplicate `_id` is expected here; anything else is a real failure and must stop the expansion (the
      // cursor does not move, so the page is redone) rather than lose recipients.
      const duplicateOnly = (err: unknown) => {
        if (dbErrorKind(err) !== 'duplicate') throw err;
      };
      try {
        // Optimistic: a fresh page has no deliveries yet — one batch insert ([ADD-DOC] add with an array).
        await coll().add({ data: data as unknown as Doc });
        return docs.length;
      } catch (err) {
        duplicateOnly(err);
      }
      // A rerun page (the run before died after inserting): a duplicate `_id` fails the whole batch. Insert only what
      // is missing; a concurrent creator can still win a document, which is fine (same content).
      const have = await existingIds(docs.map((d) => d._id));
      const missing = docs.filter((d) => !have.has(d._id));
      if (!missing.length) return 0;
      try {
        await coll().add({ data: missing as unknown as Doc });
        return missing.length;
      } catch (err) {
        duplicateOnly(err);
      }
      let n = 0;
      for (const d of missing) {
        try {
          await coll().add({ data: d as unknown as Doc });
          n += 1;
        } catch (err) {
          duplicateOnly(err);
        }
      }
      return n;
    },

    async candidates(now, campaignIds, limit, slot) {
      const c = _();
      const due = { status: 'pending', dueAt: c.lte(now), nextAttemptAt: c.lte(now) };
      if (campaignIds === null) {
        // Reminders and outbox entries, earliest due first. `sourceType` leads the query: behind a big campaign most
        // pending deliveries are the campaign's (index proposal: sourceType + status + dueAt).
        const res = await coll().where({ sourceType: c.neq('campaign'), ...due }).orderBy('dueAt', 'asc').limit(limit).get();
        return res.data as unknown as Delivery[];
      }
      if (!campaignIds.length) return [];
      const sourceId = campaignIds.length === 1 ? campaignIds[0] : c.in([...campaignIds]);
      // Index source_status_slot (sourceId, status, slot) serves both looks: with a slot and without.
      const res = await coll().where({ ...due, sourceId, sourceType: 'campaign', ...(slot === undefined ? {} : { slot }) }).limit(limit).get();
      return res.data as unknown as Delivery[];
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
      return res.data as unknown as Delivery[];
    },

    async markStarted(ids, runId, now) {
      await coll().where({ _id: _().in([...ids]), status: 'sending', leaseOwner: runId }).update({ data: { sendStartedAt: now } });
    },

    async write(ids, owner, w) {
      if (!ids.length) return 0;
      const res = await coll().where({ _id: _().in([...ids]), status: 'sending', leaseOwner: owner }).update({ data: toUpdate(w) });
      return res.stats.updated;
    },

    async closeHolds(ids) {
      if (!ids.length) return 0;
      const c = _();
      const res = await coll().where({ _id: c.in([...ids]), holdOpen: true }).update({ data: { holdOpen: c.remove(), claimToken: c.remove() } });
      return res.stats.updated;
    },

    async openHolds(before, limit) {
      const res = await coll().where({ holdOpen: true, updatedAt: _().lt(before) }).limit(Math.min(limit, MAX_GET)).get();
      return res.data as unknown as Delivery[];
    },

    async expired(now, limit) {
      const res = await coll().where(_().and([{ status: 'sending' }, expiredWhere(now)]) as unknown as Doc).limit(limit).get();
      return res.data as unknown as Delivery[];
    },

    async settleExpired(ids, now, w) {
      const where = _().and([{ _id: _().in([...ids]), status: 'sending' }, expiredWhere(now)]) as unknown as Doc;
      const res = await coll().where(where).update({ data: toUpdate(w) });
      return res.stats.updated;
    },

    async nextPending(campaignIds) {
      const c = _();
      if (campaignIds !== null && !campaignIds.length) return undefined;
      const where = campaignIds === null ? { sourceType: c.neq('campaign'), status: 'pending' } : { sourceId: campaignIds.length === 1 ? campaignIds[0] : c.in([...campaignIds]), status: 'pending' };
      // nextAttemptAt ≥ dueAt always (core/delivery.ts: created equal; retries and requeues only move it later).
      const res = await coll().where(where).orderBy('nextAttemptAt', 'asc').limit(1).field({ nextAttemptAt: true, dueAt: true }).get();
      const d = res.data[0];
      return d ? Math.max(Number(d.nextAttemptAt ?? 0), Number(d.dueAt ?? 0)) : undefined;
    },

    async nextLeaseEnd() {
      const res = await coll().where({ status: 'sending' }).orderBy('leaseUntil', 'asc').limit(1).field({ leaseUntil: true, updatedAt: true }).get();
      const d = res.data[0];
      if (!d) return undefined;
      return typeof d.leaseUntil === 'number' ? d.leaseUntil : Number(d.updatedAt ?? 0) + UNLEASED_STALE_MS;
    },

    async oldestOpenHold() {
      const res = await coll().where({ holdOpen: true }).orderBy('updatedAt', 'asc').limit(1).field({ updatedAt: true }).get();
      const d = res.data[0];
      return d ? Number(d.updatedAt ?? 0) : undefined;
    },

    async campaignLoad(openids, since) {
      const c = _();
      // Sent in the window, possibly sent (unknown) in the window, or in flight now (whatever its age).
      const counts = c.or([{ status: 'sent', sentAt: c.gte(since) }, { status: 'unknown', updatedAt: c.gte(since) }, { status: 'sending' }]);
      const res = await coll()
        .where(c.and([{ openid: c.in([...openids]), sourceType: 'campaign' }, counts]) as unknown as Doc)
        .field({ openid: true, status: true, sentAt: true, updatedAt: true, claimedAt: true })
        .limit(MAX_GET)
        .get();
      return res.data.map((d): CampaignLoad => {
        const status = d.status as CampaignLoad['status'];
        const at = status === 'sent' ? d.sentAt : status === 'sending' ? (d.claimedAt ?? d.updatedAt) : d.updatedAt;
        return { _id: String(d._id), openid: String(d.openid), status, at: Number(at) };
      });
    },

    async logSends(runId, items, now) {
      const doc = { runId, at: now, items };
      await ensureCollection(SEND_LOG, () => db().collection(SEND_LOG).add({ data: doc }));
    },
  };
}

