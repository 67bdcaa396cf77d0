// Core (pure): campaign numbers — exact stats folded from grouped `deliveries`, and the cheap progress read from
// the campaign's `counters` (kept by dispatch and track; used by `list` and the CLI's `watch` as the fast path).
import type { Campaign, CampaignCounters, CampaignStatus } from './model';
import type { DeliveryGroup } from './ports';

export interface CampaignStats {
  /** Deliveries created for the campaign (its expanded audience so far). */
  targeted: number;
  sent: number;
  /** By reason, e.g. `{ no_grant: 3, frequency_cap: 1 }`. */
  skipped: Record<string, number>;
  /** By WeChat errcode, e.g. `{ "40003": 1 }`; `unknown` when a failure carries none. */
  failed: Record<string, number>;
  /** Sends whose result is unknown (lease expired mid-send: may or may not have reached WeChat). */
  unknown: number;
  opened: number;
  /**
   * Sent messages by WeChat's receipt (`subscribe_msg_sent_event`, joined by msgid): `delivered`, `failed` after
   * acceptance, and `awaiting` (sent, no receipt yet — or none will come). delivered + failed + awaiting = sent.
   * Always set by foldStats (optional in the type so older readers' fixtures still type-check).
   */
  receipts?: { delivered: number; failed: number; awaiting: number };
  /** Not final yet: `pending` + `sending`. */
  pending: number;
  cancelled: number;
}

/** Counts in the outcome vocabulary of core/outcomes.ts: `failed` and `unknown` apart, `cancelled` apart. */
export interface Progress {
  targeted: number;
  sent: number;
  skipped: number;
  failed: number;
  unknown: number;
  cancelled: number;
  pending: number;
}

const add = (rec: Record<string, number>, key: string, n: number): void => {
  rec[key] = (rec[key] ?? 0) + n;
};

export function foldStats(groups: readonly DeliveryGroup[], opened: number): CampaignStats {
  const receipts = { delivered: 0, failed: 0, awaiting: 0 };
  const s: CampaignStats = { targeted: 0, sent: 0, skipped: {}, failed: {}, unknown: 0, opened, receipts, pending: 0, cancelled: 0 };
  for (const g of groups) {
    s.targeted += g.n;
    switch (g.status) {
      case 'sent':
        s.sent += g.n;
        if (g.receipt === 'delivered') receipts.delivered += g.n;
        else if (g.receipt === 'failed') receipts.failed += g.n;
        else receipts.awaiting += g.n;
        break;
      case 'skipped':
        add(s.skipped, g.reason ?? 'unspecified', g.n);
        break;
      case 'failed':
        add(s.failed, g.errCode === undefined || g.errCode === null ? 'unknown' : String(g.errCode), g.n);
        break;
      case 'unknown':
        s.unknown += g.n;
        break;
      case 'cancelled':
        s.cancelled += g.n;
        break;
      case 'pending':
      case 'sending':
        s.pending += g.n;
        break;
    }
  }
  return s;
}

export const total = (rec: Readonly<Record<string, number>>): number => Object.values(rec).reduce((a, b) => a + b, 0);

const FINAL: readonly CampaignStatus[] = ['completed', 'cancelled'];

/**
 * Progress from counters: pending = targeted − every final outcome (0 once the campaign itself is final). The
 * counters do not count cancelled deliveries: in a cancelled campaign, what never reached an outcome was cancelled.
 */
export function progressOf(status: CampaignStatus, c: CampaignCounters): Progress {
  const done = c.sent + c.skipped + c.failed + c.unknown;
  const rest = Math.max(0, c.targeted - done);
  const pending = FINAL.includes(status) ? 0 : rest;
  const cancelled = status === 'cancelled' ? rest : 0;
  return { targeted: c.targeted, sent: c.sent, skipped: c.skipped, failed: c.failed, unknown: c.unknown, cancelled, pending };
}

/** Share of the targeted audience that reached a final outcome, 0..1 (0 while nothing is targeted). */
export function completion(p: Progress): number {
  return p.targeted === 0 ? 0 : Math.min(1, (p.targeted - p.pending) / p.targeted);
}

export const ZERO_COUNTERS: CampaignCounters = { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 };

export function summarise(c: Campaign) {
  return {
    id: c._id,
    name: c.name,
    templateId: c.templateId,
    status: c.status,
    // A recurring series has no send time of its own: its next occurrence's.
    sendAt: c.sendAt ?? c.series?.nextAt ?? null,
    sendAtLocal: c.sendAtLocal ?? null,
    zone: c.zone,
    progress: progressOf(c.status, { ...ZERO_COUNTERS, ...c.counters }),
    opened: c.counters?.opened ?? 0,
    updatedAt: c.updatedAt,
  };
}
export type CampaignSummary = ReturnType<typeof summarise>;
