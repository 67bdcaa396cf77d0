// Adapters: the `deliveries` collection on cloud.database() (DeliveryStore of core/sending/ports.ts).
// Creation relies on the deterministic `_id`: a second add with the same id fails, so creating twice is a no-op.
import type { Delivery, DeliveryStatus } from '../../core/delivery';
import type { DeliveryPatch, InlineDeliveryStore } from '../../core/sending/ports';
import { db, type Doc } from '../db';
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

export function createDeliveryStore(): InlineDeliveryStore {
  // Claims, marks and settlements are written exactly as the dispatcher's (adapters/stores/queue.ts).
  const queue = createDeliveryQueue();
  return {
    markStarted: queue.markStarted,
    write: queue.write,
    closeHolds: queue.closeHolds,
    async get(id) {
      const res = await db().collection(DELIVERIES).doc(id).get();
      return toDelivery(res.data);
    },
    async create(delivery) {
      try {
        await db().collection(DELIVERIES).add({ data: delivery as unknown as Doc });
        return true;
      } catch (err) {
        // [ADD-DOC] a custom _id must not collide: an existing document means "already created" — anything else is real.
        const existing = await db().collection(DELIVERIES).doc(delivery._id).get().catch(() => ({ data: null }));
        if (existing.data) return false;
        throw err;
      }
    },
    async update(id, patch, expectStatus?: DeliveryStatus) {
      const where: Doc = expectStatus ? { _id: id, status: expectStatus } : { _id: id };
      const res = await db().collection(DELIVERIES).where(where).update({ data: toUpdate(patch) });
      // [UPDATE-DOC] success does not mean a record changed: check stats.updated.
      return res.stats.updated > 0;
    },
  };
}
