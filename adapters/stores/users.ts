// Adapters: the `users` collection (profiles for per-user variables, tags/attributes for segments) and the audience
// preview (AudienceCounter of core/campaigns/ports.ts): users joined with `grants` (core/grants/model.ts
// { openid, templateId, kind, remaining, active }) minus the frequency cap. Paged by `_id`, never skip/offset.
import type { Audience, Campaign } from '../../core/campaigns/model';
import type { AudienceCounter, AudienceCounts, UserDirectory } from '../../core/campaigns/ports';
import type { UserProfile } from '../../core/campaigns/variables';
import type { Database, Doc } from '../db';
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
  return p;
}

export function createUserDirectory(database: () => Database): UserDirectory {
  return {
    async get(openid) {
      return toProfile((await database().collection(USERS).doc(openid).get()).data);
    },
  };
}

/** `where` for a segment: every tag (array contains all) and every attribute equal (dotted path). */
export function segmentQuery(database: Database, audience: Extract<Audience, { kind: 'segment' }>): Doc {
  const _ = database.command;
  const q: Doc = {};
  if (audience.tags && audience.tags.length > 0) q.tags = _.all(audience.tags);
  for (const [k, v] of Object.entries(audience.attributes ?? {})) q[`attributes.${k}`] = v;
  return q;
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
        return { reachable: usable - cappedUsable, noGrant: total - usable, capped: cappedUsable, total };
      }
      // Segment: page through matching users by _id, and look up their usable grants one page at a time.
      const counts: AudienceCounts = { reachable: 0, noGrant: 0, capped: 0, total: 0 };
      const where = segmentQuery(db, audience);
      let after: string | null = null;
      for (;;) {
        const page: Doc = after === null ? where : { ...where, _id: _.gt(after) };
        const users = (await db.collection(USERS).where(page).orderBy('_id', 'asc').limit(PAGE).field({ _id: true }).get()).data;
        const ids = users.map((u) => String(u._id));
        if (ids.length > 0) {
          const rows = (await grants.where(usableGrant(db, campaign.templateId, { openid: _.in(ids) }) as Doc).limit(PAGE).field({ openid: true }).get()).data;
          const usable = new Set(rows.map((r) => String(r.openid)));
          counts.total += ids.length;
          counts.noGrant += ids.length - usable.size;
          for (const o of usable) {
            if (capped.has(o)) counts.capped += 1;
            else counts.reachable += 1;
          }
        }
        if (ids.length < PAGE) return counts;
        after = ids[ids.length - 1] ?? null;
      }
    },
  };
}
