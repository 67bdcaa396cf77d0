// Mini program lib (pure): the outcome vocabulary of the admin pages — a copy of core/outcomes.ts (the mini program
// cannot import core at run time); test/campaigns/outcomes.test.ts checks every label equals core's.

export const OUTCOMES = ['sent', 'skipped', 'failed', 'unknown', 'cancelled', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const FUNNEL_STAGES = ['targeted', 'sent', 'delivered', 'opened'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** core/outcomes.ts OUTCOME_LABELS[k].zh */
export const OUTCOME_TEXT: Readonly<Record<Outcome | FunnelStage, string>> = {
  targeted: '目标用户',
  sent: '已发送',
  skipped: '已跳过',
  failed: '发送失败',
  unknown: '结果未知',
  cancelled: '已取消',
  pending: '待发送',
  delivered: '已送达',
  opened: '已打开',
};
