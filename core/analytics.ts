// Core (pure): analytics of one source of deliveries — a campaign or a notify key: outcomes in the one vocabulary
// (core/outcomes.ts), the funnel targeted → sent → delivered → opened with its rates, the click-through rate, sends
// per local hour (in the campaign's zone), and grant conversion per placement (taps → accepts per page and button, from the consent log).
// Every number comes from an aggregation in the database (adapters/stores/analytics.ts); nothing here loads
// deliveries one by one.
import type { DeliveryGroup } from './campaigns/ports';
import { foldStats, total } from './campaigns/stats';
import { FUNNEL_STAGES, type FunnelStage, type Outcome } from './outcomes';
import { localHourStart } from './campaigns/schedule';

export type AnalyticsSourceType = 'campaign' | 'notify';
export interface SourceRef {
  sourceType: AnalyticsSourceType;
  sourceId: string;
}

/** One row of `consent_log` entries written by `subscriptions.record`, grouped by placement and result. */
export interface PlacementGroup {
  page: string;
  button: string;
  result: string;
  n: number;
}

export interface AnalyticsSource {
  /** Deliveries of the source grouped by (status, reason, errCode). */
  groups(src: SourceRef): Promise<DeliveryGroup[]>;
  /** Deliveries with a sent receipt joined (`receipt: 'delivered'`) and with a failed one (`receipt: 'failed'`). */
  receipts(src: SourceRef): Promise<{ delivered: number; failed: number }>;
  /** Deliveries with `openedAt` set. */
  opened(src: SourceRef): Promise<number>;
  /**
   * Sent deliveries per UTC quarter hour of `sentAt` (`at`: start of the quarter, epoch ms), ascending. Quarter hours,
   * not hours: every zone's offset is a whole number of quarter hours (Asia/Kolkata +05:30, Asia/Kathmandu +05:45),
   * so they fold exactly into local hours (`sendsPerLocalHour`) — UTC hours would straddle two local ones.
   */
  sendsPerQuarter(src: SourceRef): Promise<{ at: number; n: number }[]>;
  /** Client-reported taps (`subscriptions.record`) by placement and result, for one template or all. */
  placements(templateId?: string): Promise<PlacementGroup[]>;
}

export interface FunnelStep {
  stage: FunnelStage;
  n: number;
  /** Share of the previous stage, 0..1 (null for the first stage, or when the previous stage is 0). */
  rate: number | null;
}

export interface PlacementConversion {
  page: string;
  button: string;
  /** Templates asked at this placement (one per template per tap). */
  taps: number;
  accepts: number;
  /** accepts / taps, 0..1. */
  rate: number;
}

export interface Analytics {
  source: SourceRef;
  outcomes: Record<Outcome, number>;
  funnel: FunnelStep[];
  /** Opened ÷ delivered when receipts were joined, else opened ÷ sent; null while nothing was sent. */
  ctr: number | null;
  /** Deliveries WeChat accepted but whose sent receipt reported a failure. */
  receiptFailed: number;
  /** Sends per local hour in the zone asked for (`hour`: the instant the local hour starts), ascending. */
  sendsPerHour: { hour: number; n: number }[];
  placements: PlacementConversion[];
}

/** Quarter-hour counts folded into the local hours of `zone` (boundaries on local hour starts). */
export function sendsPerLocalHour(quarters: readonly { at: number; n: number }[], zone: string): { hour: number; n: number }[] {
  const by = new Map<number, number>();
  for (const q of quarters) {
    const hour = localHourStart(q.at, zone);
    by.set(hour, (by.get(hour) ?? 0) + q.n);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([hour, n]) => ({ hour, n }));
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function funnelOf(counts: Record<FunnelStage, number>): FunnelStep[] {
  return FUNNEL_STAGES.map((stage, i) => {
    const prev = i === 0 ? undefined : FUNNEL_STAGES[i - 1];
    return { stage, n: counts[stage], rate: prev === undefined ? null : ratio(counts[stage], counts[prev]) };
  });
}

/** Taps → accepts per (page, button), most taps first. `accept` is core/grants/model.ts's normalised status. */
export function conversionOf(groups: readonly PlacementGroup[]): PlacementConversion[] {
  const by = new Map<string, PlacementConversion>();
  for (const g of groups) {
    const key = JSON.stringify([g.page, g.button]);
    const row = by.get(key) ?? { page: g.page, button: g.button, taps: 0, accepts: 0, rate: 0 };
    row.taps += g.n;
    if (g.result === 'accept') row.accepts += g.n;
    by.set(key, row);
  }
  const rows = [...by.values()].map((r) => ({ ...r, rate: r.taps > 0 ? r.accepts / r.taps : 0 }));
  return rows.sort((a, b) => b.taps - a.taps || a.page.localeCompare(b.page) || a.button.localeCompare(b.button));
}

/** `zone`: the campaign's (or, for a notify key, the configured) zone whose local hours the sends are counted in. */
export async function readAnalytics(source: AnalyticsSource, src: SourceRef, zone: string, templateId?: string): Promise<Analytics> {
  const [groups, receipts, opened, quarters, placements] = await Promise.all([
    source.groups(src),
    source.receipts(src),
    source.opened(src),
    source.sendsPerQuarter(src),
    source.placements(templateId),
  ]);
  const s = foldStats(groups, opened);
  const outcomes: Record<Outcome, number> = {
    sent: s.sent, skipped: total(s.skipped), failed: total(s.failed), unknown: s.unknown, cancelled: s.cancelled, pending: s.pending,
  };
  const funnel = funnelOf({ targeted: s.targeted, sent: s.sent, delivered: receipts.delivered, opened });
  const ctr = receipts.delivered > 0 ? ratio(opened, receipts.delivered) : ratio(opened, s.sent);
  return { source: src, outcomes, funnel, ctr, receiptFailed: receipts.failed, sendsPerHour: sendsPerLocalHour(quarters, zone), placements: conversionOf(placements) };
}
