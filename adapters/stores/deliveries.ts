// Adapters: the `deliveries` collection on cloud.database() (DeliveryStore of core/sending/ports.ts).
// Creation relies on the deterministic `_id`: a second add with the same id fails, so creating twice is a no-op.
import type { Delivery, DeliveryStatus } from '../../core/delivery';
import type { DeliveryPatch, InlineDeliveryStore } from '../../core/sending/ports';
import { db, type Doc } from '../db';
import { createScheduleWake, type ScheduleWake } from '../wake';
import { createDeliveryQueue } from './queue';

export const DELIVERIES = 'deliveries';

function toDelivery(raw: Doc | null | undefined): Delivery | null {
  if (!raw || typeof raw._id !== 'string') return null;
  return raw as unknown as Delivery;
}

/** `null` in a patch removes the field (db.command.remove()); undefined entries are ignored. */
function toUpdate(patch: DeliveryPatch): Doc {
  const _ = db().command;
  const data: Doc = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || k === '_id') continue;
    data[k] = v === null ? _.remove() : v;
  }
  return data;
}

/**
 * `wake` (adapters/wake.ts) is called after a write leaves a delivery `pending` for the dispatcher: an outbox entry,
 * an inline send's retry or requeue.
 */
export function createDeliveryStore(wake: ScheduleWake = createScheduleWake()): InlineDeliveryStore {
  // Claims, marks and settlements are written exactly as the dispatcher's (adapters/stores/queue.ts).
  const queue = createDeliveryQueue();
  return {
    markStarted: queue.markStarted,
    async write(ids, owner, w) {
      const n = await queue.write(ids, owner, w);
      if (n > 0 && w.set.status === 'pending') await wake(typeof w.set.nextAttemptAt === 'number' ? w.set.nextAttemptAt : Date.now());
      return n;
    },
    closeHolds: queue.closeHolds,
    async get(id) {
      const res = await db().collection(DELIVERIES).doc(id).get();
      return toDelivery(res.data);
    },
    async create(delivery) {
      let created: boolean;
      try {
        await db().collection(DELIVERIES).add({ data: delivery as unknown as Doc });
        created = true;
      } catch (err) {
        // [ADD-DOC] a custom _id must not collide: an existing document means "already created" — anything else is real.
        const existing = await db().collection(DELIVERIES).doc(delivery._id).get().catch(() => ({ data: null }));
        if (!existing.data) throw err;
        created = false;
      }
      // Work first, then the wake (also for an existing one: a retried caller whose first attempt died before it).
      if (delivery.status === 'pending') await wake(delivery.nextAttemptAt);
      return created;
    },
    async update(id, patch, expectStatus?: DeliveryStatus) {
      const where: Doc = expectStatus ? { _id: id, status: expectStatus } : { _id: id };
      const res = await db().collection(DELIVERIES).where(where).update({ data: toUpdate(patch) });
      if (res.stats.updated > 0 && patch.status === 'pending') await wake(typeof patch.nextAttemptAt === 'number' ? patch.nextAttemptAt : Date.now());
      // [UPDATE-DOC] success does not mean a record changed: check stats.updated.
      return res.stats.updated > 0;
    },
  };
}
