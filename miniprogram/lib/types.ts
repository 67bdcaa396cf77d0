// Mini program lib (pure): the data shapes the pages receive from Tixing's functions (see the function API).
//
// These are copies of core types: the mini program root is uploaded on its own and cannot import core/ at run time.
// test/build/miniprogram-parity.ts compares every type here with its core original (exact equality, checked by
// `npm run typecheck`), so a change on either side that is not made on the other fails the build. A type that
// deliberately differs from core says so there, with the Pick/Omit that describes the difference.

/** core/grants/model.ts TemplateKind (also core/template/registry.ts). */
export type Kind = 'one-time' | 'long-term';

/** core/campaigns/model.ts CampaignStatus (CAMPAIGN_STATUSES). */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled' | 'quarantined';

/** core/delivery.ts DeliveryStatus (DELIVERY_STATUSES); a reminder is a delivery. */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown' | 'cancelled';

/** [SEND-NEW] miniprogram_state: which build the card opens (core/campaigns/model.ts Campaign['miniprogramState']). */
export type MiniprogramState = 'developer' | 'trial' | 'formal';
/** [SEND-NEW] lang: the language of the card's fixed texts (core/campaigns/model.ts Campaign['lang']). */
export type Lang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

/** core/grants/model.ts GrantResult. */
export type GrantResult = 'accept' | 'reject' | 'ban' | 'filter';

export interface GrantView {
  templateId: string;
  title: string;
  kind: Kind;
  /** -1 = unlimited (long-term). */
  remaining: number;
  lastResult: GrantResult | null;
  alwaysKeep: 'accept' | 'reject' | 'ban' | null;
  updatedAt: number | null;
}

/** subscriptions.record */
export interface RecordResponse { counted: boolean; grants: GrantView[] }
/** subscriptions.list */
export interface ListResponse { items: GrantView[]; mainSwitch: boolean | null }

/** core/grants/history.ts ConsentHistoryEntry. */
export interface ConsentHistoryEntry {
  at: number;
  templateId: string;
  title: string | null;
  result: string;
  status: string | null;
  source: string;
  page: string | null;
  button: string | null;
}
/** subscriptions.history / userHistory */
export interface HistoryResponse { entries: ConsentHistoryEntry[]; next: string | null }
/** subscriptions.exportHistory / exportUserHistory */
export interface ExportResponse { format: 'csv'; filename: string; count: number; truncated: boolean; content: string }
/** subscriptions.deleteMyData (core/grants/manage.ts DeletionReceipt) */
export interface DeletionReceipt { deleted: Record<string, number>; total: number; collections: readonly string[]; at: number }

export interface ReminderState { id: string; dueAt: number; status: DeliveryStatus; reason?: string }
/** One item of reminders.listEvents. */
export interface EventView { id: string; title: string; place: string; startAt: number; reminder: ReminderState | null }

export interface TemplateKeyword { key: string; label: string; type: string; enumValues?: string[] }
export interface TemplateView {
  templateId: string;
  title: string;
  kind: Kind;
  keywords: TemplateKeyword[];
  content: string;
  source: 'sync' | 'config';
}

/** core/template/validate.ts ValidationError: `value` is whatever was sent (absent for a missing keyword). */
export interface PreviewError { key: string; rule: string; value: unknown; message: string }
/** templates.preview */
export interface PreviewResponse {
  valid: boolean;
  errors: PreviewError[];
  data: Record<string, string>;
  /** `page` null: [SEND-NEW] without a page the card does not jump. */
  card: { title: string; lines: { label: string; value: string }[]; page: string | null; footer: string };
  text: string;
}

export interface Progress { targeted: number; sent: number; skipped: number; failed: number; unknown: number; cancelled: number; pending: number }
/** One item of campaigns.list. */
export interface CampaignSummary {
  id: string;
  name: string;
  templateId: string;
  status: CampaignStatus;
  /** Epoch ms of the scheduled start; null while a draft. */
  sendAt: number | null;
  /** The wall-clock time as entered, e.g. `2026-11-21 09:00` (in `zone`). */
  sendAtLocal: string | null;
  zone: string;
  progress: Progress;
  opened: number;
  updatedAt: number;
}

export interface CampaignStats {
  targeted: number;
  sent: number;
  /** By reason, e.g. `{ no_grant: 3 }`. */
  skipped: Record<string, number>;
  /** By WeChat errcode, e.g. `{ "40003": 1 }`. */
  failed: Record<string, number>;
  unknown: number;
  opened: number;
  /** Sent messages by WeChat's receipt: delivered, failed after acceptance, no receipt yet. */
  receipts?: { delivered: number; failed: number; awaiting: number };
  pending: number;
  /** Deliveries dropped by a campaign cancel. */
  cancelled: number;
}
/** campaigns.stats */
export type CampaignStatsResponse = CampaignStats & { status: CampaignStatus };

/** campaigns.previewAudience */
export interface AudiencePreview { reachable: number; noGrant: number; capped: number; total: number; held: number }

export type AttributeValue = string | number | boolean;
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
  | { kind: 'list'; openids: string[] };
export interface QuietHours { start: string; end: string }
export interface FrequencyCap { max: number; perHours: number }

/**
 * The part of campaigns.get's `campaign` the admin pages read (the server sends the whole document: counters, cursor,
 * createdBy... are left out here on purpose, see test/build/miniprogram-parity.ts).
 */
export interface CampaignDetail {
  id: string;
  name: string;
  templateId: string;
  data: Record<string, string>;
  page?: string;
  audience: Audience;
  sendAt?: number;
  sendAtLocal?: string;
  zone: string;
  quietHours?: QuietHours;
  frequencyCap?: FrequencyCap;
  miniprogramState: MiniprogramState;
  lang: Lang;
  status: CampaignStatus;
}

// ---- WeChat's template library (templates: categories, titles, keywords, add, delete) ----

/** core/template/library.ts Category. */
export interface LibraryCategory { id: number; name: string }
/** core/template/library.ts PublicTitle. */
export interface LibraryTitle { tid: number; title: string; kind: Kind; categoryId: number }
/** core/template/library.ts PublicKeyword. */
export interface LibraryKeyword { kid: number; name: string; example: string; rule: string }
/** templates.titles */
export interface TitlesResponse { count: number; start: number; titles: LibraryTitle[] }
/** templates.add */
export interface AddTemplateResponse {
  templateId: string;
  template: TemplateView | null;
  synced: { added: number; updated: number; removed: number };
}

/** core/outcomes.ts Outcome and FunnelStage. */
export type Outcome = 'sent' | 'skipped' | 'failed' | 'unknown' | 'cancelled' | 'pending';
export type FunnelStage = 'targeted' | 'sent' | 'delivered' | 'opened';
/** campaigns.analytics (core/analytics.ts Analytics, with the zone to show hours in). */
export interface AnalyticsResponse {
  source: { sourceType: 'campaign' | 'notify'; sourceId: string };
  outcomes: Record<Outcome, number>;
  funnel: { stage: FunnelStage; n: number; rate: number | null }[];
  ctr: number | null;
  receiptFailed: number;
  sendsPerHour: { hour: number; n: number }[];
  placements: { page: string; button: string; taps: number; accepts: number; rate: number }[];
  zone: string;
  status: CampaignStatus | null;
}

/** One result of campaigns.testSend (core/campaigns/ports.ts TestSendResult). */
export interface TestSendResult { openid: string; nickname?: string; outcome: string; errCode?: number; deliveryId?: string }
