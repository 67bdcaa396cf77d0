// Adapters: the `campaigns` collection (CampaignStore of core/campaigns/ports.ts) on a CloudBase database —
// wx-server-sdk's inside functions, @cloudbase/node-sdk's in the operator CLI (same query API).
import type { Campaign } from '../../core/campaigns/model';
import type { CampaignStore } from '../../core/campaigns/ports';
import type { Database, Doc } from '../db';
import { dbErrorKind } from '../db-errors';
import { createScheduleWake, type ScheduleWake } from '../wake';

export const CAMPAIGNS = 'campaigns';

export function toCampaign(raw: Doc | null | undefined): Campaign | null {
  if (!raw || typeof raw._id !== 'string') return null;
  return raw as unknown as Campaign;
}

/**
 * An update document: objects and arrays are wrapped in `_.set()` so they replace the stored value — the SDK
 * otherwise flattens nested objects into dotted paths and merges them ([CBDB-SRC] serializer/update.ts), which
 * would leave an old segment's `tags` behind when the audience becomes `{ kind: 'all' }`.
 */
export function replaceFields(database: Database, set: Record<string, unknown>, unset: readonly string[] = []): Doc {
  const _ = database.command;
  const data: Doc = {};
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) continue;
    data[k] = v !== null && typeof v === 'object' ? _.set(v as object) : v;
  }
  for (const k of unset) data[k] = _.remove();
  return data;
}

/** When a written campaign needs `dispatch`: scheduled (at its sendAt) or running (now); undefined otherwise. */
function dueOf(status: unknown, sendAt: unknown): number | undefined {
  if (status === 'running') return Date.now();
  if (status === 'scheduled' || (status === undefined && typeof sendAt === 'number')) return typeof sendAt === 'number' ? sendAt : Date.now();
  return undefined;
}

/**
 * `wake` (adapters/wake.ts) is called after a write that makes a campaign due (scheduled, rescheduled, resumed,
 * started); the default lowers the wake state without arming a wake-up (no cloud call there: the operator CLI) —
 * functions pass `createScheduleWake()`.
 */
export function createCampaignStore(database: () => Database, wake: ScheduleWake = createScheduleWake({ database, arm: false })): CampaignStore {
  const col = () => database().collection(CAMPAIGNS);
  return {
    async insert(campaign) {
      await col().add({ data: campaign as unknown as Doc });
      const at = dueOf(campaign.status, campaign.sendAt);
      if (at !== undefined) await wake(at, true);
    },
    async get(id) {
      return toCampaign((await col().doc(id).get()).data);
    },
    async updateIf(id, from, set, unset = []) {
      const db = database();
      const _ = db.command;
      // One conditional multi-update on the unique _id: the status check and the write are a single atomic step.
      const res = await col()
        .where({ _id: id, status: _.in([...from]) })
        .update({ data: replaceFields(db, set as Record<string, unknown>, unset as string[]) });
      const fields = set as Record<string, unknown>;
      const at = res.stats.updated > 0 ? dueOf(fields.status, fields.sendAt) : undefined;
      if (at !== undefined) await wake(at, true);
      return res.stats.updated > 0;
    },
    async insertIfAbsent(campaign) {
      try {
        await col().add({ data: campaign as unknown as Doc });
        return true;
      } catch (err) {
        if (dbErrorKind(err) === 'duplicate') return false;
        throw err;
      }
    },
    async occurrences(seriesId, limit) {
      const res = await col().where({ 'occurrence.seriesId': seriesId }).orderBy('sendAt', 'desc').limit(Math.min(limit, 100)).get();
      return res.data.map(toCampaign).filter((c): c is Campaign => c !== null);
    },
    async list(limit, status) {
      const base = status ? col().where({ status }) : col();
      const res = await base.orderBy('updatedAt', 'desc').limit(Math.min(limit, 100)).get();
      return res.data.map(toCampaign).filter((c): c is Campaign => c !== null);
    },
  };
}
