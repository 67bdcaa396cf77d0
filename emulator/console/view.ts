// Emulator console: what the campaigns API answers — one declaration for the server (campaigns.ts) and the page
// (web/main.ts). No imports: the page's bundle and its DOM-only tsconfig include it as it is.

/** Final delivery statuses drawn in the chart (core/delivery.ts FINAL_STATUSES minus cancelled). */
export const OUTCOMES = ['sent', 'skipped', 'failed', 'unknown'] as const;

/**
 * The outcome vocabulary (a copy of core/outcomes.ts OUTCOMES with its English labels: the emulator imports nothing
 * from core; test/campaigns/outcomes.test.ts checks they agree). The console shows counts in this order.
 */
export const OUTCOME_LABELS = {
  sent: 'sent', skipped: 'skipped', failed: 'failed', unknown: 'unknown', cancelled: 'cancelled', pending: 'pending',
} as const;

export interface CampaignView {
  id: string;
  name: string;
  status: string;
  templateId: string;
  sendAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  targeted: number;
  /** Deliveries created so far (the audience is expanded in pages). */
  deliveries: number;
  byStatus: Record<string, number>;
  /** Final deliveries per virtual second: over the last minute, else over the whole run. */
  ratePerSec: number;
  /** Virtual ms until the pending deliveries are done at that rate (null: nothing left, or no rate yet). */
  etaMs: number | null;
  /** Cumulative counts per outcome at `t` (epoch ms, virtual). */
  series: { t: number[] } & Record<(typeof OUTCOMES)[number], number[]>;
}
