// Adapters: the numbers of core/analytics.ts read from `deliveries` and `consent_log` with aggregations and counts
// in the database — never by loading deliveries. Grouped answers are paged (limit + `_id` keyset); aggregations
// always carry a limit, since `.end()` otherwise returns 20 rows ([COMM-AGG20]).
import type { AnalyticsSource, PlacementGroup, SourceRef } from '../../core/analytics';
import type { Database, Doc } from '../db';
import { orIfMissing } from '../db-errors';
import { DELIVERIES, deliveryGroups } from './stats';

const PAGE = 1000;
/** UTC quarter hours: they fold exactly into the local hours of any zone (core/analytics.ts sendsPerLocalHour). */
const QUARTER_MS = 15 * 60_000;

export function createAnalyticsSource(database: () => Database): AnalyticsSource {
  const where = (src: SourceRef, extra: Doc = {}): Doc => ({ sourceType: src.sourceType, sourceId: src.sourceId, ...extra });
  const count = async (q: Doc) => (await database().collection(DELIVERIES).where(q).count()).total;
  return {
    groups: (src) => deliveryGroups(database(), src.sourceType, src.sourceId),
    async receipts(src) {
      // `receipt` is written when a sent receipt (subscribe_msg_sent_event) is joined to the delivery by msgid.
      const [delivered, failed] = await Promise.all([count(where(src, { receipt: 'delivered' })), count(where(src, { receipt: 'failed' }))]);
      return { delivered, failed };
    },
    async opened(src) {
      return count(where(src, { openedAt: database().command.gt(0) }));
    },
    async sendsPerQuarter(src) {
      const db = database();
      const _ = db.command;
      const $ = (_ as unknown as { aggregate: Record<string, (arg: unknown) => unknown> }).aggregate;
      const out: { at: number; n: number }[] = [];
      let after = -1;
      for (;;) {
        const res = await db
          .collection(DELIVERIES)
          .aggregate()
          .match(where(src, { status: 'sent', sentAt: _.gt(0) }))
          .project({ at: $.subtract!(['$sentAt', $.mod!(['$sentAt', QUARTER_MS])]) })
          .group({ _id: '$at', n: { $sum: 1 } })
          .match({ _id: _.gt(after) })
          .sort({ _id: 1 })
          .limit(PAGE)
          .end();
        for (const r of res.list) out.push({ at: Number(r._id), n: Number(r.n ?? 0) });
        if (res.list.length < PAGE) return out;
        after = out[out.length - 1]?.at ?? after;
      }
    },
    async placements(templateId) {
      const db = database();
      const match: Doc = { source: 'client' };
      if (templateId) match.templateId = templateId;
      const out: PlacementGroup[] = [];
      for (let skip = 0; ; skip += PAGE) {
        // Grouped rows (a few per page and button), not entries: skip pages over the groups only.
        const res = await orIfMissing(
          () =>
            db
              .collection('consent_log')
              .aggregate()
              .match(match)
              .group({ _id: { page: '$placement.page', button: '$placement.button', result: '$result' }, n: { $sum: 1 } })
              .sort({ _id: 1 })
              .skip(skip)
              .limit(PAGE)
              .end(),
          { list: [] as Doc[] },
        );
        for (const r of res.list) {
          const k = (r._id ?? {}) as { page?: unknown; button?: unknown; result?: unknown };
          out.push({ page: String(k.page ?? ''), button: String(k.button ?? ''), result: String(k.result ?? ''), n: Number(r.n ?? 0) });
        }
        if (res.list.length < PAGE) return out;
      }
    },
  };
}
