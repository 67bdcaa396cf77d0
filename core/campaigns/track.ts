// Core (pure): the `track` function's use case — a page opened from a message reports the open, counted once.
// The page carries the delivery id in its query (`…?deliveryId=<id>`; see `pageWithDelivery`).
import { DomainError } from '../envelope';
import type { Caller } from '../actions';
import type { Clock } from '../ports';
import type { Delivery } from '../delivery';

export interface TrackStore {
  getDelivery(id: string): Promise<Pick<Delivery, '_id' | 'openid' | 'sourceType' | 'sourceId' | 'openedAt'> | null>;
  /** Sets `openedAt` only where it is absent and the openid matches (one conditional update); true if this call set it. */
  markOpened(id: string, openid: string, at: number): Promise<boolean>;
  /** `counters.opened += 1` on the campaign (atomic increment). */
  bumpCampaignOpened(campaignId: string): Promise<void>;
}

/** Delivery sources whose opens are counted (`notify`: deliveries of the notify function, sourceId = its key). */
export const OPEN_SOURCES = ['campaign', 'reminder', 'notify', 'outbox', 'test'] as const;
export type OpenSource = (typeof OPEN_SOURCES)[number];

/** Sent and opened deliveries of one source (a campaign, a reminder, a notify key), for click-through rates. */
export interface OpenCounter {
  count(sourceType: OpenSource, sourceId: string): Promise<{ sent: number; opened: number }>;
}

export interface TrackDeps {
  clock: Clock;
  store: TrackStore;
  /** The admin `ctr` action's counts (absent: the action answers NOT_FOUND). */
  opens?: OpenCounter;
}

export interface ClickThrough {
  sourceType: OpenSource;
  sourceId: string;
  sent: number;
  opened: number;
  /** opened / sent, 0 when nothing was sent (an open counts once per delivery, wherever it landed). */
  ctr: number;
}

/** Click-through of one source: per campaign (`campaign`, its id) and per notify key (`notify`, the key). */
export async function clickThrough(deps: TrackDeps, input: { sourceType: OpenSource; sourceId: string }): Promise<ClickThrough> {
  if (!deps.opens) throw new DomainError('NOT_FOUND', 'click-through counts are not available in this function');
  const { sent, opened } = await deps.opens.count(input.sourceType, input.sourceId);
  return { ...input, sent, opened, ctr: sent > 0 ? Math.round((opened / sent) * 10_000) / 10_000 : 0 };
}

export async function reportOpen(deps: TrackDeps, input: { deliveryId: string }, caller: Caller): Promise<{ counted: boolean }> {
  const d = await deps.store.getDelivery(input.deliveryId);
  // Only the recipient may report their own open (the id is visible in the page query, so anyone could replay it).
  // Another user's delivery answers exactly like a missing one: a different answer would tell a caller who guesses
  // ids whether that user has a delivery (e.g. booked a reminder).
  if (!d || d.openid !== caller.openid) throw new DomainError('NOT_FOUND', 'no such delivery for this user');
  if (d.openedAt !== undefined && d.openedAt !== null) return { counted: false };
  const counted = await deps.store.markOpened(d._id, d.openid, deps.clock.now());
  // The counter follows the conditional update that won, so two concurrent reports bump it once. If the function
  // dies between the two writes the counter misses one open; `stats` counts `openedAt` and stays exact.
  if (counted && d.sourceType === 'campaign') await deps.store.bumpCampaignOpened(d.sourceId);
  return { counted };
}

/** The page a message opens, with the delivery id appended: `pages/a/a?x=1` → `pages/a/a?x=1&deliveryId=<id>`. */
export function pageWithDelivery(page: string, deliveryId: string): string {
  // Ids are [A-Za-z0-9_-.:]; ":" stays readable (valid in a query), anything else is percent-encoded.
  return `${page}${page.includes('?') ? '&' : '?'}deliveryId=${encodeURIComponent(deliveryId).replace(/%3A/g, ':')}`;
}
