// Adapters (dispatch): campaigns and audiences as the dispatcher sees them, on cloud.database() — conditional
// promotion, expansion lease and cursor, counters, completion (CampaignQueue, AudienceSource of core/dispatch/ports.ts).
import type { Campaign } from '../../core/campaigns/model';
import type { UserProfile } from '../../core/campaigns/variables';
import type { AudienceSource, CampaignQueue, CounterName } from '../../core/dispatch/ports';
import { db, type Doc } from '../db';
import { dbErrorKind, orIfMissing } from '../db-errors';
import { replaceFields } from './campaigns';
import { segmentQuery } from './users';

const CAMPAIGNS = 'campaigns';
const COUNTERS: readonly CounterName[] = ['targeted', 'sent', 'skipped', 'failed', 'unknown'];

export function createCampaignQueue(): CampaignQueue {
  const coll = () => db().collection(CAMPAIGNS);
  const _ = () => db().command;
  return {
    async promoteDue(now) {
      // One conditional multi-update: a campaign matches only while `scheduled`, so two runs promote it once.
      // A recurring series is never promoted itself (its occurrences are): `recurrence` absent.
      const res = await coll().where({ status: 'scheduled', sendAt: _().lte(now), recurrence: _().exists(false) }).update({ data: { status: 'running', startedAt: now, updatedAt: now } });
      return res.stats.updated;
    },
    async running() {
      const res = await coll().where({ status: 'running' }).limit(100).get();
      return res.data as unknown as Campaign[];
    },
    async acquireLease(id, owner, now, until) {
      const c = _();
      const free = c.or([{ expandUntil: c.lt(now) }, { expandUntil: c.exists(false) }, { expandOwner: owner }]);
      const res = await coll().where(c.and([{ _id: id, status: 'running' }, free]) as unknown as Doc).update({ data: { expandOwner: owner, expandUntil: until } });
      return res.stats.updated > 0;
    },
    async releaseLease(id, owner) {
      await coll().where({ _id: id, expandOwner: owner }).update({ data: { expandUntil: 0 } });
    },
    async advanceCursor(id, owner, cursor, targeted, now) {
      const data = { cursor: { after: cursor.after, done: cursor.done }, counters: { targeted: _().inc(targeted) }, updatedAt: now };
      const res = await coll().where({ _id: id, status: 'running', expandOwner: owner }).update({ data });
      return res.stats.updated > 0;
    },
    async bumpCounters(id, inc, now) {
      const counters: Doc = {};
      for (const [k, n] of Object.entries(inc)) if (n) counters[k] = _().inc(n);
      // Not once completed: completion replaced the counters by the exact ones, which already include these results
      // (a campaign completes only when none of its deliveries is open), so a late bump would count them twice.
      if (Object.keys(counters).length) await coll().where({ _id: id, status: _().neq('completed') }).update({ data: { counters, updatedAt: now } });
    },
    async hasOpen(id) {
      // One document is enough to know: a count would read every open delivery of a big campaign, at the end of every run.
      const res = await db().collection('deliveries').where({ sourceId: id, sourceType: 'campaign', status: _().in(['pending', 'sending']) }).limit(1).field({ _id: true }).get();
      return res.data.length > 0;
    },
    async exactCounters(id) {
      const res = await db().collection('deliveries').aggregate().match({ sourceId: id, sourceType: 'campaign' }).group({ _id: '$status', n: { $sum: 1 } }).end();
      const out = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Record<CounterName, number>;
      for (const g of res.list) {
        const n = Number(g.n ?? 0);
        out.targeted += n;
        if (g._id === 'sent' || g._id === 'skipped' || g._id === 'failed' || g._id === 'unknown') out[g._id] += n;
      }
      return out;
    },
    async complete(id, counters, now) {
      const res = await coll().where({ _id: id, status: 'running', 'cursor.done': true }).update({ data: { status: 'completed', completedAt: now, updatedAt: now, counters: { ...counters } } });
      return res.stats.updated > 0;
    },
    async nextScheduled() {
      // A recurring series is `scheduled` with no `sendAt` of its own (its occurrences have one): numbers only.
      const res = await coll().where({ status: 'scheduled', sendAt: _().gte(0) }).orderBy('sendAt', 'asc').limit(1).field({ sendAt: true }).get();
      const c = res.data[0];
      return c ? Number(c.sendAt) : undefined;
    },
    async quarantine(id, reason, now) {
      const res = await coll().where({ _id: id, status: 'running' }).update({ data: { status: 'quarantined', quarantineReason: reason, updatedAt: now } });
      return res.stats.updated > 0;
    },
    async hasOverdue(id, before) {
      const c = _();
      const overdue = c.or([{ status: 'pending', nextAttemptAt: c.lt(before) }, { status: 'sending', claimedAt: c.lt(before) }]);
      const res = await db().collection('deliveries').where(c.and([{ sourceId: id, sourceType: 'campaign' }, overdue]) as unknown as Doc).limit(1).field({ _id: true }).get();
      return res.data.length > 0;
    },
    async get(id) {
      const res = await coll().doc(id).get();
      return (res.data ?? null) as unknown as Campaign | null;
    },
    async insertIfAbsent(campaign) {
      try {
        await coll().add({ data: campaign as unknown as Doc });
        return true;
      } catch (err) {
        if (dbErrorKind(err) === 'duplicate') return false;
        throw err;
      }
    },
    async updateIf(id, from, set) {
      const res = await coll().where({ _id: id, status: _().in([...from]) }).update({ data: replaceFields(db(), set as Record<string, unknown>) });
      return res.stats.updated > 0;
    },
    async reserveBudget(id, day, n, max) {
      const c = _();
      // A new local day: the budget starts again (one conditional update, so two runs cannot both start it).
      const k = Math.min(n, max);
      const fresh = await coll()
        .where(c.and([{ _id: id }, c.or([{ 'budget.day': c.neq(day) }, { budget: c.exists(false) }])]) as unknown as Doc)
        .update({ data: { budget: c.set({ day, used: k }) } });
      if (fresh.stats.updated > 0) return k;
      // Same day: compare-and-set on what is used (a few tries when runs race), never above max.
      for (let attempt = 0; attempt < 3; attempt++) {
        const doc = (await coll().doc(id).get()).data as { budget?: { day?: string; used?: number } } | null;
        const used = doc?.budget?.day === day ? Number(doc.budget.used ?? 0) : null;
        if (used === null) return 0;
        const take = Math.min(n, max - used);
        if (take <= 0) return 0;
        const res = await coll().where({ _id: id, 'budget.day': day, 'budget.used': used }).update({ data: { 'budget.used': c.inc(take) } });
        if (res.stats.updated > 0) return take;
      }
      return 0;
    },
  };
}

export function createAudienceSource(): AudienceSource {
  const _ = () => db().command;
  return {
    async page(templateId, after, limit) {
      const c = _();
      // A usable grant: one-time with sends left, or an active long-term subscription (core/grants/model.ts GrantDoc).
      const usable = c.or([{ kind: 'one-time', remaining: c.gt(0) }, { kind: 'long-term', active: true }]);
      const where = c.and([{ templateId, openid: after === null ? c.exists(true) : c.gt(after) }, usable]) as unknown as Doc;
      const res = await db().collection('grants').where(where).orderBy('openid', 'asc').limit(limit).field({ openid: true }).get();
      return res.data.map((d) => String(d.openid));
    },
    async profiles(openids, segment) {
      const c = _();
      // The segment's conditions come from their one home (adapters/stores/users.ts segmentQuery).
      const where: Doc = segment ? segmentQuery(c, segment, { _id: c.in([...openids]) }) : { _id: c.in([...openids]) };
      const read = () => db().collection('users').where(where).field({ nickname: true, tags: true, attributes: true, tz: true }).limit(1000).get();
      const res = await orIfMissing(read, { data: [] as Doc[] });
      return new Map(res.data.map((u) => [String(u._id), u as unknown as UserProfile]));
    },
  };
}
