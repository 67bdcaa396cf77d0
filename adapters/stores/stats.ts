// Adapters: campaign numbers read from `deliveries` (DeliveryStatsSource of core/campaigns/ports.ts) and the
// frequency-cap view shared by all campaigns. Aggregations carry an explicit limit: `.end()` otherwise returns
// 20 rows even in cloud functions ([COMM-AGG20]).
import type { Delivery, DeliveryStatus } from '../../core/delivery';
import type { OpenCounter, TrackStore } from '../../core/campaigns/track';
import type { FrequencyCap } from '../../core/campaigns/model';
import type { DeliveryGroup, DeliveryStatsSource } from '../../core/campaigns/ports';
import type { Database, Doc } from '../db';

export const DELIVERIES = 'deliveries';
const PAGE = 1000;

/** Deliveries of one source grouped by (status, reason, errCode): one aggregation (campaigns, notify keys). */
export async function deliveryGroups(database: Database, sourceType: string, sourceId: string): Promise<DeliveryGroup[]> {
  // (status, reason, errCode, receipt) has a few dozen combinations at most: one page holds them all.
  const res = await database
    .collection(DELIVERIES)
    .aggregate()
    .match({ sourceType, sourceId })
    .group({ _id: { status: '$status', reason: '$reason', errCode: '$errCode', receipt: '$receipt' }, n: { $sum: 1 } })
    .limit(PAGE)
    .end();
  return res.list.map((row): DeliveryGroup => {
    const key = (row._id ?? {}) as { status?: DeliveryStatus; reason?: string | null; errCode?: number | null; receipt?: DeliveryGroup['receipt'] };
    return { status: key.status ?? 'pending', reason: key.reason ?? null, errCode: key.errCode ?? null, receipt: key.receipt ?? null, n: Number(row.n ?? 0) };
  });
}

export function createDeliveryStats(database: () => Database): DeliveryStatsSource {
  const col = () => database().collection(DELIVERIES);
  return {
    groups: (sourceId) => deliveryGroups(database(), 'campaign', sourceId),
    async opened(sourceId) {
      const _ = database().command;
      return (await col().where({ sourceType: 'campaign', sourceId, openedAt: _.gt(0) }).count()).total;
    },
    async cancelPending(sourceId, now) {
      // Only `pending`: a `sending` delivery holds a lease and finishes its attempt (the dispatcher records it).
      const res = await col()
        .where({ sourceType: 'campaign', sourceId, status: 'pending' })
        .update({ data: { status: 'cancelled', reason: 'campaign_cancelled', updatedAt: now } });
      return res.stats.updated;
    },
  };
}

/**
 * Openids at or over the frequency cap right now, for the audience preview: campaign messages sent (or in flight, or
 * possibly sent) within the last `perHours`, across all campaigns, grouped per user. An estimate of the dispatcher's
 * decision (core/dispatch/windows.ts capVerdict, which alone decides a send): an aggregation counts them here.
 * Paged by `_id > after`, no skip.
 */
export async function cappedOpenids(database: Database, cap: FrequencyCap, now: number): Promise<Set<string>> {
  const _ = database.command;
  const since = now - cap.perHours * 3_600_000;
  const out = new Set<string>();
  let after = '';
  for (;;) {
    const res = await database
      .collection(DELIVERIES)
      .aggregate()
      .match({ sourceType: 'campaign', status: _.in(['sent', 'sending', 'unknown']), updatedAt: _.gte(since) })
      .group({ _id: '$openid', n: { $sum: 1 } })
      .match({ n: _.gte(cap.max), _id: _.gt(after) })
      .sort({ _id: 1 })
      .limit(PAGE)
      .end();
    const ids = res.list.map((r: Doc) => String(r._id));
    ids.forEach((id) => out.add(id));
    if (ids.length < PAGE) return out;
    after = ids[ids.length - 1] ?? after;
  }
}

/** Opens reported by `track` (TrackStore of core/campaigns/track.ts). */
export function createTrackStore(database: () => Database): TrackStore {
  return {
    async getDelivery(id) {
      const raw = (await database().collection(DELIVERIES).doc(id).get()).data;
      if (!raw || typeof raw._id !== 'string') return null;
      return raw as unknown as Delivery;
    },
    async markOpened(id, openid, at) {
      const _ = database().command;
      // Conditional on `openedAt` absent: of two concurrent reports exactly one matches.
      const res = await database()
        .collection(DELIVERIES)
        .where({ _id: id, openid, openedAt: _.exists(false) })
        .update({ data: { openedAt: at } });
      return res.stats.updated > 0;
    },
    async bumpCampaignOpened(campaignId) {
      const _ = database().command;
      await database().collection('campaigns').doc(campaignId).update({ data: { counters: { opened: _.inc(1) } } });
    },
  };
}

/** Sent and opened deliveries of one source (two counts on the `source_status_slot` index: sourceId, status). */
export function createOpenCounter(database: () => Database): OpenCounter {
  return {
    async count(sourceType, sourceId) {
      const _ = database().command;
      const col = () => database().collection(DELIVERIES);
      const sent = (await col().where({ sourceId, status: 'sent', sourceType }).count()).total;
      const opened = (await col().where({ sourceId, sourceType, openedAt: _.gt(0) }).count()).total;
      return { sent, opened };
    },
  };
}
