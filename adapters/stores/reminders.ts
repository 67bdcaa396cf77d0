// Adapters: personal reminders = `deliveries` documents with sourceType 'reminder' (core/reminders/ports.ts).
import type { Delivery } from '../../core/delivery';
import type { ReminderStore } from '../../core/reminders/ports';
import { db, type Doc } from '../db';
import { createScheduleWake, type ScheduleWake } from '../wake';
import { insertOnce } from './grants-db';

/** `wake`: adapters/wake.ts — called after a pending reminder is written (created, or created before and retried). */
export function createReminderStore(wake: ScheduleWake = createScheduleWake()): ReminderStore {
  const deliveries = () => db().collection('deliveries');
  return {
    async get(id) {
      const res = await deliveries().doc(id).get();
      return (res.data as Delivery | null) ?? null;
    },
    async insert(d) {
      const created = await insertOnce(deliveries(), d as unknown as Doc & { _id: string });
      // Work first, then the wake — also when it existed already (a retried call whose first attempt died before it).
      if (d.status === 'pending') await wake(d.nextAttemptAt);
      return created;
    },
    async listByOpenid(openid, limit) {
      const res = await deliveries().where({ openid, sourceType: 'reminder' }).orderBy('dueAt', 'desc').limit(limit).get();
      return res.data as unknown as Delivery[];
    },
    async countOpen(openid, templateId) {
      const _ = db().command;
      const res = await deliveries().where({ openid, templateId, status: _.in(['pending', 'sending']) }).count();
      return res.total;
    },
    async cancel(id, openid, now) {
      // pending → cancelled (core/delivery.ts transitions), in one conditional update: a dispatcher claiming it
      // (pending → sending) at the same moment makes exactly one of the two win.
      const res = await deliveries()
        .where({ _id: id, openid, sourceType: 'reminder', status: 'pending' })
        .update({ data: { status: 'cancelled', reason: 'cancelled_by_user', updatedAt: now } });
      return res.stats.updated > 0;
    },
    async reschedule(id, openid, dueAt, now) {
      const res = await deliveries()
        .where({ _id: id, openid, sourceType: 'reminder', status: 'pending' })
        .update({ data: { dueAt, nextAttemptAt: dueAt, updatedAt: now } });
      if (res.stats.updated > 0) await wake(dueAt);
      return res.stats.updated > 0;
    },
  };
}
