// Adapters: personal reminders = `deliveries` documents with sourceType 'reminder' (core/reminders/ports.ts).
import type { Delivery } from '../../core/delivery';
import type { ReminderStore } from '../../core/reminders/ports';
import { db, type Doc } from '../db';
import { insertOnce } from './grants-db';

export function createReminderStore(): ReminderStore {
  const deliveries = () => db().collection('deliveries');
  return {
    async get(id) {
      const res = await deliveries().doc(id).get();
      return (res.data as Delivery | null) ?? null;
    },
    insert(d) {
      return insertOnce(deliveries(), d as unknown as Doc & { _id: string });
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
      return res.stats.updated > 0;
    },
  };
}
