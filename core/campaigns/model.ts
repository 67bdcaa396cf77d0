// Core: the campaign document and its status vocabulary, defined once (shared by `campaigns` and `dispatch`).
import type { Recurrence } from './recurrence';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'quarantined'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * Allowed transitions. `scheduled → running` is the dispatcher's promotion at `sendAt`; `running → completed` when
 * the audience is fully expanded and no delivery is pending; `quarantined` when WeChat answers 47003 (bad data).
 */
export const CAMPAIGN_TRANSITIONS: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['scheduled', 'cancelled'],
  // `completed` from scheduled/paused: a recurring series ended by its owner (core/campaigns/series.ts).
  scheduled: ['draft', 'running', 'paused', 'cancelled', 'completed'],
  running: ['paused', 'completed', 'cancelled', 'quarantined'],
  paused: ['scheduled', 'running', 'cancelled', 'completed'],
  completed: [],
  cancelled: [],
  quarantined: ['draft', 'cancelled'],
};

export function canTransitionCampaign(from: CampaignStatus, to: CampaignStatus): boolean {
  return CAMPAIGN_TRANSITIONS[from].includes(to);
}

export type AttributeValue = string | number | boolean;

/**
 * Who a segment matches, among identified users (a profile in `users`; core/users): every condition given must hold.
 * `tags` all of them, `anyTags` at least one, `notTags` none; `attributes` each equal (a list: any of those values),
 * `notAttributes` each different (a list: none of them; a missing attribute counts as different).
 */
export interface Segment {
  tags?: string[];
  anyTags?: string[];
  notTags?: string[];
  attributes?: Record<string, AttributeValue | AttributeValue[]>;
  notAttributes?: Record<string, AttributeValue | AttributeValue[]>;
}

export type Audience =
  | { kind: 'all' }
  | ({ kind: 'segment' } & Segment)
  /** An explicit list of openids (≤ 1,000); each gets a delivery, skipped `no_grant` when they have no usable grant. */
  | { kind: 'list'; openids: string[] };

/** The segment part of an audience (no `kind`), or undefined for `all` / `list`. */
export function segmentOf(a: Audience): Segment | undefined {
  if (a.kind !== 'segment') return undefined;
  const { kind: _kind, ...segment } = a;
  return segment;
}

/** Local wall-clock window in the campaign's zone, e.g. 22:00 → 08:00 (crosses midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

export interface FrequencyCap {
  /** At most `max` campaign messages per user within `perHours`, shared by all campaigns. */
  max: number;
  perHours: number;
}

export interface CampaignCounters {
  targeted: number;
  sent: number;
  skipped: number;
  failed: number;
  unknown: number;
  opened: number;
}

export interface Campaign {
  _id: string;
  name: string;
  templateId: string;
  /** Keyword values; may contain per-user variables such as `{{nickname}}` resolved from the `users` collection. */
  data: Record<string, string>;
  page?: string;
  audience: Audience;
  /** Epoch ms of the scheduled start (computed from the local time in `zone`). */
  sendAt?: number;
  /** The local time as the admin entered it, e.g. `2026-11-21 09:00`, and its IANA zone. */
  sendAtLocal?: string;
  zone: string;
  quietHours?: QuietHours;
  frequencyCap?: FrequencyCap;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  status: CampaignStatus;
  /** Audience expansion checkpoint: the last openid (grants are read in `openid` order) and whether it is done. */
  cursor?: { after: string | null; done: boolean };
  counters: CampaignCounters;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
  quarantineReason?: string;
  /**
   * A recurring series (core/campaigns/recurrence.ts): never sent itself; each occurrence is its own campaign
   * (`occurrence` below) with its own deliveries and counts. The series is `scheduled` while active.
   */
  recurrence?: Recurrence;
  /** The series' next occurrence (created ahead as a `scheduled` campaign) and the last one created. */
  series?: { nextAt?: number; nextId?: string; lastId?: string };
  /** This campaign is one occurrence of series `seriesId`; `nextCreated` once the dispatcher created the next one. */
  occurrence?: { seriesId: string; key: string; nextCreated?: boolean };
  /**
   * "09:00 local": `sendAtLocal` is read in each recipient's zone (profile `tz`, else `zone`). `sendAt` is then the
   * earliest instant that wall time occurs anywhere (UTC+14), so the audience is expanded before the first recipient.
   */
  localTime?: boolean;
  /** At most this many sends per local day (in `zone`); the rest wait for the next day. */
  dailyBudget?: number;
  /** Budget spent today: `day` is the local date in `zone`. */
  budget?: { day: string; used: number };
  /** Why a `cancelled` occurrence never sent: `series_paused`, `series_ended`, `missed` (the timer was late). */
  skipReason?: string;
}
