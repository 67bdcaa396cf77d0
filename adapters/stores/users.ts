// Adapters: the `users` collection (profiles for per-user variables, tags/attributes for segments) and the audience
// preview (AudienceCounter of core/campaigns/ports.ts): users joined with `grants` (core/grants/model.ts
// { openid, templateId, kind, remaining, active }) minus the frequency cap. Paged by `_id`, never skip/offset.
import { segmentOf, type Campaign, type Segment } from '../../core/campaigns/model';
import type { AudienceCounter, AudienceCounts, UserDirectory } from '../../core/campaigns/ports';
import type { UserProfile } from '../../core/campaigns/variables';
import type { ProfilePatch } from '../../core/users/profile';
import type { ProfileStore } from '../../core/users/use-cases';
import type { Command, Database, Doc } from '../db';
import { orIfMissing } from '../db-errors';
import { insertOnce } from './grants-db';
import { cappedOpenids } from './stats';

export const USERS = 'users';
const GRANTS = 'grants';
const PAGE = 500;

export function toProfile(raw: Doc | null | undefined): UserProfile | null {
  if (!raw || typeof raw._id !== 'string') return null;
  const p: UserProfile = { _id: raw._id };
  if (typeof raw.nickname === 'string') p.nickname = raw.nickname;
  if (Array.isArray(raw.tags)) p.tags = raw.tags.filter((t): t is string => typeof t === 'string');
  if (raw.attributes && typeof raw.attributes === 'object') p.attributes = raw.attributes as UserProfile['attributes'];
  if (typeof raw.tz === 'string') p.tz = raw.tz;
  if (typeof raw.updatedAt === 'number') p.updatedAt = raw.updatedAt;
  return p;
}

/**
 * Profile writes (the `users` function, the CLI import): one update of only the profile's fields (dotted per
 * attribute, so other keys and the user's message settings stay); when the document does not exist yet, one insert
 * (a concurrent creator wins, then the update runs again). Repeating a write writes the same values.
 */
export function createProfileStore(database: () => Database): ProfileStore {
  return {
    async get(openid) {
      return toProfile((await orIfMissing(() => database().collection(USERS).doc(openid).get(), { data: null })).data);
    },
    async apply(openid: string, patch: ProfilePatch, now: number) {
      const db = database();
      const _ = db.command;
      const users = db.collection(USERS);
      const data: Doc = { openid, updatedAt: now };
      const fresh: Doc & { _id: string } = { _id: openid, openid, updatedAt: now };
      for (const key of ['nickname', 'tz'] as const) {
        const v = patch[key];
        if (v === undefined) continue;
        data[key] = v === null ? _.remove() : v;
        if (v !== null) fresh[key] = v;
      }
      if (patch.tags !== undefined) {
        data.tags = patch.tags === null ? _.remove() : _.set(patch.tags);
        if (patch.tags !== null) fresh.tags = patch.tags;
      }
      for (const [k, v] of Object.entries(patch.attributes ?? {})) {
        data[`attributes.${k}`] = v === null ? _.remove() : v;
        if (v !== null) ((fresh.attributes ??= {}) as Doc)[k] = v;
      }
      for (let round = 0; round < 3; round++) {
        const res = await users.doc(openid).update({ data });
        if (res.stats.updated > 0) return;
        if ((await users.doc(openid).get()).data) return; // same values already stored
        if (await insertOnce(users, fresh)) return;
      }
      throw new Error(`users: could not write the profile of ${openid}`);
    },
  };
}

export function createUserDirectory(database: () => Database): UserDirectory {
  return {
    async get(openid) {
      return toProfile((await database().collection(USERS).doc(openid).get()).data);
    },
  };
}

/**
 * The one translation of a segment (core/campaigns/model.ts `Segment`) into `users` query conditions, used by the
 * dispatcher's expansion and the audience preview. On an array field `in` matches when any element is listed and
 * `nin` when none is (missing fields included), as in MongoDB, which CloudBase's database follows ([CMD-DOC] §6.4).
 */
