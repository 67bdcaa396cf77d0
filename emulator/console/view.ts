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
export type OutcomeName = keyof typeof OUTCOME_LABELS;

/**
 * Deliveries counted in the vocabulary, in its order: each final status on its own, and `pending` covering the
 * `pending` and `sending` statuses (as core/outcomes.ts counts them), so the console reads what the CLI and pages read.
 */
export function outcomeCounts(byStatus: Readonly<Record<string, number>>): Record<OutcomeName, number> {
  const n = (s: string): number => byStatus[s] ?? 0;
  return { sent: n('sent'), skipped: n('skipped'), failed: n('failed'), unknown: n('unknown'), cancelled: n('cancelled'), pending: n('pending') + n('sending') };
}

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
  /** Raw delivery statuses (the database's words; the page shows `counts`). */
  byStatus: Record<string, number>;
  /** Deliveries per outcome of the vocabulary (OUTCOME_LABELS order); `pending` includes `sending`. */
  counts: Record<OutcomeName, number>;
  /** Final deliveries per virtual second: over the last minute, else over the whole run. */
  ratePerSec: number;
  /** Virtual ms until the pending deliveries are done at that rate (null: nothing left, or no rate yet). */
  etaMs: number | null;
  /** Cumulative counts per outcome at `t` (epoch ms, virtual). */
  series: { t: number[] } & Record<(typeof OUTCOMES)[number], number[]>;
}
