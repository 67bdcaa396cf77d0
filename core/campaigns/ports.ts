// Core (pure): the ports the campaign use cases depend on. Adapters implement them on the database
// (adapters/stores/*); unit tests implement them in memory.
import type { Caller } from '../actions';
import type { AnalyticsSource } from '../analytics';
import type { TemplateDoc, TemplateLookup } from '../template/registry';
import type { Clock, IdSource } from '../ports';
import type { DeliveryStatus } from '../delivery';
import type { Campaign, CampaignStatus } from './model';
import type { UserProfile } from './variables';

/** The campaigns read templates through the one template lookup (core/template/registry.ts). */
export type TemplateInfo = TemplateDoc;
export type TemplateCatalog = Pick<TemplateLookup, 'get'>;

export interface CampaignStore {
  /** Creates the document; the id is fresh, so a collision is a bug (throws). */
  insert(campaign: Campaign): Promise<void>;
  get(id: string): Promise<Campaign | null>;
  /**
   * One atomic conditional update: applies `set` (and removes `unset`) only while the status is one of `from`.
   * Resolves false when no document matched (missing, or another writer — e.g. the dispatcher — moved it first).
   */
  updateIf(id: string, from: readonly CampaignStatus[], set: Partial<Campaign>, unset?: readonly (keyof Campaign)[]): Promise<boolean>;
  /** Newest first (by updatedAt), at most `limit`. */
  list(limit: number, status?: CampaignStatus): Promise<Campaign[]>;
  /** Creates the document unless its `_id` exists (an occurrence created twice); resolves true when created. */
  insertIfAbsent(campaign: Campaign): Promise<boolean>;
  /** Occurrences of a recurring series, newest first (by sendAt). */
  occurrences(seriesId: string, limit: number): Promise<Campaign[]>;
}

/** One row of "deliveries of a source, grouped by outcome". */
export interface DeliveryGroup {
  status: DeliveryStatus;
  reason?: string | null;
  errCode?: number | null;
  /** WeChat's sent receipt joined to the delivery (core/sending/receipts.ts), if any. */
  receipt?: 'delivered' | 'failed' | null;
  n: number;
}

export interface DeliveryStatsSource {
  /** Deliveries of `sourceId` grouped by (status, reason, errCode, receipt) — one aggregation. */
  groups(sourceId: string): Promise<DeliveryGroup[]>;
  /** Deliveries of `sourceId` with `openedAt` set. */
  opened(sourceId: string): Promise<number>;
  /** `pending` deliveries of `sourceId` → `cancelled` (one conditional multi-update); resolves the count. */
  cancelPending(sourceId: string, now: number): Promise<number>;
}

export interface AudienceCounts {
  /** Could be sent to now: a grant left (or an active long-term subscription) and under the frequency cap. */
  reachable: number;
  /** In the audience but without a usable grant. */
  noGrant: number;
  /** Has a grant, but the frequency cap (shared by all campaigns) holds them back right now. */
  capped: number;
  /** Audience size: grant holders of the template (`all`) or users matching the segment (`segment`). */
  total: number;
  /**
   * Audience members with grant units held for a purpose (a reminder, an order: core/grants/holds.ts). A campaign
   * never spends a held unit: a member whose only units are held counts in `noGrant`.
   */
  held: number;
}

export interface AudienceCounter {
  count(campaign: Campaign, now: number): Promise<AudienceCounts>;
}

export interface UserDirectory {
  get(openid: string): Promise<UserProfile | null>;
}

/** The sending helper's whitelist test-send path (core/sending/test-send.ts), seen from campaigns. */
export interface TestSendResult {
  openid: string;
  /** The tester's nickname from the `users` profile, when there is one (the admin pages show it, not the openid). */
  nickname?: string;
  outcome: string;
  errCode?: number;
  /** Absent when nothing was written (`quota_paused`: the daily-quota pause began during this batch). */
  deliveryId?: string;
}
export interface TestSender {
  /** `caller` decides whether this invocation may make cloud calls (function-to-function calls may not). */
  send(
    request: { templateId: string; data: Record<string, string>; page?: string; openid: string; sourceId: string },
    caller: Caller,
  ): Promise<TestSendResult>;
}

export interface CampaignDeps {
  clock: Clock;
  ids: IdSource;
  campaigns: CampaignStore;
  templates: TemplateCatalog;
  deliveries: DeliveryStatsSource;
  /** Funnel, sends per hour and placement conversion (core/analytics.ts), read by aggregations. */
  analytics: AnalyticsSource;
  audience: AudienceCounter;
  users: UserDirectory;
  testSender: TestSender;
  /** The dispatcher's state document (quota pause), for "paused for quota until …". */
  ops?: { read(): Promise<{ quotaPausedUntil?: number; quotaErrCode?: number }> };
  config: { zone: string; miniprogramState: Campaign['miniprogramState']; lang: Campaign['lang']; testWhitelist: readonly string[]; /** The mini program's pages (app.json), checked when a campaign's page is saved. */ pages: readonly string[] };
}