export function segmentConditions(command: Command, segment: Segment): Doc[] {
  const _ = command;
  const out: Doc[] = [];
  if (segment.tags?.length) out.push({ tags: _.all(segment.tags) });
  if (segment.anyTags?.length) out.push({ tags: _.in(segment.anyTags) });
  if (segment.notTags?.length) out.push({ tags: _.nin(segment.notTags) });
  for (const [k, v] of Object.entries(segment.attributes ?? {})) out.push({ [`attributes.${k}`]: Array.isArray(v) ? _.in(v) : v });
  for (const [k, v] of Object.entries(segment.notAttributes ?? {})) out.push({ [`attributes.${k}`]: Array.isArray(v) ? _.nin(v) : _.neq(v) });
  return out;
}

/** `where` for users of a segment, with extra conditions (an `_id` page, a list of openids). */
export function segmentQuery(command: Command, segment: Segment, ...extra: Doc[]): Doc {
  const conds = [...segmentConditions(command, segment), ...extra];
  return (conds.length === 1 ? conds[0] : command.and(conds)) as Doc;
}

/** A grant that can carry a message now: one-time sends left, or an active long-term subscription. */
function usableGrant(database: Database, templateId: string, extra: Doc = {}): unknown {
  const _ = database.command;
  return _.and([{ templateId, ...extra }, _.or([{ kind: 'one-time', remaining: _.gt(0) }, { kind: 'long-term', active: true }])]);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createAudienceCounter(database: () => Database): AudienceCounter {
  return {
    async count(campaign: Campaign, now: number): Promise<AudienceCounts> {
      const db = database();
      const _ = db.command;
      const grants = db.collection(GRANTS);
      const capped = campaign.frequencyCap ? await cappedOpenids(db, campaign.frequencyCap, now) : new Set<string>();
      const audience = campaign.audience;
      if (audience.kind === 'all') {
        // Everyone who ever subscribed to the template; two counts plus one per 500 capped users.
        const total = (await grants.where({ templateId: campaign.templateId }).count()).total;
        const usable = (await grants.where(usableGrant(db, campaign.templateId) as Doc).count()).total;
        let cappedUsable = 0;
        for (const chunk of chunks([...capped], PAGE)) {
          cappedUsable += (await grants.where(usableGrant(db, campaign.templateId, { openid: _.in(chunk) }) as Doc).count()).total;
        }
        // Held: `purposeHolds` non-empty (its first element exists), core/grants/model.ts.
        const held = (await grants.where({ templateId: campaign.templateId, 'purposeHolds.0': _.exists(true) }).count()).total;
        return { reachable: usable - cappedUsable, noGrant: total - usable, capped: cappedUsable, total, held };
      }
      const counts: AudienceCounts = { reachable: 0, noGrant: 0, capped: 0, total: 0, held: 0 };
      const tally = async (ids: string[]) => {
        if (ids.length === 0) return;
        const rows = (await grants.where(usableGrant(db, campaign.templateId, { openid: _.in(ids) }) as Doc).limit(PAGE).field({ openid: true }).get()).data;
        const usable = new Set(rows.map((r) => String(r.openid)));
        counts.held += (await grants.where({ templateId: campaign.templateId, openid: _.in(ids), 'purposeHolds.0': _.exists(true) }).count()).total;
        counts.total += ids.length;
        counts.noGrant += ids.length - usable.size;
        for (const o of usable) {
          if (capped.has(o)) counts.capped += 1;
          else counts.reachable += 1;
        }
      };
      if (audience.kind === 'list') {
        // An explicit list: every openid is targeted; those without a usable grant count as noGrant.
        for (const chunk of chunks(audience.openids, PAGE)) await tally(chunk);
        return counts;
      }
      // Segment: page through matching users by _id, and look up their usable grants one page at a time.
      const segment = segmentOf(audience) ?? {};
      let after: string | null = null;
      for (;;) {
        const page: Doc = after === null ? segmentQuery(_, segment) : segmentQuery(_, segment, { _id: _.gt(after) });
        const users = (await db.collection(USERS).where(page).orderBy('_id', 'asc').limit(PAGE).field({ _id: true }).get()).data;
        const ids = users.map((u) => String(u._id));
        await tally(ids);
        if (ids.length < PAGE) return counts;
        after = ids[ids.length - 1] ?? null;
      }
    },
  };
}
