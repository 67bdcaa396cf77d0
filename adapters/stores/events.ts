// Adapters: the `events` collection (demo 活动 for the reminders page) on cloud.database().
import type { EventDoc, EventStore } from '../../core/events';
import { db, type Doc } from '../db';

export function createEventStore(): EventStore {
  const events = () => db().collection('events');
  return {
    async get(id) {
      const res = await events().doc(id).get();
      return (res.data as EventDoc | null) ?? null;
    },
    async upcoming(now, limit) {
      const _ = db().command;
      const res = await events().where({ startAt: _.gt(now) }).orderBy('startAt', 'asc').limit(limit).get();
      return res.data as unknown as EventDoc[];
    },
    async upsert(doc) {
      const { _id, ...data } = doc;
      await events().doc(_id).set({ data: data as unknown as Doc });
    },
  };
}
