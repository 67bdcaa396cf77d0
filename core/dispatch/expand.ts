// Core (dispatch): audience expansion — grant holders of the campaign's template, read page by page in openid order
// from the campaign's cursor (no skip/offset), turned into pending deliveries with deterministic ids. The cursor moves
// only after the page's deliveries exist, in the same write as counters.targeted, so a run killed mid-page redoes
// that page (creating only what is missing) and counts it once.
import { segmentOf, type Campaign } from '../campaigns/model';
import { pageWithDelivery } from '../campaigns/track';
import { hasVariables, resolveForUser, type UserProfile } from '../campaigns/variables';
import { newDelivery, type Delivery } from '../delivery';
import { toWechatData } from '../template/validate';
import { isValidZone, localToEpoch } from '../campaigns/schedule';
import type { DispatchDeps } from './ports';
import { slotOf } from './slots';

/**
 * When the campaign is due for this recipient: at `sendAt`, or — "09:00 local" (`localTime`) — at `sendAtLocal` read
 * in the recipient's zone (profile `tz`; the campaign's zone when absent or not a known zone).
 */
export function dueFor(c: Campaign, user: UserProfile | null, now: number): number {
  if (!c.localTime || !c.sendAtLocal) return c.sendAt ?? now;
  const tz = user?.tz && isValidZone(user.tz) ? user.tz : c.zone;
  try {
    return localToEpoch(c.sendAtLocal, tz);
  } catch {
    // The wall time does not exist there (a DST gap): the campaign's zone decides.
    return localToEpoch(c.sendAtLocal, c.zone);
  }
}

export function campaignDelivery(c: Campaign, openid: string, user: UserProfile | null, now: number): Delivery {
  const fields = { sourceType: 'campaign' as const, sourceId: c._id, openid, templateId: c.templateId, data: toWechatData(resolveForUser(c.data, user)) };
  const d = newDelivery({ ...fields, miniprogramState: c.miniprogramState, lang: c.lang }, 'pending', now, dueFor(c, user, now));
  d.slot = slotOf(openid);
  if (user?.tz && isValidZone(user.tz)) d.tz = user.tz;
  // The card opens the page with the delivery id in its query, so `track` can count the open once.
  if (c.page) d.page = pageWithDelivery(c.page, d._id);
  return d;
}

export interface ExpansionResult {
  pages: number;
  targeted: number;
  done: boolean;
}

/**
 * Expands while `until()` allows, holding the campaign's lease. Stops when the audience is exhausted, the
 * campaign leaves `running` (pause/cancel: the cursor advance fails), or the budget ends.
 */
export async function expandCampaign(deps: DispatchDeps, c: Campaign, runStart: number, until: () => boolean): Promise<ExpansionResult> {
  const { campaigns, audience, deliveries, clock, runId, config } = deps;
  const out: ExpansionResult = { pages: 0, targeted: 0, done: false };
  if (!(await campaigns.acquireLease(c._id, runId, clock.now(), runStart + config.leaseMs))) return out;
  let after = c.cursor?.after ?? null;
  const segment = segmentOf(c.audience);
  // Profiles also carry each recipient's zone (`tz`): needed for local-time sends and quiet hours.
  const needProfiles = segment !== undefined || hasVariables(c.data) || c.localTime === true || c.quietHours !== undefined || deps.rules?.quietHours !== undefined;
  // An explicit list is read from the campaign itself (sorted, no duplicates: core/campaigns/schema.ts), page by
  // page after the cursor; every listed openid gets a delivery (no usable grant → skipped no_grant at claim time).
  const list = c.audience.kind === 'list' ? [...new Set(c.audience.openids)].sort() : undefined;
  try {
    while (until()) {
      const openids = list
        ? list.filter((o) => after === null || o > after).slice(0, config.pageSize)
        : await audience.page(c.templateId, after, config.pageSize);
      const profiles = needProfiles && openids.length ? await audience.profiles(openids, segment) : new Map<string, UserProfile>();
      const recipients = segment ? openids.filter((o) => profiles.has(o)) : openids;
      const now = clock.now();
      const docs = recipients.map((o) => campaignDelivery(c, o, profiles.get(o) ?? null, now));
      if (docs.length) await deliveries.createMissing(docs);
      const done = openids.length < config.pageSize;
      const last = openids[openids.length - 1] ?? after;
      if (!(await campaigns.advanceCursor(c._id, runId, { after: last, done }, docs.length, clock.now()))) break;
      out.pages += 1;
      out.targeted += docs.length;
      after = last;
      if (done) {
        out.done = true;
        break;
      }
    }
  } finally {
    await campaigns.releaseLease(c._id, runId);
  }
  return out;
}
