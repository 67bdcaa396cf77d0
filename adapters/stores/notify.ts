// Adapters: the notify requests (`notify_requests`, _id = the caller's key) and the key's deliveries on
// cloud.database() (NotifyRequestStore / NotifyDeliveries of core/notify/ports.ts). One round trip per method.
// Conditional multi-updates: [UPDATE-DOC] `where().update()` updates every match, atomically per document.
import type { Delivery } from '../../core/delivery';
import { PARKED, type NotifyRequest } from '../../core/notify/model';
import { createScheduleWake, type ScheduleWake } from '../wake';
import type { NotifyDeliveries, NotifyRequestStore } from '../../core/notify/ports';
import { db, type Doc } from '../db';
import { orIfMissing } from '../db-errors';
import { insertOnce } from './grants-db';
import { createDeliveryQueue } from './queue';
import { ensureCollection } from './queue-util';

export const NOTIFY_REQUESTS = 'notify_requests';
const DELIVERIES = 'deliveries';
/** [LIMIT-DOC] [CBDB-SRC] a server-side get returns at most 1000 documents (one request has at most 1000 recipients). */
const MAX_GET = 1000;

export function createNotifyRequestStore(): NotifyRequestStore {
  const coll = () => db().collection(NOTIFY_REQUESTS);
  return {
    async get(key) {
      const res = await orIfMissing(() => coll().doc(key).get(), { data: null });
      return (res.data as NotifyRequest | null) ?? null;
    },
    insert(r) {
      return ensureCollection(NOTIFY_REQUESTS, () => insertOnce(coll(), r as unknown as Doc & { _id: string }));
    },
    async transition(key, from, to, now) {
      const _ = db().command;
      const set: Doc = { state: to, updatedAt: now };
      if (to === 'cancelled') set.cancelledAt = now;
      const res = await coll().where({ _id: key, state: from.length === 1 ? from[0] : _.in([...from]) }).update({ data: set });
      return res.stats.updated > 0;
    },
  };
}

export function createNotifyDeliveries(wake: ScheduleWake = createScheduleWake()): NotifyDeliveries {
  const coll = () => db().collection(DELIVERIES);
  const queue = createDeliveryQueue();
  const ofKey = (key: string): Doc => ({ sourceType: 'notify', sourceId: key });
  return {
    createMissing: (docs) => queue.createMissing(docs),
    async arm(key, now) {
      // Every delivery of one request has the request's dueAt: read it from the request's first parked delivery.
      const parked = await coll().where({ ...ofKey(key), status: 'pending', nextAttemptAt: PARKED }).field({ dueAt: true }).limit(1).get();
      const first = parked.data[0];
      if (!first) return 0;
      const res = await coll().where({ ...ofKey(key), status: 'pending', nextAttemptAt: PARKED }).update({ data: { nextAttemptAt: Number(first.dueAt), updatedAt: now } });
      // Work first, then the wake (adapters/wake.ts): dispatch runs by the due time. This function has no cloud-call
      // token ([CB-WXTOKEN]), so it only lowers the wake state; the client (client/notify.ts) arms the wake-up.
      if (res.stats.updated > 0) await wake(Number(first.dueAt));
      return res.stats.updated;
    },
    async cancelPending(key, now) {
      const res = await coll().where({ ...ofKey(key), status: 'pending' }).update({ data: { status: 'cancelled', reason: 'cancelled', updatedAt: now } });
      return res.stats.updated;
    },
    async list(key) {
      const res = await coll().where(ofKey(key)).limit(MAX_GET).get();
      return res.data as unknown as (Delivery & { detail?: string })[];
    },
  };
}
