// Core (pure): the outcome vocabulary — which counts a campaign (or a notify key) reports and what each is called,
// defined once for the CLI (English), the admin pages (Chinese) and the emulator console. The mini program
// (miniprogram/lib/outcomes.ts) and the console (emulator/console/view.ts) cannot import core at run time and keep
// copies; test/campaigns/outcomes.test.ts checks the copies equal this table.
//
// The final delivery statuses (core/delivery.ts FINAL_STATUSES) are counted each on its own: `failed` (WeChat
// refused the send) and `unknown` (the send may or may not have reached WeChat) are never added together.

/** Counted per delivery, in display order. `pending` covers the `pending` and `sending` statuses. */
export const OUTCOMES = ['sent', 'skipped', 'failed', 'unknown', 'cancelled', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The funnel: deliveries created → sent → delivered (sent receipt) → opened. */
export const FUNNEL_STAGES = ['targeted', 'sent', 'delivered', 'opened'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface Label {
  zh: string;
  en: string;
}

export const OUTCOME_LABELS: Readonly<Record<Outcome | FunnelStage, Label>> = {
  targeted: { zh: '目标用户', en: 'targeted' },
  sent: { zh: '已发送', en: 'sent' },
  skipped: { zh: '已跳过', en: 'skipped' },
  failed: { zh: '发送失败', en: 'failed' },
  unknown: { zh: '结果未知', en: 'unknown' },
  cancelled: { zh: '已取消', en: 'cancelled' },
  pending: { zh: '待发送', en: 'pending' },
  delivered: { zh: '已送达', en: 'delivered' },
  opened: { zh: '已打开', en: 'opened' },
};
